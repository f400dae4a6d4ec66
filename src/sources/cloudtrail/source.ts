import type { JackstopError } from '../../errors.js';

/** One thing to read: a local file, an S3 object, or stdin. */
export interface Source {
  /** Path, `s3://bucket/key` or `-`: used for sorting and in every location. */
  readonly name: string;
  /** Stored (compressed) size in bytes, when known. */
  readonly size: number | undefined;
  /** The bytes as stored. May throw; `readError` turns the failure into the user's error. */
  open(): Promise<AsyncIterable<Buffer | string>>;
  /**
   * The whole stored file at once (local files): lets a small `.gz` be inflated in one call on the
   * reading thread instead of streamed through the thread pool.
   */
  readWhole?(): Promise<Buffer>;
  /** Starts fetching ahead of `open` (S3); a no-op elsewhere. */
  prefetch?(): void;
  /** Cancels a fetch in flight that will not be read. */
  dispose?(): void;
  readError(e: unknown): JackstopError;
}
