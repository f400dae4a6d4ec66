/**
 * What every exporter shares: the context types, input checks that turn bad findings into
 * `JackstopError`s naming the finding, rule metadata lookup, times, and the one-line summary.
 */
import { z } from 'zod';
import { Finding, RuleMeta } from '../domain/index.js';
import { formatLocation, JackstopError } from '../errors.js';

export type { RuleMeta };

export interface ExportContext {
  tool: { name: string; version: string; informationUri?: string };
  /** Metadata of every rule that produced a finding (maybe more). */
  rules: RuleMeta[];
  run?: {
    startedAt: string;
    finishedAt: string;
    inputs: string[];
    events: number;
    badInputs: number;
    /** Events at least one detection rule matched. */
    matchedEvents?: number;
  };
}

/**
 * Milliseconds since the epoch. Domain times are UTC, so a date-time without a zone is read as UTC
 * (JavaScript would read it as local time and make the output depend on the machine).
 */
function parseUtc(iso: string): number {
  const zoneless = /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(iso);
  return Date.parse(zoneless ? `${iso}Z` : iso);
}

const isoTime = z.string().refine((s) => !Number.isNaN(parseUtc(s)), 'is not a date-time');

const ExportContextSchema = z.object({
  tool: z.object({
    name: z.string().min(1),
    version: z.string().min(1),
    informationUri: z
      .string()
      .refine((s) => URL.canParse(s), 'is not an absolute URL')
      .optional(),
  }),
  rules: z.array(RuleMeta),
  run: z
    .object({
      startedAt: isoTime,
      finishedAt: isoTime,
      inputs: z.array(z.string()),
      events: z.number().int().nonnegative(),
      badInputs: z.number().int().nonnegative(),
      matchedEvents: z.number().int().nonnegative().optional(),
    })
    .optional(),
});

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.map(String).join('.');
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more problem(s))` : '';
  return `${path ? `${path}: ` : ''}${issue.message}${more}`;
}

/** Checks the context; a bad one is a programming or configuration error worth a clear message. */
export function checkContext(ctx: ExportContext): ExportContext {
  const parsed = ExportContextSchema.safeParse(ctx);
  if (!parsed.success) {
    throw new JackstopError(
      'JACKSTOP_EXPORT_ERROR',
      `Cannot export: the export context is invalid (${firstIssue(parsed.error)}).`,
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

/**
 * Checks every finding against the domain schema (which also fills defaults) and that its times are
 * real dates. A bad one throws with its index as the record and its id in the message.
 */
export function checkFindings(findings: readonly Finding[]): Finding[] {
  if (!Array.isArray(findings)) {
    throw new JackstopError('JACKSTOP_EXPORT_ERROR', 'Cannot export: findings must be an array.');
  }
  return findings.map((f, index) => checkFinding(f, index));
}

function checkFinding(candidate: unknown, index: number): Finding {
  const parsed = Finding.safeParse(candidate);
  const id = describeId(candidate);
  if (!parsed.success) {
    throw new JackstopError(
      'JACKSTOP_EXPORT_ERROR',
      `Cannot export finding #${index}${id}: ${firstIssue(parsed.error)}.`,
      { location: { record: index }, cause: parsed.error },
    );
  }
  for (const field of ['firstSeen', 'lastSeen'] as const) {
    if (Number.isNaN(parseUtc(parsed.data[field]))) {
      throw new JackstopError(
        'JACKSTOP_EXPORT_ERROR',
        `Cannot export finding #${index}${id}: ${field} ${JSON.stringify(parsed.data[field])} is not a date-time.`,
        { location: { record: index } },
      );
    }
  }
  return parsed.data;
}

function describeId(candidate: unknown): string {
  if (candidate && typeof candidate === 'object' && 'id' in candidate && typeof candidate.id === 'string') {
    return ` (id ${candidate.id})`;
  }
  return '';
}

/** Milliseconds since the epoch of a checked ISO time. */
export function epochMs(iso: string): number {
  return parseUtc(iso);
}

/** The same instant as `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export function isoUtc(iso: string): string {
  return new Date(parseUtc(iso)).toISOString();
}

/** Rule metadata by id; the first entry wins when the caller repeats an id. */
export function ruleLookup(rules: readonly RuleMeta[]): Map<string, RuleMeta> {
  const byId = new Map<string, RuleMeta>();
  for (const rule of rules) if (!byId.has(rule.id)) byId.set(rule.id, rule);
  return byId;
}

/**
 * The metadata a finding's rule would have had: used when the context lacks that rule, so the
 * export stays complete (SARIF needs a rule for every result).
 */
export function ruleMetaFromFinding(f: Finding): RuleMeta {
  return {
    id: f.ruleId,
    title: f.title,
    ...(f.description ? { description: f.description } : {}),
    severity: f.severity,
    tags: unique([...f.mappings.attack, ...f.mappings.atlas]),
    references: f.references,
    falsePositives: f.falsePositives,
    ...(f.remediation ? { remediation: f.remediation } : {}),
  };
}

/** Where the rule is defined, as `file` or `file:line`; undefined when unknown. */
export function ruleSourceText(rule: RuleMeta): string | undefined {
  return rule.source ? formatLocation(rule.source) || undefined : undefined;
}

export function ruleFor(f: Finding, lookup: Map<string, RuleMeta>): RuleMeta {
  return lookup.get(f.ruleId) ?? ruleMetaFromFinding(f);
}

/**
 * Every tag that says which ATT&CK/ATLAS behaviour a finding shows: rule tags and finding mappings.
 * A mapping entry without a namespace (`impact`, `T1496`) is an ATT&CK one, so it gets `attack.`.
 */
export function mitreTags(f: Finding, rule: RuleMeta): string[] {
  const attack = f.mappings.attack.map((m) => (/^attack\./i.test(m) ? m : `attack.${m}`));
  return unique([...rule.tags, ...attack, ...f.mappings.atlas]);
}

/** `who`: the subject's label and id, or just the id. */
export function subjectText(f: Finding): string {
  const { id, label } = f.subject;
  return label && label !== id ? `${label} (${id})` : id;
}

const LISTED_VALUES = 5;

function listText(values: readonly string[]): string {
  const shown = values.slice(0, LISTED_VALUES).join(', ');
  const more = values.length - LISTED_VALUES;
  return more > 0 ? `${shown} and ${more} more` : shown;
}

/** One sentence: what happened, who, how many events, when, and which models and regions. */
export function describeFinding(f: Finding): string {
  const events = f.count === 1 ? '1 event' : `${f.count} events`;
  const first = isoUtc(f.firstSeen);
  const last = isoUtc(f.lastSeen);
  const when = first === last ? `at ${last}` : `from ${first} to ${last}`;
  let text = `${f.title}: ${subjectText(f)}, ${events} ${when}`;
  if (f.evidence.models.length > 0) text += `; models: ${listText(f.evidence.models)}`;
  if (f.evidence.regions.length > 0) text += `; regions: ${listText(f.evidence.regions)}`;
  return `${text}.`;
}

export function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}
