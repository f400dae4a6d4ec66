/**
 * @module posture
 * AI security posture (AISPM) for AWS, Azure and GCP.
 *
 * - Snapshots (`snapshot.ts`): `readSnapshot`, `parseSnapshot`, `Snapshot` — the versioned inventory
 *   plus coverage that `jackstop collect` writes and `jackstop scan --snapshot` reads.
 * - Collectors: `collectAws`, `collectAzure`, `collectGcp` (read-only, official SDKs), each giving a
 *   `SnapshotPart`; loaded lazily by the CLI (the SDKs are large).
 * - Checks as data (`checks/<cloud>/*.yml`, CEL expressions): `loadChecks`, `parseCheck`.
 * - `evaluateChecks(snapshot, checks, {enrichers})`: pass / fail / could-not-check per resource.
 * - Frameworks as data (`frameworks/*.yml`): `loadFrameworks`, `requirementTable`, `mappingsOf`.
 * - `postureFindings`: failed checks as domain findings (stable ids) for the store and exporters.
 */
export {
  builtinChecksDir,
  type Check,
  type CheckContext,
  CheckDoc,
  compileCheck,
  loadChecks,
  parseCheck,
} from './checks.js';
export { collectionError, collectType, emptyPart, type SnapshotPart } from './collect.js';
export { ENRICHERS } from './enrichers.js';
export {
  type CheckResult,
  type CheckStatus,
  countResults,
  type Enricher,
  evaluateChecks,
  evaluateOne,
  type Scope,
} from './evaluate.js';
export { postureFinding, postureFindings, remediationText } from './findings.js';
export {
  builtinFrameworksDir,
  type Framework,
  loadFrameworks,
  mappingsOf,
  parseFramework,
  type RequirementRow,
  type RequirementStatus,
  requirementTable,
} from './frameworks.js';
export {
  CLOUDS,
  Cloud,
  type Collection,
  emptySnapshot,
  GLOBAL_REGION,
  mergeSnapshot,
  parseSnapshot,
  type Resource,
  readSnapshot,
  SNAPSHOT_FORMAT,
  SNAPSHOT_VERSION,
  Snapshot,
} from './snapshot.js';
