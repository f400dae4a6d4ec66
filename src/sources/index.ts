/**
 * @module sources
 * Reads raw audit records from wherever the user keeps them: AWS CloudTrail, Bedrock
 * model-invocation logs, Azure activity and resource logs, GCP Cloud Audit Logs and OpenAI
 * organization audit logs.
 *
 * - `readLogs(inputs, opts)` (also exported as `readCloudTrail`, its former name): files, directories (recursive), `-` (stdin) and
 *   `s3://bucket/prefix`; gzip detected by magic bytes; S3 log files (`{"Records":[…]}`), NDJSON,
 *   JSON arrays, single events, `lookup-events` output, CloudTrail Lake query results, and
 *   Athena/CloudTrail Lake CSV exports, detected by content; the other logs as NDJSON, JSON arrays,
 *   single records, Azure's `{"records":[…]}` and OpenAI's `{"object":"list","data":[…]}`, gzip
 *   or not, from files or S3 (`AWSLogs/<account>/BedrockModelInvocationLogs/…`). Each record's
 *   `kind` is decided by its content (`recordKind`); absent means CloudTrail. Yields batches of `RawRecord`s in
 *   file order (files sorted by path), streaming with bounded memory. Bad files, lines and records
 *   go to `opts.onBadInput` as `JackstopError`s with file and line/record; reading goes on.
 * - `findJsonSyntaxError`, `lineColumn`: where JSON text first breaks (line and column), for any reader's errors.
 * - `Quarantine`: keeps bad input aside in an NDJSON file for later review.
 * - Types: `RawRecord`, `BadInput`, `ReadProgress`, `ReadOptions`.
 *
 * Records are returned untouched (normalizing them is `events/`'s job), except for Athena and
 * CloudTrail Lake exports, whose lower-cased names and text-encoded nested fields are turned back
 * into CloudTrail's own field names and objects, and Azure records whose `properties` is a
 * JSON-encoded string, which is decoded so rules can address `properties.<field>`.
 */

export { findJsonSyntaxError, lineColumn } from './cloudtrail/json-syntax.js';
export { isPlainNdjson, listLocalLogFiles, readCloudTrail, readLogs, readNdjsonRange } from './cloudtrail/read.js';
export { isS3Uri } from './cloudtrail/s3-uri.js';
export { MAX_EXCERPT_BYTES } from './excerpt.js';
export { NON_CLOUDTRAIL_MARKERS, recordKind } from './kind.js';
export { Quarantine } from './quarantine.js';
export type { BadInput, RawRecord, ReadOptions, ReadProgress, RecordFilter } from './types.js';
