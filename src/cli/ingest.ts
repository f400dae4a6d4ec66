import type { Readable, Writable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Detector } from '../detect/index.js';
import { scan } from '../scan/index.js';
import type { BadInput } from '../sources/index.js';
import type { Store } from '../store/index.js';
import type { UsageHour, UsageIngest } from '../usage/index.js';
import { createProgressReporter } from './progress.js';

export interface IngestPassOptions {
  inputs: string[];
  cwd: string;
  io: { stderr: Writable; stdin?: Readable; s3Client?: S3Client };
  onBadInput(bad: BadInput): void;
  /** Detection rules to run on every record. */
  detector?: Detector;
  /** Usage to count; with a store, files already counted by earlier runs are skipped (watermarks). */
  usage?: { ingest: UsageIngest; store?: Store };
  progress?: boolean;
  /** Parse every record, also those no rule can match (default: a prefilter skips them unparsed). */
  parseAll?: boolean;
  /** Worker threads (see `scan`); undefined: this thread only. */
  workers?: number | 'auto';
}

/** At most this many bad-input lines on stderr; the rest are only counted (and quarantined by detect). */
export const MAX_PRINTED_ERRORS = 20;
/** Bad inputs that mean "the user's input is wrong", not "a record is bad": exit 2. */
export const FATAL_INPUT_CODES: ReadonlySet<string> = new Set(['JACKSTOP_INPUT_NOT_FOUND', 'JACKSTOP_S3_ERROR']);

/**
 * One reading pass over the inputs that feeds every consumer at once — the detector and the usage
 * counter — with a progress bar on a terminal. Returns how many threads read (0: the main thread alone).
 */
export async function ingestPass(opts: IngestPassOptions): Promise<{ workers: number }> {
  const progress = createProgressReporter({ stream: opts.io.stderr, enabled: opts.progress });
  const store = opts.usage?.store;
  try {
    return await scan({
      inputs: opts.inputs,
      cwd: opts.cwd,
      io: { stdin: opts.io.stdin, s3Client: opts.io.s3Client },
      onBadInput: opts.onBadInput,
      onProgress: (p) => progress.update(p),
      detector: opts.detector,
      usage: opts.usage && {
        ingest: opts.usage.ingest,
        ...(store ? { marks: (files: string[]) => store.usageMarks(files) } : {}),
      },
      parseAll: opts.parseAll,
      workers: opts.workers,
    });
  } finally {
    progress.stop();
  }
}

const HISTORY_MS = 35 * 24 * 3_600_000;

/** Stored usage from up to five weeks before the earliest hour read: the baseline anomalies compare with. */
export async function usageBefore(store: Store, current: readonly UsageHour[]): Promise<UsageHour[]> {
  const first = current.reduce((min, h) => Math.min(min, Date.parse(h.hour)), Number.POSITIVE_INFINITY);
  return store.listUsage({ since: new Date(first - HISTORY_MS).toISOString(), until: new Date(first).toISOString() });
}
