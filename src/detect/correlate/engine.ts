/**
 * The streaming correlation engine. Every event a referenced rule matched is put into a group
 * (the values of the correlation's group-by fields) and kept while it can still fall into a
 * window; windows are evaluated as events arrive. State is bounded: groups and events expire by
 * event time (watermark = newest event time − out-of-order tolerance), and hard caps on live
 * groups and events per group evict the oldest (counted in `stats`).
 *
 * Semantics (see README.md): a window is `[e − timespan, e]` for an event time `e`, both ends
 * inclusive; the condition is evaluated on the window ending at each arriving event (and, for an
 * event that arrives out of order, on every window that now contains it). A group reports when its
 * condition holds and keeps reporting the *new* contributing events while it keeps holding; the
 * same event is never reported twice for a group.
 */
import {
  type CorrelationBound,
  type CorrelationRule,
  type DetectionRule,
  type FieldPath,
  fieldPath,
  type ResolvedCorrelation,
  type SigmaRecord,
} from '../sigma/index.js';

export interface CorrelationOptions {
  /** How far (ms) behind the newest event time an event may arrive and still count. Default 5 min. */
  outOfOrderToleranceMs?: number;
  /** Live groups over all correlations; the least recently touched are evicted first. Default 50,000. */
  maxGroups?: number;
  /** Events held per group; beyond it the oldest are dropped (a count then saturates). Default 1,000. */
  maxEventsPerGroup?: number;
  /** Payloads returned per match as a sample (all ids are always returned). Default 20. */
  sampleSize?: number;
}

export interface CorrelationStats {
  /** Events offered to at least one correlation. */
  observed: number;
  /** Events older than the watermark: dropped. */
  late: number;
  /** (event, correlation) pairs skipped because a group-by field (or the value_count field) was missing. */
  missingField: number;
  /** Events whose time could not be read. */
  badTime: number;
  /** Groups evicted by the `maxGroups` cap (not the ones that simply expired). */
  evictedGroups: number;
  /** Events dropped from full groups by the `maxEventsPerGroup` cap. */
  droppedEvents: number;
  matches: number;
}

/** A correlation that holds for a group. */
export interface CorrelationMatch<T> {
  readonly rule: CorrelationRule;
  /** group-by name → value (empty when the correlation has no group-by). */
  readonly group: Readonly<Record<string, string>>;
  /** `name=value, …`, stable per group (`''` without group-by). */
  readonly groupKey: string;
  /** Earliest and latest event time (ISO) of the window that holds. */
  readonly first: string;
  readonly last: string;
  /** What the condition counted (events, distinct values, distinct rules, ordered steps). */
  readonly count: number;
  /** Contributing events not reported for this group before. */
  readonly eventIds: readonly string[];
  /** Payloads of the first `sampleSize` of them. */
  readonly sample: readonly T[];
}

interface Entry<T> {
  readonly t: number;
  /** Index of the referenced rule in the correlation's `rules`. */
  readonly r: number;
  readonly value: string | undefined;
  readonly id: string;
  readonly iso: string;
  readonly payload: T;
  emitted: boolean;
}

/** Per correlation: how to read its fields from the events of each referenced rule. */
interface Runtime {
  readonly rule: CorrelationRule;
  readonly bases: readonly DetectionRule[];
  /** Per referenced rule: the paths of the group-by fields (aliases resolved) and of the value field. */
  readonly groupPaths: readonly (readonly FieldPath[])[];
  readonly valuePaths: readonly (FieldPath | undefined)[];
  readonly span: number;
  /** Live groups of this correlation by their group-by values. */
  readonly groups: Map<string, Group<unknown>>;
}

function holds(bounds: readonly CorrelationBound[], n: number): boolean {
  for (const b of bounds) {
    const ok =
      b.op === 'gt'
        ? n > b.value
        : b.op === 'gte'
          ? n >= b.value
          : b.op === 'lt'
            ? n < b.value
            : b.op === 'lte'
              ? n <= b.value
              : n === b.value;
    if (!ok) return false;
  }
  return true;
}

/** The field a referenced rule's events carry for a group-by (or value) name, aliases applied. */
function fieldFor(rule: CorrelationRule, base: DetectionRule, name: string): string {
  const perRule = Object.hasOwn(rule.aliases, name) ? rule.aliases[name]! : undefined;
  if (!perRule) return name;
  if (base.name !== undefined && Object.hasOwn(perRule, base.name)) return perRule[base.name]!;
  if (Object.hasOwn(perRule, base.id)) return perRule[base.id]!;
  return name;
}

class Group<T> {
  readonly entries: Entry<T>[] = [];
  /** Neighbours in the engine's least-recently-touched list. */
  older: Group<T> | undefined;
  newer: Group<T> | undefined;
  head = 0;
  lastT = Number.NEGATIVE_INFINITY;
  // Live-window state for the entries replayed so far (window ends at the last replayed entry).
  winStart = 0;
  emitFrom = 0;
  readonly valueCounts = new Map<string, number>();
  readonly ruleCounts: number[];
  distinctRules = 0;
  /** temporal_ordered: per step i, the chain for steps 0..i with the latest start seen so far. */
  chains: (Entry<T>[] | undefined)[];

  constructor(
    readonly rt: Runtime,
    /** Key among the groups of `rt` (the group-by values). */
    readonly mapKey: string,
    readonly key: string,
    readonly group: Readonly<Record<string, string>>,
  ) {
    this.ruleCounts = new Array<number>(rt.rule.rules.length).fill(0);
    this.chains = new Array<Entry<T>[] | undefined>(rt.rule.rules.length).fill(undefined);
  }

  #add(e: Entry<T>): void {
    if (e.value !== undefined) this.valueCounts.set(e.value, (this.valueCounts.get(e.value) ?? 0) + 1);
    if (this.ruleCounts[e.r]!++ === 0) this.distinctRules++;
  }

  #remove(e: Entry<T>): void {
    if (e.value !== undefined) {
      const n = this.valueCounts.get(e.value)! - 1;
      if (n === 0) this.valueCounts.delete(e.value);
      else this.valueCounts.set(e.value, n);
    }
    if (--this.ruleCounts[e.r]! === 0) this.distinctRules--;
  }

  /** Forget every entry before `index` (they left every future window). */
  dropBefore(index: number): void {
    while (this.head < index) {
      if (this.head >= this.winStart) {
        this.#remove(this.entries[this.head]!);
        this.winStart = this.head + 1;
      }
      this.head++;
    }
    if (this.head > 64 && this.head * 2 > this.entries.length) {
      this.entries.splice(0, this.head);
      this.winStart -= this.head;
      this.emitFrom = Math.max(0, this.emitFrom - this.head);
      this.head = 0;
    }
  }

  /** Take entry `i` into the live window (entries are replayed in time order). */
  advance(i: number): void {
    const e = this.entries[i]!;
    this.#add(e);
    const from = e.t - this.rt.span;
    while (this.entries[this.winStart]!.t < from) this.#remove(this.entries[this.winStart++]!);
    if (this.rt.rule.type === 'temporal_ordered') {
      if (e.r === 0) this.chains[0] = [e];
      else {
        const before = this.chains[e.r - 1];
        if (before && before[0]!.t >= from) this.chains[e.r] = [...before, e];
      }
    }
  }

  /** What the condition counts for the window ending at entry `i` (after `advance(i)`). */
  count(i: number): number {
    const rule = this.rt.rule;
    switch (rule.type) {
      case 'event_count':
        return i - this.winStart + 1;
      case 'value_count':
        return this.valueCounts.size;
      case 'temporal':
        return this.distinctRules;
      case 'temporal_ordered': {
        const from = this.entries[i]!.t - this.rt.span;
        for (let k = this.chains.length - 1; k >= 0; k--) {
          const chain = this.chains[k];
          if (chain && chain[0]!.t >= from) return k + 1;
        }
        return 0;
      }
    }
  }

  /** The not yet reported entries behind a match at entry `i`. */
  contributors(i: number, steps: number): Entry<T>[] {
    const out: Entry<T>[] = [];
    if (this.rt.rule.type === 'temporal_ordered') {
      for (const e of this.chains[steps - 1] ?? []) if (!e.emitted) out.push(e);
    } else {
      for (let k = Math.max(this.winStart, this.emitFrom); k <= i; k++) {
        const e = this.entries[k]!;
        if (!e.emitted) out.push(e);
      }
      this.emitFrom = i + 1;
    }
    for (const e of out) e.emitted = true;
    return out;
  }

  resetWindow(): void {
    this.winStart = this.head;
    this.emitFrom = this.head;
    this.valueCounts.clear();
    this.ruleCounts.fill(0);
    this.distinctRules = 0;
    this.chains.fill(undefined);
  }
}

const DEFAULTS = { outOfOrderToleranceMs: 5 * 60_000, maxGroups: 50_000, maxEventsPerGroup: 1_000, sampleSize: 20 };

/** Runs a set of resolved correlation rules over the events their referenced rules match. */
export class CorrelationEngine<T> {
  readonly stats: CorrelationStats = {
    observed: 0,
    late: 0,
    missingField: 0,
    badTime: 0,
    evictedGroups: 0,
    droppedEvents: 0,
    matches: 0,
  };
  readonly #opts: Required<CorrelationOptions>;
  /** Base rule → the correlations referencing it, with the rule's index in each. */
  readonly #byBase = new Map<DetectionRule, { rt: Runtime; index: number }[]>();
  /**
   * All live groups in a list, least recently touched first (a linked list: touching a group moves
   * it to the end without re-hashing its key).
   */
  #oldest: Group<T> | undefined;
  #newest: Group<T> | undefined;
  #liveGroups = 0;
  readonly #runtimes: Runtime[] = [];
  #maxT = Number.NEGATIVE_INFINITY;
  readonly #fields = new Map<string, FieldPath>();
  #sinceSweep = 0;

  constructor(correlations: readonly ResolvedCorrelation[], opts: CorrelationOptions = {}) {
    this.#opts = { ...DEFAULTS, ...stripUndefined(opts) };
    correlations.forEach(({ rule, bases }) => {
      const rt: Runtime = {
        rule,
        bases,
        groupPaths: bases.map((b) => rule.groupBy.map((g) => fieldPath(fieldFor(rule, b, g)))),
        valuePaths: bases.map((b) =>
          rule.valueField === undefined ? undefined : fieldPath(fieldFor(rule, b, rule.valueField)),
        ),
        span: rule.timespanMs,
        groups: new Map(),
      };
      this.#runtimes.push(rt);
      bases.forEach((base, index) => {
        const list = this.#byBase.get(base) ?? [];
        list.push({ rt, index });
        this.#byBase.set(base, list);
      });
      for (const p of [...rt.groupPaths.flat(), ...rt.valuePaths]) if (p) this.#fields.set(p.path, p);
    });
  }

  /**
   * The part of a record the correlations read: the first value at each group-by and value field,
   * keyed by field name. `observe` on it decides exactly as on the whole record, so a worker thread
   * can hand over this instead of the record.
   */
  project(record: SigmaRecord): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, p] of this.#fields) {
      const v = firstLeaf(p, record);
      if (v !== undefined) out[name] = v;
    }
    return out;
  }

  /** True if some correlation references `rule` (so its matches must be offered to `observe`). */
  references(rule: DetectionRule): boolean {
    return this.#byBase.has(rule);
  }

  /** Live groups right now (for tests and memory reports). */
  get liveGroups(): number {
    return this.#liveGroups;
  }

  /**
   * Offer one event that the detection rules `matched` matched (`record` is the raw record the
   * group-by fields are read from, `time` its ISO event time). Returns the matches it completes.
   */
  observe(
    matched: readonly DetectionRule[],
    record: SigmaRecord,
    time: string,
    id: string,
    payload: T,
  ): CorrelationMatch<T>[] {
    // Per correlation, the referenced rules this event matched.
    let hits: Map<Runtime, number[]> | undefined;
    for (const base of matched) {
      const refs = this.#byBase.get(base);
      if (!refs) continue;
      hits ??= new Map();
      for (const { rt, index } of refs) {
        const list = hits.get(rt);
        if (list) list.push(index);
        else hits.set(rt, [index]);
      }
    }
    if (!hits) return [];
    this.stats.observed++;
    const t = Date.parse(time);
    if (Number.isNaN(t)) {
      this.stats.badTime++;
      return [];
    }
    if (t < this.#maxT - this.#opts.outOfOrderToleranceMs) {
      this.stats.late++;
      return [];
    }
    if (t > this.#maxT) this.#maxT = t;
    const watermark = this.#maxT - this.#opts.outOfOrderToleranceMs;
    const out: CorrelationMatch<T>[] = [];
    for (const [rt, indexes] of hits) {
      // Descending, so that one event matching steps i and i+1 cannot fill both of an ordered chain.
      indexes.sort((a, b) => b - a);
      for (const index of indexes) {
        const m = this.#observeOne(rt, index, record, t, time, id, payload, watermark);
        if (m) out.push(m);
      }
    }
    if (++this.#sinceSweep >= 1024) {
      this.#sinceSweep = 0;
      this.#sweep(watermark);
    }
    this.stats.matches += out.length;
    return out;
  }

  /**
   * End of input. Matches are reported as events arrive, so nothing is pending; the state is
   * released.
   */
  flush(): CorrelationMatch<T>[] {
    for (const rt of this.#runtimes) rt.groups.clear();
    this.#oldest = undefined;
    this.#newest = undefined;
    this.#liveGroups = 0;
    return [];
  }

  #observeOne(
    rt: Runtime,
    index: number,
    record: SigmaRecord,
    t: number,
    iso: string,
    id: string,
    payload: T,
    watermark: number,
  ): CorrelationMatch<T> | undefined {
    const names = rt.rule.groupBy;
    const paths = rt.groupPaths[index]!;
    const values: string[] = [];
    for (const p of paths) {
      const v = firstLeaf(p, record);
      if (v === undefined) {
        this.stats.missingField++;
        return undefined;
      }
      values.push(v);
    }
    let value: string | undefined;
    const valuePath = rt.valuePaths[index];
    if (valuePath) {
      value = firstLeaf(valuePath, record);
      if (value === undefined) {
        this.stats.missingField++;
        return undefined;
      }
    }
    const mapKey = values.length === 1 ? values[0]! : values.join('\u0000');
    const groups = rt.groups as Map<string, Group<T>>;
    let g = groups.get(mapKey);
    if (g) {
      this.#unlink(g);
    } else {
      const groupKey = names.map((n, i) => `${n}=${values[i]}`).join(', ');
      const group: Record<string, string> = {};
      names.forEach((n, i) => {
        Object.defineProperty(group, n, { value: values[i], enumerable: true });
      });
      g = new Group<T>(rt, mapKey, groupKey, Object.freeze(group));
      if (this.#liveGroups >= this.#opts.maxGroups) {
        this.#drop(this.#oldest!);
        this.stats.evictedGroups++;
      }
      groups.set(mapKey, g);
      this.#liveGroups++;
    }
    this.#append(g);

    // Entries that no future window can reach.
    const horizon = watermark - rt.span;
    let drop = g.head;
    while (drop < g.entries.length && g.entries[drop]!.t < horizon) drop++;
    g.dropBefore(drop);

    const e: Entry<T> = { t, r: index, value, id, iso, payload, emitted: false };
    if (g.entries.length - g.head >= this.#opts.maxEventsPerGroup) {
      g.dropBefore(g.head + 1);
      this.stats.droppedEvents++;
    }
    let best: { i: number; count: number; contributors: Entry<T>[] } | undefined;
    if (t >= g.lastT) {
      g.entries.push(e);
      g.lastT = t;
      const i = g.entries.length - 1;
      g.advance(i);
      const count = g.count(i);
      if (holds(rt.rule.condition, count)) best = { i, count, contributors: g.contributors(i, count) };
    } else {
      // Out of order: insert in time order, then replay the window state and evaluate every window
      // that now contains the new event.
      let at = g.entries.length;
      while (at > g.head && g.entries[at - 1]!.t > t) at--;
      g.entries.splice(at, 0, e);
      g.resetWindow();
      for (let i = g.head; i < g.entries.length; i++) {
        g.advance(i);
        const ti = g.entries[i]!.t;
        if (ti < t || ti - rt.span > t) continue;
        const count = g.count(i);
        if (!holds(rt.rule.condition, count)) continue;
        const contributors = g.contributors(i, count);
        if (!best) best = { i, count, contributors };
        else {
          best.contributors.push(...contributors);
          best.count = Math.max(best.count, count);
          best.i = i;
        }
      }
    }
    if (!best || best.contributors.length === 0) return undefined;
    return this.#match(g, best.i, best.count, best.contributors);
  }

  #match(g: Group<T>, i: number, count: number, contributors: Entry<T>[]): CorrelationMatch<T> {
    const rt = g.rt;
    const end = g.entries[i]!;
    let first = end;
    if (rt.rule.type === 'temporal_ordered') first = g.chains[count - 1]?.[0] ?? end;
    else first = g.entries[g.winStart]!;
    for (const c of contributors) if (c.t < first.t) first = c;
    return {
      rule: rt.rule,
      group: g.group,
      groupKey: g.key,
      first: first.iso,
      last: contributors.reduce((a, c) => (c.t > a.t ? c : a), end).iso,
      count,
      eventIds: contributors.map((c) => c.id),
      sample: contributors.slice(0, this.#opts.sampleSize).map((c) => c.payload),
    };
  }

  /** Drop groups whose newest event left every future window. */
  #sweep(watermark: number): void {
    for (let g = this.#oldest; g; ) {
      if (g.lastT >= watermark - g.rt.span) break; // least recently touched first: the rest are newer, mostly
      const next = g.newer;
      this.#drop(g);
      g = next;
    }
  }

  /** Forget a group. */
  #drop(g: Group<T>): void {
    this.#unlink(g);
    g.rt.groups.delete(g.mapKey);
    this.#liveGroups--;
  }

  #unlink(g: Group<T>): void {
    if (g.older) g.older.newer = g.newer;
    else if (this.#oldest === g) this.#oldest = g.newer;
    if (g.newer) g.newer.older = g.older;
    else if (this.#newest === g) this.#newest = g.older;
    g.older = undefined;
    g.newer = undefined;
  }

  #append(g: Group<T>): void {
    g.older = this.#newest;
    if (this.#newest) this.#newest.newer = g;
    else this.#oldest = g;
    this.#newest = g;
  }
}

function stripUndefined<O extends object>(o: O): Partial<O> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<O>;
}

/** The first scalar at `path` in `record`, as text; undefined when absent, null or empty. */
function firstLeaf(path: FieldPath, record: SigmaRecord): string | undefined {
  let found: string | undefined;
  path.someLeaf(record, (leaf) => {
    found = String(leaf);
    return true;
  });
  return found === '' ? undefined : found;
}
