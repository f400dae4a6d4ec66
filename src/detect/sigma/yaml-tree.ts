/**
 * YAML documents → a small positioned tree (maps, sequences, scalars), aliases resolved. Every node
 * keeps its line and column so rule errors can point at the offending YAML. The tree is also what
 * Sigma 1 rule collections (`action: global` / `repeat`) merge.
 */
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
} from 'yaml';
import type { SourcePos } from './ast.js';

export interface YScalar {
  readonly t: 'scalar';
  readonly value: string | number | boolean | null;
  /** Source text for plain scalars (`0x17`), the value for quoted ones. */
  readonly source?: string;
  readonly pos: SourcePos;
  /** Column where the value's text starts, when the text is the value verbatim on one line. */
  readonly textColumn?: number;
}

export interface YEntry {
  readonly key: string;
  readonly keyPos: SourcePos;
  readonly value: YNode;
}

export interface YMap {
  readonly t: 'map';
  readonly entries: readonly YEntry[];
  readonly pos: SourcePos;
}

export interface YSeq {
  readonly t: 'seq';
  readonly items: readonly YNode[];
  readonly pos: SourcePos;
}

export type YNode = YScalar | YMap | YSeq;

export interface YDocument {
  /** Undefined for an empty document. */
  readonly root: YNode | undefined;
  readonly pos: SourcePos;
  /** First YAML syntax error, if any. */
  readonly error?: { readonly message: string; readonly pos: SourcePos };
}

/** Alias expansion beyond this many nodes is refused (billion-laughs protection). */
const MAX_NODES = 50_000;
const MAX_DEPTH = 100;

class TreeError extends Error {
  constructor(
    message: string,
    readonly pos: SourcePos,
  ) {
    super(message);
  }
}

/** Parse every document of a YAML stream. */
export function parseYamlDocuments(text: string): YDocument[] {
  const lineCounter = new LineCounter();
  const at = (offset: number): SourcePos => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const docs = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const out: YDocument[] = [];
  for (const doc of docs) {
    const start = doc.contents?.range?.[0] ?? doc.range[0];
    const pos = at(start);
    const first = doc.errors[0];
    if (first) {
      out.push({ root: undefined, pos, error: { message: first.message, pos: at(first.pos[0]) } });
      continue;
    }
    try {
      const budget = { nodes: 0 };
      const root = doc.contents ? convert(doc.contents, doc, text, at, budget, 0) : undefined;
      const empty = root === undefined || (root.t === 'scalar' && root.value === null);
      out.push({ root: empty ? undefined : root, pos });
    } catch (e) {
      if (!(e instanceof TreeError)) throw e;
      out.push({ root: undefined, pos, error: { message: e.message, pos: e.pos } });
    }
  }
  return out;
}

function convert(
  n: Node | null | undefined,
  doc: Document.Parsed,
  text: string,
  at: (offset: number) => SourcePos,
  budget: { nodes: number },
  depth: number,
  fallback?: SourcePos,
): YNode {
  const pos = n?.range ? at(n.range[0]) : (fallback ?? { line: 1, column: 1 });
  if (++budget.nodes > MAX_NODES) throw new TreeError('the YAML expands to too many nodes (alias bomb?)', pos);
  if (depth > MAX_DEPTH) throw new TreeError('the YAML nests too deeply', pos);
  if (n === null || n === undefined) return { t: 'scalar', value: null, source: '', pos };
  if (isAlias(n)) {
    const target = n.resolve(doc);
    if (!target) throw new TreeError(`unknown YAML alias *${n.source}`, pos);
    return convert(target, doc, text, at, budget, depth + 1, pos);
  }
  if (isScalar(n)) {
    const v = n.value;
    const value =
      v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : String(v);
    let textColumn: number | undefined;
    if (typeof value === 'string' && n.range && !value.includes('\n')) {
      const start = n.range[0];
      const quoted = text[start] === "'" || text[start] === '"';
      if (text.startsWith(value, quoted ? start + 1 : start)) textColumn = pos.column + (quoted ? 1 : 0);
    }
    return {
      t: 'scalar',
      value,
      source: typeof n.source === 'string' ? n.source : undefined,
      pos,
      textColumn,
    };
  }
  if (isMap(n)) {
    const entries: YEntry[] = [];
    for (const pair of n.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      const keyPos = keyNode?.range ? at(keyNode.range[0]) : pos;
      let key: string;
      if (isScalar(keyNode) && keyNode.value !== null && typeof keyNode.value !== 'object') {
        key = String(keyNode.value);
      } else {
        throw new TreeError('map keys must be plain strings', keyPos);
      }
      entries.push({
        key,
        keyPos,
        value: convert(pair.value as Node | null, doc, text, at, budget, depth + 1, keyPos),
      });
    }
    return { t: 'map', entries, pos };
  }
  if (isSeq(n)) {
    return {
      t: 'seq',
      items: n.items.map((item) => convert(item as Node, doc, text, at, budget, depth + 1, pos)),
      pos,
    };
  }
  throw new TreeError('unsupported YAML node', pos);
}

export function entry(map: YMap, key: string): YEntry | undefined {
  return map.entries.find((e) => e.key === key);
}

/** Sigma 1 collections: `over` merged into `base`, maps key by key, anything else replaced. */
export function mergeNodes(base: YNode, over: YNode): YNode {
  if (base.t !== 'map' || over.t !== 'map') return over;
  const entries: YEntry[] = [];
  for (const e of base.entries) {
    const o = entry(over, e.key);
    entries.push(o ? { ...o, value: mergeNodes(e.value, o.value) } : e);
  }
  for (const o of over.entries) if (!entry(base, o.key)) entries.push(o);
  return { t: 'map', entries, pos: over.pos };
}

/** Plain JavaScript value of a node (for metadata and custom keys). */
export function toPlain(n: YNode): unknown {
  if (n.t === 'scalar') return n.value;
  if (n.t === 'seq') return n.items.map(toPlain);
  const obj: Record<string, unknown> = {};
  for (const e of n.entries) {
    // `__proto__` must become a key, not the prototype.
    Object.defineProperty(obj, e.key, {
      value: toPlain(e.value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return obj;
}

/** The node at a path of keys/indexes, as far as it exists. */
export function nodeAt(root: YNode, path: readonly PropertyKey[]): { pos: SourcePos } {
  let current: YNode = root;
  let pos = root.pos;
  for (const key of path) {
    if (current.t === 'map') {
      const e = entry(current, String(key));
      if (!e) break;
      current = e.value;
      // An empty value (`level:`) has no position of its own: point at its key.
      pos = current.t === 'scalar' && current.value === null && current.source === '' ? e.keyPos : current.pos;
    } else if (current.t === 'seq' && typeof key === 'number' && current.items[key]) {
      current = current.items[key]!;
      pos = current.pos;
    } else {
      break;
    }
  }
  return { pos };
}
