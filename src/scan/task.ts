/**
 * What a reading thread does with one task (a whole file, or a range of lines of a large NDJSON
 * file): read it, run the detector's rules on it and take usage samples, and return what the main
 * thread merges in input order — the detector's shard, samples, bad input and counts. Worker
 * threads run it on messages; the main thread runs it too, as one of the readers.
 */
import { Detector } from '../detect/index.js';
import type { Location } from '../errors.js';
import { type RawRecord, type ReadOptions, readLogs, readNdjsonRange } from '../sources/index.js';
import { countedBefore, type UsageSample, usageSampleOf } from '../usage/index.js';
import { scanPrefilter } from './ingest.js';
import { type ScanResult, type ScanTask, serializeBad, type WorkerSetup } from './protocol.js';
import { absolute, invocationEvent } from './usage-input.js';

/** Runs tasks with its own shard-mode detector, built from the main detector's spec. */
export function taskRunner(setup: WorkerSetup): (task: ScanTask) => Promise<ScanResult> {
  const detector = setup.detector
    ? new Detector(setup.detector.rules, { ...setup.detector.options, shard: true })
    : undefined;
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
    for await (const batch of batches) {
      result.records += batch.length;
      for (const r of batch) {
        detector?.observe(r.record, r.location, r.kind);
        if (!setup.usage) continue;
        const location = absolute(r.location, setup.cwd);
        last = location;
        const ev = invocationEvent(r, location, (error) => result.bad.push(serializeBad({ error })));
        const sample = ev && usageSampleOf(ev);
        if (sample) samples.push({ sample, location });
        else if (countedBefore(location, task.mark)) alreadyCounted++;
      }
    }
    if (detector) {
      detector.countUnparsed(result.skipped);
      result.shard = detector.takeShard();
    }
    if (setup.usage) result.usage = { samples, alreadyCounted, ...(last ? { last } : {}) };
    return result;
  }

  return (task) =>
    run(task).catch(
      (e: unknown): ScanResult => ({
        id: task.id,
        bad: [],
        records: 0,
        skipped: 0,
        error: e instanceof Error ? (e.stack ?? e.message) : String(e),
      }),
    );
}
