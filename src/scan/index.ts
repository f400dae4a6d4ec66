/**
 * @module scan
 * One reading pass over the logs that feeds every consumer at once — the detector and the usage
 * counter — so each log is read once. `scan` runs it across worker threads for local files (large
 * NDJSON files are split into ranges of lines) and merges the results in input order, so the
 * findings, usage and bad-input reports are exactly those of the one-thread pass `scanLogs`.
 * Records no consumer can want are skipped unparsed by a prefilter built from the rules
 * (`scanPrefilter`; `parseAll` turns it off).
 */
export { type ScanOptions, scanLogs, scanPrefilter } from './ingest.js';
export { type ParallelScanOptions, scan } from './parallel.js';
export { USAGE_LITERALS } from './usage-input.js';
