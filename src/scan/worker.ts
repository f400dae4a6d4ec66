/**
 * A scan worker thread: reads the tasks it is given (whole files, or line ranges of a large NDJSON
 * file), runs the detector's rules on them and takes usage samples, and sends back what the main
 * thread merges in input order: the detector's shard, samples, bad input and counts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Detector } from '../detect/index.js';
import type { Location } from '../errors.js';
import { type RawRecord, type ReadOptions, readLogs, readNdjsonRange } from '../sources/index.js';
import { countedBefore, type UsageSample, usageSampleOf } from '../usage/index.js';
import { scanPrefilter } from './ingest.js';
import { type ScanResult, type ScanTask, serializeBad, type WorkerSetup } from './protocol.js';
import { absolute, invocationEvent } from './usage-input.js';

const setup = workerData as WorkerSetup;
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

parentPort!.on('message', (task: ScanTask) => {
  run(task).then(
    (r) => parentPort!.postMessage(r),
    (e: unknown) =>
      parentPort!.postMessage({
        id: task.id,
        bad: [],
        records: 0,
        skipped: 0,
        error: e instanceof Error ? (e.stack ?? e.message) : String(e),
      } satisfies ScanResult),
  );
});
