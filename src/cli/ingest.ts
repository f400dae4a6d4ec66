import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Detector } from '../detect/index.js';
import type { Event, EventSource } from '../domain/index.js';
import { JackstopError, type Location } from '../errors.js';
import { normalizeEvent } from '../events/index.js';
import { type BadInput, readLogs } from '../sources/index.js';
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
}

/** At most this many bad-input lines on stderr; the rest are only counted (and quarantined by detect). */
export const MAX_PRINTED_ERRORS = 20;
/** Bad inputs that mean "the user's input is wrong", not "a record is bad": exit 2. */
export const FATAL_INPUT_CODES: ReadonlySet<string> = new Set(['JACKSTOP_INPUT_NOT_FOUND', 'JACKSTOP_S3_ERROR']);

const RUNTIME_CALL = /^(Invoke|Converse)/;

/**
 * Whether a record can be a model invocation at all. Normalizing every CloudTrail record to look
 * for usage would double the cost of a pass; Bedrock runtime calls are recognisable from two raw
 * fields. Other log kinds (invocation logs, Azure resource logs, Vertex audit) are all offered.
 */
function mayBeInvocation(record: Record<string, unknown>, kind: EventSource | undefined): boolean {
  if (kind !== undefined && kind !== 'aws.cloudtrail') return true;
  return (
    record.eventSource === 'bedrock.amazonaws.com' &&
    typeof record.eventName === 'string' &&
    RUNTIME_CALL.test(record.eventName)
  );
}

/**
 * One reading pass over the inputs that feeds every consumer at once — the detector and the usage
 * counter — so `detect` with usage reads each log once.
 */
export async function ingestPass(opts: IngestPassOptions): Promise<void> {
  const { detector, usage, cwd } = opts;
  const looked = new Set<string>();
  const progress = createProgressReporter({ stream: opts.io.stderr, enabled: opts.progress });
  try {
    for await (const batch of readLogs(opts.inputs, {
      onBadInput: opts.onBadInput,
      onProgress: (p) => progress.update(p),
      stdin: opts.io.stdin,
      s3Client: opts.io.s3Client,
    })) {
      if (detector) for (const r of batch) detector.observe(r.record, r.location, r.kind);
      if (!usage) continue;
      // The store knows files by absolute path or S3 URI: watermarks are looked up per new file.
      const located = batch.map((r) => ({ r, location: absolute(r.location, cwd) }));
      if (usage.store) {
        const fresh = [...new Set(located.map((l) => l.location.file))].filter(
          (f): f is string => !!f && f !== '-' && !looked.has(f),
        );
        for (const f of fresh) looked.add(f);
        if (fresh.length) usage.ingest.addMarks(await usage.store.usageMarks(fresh));
      }
      for (const { r, location } of located) {
        let ev: Event | undefined;
        if (mayBeInvocation(r.record, r.kind)) {
          try {
            ev = normalizeEvent(r.kind ?? 'aws.cloudtrail', r.record);
          } catch (e) {
            opts.onBadInput({
              error:
                e instanceof JackstopError
                  ? e
                  : new JackstopError(
                      'JACKSTOP_INPUT_WRONG_SHAPE',
                      `cannot read this record: ${(e as Error).message}`,
                      {
                        location,
                      },
                    ),
            });
          }
        }
        usage.ingest.observe(ev, location);
      }
    }
  } finally {
    progress.stop();
  }
}

function absolute(location: Location, cwd: string): Location {
  const file = location.file;
  return file && file !== '-' && !file.startsWith('s3://') ? { ...location, file: resolve(cwd, file) } : location;
}

const HISTORY_MS = 35 * 24 * 3_600_000;

/** Stored usage from up to five weeks before the earliest hour read: the baseline anomalies compare with. */
export async function usageBefore(store: Store, current: readonly UsageHour[]): Promise<UsageHour[]> {
  const first = current.reduce((min, h) => Math.min(min, Date.parse(h.hour)), Number.POSITIVE_INFINITY);
  return store.listUsage({ since: new Date(first - HISTORY_MS).toISOString(), until: new Date(first).toISOString() });
}
