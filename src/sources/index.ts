/**
 * @module sources
 * Reads raw audit records from wherever the user keeps them. Today: AWS CloudTrail.
 *
 * - `readCloudTrail(inputs, opts)`: files, directories (recursive), `-` (stdin) and
 *   `s3://bucket/prefix`; gzip detected by magic bytes; S3 log files (`{"Records":[…]}`), NDJSON,
 *   JSON arrays, single events, `lookup-events` output, CloudTrail Lake query results, and
 *   Athena/CloudTrail Lake CSV exports, detected by content. Yields batches of `RawRecord`s in
 *   file order (files sorted by path), streaming with bounded memory. Bad files, lines and records
 *   go to `opts.onBadInput` as `JackstopError`s with file and line/record; reading goes on.
 * - `Quarantine`: keeps bad input aside in an NDJSON file for later review.
 * - Types: `RawRecord`, `BadInput`, `ReadProgress`, `ReadOptions`.
 *
 * Records are returned untouched (normalizing them is `events/`'s job), except for Athena and
 * CloudTrail Lake exports, whose lower-cased names and text-encoded nested fields are turned back
 * into CloudTrail's own field names and objects.
 */
export { readCloudTrail } from './cloudtrail/read.js';
export { MAX_EXCERPT_BYTES } from './excerpt.js';
export { Quarantine } from './quarantine.js';
export type { BadInput, RawRecord, ReadOptions, ReadProgress } from './types.js';
