import {
  type Asset,
  EVIDENCE_VALUE_CAP,
  type Finding,
  findingId,
  SEVERITIES,
  type Severity,
  severityRank,
} from '../../domain/index.js';
import type { UsageHour } from '../../usage/index.js';
import { mappingsFromTags } from '../detector.js';
import { fillRemediation } from '../remediation.js';
import { attachBlastRadius } from './blast-radius.js';
import { type AnomalyCatalog, type AnomalyKind, loadAnomalyCatalog } from './catalog.js';
import { robustZ } from './stats.js';
import { type AnomalyThresholds, loadAnomalyThresholds } from './thresholds.js';

export interface AnomalyOptions {
  /** Evaluation time (ISO); hours after it are ignored. Default: no limit. */
  now?: string;
  /** Thresholds to use instead of the shipped `thresholds.yml`. */
  thresholds?: AnomalyThresholds;
  /** Titles and remediations instead of the shipped `catalog.yml`. */
  catalog?: AnomalyCatalog;
  /**
   * Start of the history you hold (ISO). "Never invoked before" and minimum-history checks count from here.
   * Default: the earliest hour in `history` and `current`.
   */
  historyStart?: string;
  /** Fill each finding's `blastRadius` from all the hours given (default true). */
  blastRadius?: boolean;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

interface Totals {
  invocations: number;
  errors: number;
  tokens: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}
type Metric = 'invocations' | 'tokens' | 'costUsd';
const METRICS: readonly Metric[] = ['invocations', 'tokens', 'costUsd'];

const zero = (): Totals => ({ invocations: 0, errors: 0, tokens: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });
function addTo(t: Totals, r: UsageHour): void {
  t.invocations += r.invocations;
  t.errors += r.errors;
  t.inputTokens += r.inputTokens;
  t.outputTokens += r.outputTokens;
  t.tokens += r.inputTokens + r.outputTokens;
  t.costUsd += r.costUsd;
}

/** One entity's (identity's or account's) hours, in time order. */
interface Slot {
  at: number;
  totals: Totals;
  rows: UsageHour[];
  evaluated: boolean;
}

class Series {
  readonly slots = new Map<number, Slot>();
  add(at: number, row: UsageHour, evaluated: boolean): void {
    let s = this.slots.get(at);
    if (!s) {
      s = { at, totals: zero(), rows: [], evaluated: false };
      this.slots.set(at, s);
    }
    addTo(s.totals, row);
    s.rows.push(row);
    s.evaluated ||= evaluated;
  }
  ordered(): Slot[] {
    return [...this.slots.values()].sort((a, b) => a.at - b.at);
  }
  value(at: number, m: Metric): number {
    return this.slots.get(at)?.totals[m] ?? 0;
  }
}

/** The product of a user agent, without versions: `Boto3/1.35 md/…` → `boto3`, `Python/3.11 aiohttp/3.9` → `python aiohttp`. */
export function userAgentFamily(ua: string): string {
  const products = ua
    .trim()
    .split(/\s+/)
    .filter((t) => t !== '' && !t.startsWith('('))
    .map((t) => t.split('/')[0]!.toLowerCase());
  const first = products[0];
  if (first === undefined) return '(empty)';
  if (first === 'mozilla') return 'browser';
  if ((first === 'python' || first === 'node' || first === 'java') && products[1]) return `${first} ${products[1]}`;
  return first;
}

/** The network an address belongs to (`203.0.113.0/24`), so neighbouring addresses are not news. */
export function networkOf(ip: string, v4Bits: number, v6Bits: number): string {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4) {
    const n = v4.slice(1).reduce((acc, o) => acc * 256 + (Number(o) & 255), 0);
    const masked = v4Bits === 0 ? 0 : Math.floor(n / 2 ** (32 - v4Bits)) * 2 ** (32 - v4Bits);
    const parts = [24, 16, 8, 0].map((s) => Math.floor(masked / 2 ** s) % 256);
    return `${parts.join('.')}/${v4Bits}`;
  }
  if (ip.includes(':')) {
    const [head = '', tail = ''] = ip.toLowerCase().split('::');
    const h = head ? head.split(':') : [];
    const t = tail ? tail.split(':') : [];
    const groups = ip.includes('::') ? [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t] : h;
    const keep = Math.ceil(v6Bits / 16);
    return `${groups
      .slice(0, keep)
      .map((g) => Number.parseInt(g || '0', 16).toString(16))
      .join(':')}::/${v6Bits}`;
  }
  return ip; // not an address (AWS service names such as bedrock.amazonaws.com): compare as is
}

/** Remembered values of one dimension for one identity: first and last hour seen, bounded. */
class Known {
  readonly #seen = new Map<string, { first: number; last: number }>();
  constructor(readonly cap: number) {}
  /** First hour of the value's current run within the window, or undefined if it is absent from it. */
  firstInWindow(v: string, at: number, windowMs: number): number | undefined {
    const e = this.#seen.get(v);
    return e && e.last >= at - windowMs ? e.first : undefined;
  }
  countInWindow(at: number, windowMs: number): number {
    let n = 0;
    for (const e of this.#seen.values()) if (e.last >= at - windowMs) n++;
    return n;
  }
  touch(v: string, at: number, windowMs: number): void {
    const e = this.#seen.get(v);
    if (e && e.last >= at - windowMs) e.last = at;
    else {
      this.#seen.delete(v);
      this.#seen.set(v, { first: at, last: at });
    }
    if (this.#seen.size > this.cap) {
      // Forget the value seen longest ago.
      let oldest: string | undefined;
      let oldestAt = Number.POSITIVE_INFINITY;
      for (const [k, x] of this.#seen) if (x.last < oldestAt) [oldest, oldestAt] = [k, x.last];
      if (oldest !== undefined) this.#seen.delete(oldest);
    }
  }
}

/** One anomaly as it accumulates over hours, before it becomes a Finding. */
interface Hit {
  kind: AnomalyKind;
  subject: Finding['subject'];
  at: number;
  severity: Severity;
  /** Orders hits of the same finding: the highest-scoring hour is the one described. */
  score: number;
  detail: string;
  metrics: Record<string, number>;
  rows: readonly UsageHour[];
  /** The new values (novelty) to list in the finding. */
  values?: string[];
}

const iso = (ms: number) => new Date(ms).toISOString();
const usd = (n: number) => `$${n.toFixed(2)}`;
const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
function bump(s: Severity, by = 1): Severity {
  return SEVERITIES[Math.min(SEVERITIES.length - 1, severityRank(s) + by)]!;
}

function tierOf(z: number, tiers: { medium: number; high: number; critical: number }): Severity | undefined {
  if (z >= tiers.critical) return 'critical';
  if (z >= tiers.high) return 'high';
  if (z >= tiers.medium) return 'medium';
  return undefined;
}

/**
 * Anomalies in `current` hourly usage against `history`, per identity and per account. `current`
 * hours are evaluated in time order and each joins the baseline of the hours after it, so a long
 * `current` behaves like running the detector every hour. See README.md beside this file for each
 * anomaly type and for the memory this keeps.
 */
export function detectAnomalies(
  history: readonly UsageHour[],
  current: readonly UsageHour[],
  opts: AnomalyOptions = {},
): Finding[] {
  const t = opts.thresholds ?? loadAnomalyThresholds();
  const catalog = opts.catalog ?? loadAnomalyCatalog();
  const now = opts.now ? Date.parse(opts.now) : Number.POSITIVE_INFINITY;
  const windowMs = t.baseline.windowDays * DAY;

  const identities = new Map<string, Series>();
  const accounts = new Map<string, Series>();
  const keyFirst = new Map<string, number>();
  let earliest = Number.POSITIVE_INFINITY;
  const ingest = (rows: readonly UsageHour[], evaluated: boolean) => {
    for (const r of rows) {
      const at = Date.parse(r.hour);
      if (!Number.isFinite(at) || at > now) continue;
      earliest = Math.min(earliest, at);
      const idKey = `${r.provider}\0${r.identity}`;
      let s = identities.get(idKey);
      if (!s) {
        s = new Series();
        identities.set(idKey, s);
      }
      s.add(at, r, evaluated);
      if (r.account) {
        const acKey = `${r.provider}\0${r.account}`;
        let a = accounts.get(acKey);
        if (!a) {
          a = new Series();
          accounts.set(acKey, a);
        }
        a.add(at, r, evaluated);
      }
      if (r.accessKeyId && r.invocations > 0)
        keyFirst.set(r.accessKeyId, Math.min(keyFirst.get(r.accessKeyId) ?? at, at));
    }
  };
  ingest(history, false);
  ingest(current, true);
  const historyStart = opts.historyStart ? Date.parse(opts.historyStart) : earliest;

  const hits: Hit[] = [];
  for (const series of identities.values()) hits.push(...identityHits(series, t, windowMs, historyStart, keyFirst));
  for (const series of accounts.values()) hits.push(...spikeHits(series, 'account', t, windowMs));
  const findings = toFindings(hits, catalog, t);
  return opts.blastRadius === false ? findings : attachBlastRadius(findings, [...history, ...current]);
}

/** Start of the baseline an hour is compared with: the window, cut at the entity's first hour. */
function baselineStart(at: number, first: number, windowMs: number): number {
  return Math.max(at - windowMs, first);
}

function spikeHits(series: Series, scope: 'identity' | 'account', t: AnomalyThresholds, windowMs: number): Hit[] {
  const cfg = t.spike[scope];
  const slots = series.ordered();
  const first = slots[0]?.at;
  if (first === undefined) return [];
  const out: Hit[] = [];
  const row0 = slots[0]!.rows[0]!;
  const subject: Finding['subject'] =
    scope === 'identity'
      ? { kind: 'identity', id: row0.identity }
      : { kind: 'account', id: row0.account, label: `${row0.provider} account ${row0.account}` };
  for (const slot of slots) {
    if (!slot.evaluated) continue;
    const from = baselineStart(slot.at, first, windowMs);
    const spanMs = slot.at - from;
    if (spanMs < t.baseline.minHistoryDays * DAY) continue;
    const seasonal = spanMs >= t.baseline.seasonalMinDays * DAY;
    const n = t.baseline.seasonalNeighbourHours;
    // The baseline hours: every hour of the window, or the same hour-of-week (± n) in earlier weeks.
    const hours: number[] = [];
    if (seasonal) {
      for (let w = slot.at - WEEK; w >= from; w -= WEEK)
        for (let d = -n; d <= n; d++) if (w + d * HOUR >= from && w + d * HOUR < slot.at) hours.push(w + d * HOUR);
    } else for (let h = from; h < slot.at; h += HOUR) hours.push(h);
    let best: Hit | undefined;
    for (const m of METRICS) {
      const gate = cfg.metrics[m];
      if (!gate) continue;
      const observed = slot.totals[m];
      if (observed < gate.minObserved) continue;
      let windowMax = 0;
      for (let h = from; h < slot.at; h += HOUR) windowMax = Math.max(windowMax, series.value(h, m));
      if (observed < cfg.minRatioToWindowMax * windowMax) continue;
      const score = robustZ(
        observed,
        hours.map((h) => series.value(h, m)),
        gate.scaleFloor,
      );
      const severity = tierOf(score.z, cfg.zTiers);
      if (!severity || (best && best.score >= score.z)) continue;
      const basis = seasonal
        ? `the same hour of the week (±${n}h) over ${Math.floor(spanMs / WEEK)} earlier week(s)`
        : `every hour of the previous ${Math.round(spanMs / DAY)} day(s)`;
      best = {
        kind: scope === 'identity' ? 'usage-spike' : 'account-usage-spike',
        subject,
        at: slot.at,
        severity,
        score: score.z,
        detail:
          `${m} ${num(observed)} in the hour ${iso(slot.at)} against a baseline median of ${num(score.median)} ` +
          `(MAD ${num(score.mad)}, scale ${num(score.scale)}; ${basis}): z = ${score.z.toFixed(1)}; ` +
          `the window's largest hour was ${num(windowMax)}. Cost in the hour: ${usd(slot.totals.costUsd)}` +
          `${slot.rows.some((r) => r.estimated) ? ' (partly estimated from invocation counts)' : ''}.`,
        metrics: {
          observed,
          baselineMedian: score.median,
          mad: score.mad,
          scale: score.scale,
          zScore: Number(score.z.toFixed(2)),
          windowMax,
          baselineHours: hours.length,
          invocations: slot.totals.invocations,
          tokens: slot.totals.tokens,
          costUsd: Number(slot.totals.costUsd.toFixed(4)),
        },
        rows: slot.rows,
      };
    }
    if (best) out.push(best);
  }
  return out;
}

function identityHits(
  series: Series,
  t: AnomalyThresholds,
  windowMs: number,
  historyStart: number,
  keyFirst: ReadonlyMap<string, number>,
): Hit[] {
  const out = spikeHits(series, 'identity', t, windowMs);
  const slots = series.ordered();
  const first = slots[0]?.at;
  if (first === undefined) return out;
  const identity = slots[0]!.rows[0]!.identity;
  const subject: Finding['subject'] = { kind: 'identity', id: identity };
  const nv = t.novelty;
  const known = {
    model: new Known(nv.maxValues),
    region: new Known(nv.maxValues),
    sourceIp: new Known(nv.maxValues),
    userAgent: new Known(nv.maxValues),
  };
  // Values of each dimension carried by a row.
  const valuesOf: Record<keyof typeof known, (r: UsageHour) => string[]> = {
    model: (r) => [r.model],
    region: (r) => (r.region ? [r.region] : []),
    sourceIp: (r) => [...new Set(r.sourceIps.map((ip) => networkOf(ip, nv.sourceIp.prefixV4, nv.sourceIp.prefixV6)))],
    userAgent: (r) => [...new Set(r.userAgents.map(userAgentFamily))],
  };
  const kindOf = {
    model: 'new-model',
    region: 'new-region',
    sourceIp: 'new-source-network',
    userAgent: 'new-user-agent',
  } as const;
  const invocationsAt = (at: number) => series.value(at, 'invocations');

  for (const slot of slots) {
    const from = baselineStart(slot.at, first, windowMs);
    const spanMs = slot.at - from;
    const mature = spanMs >= t.baseline.minHistoryDays * DAY;
    if (slot.evaluated && mature) {
      let peak = 0;
      for (let h = from; h < slot.at; h += HOUR) peak = Math.max(peak, invocationsAt(h));
      for (const dim of Object.keys(known) as (keyof typeof known)[]) {
        const gate = nv[dim];
        if (dim === 'sourceIp' && known.sourceIp.countInWindow(slot.at, windowMs) > nv.sourceIp.maxKnownNetworks)
          continue; // a roaming identity: new networks are its normal
        const fresh = new Map<string, { invocations: number; costUsd: number; rows: UsageHour[] }>();
        for (const r of slot.rows) {
          for (const v of valuesOf[dim](r)) {
            const firstAt = known[dim].firstInWindow(v, slot.at, windowMs);
            if (firstAt !== undefined && firstAt < slot.at - nv.noveltyHours * HOUR) continue;
            let f = fresh.get(v);
            if (!f) {
              f = { invocations: 0, costUsd: 0, rows: [] };
              fresh.set(v, f);
            }
            f.invocations += r.invocations;
            f.costUsd += r.costUsd;
            f.rows.push(r);
          }
        }
        const need = Math.max(gate.minInvocations, gate.peakShare * peak);
        const passing = [...fresh].filter(([, f]) => f.invocations >= need);
        if (passing.length === 0) continue;
        const calls = passing.reduce((s, [, f]) => s + f.invocations, 0);
        const cost = passing.reduce((s, [, f]) => s + f.costUsd, 0);
        const severity = cost >= t.report.escalateUsd ? bump(gate.severity) : gate.severity;
        out.push({
          kind: kindOf[dim],
          subject,
          at: slot.at,
          severity,
          score: calls / Math.max(1, peak),
          detail:
            `${passing.map(([v]) => v).join(', ')}: not seen for this identity in the previous ` +
            `${Math.round(spanMs / DAY)} day(s); ${calls} call(s) in the hour ${iso(slot.at)} (needed ${num(need)}: ` +
            `at least ${gate.minInvocations} and ${gate.peakShare} × the identity's peak hour of ${peak}); ` +
            `cost ${usd(cost)}.`,
          metrics: {
            newValueInvocations: calls,
            required: need,
            baselinePeakHour: peak,
            costUsd: Number(cost.toFixed(4)),
          },
          rows: passing.flatMap(([, f]) => f.rows),
          values: passing.map(([v]) => v),
        });
      }
    }
    if (slot.evaluated) {
      out.push(...offHoursHits(series, slot, from, first, t, subject));
      out.push(...heavyTokenHits(series, slot, from, t, subject));
      const lt = t.longTermKey;
      if (slot.at - historyStart >= lt.minHistoryDays * DAY) {
        for (const r of slot.rows) {
          const key = r.accessKeyId;
          if (!key || r.invocations === 0 || keyFirst.get(key) !== slot.at) continue;
          if (!lt.prefixes.some((p) => key.startsWith(p))) continue;
          const keyRows = slot.rows.filter((x) => x.accessKeyId === key);
          const calls = keyRows.reduce((s, x) => s + x.invocations, 0);
          const errors = keyRows.reduce((s, x) => s + x.errors, 0);
          const cost = keyRows.reduce((s, x) => s + x.costUsd, 0);
          out.push({
            kind: 'long-term-key-first-invocation',
            subject: { kind: 'access-key', id: key, label: r.identity },
            at: slot.at,
            severity: cost >= t.report.escalateUsd ? bump(lt.severity) : lt.severity,
            score: calls,
            detail:
              `long-term key ${key} of ${r.identity} made its first model invocation in the ` +
              `${Math.floor((slot.at - historyStart) / DAY)} day(s) of history held: ${calls} call(s) ` +
              `(${errors} failed) in the hour ${iso(slot.at)}, cost ${usd(cost)}.`,
            metrics: {
              invocations: calls,
              errors,
              historyDays: Math.floor((slot.at - historyStart) / DAY),
              costUsd: Number(cost.toFixed(4)),
            },
            rows: keyRows,
          });
          break; // one per key: the remaining rows of this key are in keyRows
        }
      }
    }
    for (const r of slot.rows)
      for (const dim of Object.keys(known) as (keyof typeof known)[])
        for (const v of valuesOf[dim](r)) known[dim].touch(v, slot.at, windowMs);
  }
  return out;
}

function offHoursHits(
  series: Series,
  slot: Slot,
  from: number,
  first: number,
  t: AnomalyThresholds,
  subject: Finding['subject'],
): Hit[] {
  const oh = t.offHours;
  const { invocations, costUsd } = slot.totals;
  if (invocations < oh.minInvocations && costUsd < oh.minUsd) return [];
  const span = slot.at - Math.max(first, from);
  const n = t.baseline.seasonalNeighbourHours;
  let usual = false;
  let basis: string;
  let profile: number;
  if (span >= oh.learnedMinDays * DAY) {
    // Weekly profile: active at this hour of the week (± n) in an earlier week.
    profile = 2;
    for (let w = slot.at - WEEK; w >= from && !usual; w -= WEEK)
      for (let d = -n; d <= n && !usual; d++) usual = series.value(w + d * HOUR, 'invocations') > 0;
    basis = `no invocation at this hour of the week (±${n}h) in the previous ${Math.floor(span / WEEK)} week(s)`;
  } else if (span >= t.baseline.minHistoryDays * DAY) {
    // Daily profile while weeks are too few: active at this hour of the day (± n) on an earlier day.
    profile = 1;
    for (let day = slot.at - DAY; day >= from && !usual; day -= DAY)
      for (let d = -n; d <= n && !usual; d++) usual = series.value(day + d * HOUR, 'invocations') > 0;
    basis = `no invocation at this hour of the day (±${n}h) in the previous ${Math.floor(span / DAY)} day(s)`;
  } else if (oh.fallbackToWorkingHours && span >= oh.fallbackMinHistoryHours * HOUR) {
    // Too little history of its own: the organisation's working hours.
    profile = 0;
    const date = new Date(slot.at);
    const weekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
    const hour = date.getUTCHours();
    const wh = oh.workingHours;
    usual = wh.days.includes(weekday) && hour >= wh.startHour && hour < wh.endHour;
    basis = `outside working hours (days ${wh.days.join(',')}, ${wh.startHour}:00–${wh.endHour}:00 UTC; the identity has too little history of its own)`;
  } else {
    // Too little history of its own to know its rhythm. Office hours are no substitute by default:
    // workloads (nightly ETL, CI, apps) run round the clock and would all be flagged in their first
    // week. Novelty rules speak for new identities instead.
    return [];
  }
  if (usual) return [];
  return [
    {
      kind: 'off-hours-burst',
      subject,
      at: slot.at,
      severity: costUsd >= t.report.escalateUsd ? bump(oh.severity) : oh.severity,
      score: invocations,
      detail: `${invocations} call(s), cost ${usd(costUsd)}, in the hour ${iso(slot.at)}: ${basis}.`,
      metrics: { invocations, costUsd: Number(costUsd.toFixed(4)), profile },
      rows: slot.rows,
    },
  ];
}

function heavyTokenHits(
  series: Series,
  slot: Slot,
  from: number,
  t: AnomalyThresholds,
  subject: Finding['subject'],
): Hit[] {
  const ht = t.heavyTokens;
  const byModel = new Map<string, Totals & { rows: UsageHour[] }>();
  for (const r of slot.rows) {
    if (r.inputTokens + r.outputTokens === 0) continue; // no token counts in this log
    let m = byModel.get(r.model);
    if (!m) {
      m = { ...zero(), rows: [] };
      byModel.set(r.model, m);
    }
    addTo(m, r);
    m.rows.push(r);
  }
  const out: Hit[] = [];
  for (const [model, m] of byModel) {
    const calls = m.invocations - m.errors;
    if (calls < ht.minInvocations) continue;
    const ceiling =
      ht.families.find((f) => model.toLowerCase().includes(f.match.toLowerCase()))?.maxAvgTokens ??
      ht.defaultMaxAvgTokens;
    const avg = m.tokens / calls;
    const avgOut = m.outputTokens / calls;
    if (avg <= ceiling || avgOut < ht.minAvgOutputTokens) continue;
    // The identity's own average call before this hour (for this model, else over all its models),
    // from rows with token counts: a known heavy user is not news, nor a small step above its habit.
    const sameModel = zero();
    const anyModel = zero();
    for (const s of series.slots.values()) {
      if (s.at < from || s.at >= slot.at) continue;
      for (const r of s.rows) {
        if (r.inputTokens + r.outputTokens === 0) continue;
        addTo(anyModel, r);
        if (r.model === model) addTo(sameModel, r);
      }
    }
    const own = sameModel.invocations - sameModel.errors > 0 ? sameModel : anyModel;
    const ownCalls = own.invocations - own.errors;
    const baselineAvg = ownCalls > 0 ? own.tokens / ownCalls : 0;
    if (baselineAvg > ceiling || avg < ht.minRatioToOwnAverage * baselineAvg) continue;
    out.push({
      kind: 'heavy-tokens',
      subject,
      at: slot.at,
      severity: m.costUsd >= t.report.escalateUsd ? bump(ht.severity) : ht.severity,
      score: avg / ceiling,
      detail:
        `${model}: ${calls} call(s) in the hour ${iso(slot.at)} averaging ${Math.round(avg)} tokens ` +
        `(${Math.round(avgOut)} output) per call, above the family ceiling of ${ceiling} and ` +
        `${ht.minRatioToOwnAverage} × the identity's own average of ${Math.round(baselineAvg)}. Cost ${usd(m.costUsd)}.`,
      metrics: {
        invocations: calls,
        avgTokens: Math.round(avg),
        avgOutputTokens: Math.round(avgOut),
        ceiling,
        baselineAvgTokens: Math.round(baselineAvg),
        costUsd: Number(m.costUsd.toFixed(4)),
      },
      rows: m.rows,
    });
  }
  return out;
}

function capped(values: Iterable<string>): string[] {
  const out: string[] = [];
  for (const v of values) if (v && !out.includes(v) && out.length < EVIDENCE_VALUE_CAP) out.push(v);
  return out;
}

/** Fold the hourly hits into one finding per (anomaly, subject): the worst hour is described. */
function toFindings(hits: readonly Hit[], catalog: AnomalyCatalog, t: AnomalyThresholds): Finding[] {
  const groups = new Map<string, Hit[]>();
  for (const h of hits) {
    const key = `${h.kind}\0${h.subject.kind}\0${h.subject.id}`;
    const g = groups.get(key);
    if (g) g.push(h);
    else groups.set(key, [h]);
  }
  const floor = severityRank(t.report.minSeverity);
  const findings: Finding[] = [];
  for (const group of groups.values()) {
    const worst = group.reduce((a, b) =>
      severityRank(b.severity) > severityRank(a.severity) || (b.severity === a.severity && b.score > a.score) ? b : a,
    );
    if (severityRank(worst.severity) < floor) continue;
    const entry = catalog.rules[worst.kind];
    const rows = group.flatMap((h) => h.rows);
    const times = [...new Set(group.map((h) => h.at))].sort((a, b) => a - b);
    const values = capped(group.flatMap((h) => h.values ?? []));
    const assets: Asset[] = [];
    const identities = capped(rows.map((r) => r.identity));
    for (const id of identities) assets.push({ id, kind: 'identity', attributes: {} });
    const keys = capped(rows.map((r) => r.accessKeyId));
    for (const k of keys) assets.push({ id: k, kind: 'access-key', attributes: {} });
    const models = capped(rows.map((r) => r.model));
    for (const m of models) assets.push({ id: m, kind: 'model', attributes: {} });
    for (const a of capped(rows.map((r) => r.account))) assets.push({ id: a, kind: 'account', attributes: {} });
    const hours =
      times.length > 1 ? ` Anomalous in ${times.length} hour(s) from ${iso(times[0]!)} to ${iso(times.at(-1)!)}.` : '';
    const finding: Finding = {
      id: findingId(entry.id, `${worst.subject.kind}:${worst.subject.id}`),
      kind: 'anomaly',
      ruleId: entry.id,
      title: entry.title,
      description: `${entry.summary} Worst hour: ${worst.detail}${hours}`,
      severity: worst.severity,
      status: 'open',
      subject: worst.subject,
      assets,
      evidence: {
        eventIds: [],
        eventNames: [],
        models,
        regions: capped(rows.map((r) => r.region)),
        sourceIps: capped(rows.flatMap((r) => r.sourceIps)),
        userAgents: capped(rows.flatMap((r) => r.userAgents)),
        accessKeyIds: keys,
        errorCodes: [],
        locations: [],
        metrics: { ...worst.metrics, anomalousHours: times.length },
      },
      firstSeen: iso(times[0]!),
      lastSeen: iso(times.at(-1)!),
      count: times.length,
      remediation: '',
      falsePositives: entry.falsePositives,
      references: entry.references,
      mappings: mappingsFromTags(entry.tags),
    };
    if (values.length > 0) finding.description += ` New: ${values.join(', ')}.`;
    // A key finding's remediation names the key's user: fill from the identity, not the key id.
    const owner = worst.subject.kind === 'access-key' ? (worst.subject.label ?? worst.subject.id) : worst.subject.id;
    finding.remediation = fillRemediation(entry.remediation, { ...finding, subject: { ...worst.subject, id: owner } });
    findings.push(finding);
  }
  return findings.sort(
    (a, b) =>
      severityRank(b.severity) - severityRank(a.severity) ||
      a.firstSeen.localeCompare(b.firstSeen) ||
      a.id.localeCompare(b.id),
  );
}
