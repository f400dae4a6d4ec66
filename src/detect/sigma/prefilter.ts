/**
 * A byte-level prefilter: from the rules' literal constraints, a test on a record's raw JSON text
 * that says "no rule can match this record" without parsing it. It may say "maybe" for a record
 * no rule matches (the record is then parsed and evaluated in full), never "no" for a record some
 * rule matches: a rule fires only if one of its string values appears in a field, and such a value
 * appears in the raw text unless JSON escaping hides it — which the triggers below catch.
 *
 * Per rule, the analysis derives a set of literals such that every record the rule matches contains
 * one of them (case-insensitively): a field's values give their longest escape-safe ASCII run; AND
 * keeps the most selective child, OR takes the union. A rule with no such set (a negation at the
 * top, a regex, a number or CIDR test only) makes the prefilter pass everything: correct, just slow.
 *
 * Why the literal is found in the raw text whenever the rule matches:
 * - Case-insensitive Sigma comparisons are `value.toLowerCase()` against a lower-cased needle; the
 *   literal is an ASCII run of that needle and the test is an ASCII case-insensitive search, so it
 *   holds for ASCII text. Any non-ASCII character in the text (where lower-casing can turn a
 *   non-ASCII letter into an ASCII one, e.g. the Kelvin sign) makes the record pass.
 * - JSON may escape any character (`\u0041`, `\/`): a text with `\u` or `\/` passes. Literals never
 *   hold `"`, `\` or control characters, whose escapes are mandatory.
 * - Numbers are compared as `String(n)`, which may differ from their JSON text (`1e3` vs `1000`):
 *   a literal made only of characters a number's text can hold is not used.
 */
import type { DetectionNode, DetectionRule, ValueTest } from './ast.js';

/** Shorter literals match almost every record: they are not worth a search. */
const MIN_LITERAL = 3;
const NUMBER_TEXT = /^[0-9.e+-]*$/;
/** Escapes JSON allows but does not require, which may hide a literal (non-ASCII characters are hits too). */
const ESCAPE_TRIGGERS = ['\\u', '\\/'];

/** Literals (lower-case) one of which every matching record holds, with how selective the choice looks. */
interface Anchor {
  readonly literals: ReadonlySet<string>;
  /** Higher is more selective: distinct values rules give the field, then the shortest literal's length. */
  readonly score: number;
}

/** The longest run of characters that JSON never has to escape and that lower-casing leaves as they are. */
function safeRun(s: string): string | undefined {
  let best = '';
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : -1;
    const ok = c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c;
    if (!ok) {
      if (i - start > best.length) best = s.slice(start, i);
      start = i + 1;
    }
  }
  const lit = best.toLowerCase();
  return lit.length >= MIN_LITERAL && !NUMBER_TEXT.test(lit) ? lit : undefined;
}

const REGEX_PLAIN = /[A-Za-z0-9 _:/@%&=,;'"<>!~`#-]/;
const REGEX_ESCAPED_LITERAL = /[.^$|?*+()[\]{}\\/:@#%&=,;'"<>!~`-]/;

/**
 * The longest run of text every match of the regex contains, or undefined. Conservative: a pattern
 * with a top-level `|` has none; groups and classes end a run and their content is not used; a
 * character followed by `?`, `*` or `{` is optional and ends the run before it.
 */
export function regexLiteral(pattern: string): string | undefined {
  let depth = 0;
  let best = '';
  let run = '';
  const end = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      i++;
      if (depth === 0 && next !== undefined && REGEX_ESCAPED_LITERAL.test(next)) {
        run += next;
        continue;
      }
      end();
      // Escapes with a body (`\x41`, `\x{41}`, `\pL`, `\p{Greek}`, `\101`): the body is not literal text.
      if (next === 'Q') return undefined; // `\Q…\E` quotes metacharacters: too rare to be worth reading
      if ((next === 'x' || next === 'p' || next === 'P') && pattern[i + 1] === '{') {
        while (i < pattern.length && pattern[i] !== '}') i++;
      } else if (next === 'x') i += 2;
      else if (next === 'p' || next === 'P') i += 1;
      else if (next !== undefined && next >= '0' && next <= '7') {
        for (let k = 0; k < 2 && pattern[i + 1]! >= '0' && pattern[i + 1]! <= '7'; k++) i++;
      }
      continue;
    }
    if (c === '[') {
      // Skip the class, escapes and a leading `]` included.
      end();
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      i = j;
      continue;
    }
    if (c === '(') {
      depth++;
      end();
      continue;
    }
    if (c === ')') {
      depth--;
      end();
      continue;
    }
    if (c === '|') return undefined;
    if (c === '?' || c === '*' || c === '{') {
      // The atom before is optional (or repeated from zero): it cannot be part of a necessary run.
      run = run.slice(0, -1);
      end();
      if (c === '{') while (i < pattern.length && pattern[i] !== '}') i++;
      continue;
    }
    if (c === '+') {
      end();
      continue;
    }
    if (depth === 0 && REGEX_PLAIN.test(c)) run += c;
    else end();
  }
  end();
  return best === '' ? undefined : best;
}

/** JSON literals a string test also matches unquoted (`String(true)`); numbers never get here. */
const BARE = new Set(['true', 'false', 'null']);

/**
 * A whole value, or its start or end, written as a JSON string holds it: with the quote beside it.
 * `"encrypt"` is far rarer than `encrypt`, which `encryptionContext` holds.
 */
function quoted(lit: string, op: 'equals' | 'startswith' | 'endswith'): string {
  for (const bare of BARE) {
    if (op === 'equals' ? bare === lit : op === 'startswith' ? bare.startsWith(lit) : bare.endsWith(lit)) return lit;
  }
  if (op === 'equals') return `"${lit}"`;
  return op === 'startswith' ? `"${lit}` : `${lit}"`;
}

/** The literal a record must hold for this value test to pass, or undefined when there is none. */
function literalsOf(t: ValueTest, out: Set<string>): boolean {
  switch (t.kind) {
    case 'string': {
      let text: string;
      if (t.op === 'glob') {
        // The longest literal token between wildcards.
        text = '';
        for (const tok of t.pattern) if (typeof tok === 'string' && tok.length > text.length) text = tok;
      } else {
        text = t.value;
      }
      const folded = t.cased ? text : text.toLowerCase();
      const lit = safeRun(folded);
      if (lit === undefined) return false;
      out.add(lit === folded && t.op !== 'glob' && t.op !== 'contains' ? quoted(lit, t.op) : lit);
      return true;
    }
    case 'regex': {
      const run = regexLiteral(t.pattern);
      const lit = run === undefined ? undefined : safeRun(run.toLowerCase());
      if (lit === undefined) return false;
      out.add(lit);
      return true;
    }
    case 'anyOf':
      return t.tests.every((x) => literalsOf(x, out));
    default:
      return false;
  }
}

/**
 * Whole values most CloudTrail records hold (the identity types of everyday callers): a rule that
 * requires one of them next to a rarer value is better anchored on the rarer one, however few
 * distinct values rules give that field. Choosing an anchor only changes what is parsed, never
 * what matches.
 */
const FREQUENT_VALUES: ReadonlySet<string> = new Set(['"iamuser"', '"assumedrole"', '"awsservice"', '"awsaccount"']);

function scoreOf(lits: ReadonlySet<string>, fieldScore: number): number {
  const frequent = [...lits].every((l) => FREQUENT_VALUES.has(l));
  return (frequent ? 0 : fieldScore) + minLength(lits);
}

function anchorOfValues(values: readonly ValueTest[], match: 'any' | 'all', score: number): Anchor | undefined {
  if (match === 'all') {
    // Every value must match: any one of them is a necessary literal set; keep the longest.
    let best: Anchor | undefined;
    for (const v of values) {
      const lits = new Set<string>();
      if (!literalsOf(v, lits)) continue;
      const a = { literals: lits, score: scoreOf(lits, score) };
      if (!best || a.score > best.score) best = a;
    }
    return best;
  }
  const lits = new Set<string>();
  if (values.length === 0 || !values.every((v) => literalsOf(v, lits))) return undefined;
  return { literals: lits, score: scoreOf(lits, score) };
}

function minLength(lits: ReadonlySet<string>): number {
  let m = Number.POSITIVE_INFINITY;
  for (const l of lits) m = Math.min(m, l.length);
  return Math.min(m, 999);
}

function anchorOf(n: DetectionNode, fieldScore: (field: string) => number): Anchor | undefined {
  switch (n.kind) {
    case 'field':
      return n.negate ? undefined : anchorOfValues(n.values, n.match, fieldScore(n.field));
    case 'keyword':
      return anchorOfValues(n.values, n.match, 0);
    case 'not':
      return undefined;
    case 'selection':
      return anchorOf(n.body, fieldScore);
    case 'and':
      return best(n.children.map((c) => anchorOf(c, fieldScore)));
    case 'or':
      return union(n.children.map((c) => anchorOf(c, fieldScore)));
    case 'of': {
      const parts = n.selections.map((s) => anchorOf(s, fieldScore));
      return n.quantifier === 'all' ? best(parts) : union(parts);
    }
  }
}

function best(parts: readonly (Anchor | undefined)[]): Anchor | undefined {
  let out: Anchor | undefined;
  for (const p of parts) if (p && (!out || p.score > out.score)) out = p;
  return out;
}

function union(parts: readonly (Anchor | undefined)[]): Anchor | undefined {
  if (parts.length === 0 || parts.some((p) => p === undefined)) return undefined;
  const literals = new Set<string>();
  let score = Number.POSITIVE_INFINITY;
  for (const p of parts as Anchor[]) {
    for (const l of p.literals) literals.add(l);
    score = Math.min(score, p.score);
  }
  return { literals, score };
}

/** Distinct string values per field across all rules: `eventName` (hundreds) beats `eventSource`. */
function fieldScores(rules: readonly DetectionRule[]): (field: string) => number {
  const distinct = new Map<string, Set<string>>();
  const visit = (n: DetectionNode): void => {
    switch (n.kind) {
      case 'field': {
        const set = distinct.get(n.field) ?? new Set<string>();
        distinct.set(n.field, set);
        for (const v of n.values) literalsOf(v, set);
        return;
      }
      case 'keyword':
        return;
      case 'not':
        visit(n.child);
        return;
      case 'selection':
        visit(n.body);
        return;
      case 'and':
      case 'or':
        for (const c of n.children) visit(c);
        return;
      case 'of':
        for (const s of n.selections) visit(s);
        return;
    }
  };
  for (const r of rules) visit(r.detection);
  return (field) => (distinct.get(field)?.size ?? 0) * 1000;
}

export interface RecordPrefilter {
  /** False only if no rule (and no extra consumer) can match the record whose raw JSON text this is. */
  readonly test: (text: string) => boolean;
  /** `test` on the UTF-8 bytes `[start, end)` of `bytes`, without decoding them. */
  readonly testBytes: (bytes: Uint8Array, start: number, end: number) => boolean;
  /** The literals searched for (lower-case), sorted. */
  readonly literals: readonly string[];
  /** Rules without a literal anchor: while there is one, every record passes. */
  readonly unanchored: readonly DetectionRule[];
}

/** Literals safe to use as extra anchors (other consumers of records, e.g. usage counting): lower-case, escape-safe ASCII. */
export function isSafeLiteral(s: string): boolean {
  return safeRun(s) === s;
}

/**
 * The prefilter for a set of detection rules. `extra` adds literals for other consumers of the same
 * records (each must pass `isSafeLiteral`); a consumer that needs every record cannot use a prefilter.
 */
export function recordPrefilter(rules: readonly DetectionRule[], extra: readonly string[] = []): RecordPrefilter {
  const score = fieldScores(rules);
  const literals = new Set<string>();
  const unanchored: DetectionRule[] = [];
  for (const r of rules) {
    const a = anchorOf(r.detection, score);
    if (!a) unanchored.push(r);
    else for (const l of a.literals) literals.add(l);
  }
  for (const l of extra) {
    if (!isSafeLiteral(l)) throw new Error(`not a safe prefilter literal: ${JSON.stringify(l)}`);
    literals.add(l);
  }
  const sorted = [...literals].sort();
  if (unanchored.length > 0) return { test: () => true, testBytes: () => true, literals: sorted, unanchored };
  // Literals that contain another literal are redundant (the shorter one is found first anyway).
  const needed = sorted.filter((l) => !sorted.some((o) => o !== l && l.includes(o)));
  const ac = new LiteralAutomaton([...needed, ...ESCAPE_TRIGGERS]);
  return {
    test: (text) => ac.testString(text),
    testBytes: (bytes, start, end) => ac.testBytes(bytes, start, end),
    literals: sorted,
    unanchored,
  };
}

/**
 * Aho-Corasick over ASCII, case-insensitive, as a dense automaton: one table step per byte, the
 * literals all searched in one pass. A character outside ASCII is a hit by itself (see the module
 * comment), so UTF-8 bytes need no decoding.
 */
class LiteralAutomaton {
  /** Byte (or char code < 128) → symbol class; 0 for characters no literal holds. */
  readonly #cls = new Uint8Array(128);
  /** next state × classes, pre-multiplied; negative when the next state ends a literal. */
  readonly #delta: Int32Array;

  constructor(literals: readonly string[]) {
    let classes = 1;
    for (const l of literals) {
      for (let i = 0; i < l.length; i++) {
        const c = l.charCodeAt(i);
        const lower = c >= 65 && c <= 90 ? c + 32 : c;
        if (this.#cls[lower] === 0) {
          this.#cls[lower] = classes;
          if (lower >= 97 && lower <= 122) this.#cls[lower - 32] = classes;
          classes++;
        }
      }
    }
    // The trie.
    const next: number[][] = [new Array<number>(classes).fill(-1)];
    const ends: boolean[] = [false];
    for (const l of literals) {
      let s = 0;
      for (let i = 0; i < l.length; i++) {
        const k = this.#cls[l.charCodeAt(i)]!;
        if (next[s]![k] === -1) {
          next[s]![k] = next.length;
          next.push(new Array<number>(classes).fill(-1));
          ends.push(false);
        }
        s = next[s]![k]!;
      }
      ends[s] = true;
    }
    // Failure links, breadth first, turning the trie into a full transition table.
    const fail = new Array<number>(next.length).fill(0);
    const queue: number[] = [];
    for (let k = 0; k < classes; k++) {
      const t = next[0]![k]!;
      if (t === -1) next[0]![k] = 0;
      else queue.push(t);
    }
    for (let q = 0; q < queue.length; q++) {
      const s = queue[q]!;
      ends[s] = ends[s]! || ends[fail[s]!]!;
      for (let k = 0; k < classes; k++) {
        const t = next[s]![k]!;
        if (t === -1) next[s]![k] = next[fail[s]!]![k]!;
        else {
          fail[t] = next[fail[s]!]![k]!;
          queue.push(t);
        }
      }
    }
    this.#delta = new Int32Array(next.length * classes);
    for (let s = 0; s < next.length; s++) {
      for (let k = 0; k < classes; k++) {
        const t = next[s]![k]!;
        this.#delta[s * classes + k] = ends[t] ? -1 : t * classes;
      }
    }
  }

  testBytes(b: Uint8Array, start: number, end: number): boolean {
    const cls = this.#cls;
    const delta = this.#delta;
    let s = 0;
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      if (c >= 0x80) return true;
      s = delta[s + cls[c]!]!;
      if (s < 0) return true;
    }
    return false;
  }

  testString(text: string): boolean {
    const cls = this.#cls;
    const delta = this.#delta;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) return true;
      s = delta[s + cls[c]!]!;
      if (s < 0) return true;
    }
    return false;
  }
}
