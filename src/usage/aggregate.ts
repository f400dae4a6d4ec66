import { StringPool } from '../intern.js';
import { costOf } from './cost.js';
import type { PriceBook } from './prices.js';
import { USAGE_VALUE_CAP, type UsageHour, type UsageSample } from './types.js';

/** The hour a time falls in: ISO with minutes, seconds and milliseconds zeroed. */
export function hourOf(time: string): string {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new RangeError(`not a time: ${time}`);
  return new Date(ms - (((ms % 3_600_000) + 3_600_000) % 3_600_000)).toISOString();
}

/** The identity of an hourly row: every field of the store's key. */
export function usageKey(
  h: Pick<UsageHour, 'hour' | 'provider' | 'account' | 'identity' | 'accessKeyId' | 'model' | 'region'>,
): string {
  return `${h.hour}\u0000${h.provider}\u0000${h.account}\u0000${h.identity}\u0000${h.accessKeyId}\u0000${h.model}\u0000${h.region}`;
}

/** Adds values not yet in `into`, keeping at most `cap` (first seen first). */
export function addDistinct(into: string[], values: Iterable<string>, cap = USAGE_VALUE_CAP): void {
  for (const v of values) {
    if (into.length >= cap) return;
    addOne(into, v, cap);
  }
}

/** `addDistinct` of one value, without an iterable around it. */
function addOne(into: string[], v: string, cap = USAGE_VALUE_CAP): void {
  if (into.length < cap && !into.includes(v)) into.push(v);
}

/** Sums two rows with the same key: counts and cost add, value lists union (capped). */
export function mergeUsageHour(a: UsageHour, b: UsageHour): UsageHour {
  const sourceIps = [...a.sourceIps];
  addDistinct(sourceIps, b.sourceIps);
  const userAgents = [...a.userAgents];
  addDistinct(userAgents, b.userAgents);
  return {
    ...a,
    invocations: a.invocations + b.invocations,
    errors: a.errors + b.errors,
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    costUsd: Math.round((a.costUsd + b.costUsd) * 1e9) / 1e9,
    estimated: a.estimated || b.estimated,
    sourceIps,
    userAgents,
  };
}

/** How long (event time) a request id is remembered to match the same call in the other log. */
export const REQUEST_MEMORY_MS = 60 * 60 * 1000;

/** The fields of a call that repeat across calls. */
const SAMPLE_STRINGS = [
  'time',
  'provider',
  'account',
  'identity',
  'accessKeyId',
  'model',
  'region',
  'operation',
  'errorCode',
  'sourceIp',
  'userAgent',
] as const;

/**
 * Folds invocation samples into hourly rows per account × identity × key × model × region. Memory
 * grows with the number of distinct rows, not with the number of samples.
 */
export class UsageAggregator {
  readonly #rows = new Map<string, UsageHour>();
  readonly #book: PriceBook | undefined;
  readonly #strings = new StringPool();
  /** Calls seen by request id, oldest first, kept for REQUEST_MEMORY_MS of event time. */
  readonly #requests = new Map<string, { key: string; sample: UsageSample; costUsd: number; at: number }>();
  #latest = Number.NEGATIVE_INFINITY;
  #lastHour: { start: number; iso: string } | undefined;
  /** Samples dropped or replaced because the same call was already counted from another log. */
  duplicates = 0;

  /** `book`: a price table other than the built-in one (tests, users' own prices). */
  constructor(book?: PriceBook) {
    this.#book = book;
  }

  observe(sample: UsageSample): void {
    // Kept an hour (remembered requests) or for the whole run (rows): repeating strings shared.
    let s = this.#strings.internFields(sample, SAMPLE_STRINGS);
    const at = Date.parse(s.time);
    if (at > this.#latest) {
      this.#latest = at;
      this.#forgetOldRequests();
    }
    const prior = s.requestId === undefined ? undefined : this.#requests.get(s.requestId);
    if (prior) {
      // The same call from the other log: count it once, with the token counts of the invocation
      // log and the caller details (key, address, client) only CloudTrail has, whichever came first.
      this.duplicates++;
      const p = prior.sample;
      const tokens = p.inputTokens !== undefined || p.outputTokens !== undefined ? p : s;
      this.#remove(prior.key, p, prior.costUsd);
      s = {
        ...tokens,
        accessKeyId: p.accessKeyId ?? s.accessKeyId,
        sourceIp: p.sourceIp ?? s.sourceIp,
        userAgent: p.userAgent ?? s.userAgent,
      };
    }
    const { key, costUsd } = this.#add(s);
    if (s.requestId !== undefined) {
      this.#requests.delete(s.requestId);
      this.#requests.set(s.requestId, { key, sample: s, costUsd, at: Number.isNaN(at) ? this.#latest : at });
    }
  }

  #add(s: UsageSample): { key: string; costUsd: number } {
    const cost = costOf(s, this.#book);
    const ids = {
      hour: this.#hourOf(s.time),
      provider: s.provider,
      account: s.account ?? '',
      identity: s.identity,
      accessKeyId: s.accessKeyId ?? '',
      model: s.model,
      region: s.region ?? '',
    };
    const key = usageKey(ids);
    const row = this.#rows.get(key);
    if (row) {
      // In place: what mergeUsageHour gives, without a new row per call.
      row.invocations += 1;
      row.errors += s.ok ? 0 : 1;
      row.inputTokens += s.inputTokens ?? 0;
      row.outputTokens += s.outputTokens ?? 0;
      row.costUsd = Math.round((row.costUsd + cost.usd) * 1e9) / 1e9;
      row.estimated ||= cost.basis !== 'tokens';
      if (s.sourceIp) addOne(row.sourceIps, s.sourceIp);
      if (s.userAgent) addOne(row.userAgents, s.userAgent);
    } else {
      this.#rows.set(key, {
        hour: ids.hour,
        provider: ids.provider,
        account: ids.account,
        identity: ids.identity,
        accessKeyId: ids.accessKeyId,
        model: ids.model,
        region: ids.region,
        invocations: 1,
        errors: s.ok ? 0 : 1,
        inputTokens: s.inputTokens ?? 0,
        outputTokens: s.outputTokens ?? 0,
        costUsd: cost.usd,
        estimated: cost.basis !== 'tokens',
        sourceIps: s.sourceIp ? [s.sourceIp] : [],
        userAgents: s.userAgent ? [s.userAgent] : [],
      });
    }
    return { key, costUsd: cost.usd };
  }

  /** `hourOf`, remembering the last hour: calls come in time order, many to the hour. */
  #hourOf(time: string): string {
    const ms = Date.parse(time);
    const h = this.#lastHour;
    if (h && ms >= h.start && ms < h.start + 3_600_000) return h.iso;
    const iso = hourOf(time);
    this.#lastHour = { start: Date.parse(iso), iso };
    return iso;
  }

  /** Takes one counted call back out of its row (its IPs and agents stay: they were seen). */
  #remove(key: string, s: UsageSample, costUsd: number): void {
    const row = this.#rows.get(key);
    if (!row) return;
    row.invocations -= 1;
    row.errors -= s.ok ? 0 : 1;
    row.inputTokens -= s.inputTokens ?? 0;
    row.outputTokens -= s.outputTokens ?? 0;
    row.costUsd = Math.max(0, row.costUsd - costUsd);
    if (row.invocations <= 0) this.#rows.delete(key);
  }

  /** Both logs record a call within minutes; remembering an hour of requests keeps memory bounded. */
  #forgetOldRequests(): void {
    for (const [id, r] of this.#requests) {
      if (r.at >= this.#latest - REQUEST_MEMORY_MS) break;
      this.#requests.delete(id);
    }
  }

  /** An independent copy: the same rows and remembered requests, diverging from here on. */
  clone(): UsageAggregator {
    const c = new UsageAggregator(this.#book);
    for (const [key, row] of this.#rows) {
      c.#rows.set(key, { ...row, sourceIps: [...row.sourceIps], userAgents: [...row.userAgents] });
    }
    for (const [id, r] of this.#requests) c.#requests.set(id, { ...r });
    c.#latest = this.#latest;
    c.#lastHour = this.#lastHour;
    c.duplicates = this.duplicates;
    return c;
  }

  /** Rows ordered by hour, then key. */
  hours(): UsageHour[] {
    return [...this.#rows.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, row]) => ({ ...row, sourceIps: [...row.sourceIps], userAgents: [...row.userAgents] }));
  }

  get size(): number {
    return this.#rows.size;
  }
}
