import type { EventSource } from '../../domain/index.js';
import type { JackstopError, Location } from '../../errors.js';

/** Where the format readers put what they find. */
export interface Sink {
  /**
   * Accepts a record of the given kind (absent: CloudTrail); true when the current batch is full
   * (the reader should yield).
   */
  record(record: Record<string, unknown>, location: Location, kind?: EventSource): boolean;
  bad(error: JackstopError, excerpt?: string): void;
  /** A record left unparsed because the prefilter said no consumer wants it. */
  skip(): void;
  /** A CloudTrail digest file or CloudTrail Lake sign file: integrity data, no events. */
  digest(): void;
}
