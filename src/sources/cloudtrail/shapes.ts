/**
 * The shapes CloudTrail comes in once parsed, and how each becomes records: S3 log files
 * (`{"Records":[…]}`), JSON arrays, single events, `aws cloudtrail lookup-events` output,
 * CloudTrail Lake `get-query-results` output, Athena-style lower-cased records, EventBridge
 * envelopes; digest and sign files are recognised and skipped. A record of the wrong shape is reported, never fatal.
 */
import { JackstopError, type Location } from '../../errors.js';
import { clipExcerpt } from '../excerpt.js';
import { decodeAzureProperties, recordKind } from '../kind.js';
import { fieldName, hasLowercasedNames, recordFromColumns, restoreRecord } from './fields.js';
import { findJsonSyntaxError } from './json-syntax.js';
import type { Sink } from './sink.js';

type Obj = Record<string, unknown>;

/**
 * Keys of a top-level object whose array holds the records: CloudTrail S3 files (`Records`),
 * lookup-events (`Events`), CloudTrail Lake results (`QueryResultRows`), and Azure resource and
 * activity logs as delivered to storage accounts and Event Hubs (`records`).
 */
export const CONTAINER_KEYS = ['Records', 'Events', 'QueryResultRows', 'records'] as const;
export type ContainerKey = (typeof CONTAINER_KEYS)[number];

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function nonEmptyString(v: unknown): boolean {
  return typeof v === 'string' && v !== '';
}

export function isEvent(v: Obj): boolean {
  return nonEmptyString(v.eventName) && nonEmptyString(v.eventSource);
}

/** An EventBridge event carrying a CloudTrail event (`"detail-type": "AWS API Call via CloudTrail"`). */
function eventBridgeDetail(v: Obj): Obj | undefined {
  const detail = v.detail;
  return typeof v['detail-type'] === 'string' && isObj(detail) && isEvent(detail) ? detail : undefined;
}

/** A CloudTrail digest file (`…/CloudTrail-Digest/…json.gz`). */
export function isDigest(v: Obj): boolean {
  return 'digestStartTime' in v && 'awsAccountId' in v;
}

/** A CloudTrail Lake sign file (`result_sign.json`) next to saved query results. */
export function isLakeSignFile(v: Obj): boolean {
  return typeof v.hashSignature === 'string' && Array.isArray(v.files) && 'queryCompleteTime' in v;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

function keyList(v: Obj, max = 8): string {
  const keys = Object.keys(v);
  if (keys.length === 0) return 'none';
  return keys.length > max ? `${keys.slice(0, max).join(', ')}, …` : keys.join(', ');
}

export function excerptOf(value: unknown, text?: string): string | undefined {
  if (text !== undefined) return clipExcerpt(text);
  try {
    const s = JSON.stringify(value);
    return s === undefined ? undefined : clipExcerpt(s);
  } catch {
    return undefined;
  }
}

const OTHER_LOGS = 'a Bedrock invocation log, Azure activity or resource log, GCP audit log or OpenAI audit log record';

function wrongShape(value: unknown, location: Location): JackstopError {
  if (!isObj(value)) {
    return new JackstopError(
      'JACKSTOP_INPUT_WRONG_SHAPE',
      `not a CloudTrail event: the record is ${typeName(value)}, not an object`,
      { location },
    );
  }
  const missing = ['eventName', 'eventSource'].filter((k) => !nonEmptyString(value[k]));
  // Half a CloudTrail event says what is missing; anything else also says what else was looked for.
  const partial = missing.length < 2;
  return new JackstopError(
    'JACKSTOP_INPUT_WRONG_SHAPE',
    `not a CloudTrail event: no ${missing.join(' and ')}${partial ? '' : `, nor ${OTHER_LOGS}`} (its keys: ${keyList(value)})`,
    { location },
  );
}

/** A record of a non-CloudTrail kind, with Azure's JSON-string `properties` decoded. */
function offerOther(value: Obj, location: Location, sink: Sink): boolean | undefined {
  const kind = recordKind(value);
  if (kind === undefined || kind === 'aws.cloudtrail') return undefined;
  const record = kind === 'azure.activity' || kind === 'azure.resource' ? decodeAzureProperties(value) : value;
  return sink.record(record, location, kind);
}

/** Offers one candidate record; true when the sink's batch is full. `text`, when known, is its JSON. */
export function offerRecord(value: unknown, location: Location, sink: Sink, text?: string): boolean {
  if (isObj(value)) {
    if (isEvent(value)) return sink.record(value, location);
    const other = offerOther(value, location, sink);
    if (other !== undefined) return other;
    const detail = eventBridgeDetail(value);
    if (detail) return sink.record(detail, location);
    if (hasLowercasedNames(value)) {
      const restored = restoreRecord(value);
      if (isEvent(restored)) return sink.record(restored, location);
    }
  }
  sink.bad(wrongShape(value, location), excerptOf(value, text));
  return false;
}

/** One entry of `lookup-events` output: its `CloudTrailEvent` is the event as a JSON string. */
export function offerLookupEvent(entry: unknown, location: Location, sink: Sink, text?: string): boolean {
  if (!isObj(entry) || typeof entry.CloudTrailEvent !== 'string') {
    const what = isObj(entry)
      ? `an entry without a CloudTrailEvent string (its keys: ${keyList(entry)})`
      : typeName(entry);
    sink.bad(
      new JackstopError('JACKSTOP_INPUT_WRONG_SHAPE', `lookup-events: ${what}`, { location }),
      excerptOf(entry, text),
    );
    return false;
  }
  const json = entry.CloudTrailEvent;
  let event: unknown;
  try {
    event = JSON.parse(json);
  } catch (e) {
    const err = findJsonSyntaxError(json);
    const at = err ? ` at character ${err.offset + 1}: ${err.message}` : `: ${(e as Error).message}`;
    sink.bad(
      new JackstopError('JACKSTOP_INPUT_MALFORMED_JSON', `lookup-events: CloudTrailEvent is not valid JSON${at}`, {
        location,
      }),
      clipExcerpt(json),
    );
    return false;
  }
  return offerRecord(event, location, sink, json);
}

/**
 * Rows of CloudTrail Lake `get-query-results` output: each row is a list of one-key objects
 * (`[{"eventName":"…"},{"eventSource":"…"}]`), values as text. Results that do not select
 * eventName and eventSource (aggregates, a few columns) are not events: reported once per file.
 */
export class LakeRows {
  #columnsOk: boolean | undefined;
  #columns: string[] = [];
  #skipped = 0;
  readonly #file: string;

  constructor(file: string) {
    this.#file = file;
  }

  offer(row: unknown, location: Location, sink: Sink, text?: string): boolean {
    if (!Array.isArray(row) || !row.every(isObj)) {
      sink.bad(
        new JackstopError(
          'JACKSTOP_INPUT_WRONG_SHAPE',
          `CloudTrail Lake result row is ${typeName(row)}${Array.isArray(row) ? ' with entries that are not objects' : ''}, not a list of {column: value} objects`,
          { location },
        ),
        excerptOf(row, text),
      );
      return false;
    }
    const headings: string[] = [];
    const cells: unknown[] = [];
    for (const cell of row) {
      for (const [k, v] of Object.entries(cell)) {
        headings.push(k);
        cells.push(v);
      }
    }
    if (this.#columnsOk === undefined) {
      const names = new Set(headings.map(fieldName));
      this.#columnsOk = names.has('eventName') && names.has('eventSource');
      this.#columns = headings;
    }
    if (!this.#columnsOk) {
      this.#skipped++;
      return false;
    }
    return offerRecord(recordFromColumns(headings, cells), location, sink, text);
  }

  /** Reports results without event columns, with how many rows were left unread. */
  finish(sink: Sink): void {
    if (this.#columnsOk !== false) return;
    sink.bad(
      new JackstopError(
        'JACKSTOP_INPUT_UNSUPPORTED',
        `CloudTrail Lake query results without eventName and eventSource columns (columns: ${this.#columns.join(', ')}): ` +
          `these are not events; ${this.#skipped} row(s) not read. Select the event columns (or SELECT *) and run the query again`,
        { location: { file: this.#file } },
      ),
    );
  }
}

/** Offers one element of a container array (`Records`, `Events`, `QueryResultRows`, or a top-level array). */
export function offerElement(
  container: ContainerKey | null,
  value: unknown,
  location: Location,
  sink: Sink,
  lake: LakeRows,
  text?: string,
): boolean {
  if (container === 'Events') return offerLookupEvent(value, location, sink, text);
  if (container === 'QueryResultRows') return lake.offer(value, location, sink, text);
  return offerRecord(value, location, sink, text);
}

function unsupportedObject(value: Obj, location: Location): JackstopError {
  const notArray = CONTAINER_KEYS.find((k) => k in value);
  const detail = notArray
    ? `its "${notArray}" is ${typeName(value[notArray])}, not a list`
    : `it has no Records, records, Events or QueryResultRows list, no eventName/eventSource, and is not ${OTHER_LOGS} (its keys: ${keyList(value)})`;
  return new JackstopError('JACKSTOP_INPUT_UNSUPPORTED', `a JSON object that is not CloudTrail: ${detail}`, {
    location,
  });
}

/** An OpenAI list response (`{"object": "list", "data": [...]}` from the audit-log API). */
function openAiList(v: Obj): unknown[] | undefined {
  return v.object === 'list' && Array.isArray(v.data) ? v.data : undefined;
}

/**
 * Every record of a parsed JSON document (a whole file, or one NDJSON line); yields whenever the
 * sink's batch is full. `base` is the document's location; elements add their index.
 */
export function* decodeDocument(value: unknown, base: Location, sink: Sink): Generator<void> {
  const elements = (list: unknown[], container: ContainerKey | null) => ({ list, container });
  let found: { list: unknown[]; container: ContainerKey | null } | undefined;
  if (Array.isArray(value)) {
    found = elements(value, null);
  } else if (isObj(value)) {
    if (Array.isArray(value.Records)) found = elements(value.Records, 'Records');
    else if (Array.isArray(value.records)) found = elements(value.records, 'records');
    else if (openAiList(value)) found = elements(openAiList(value) ?? [], null);
    else if (isDigest(value) || isLakeSignFile(value)) {
      sink.digest();
      return;
    } else if (Array.isArray(value.Events)) found = elements(value.Events, 'Events');
    else if (Array.isArray(value.QueryResultRows)) found = elements(value.QueryResultRows, 'QueryResultRows');
    else if (isEvent(value) || recordKind(value) || hasLowercasedNames(value) || eventBridgeDetail(value)) {
      if (offerRecord(value, base, sink)) yield;
      return;
    } else {
      sink.bad(unsupportedObject(value, base), excerptOf(value));
      return;
    }
  } else {
    sink.bad(
      new JackstopError('JACKSTOP_INPUT_UNSUPPORTED', `the JSON is ${typeName(value)}, not CloudTrail events`, {
        location: base,
      }),
      excerptOf(value),
    );
    return;
  }
  const lake = new LakeRows(base.file ?? '');
  const { list, container } = found;
  for (let i = 0; i < list.length; i++) {
    if (offerElement(container, list[i], { ...base, record: i }, sink, lake)) yield;
  }
  lake.finish(sink);
}
