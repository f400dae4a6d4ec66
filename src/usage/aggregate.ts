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
  return [h.hour, h.provider, h.account, h.identity, h.accessKeyId, h.model, h.region].join('\u0000');
}

/** Adds values not yet in `into`, keeping at most `cap` (first seen first). */
export function addDistinct(into: string[], values: Iterable<string>, cap = USAGE_VALUE_CAP): void {
  for (const v of values) {
    if (into.length >= cap) return;
    if (!into.includes(v)) into.push(v);
  }
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

/**
 * Folds invocation samples into hourly rows per account × identity × key × model × region. Memory
 * grows with the number of distinct rows, not with the number of samples.
 */
export class UsageAggregator {
  readonly #rows = new Map<string, UsageHour>();
  readonly #book: PriceBook | undefined;

  /** `book`: a price table other than the built-in one (tests, users' own prices). */
  constructor(book?: PriceBook) {
    this.#book = book;
  }

  observe(s: UsageSample): void {
    const cost = costOf(s, this.#book);
    const row: UsageHour = {
      hour: hourOf(s.time),
      provider: s.provider,
      account: s.account ?? '',
      identity: s.identity,
      accessKeyId: s.accessKeyId ?? '',
      model: s.model,
      region: s.region ?? '',
      invocations: 1,
      errors: s.ok ? 0 : 1,
      inputTokens: s.inputTokens ?? 0,
      outputTokens: s.outputTokens ?? 0,
      costUsd: cost.usd,
      estimated: cost.basis !== 'tokens',
      sourceIps: s.sourceIp ? [s.sourceIp] : [],
      userAgents: s.userAgent ? [s.userAgent] : [],
    };
    const key = usageKey(row);
    const prior = this.#rows.get(key);
    this.#rows.set(key, prior ? mergeUsageHour(prior, row) : row);
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
