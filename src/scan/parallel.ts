/**
 * The reading pass across threads. Readers — worker threads and the main thread itself — read,
 * prefilter, parse and match; the main thread also lists the files and cuts large NDJSON files into
 * ranges of whole lines. Findings merge in any order (the main thread's share folds straight in,
 * workers hand theirs over now and then: see `Aggregate` in the detector); what must stay in input
 * order — events correlations see, usage samples, bad input — is merged task by task in input order.
 * So findings, correlations, usage and bad-input reports are exactly those of the one-thread pass
 * (`scanLogs`).
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AggregateState } from '../detect/index.js';
import type { JackstopError } from '../errors.js';
import { findPackageRoot } from '../package-root.js';
import { isPlainNdjson, isS3Uri, listLocalLogFiles, type ReadProgress } from '../sources/index.js';
import { boundHeapGrowth, WORKER_YOUNG_GENERATION_MB } from './heap.js';
import { type ScanOptions, scanLogs } from './ingest.js';
import {
  deserializeBad,
  type ScanResult,
  type ScanTask,
  type WorkerMessage,
  type WorkerReply,
  type WorkerSetup,
} from './protocol.js';
import { taskRunner } from './task.js';

/** Files at least this large are read by several workers at once when they are plain NDJSON. */
const RANGE_MIN_BYTES = 32 * 1024 * 1024;
/** Bytes of whole lines per range task: a range fills its shared slot, this and a quarter more (~5 MiB). */
const RANGE_BYTES = 4 * 1024 * 1024;
/** Inputs smaller than this are read in this thread by default: starting workers costs more. */
const AUTO_MIN_BYTES = 64 * 1024 * 1024;
/** Tasks queued per worker beyond the one it runs, so that it never waits for the main thread. */
const QUEUE_PER_WORKER = 2;

export interface ParallelScanOptions extends ScanOptions {
  /**
   * Reading threads, this one included (2 = this thread and one worker thread). Undefined, 0 or 1:
   * this thread only. `auto`: one per core (at most 8) when every input is a local file or folder
   * and there are at least 64 MiB of them, else this thread. Not the default yet: each worker thread
   * is a V8 heap of its own (bench/RESULTS.md gives the memory).
   */
  workers?: number | 'auto';
  /** Tuning (tests): plain NDJSON files from this size on are split into ranges of about `rangeBytes`. */
  rangeMinBytes?: number;
  rangeBytes?: number;
  /** Tuning (tests): a worker hands its aggregates over once it holds this many (default `WORKER_AGGREGATE_LIMIT`). */
  aggregateLimit?: number;
}

function workerPath(): string {
  const here = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(here)) return here;
  // Running from TypeScript sources (tests): the compiled worker.
  return join(findPackageRoot(fileURLToPath(import.meta.url)) ?? '.', 'dist', 'src', 'scan', 'worker.js');
}

function isLocal(input: string): boolean {
  return input !== '-' && !isS3Uri(input);
}

/** Reads the inputs once, feeding the detector and the usage counter, in worker threads when that pays. */
export async function scan(opts: ParallelScanOptions): Promise<{ workers: number }> {
  boundHeapGrowth();
  const local = opts.inputs.every(isLocal);
  if (!local || opts.workers === undefined || opts.workers === 0 || opts.workers === 1) {
    await scanLogs(opts);
    return { workers: 0 };
  }
  const bad: JackstopError[] = [];
  const files = await listLocalLogFiles(opts.inputs, (e) => bad.push(e));
  const bytesTotal = files.every((f) => f.size !== undefined)
    ? files.reduce((s, f) => s + (f.size ?? 0), 0)
    : undefined;
  const workers =
    opts.workers !== 'auto'
      ? opts.workers
      : bytesTotal !== undefined && bytesTotal >= AUTO_MIN_BYTES
        ? Math.min(availableParallelism(), 8)
        : 1;
  if (workers <= 1 || files.length === 0) {
    await scanLogs(opts);
    return { workers: 0 };
  }
  for (const e of bad) opts.onBadInput({ error: e });
  await runWorkers(opts, files, workers, bytesTotal);
  return { workers };
}

/**
 * Memory that range bytes are read into and shared with the workers: a fixed set of slots reused
 * for the whole scan. Buffers allocated per range (and freed by a worker's garbage collector) left
 * the process's malloc heap hundreds of MB larger than the data in flight.
 */
class RangeSlots {
  readonly #free: number[] = [];
  readonly #slots: Buffer[] = [];
  constructor(
    readonly count: number,
    readonly size: number,
  ) {}
  /** A free slot, or undefined when every one is in flight. Allocated on first use (gzip files need none). */
  take(): { index: number; buf: Buffer } | undefined {
    if (this.#free.length === 0 && this.#slots.length < this.count) {
      this.#slots.push(Buffer.from(new SharedArrayBuffer(this.size)));
      this.#free.push(this.#slots.length - 1);
    }
    const index = this.#free.pop();
    return index === undefined ? undefined : { index, buf: this.#slots[index]! };
  }
  release(index: number): void {
    this.#free.push(index);
  }
}

/** Tasks in input order: a task per file, or per range of lines of a large plain NDJSON file. */
function* tasksOf(
  files: readonly { name: string; size: number | undefined }[],
  markOf: (file: string) => { line: number; record: number } | undefined,
  rangeMinBytes: number,
  rangeBytes: number,
  slots: RangeSlots,
): Generator<{ task: ScanTask; bytes: number; lastOfFile: boolean }> {
  let id = 0;
  for (const f of files) {
    const mark = markOf(f.name);
    const fileTask = () => ({
      task: { id: id++, kind: 'file', file: f.name, ...(mark ? { mark } : {}) } as ScanTask,
      bytes: f.size ?? 0,
      lastOfFile: true,
    });
    if ((f.size ?? 0) < rangeMinBytes) {
      yield fileTask();
      continue;
    }
    let fd: number;
    try {
      fd = openSync(f.name, 'r');
    } catch {
      yield fileTask(); // the worker reports why it cannot be read
      continue;
    }
    try {
      const head = Buffer.allocUnsafe(1 << 20);
      const n = readSync(fd, head, 0, head.length, 0);
      if (!isPlainNdjson(head.subarray(0, n), n < head.length)) {
        yield fileTask();
        continue;
      }
      let carry = Buffer.alloc(0);
      let position = 0;
      let lines = 0;
      for (;;) {
        // A shared slot when one is free and the carried line fits with room to spare; else (a line
        // longer than a range, more tasks in flight than slots) a buffer of its own, transferred.
        const slot = carry.length < slots.size / 2 ? slots.take() : undefined;
        let size = slot ? slots.size : carry.length + rangeBytes;
        let buf = slot ? slot.buf : Buffer.allocUnsafeSlow(size);
        let slotIndex = slot?.index;
        carry.copy(buf);
        let filled = carry.length;
        let eof = false;
        let cut = -1;
        // Whole lines only: read on until a line break (a line may be longer than a range).
        for (;;) {
          const wanted = size - filled;
          const got = readSync(fd, buf, filled, wanted, position);
          position += got;
          filled += got;
          // A short read is the end of a file: the rest is the last range, line break or not.
          eof = got < wanted;
          cut = buf.lastIndexOf(0x0a, filled - 1);
          if (cut >= 0 || eof) break;
          if (filled === size) {
            const bigger = Buffer.allocUnsafeSlow(size * 2);
            buf.copy(bigger, 0, 0, filled);
            if (slotIndex !== undefined) slots.release(slotIndex);
            slotIndex = undefined;
            buf = bigger;
            size *= 2;
          }
        }
        const end = eof ? filled : cut + 1;
        carry = Buffer.from(buf.subarray(end, filled));
        // At the end even an empty range is sent: its merge marks the file done.
        if (end > 0 || eof) {
          const data = new Uint8Array(buf.buffer, buf.byteOffset, end);
          const task: ScanTask = {
            id: id++,
            kind: 'range',
            file: f.name,
            data,
            firstLine: lines,
            ...(slotIndex !== undefined ? { slot: slotIndex } : {}),
            ...(mark ? { mark } : {}),
          };
          // Buffer's indexOf (memchr) is several times faster than Uint8Array's over these bytes.
          const text = buf.subarray(0, end);
          for (let i = text.indexOf(0x0a); i !== -1; i = text.indexOf(0x0a, i + 1)) lines++;
          yield { task, bytes: end, lastOfFile: eof };
        } else if (slotIndex !== undefined) slots.release(slotIndex);
        if (eof) break;
      }
    } finally {
      closeSync(fd);
    }
  }
}

async function runWorkers(
  opts: ParallelScanOptions,
  files: readonly { name: string; size: number | undefined }[],
  count: number,
  bytesTotal: number | undefined,
): Promise<void> {
  const { detector, usage, cwd } = opts;
  const abs = (f: string) => resolve(cwd, f);
  if (usage?.marks && files.length) usage.ingest.addMarks(await usage.marks(files.map((f) => abs(f.name))));
  const setup: WorkerSetup = {
    ...(detector ? { detector: detector.spec } : {}),
    usage: !!usage,
    parseAll: !!opts.parseAll,
    cwd,
    ...(opts.aggregateLimit !== undefined ? { aggregateLimit: opts.aggregateLimit } : {}),
  };
  const progress: ReadProgress = { filesTotal: files.length, filesDone: 0, bytesDone: 0, records: 0, skipped: 0 };
  if (bytesTotal !== undefined) progress.bytesTotal = bytesTotal;
  opts.onProgress?.({ ...progress });

  // The main thread reads too (it merges between its own tasks): `count` readers are `count - 1`
  // worker threads and this one, so two cores cost two V8 heaps, not three.
  const pool = Array.from(
    { length: count - 1 },
    () =>
      new Worker(workerPath(), {
        workerData: setup,
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
      }),
  );
  // This thread's share folds straight into the main detector.
  const local = taskRunner(setup, detector);
  /** A reader: a worker thread (up to QUEUE_PER_WORKER tasks queued beyond the one it runs) or this thread (one). */
  interface Lane {
    worker?: Worker;
    busy: number;
    capacity: number;
  }
  const lanes: Lane[] = [
    ...pool.map((worker) => ({ worker, busy: 0, capacity: QUEUE_PER_WORKER + 1 })),
    { busy: 0, capacity: 1 },
  ];
  /** Per task in flight: its bytes for progress, whether it ends a file, and the shared slot it was read into. */
  const meta = new Map<number, { bytes: number; lastOfFile: boolean; slot: number | undefined }>();
  const done = new Map<number, ScanResult>();
  const rangeBytes = opts.rangeBytes ?? RANGE_BYTES;
  // One slot per task that can be in flight (each worker's queue, and one for this thread), each
  // with room for a range and a quarter more for the line it carries over.
  const slots = new RangeSlots((count - 1) * (QUEUE_PER_WORKER + 1) + 1, rangeBytes + (rangeBytes >> 2));
  const tasks = tasksOf(
    files,
    (f) => usage?.ingest.markOf(abs(f)),
    opts.rangeMinBytes ?? RANGE_MIN_BYTES,
    rangeBytes,
    slots,
  );
  let nextToMerge = 0;
  let posted = 0;
  let exhausted = false;
  let failure: Error | undefined;
  let closing = false;

  try {
    await new Promise<void>((resolveAll, reject) => {
      const fail = (e: Error) => {
        failure ??= e;
        reject(e);
      };
      const feed = (lane: Lane) => {
        while (!exhausted && !failure && lane.busy < lane.capacity && done.size < count * 4 * QUEUE_PER_WORKER) {
          const next = tasks.next();
          if (next.done) {
            exhausted = true;
            break;
          }
          const { task, bytes, lastOfFile } = next.value;
          meta.set(task.id, { bytes, lastOfFile, slot: task.kind === 'range' ? task.slot : undefined });
          posted++;
          lane.busy++;
          if (!lane.worker) {
            // This thread's turn comes after the messages already waiting.
            setImmediate(() => local.run(task).then((r) => onResult(lane, r)));
          } else if (task.kind === 'range' && task.slot === undefined) {
            lane.worker.postMessage(task, [task.data.buffer as ArrayBuffer]);
          } else lane.worker.postMessage(task);
        }
      };
      // Every task posted has been merged (so none is still running).
      const finished = () => exhausted && nextToMerge === posted;
      const merge = () => {
        for (let r = done.get(nextToMerge); r; r = done.get(nextToMerge)) {
          done.delete(nextToMerge);
          absorb(r);
          nextToMerge++;
        }
      };
      const absorb = (r: ScanResult) => {
        if (r.error) throw new Error(`scan worker failed: ${r.error}`);
        if (r.shard) detector?.absorb(r.shard);
        for (const b of r.bad) opts.onBadInput(deserializeBad(b));
        if (usage && r.usage) {
          for (const s of r.usage.samples) usage.ingest.observeSample(s.sample, s.location);
          usage.ingest.absorbRecords(
            r.records - r.usage.samples.length + r.skipped,
            r.usage.alreadyCounted,
            r.usage.last,
          );
        }
        const m = meta.get(r.id)!;
        meta.delete(r.id);
        progress.bytesDone += m.bytes;
        progress.records += r.records;
        progress.skipped = (progress.skipped ?? 0) + r.skipped;
        if (m.lastOfFile) progress.filesDone++;
        opts.onProgress?.({ ...progress });
      };
      const onResult = (lane: Lane, r: ScanResult) => {
        lane.busy--;
        // The reader is done with the bytes: the slot can take the next range.
        const m = meta.get(r.id);
        if (m?.slot !== undefined) {
          slots.release(m.slot);
          m.slot = undefined;
        }
        done.set(r.id, r);
        try {
          merge();
          for (const l of lanes) feed(l);
        } catch (e) {
          fail(e as Error);
          return;
        }
        if (finished()) flush();
      };
      // Aggregates merge in any order: taken as they come.
      let flushing = 0;
      const onAggregates = (aggregates: AggregateState[]) => {
        try {
          detector?.absorbAggregates(aggregates);
        } catch (e) {
          fail(e as Error);
          return;
        }
        if (--flushing === 0) resolveAll();
      };
      // Every task merged: each worker hands over the aggregates it still holds.
      const flush = () => {
        flushing = pool.length;
        if (flushing === 0) resolveAll();
        for (const w of pool) w.postMessage({ kind: 'flush' } satisfies WorkerMessage);
      };
      for (const [i, w] of pool.entries()) {
        w.on('message', (r: WorkerReply) => {
          if ('kind' in r) onAggregates(r.aggregates);
          else onResult(lanes[i]!, r);
        });
        w.on('error', (e) => fail(e));
        w.on('exit', (code) => {
          if (code !== 0 && !closing) fail(new Error(`scan worker exited with code ${code}`));
        });
      }
      try {
        for (const l of lanes) feed(l);
      } catch (e) {
        fail(e as Error);
        return;
      }
      if (finished()) flush();
    });
  } finally {
    closing = true;
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
