/**
 * `readCloudTrail`: expands inputs into sources (files, directories, stdin, S3), sorts them by
 * name, and reads each one: compression by magic bytes, format by content, records in batches.
 * Memory stays bounded: NDJSON and CSV stream; JSON documents are parsed whole only up to a size
 * limit and split element by element above it.
 */

import type { Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { S3Client } from '@aws-sdk/client-s3';
import type { EventSource } from '../../domain/index.js';
import { JackstopError, type Location } from '../../errors.js';
import { clipExcerpt } from '../excerpt.js';
import type { BadInput, RawRecord, ReadOptions, ReadProgress, RecordFilter } from '../types.js';
import {
  type FormatContext,
  readCsv,
  readNdjson,
  readNdjsonBytes,
  readRecordsBytes,
  readStreamedDocument,
  readWholeDocument,
  type Sniffed,
  sniff,
  type TextInput,
} from './formats.js';
import { localSources, stdinSource } from './local.js';
import { isS3Uri } from './s3-uri.js';
import type { Sink } from './sink.js';
import type { Source } from './source.js';

const MiB = 1024 * 1024;

export interface ReadLimits {
  /** Records per yielded batch. */
  batchSize: number;
  /** JSON documents up to this many characters are parsed whole; larger ones are split while streaming. */
  wholeDocumentChars: number;
  /** One record (line, element, row) larger than this is reported as too large. */
  maxRecordChars: number;
  /** Text read before the format must be decided. */
  sniffChars: number;
  /** S3 objects fetched at once (the one being read included). */
  s3Concurrency: number;
  /** Bytes of each S3 object buffered ahead of the reader. */
  s3PrefetchBytes: number;
  progressIntervalMs: number;
}

export const DEFAULT_LIMITS: ReadLimits = {
  // Small batches: a parsed record dies young (a scavenge) instead of surviving into the old generation.
  batchSize: 32,
  wholeDocumentChars: 64 * MiB,
  maxRecordChars: 64 * MiB,
  sniffChars: 1 * MiB,
  s3Concurrency: 8,
  s3PrefetchBytes: 8 * MiB,
  progressIntervalMs: 100,
};

/** Other containers and encodings we recognise by their first bytes, to say what to do instead. */
const FOREIGN_MAGIC: { bytes: number[]; what: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive: unzip it and read the extracted files' },
  { bytes: [0x42, 0x5a, 0x68], what: 'bzip2-compressed data: decompress it first (bunzip2), or recompress with gzip' },
  {
    bytes: [0x28, 0xb5, 0x2f, 0xfd],
    what: 'zstd-compressed data: decompress it first (zstd -d), or recompress with gzip',
  },
  {
    bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
    what: 'xz-compressed data: decompress it first (xz -d), or recompress with gzip',
  },
  { bytes: [0x50, 0x41, 0x52, 0x31], what: 'a Parquet file: export the events as JSON or CSV' },
  { bytes: [0x4f, 0x52, 0x43], what: 'an ORC file: export the events as JSON or CSV' },
  { bytes: [0xff, 0xfe], what: 'UTF-16 text: convert it to UTF-8 (PowerShell: Out-File -Encoding utf8)' },
  { bytes: [0xfe, 0xff], what: 'UTF-16 text: convert it to UTF-8' },
];
const GZIP_MAGIC = [0x1f, 0x8b];
const MAGIC_BYTES = 6;

function startsWith(buf: Buffer, bytes: number[]): boolean {
  return buf.length >= bytes.length && bytes.every((b, i) => buf[i] === b);
}

/** Wraps a failure of the bytes underneath (disk, network), to tell it from a gzip error. */
class SourceFailure extends Error {
  constructor(readonly reason: unknown) {
    super(reason instanceof Error ? reason.message : String(reason));
  }
}

class Progress {
  readonly state: ReadProgress = { filesDone: 0, bytesDone: 0, records: 0, digestFiles: 0 };
  #last = 0;
  constructor(
    private readonly onProgress: ((p: ReadProgress) => void) | undefined,
    private readonly intervalMs: number,
  ) {}

  tick(): void {
    if (!this.onProgress) return;
    const now = Date.now();
    if (now - this.#last >= this.intervalMs) this.flush(now);
  }

  flush(now = Date.now()): void {
    this.#last = now;
    this.onProgress?.({ ...this.state });
  }
}

class BatchSink implements Sink {
  batch: RawRecord[] = [];
  /** Records taken from the file being read. */
  fileRecords = 0;
  /** Records skipped by the prefilter since the last `takeSkipped`. */
  skipped = 0;
  constructor(
    private readonly onBadInput: (bad: BadInput) => void,
    private readonly batchSize: number,
    private readonly progress: Progress,
  ) {}

  record(record: Record<string, unknown>, location: Location, kind?: EventSource): boolean {
    // CloudTrail stays without a kind: absent means CloudTrail for every consumer.
    this.batch.push(
      kind === undefined || kind === 'aws.cloudtrail' ? { record, location } : { record, location, kind },
    );
    this.fileRecords++;
    this.progress.state.records++;
    return this.batch.length >= this.batchSize;
  }

  bad(error: JackstopError, excerpt?: string): void {
    const bad: BadInput = { error };
    if (excerpt !== undefined && excerpt !== '') bad.excerpt = clipExcerpt(excerpt);
    this.onBadInput(bad);
  }

  skip(): void {
    this.skipped++;
    this.progress.state.skipped = (this.progress.state.skipped ?? 0) + 1;
  }

  /** Hands the count of skipped records over (once per file). */
  takeSkipped(): number {
    const n = this.skipped;
    this.skipped = 0;
    return n;
  }

  digest(): void {
    this.progress.state.digestFiles = (this.progress.state.digestFiles ?? 0) + 1;
  }

  take(): RawRecord[] {
    const b = this.batch;
    this.batch = [];
    return b;
  }
}

interface ReadState {
  failure?: unknown;
}

async function* countBytes(
  stream: AsyncIterable<Buffer | string>,
  progress: Progress,
  signal: AbortSignal | undefined,
): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) {
      signal?.throwIfAborted();
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      progress.state.bytesDone += buf.length;
      progress.tick();
      yield buf;
    }
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new SourceFailure(e);
  }
}

async function* replay(first: Buffer[], rest: AsyncIterator<Buffer>, ended: boolean): AsyncGenerator<Buffer> {
  yield* first;
  if (ended) return;
  for (;;) {
    const r = await rest.next();
    if (r.done) return;
    yield r.value;
  }
}

async function* oneChunk(b: Buffer): AsyncGenerator<Buffer> {
  yield b;
}

function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

/**
 * Gunzips `bytes`. When the bytes underneath fail (a dropped connection), that cause is recorded
 * and gunzip is ended rather than destroyed, so the records already decompressed are still read.
 */
function gunzip(bytes: AsyncIterable<Buffer>, state: ReadState): AsyncIterable<Buffer> {
  // Large output chunks: each is a round trip to the thread pool, and a Records document is read whole anyway.
  const z = createGunzip({ chunkSize: 1024 * 1024 });
  const pump = async () => {
    try {
      for await (const chunk of bytes) {
        if (z.destroyed) return; // the reader stopped; leaving the loop closes the source
        if (!z.write(chunk)) await drained(z);
      }
      if (!z.destroyed) z.end();
    } catch (e) {
      if (z.destroyed) return;
      if (e instanceof SourceFailure) {
        state.failure ??= e;
        z.end();
      } else {
        z.destroy(e instanceof Error ? e : new Error(String(e)));
      }
    }
  };
  void pump();
  return z;
}

async function* decodeText(
  bytes: AsyncIterable<Buffer>,
  state: ReadState,
  signal: AbortSignal | undefined,
): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let first = true;
  try {
    for await (const buf of bytes) {
      let s = decoder.write(buf);
      if (first && s.length > 0) {
        first = false;
        if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      }
      if (s.length > 0) yield s;
    }
    const tail = decoder.end();
    if (tail.length > 0) yield tail;
  } catch (e) {
    if (signal?.aborted) throw e;
    // A failure recorded first (the source's, under gunzip) is the real cause.
    state.failure ??= e;
  }
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** The error for bytes that stopped early: a cut or corrupt gzip stream, or a failed read. */
function failureError(failure: unknown, source: Source, records: number): JackstopError {
  const kept = `; ${plural(records, 'record')} before it ${records === 1 ? 'was' : 'were'} read`;
  if (failure instanceof SourceFailure) {
    const base = source.readError(failure.reason);
    return new JackstopError(base.code, `${base.message}${kept}`, { location: base.location, cause: failure.reason });
  }
  const code = (failure as { code?: unknown } | undefined)?.code;
  const message = failure instanceof Error ? failure.message : String(failure);
  const location = { file: source.name };
  if (code === 'Z_BUF_ERROR') {
    return new JackstopError(
      'JACKSTOP_INPUT_TRUNCATED',
      `the gzip data ends early: the file is cut (an interrupted download or copy?)${kept}`,
      { location, cause: failure },
    );
  }
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return new JackstopError('JACKSTOP_INPUT_TRUNCATED', `the gzip data is damaged (${message})${kept}`, {
      location,
      cause: failure,
    });
  }
  return new JackstopError('JACKSTOP_INPUT_UNREADABLE', `cannot read ${source.name}: ${message}${kept}`, {
    location,
    cause: failure,
  });
}

interface Run {
  sink: BatchSink;
  progress: Progress;
  limits: ReadLimits;
  signal: AbortSignal | undefined;
  prefilter: RecordFilter | undefined;
}

/** The text stage of reading one source: format by content, then the reader for that format. */
async function* readDecoded(
  bytes: AsyncIterable<Buffer>,
  name: string,
  state: ReadState,
  run: Run,
  onText: (text: AsyncIterator<string>) => void,
): AsyncGenerator<void> {
  const { sink, limits, signal } = run;
  const text = decodeText(bytes, state, signal)[Symbol.asyncIterator]();
  onText(text);

  // Enough text to decide the format.
  const head: string[] = [];
  let headChars = 0;
  let textEnded = false;
  let sniffed: Sniffed = { kind: 'more' };
  let sniffedWhole = false;
  while (sniffed.kind === 'more') {
    const r = await text.next();
    if (r.done) textEnded = true;
    else {
      head.push(r.value);
      headChars += r.value.length;
    }
    const final = textEnded || headChars >= limits.sniffChars;
    // The decision can only change with a new line break (or at the end): no need to look before.
    if (final || r.value?.includes('\n')) sniffed = sniff(head.join(''), final);
    sniffedWhole = textEnded;
  }
  const ctx: FormatContext = {
    file: name,
    sink,
    maxRecordChars: limits.maxRecordChars,
  };
  const rest = text;
  const input = (): TextInput => ({
    chunks: (async function* () {
      yield* head.splice(0);
      if (textEnded) return;
      for (;;) {
        const r = await rest.next();
        if (r.done) return;
        yield r.value;
      }
    })(),
    failed: () => state.failure !== undefined,
  });

  switch (sniffed.kind) {
    case 'empty':
      break;
    case 'unsupported':
      if (state.failure === undefined) {
        sink.bad(
          new JackstopError('JACKSTOP_INPUT_UNSUPPORTED', sniffed.message, { location: { file: name } }),
          sniffed.excerpt,
        );
      }
      break;
    case 'ndjson':
      yield* readNdjson(input(), ctx);
      break;
    case 'csv':
      yield* readCsv(input(), ctx);
      break;
    case 'document': {
      // Small enough to parse whole? Read on up to the limit to know.
      while (!textEnded && headChars <= limits.wholeDocumentChars) {
        const r = await text.next();
        if (r.done) textEnded = true;
        else {
          head.push(r.value);
          headChars += r.value.length;
        }
      }
      if (textEnded && state.failure === undefined) {
        const whole = head.splice(0).join('');
        // The sniffer may have parsed the only line already; reuse it when it saw the whole text.
        for (const _ of readWholeDocument(whole, ctx, sniffedWhole ? sniffed.parsed : undefined)) yield;
      } else {
        yield* readStreamedDocument(input(), ctx);
      }
      break;
    }
  }
}

/**
 * Reading with a prefilter: NDJSON and `{"Records":[…]}` documents are read as bytes, so records
 * no consumer wants are never decoded nor parsed; every other format goes through the text path.
 */
async function* readPrefiltered(
  bytes: AsyncIterator<Buffer>,
  name: string,
  state: ReadState,
  run: Run,
  prefilter: RecordFilter,
): AsyncGenerator<void> {
  const { limits, sink, signal } = run;
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  const next = async (): Promise<Buffer | undefined> => {
    if (ended) return undefined;
    try {
      const r = await bytes.next();
      if (!r.done) return r.value;
    } catch (e) {
      if (signal?.aborted) throw e;
      state.failure ??= e;
    }
    ended = true;
    return undefined;
  };
  const decoder = new StringDecoder('utf8');
  let headText = '';
  let sniffed: Sniffed = { kind: 'more' };
  while (sniffed.kind === 'more') {
    const b = await next();
    // Decoded only as far as sniffing reads: a chunk may be a whole inflated file.
    let decoded = 0;
    if (b) {
      head.push(b);
      headBytes += b.length;
      while (decoded < b.length && headText.length < limits.sniffChars) {
        const take = Math.min(b.length - decoded, limits.sniffChars - headText.length + 4);
        headText += decoder.write(b.subarray(decoded, decoded + take));
        decoded += take;
      }
    }
    const final = ended || headText.length >= limits.sniffChars;
    if (final || b?.subarray(0, decoded).includes(0x0a)) {
      sniffed = sniff(headText.charCodeAt(0) === 0xfeff ? headText.slice(1) : headText, final);
    }
  }
  const ctx: FormatContext = { file: name, sink, maxRecordChars: limits.maxRecordChars };
  if (sniffed.kind === 'ndjson') {
    const chunks = (async function* () {
      yield* head.splice(0);
      for (let b = await next(); b; b = await next()) yield b;
    })();
    yield* readNdjsonBytes(chunks, ctx, prefilter, () => state.failure !== undefined);
    return;
  }
  if (sniffed.kind === 'document') {
    while (!ended && headBytes <= limits.wholeDocumentChars) {
      const b = await next();
      if (b) {
        head.push(b);
        headBytes += b.length;
      }
    }
    if (ended && state.failure === undefined && headBytes <= limits.wholeDocumentChars) {
      const doc = head.length === 1 ? head[0]! : Buffer.concat(head);
      const records = readRecordsBytes(doc, ctx, prefilter);
      if (records) {
        for (const _ of records) yield;
        return;
      }
      head.splice(0, head.length, doc);
    }
  }
  yield* readDecoded(replay(head, bytes, ended), name, state, run, () => undefined);
}

/** Gzip files up to this size (stored) are inflated whole, in one call (CloudTrail's S3 objects are far smaller). */
const WHOLE_GZIP_BYTES = 16 * 1024 * 1024;

/**
 * A small local `.gz` file inflated in one call on this thread: no round trips to the thread pool
 * and no chunks to join. Undefined when that does not apply or fails (a truncated or corrupt file,
 * a document over the whole-document limit): the streaming path then reads it and reports what it
 * can salvage.
 */
async function inflatedWhole(source: Source, limits: ReadLimits): Promise<{ doc: Buffer; stored: number } | undefined> {
  if (!source.readWhole || source.size === undefined || source.size > WHOLE_GZIP_BYTES) return undefined;
  if (!source.name.endsWith('.gz')) return undefined;
  try {
    const stored = await source.readWhole();
    if (!startsWith(stored, GZIP_MAGIC)) return undefined;
    // Output in one buffer when the trailer's size (ISIZE: the inflated length modulo 2³²) is right,
    // instead of 16 KiB pieces joined at the end.
    const size = stored.length >= 18 ? stored.readUInt32LE(stored.length - 4) : 0;
    const chunkSize = Math.min(Math.max(size + 1, 64 * 1024), limits.wholeDocumentChars);
    return {
      doc: gunzipSync(stored, { maxOutputLength: limits.wholeDocumentChars, chunkSize }),
      stored: stored.length,
    };
  } catch {
    return undefined;
  }
}

/** Reads one source; yields whenever the sink's batch is full. */
async function* readSource(source: Source, run: Run): AsyncGenerator<void> {
  const { sink, signal } = run;
  const state: ReadState = {};
  const whole = run.prefilter ? await inflatedWhole(source, run.limits) : undefined;
  if (whole && !startsWith(whole.doc, GZIP_MAGIC)) {
    run.progress.state.bytesDone += whole.stored;
    run.progress.tick();
    yield* readPrefiltered(oneChunk(whole.doc), source.name, state, run, run.prefilter!);
    return;
  }
  let stream: AsyncIterable<Buffer | string>;
  try {
    stream = await source.open();
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    sink.bad(source.readError(e));
    return;
  }
  const raw = countBytes(stream, run.progress, signal)[Symbol.asyncIterator]();
  let text: AsyncIterator<string> | undefined;
  let bytesIt: AsyncIterator<Buffer> | undefined;
  try {
    // First bytes: compression and foreign formats.
    const first: Buffer[] = [];
    let firstLength = 0;
    let ended = false;
    try {
      while (firstLength < MAGIC_BYTES) {
        const r = await raw.next();
        if (r.done) {
          ended = true;
          break;
        }
        first.push(r.value);
        firstLength += r.value.length;
      }
    } catch (e) {
      if (signal?.aborted) throw e;
      sink.bad(failureError(e, source, 0));
      return;
    }
    const magic = Buffer.concat(first).subarray(0, MAGIC_BYTES);
    const foreign = FOREIGN_MAGIC.find((m) => startsWith(magic, m.bytes));
    if (foreign) {
      sink.bad(
        new JackstopError('JACKSTOP_INPUT_UNSUPPORTED', `not log text: ${foreign.what}`, {
          location: { file: source.name },
        }),
      );
      return;
    }
    let bytes: AsyncIterable<Buffer> = replay(first, raw, ended);
    if (startsWith(magic, GZIP_MAGIC)) bytes = gunzip(bytes, state);
    if (run.prefilter) {
      bytesIt = bytes[Symbol.asyncIterator]();
      yield* readPrefiltered(bytesIt, source.name, state, run, run.prefilter);
    } else {
      yield* readDecoded(bytes, source.name, state, run, (t) => {
        text = t;
      });
    }
  } finally {
    await text?.return?.(undefined);
    await bytesIt?.return?.(undefined);
    // Not awaited: gunzip may have a read pending (stdin can take forever); the stream closes once it settles.
    raw.return?.(undefined).catch(() => undefined);
  }
  if (state.failure !== undefined) sink.bad(failureError(state.failure, source, sink.fileRecords));
}

/** `readCloudTrail` with explicit limits (tests use small ones). */
export async function* readCloudTrailWith(
  inputs: string[],
  opts: ReadOptions,
  limits: ReadLimits,
): AsyncGenerator<RawRecord[]> {
  const signal = opts.signal;
  signal?.throwIfAborted();
  const progress = new Progress(opts.onProgress, limits.progressIntervalMs);
  const sink = new BatchSink(opts.onBadInput, limits.batchSize, progress);
  const report = (error: JackstopError) => sink.bad(error);

  // The AWS SDK is loaded only for s3:// inputs: it is a fifth of the memory of a reading thread.
  let ownClient: S3Client | undefined;
  const s3Client = async (): Promise<S3Client> => {
    if (opts.s3Client) return opts.s3Client;
    const { S3Client: Client } = await import('@aws-sdk/client-s3');
    ownClient ??= new Client({ followRegionRedirects: true });
    return ownClient;
  };

  const found: Source[] = [];
  try {
    for (const input of inputs) {
      signal?.throwIfAborted();
      if (input === '-') found.push(stdinSource(opts.stdin ?? process.stdin));
      else if (isS3Uri(input)) {
        const { s3Sources } = await import('./s3.js');
        found.push(
          ...(await s3Sources(input, {
            client: await s3Client(),
            limits: { prefetchBytes: limits.s3PrefetchBytes },
            signal,
            onBad: report,
            onDigest: () => sink.digest(),
          })),
        );
      } else found.push(...(await localSources(input, report)));
    }
    // Files sorted by name; the same file named twice is read once.
    found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const sources = found.filter((s, i) => i === 0 || s.name !== found[i - 1]?.name);
    progress.state.filesTotal = sources.length;
    if (sources.every((s) => s.size !== undefined)) {
      progress.state.bytesTotal = sources.reduce((sum, s) => sum + (s.size ?? 0), 0);
    }
    progress.flush();

    const run: Run = { sink, progress, limits, signal, prefilter: opts.prefilter };
    for (let i = 0; i < sources.length; i++) {
      signal?.throwIfAborted();
      const source = sources[i] as Source;
      for (let j = i; j < Math.min(sources.length, i + limits.s3Concurrency); j++) sources[j]?.prefetch?.();
      sink.fileRecords = 0;
      for await (const _ of readSource(source, run)) {
        yield sink.take();
        signal?.throwIfAborted();
        progress.tick();
      }
      const skipped = sink.takeSkipped();
      if (skipped > 0) opts.onSkipped?.(skipped);
      progress.state.filesDone++;
      progress.tick();
    }
    if (sink.batch.length > 0) yield sink.take();
  } finally {
    for (const s of found) s.dispose?.();
    ownClient?.destroy();
    progress.flush();
  }
}

/**
 * Yields batches (arrays of up to 32 records) in file order, files sorted by path. Each record's
 * `kind` says which log it is from (CloudTrail, Bedrock invocation, Azure, GCP, OpenAI), decided by
 * its content; files may mix kinds.
 */
export function readLogs(inputs: string[], opts: ReadOptions): AsyncIterable<RawRecord[]> {
  return readCloudTrailWith(inputs, opts, DEFAULT_LIMITS);
}

/** The former name of `readLogs`, kept so callers keep working. */
export const readCloudTrail: typeof readLogs = readLogs;

/**
 * Lines `firstLine + 1 …` of an NDJSON file, given as bytes (whole lines): how a worker thread reads
 * its share of a large file. Records, locations and errors are those `readLogs` gives for them.
 */
export async function* readNdjsonRange(
  name: string,
  data: Buffer,
  firstLine: number,
  opts: ReadOptions,
): AsyncGenerator<RawRecord[]> {
  const progress = new Progress(undefined, DEFAULT_LIMITS.progressIntervalMs);
  const sink = new BatchSink(opts.onBadInput, DEFAULT_LIMITS.batchSize, progress);
  const ctx: FormatContext = { file: name, sink, maxRecordChars: DEFAULT_LIMITS.maxRecordChars };
  const chunks = (async function* () {
    yield data;
  })();
  for await (const _ of readNdjsonBytes(chunks, ctx, opts.prefilter, () => false, firstLine)) yield sink.take();
  if (sink.batch.length > 0) yield sink.take();
  const skipped = sink.takeSkipped();
  if (skipped > 0) opts.onSkipped?.(skipped);
}

/** The local files `readLogs` would read for these inputs, in its order; missing inputs go to `onBad`. */
export async function listLocalLogFiles(
  inputs: readonly string[],
  onBad: (e: JackstopError) => void,
): Promise<{ name: string; size: number | undefined }[]> {
  const found: Source[] = [];
  for (const input of inputs) found.push(...(await localSources(input, onBad)));
  found.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return found.filter((s, i) => i === 0 || s.name !== found[i - 1]?.name).map((s) => ({ name: s.name, size: s.size }));
}

/**
 * Whether a file starting with these bytes is plain (not compressed) NDJSON, as `readLogs` would
 * decide: the only layout whose lines can be read from the middle of the file.
 */
export function isPlainNdjson(head: Buffer, wholeFile: boolean): boolean {
  if (startsWith(head, GZIP_MAGIC) || FOREIGN_MAGIC.some((m) => startsWith(head, m.bytes))) return false;
  let text = new StringDecoder('utf8').write(head);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return sniff(text, wholeFile).kind === 'ndjson';
}
