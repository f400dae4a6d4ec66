/**
 * @module export/sarif
 * Findings → one SARIF 2.1.0 log (one run) for code-scanning UIs such as GitHub's. Written from
 * the OASIS SARIF 2.1.0 specification; typed with `@types/sarif`.
 *
 * Choices worth knowing:
 * - `locations[0]` is the first evidence location (the log file, `region.startLine` when known, the
 *   record index in `location.properties.record`); further evidence locations go to
 *   `relatedLocations`. Relative paths stay relative URIs, absolute paths become `file://` URIs,
 *   `s3://` URIs are kept; stdin (`-`) names no artifact.
 * - The subject is a logical location. SARIF lists kinds for code constructs and allows another
 *   value when none fits, so an identity is kind `principal`, an access key `credential`, any other
 *   subject its asset kind; `fullyQualifiedName` is the ARN / id.
 * - `partialFingerprints["jackstop/v1"]` is the finding id, stable across runs.
 * - Rules come from the context; a finding whose rule is missing there gets a rule made from the
 *   finding itself. `security-severity` is GitHub's numeric severity; the tag `security` makes
 *   GitHub treat the rule as a security rule.
 * - A finding without any file location has only a logical location: valid SARIF, but GitHub code
 *   scanning rejects results with no physical location.
 */
import type {
  Artifact,
  Invocation,
  Location,
  Log,
  LogicalLocation,
  PhysicalLocation,
  ReportingDescriptor,
  Result,
  Run,
} from 'sarif';
import type { Finding, Severity } from '../../domain/index.js';
import {
  checkContext,
  checkFindings,
  describeFinding,
  type ExportContext,
  isoUtc,
  mitreTags,
  type RuleMeta,
  ruleLookup,
  ruleMetaFromFinding,
  ruleSourceText,
  unique,
} from '../context.js';
import { artifactUri, parseEvidenceLocation } from '../location.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Result level by severity. */
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning's numeric `security-severity` (a string holding a 0.0–10.0 score). */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

/** Logical-location kind of a subject, by its asset kind (see the module header). */
const SUBJECT_KIND: Partial<Record<Finding['subject']['kind'], string>> = {
  identity: 'principal',
  'access-key': 'credential',
};

const FINGERPRINT_KEY = 'jackstop/v1';

export function toSarif(findings: readonly Finding[], ctx: ExportContext): Log {
  const context = checkContext(ctx);
  const checked = checkFindings(findings);

  const rules = ruleCatalog(checked, context.rules);
  const artifacts = new ArtifactRegistry();
  for (const input of context.run?.inputs ?? []) artifacts.indexOf(input);

  const results = checked.map((f) => toResult(f, rules, artifacts));

  const run: Run = {
    tool: {
      driver: {
        name: context.tool.name,
        version: context.tool.version,
        ...(/^\d+\.\d+\.\d+/.test(context.tool.version) ? { semanticVersion: context.tool.version } : {}),
        ...(context.tool.informationUri ? { informationUri: context.tool.informationUri } : {}),
        rules: rules.list.map(toReportingDescriptor),
      },
    },
    invocations: [toInvocation(context)],
    ...(artifacts.list.length > 0 ? { artifacts: artifacts.list } : {}),
    // Columns come from JavaScript string offsets.
    columnKind: 'utf16CodeUnits',
    results,
  };
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

interface RuleCatalog {
  list: RuleMeta[];
  index: Map<string, number>;
}

/** The context's rules in order, then rules made from findings whose rule the context lacks. */
function ruleCatalog(findings: readonly Finding[], given: readonly RuleMeta[]): RuleCatalog {
  const lookup = ruleLookup(given);
  const list = [...lookup.values()];
  for (const f of findings) {
    if (!lookup.has(f.ruleId)) {
      const made = ruleMetaFromFinding(f);
      lookup.set(made.id, made);
      list.push(made);
    }
  }
  return { list, index: new Map(list.map((r, i) => [r.id, i])) };
}

function toReportingDescriptor(rule: RuleMeta): ReportingDescriptor {
  const helpUri = rule.references.find((r) => /^https?:\/\//i.test(r) && URL.canParse(r));
  return {
    id: rule.id,
    name: ruleName(rule),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description || rule.title },
    help: ruleHelp(rule),
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: unique([...rule.tags, 'security']),
      'security-severity': SECURITY_SEVERITY[rule.severity],
      severity: rule.severity,
      ...(rule.author ? { author: rule.author } : {}),
      ...(ruleSourceText(rule) ? { source: ruleSourceText(rule) } : {}),
    },
  };
}

/** A PascalCase name from the title, which SARIF viewers show next to the id. */
function ruleName(rule: RuleMeta): string {
  const words = (text: string) =>
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .replace(/[^A-Za-z0-9]+/g, ' ')
      .trim()
      .split(' ')
      .filter(Boolean);
  const pascal = (text: string) =>
    words(text)
      .map((w) => w[0]!.toUpperCase() + w.slice(1))
      .join('');
  return pascal(rule.title) || pascal(rule.id) || 'JackstopRule';
}

function ruleHelp(rule: RuleMeta): { text: string; markdown: string } {
  const text: string[] = [rule.description || rule.title];
  const markdown: string[] = [rule.description || rule.title];
  if (rule.remediation) {
    text.push(`Remediation: ${rule.remediation}`);
    markdown.push(`**Remediation**\n\n${rule.remediation}`);
  }
  if (rule.falsePositives.length > 0) {
    text.push(`False positives:\n${bullets(rule.falsePositives)}`);
    markdown.push(`**False positives**\n\n${bullets(rule.falsePositives)}`);
  }
  if (rule.references.length > 0) {
    text.push(`References:\n${bullets(rule.references)}`);
    markdown.push(`**References**\n\n${bullets(rule.references)}`);
  }
  return { text: text.join('\n\n'), markdown: markdown.join('\n\n') };
}

function bullets(items: readonly string[]): string {
  return items.map((item) => `- ${item}`).join('\n');
}

function toResult(f: Finding, rules: RuleCatalog, artifacts: ArtifactRegistry): Result {
  const ruleIndex = rules.index.get(f.ruleId)!;
  const rule = rules.list[ruleIndex]!;
  const logical: LogicalLocation = {
    name: f.subject.label || f.subject.id,
    fullyQualifiedName: f.subject.id,
    kind: SUBJECT_KIND[f.subject.kind] ?? f.subject.kind,
  };

  const physical = unique(f.evidence.locations)
    .map((text) => physicalLocation(text, artifacts))
    .filter((p): p is PhysicalWithRecord => p !== undefined);
  const [primary, ...related] = physical;
  const locations: Location[] = [
    {
      ...(primary ? { physicalLocation: primary.location } : {}),
      logicalLocations: [logical],
      ...(primary?.record !== undefined ? { properties: { record: primary.record } } : {}),
    },
  ];
  const relatedLocations: Location[] = related.map((p, i) => ({
    id: i + 1,
    physicalLocation: p.location,
    ...(p.record !== undefined ? { properties: { record: p.record } } : {}),
  }));

  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: describeFinding(f) },
    locations,
    ...(relatedLocations.length > 0 ? { relatedLocations } : {}),
    partialFingerprints: { [FINGERPRINT_KEY]: f.id },
    ...(f.status === 'suppressed'
      ? { suppressions: [{ kind: 'external' as const, status: 'accepted' as const }] }
      : {}),
    properties: {
      findingId: f.id,
      kind: f.kind,
      status: f.status,
      severity: f.severity,
      count: f.count,
      firstSeen: isoUtc(f.firstSeen),
      lastSeen: isoUtc(f.lastSeen),
      subject: f.subject,
      models: f.evidence.models,
      regions: f.evidence.regions,
      sourceIps: f.evidence.sourceIps,
      userAgents: f.evidence.userAgents,
      accessKeyIds: f.evidence.accessKeyIds,
      eventIds: f.evidence.eventIds,
      eventNames: f.evidence.eventNames,
      errorCodes: f.evidence.errorCodes,
      locations: f.evidence.locations,
      tags: mitreTags(f, rule),
    },
  };
}

interface PhysicalWithRecord {
  location: PhysicalLocation;
  record?: number;
}

function physicalLocation(text: string, artifacts: ArtifactRegistry): PhysicalWithRecord | undefined {
  const parsed = parseEvidenceLocation(text);
  const uri = artifactUri(parsed.path);
  if (uri === undefined) return undefined;
  const hasLine = parsed.line !== undefined && parsed.line >= 1;
  const location: PhysicalLocation = {
    artifactLocation: { uri, index: artifacts.indexOf(parsed.path) },
    ...(hasLine
      ? {
          region: {
            startLine: parsed.line,
            ...(parsed.column !== undefined && parsed.column >= 1 ? { startColumn: parsed.column } : {}),
          },
        }
      : {}),
  };
  return { location, ...(parsed.record !== undefined ? { record: parsed.record } : {}) };
}

/** `run.artifacts`: each distinct input or evidence file once, in order of first mention. */
class ArtifactRegistry {
  readonly list: Artifact[] = [];
  private readonly byUri = new Map<string, number>();

  /** Index of the artifact for a file path or URI, added if new; -1 (SARIF's "none") for stdin. */
  indexOf(path: string): number {
    const uri = artifactUri(path);
    if (uri === undefined) return -1;
    const known = this.byUri.get(uri);
    if (known !== undefined) return known;
    this.list.push({ location: { uri }, roles: ['analysisTarget'] });
    this.byUri.set(uri, this.list.length - 1);
    return this.list.length - 1;
  }
}

function toInvocation(ctx: ExportContext): Invocation {
  const run = ctx.run;
  if (!run) return { executionSuccessful: true };
  return {
    executionSuccessful: true,
    startTimeUtc: isoUtc(run.startedAt),
    endTimeUtc: isoUtc(run.finishedAt),
    ...(run.badInputs > 0
      ? {
          toolExecutionNotifications: [
            {
              level: 'warning' as const,
              message: {
                text: `${run.badInputs} input record${run.badInputs === 1 ? '' : 's'} could not be read and ${run.badInputs === 1 ? 'was' : 'were'} skipped.`,
              },
            },
          ],
        }
      : {}),
    properties: {
      events: run.events,
      badInputs: run.badInputs,
      inputs: run.inputs,
      ...(run.matchedEvents !== undefined ? { matchedEvents: run.matchedEvents } : {}),
    },
  };
}
