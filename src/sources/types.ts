import type { S3Client } from '@aws-sdk/client-s3';
import type { EventSource } from '../domain/index.js';
import type { JackstopError, Location } from '../errors.js';

/** A test on a record's raw JSON text, as UTF-8 bytes: false only when no consumer can want the record. */
export interface RecordFilter {
  testBytes(bytes: Uint8Array, start: number, end: number): boolean;
}

/** One raw audit record, untouched, with where it came from. */
export interface RawRecord {
  record: Record<string, unknown>;
  /** File (path, `s3://…` URI or `-`) plus the line (NDJSON, CSV) and/or the record index (JSON lists). */
  location: Location;
  /** Which log this record is from; absent means AWS CloudTrail. */
  kind?: EventSource;
}

/** A bad file, line or record. Reading goes on after it. */
export interface BadInput {
  error: JackstopError;
  /** At most 2 KiB of the offending text (it may hold secrets: it is clipped, never longer). */
  excerpt?: string;
}

export interface ReadProgress {
  /** Files found (known once inputs are listed; S3 digest objects are not counted). */
  filesTotal?: number;
  filesDone: number;
  /** Sum of the file sizes as stored (compressed); undefined when a size is unknown (stdin, pipes). */
  bytesTotal?: number;
  /** Bytes read so far, as stored (compressed). */
  bytesDone: number;
  /** Records yielded so far. */
  records: number;
  /** Records the prefilter let go unparsed so far (not in `records`). */
  skipped?: number;
  /** Integrity files skipped because they hold no events: CloudTrail digest files and CloudTrail Lake sign files. */
  digestFiles?: number;
}

export interface ReadOptions {
  /** Called for every bad file, line or record; reading goes on. */
  onBadInput(bad: BadInput): void;
  /** Called at most about 10 times a second, and once at the end. */
  onProgress?(p: ReadProgress): void;
  /** For tests (aws-sdk-client-mock). Default: `new S3Client({})` with the SDK's default credential chain. */
  s3Client?: S3Client;
  /** Default `process.stdin`, read for the input `-`. */
  stdin?: NodeJS.ReadableStream;
  signal?: AbortSignal;
  /**
   * A test on a record's raw JSON text: false means no consumer wants the record, so a record that
   * looks like a whole CloudTrail event (an object with `eventSource` and `eventName`) is not parsed
   * (NDJSON lines and the elements of `{"Records":[…]}` files, read as bytes). Such records are
   * counted (`ReadProgress.skipped`, `onSkipped`), not yielded; syntax errors inside them go
   * unreported, but a line or document cut short, or a record of another kind, still is.
   */
  prefilter?: RecordFilter;
  /** Called with the number of records the prefilter let go unparsed, at the end of each file. */
  onSkipped?(count: number): void;
}
