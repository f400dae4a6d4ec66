import type { BlastRadius, Finding } from '../../domain/index.js';
import { priceFor as defaultPriceFor, type ModelPrice, type Provider, type UsageHour } from '../../usage/index.js';
import { loadQuotaTable, type QuotaTable, quotaFor } from './quotas.js';

export type { BlastRadius } from '../../domain/index.js';

export interface BlastRadiusOptions {
  /** Only rows of this key (else every key of the identity). */
  accessKeyId?: string;
  /** Models and regions known from posture data (what the policy allows), added to what was observed. */
  reachable?: { models?: readonly string[]; regions?: readonly string[] };
  /** Quota table instead of the shipped `quotas.yml`. */
  quotas?: QuotaTable;
  /** Price lookup instead of the usage module's price table. */
  priceFor?: (provider: Provider, model: string, region?: string) => ModelPrice | undefined;
}

const MINUTES_PER_DAY = 1440;

/**
 * The models and regions `identity` (or one of its keys) was seen invoking, and the most it could
 * spend per day if it ran every one of those models in every one of those regions at the default
 * tokens-per-minute quota: Σ TPM × 1,440 × price per token. The price per token is the mean of
 * the input and output prices (quotas count both together; an attacker's mix is unknown), the
 * approach of Sysdig's 2024 estimate. Pairs without a quota or a price are named in `basis` and
 * left out of the sum, so the figure is a floor of the true ceiling, never a guess.
 */
export function blastRadius(identity: string, hours: readonly UsageHour[], opts: BlastRadiusOptions = {}): BlastRadius {
  const table = opts.quotas ?? loadQuotaTable();
  const price = opts.priceFor ?? defaultPriceFor;
  const rows = hours.filter(
    (h) =>
      (opts.accessKeyId === undefined ? h.identity === identity : h.accessKeyId === opts.accessKeyId) &&
      h.invocations > 0,
  );
  const provider: Provider = rows[0]?.provider ?? 'aws';
  const models = distinct([...rows.map((r) => r.model), ...(opts.reachable?.models ?? [])]);
  const regions = distinct([...rows.map((r) => r.region), ...(opts.reachable?.regions ?? [])]);
  let total = 0;
  const parts: string[] = [];
  const noQuota: string[] = [];
  const noPrice: string[] = [];
  const sources = new Set<string>();
  for (const model of models) {
    for (const region of regions) {
      const q = quotaFor(table, provider, model, region);
      if (!q) {
        noQuota.push(`${model} in ${region}`);
        continue;
      }
      const p = price(provider, model, region);
      if (!p) {
        noPrice.push(`${model} in ${region}`);
        continue;
      }
      const perToken = (p.inputPer1k + p.outputPer1k) / 2 / 1000;
      const perDay = q.tokensPerMinute * MINUTES_PER_DAY * perToken;
      total += perDay;
      sources.add(`${q.family.source} (${q.family.asOf})`);
      parts.push(
        `${model} in ${region}: ${q.tokensPerMinute.toLocaleString('en-US')} TPM → $${Math.round(perDay).toLocaleString('en-US')}/day`,
      );
    }
  }
  const basis = [
    models.length === 0
      ? 'no model invocation seen for this identity'
      : `${models.length} model(s) × ${regions.length} region(s) seen; default on-demand tokens-per-minute quota × 1,440 min × mean of input and output price per token`,
    ...(parts.length > 0 ? [`per pair: ${parts.join('; ')}`] : []),
    ...(noQuota.length > 0 ? [`no default quota on file for ${noQuota.join(', ')} (left out)`] : []),
    ...(noPrice.length > 0 ? [`no price on file for ${noPrice.join(', ')} (left out)`] : []),
    ...(sources.size > 0 ? [`quotas: ${[...sources].join(', ')}; an account's applied quotas may differ`] : []),
  ].join('. ');
  return { models, regions, maxUsdPerDay: Math.round(total * 100) / 100, basis };
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values.filter((v) => v !== ''))].sort();
}

/**
 * Fill `blastRadius` on every finding about an identity (or an access key) that has model
 * invocations in `hours`. Other findings are returned unchanged; the input is not modified.
 */
export function attachBlastRadius(
  findings: readonly Finding[],
  hours: readonly UsageHour[],
  opts: Omit<BlastRadiusOptions, 'accessKeyId'> = {},
): Finding[] {
  // Rows grouped once by identity and by key: each finding then reads only its own rows.
  const byIdentity = new Map<string, UsageHour[]>();
  const byKey = new Map<string, UsageHour[]>();
  const push = (m: Map<string, UsageHour[]>, k: string, h: UsageHour) => {
    const list = m.get(k);
    if (list) list.push(h);
    else m.set(k, [h]);
  };
  for (const h of hours) {
    if (h.invocations === 0) continue;
    push(byIdentity, h.identity, h);
    if (h.accessKeyId) push(byKey, h.accessKeyId, h);
  }
  return findings.map((f) => {
    const own = (f.subject.kind === 'identity' ? byIdentity : byKey).get(f.subject.id);
    if (f.subject.kind === 'identity' && own) return { ...f, blastRadius: blastRadius(f.subject.id, own, opts) };
    if (f.subject.kind === 'access-key' && own)
      return { ...f, blastRadius: blastRadius(f.subject.label ?? '', own, { ...opts, accessKeyId: f.subject.id }) };
    return f;
  });
}
