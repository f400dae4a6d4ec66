/**
 * AST → matcher: each node becomes a plain closure, built once. Value tests are prepared up front
 * (lower-cased needles, compiled RE2 objects, parsed CIDRs, cached field paths) so that matching a
 * record allocates nothing for the usual equality/prefix/suffix comparisons.
 *
 * Record semantics (see field-path.ts): a field's values are every scalar reachable at its path
 * (arrays fan out, objects are searched); a test on a field matches if any such value matches.
 */
import RE2 from 're2';
import { JackstopError } from '../../errors.js';
import type {
  DetectionNode,
  DetectionRule,
  FieldNode,
  KeywordNode,
  SigmaRule,
  TimePartTest,
  ValueTest,
} from './ast.js';
import { cidrMatcher, parseCidr } from './cidr.js';
import { type FieldPath, fieldPath, type Leaf, type LeafPredicate, someLeaf } from './field-path.js';
import { regexLiteral } from './prefilter.js';
import { equalsAnyIgnoreCase, equalsIgnoreCase, type StringPredicate, stringMatcher } from './string-match.js';

export type SigmaRecord = Readonly<Record<string, unknown>>;
export type RecordPredicate = (record: SigmaRecord) => boolean;

/** A rule ready to run. */
export interface CompiledRule {
  readonly rule: DetectionRule;
  match(record: SigmaRecord): boolean;
}

class CompileError extends Error {}

/** Strict decimal number text (what a JSON number or a numeric string looks like). */
const NUMERIC = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;

function leafText(leaf: Leaf): string {
  return typeof leaf === 'string' ? leaf : String(leaf);
}

function numberOf(leaf: Leaf): number | undefined {
  if (typeof leaf === 'number') return leaf;
  if (typeof leaf === 'string' && NUMERIC.test(leaf)) return Number(leaf);
  return undefined;
}

/** ISO 8601 week number (1–53) of a UTC date. */
function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
}

function timePart(test: TimePartTest, leaf: Leaf): number | undefined {
  if (typeof leaf !== 'string') return undefined;
  const ms = Date.parse(leaf);
  if (Number.isNaN(ms)) return undefined;
  const d = new Date(ms);
  switch (test.part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'week':
      return isoWeek(d);
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
  }
}

/** Tests that look at one scalar value at a time. */
type LeafTest = Exclude<ValueTest, { kind: 'null' | 'exists' | 'fieldref' | 'anyOf' }>;

function isLeafTest(t: ValueTest): boolean {
  if (t.kind === 'anyOf') return t.tests.every(isLeafTest);
  return t.kind !== 'null' && t.kind !== 'exists' && t.kind !== 'fieldref';
}

function flattenLeafTests(tests: readonly ValueTest[], out: LeafTest[] = []): LeafTest[] {
  for (const t of tests) {
    if (t.kind === 'anyOf') flattenLeafTests(t.tests, out);
    else out.push(t as LeafTest);
  }
  return out;
}

const NON_ASCII = /[\u0080-\uffff]/;

/**
 * RE2 behind a cheap guard: text without the literal every match contains (`regexLiteral`, compared
 * ignoring ASCII case, which also covers `i` and `(?i)`) cannot match, so RE2 — a native call — runs
 * only on text that may. Non-ASCII text always goes to RE2: Unicode case folding can map it onto
 * the literal's letters (the Kelvin sign onto `k`).
 */
function regexMatcher(pattern: string, flags: string): StringPredicate {
  const re = new RE2(pattern, flags);
  const literal = regexLiteral(pattern)?.toLowerCase();
  if (literal === undefined || NON_ASCII.test(literal)) return (s) => re.test(s);
  return (s) => (s.toLowerCase().includes(literal) || NON_ASCII.test(s)) && re.test(s);
}

/** A predicate on one scalar. `strings` take the value as text; `raw` ones want the JSON type. */
function compileLeafTests(tests: readonly LeafTest[]): LeafPredicate {
  const caseInsensitiveEquals: string[] = [];
  const strings: StringPredicate[] = [];
  const raw: LeafPredicate[] = [];
  for (const t of tests) {
    switch (t.kind) {
      case 'string':
        if (t.op === 'equals' && !t.cased) caseInsensitiveEquals.push(t.value);
        else strings.push(stringMatcher(t));
        break;
      case 'regex':
        strings.push(regexMatcher(t.pattern, t.flags));
        break;
      case 'cidr': {
        const cidr = parseCidr(t.cidr);
        if (typeof cidr === 'string') throw new CompileError(cidr);
        const inRange = cidrMatcher(cidr);
        raw.push((leaf) => typeof leaf === 'string' && inRange(leaf));
        break;
      }
      case 'number': {
        const { op, value } = t;
        const text = t.text?.toLowerCase();
        raw.push((leaf) => {
          const n = numberOf(leaf);
          if (n === undefined) return text !== undefined && typeof leaf === 'string' && equalsIgnoreCase(leaf, text);
          switch (op) {
            case 'eq':
              return n === value || (text !== undefined && typeof leaf === 'string' && equalsIgnoreCase(leaf, text));
            case 'lt':
              return n < value;
            case 'lte':
              return n <= value;
            case 'gt':
              return n > value;
            case 'gte':
              return n >= value;
          }
        });
        break;
      }
      case 'boolean': {
        const { value } = t;
        const word = String(value);
        // YAML `true` matches JSON true and the string "true" (CloudTrail often quotes booleans).
        raw.push((leaf) => leaf === value || (typeof leaf === 'string' && equalsIgnoreCase(leaf, word)));
        break;
      }
      case 'time':
        raw.push((leaf) => timePart(t, leaf) === t.value);
        break;
    }
  }
  if (caseInsensitiveEquals.length === 1) {
    const needle = caseInsensitiveEquals[0]!.toLowerCase();
    strings.unshift((s) => equalsIgnoreCase(s, needle));
  } else if (caseInsensitiveEquals.length > 1) {
    strings.unshift(equalsAnyIgnoreCase(caseInsensitiveEquals));
  }
  if (raw.length === 0 && strings.length === 1) {
    const only = strings[0]!;
    return (leaf) => only(typeof leaf === 'string' ? leaf : String(leaf));
  }
  return (leaf) => {
    for (let i = 0; i < raw.length; i++) if (raw[i]!(leaf)) return true;
    if (strings.length === 0) return false;
    const s = leafText(leaf);
    for (let i = 0; i < strings.length; i++) if (strings[i]!(s)) return true;
    return false;
  };
}

function fieldRefPredicate(path: FieldPath, t: Extract<ValueTest, { kind: 'fieldref' }>): RecordPredicate {
  const ref = fieldPath(t.field);
  // Scratch list of the referenced values, refilled per record (matching is synchronous).
  const refs: string[] = [];
  const collect = (leaf: Leaf): boolean => {
    refs.push(t.cased ? leafText(leaf) : leafText(leaf).toLowerCase());
    return false;
  };
  const compare = (leaf: Leaf): boolean => {
    const s = t.cased ? leafText(leaf) : leafText(leaf).toLowerCase();
    for (const r of refs) {
      switch (t.op) {
        case 'equals':
          if (s === r) return true;
          break;
        case 'startswith':
          if (s.startsWith(r)) return true;
          break;
        case 'endswith':
          if (s.endsWith(r)) return true;
          break;
        case 'contains':
          if (s.includes(r)) return true;
          break;
      }
    }
    return false;
  };
  return (record) => {
    refs.length = 0;
    ref.someLeaf(record, collect);
    return refs.length > 0 && path.someLeaf(record, compare);
  };
}

const isNotNull = (v: unknown): boolean => v !== null;

/** One rule value of a field as a record predicate. */
function fieldValuePredicate(path: FieldPath, t: ValueTest): RecordPredicate {
  switch (t.kind) {
    case 'null':
      // Absent, or null wherever the path leads.
      return (record) => !path.someValue(record, isNotNull);
    case 'exists':
      return t.value ? (record) => path.exists(record) : (record) => !path.exists(record);
    case 'fieldref':
      return fieldRefPredicate(path, t);
    case 'anyOf':
      if (!isLeafTest(t)) return anyOf(t.tests.map((x) => fieldValuePredicate(path, x)));
      break;
    default:
      break;
  }
  const leaf = compileLeafTests(flattenLeafTests([t]));
  return (record) => path.someLeaf(record, leaf);
}

function anyOf(preds: readonly RecordPredicate[]): RecordPredicate {
  if (preds.length === 1) return preds[0]!;
  if (preds.length === 2) {
    const [a, b] = preds as [RecordPredicate, RecordPredicate];
    return (r) => a(r) || b(r);
  }
  return (r) => {
    for (let i = 0; i < preds.length; i++) if (preds[i]!(r)) return true;
    return false;
  };
}

function allOf(preds: readonly RecordPredicate[]): RecordPredicate {
  if (preds.length === 1) return preds[0]!;
  if (preds.length === 2) {
    const [a, b] = preds as [RecordPredicate, RecordPredicate];
    return (r) => a(r) && b(r);
  }
  return (r) => {
    for (let i = 0; i < preds.length; i++) if (!preds[i]!(r)) return false;
    return true;
  };
}

function compileField(n: FieldNode): RecordPredicate {
  const path = fieldPath(n.field);
  let pred: RecordPredicate;
  if (n.match === 'all') {
    pred = allOf(n.values.map((t) => fieldValuePredicate(path, t)));
  } else {
    // One walk over the field's values tests every plain value at once.
    const leafTests = n.values.filter(isLeafTest);
    const others = n.values.filter((t) => !isLeafTest(t)).map((t) => fieldValuePredicate(path, t));
    const preds: RecordPredicate[] = [];
    if (leafTests.length > 0) {
      const leaf = compileLeafTests(flattenLeafTests(leafTests));
      preds.push((record) => path.someLeaf(record, leaf));
    }
    pred = anyOf([...preds, ...others]);
  }
  if (!n.negate) return pred;
  const inner = pred;
  return (record) => !inner(record);
}

function compileKeyword(n: KeywordNode): RecordPredicate {
  const leafPredicate = (tests: readonly ValueTest[]): LeafPredicate => {
    if (!tests.every(isLeafTest)) throw new CompileError('keywords only take string values');
    return compileLeafTests(flattenLeafTests(tests));
  };
  if (n.match === 'all') {
    return allOf(
      n.values.map((t) => {
        const leaf = leafPredicate([t]);
        return (record: SigmaRecord) => someLeaf(record, leaf);
      }),
    );
  }
  const leaf = leafPredicate(n.values);
  return (record) => someLeaf(record, leaf);
}

/** Rough evaluation cost, to test cheap children of and/or first (both are commutative here). */
function cost(n: DetectionNode): number {
  switch (n.kind) {
    case 'field':
      return n.values.reduce((c, t) => c + testCost(t), n.field.includes('.') ? 1 : 0);
    case 'keyword':
      return 50 + n.values.reduce((c, t) => c + testCost(t), 0);
    case 'and':
    case 'or':
      return n.children.reduce((c, x) => c + cost(x), 0);
    case 'not':
      return cost(n.child);
    case 'selection':
      return cost(n.body);
    case 'of':
      return n.selections.reduce((c, x) => c + cost(x), 0);
  }
}

function testCost(t: ValueTest): number {
  switch (t.kind) {
    case 'string':
      return t.op === 'equals' ? 1 : t.op === 'glob' ? 4 : 2;
    case 'regex':
      return 8;
    case 'fieldref':
    case 'time':
      return 6;
    case 'anyOf':
      return t.tests.reduce((c, x) => c + testCost(x), 0);
    default:
      return 2;
  }
}

function byCost(children: readonly DetectionNode[]): DetectionNode[] {
  return children
    .map((c, i) => ({ c, i, k: cost(c) }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((x) => x.c);
}

function compileNode(n: DetectionNode, memo: Map<DetectionNode, RecordPredicate>): RecordPredicate {
  const known = memo.get(n);
  if (known) return known;
  let pred: RecordPredicate;
  switch (n.kind) {
    case 'and':
      pred = allOf(byCost(n.children).map((c) => compileNode(c, memo)));
      break;
    case 'or':
      pred = anyOf(byCost(n.children).map((c) => compileNode(c, memo)));
      break;
    case 'not': {
      const inner = compileNode(n.child, memo);
      pred = (r) => !inner(r);
      break;
    }
    case 'selection':
      pred = compileNode(n.body, memo);
      break;
    case 'of': {
      const parts = byCost(n.selections).map((s) => compileNode(s, memo));
      pred = n.quantifier === 'all' ? allOf(parts) : anyOf(parts);
      break;
    }
    case 'field':
      pred = compileField(n);
      break;
    case 'keyword':
      pred = compileKeyword(n);
      break;
  }
  memo.set(n, pred);
  return pred;
}

/**
 * Compile a parsed detection rule. Throws `JackstopError` (JACKSTOP_RULE_INVALID) if a value cannot
 * be compiled, and JACKSTOP_RULE_UNSUPPORTED for a correlation rule, which has no per-record
 * matcher (the Detector runs correlations over the matches of the rules they reference).
 */
export function compileRule(rule: SigmaRule): CompiledRule {
  if (rule.kind !== 'detection') {
    throw new JackstopError(
      'JACKSTOP_RULE_UNSUPPORTED',
      `rule '${rule.title}' is a correlation rule; it matches groups of events, not one record (run it with the Detector)`,
      { location: { file: rule.source.file, line: rule.source.line } },
    );
  }
  let match: RecordPredicate;
  try {
    match = compileNode(rule.detection, new Map());
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new JackstopError('JACKSTOP_RULE_INVALID', `rule '${rule.title}' cannot be compiled: ${message}`, {
      location: { file: rule.source.file, line: rule.source.line },
      cause: e,
    });
  }
  return Object.freeze({ rule, match });
}
