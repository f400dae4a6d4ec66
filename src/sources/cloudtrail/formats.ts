/**
 * Format detection by content, and one reader per text format: NDJSON (line by line), JSON
 * documents (parsed whole when small, split element by element when large or broken), and CSV
 * exports. Readers are async generators that yield whenever the sink's batch is full; they stop
 * quietly when the bytes underneath fail (the caller reports the cut file).
 */
import { JackstopError, type Location } from '../../errors.js';
import { clipExcerpt, excerptAround } from '../excerpt.js';
import type { RecordFilter } from '../types.js';
import { type CsvError, CsvParser, type CsvRow } from './csv.js';
import { fieldName, recordFromColumns } from './fields.js';
import { JsonElementScanner, type ScannedElement } from './json-scanner.js';
import { findJsonSyntaxError, lineAt, lineColumn } from './json-syntax.js';
import { recordSpans } from './record-spans.js';
import {
  CONTAINER_KEYS,
  type ContainerKey,
  decodeDocument,
  isDigest,
  isEvent,
  LakeRows,
  offerElement,
  offerRecord,
} from './shapes.js';
import type { Sink } from './sink.js';

/** Decoded text of one file: what was read to detect the format, then the rest. */
export interface TextInput {
  chunks: AsyncIterable<string>;
  /** True once `chunks` ended early because the bytes underneath failed (cut gzip, read error). */
  failed(): boolean;
}

export interface FormatContext {
  file: string;
  sink: Sink;
  /** A single record (NDJSON line, array element, CSV row) longer than this is reported, not read. */
  maxRecordChars: number;
}

export type Sniffed =
  | { kind: 'empty' }
  | { kind: 'ndjson' }
  | { kind: 'document'; parsed?: { value: unknown } }
  | { kind: 'csv' }
  | { kind: 'unsupported'; message: string; excerpt?: string }
  | { kind: 'more' };

const SUPPORTED =
  'Jackstop reads CloudTrail as S3 log files ({"Records":[…]}), NDJSON, JSON arrays, single events, ' +
  '`aws cloudtrail lookup-events` or CloudTrail Lake query output, and Athena/CloudTrail Lake CSV exports (plain or gzip); ' +
  'Bedrock invocation logs, Azure activity and resource logs ({"records":[…]}), GCP audit logs and OpenAI audit logs as NDJSON or JSON';

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function firstSignificant(text: string): number {
  let i = 0;
  while (i < text.length && isWs(text.charCodeAt(i))) i++;
  return i;
}

function tryParse(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Up to `max` lines from `from`: complete ones end with `\n` inside `text`. */
function firstLines(text: string, from: number, max: number): { lines: string[]; lastComplete: boolean } {
  const lines: string[] = [];
  let pos = from;
  while (lines.length < max && pos < text.length) {
    const nl = text.indexOf('\n', pos);
    if (nl === -1) {
      lines.push(text.slice(pos));
      return { lines, lastComplete: false };
    }
    lines.push(text.slice(pos, nl));
    pos = nl + 1;
  }
  return { lines, lastComplete: true };
}

const YAML_LINE = /^(?:---|\.\.\.|%YAML)(?:\s|$)|^[A-Za-z_$][\w$ ./-]*:(?:\s|$)|^- /;

/**
 * Decides the format from the first text of a file (`head`, BOM removed). `more` asks for more
 * text; once `final` (the file ended, or enough was read) it always decides.
 */
export function sniff(head: string, final: boolean): Sniffed {
  const i = firstSignificant(head);
  if (i >= head.length) return final ? { kind: 'empty' } : { kind: 'more' };
  const c = head.charCodeAt(i);
  if (c === 0x7b || c === 0x5b) {
    // NDJSON when the first line is a JSON value on its own and more follows; a document otherwise.
    const { lines, lastComplete } = firstLines(head, i, 3);
    const first = lines[0] ?? '';
    if (lines.length === 1 && !lastComplete) return final ? { kind: 'document' } : { kind: 'more' };
    const parsed = tryParse(first);
    if (parsed && typeof parsed.value === 'object') {
      if (firstSignificant(head.slice(i + first.length)) + i + first.length < head.length) return { kind: 'ndjson' };
      if (final) return { kind: 'document', parsed };
      return { kind: 'more' };
    }
    if (c === 0x5b) return { kind: 'document' };
    // A bad first line does not make a document: look at the next lines.
    const complete = lastComplete ? lines : lines.slice(0, -1);
    for (const line of complete.slice(1)) {
      const v = tryParse(line);
      if (v && isObj(v.value)) return { kind: 'ndjson' };
    }
    if (!final && complete.length < 3) return { kind: 'more' };
    return { kind: 'document' };
  }
  const { lines, lastComplete } = firstLines(head, i, 1);
  const firstLine = (lines[0] ?? '').replace(/\r$/, '');
  if (!lastComplete && !final) return { kind: 'more' };
  const sample = head.slice(0, 8192);
  if (sample.includes('\u0000')) {
    return { kind: 'unsupported', message: `binary data, not CloudTrail text. ${SUPPORTED}` };
  }
  const meaningful = head
    .slice(i, i + 65536)
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .find((l) => l.trim() !== '' && !l.startsWith('#'));
  if (meaningful !== undefined && YAML_LINE.test(meaningful)) {
    return {
      kind: 'unsupported',
      message: `a YAML file, not a CloudTrail log (test cases and metadata are not read). ${SUPPORTED}`,
      excerpt: clipExcerpt(head.slice(i, i + 512)),
    };
  }
  const rows: CsvRow[] = [];
  const csv = new CsvParser({ maxRowChars: Number.MAX_SAFE_INTEGER });
  csv.push(`${firstLine}\n`, rows);
  if ((rows[0]?.fields.length ?? 0) >= 2) return { kind: 'csv' };
  return {
    kind: 'unsupported',
    message: `not a CloudTrail format (it starts with neither JSON nor a CSV header). ${SUPPORTED}`,
    excerpt: clipExcerpt(firstLine.slice(0, 512)),
  };
}

function malformed(message: string, location: Location): JackstopError {
  return new JackstopError('JACKSTOP_INPUT_MALFORMED_JSON', message, { location });
}

function tooLarge(what: string, chars: number, limit: number, location: Location): JackstopError {
  const mib = (n: number) => `${Math.round(n / 1048576)} MiB`;
  return new JackstopError(
    'JACKSTOP_INPUT_TOO_LARGE',
    `${what} of ${mib(chars)} is larger than the ${mib(limit)} limit for one record; it was skipped`,
    { location },
  );
}

// ----------------------------------------------------------------------------------------- NDJSON

/**
 * What reading one line gave the reader: `true` when the sink asks it to yield (its batch is full),
 * `false` when not, or, for a line that holds a whole document instead of one event, the generator
 * of that document's records. A plain value in the usual case: a generator per line costs an
 * allocation on every record of a scan.
 */
type LineOutcome = boolean | Generator<void>;

function decodeLine(line: string, lineNo: number, ctx: FormatContext): LineOutcome {
  const { file, sink } = ctx;
  let text = line;
  if (text.charCodeAt(text.length - 1) === 0x0d) text = text.slice(0, -1);
  if (text.length === 0 || (isWs(text.charCodeAt(0)) && text.trim() === '')) return false;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const err = findJsonSyntaxError(text);
    const column = (err?.offset ?? 0) + 1;
    sink.bad(
      malformed(`invalid JSON on this line: ${err?.message ?? (e as Error).message}`, { file, line: lineNo, column }),
      excerptAround(text, column),
    );
    return false;
  }
  const location = { file, line: lineNo };
  if (isObj(value) && isEvent(value)) return sink.record(value, location);
  return decodeDocument(value, location, sink);
}

/** NDJSON: one JSON value per line; blank lines are fine; a bad line is reported with its number. */
export async function* readNdjson(input: TextInput, ctx: FormatContext): AsyncGenerator<void> {
  const max = ctx.maxRecordChars;
  let parts: string[] = [];
  let partsLength = 0;
  let lineNo = 0;
  const tooLong = (length: number) => {
    ctx.sink.bad(tooLarge('a line', length, max, { file: ctx.file, line: lineNo }));
  };
  for await (const chunk of input.chunks) {
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf('\n', pos);
      if (nl === -1) {
        if (pos < chunk.length) {
          partsLength += chunk.length - pos;
          if (partsLength <= max) parts.push(chunk.slice(pos));
          else parts = [];
        }
        break;
      }
      lineNo++;
      const length = partsLength + nl - pos;
      if (length > max) {
        tooLong(length);
      } else {
        const line = parts.length > 0 ? parts.join('') + chunk.slice(pos, nl) : chunk.slice(pos, nl);
        const out = decodeLine(line, lineNo, ctx);
        if (out === true) yield;
        else if (out !== false) yield* out;
      }
      parts = [];
      partsLength = 0;
      pos = nl + 1;
    }
  }
  // The last line needs no line break, unless the input was cut: then it is incomplete.
  if (partsLength > 0 && !input.failed()) {
    lineNo++;
    if (partsLength > max) tooLong(partsLength);
    else {
      const out = decodeLine(parts.join(''), lineNo, ctx);
      if (out === true) yield;
      else if (out !== false) yield* out;
    }
  }
}

// --------------------------------------------------------------------------------- JSON documents

/** Absolute line and column of `offset` inside an element that starts at `el.line`/`el.column`. */
function positionIn(el: ScannedElement, offset: number): { line: number; column: number } {
  const inner = lineColumn(el.text, offset);
  return inner.line === 1
    ? { line: el.line, column: el.column + inner.column - 1 }
    : { line: el.line + inner.line - 1, column: inner.column };
}

/**
 * A JSON document read whole (it fits in memory). When it does not parse, the records before
 * the first syntax error are still read (they are valid JSON), then the error is reported with
 * its line and column.
 */
export function* readWholeDocument(text: string, ctx: FormatContext, parsed?: { value: unknown }): Generator<void> {
  let value: unknown;
  if (parsed) {
    value = parsed.value;
  } else {
    try {
      value = JSON.parse(text);
    } catch (e) {
      yield* salvage(text, (e as Error).message, ctx);
      return;
    }
  }
  yield* decodeDocument(value, { file: ctx.file }, ctx.sink);
}

function* salvage(text: string, parserMessage: string, ctx: FormatContext): Generator<void> {
  const { file, sink } = ctx;
  const err = findJsonSyntaxError(text) ?? { offset: text.length, message: parserMessage };
  const scanner = new JsonElementScanner({ containerKeys: CONTAINER_KEYS, maxElementChars: ctx.maxRecordChars });
  const elements: ScannedElement[] = [];
  scanner.push(text.slice(0, err.offset), elements);
  const lake = new LakeRows(file);
  const container = (scanner.container ?? null) as ContainerKey | null;
  for (const el of elements) {
    const location = { file, line: el.line, record: el.index };
    if (el.tooLarge !== undefined) {
      sink.bad(tooLarge('a record', el.tooLarge, ctx.maxRecordChars, location));
      continue;
    }
    const v = tryParse(el.text);
    if (v && offerElement(container, v.value, location, sink, lake, el.text)) yield;
  }
  lake.finish(sink);
  const { line, column } = lineColumn(text, err.offset);
  const kept = elements.length > 0 ? `; the ${elements.length} record(s) before it were read, the rest was not` : '';
  sink.bad(
    malformed(`invalid JSON: ${err.message}${kept}`, { file, line, column }),
    excerptAround(lineAt(text, err.offset), column),
  );
}

/**
 * A JSON document too large to parse whole (or cut short): its records are split out one by one.
 * Reading stops at the first syntax error; the records before it are kept.
 */
export async function* readStreamedDocument(input: TextInput, ctx: FormatContext): AsyncGenerator<void> {
  const { file, sink } = ctx;
  const scanner = new JsonElementScanner({ containerKeys: CONTAINER_KEYS, maxElementChars: ctx.maxRecordChars });
  const lake = new LakeRows(file);
  const elements: ScannedElement[] = [];
  let stopped = false;
  for await (const chunk of input.chunks) {
    scanner.push(chunk, elements);
    const container = (scanner.container ?? null) as ContainerKey | null;
    for (const el of elements) {
      const location = { file, line: el.line, record: el.index };
      if (el.tooLarge !== undefined) {
        sink.bad(tooLarge('a record', el.tooLarge, ctx.maxRecordChars, location));
        continue;
      }
      let value: unknown;
      try {
        value = JSON.parse(el.text);
      } catch (e) {
        const err = findJsonSyntaxError(el.text) ?? { offset: 0, message: (e as Error).message };
        const at = positionIn(el, err.offset);
        const inner = lineColumn(el.text, err.offset);
        sink.bad(
          malformed(`invalid JSON: ${err.message}; the ${el.index} record(s) before it were read, the rest was not`, {
            file,
            ...at,
          }),
          excerptAround(lineAt(el.text, err.offset), inner.column),
        );
        stopped = true;
        break;
      }
      if (offerElement(container, value, location, sink, lake, el.text)) yield;
    }
    elements.length = 0;
    if (stopped || scanner.error) break;
  }
  if (!stopped) {
    if (!input.failed()) scanner.end();
    if (scanner.error) {
      const { line, column, message } = scanner.error;
      sink.bad(
        malformed(`invalid JSON: ${message}; the ${scanner.elements} record(s) before it were read, the rest was not`, {
          file,
          line,
          column,
        }),
      );
    } else if (scanner.complete && scanner.container === undefined) {
      const keys = scanner.topKeys;
      const asObject = Object.fromEntries(keys.map((k) => [k, true]));
      if (isDigest(asObject)) sink.digest();
      else if (keys.includes('eventName') && keys.includes('eventSource')) {
        sink.bad(tooLarge('a single event', scanner.position.offset, ctx.maxRecordChars, { file }));
      } else {
        sink.bad(
          new JackstopError(
            'JACKSTOP_INPUT_UNSUPPORTED',
            `a JSON object that is not CloudTrail: no Records, records, Events or QueryResultRows list (its keys: ${keys.slice(0, 8).join(', ')})`,
            { location: { file } },
          ),
        );
      }
    }
  }
  lake.finish(sink);
}

// -------------------------------------------------------------------------------------------- CSV

function csvProblem(error: CsvError, file: string, limit: number): JackstopError {
  const location = { file, line: error.line };
  if (error.message.startsWith('a CSV row longer')) return tooLarge('a CSV row', limit + 1, limit, location);
  return new JackstopError('JACKSTOP_INPUT_TRUNCATED', error.message, { location });
}

/**
 * CSV exports with a header row (Athena query results, CloudTrail Lake saved results). Headings
 * are matched to CloudTrail fields (`eventname`, `Event Name` → eventName) and struct/JSON cells
 * decoded. A CSV without eventName and eventSource columns is not CloudTrail: reported once, with
 * its row count.
 */
export async function* readCsv(input: TextInput, ctx: FormatContext): AsyncGenerator<void> {
  const { file, sink } = ctx;
  const parser = new CsvParser({ maxRowChars: ctx.maxRecordChars });
  const rows: CsvRow[] = [];
  let headings: string[] | undefined;
  let usable = false;
  let skipped = 0;
  const handle = function* (): Generator<void> {
    for (const row of rows) {
      if (!headings) {
        headings = row.fields.map((h) => h.trim());
        const names = new Set(headings.map(fieldName));
        usable = names.has('eventName') && names.has('eventSource');
        continue;
      }
      if (!usable) {
        skipped++;
        continue;
      }
      const location = { file, line: row.line };
      if (row.fields.length !== headings.length) {
        sink.bad(
          new JackstopError(
            'JACKSTOP_INPUT_WRONG_SHAPE',
            `a CSV row with ${row.fields.length} fields under a header of ${headings.length} columns`,
            { location },
          ),
          clipExcerpt(row.fields.join(',')),
        );
        continue;
      }
      if (offerRecord(recordFromColumns(headings, row.fields), location, sink)) yield;
    }
    rows.length = 0;
  };
  for await (const chunk of input.chunks) {
    parser.push(chunk, rows);
    yield* handle();
    if (parser.error) break;
  }
  if (!parser.error && !input.failed()) {
    parser.end(rows);
    yield* handle();
  }
  if (parser.error) sink.bad(csvProblem(parser.error, file, ctx.maxRecordChars));
  if (headings && !usable) {
    sink.bad(
      new JackstopError(
        'JACKSTOP_INPUT_UNSUPPORTED',
        `a CSV file without eventName and eventSource columns, so not an Athena or CloudTrail Lake export of CloudTrail ` +
          `(columns: ${headings.slice(0, 12).join(', ')}${headings.length > 12 ? ', …' : ''}); ${skipped} data row(s) not read`,
        { location: { file, line: 1 } },
      ),
      clipExcerpt(headings.join(',')),
    );
  }
}

// ------------------------------------------------------------------------ bytes, with a prefilter

const BOM = [0xef, 0xbb, 0xbf];

function startsWithBom(buf: Buffer, at: number): boolean {
  return buf[at] === BOM[0] && buf[at + 1] === BOM[1] && buf[at + 2] === BOM[2];
}

function isWsByte(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * A key searched for in place across the records of one buffer, with no view of each record
 * allocated. The search may run past a record that lacks the key; the next occurrence found is
 * remembered, so a run of such records costs one pass over the buffer, not one pass each. One per
 * reader: it relies on a buffer's bytes not changing while records of it are tested.
 */
class KeySearch {
  #buf: Uint8Array | undefined;
  #from = 0;
  #at = -1;
  constructor(readonly needle: Buffer) {}
  /** Whether bytes [s, e) of `buf` hold the key. */
  within(buf: Buffer, s: number, e: number): boolean {
    // No occurrence in [#from, #at): the first one at or after s is #at while s has not passed it.
    if (buf !== this.#buf || s < this.#from || (this.#at !== -1 && s > this.#at)) {
      this.#buf = buf;
      this.#from = s;
      this.#at = buf.indexOf(this.needle, s);
    }
    return this.#at !== -1 && this.#at + this.needle.length <= e;
  }
}

const EVENT_SOURCE_KEY = Buffer.from('"eventSource"');
const EVENT_NAME_KEY = Buffer.from('"eventName"');

/** Decides, per record of one reader, whether it may be left unparsed. */
class SkipTest {
  readonly #source = new KeySearch(EVENT_SOURCE_KEY);
  readonly #name = new KeySearch(EVENT_NAME_KEY);
  constructor(readonly prefilter: RecordFilter) {}

  /**
   * Whether the record in bytes [s, e) may be left unparsed: the prefilter says no consumer wants
   * it, and it looks like a whole CloudTrail event — a JSON object by its first and last significant
   * bytes, with `eventSource` and `eventName`. A record cut short or garbled at its ends, or of
   * another kind, is still parsed, so that it is reported.
   */
  skippable(buf: Buffer, s: number, e: number): boolean {
    let a = s;
    let b = e - 1;
    while (a <= b && isWsByte(buf[a])) a++;
    while (b >= a && isWsByte(buf[b])) b--;
    if (buf[a] !== 0x7b || buf[b] !== 0x7d || this.prefilter.testBytes(buf, s, e)) return false;
    return this.#source.within(buf, s, e) && this.#name.within(buf, s, e);
  }
}

/**
 * NDJSON read as bytes: each line is tested by the prefilter on its raw bytes and decoded and
 * parsed only when some consumer may want it. Lines, numbers and errors are those of `readNdjson`.
 */
export async function* readNdjsonBytes(
  chunks: AsyncIterable<Buffer>,
  ctx: FormatContext,
  prefilter: RecordFilter | undefined,
  failed: () => boolean,
  /** Lines before the first one given (a range from the middle of a file). */
  firstLine = 0,
): AsyncGenerator<void> {
  const max = ctx.maxRecordChars;
  let parts: Buffer[] = [];
  let partsLength = 0;
  let lineNo = firstLine;
  const skip = prefilter && new SkipTest(prefilter);
  function line(buf: Buffer, s: number, e: number): LineOutcome {
    lineNo++;
    let start = s;
    let end = e;
    if (lineNo === 1 && startsWithBom(buf, start)) start += 3;
    if (end > start && buf[end - 1] === 0x0d) end--;
    if (end - start > max) {
      const chars = buf.toString('utf8', start, end).length;
      if (chars > max) {
        ctx.sink.bad(tooLarge('a line', chars, max, { file: ctx.file, line: lineNo }));
        return false;
      }
    }
    if (end === start) return false;
    if (skip?.skippable(buf, start, end)) {
      ctx.sink.skip();
      return false;
    }
    return decodeLine(buf.toString('utf8', start, end), lineNo, ctx);
  }
  let tooLong = false;
  for await (const chunk of chunks) {
    let pos = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, pos);
      if (nl === -1) {
        if (pos < chunk.length) {
          partsLength += chunk.length - pos;
          // A line past the limit is only measured, not kept (its bytes could be gigabytes).
          if (partsLength <= max * 4) parts.push(chunk.subarray(pos));
          else tooLong = true;
        }
        break;
      }
      if (parts.length === 0 && !tooLong) {
        const out = line(chunk, pos, nl);
        if (out === true) yield;
        else if (out !== false) yield* out;
      } else if (tooLong) {
        lineNo++;
        ctx.sink.bad(tooLarge('a line', partsLength + nl - pos, max, { file: ctx.file, line: lineNo }));
      } else {
        parts.push(chunk.subarray(pos, nl));
        const joined = Buffer.concat(parts);
        const out = line(joined, 0, joined.length);
        if (out === true) yield;
        else if (out !== false) yield* out;
      }
      parts = [];
      partsLength = 0;
      tooLong = false;
      pos = nl + 1;
    }
  }
  // The last line needs no line break, unless the input was cut: then it is incomplete.
  if (partsLength > 0 && !failed()) {
    if (tooLong) {
      lineNo++;
      ctx.sink.bad(tooLarge('a line', partsLength, max, { file: ctx.file, line: lineNo }));
    } else {
      const joined = Buffer.concat(parts);
      const out = line(joined, 0, joined.length);
      if (out === true) yield;
      else if (out !== false) yield* out;
    }
  }
}

/**
 * A whole `{"Records":[…]}` document read as bytes: records are split without parsing
 * (`recordSpans`), tested by the prefilter, and parsed one by one when kept. Returns undefined, having
 * read nothing, when the document is not of that shape (the caller then reads it as text); a
 * record that does not parse is reported with its index and the others are still read.
 */
export function readRecordsBytes(
  doc: Buffer,
  ctx: FormatContext,
  prefilter: RecordFilter,
): Generator<void> | undefined {
  const found = recordSpans(doc, ['Records']);
  if (!found.ok || found.container !== 'Records' || found.count === 0) return undefined;
  const { spans, count } = found;
  // JSON.parse keeps the last of duplicate keys, the splitter the first: leave such files to the text path.
  if (doc.indexOf('"Records"', spans[2 * count - 1]) !== -1) return undefined;
  return (function* () {
    const { file, sink } = ctx;
    const lake = new LakeRows(file);
    const skip = new SkipTest(prefilter);
    for (let i = 0; i < count; i++) {
      const s = spans[2 * i]!;
      const e = spans[2 * i + 1]!;
      if (skip.skippable(doc, s, e)) {
        sink.skip();
        continue;
      }
      const text = doc.toString('utf8', s, e);
      const location = { file, record: i };
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        const err = findJsonSyntaxError(text);
        sink.bad(
          malformed(`invalid JSON in record ${i}: ${err?.message ?? (e as Error).message}`, location),
          excerptAround(lineAt(text, err?.offset ?? 0), 1),
        );
        continue;
      }
      if (offerElement('Records', value, location, sink, lake, text)) yield;
    }
  })();
}
