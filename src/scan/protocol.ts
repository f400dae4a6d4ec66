/** Messages between the main thread and the scan workers (structured-clone safe). */
import type { AggregateState, DetectorOptions, DetectorShard, SigmaRule } from '../detect/index.js';
import { type ErrorCode, JackstopError, type Location } from '../errors.js';
import type { BadInput } from '../sources/index.js';
import type { UsageSample } from '../usage/index.js';

export interface WorkerSetup {
  /** The detector's rules and options, rebuilt in each worker; absent: no detection. */
  detector?: { rules: readonly SigmaRule[]; options: Omit<DetectorOptions, 'shard'> };
  usage: boolean;
  parseAll: boolean;
  cwd: string;
  /** A worker hands its aggregates over once it holds this many (default `WORKER_AGGREGATE_LIMIT`). */
  aggregateLimit?: number;
}

/** A whole file (the worker reads it), or whole lines of a large NDJSON file (the bytes travel). */
export type ScanTask =
  | { id: number; kind: 'file'; file: string; mark?: { line: number; record: number } }
  | {
      id: number;
      kind: 'range';
      file: string;
      data: Uint8Array;
      /** Lines of the file before `data`. */
      firstLine: number;
      /**
       * The shared slot `data` lies in (the main thread reuses it once this task's result is back:
       * the worker must not keep views of it); absent when `data` was transferred.
       */
      slot?: number;
      mark?: { line: number; record: number };
    };

/** To a worker: a task, or "hand over your aggregates" (after the tasks sent before it). */
export type WorkerMessage = ScanTask | { kind: 'flush' };

/** From a worker: a task's result, or its aggregates in answer to a flush. */
export type WorkerReply = ScanResult | { kind: 'aggregates'; aggregates: AggregateState[] };

export interface SerializedBad {
  code: ErrorCode;
  message: string;
  location?: Location;
  excerpt?: string;
}

export interface ScanResult {
  id: number;
  shard?: DetectorShard;
  bad: SerializedBad[];
  /** Records read (parsed) and records left unparsed by the prefilter. */
  records: number;
  skipped: number;
  usage?: {
    samples: { sample: UsageSample; location: Location }[];
    /** Records without a sample that an earlier run had counted (the file's mark). */
    alreadyCounted: number;
    last?: Location;
  };
  /** A failure of the worker itself (a bug, not bad input). */
  error?: string;
}

export function serializeBad(b: BadInput): SerializedBad {
  const out: SerializedBad = { code: b.error.code, message: b.error.message };
  if (b.error.location) out.location = b.error.location;
  if (b.excerpt !== undefined) out.excerpt = b.excerpt;
  return out;
}

export function deserializeBad(s: SerializedBad): BadInput {
  const bad: BadInput = { error: new JackstopError(s.code, s.message, { location: s.location }) };
  if (s.excerpt !== undefined) bad.excerpt = s.excerpt;
  return bad;
}
