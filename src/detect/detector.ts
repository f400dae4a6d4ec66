import {
  type Asset,
  EVIDENCE_EVENT_CAP,
  EVIDENCE_VALUE_CAP,
  type Event,
  type EventSource,
  type Finding,
  findingId,
  type Mappings,
} from '../domain/index.js';
import { formatLocation, type JackstopError, type Location } from '../errors.js';
import { normalizeEvent, SIGMA_LOGSOURCE } from '../events/index.js';
import { fillRemediation } from './remediation.js';
import { type RuleMeta, ruleMetaOf } from './rules/index.js';
import { type CompiledRule, compileRule, RuleSet, type SigmaRule } from './sigma/index.js';

/** A finding plus every event id behind it, as the store wants it. */
export interface DetectedFinding {
  finding: Finding;
  eventIds: string[];
}

export interface DetectorOptions {
  /** Only events at or after this time count. */
  since?: Date;
  /** Only events before this time count. */
  until?: Date;
}

export interface DetectorStats {
  events: number;
  /** Matching events left out because they fall outside --since/--until. */
  outOfRange: number;
  /** Events that matched at least one rule. */
  matchedEvents: number;
}

/** Distinct values in insertion order, capped: evidence for a person, not a full index. */
class CappedSet {
  readonly values: string[] = [];
  readonly #seen = new Set<string>();
  constructor(readonly cap: number) {}
  add(v: string | undefined): void {
    if (v === undefined || this.values.length >= this.cap || this.#seen.has(v)) return;
    this.#seen.add(v);
    this.values.push(v);
  }
}

class Aggregate {
  first = '';
  last = '';
  readonly eventIds = new Set<string>();
  readonly sampleIds = new CappedSet(EVIDENCE_EVENT_CAP);
  readonly eventNames = new CappedSet(EVIDENCE_VALUE_CAP);
  readonly models = new CappedSet(EVIDENCE_VALUE_CAP);
  readonly regions = new CappedSet(EVIDENCE_VALUE_CAP);
  readonly ips = new CappedSet(EVIDENCE_VALUE_CAP);
  readonly agents = new CappedSet(EVIDENCE_VALUE_CAP);
  readonly keys = new CappedSet(EVIDENCE_VALUE_CAP);
  readonly errors = new CappedSet(EVIDENCE_VALUE_CAP);
  readonly locations = new CappedSet(EVIDENCE_VALUE_CAP);
  account: string | undefined;
  label: string | undefined;

  constructor(
    readonly meta: RuleMeta,
    readonly subjectId: string,
  ) {}

  add(ev: Event, location: Location | undefined): void {
    if (this.eventIds.has(ev.id)) return; // the same event delivered twice (overlapping exports)
    this.eventIds.add(ev.id);
    if (this.first === '' || ev.time < this.first) this.first = ev.time;
    if (ev.time > this.last) this.last = ev.time;
    this.sampleIds.add(ev.id);
    this.eventNames.add(ev.action.operation);
    this.models.add(ev.target.model);
    this.regions.add(ev.target.region);
    this.ips.add(ev.actor.sourceIp);
    this.agents.add(ev.actor.userAgent);
    this.keys.add(ev.actor.accessKeyId);
    this.errors.add(ev.outcome.errorCode);
    if (location) this.locations.add(formatLocation(location));
    this.account ??= ev.target.account;
    this.label ??= ev.actor.name;
  }

  toFinding(): DetectedFinding {
    const m = this.meta;
    const assets: Asset[] = [{ id: this.subjectId, kind: 'identity', name: this.label, attributes: {} }];
    for (const k of this.keys.values) assets.push({ id: k, kind: 'access-key', attributes: {} });
    for (const model of this.models.values) assets.push({ id: model, kind: 'model', attributes: {} });
    if (this.account) assets.push({ id: this.account, kind: 'account', attributes: {} });
    const finding: Finding = {
      id: findingId(m.id, this.subjectId),
      kind: 'detection',
      ruleId: m.id,
      title: m.title,
      description: m.description ?? '',
      severity: m.severity,
      status: 'open',
      subject: {
        kind: 'identity',
        id: this.subjectId,
        label: this.label,
      },
      assets,
      evidence: {
        eventIds: this.sampleIds.values,
        eventNames: this.eventNames.values,
        models: this.models.values,
        regions: this.regions.values,
        sourceIps: this.ips.values,
        userAgents: this.agents.values,
        accessKeyIds: this.keys.values,
        errorCodes: this.errors.values,
        locations: this.locations.values,
      },
      firstSeen: this.first,
      lastSeen: this.last,
      count: this.eventIds.size,
      remediation: '',
      falsePositives: m.falsePositives,
      references: m.references,
      mappings: mappingsFromTags(m.tags),
    };
    if (m.remediation) finding.remediation = fillRemediation(m.remediation, finding);
    return { finding, eventIds: [...this.eventIds] };
  }
}

/** Sigma tags → framework mappings: `attack.t1496.004`, `atlas.aml.t0055`, `owasp-llm.llm10`, the rest. */
export function mappingsFromTags(tags: readonly string[]): Mappings {
  const m: Mappings = { attack: [], atlas: [], owaspLlm: [], other: [] };
  for (const tag of tags) {
    const t = tag.toLowerCase();
    if (t.startsWith('attack.')) m.attack.push(tag.slice(7));
    else if (t.startsWith('atlas.')) m.atlas.push(tag.slice(6).toUpperCase());
    else if (t.startsWith('owasp-llm.')) m.owaspLlm.push(tag.slice(10).toUpperCase());
    else m.other.push(tag);
  }
  return m;
}

/**
 * Who a finding is about. Identity first (the ARN an analyst pivots on), then the key, then the
 * address: anonymous S3 requests and partial exports carry no principal at all.
 */
export function subjectOf(ev: Event): string {
  if (ev.actor.id) return ev.actor.id;
  if (ev.actor.accessKeyId) return `access-key:${ev.actor.accessKeyId}`;
  if (ev.actor.sourceIp) return `ip:${ev.actor.sourceIp}`;
  return 'unknown';
}

/**
 * Runs compiled Sigma rules over CloudTrail records and folds matches into one finding per
 * (rule, subject). Feed it records with `observe`, then read `results()`.
 */
export class Detector {
  readonly stats: DetectorStats = { events: 0, outOfRange: 0, matchedEvents: 0 };
  /** Rules that failed to compile (the rest still run). */
  readonly compileErrors: JackstopError[] = [];
  readonly #ruleSet: RuleSet;
  readonly #meta = new Map<CompiledRule, RuleMeta>();
  readonly #aggregates = new Map<string, Aggregate>();
  readonly #since: string | undefined;
  readonly #until: string | undefined;

  constructor(rules: readonly SigmaRule[], opts: DetectorOptions = {}) {
    const compiled: CompiledRule[] = [];
    for (const rule of rules) {
      try {
        const c = compileRule(rule);
        compiled.push(c);
        this.#meta.set(c, ruleMetaOf(rule));
      } catch (e) {
        this.compileErrors.push(e as JackstopError);
      }
    }
    this.#ruleSet = new RuleSet(compiled);
    this.#since = opts.since?.toISOString();
    this.#until = opts.until?.toISOString();
  }

  get ruleCount(): number {
    return this.#ruleSet.size;
  }

  observe(record: Record<string, unknown>, location?: Location, kind: EventSource = 'aws.cloudtrail'): void {
    this.stats.events++;
    const hits = this.#ruleSet.match(record, SIGMA_LOGSOURCE[kind]);
    if (hits.length === 0) return;
    // Normalize only what matched: most records match nothing, and the time window only matters for matches.
    const ev = normalizeEvent(kind, record);
    if ((this.#since && ev.time < this.#since) || (this.#until && ev.time >= this.#until)) {
      this.stats.outOfRange++;
      return;
    }
    this.stats.matchedEvents++;
    const subject = subjectOf(ev);
    for (const rule of hits) {
      const meta = this.#meta.get(rule)!;
      const key = `${meta.id}\0${subject}`;
      let agg = this.#aggregates.get(key);
      if (!agg) {
        agg = new Aggregate(meta, subject);
        this.#aggregates.set(key, agg);
      }
      agg.add(ev, location);
    }
  }

  /** One finding per (rule, subject), most severe first. */
  results(): DetectedFinding[] {
    return [...this.#aggregates.values()].map((a) => a.toFinding()).sort(compareFindings);
  }
}

const RANK = { info: 0, low: 1, medium: 2, high: 3, critical: 4 } as const;

export function compareFindings(a: DetectedFinding, b: DetectedFinding): number {
  return (
    RANK[b.finding.severity] - RANK[a.finding.severity] ||
    b.finding.lastSeen.localeCompare(a.finding.lastSeen) ||
    a.finding.id.localeCompare(b.finding.id)
  );
}
