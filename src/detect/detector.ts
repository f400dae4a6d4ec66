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
import { StringPool } from '../intern.js';
import {
  CorrelationEngine,
  type CorrelationMatch,
  type CorrelationOptions,
  type CorrelationStats,
} from './correlate/index.js';
import { FirstValues, type PositionedValues } from './first-values.js';
import { IdSet, type IdSetState } from './id-set.js';
import { fillRemediation } from './remediation.js';
import { type RuleMeta, ruleMetaOf } from './rules/index.js';
import {
  applyFieldMapping,
  type CompiledRule,
  type CorrelationRule,
  compileRule,
  type DetectionRule,
  type FieldMap,
  type RecordPrefilter,
  RuleSet,
  recordPrefilter,
  resolveCorrelations,
  type SigmaLogsource,
  type SigmaRule,
} from './sigma/index.js';

/**
 * A finding plus the ids of the events behind it, as the store wants them: all of them up to
 * `LINKED_EVENT_CAP`, the first ones beyond (`finding.count` is the exact distinct count).
 */
export interface DetectedFinding {
  finding: Finding;
  eventIds: string[];
}

/** Event ids handed to the store per finding: enough to re-count re-reads exactly for all but the noisiest rules. */
export const LINKED_EVENT_CAP = 100;

/** The lists of an aggregate that keep the first values by position (see `Aggregate`). */
const POSITIONED_LISTS = [
  'linked',
  'eventNames',
  'models',
  'regions',
  'ips',
  'agents',
  'keys',
  'errors',
  'locations',
  'account',
  'label',
] as const;

/** One (rule, subject) aggregate of a worker's share of the input, as plain data (structured-clone safe). */
export interface AggregateState extends Record<(typeof POSITIONED_LISTS)[number], PositionedValues> {
  /** Index of the detection rule among the detector's compiled rules. */
  rule: number;
  subjectId: string;
  first: string;
  last: string;
  ids: IdSetState;
}

/** An event a correlation must see, as a reader hands it over: the main thread runs the correlations in input order. */
export interface CorrelationInput {
  /** Indexes of the matched detection rules among the compiled rules. */
  rules: number[];
  /** What the correlations read of the record (`CorrelationEngine.project`), or the record itself. */
  record: Record<string, unknown>;
  /** Its id and time among the rest. */
  evidence: MatchedEvent;
  location: Location | undefined;
}

/**
 * What a reader found in one task (a file, or a range of one): the events correlations must see, in
 * input order, and counts; and, when the reader hands them over, its aggregates (which merge in any
 * order: see `Aggregate`). The main detector `absorb`s shards in input order.
 */
export interface DetectorShard {
  aggregates: AggregateState[];
  correlation: CorrelationInput[];
  events: number;
  outOfRange: number;
  matchedEvents: number;
}

export interface DetectorOptions {
  /** Only events at or after this time count. */
  since?: Date;
  /** Only events before this time count. */
  until?: Date;
  /**
   * Field-name maps per source: applied to the detection rules whose logsource fits that source
   * (and to correlations over them), e.g. SigmaHQ's `gcp.audit.method_name` → `protoPayload.methodName`.
   */
  fieldMaps?: Partial<Record<EventSource, FieldMap>>;
  /** Correlation engine limits (out-of-order tolerance, group caps). */
  correlation?: CorrelationOptions;
  /**
   * A worker's detector: matches and aggregates its share, and hands events for correlations over
   * (`takeShard`) instead of running them; the main thread's detector `absorb`s the shards in order
   * and its aggregates (`takeAggregates`) in any order.
   */
  shard?: boolean;
}

export interface DetectorStats {
  events: number;
  /** Matching events left out because they fall outside --since/--until. */
  outOfRange: number;
  /** Events that matched at least one rule. */
  matchedEvents: number;
  /** The correlation engine's counters (late events, evicted groups …). */
  correlation: CorrelationStats;
}

/**
 * What a finding keeps of a matched event: the normalized fields its evidence lists, flat (the
 * finding's `Evidence` is built from many of these). Small, because correlation windows hold one per
 * event for as long as a window can reach it (an hour of every Bedrock call), and workers hand one
 * over per correlated event.
 */
export interface MatchedEvent {
  id: string;
  time: string;
  /** Who the finding is about (`subjectOf`). */
  subject: string;
  operation: string | undefined;
  model: string | undefined;
  region: string | undefined;
  account: string | undefined;
  sourceIp: string | undefined;
  userAgent: string | undefined;
  accessKeyId: string | undefined;
  errorCode: string | undefined;
  /** The identity's display name. */
  name: string | undefined;
}

function matchedEventOf(ev: Event): MatchedEvent {
  return {
    id: ev.id,
    time: ev.time,
    subject: subjectOf(ev),
    operation: ev.action.operation,
    model: ev.target.model,
    region: ev.target.region,
    account: ev.target.account,
    sourceIp: ev.actor.sourceIp,
    userAgent: ev.actor.userAgent,
    accessKeyId: ev.actor.accessKeyId,
    errorCode: ev.outcome.errorCode,
    name: ev.actor.name,
  };
}

/** The fields of a matched event that repeat across events (all but its id). */
const SHARED_FIELDS = [
  'time',
  'subject',
  'operation',
  'model',
  'region',
  'account',
  'sourceIp',
  'userAgent',
  'accessKeyId',
  'errorCode',
  'name',
] as const;

interface Contribution {
  ev: MatchedEvent;
  location: Location | undefined;
}

/**
 * One finding in the making: a (rule, subject) and the events behind it. Every part is either
 * order-free (distinct ids, first and last time) or "the first N by position" (`FirstValues`), so
 * parts of the input read by different threads, in any order, merge into exactly what one pass
 * reading the whole input in order gives. A position is the event's place in the input; correlation
 * findings, built in input order on the main thread, number their additions instead.
 */
class Aggregate {
  first = '';
  last = '';
  /** Every distinct event id (hashed: a noisy rule may match millions). */
  readonly eventIds = new IdSet();
  /** The first ids: what the store links to the finding, and (the first of them) its evidence. */
  readonly linked = new FirstValues(LINKED_EVENT_CAP);
  readonly eventNames = new FirstValues(EVIDENCE_VALUE_CAP);
  readonly models = new FirstValues(EVIDENCE_VALUE_CAP);
  readonly regions = new FirstValues(EVIDENCE_VALUE_CAP);
  readonly ips = new FirstValues(EVIDENCE_VALUE_CAP);
  readonly agents = new FirstValues(EVIDENCE_VALUE_CAP);
  readonly keys = new FirstValues(EVIDENCE_VALUE_CAP);
  readonly errors = new FirstValues(EVIDENCE_VALUE_CAP);
  readonly locations = new FirstValues(EVIDENCE_VALUE_CAP);
  /** The account and the identity's display name: the first seen (one value each). */
  readonly account = new FirstValues(1);
  readonly label = new FirstValues(1);

  constructor(
    readonly meta: RuleMeta,
    readonly subjectId: string,
  ) {}

  /**
   * One event at position `pos`. An event delivered twice (overlapping exports) counts once; its
   * values keep the earlier position.
   */
  add(ev: MatchedEvent, location: Location | undefined, pos: number): void {
    this.eventIds.add(ev.id);
    this.linked.add(ev.id, pos);
    if (this.first === '' || ev.time < this.first) this.first = ev.time;
    if (ev.time > this.last) this.last = ev.time;
    this.eventNames.add(ev.operation, pos);
    this.models.add(ev.model, pos);
    this.regions.add(ev.region, pos);
    this.ips.add(ev.sourceIp, pos);
    this.agents.add(ev.userAgent, pos);
    this.keys.add(ev.accessKeyId, pos);
    this.errors.add(ev.errorCode, pos);
    if (location && this.locations.wants(pos)) this.locations.add(formatLocation(location), pos);
    this.account.add(ev.account, pos);
    this.label.add(ev.name, pos);
  }

  /** What a worker's aggregate hands to the main thread. */
  state(rule: number): AggregateState {
    const s = { rule, subjectId: this.subjectId, first: this.first, last: this.last, ids: this.eventIds.state() };
    const lists = Object.fromEntries(POSITIONED_LISTS.map((k) => [k, { values: this[k].values, at: this[k].at }]));
    return { ...s, ...lists } as AggregateState;
  }

  /** Folds in another part of the same stream, read elsewhere: any part, in any order. */
  merge(s: AggregateState): void {
    this.eventIds.absorb(s.ids);
    if (s.first !== '' && (this.first === '' || s.first < this.first)) this.first = s.first;
    if (s.last > this.last) this.last = s.last;
    for (const k of POSITIONED_LISTS) this[k].merge(s[k]);
  }

  /**
   * A correlation match: every contributing id counts; the sampled events give the evidence.
   * `next` numbers the additions (matches arrive in input order).
   */
  addMatch(m: CorrelationMatch<Contribution>, next: () => number): void {
    for (const c of m.sample) this.add(c.ev, c.location, next());
    for (const id of m.eventIds) {
      this.eventIds.add(id);
      this.linked.add(id, next());
    }
    if (this.first === '' || m.first < this.first) this.first = m.first;
    if (m.last > this.last) this.last = m.last;
  }

  toFinding(): DetectedFinding {
    const m = this.meta;
    const label = this.label.values[0];
    const account = this.account.values[0];
    const assets: Asset[] = [{ id: this.subjectId, kind: 'identity', name: label, attributes: {} }];
    for (const k of this.keys.values) assets.push({ id: k, kind: 'access-key', attributes: {} });
    for (const model of this.models.values) assets.push({ id: model, kind: 'model', attributes: {} });
    if (account) assets.push({ id: account, kind: 'account', attributes: {} });
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
        label,
      },
      assets,
      evidence: {
        eventIds: this.linked.values.slice(0, EVIDENCE_EVENT_CAP),
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
    return { finding, eventIds: this.linked.values };
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
export function subjectOf(ev: Pick<Event, 'actor'>): string {
  if (ev.actor.id) return ev.actor.id;
  if (ev.actor.accessKeyId) return `access-key:${ev.actor.accessKeyId}`;
  if (ev.actor.sourceIp) return `ip:${ev.actor.sourceIp}`;
  return 'unknown';
}

/** True if a rule's logsource fits the logsource a source's records are tagged with. */
function fits(rule: SigmaLogsource, source: { product: string; service: string }): boolean {
  const eq = (a: string | undefined, b: string) => a === undefined || a.toLowerCase() === b.toLowerCase();
  return eq(rule.product, source.product) && eq(rule.service, source.service) && rule.category === undefined;
}

/** Subjects remembered per correlation group, so a group's findings keep one subject. */
const SUBJECT_CACHE_CAP = 100_000;

/**
 * Runs compiled Sigma rules over audit records and folds matches into one finding per
 * (rule, subject). Correlation rules run over the matches of the rules they reference; those
 * referenced rules report on their own only if some correlation says `generate: true` or another
 * correlation does not reference them (Sigma: referenced rules are building blocks). Feed records
 * with `observe`, then read `results()`.
 */
export class Detector {
  readonly stats: DetectorStats;
  /** Rules that failed to compile or whose correlation references do not resolve (the rest still run). */
  readonly compileErrors: JackstopError[] = [];
  readonly #ruleSet: RuleSet;
  readonly #meta = new Map<CompiledRule, RuleMeta>();
  readonly #correlationMeta = new Map<CorrelationRule, RuleMeta>();
  /** Detection rules that only feed correlations (no findings of their own). */
  readonly #silent = new Set<DetectionRule>();
  readonly #engine: CorrelationEngine<Contribution>;
  /** Rule id → subject → aggregate (two levels: no key string built per match). */
  readonly #aggregates = new Map<string, Map<string, Aggregate>>();
  readonly #groupSubjects = new Map<string, string>();
  readonly #since: string | undefined;
  readonly #until: string | undefined;
  readonly #shard: boolean;
  /** Collecting correlation inputs instead of running them (a worker's detector, or `deferCorrelations`). */
  #deferred = false;
  #correlationInputs: CorrelationInput[] = [];
  /** Next position, when `observe` is not given one (one reader, in input order). */
  #nextPos = 0;
  readonly #strings = new StringPool();
  /** Numbers additions to correlation findings (see `Aggregate`). */
  #matchSeq = 0;
  readonly #nextMatch = () => this.#matchSeq++;
  readonly #compiled: CompiledRule[];
  readonly #ruleIndex = new Map<DetectionRule, number>();
  readonly #metaIndex = new Map<RuleMeta, number>();

  /** The rules and options this detector was built from: enough to build the same one in a worker thread. */
  readonly spec: { rules: readonly SigmaRule[]; options: Omit<DetectorOptions, 'shard'> };

  constructor(rules: readonly SigmaRule[], opts: DetectorOptions = {}) {
    const { shard: _shard, ...options } = opts;
    this.spec = { rules, options };
    const mapped = rules.map((r) => (r.kind === 'detection' ? this.#mapDetection(r, opts.fieldMaps) : r));
    const { correlations, errors } = resolveCorrelations(mapped);
    this.compileErrors.push(...errors);
    const resolved = correlations.map((c) => {
      const map = this.#mapFor(c.bases[0]!.logsource, opts.fieldMaps);
      return map ? { rule: applyFieldMapping(c.rule, map), bases: c.bases } : c;
    });
    const compiled: CompiledRule[] = [];
    for (const rule of mapped) {
      if (rule.kind !== 'detection') continue;
      try {
        const c = compileRule(rule);
        compiled.push(c);
        const meta = ruleMetaOf(rule);
        this.#meta.set(c, meta);
        this.#metaIndex.set(meta, compiled.length - 1);
      } catch (e) {
        this.compileErrors.push(e as JackstopError);
      }
    }
    // Sigma: rules a correlation references are building blocks unless it says `generate: true`.
    const standalone = new Set<DetectionRule>();
    for (const c of resolved) {
      this.#correlationMeta.set(c.rule, ruleMetaOf(c.rule));
      for (const b of c.bases) {
        if (c.rule.generate) standalone.add(b);
        else this.#silent.add(b);
      }
    }
    for (const b of standalone) this.#silent.delete(b);
    this.#engine = new CorrelationEngine<Contribution>(resolved, opts.correlation);
    this.stats = { events: 0, outOfRange: 0, matchedEvents: 0, correlation: this.#engine.stats };
    this.#ruleSet = new RuleSet(compiled);
    this.#compiled = compiled;
    for (const [i, c] of compiled.entries()) this.#ruleIndex.set(c.rule, i);
    this.#shard = opts.shard ?? false;
    this.#deferred = this.#shard;
    this.#since = opts.since?.toISOString();
    this.#until = opts.until?.toISOString();
  }

  /** Detection rules that run (correlations are counted in `correlationCount`). */
  get ruleCount(): number {
    return this.#ruleSet.size;
  }

  /** Correlation groups with open windows: the state that must stay bounded on long replays. */
  get liveCorrelationGroups(): number {
    return this.#engine.liveGroups;
  }

  /**
   * A test on a record's raw text that is false only for records no rule here can match, so a
   * reader need not parse them; `extra` keeps records other consumers want (see `recordPrefilter`).
   */
  prefilter(extra: readonly string[] = []): RecordPrefilter {
    return recordPrefilter(
      this.#compiled.map((c) => c.rule),
      extra,
    );
  }

  /** Counts records a reader left unparsed because `prefilter` said no rule can match them. */
  countUnparsed(n: number): void {
    this.stats.events += n;
  }

  get correlationCount(): number {
    return this.#correlationMeta.size;
  }

  #mapFor(ls: SigmaLogsource, maps: DetectorOptions['fieldMaps']): FieldMap | undefined {
    if (!maps) return undefined;
    for (const [kind, map] of Object.entries(maps) as [EventSource, FieldMap | undefined][]) {
      if (map && fits(ls, SIGMA_LOGSOURCE[kind])) return map;
    }
    return undefined;
  }

  #mapDetection(rule: DetectionRule, maps: DetectorOptions['fieldMaps']): DetectionRule {
    const map = this.#mapFor(rule.logsource, maps);
    return map ? applyFieldMapping(rule, map) : rule;
  }

  /**
   * One record. `pos` is its place in the whole input (any increasing numbering); readers of
   * different parts of one input give positions that order the parts. Without it, records count in
   * the order observed.
   */
  observe(
    record: Record<string, unknown>,
    location?: Location,
    kind: EventSource = 'aws.cloudtrail',
    pos: number = this.#nextPos++,
  ): void {
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
    const evidence = matchedEventOf(ev);
    let correlated = false;
    for (const rule of hits) {
      if (this.#engine.references(rule.rule)) correlated = true;
      if (this.#silent.has(rule.rule)) continue;
      this.#aggregate(this.#meta.get(rule)!, evidence.subject).add(evidence, location, pos);
    }
    if (!correlated) return;
    if (this.#deferred) {
      this.#correlationInputs.push({
        rules: hits.map((h) => this.#ruleIndex.get(h.rule)!),
        // A worker hands over only what the correlations read; this thread can keep the record.
        record: this.#shard ? this.#engine.project(record) : record,
        evidence,
        location,
      });
      return;
    }
    this.#correlate(
      hits.map((h) => h.rule),
      record,
      { ev: evidence, location },
    );
  }

  /** Runs the correlations on a matched event (its time and id are the evidence's). */
  #correlate(rules: DetectionRule[], record: Record<string, unknown>, c: Contribution) {
    // A correlation window may hold this for an hour: its repeating strings shared, not one copy per event.
    const ev = this.#strings.internFields(c.ev, SHARED_FIELDS);
    for (const m of this.#engine.observe(rules, record, ev.time, ev.id, c)) {
      const meta = this.#correlationMeta.get(m.rule)!;
      this.#aggregate(meta, this.#subjectOfMatch(m)).addMatch(m, this.#nextMatch);
    }
  }

  /**
   * The main thread reading a part of the input itself: aggregates as usual, but the events
   * correlations must see are kept (`takeCorrelations`) until the parts before them are merged.
   */
  deferCorrelations(on: boolean): void {
    if (!this.#shard) this.#deferred = on;
  }

  /** The correlation inputs kept since the last call (see `deferCorrelations`). */
  takeCorrelations(): CorrelationInput[] {
    const out = this.#correlationInputs;
    this.#correlationInputs = [];
    return out;
  }

  /** Live (rule, subject) aggregates: a worker hands them over when they grow many. */
  get aggregateCount(): number {
    let n = 0;
    for (const bySubject of this.#aggregates.values()) n += bySubject.size;
    return n;
  }

  /**
   * A worker's task done: its correlation inputs and counts, and — when `withAggregates` — every
   * aggregate so far, handed over and forgotten (see `DetectorOptions.shard`).
   */
  takeShard(withAggregates: boolean): DetectorShard {
    const shard: DetectorShard = {
      aggregates: withAggregates ? this.takeAggregates() : [],
      correlation: this.takeCorrelations(),
      events: this.stats.events,
      outOfRange: this.stats.outOfRange,
      matchedEvents: this.stats.matchedEvents,
    };
    this.stats.events = 0;
    this.stats.outOfRange = 0;
    this.stats.matchedEvents = 0;
    return shard;
  }

  /** Every aggregate so far as plain data, forgotten here: the main thread `absorbAggregates` them. */
  takeAggregates(): AggregateState[] {
    const out: AggregateState[] = [];
    for (const a of this.#allAggregates()) out.push(a.state(this.#metaIndex.get(a.meta)!));
    this.#aggregates.clear();
    return out;
  }

  /** Merges aggregates of another reader: in any order, at any time. */
  absorbAggregates(states: readonly AggregateState[]): void {
    for (const s of states) {
      const meta = this.#meta.get(this.#compiled[s.rule]!)!;
      this.#aggregate(meta, s.subjectId).merge(s);
    }
  }

  /**
   * Merges a reader's task: counts and aggregates, and runs the correlations on its events. Tasks
   * must come in input order (correlations, like one pass, see events in order).
   */
  absorb(shard: DetectorShard): void {
    this.stats.events += shard.events;
    this.stats.outOfRange += shard.outOfRange;
    this.stats.matchedEvents += shard.matchedEvents;
    this.absorbAggregates(shard.aggregates);
    for (const c of shard.correlation) {
      this.#correlate(
        c.rules.map((i) => this.#compiled[i]!.rule),
        c.record,
        { ev: c.evidence, location: c.location },
      );
    }
  }

  /**
   * A correlation finding is about the identity behind its events when they agree (the usual case:
   * grouped by access key), else about the group itself. Decided at a group's first match.
   */
  #subjectOfMatch(m: CorrelationMatch<Contribution>): string {
    const key = `${m.rule.id}\u0000${m.groupKey}`;
    const known = this.#groupSubjects.get(key);
    if (known !== undefined) return known;
    const subjects = new Set(m.sample.map((c) => c.ev.subject));
    const subject = subjects.size === 1 ? [...subjects][0]! : `group:${m.groupKey || m.rule.id}`;
    if (this.#groupSubjects.size >= SUBJECT_CACHE_CAP) {
      this.#groupSubjects.delete(this.#groupSubjects.keys().next().value as string);
    }
    this.#groupSubjects.set(key, subject);
    return subject;
  }

  #aggregate(meta: RuleMeta, subject: string): Aggregate {
    let bySubject = this.#aggregates.get(meta.id);
    if (!bySubject) {
      bySubject = new Map();
      this.#aggregates.set(meta.id, bySubject);
    }
    let agg = bySubject.get(subject);
    if (!agg) {
      agg = new Aggregate(meta, subject);
      bySubject.set(subject, agg);
    }
    return agg;
  }

  *#allAggregates(): Generator<Aggregate> {
    for (const bySubject of this.#aggregates.values()) yield* bySubject.values();
  }

  /** One finding per (rule, subject), most severe first. Ends correlation windows. */
  results(): DetectedFinding[] {
    for (const m of this.#engine.flush()) {
      this.#aggregate(this.#correlationMeta.get(m.rule)!, this.#subjectOfMatch(m)).addMatch(m, this.#nextMatch);
    }
    return [...this.#allAggregates()].map((a) => a.toFinding()).sort(compareFindings);
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
