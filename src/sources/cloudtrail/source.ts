import type { JackstopError } from '../../errors.js';

/** One thing to read: a local file, an S3 object, or stdin. */
export interface Source {
  /** Path, `s3://bucket/key` or `-`: used for sorting and in every location. */
  readonly name: string;
  /** Stored (compressed) size in bytes, when known. */
  readonly size: number | undefined;
  /** The bytes as stored. May throw; `readError` turns the failure into the user's error. */
  open(): Promise<AsyncIterable<Buffer | string>>;
  /** Starts fetching ahead of `open` (S3); a no-op elsewhere. */
  prefetch?(): void;
  /** Cancels a fetch in flight that will not be read. */
  dispose?(): void;
  readError(e: unknown): JackstopError;
}
