import { operationKind, operations } from './operations.js';
import { type PriceBook, priceFor } from './prices.js';
import type { CostEstimate, UsageSample } from './types.js';

const round = (usd: number) => Math.round(usd * 1e9) / 1e9;

/**
 * What one invocation cost. Failed calls cost nothing (providers bill tokens processed, and a
 * rejected call processes none). With token counts the cost is exact (`tokens`); without, it is
 * estimated from the assumed size of that kind of call in operations.yml; a model missing from the
 * price table is `unpriced` (0 USD, never a guess).
 */
export function costOf(s: UsageSample, book?: PriceBook): CostEstimate {
  if (!s.ok) return { usd: 0, basis: 'tokens', note: `failed call (${s.errorCode ?? 'error'}): not billed` };
  const price = book ? book.priceFor(s.provider, s.model, s.region) : priceFor(s.provider, s.model, s.region);
  if (!price) return { usd: 0, basis: 'unpriced', note: `no price for ${s.provider} model ${s.model}` };
  if (s.inputTokens !== undefined || s.outputTokens !== undefined) {
    const usd = ((s.inputTokens ?? 0) * price.inputPer1k + (s.outputTokens ?? 0) * price.outputPer1k) / 1000;
    return { usd: round(usd), basis: 'tokens' };
  }
  const kind = operationKind(s.provider, s.operation) ?? 'chat';
  const size = operations().kinds[kind];
  const usd = (size.inputTokens * price.inputPer1k + size.outputTokens * price.outputPer1k) / 1000;
  return {
    usd: round(usd),
    basis: 'estimated-from-invocations',
    note: `assumed ${size.inputTokens} input + ${size.outputTokens} output tokens per ${kind} call`,
  };
}
