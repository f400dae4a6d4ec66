/**
 * Failed checks as domain `Finding`s (kind `posture`): one per (check, resource), with the stable id
 * `findingId(check id, resource id)`, so a re-scan updates the same finding and a fixed resource's
 * finding can be marked resolved.
 */
import { type AssetKind, type Finding, findingId } from '../domain/index.js';
import type { Check } from './checks.js';
import type { CheckResult } from './evaluate.js';
import { type Framework, mappingsOf } from './frameworks.js';
import type { Resource } from './snapshot.js';

/** The asset kind a resource type is (by its last part): keys, identities, models, buckets … */
export function assetKindOf(type: string): AssetKind {
  const kind = type.split('.')[2] ?? '';
  if (/key|credential/.test(kind)) return 'access-key';
  if (/user|role|group|identity|policy|service-account/.test(kind)) return 'identity';
  if (/bucket|storage|dataset/.test(kind)) return 'bucket';
  if (/model|deployment|guardrail|prompt|agent|knowledge-base/.test(kind)) return 'model';
  if (/endpoint|notebook|workspace|domain|training|account|index/.test(kind)) return 'endpoint';
  if (/settings|region|trail|budget|alarm|quota|subscription|project|config/.test(kind)) return 'account';
  return 'service';
}

/** The remediation as one text: what to do, then the CLI command, then the Terraform. */
export function remediationText(check: Check, resource: Resource): string {
  const fill = (s: string) =>
    s
      .replaceAll('{{id}}', resource.id)
      .replaceAll('{{name}}', resource.name ?? resource.id)
      .replaceAll('{{account}}', resource.account)
      .replaceAll('{{region}}', resource.region);
  const parts = [fill(check.remediation.text.trim())];
  if (check.remediation.cli) parts.push(`CLI:\n${fill(check.remediation.cli.trim())}`);
  if (check.remediation.terraform) parts.push(`Terraform:\n${fill(check.remediation.terraform.trim())}`);
  return parts.join('\n\n');
}

export function postureFinding(result: CheckResult, collectedAt: string, frameworks: readonly Framework[]): Finding {
  const { check, resource } = result;
  if (!resource) throw new Error('a posture finding needs a resource');
  const kind = assetKindOf(resource.type);
  return {
    id: findingId(check.id, resource.id),
    kind: 'posture',
    ruleId: check.id,
    title: check.title,
    description: check.rationale.trim(),
    severity: check.severity,
    status: 'open',
    subject: { kind, id: resource.id, label: resource.name },
    assets: [
      {
        id: resource.id,
        kind,
        name: resource.name,
        attributes: { type: resource.type, cloud: resource.cloud, account: resource.account, region: resource.region },
      },
    ],
    evidence: {
      eventIds: [],
      eventNames: [],
      models: [],
      regions: [resource.region],
      sourceIps: [],
      userAgents: [],
      accessKeyIds: [],
      errorCodes: [],
      locations: [],
    },
    firstSeen: collectedAt,
    lastSeen: collectedAt,
    count: 1,
    remediation: remediationText(check, resource),
    falsePositives: [],
    references: [...check.references],
    mappings: mappingsOf(check.id, frameworks),
  };
}

/** Every failed result as a finding, most severe first (the store's order). */
export function postureFindings(
  results: readonly CheckResult[],
  collectedAt: string,
  frameworks: readonly Framework[],
): Finding[] {
  return results.filter((r) => r.status === 'fail').map((r) => postureFinding(r, collectedAt, frameworks));
}
