/**
 * What a reading thread does with one task (a whole file, or a range of lines of a large NDJSON
 * file): read it, run the detector's rules on it and take usage samples, and return what the main
 * thread merges in input order — the events correlations must see, samples, bad input and counts.
 * Worker threads run it on messages, folding matches into aggregates of their own that they hand
 * over now and then (aggregates merge in any order); the main thread runs it too, as one of the
 * readers, folding matches straight into the main detector.
 */
import { type AggregateState, Detector } from '../detect/index.js';
import type { Location } from '../errors.js';
import { type RawRecord, type ReadOptions, readLogs, readNdjsonRange } from '../sources/index.js';
import { countedBefore, type UsageSample, usageSampleOf } from '../usage/index.js';
import { scanPrefilter } from './ingest.js';
import { type ScanResult, type ScanTask, serializeBad, type WorkerSetup } from './protocol.js';
import { absolute, invocationEvent } from './usage-input.js';

/** A worker hands its aggregates over once it holds this many (and when the scan ends). */
export const WORKER_AGGREGATE_LIMIT = 20_000;

/** Record positions per task: task id × this + the record's index in the task (see `Detector.observe`). */
const TASK_POSITIONS = 2 ** 32;

export interface TaskRunner {
  run(task: ScanTask): Promise<ScanResult>;
  /** A worker's aggregates so far, handed over (empty for the main thread's runner). */
  takeAggregates(): AggregateState[];
}

/**
 * Runs tasks: with `main`, the main thread's own detector (matches fold into it directly; its
 * correlations wait for the merge); without, a shard-mode detector built from the setup's spec.
 */
export function taskRunner(setup: WorkerSetup, main?: Detector): TaskRunner {
  const detector =
    main ??
    (setup.detector ? new Detector(setup.detector.rules, { ...setup.detector.options, shard: true }) : undefined);
  const prefilter = scanPrefilter(detector, setup.usage, setup.parseAll);

  async function run(task: ScanTask): Promise<ScanResult> {
    const result: ScanResult = { id: task.id, bad: [], records: 0, skipped: 0 };
    const samples: { sample: UsageSample; location: Location }[] = [];
    let alreadyCounted = 0;
    let last: Location | undefined;
    const opts: ReadOptions = {
      prefilter,
      onBadInput: (b) => result.bad.push(serializeBad(b)),
      onSkipped: (n) => {
        result.skipped += n;
      },
    };
    const batches: AsyncIterable<RawRecord[]> =
      task.kind === 'range'
        ? readNdjsonRange(
            task.file,
            Buffer.from(task.data.buffer, task.data.byteOffset, task.data.byteLength),
            task.firstLine,
            opts,
          )
        : readLogs([task.file], opts);
    let pos = task.id * TASK_POSITIONS;
    main?.deferCorrelations(true);
    for await (const batch of batches) {
      result.records += batch.length;
      for (const r of batch) {
        detector?.observe(r.record, r.location, r.kind, pos++);
        if (!setup.usage) continue;
        const location = absolute(r.location, setup.cwd);
        last = location;
        const ev = invocationEvent(r, location, (error) => result.bad.push(serializeBad({ error })));
        const sample = ev && usageSampleOf(ev);
        if (sample) samples.push({ sample, location });
        else if (countedBefore(location, task.mark)) alreadyCounted++;
      }
    }
    if (main) {
      main.countUnparsed(result.skipped);
      result.shard = {
        aggregates: [],
        correlation: main.takeCorrelations(),
        events: 0,
        outOfRange: 0,
        matchedEvents: 0,
      };
    } else if (detector) {
      detector.countUnparsed(result.skipped);
      result.shard = detector.takeShard(detector.aggregateCount >= (setup.aggregateLimit ?? WORKER_AGGREGATE_LIMIT));
    }
    if (setup.usage) result.usage = { samples, alreadyCounted, ...(last ? { last } : {}) };
    return result;
  }

  return {
    run: (task) =>
      run(task)
        .catch(
          (e: unknown): ScanResult => ({
            id: task.id,
            bad: [],
            records: 0,
            skipped: 0,
            error: e instanceof Error ? (e.stack ?? e.message) : String(e),
          }),
        )
        .finally(() => main?.deferCorrelations(false)),
    takeAggregates: () => (detector && !main ? detector.takeAggregates() : []),
  };
}
