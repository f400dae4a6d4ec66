/**
 * @module detect/anomaly
 * Anomalies in hourly model usage (`UsageHour`s from `usage/`), per identity and per account:
 * spikes against the identity's own robust baseline (median/MAD, hour-of-week seasonality), first-seen
 * model / region / source network / client, the first invocation by a long-term key, token-heavy
 * calls and off-hours bursts — each a `Finding` of kind `anomaly` carrying the numbers that
 * triggered it. Also the blast radius of a key or identity: the models and regions it reaches and
 * the most it could spend per day at the provider's default quotas. Thresholds, texts and quotas
 * are data: `thresholds.yml`, `catalog.yml`, `quotas.yml` beside this file.
 */
export { attachBlastRadius, type BlastRadius, type BlastRadiusOptions, blastRadius } from './blast-radius.js';
export { ANOMALY_KINDS, AnomalyCatalog, type AnomalyKind, CATALOG_FILE, loadAnomalyCatalog } from './catalog.js';
export { type AnomalyOptions, detectAnomalies, networkOf, userAgentFamily } from './detect.js';
export { baseModelId, loadQuotaTable, QUOTAS_FILE, QuotaTable, quotaFor } from './quotas.js';
export { mad, median, robustZ } from './stats.js';
export { AnomalyThresholds, loadAnomalyThresholds, THRESHOLDS_FILE } from './thresholds.js';
