import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { type Detector, recordPrefilter } from '../detect/index.js';
import { type BadInput, type ReadProgress, readLogs } from '../sources/index.js';
import type { UsageIngest, UsageSourceMark } from '../usage/index.js';
import { absolute, invocationEvent, USAGE_LITERALS } from './usage-input.js';

export interface ScanOptions {
  inputs: string[];
  cwd: string;
  io: { stdin?: Readable; s3Client?: S3Client };
  onBadInput(bad: BadInput): void;
  onProgress?(p: ReadProgress): void;
  /** Detection rules to run on every record. */
  detector?: Detector;
  /**
   * Usage to count; `marks` looks up how far earlier runs counted each file (watermarks), so files
   * already counted are not counted again.
   */
  usage?: { ingest: UsageIngest; marks?(files: string[]): Promise<UsageSourceMark[]> };
  /** Parse every record, also those no rule can match (default: a prefilter skips them unparsed). */
  parseAll?: boolean;
}

/** The raw-text prefilter for the consumers of a pass (undefined: parse everything). */
export function scanPrefilter(detector: Detector | undefined, usage: boolean, parseAll: boolean | undefined) {
  if (parseAll) return undefined;
  const extra = usage ? USAGE_LITERALS : [];
  return detector ? detector.prefilter(extra) : recordPrefilter([], extra);
}

/**
 * One reading pass over the inputs, in this thread, that feeds every consumer at once — the
 * detector and the usage counter — so `detect` with usage reads each log once.
 */
export async function scanLogs(opts: ScanOptions): Promise<void> {
  const { detector, usage, cwd } = opts;
  const looked = new Set<string>();
  const prefilter = scanPrefilter(detector, !!usage, opts.parseAll);
  for await (const batch of readLogs(opts.inputs, {
    prefilter,
    onSkipped: (n) => {
      detector?.countUnparsed(n);
      usage?.ingest.countUnparsed(n);
    },
    onBadInput: opts.onBadInput,
    onProgress: opts.onProgress,
    stdin: opts.io.stdin,
    s3Client: opts.io.s3Client,
  })) {
    if (detector) for (const r of batch) detector.observe(r.record, r.location, r.kind);
    if (!usage) continue;
    const located = batch.map((r) => ({ r, location: absolute(r.location, cwd) }));
    if (usage.marks) {
      const fresh = [...new Set(located.map((l) => l.location.file))].filter(
        (f): f is string => !!f && f !== '-' && !looked.has(f),
      );
      for (const f of fresh) looked.add(f);
      if (fresh.length) usage.ingest.addMarks(await usage.marks(fresh));
    }
    for (const { r, location } of located) {
      usage.ingest.observe(
        invocationEvent(r, location, (error) => opts.onBadInput({ error })),
        location,
      );
    }
  }
}
