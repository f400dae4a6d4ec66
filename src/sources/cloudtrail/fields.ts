/**
 * CloudTrail field names (data in `fields.json`) and the conversions that turn Athena and
 * CloudTrail Lake output back into records with CloudTrail's own field names and nesting:
 * lower-cased names restored, JSON text parsed back into objects, and the `{k=v, …}` text that
 * Athena/Trino print for struct and map values parsed into objects.
 */
import { z } from 'zod';
import fieldsFile from './fields.json' with { type: 'json' };

const FieldsFile = z.object({
  paths: z.array(z.string().regex(/^[A-Za-z0-9]+(\[\])?(\.[A-Za-z0-9]+(\[\])?)*$/)).min(1),
  maps: z.array(z.string()),
  booleans: z.array(z.string()),
});

interface FieldNode {
  /** The name as CloudTrail writes it. */
  name: string;
  /** An array of structs (`resources[]`). */
  list: boolean;
  /** Data keys: kept as they are. */
  map: boolean;
  boolean: boolean;
  children: Map<string, FieldNode>;
}

function newNode(name: string): FieldNode {
  return { name, list: false, map: false, boolean: false, children: new Map() };
}

function buildTree(): FieldNode {
  const data = FieldsFile.parse(fieldsFile);
  const root = newNode('');
  const nodeAt = (path: string): FieldNode => {
    let node = root;
    for (const raw of path.split('.')) {
      const list = raw.endsWith('[]');
      const name = list ? raw.slice(0, -2) : raw;
      let child = node.children.get(name.toLowerCase());
      if (!child) {
        child = newNode(name);
        node.children.set(name.toLowerCase(), child);
      }
      if (list) child.list = true;
      node = child;
    }
    return node;
  };
  for (const p of data.paths) nodeAt(p);
  for (const p of data.maps) nodeAt(p).map = true;
  for (const p of data.booleans) nodeAt(p).boolean = true;
  return root;
}

const ROOT = buildTree();

/** Column headings like `Event Name`, `eventname`, `eventName` all mean the same field. */
function headingKey(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The CloudTrail name of a top-level column, or the heading itself when it is not a CloudTrail field. */
export function fieldName(heading: string): string {
  return ROOT.children.get(headingKey(heading))?.name ?? heading;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function looksLikeJson(text: string): boolean {
  const c = text.charCodeAt(0);
  return c === 0x7b || c === 0x5b; // { [
}

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function restore(value: unknown, node: FieldNode): unknown {
  if (typeof value === 'string') return decodeText(value, node);
  if (node.map) return restoreMap(value);
  if (node.list && Array.isArray(value)) return value.map((v) => restoreStruct(v, node));
  if (node.children.size > 0) return restoreStruct(value, node);
  return value;
}

function restoreStruct(value: unknown, node: FieldNode): unknown {
  if (!isObj(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    // Struct columns list every field of the schema; absent ones come back as null.
    if (v === null || v === undefined) continue;
    const child = node.children.get(k.toLowerCase());
    out[child?.name ?? k] = child ? restore(v, child) : v;
  }
  return out;
}

function restoreMap(value: unknown): unknown {
  if (!isObj(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'string' && looksLikeJson(v)) {
      const parsed = tryJson(v);
      out[k] = parsed.ok ? parsed.value : v;
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** A text value of a known field, decoded: booleans, JSON text, or Athena/Trino struct text. */
function decodeText(text: string, node: FieldNode): unknown {
  if (node.boolean) return text === 'true' ? true : text === 'false' ? false : text;
  const structured = node.map || node.list || node.children.size > 0;
  if (!structured || !looksLikeJson(text)) return text;
  const json = tryJson(text);
  if (json.ok) return node.map ? restoreMap(json.value) : restore(json.value, { ...node, boolean: false });
  const row = parseTrinoValue(text);
  if (row === undefined) return text;
  return node.map ? restoreMap(row) : restore(row, node);
}

/**
 * A record from one row of a table (CSV export, CloudTrail Lake `QueryResultRows`): headings are
 * mapped to CloudTrail names and each text cell decoded. Empty cells are left out (Athena writes
 * NULL as an empty field).
 */
export function recordFromColumns(headings: readonly string[], cells: readonly unknown[]): Obj {
  const out: Obj = {};
  for (let i = 0; i < headings.length; i++) {
    const heading = headings[i] ?? '';
    const cell = cells[i];
    if (cell === undefined || cell === null || cell === '') continue;
    const node = ROOT.children.get(headingKey(heading));
    if (!node) {
      out[heading] = cell;
      continue;
    }
    out[node.name] = restore(cell, node);
  }
  return out;
}

/** Whether a JSON record uses the lower-cased names of an Athena table (`eventname`, `eventsource`). */
export function hasLowercasedNames(record: Obj): boolean {
  return typeof record.eventname === 'string' && typeof record.eventsource === 'string';
}

/** A record with Athena's lower-cased names (e.g. from `UNLOAD … WITH (format = 'JSON')`) in CloudTrail's names. */
export function restoreRecord(record: Obj): Obj {
  return recordFromColumns(Object.keys(record), Object.values(record));
}

// ---------------------------------------------------------------------------------------------
// Athena / Trino print ROW and MAP values as `{key=value, key2={…}, list=[a, b]}` with no quoting.
// Keys never hold `=`, `,` or brackets; a scalar ends at `}` / `]` or at `, ` followed by `key=`
// (inside a struct) or at `, ` (inside a list). JSON text inside (map values that hold objects) is
// recognised and parsed as JSON.

class TrinoSyntax extends Error {}

const KEY_AHEAD = /[^=,{}[\]\s][^=,{}[\]]*=/y;

/** End (exclusive) of the JSON value starting at `p`, tracking strings; -1 when unbalanced. */
function jsonEnd(text: string, p: number): number {
  let depth = 0;
  let inString = false;
  for (let i = p; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Parses Trino's text for a ROW/MAP/ARRAY value; undefined when the text is not in that form. */
export function parseTrinoValue(text: string): unknown {
  let p = 0;

  const scalar = (inStruct: boolean, inList: boolean): string | null => {
    const start = p;
    while (p < text.length) {
      const c = text.charCodeAt(p);
      if ((inStruct && c === 0x7d) || (inList && c === 0x5d)) break;
      if (c === 0x2c && text.charCodeAt(p + 1) === 0x20) {
        if (inList) break;
        if (inStruct) {
          KEY_AHEAD.lastIndex = p + 2;
          if (KEY_AHEAD.test(text)) break;
        }
      }
      p++;
    }
    const s = text.slice(start, p);
    return s === 'null' ? null : s;
  };

  const jsonAt = (): { ok: true; value: unknown } | undefined => {
    const end = jsonEnd(text, p);
    if (end < 0) return undefined;
    const parsed = tryJson(text.slice(p, end));
    if (!parsed.ok) return undefined;
    p = end;
    return parsed;
  };

  const value = (inStruct: boolean, inList: boolean): unknown => {
    const c = text.charCodeAt(p);
    const next = text.charCodeAt(p + 1);
    if (
      (c === 0x7b && next === 0x22) ||
      (c === 0x5b && (next === 0x22 || (next === 0x7b && text.charCodeAt(p + 2) === 0x22)))
    ) {
      const json = jsonAt();
      if (json) return json.value;
    }
    if (c === 0x7b) {
      p++;
      const obj: Obj = {};
      if (text.charCodeAt(p) === 0x7d) {
        p++;
        return obj;
      }
      for (;;) {
        const eq = text.indexOf('=', p);
        if (eq < 0) throw new TrinoSyntax();
        const key = text.slice(p, eq);
        if (/[,{}[\]]/.test(key) || key === '') throw new TrinoSyntax();
        p = eq + 1;
        obj[key] = value(true, false);
        if (text.startsWith(', ', p)) {
          p += 2;
          continue;
        }
        if (text.charCodeAt(p) === 0x7d) {
          p++;
          return obj;
        }
        throw new TrinoSyntax();
      }
    }
    if (c === 0x5b) {
      p++;
      const list: unknown[] = [];
      if (text.charCodeAt(p) === 0x5d) {
        p++;
        return list;
      }
      for (;;) {
        list.push(value(false, true));
        if (text.startsWith(', ', p)) {
          p += 2;
          continue;
        }
        if (text.charCodeAt(p) === 0x5d) {
          p++;
          return list;
        }
        throw new TrinoSyntax();
      }
    }
    return scalar(inStruct, inList);
  };

  try {
    const c = text.charCodeAt(0);
    if (c !== 0x7b && c !== 0x5b) return undefined;
    const v = value(false, false);
    return p === text.length ? v : undefined;
  } catch (e) {
    if (e instanceof TrinoSyntax) return undefined;
    throw e;
  }
}
