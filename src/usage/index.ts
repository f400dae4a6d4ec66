/**
 * @module usage
 * Who spends what on which model: model invocations from any log source, priced from a data table,
 * folded into hourly aggregates, and reported.
 *
 * - `usageSampleOf(ev)`: the invocation an `Event` records (CloudTrail Bedrock runtime calls with
 *   cross-region profiles and inferenceRegion, Bedrock model-invocation logs with token counts, Azure
 *   OpenAI RequestResponse logs, Vertex AI audit logs), or undefined.
 * - `priceFor(provider, model, region?)`: the price from `prices.yml` (each entry with source and
 *   date); undefined = unpriced, never guessed. `PriceBook` / `parsePrices` for other tables.
 * - `costOf(sample)`: exact from tokens, else estimated from the assumed call size in
 *   `operations.yml` (and said so in `basis`); failed calls cost 0.
 * - `UsageAggregator`: hourly rows per account × identity × key × model × region (`UsageHour`).
 * - `UsageIngest`: one ingestion pass (per event) with per-file watermarks, so re-runs over the same
 *   logs count nothing twice; `detect` can feed it per batch.
 * - `buildUsageReport`, `renderUsageText` (sparklines), `renderUsageHtml` (self-contained, echarts
 *   inlined), `sparkline`.
 */
export { addDistinct, hourOf, mergeUsageHour, UsageAggregator, usageKey } from './aggregate.js';
export { costOf } from './cost.js';
export { countedBefore, type IngestStats, UsageIngest, type UsageSourceMark } from './ingest.js';
export { type OperationKind, operationKind } from './operations.js';
export { defaultPriceBook, lookupIds, PriceBook, type PriceEntry, parsePrices, priceFor } from './prices.js';
export { chartData, renderUsageHtml } from './render-html.js';
export { formatUsd, renderUsageText } from './render-text.js';
export {
  buildUsageReport,
  type CostBasis,
  MAX_REPORT_HOURS,
  sparkline,
  type UsageAnomaly,
  type UsageGroup,
  type UsageReport,
  type UsageTotals,
} from './report.js';
export { usageSampleOf } from './samples.js';
export {
  type CostEstimate,
  type ModelPrice,
  PROVIDERS,
  type Provider,
  USAGE_VALUE_CAP,
  type UsageHour,
  type UsageSample,
} from './types.js';
