import { priceFor } from './prices.js';
import type { Provider, UsageHour } from './types.js';

export type CostBasis = 'tokens' | 'estimated' | 'partly estimated' | 'none';

export interface UsageTotals {
  invocations: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** How the cost was obtained over the rows behind it. */
  basis: CostBasis;
}

export interface UsageGroup extends UsageTotals {
  /** The identity, model or region. */
  name: string;
  providers: Provider[];
  accounts: string[];
  accessKeyIds: string[];
  models: string[];
  regions: string[];
  sourceIps: string[];
  firstHour: string;
  lastHour: string;
  /** Cost per hour over the report's hours (`UsageReport.hours`), for trends and charts. */
  costByHour: number[];
}

export interface UsageReport {
  from?: string;
  to?: string;
  /** Every hour from the first to the last row, inclusive (at most MAX_REPORT_HOURS). */
  hours: string[];
  totals: UsageTotals;
  byIdentity: UsageGroup[];
  byModel: UsageGroup[];
  byRegion: UsageGroup[];
  /** Identities by cost, highest first (at most 5). */
  topSpenders: { identity: string; costUsd: number; basis: CostBasis; share: number }[];
  /** Models with no price: their invocations are counted, their cost is unknown (shown as 0). */
  unpriced: { provider: Provider; model: string; invocations: number }[];
  /** What stood out in these hours (filled by the caller that ran anomaly detection). */
  anomalies?: UsageAnomaly[];
}

/** An anomaly as the usage report shows it: who, when, how bad, and the numbers behind it. */
export interface UsageAnomaly {
  severity: string;
  title: string;
  subject: string;
  firstSeen: string;
  description: string;
}

/** Longer ranges keep the latest hours in `hours`/`costByHour`; totals still cover every row. */
export const MAX_REPORT_HOURS = 24 * 31;

const round = (usd: number) => Math.round(usd * 1e6) / 1e6;

function basisOf(estimated: number, rows: number): CostBasis {
  if (rows === 0) return 'none';
  return estimated === 0 ? 'tokens' : estimated === rows ? 'estimated' : 'partly estimated';
}

function hourRange(rows: readonly UsageHour[]): string[] {
  if (rows.length === 0) return [];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const r of rows) {
    const ms = Date.parse(r.hour);
    if (ms < min) min = ms;
    if (ms > max) max = ms;
  }
  min = Math.max(min, max - (MAX_REPORT_HOURS - 1) * 3_600_000);
  const out: string[] = [];
  for (let t = min; t <= max; t += 3_600_000) out.push(new Date(t).toISOString());
  return out;
}

function group(
  rows: readonly UsageHour[],
  nameOf: (r: UsageHour) => string,
  hourIndex: Map<string, number>,
): UsageGroup[] {
  const acc = new Map<string, { g: UsageGroup; estimated: number; rows: number }>();
  for (const r of rows) {
    const name = nameOf(r) || '(none)';
    let entry = acc.get(name);
    if (!entry) {
      entry = {
        g: {
          name,
          invocations: 0,
          errors: 0,
          inputTokens: 0,
          outputTokens: 0,
          costUsd: 0,
          basis: 'none',
          providers: [],
          accounts: [],
          accessKeyIds: [],
          models: [],
          regions: [],
          sourceIps: [],
          firstHour: r.hour,
          lastHour: r.hour,
          costByHour: new Array(hourIndex.size).fill(0),
        },
        estimated: 0,
        rows: 0,
      };
      acc.set(name, entry);
    }
    const g = entry.g;
    g.invocations += r.invocations;
    g.errors += r.errors;
    g.inputTokens += r.inputTokens;
    g.outputTokens += r.outputTokens;
    g.costUsd += r.costUsd;
    entry.rows++;
    if (r.estimated) entry.estimated++;
    const add = (list: string[], v: string) => {
      if (v && !list.includes(v)) list.push(v);
    };
    add(g.providers as string[], r.provider);
    add(g.accounts, r.account);
    add(g.accessKeyIds, r.accessKeyId);
    add(g.models, r.model);
    add(g.regions, r.region);
    for (const ip of r.sourceIps) add(g.sourceIps, ip);
    if (r.hour < g.firstHour) g.firstHour = r.hour;
    if (r.hour > g.lastHour) g.lastHour = r.hour;
    const i = hourIndex.get(r.hour);
    if (i !== undefined) g.costByHour[i] = round(g.costByHour[i]! + r.costUsd);
  }
  return [...acc.values()]
    .map(({ g, estimated, rows: n }) => ({ ...g, costUsd: round(g.costUsd), basis: basisOf(estimated, n) }))
    .sort((a, b) => b.costUsd - a.costUsd || b.invocations - a.invocations || (a.name < b.name ? -1 : 1));
}

/** Everything `jackstop usage` shows, computed from hourly rows (from a run or from the store). */
export function buildUsageReport(rows: readonly UsageHour[], range: { from?: string; to?: string } = {}): UsageReport {
  const hours = hourRange(rows);
  const hourIndex = new Map(hours.map((h, i) => [h, i]));
  const byIdentity = group(rows, (r) => r.identity, hourIndex);
  const totals: UsageTotals = {
    invocations: 0,
    errors: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    basis: basisOf(rows.filter((r) => r.estimated).length, rows.length),
  };
  for (const r of rows) {
    totals.invocations += r.invocations;
    totals.errors += r.errors;
    totals.inputTokens += r.inputTokens;
    totals.outputTokens += r.outputTokens;
    totals.costUsd += r.costUsd;
  }
  totals.costUsd = round(totals.costUsd);
  const unpriced = new Map<string, { provider: Provider; model: string; invocations: number }>();
  for (const r of rows) {
    if (priceFor(r.provider, r.model, r.region || undefined)) continue;
    const key = `${r.provider} ${r.model}`;
    const u = unpriced.get(key) ?? { provider: r.provider, model: r.model, invocations: 0 };
    u.invocations += r.invocations;
    unpriced.set(key, u);
  }
  return {
    ...(range.from ? { from: range.from } : {}),
    ...(range.to ? { to: range.to } : {}),
    hours,
    totals,
    byIdentity,
    byModel: group(rows, (r) => r.model, hourIndex),
    byRegion: group(rows, (r) => r.region, hourIndex),
    topSpenders: byIdentity.slice(0, 5).map((g) => ({
      identity: g.name,
      costUsd: g.costUsd,
      basis: g.basis,
      share: totals.costUsd > 0 ? Math.round((g.costUsd / totals.costUsd) * 1000) / 1000 : 0,
    })),
    unpriced: [...unpriced.values()].sort((a, b) => b.invocations - a.invocations),
  };
}

const BARS = '▁▂▃▄▅▆▇█';

/**
 * A terminal sparkline: one character per bucket (values summed into at most `width` buckets), the
 * height relative to the largest bucket; `·` marks a bucket with nothing in it.
 */
export function sparkline(values: readonly number[], width = 48): string {
  if (values.length === 0) return '';
  const per = Math.ceil(values.length / width);
  const buckets: number[] = [];
  for (let i = 0; i < values.length; i += per) buckets.push(values.slice(i, i + per).reduce((a, b) => a + b, 0));
  const max = Math.max(...buckets);
  return buckets
    .map((v) =>
      v <= 0 || max <= 0 ? '·' : BARS[Math.min(BARS.length - 1, Math.floor((v / max) * (BARS.length - 1) + 0.5))],
    )
    .join('');
}
