/**
 * Dotted field paths into nested JSON (`userIdentity.sessionContext.sessionIssuer.type`).
 *
 * - A key that itself contains dots wins when it is present literally (`{"a.b": 1}` for `a.b`);
 *   otherwise every split of the path at a dot is tried, shortest first.
 * - Arrays anywhere along the path fan out: the path matches if any element matches.
 * - Only own properties count (`constructor` is not a field of `{}`).
 *
 * Walks are written without closures or per-call allocation: the hot path of every rule goes here.
 */

/** A scalar value a matcher looks at. */
export type Leaf = string | number | boolean;
export type LeafPredicate = (leaf: Leaf) => boolean;
export type ValuePredicate = (value: unknown) => boolean;

/** Nesting deeper than this is not searched (protects the stack from hostile JSON). */
export const MAX_DEPTH = 64;

const MODE_LEAF = 0;
const MODE_VALUE = 1;
const MODE_EXISTS = 2;
type Mode = typeof MODE_LEAF | typeof MODE_VALUE | typeof MODE_EXISTS;

const hasOwn = Object.prototype.hasOwnProperty;

/** Keys that a plain object inherits: reading them needs an own-property check. */
function inherited(key: string): boolean {
  return key in Object.prototype;
}

/** Call `pred` on every scalar inside `value` (arrays and objects are walked); true if any call is. */
export function someLeaf(value: unknown, pred: LeafPredicate, depth = 0): boolean {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return pred(value);
    case 'object': {
      if (value === null || depth >= MAX_DEPTH) return false;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) if (someLeaf(value[i], pred, depth + 1)) return true;
        return false;
      }
      for (const key in value) {
        if (hasOwn.call(value, key) && someLeaf((value as Record<string, unknown>)[key], pred, depth + 1)) return true;
      }
      return false;
    }
    default:
      return false;
  }
}

/** Call `pred` on the value and, if it is an array, on each element (nested arrays flattened). */
function someValue(value: unknown, pred: ValuePredicate, depth: number): boolean {
  if (Array.isArray(value)) {
    if (depth >= MAX_DEPTH) return false;
    for (let i = 0; i < value.length; i++) if (someValue(value[i], pred, depth + 1)) return true;
    return false;
  }
  return pred(value);
}

export class FieldPath {
  readonly path: string;
  readonly segments: readonly string[];
  /** `joined[i][j]` is segments i..j joined with dots. */
  readonly #joined: string[][];
  readonly #checkOwn: boolean[][];
  readonly #single: string | undefined;
  readonly #singleCheckOwn: boolean;

  constructor(path: string) {
    this.path = path;
    this.segments = Object.freeze(path.split('.'));
    const n = this.segments.length;
    this.#joined = [];
    this.#checkOwn = [];
    for (let i = 0; i < n; i++) {
      const row: string[] = [];
      const own: boolean[] = [];
      let key = '';
      for (let j = i; j < n; j++) {
        key = j === i ? this.segments[j]! : `${key}.${this.segments[j]!}`;
        row[j] = key;
        own[j] = inherited(key);
      }
      this.#joined.push(row);
      this.#checkOwn.push(own);
    }
    this.#single = n === 1 ? path : undefined;
    this.#singleCheckOwn = inherited(path);
  }

  /** True if `pred` holds for any scalar reachable at this path (arrays and objects below are walked). */
  someLeaf(record: unknown, pred: LeafPredicate): boolean {
    if (this.#single !== undefined && record !== null && typeof record === 'object' && !Array.isArray(record)) {
      if (this.#singleCheckOwn && !hasOwn.call(record, this.#single)) return false;
      const v = (record as Record<string, unknown>)[this.#single];
      return v === undefined ? false : someLeaf(v, pred, 1);
    }
    return this.#visit(record, 0, MODE_LEAF, pred, 0);
  }

  /** True if `pred` holds for any value at this path (arrays flattened, objects passed whole, null included). */
  someValue(record: unknown, pred: ValuePredicate): boolean {
    return this.#visit(record, 0, MODE_VALUE, pred, 0);
  }

  /** True if the key is present (with any value, null included). */
  exists(record: unknown): boolean {
    return this.#visit(record, 0, MODE_EXISTS, undefined, 0);
  }

  #terminal(v: unknown, mode: Mode, pred: LeafPredicate | ValuePredicate | undefined, depth: number): boolean {
    if (mode === MODE_EXISTS) return true;
    if (mode === MODE_LEAF) return someLeaf(v, pred as LeafPredicate, depth);
    return someValue(v, pred as ValuePredicate, depth);
  }

  #visit(
    container: unknown,
    i: number,
    mode: Mode,
    pred: LeafPredicate | ValuePredicate | undefined,
    depth: number,
  ): boolean {
    if (container === null || typeof container !== 'object' || depth >= MAX_DEPTH) return false;
    if (Array.isArray(container)) {
      for (let k = 0; k < container.length; k++) if (this.#visit(container[k], i, mode, pred, depth + 1)) return true;
      return false;
    }
    const obj = container as Record<string, unknown>;
    const last = this.segments.length - 1;
    const row = this.#joined[i]!;
    const own = this.#checkOwn[i]!;
    // The rest of the path as one literal key wins.
    const whole = row[last]!;
    const wv = obj[whole];
    if (wv !== undefined && (!own[last] || hasOwn.call(obj, whole))) return this.#terminal(wv, mode, pred, depth + 1);
    for (let j = i; j < last; j++) {
      const key = row[j]!;
      const v = obj[key];
      if (v === undefined || (own[j] && !hasOwn.call(obj, key))) continue;
      if (this.#visit(v, j + 1, mode, pred, depth + 1)) return true;
    }
    return false;
  }
}

const cache = new Map<string, FieldPath>();

/** The (shared, cached) path object for a dotted field name. */
export function fieldPath(path: string): FieldPath {
  let p = cache.get(path);
  if (!p) {
    p = new FieldPath(path);
    cache.set(path, p);
  }
  return p;
}
