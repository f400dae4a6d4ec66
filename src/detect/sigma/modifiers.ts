/**
 * Value modifiers (`field|contains|all: …`): the modifier chain turns each rule value into a
 * normalized `ValueTest`, or explains why the chain is invalid.
 *
 * Modifiers are applied left to right, as the specification says. Each step takes a value of one
 * type (a Sigma string, raw bytes, a regex, a number …) and yields one or more values; the table
 * `MODIFIERS` says which step each name is. `all` and `neq` act on the whole item, not on values.
 */
import RE2 from 're2';
import type { SourcePos, ValueTest } from './ast.js';
import { parseCidr } from './cidr.js';
import {
  concatParts,
  hasPlaceholders,
  hasWildcards,
  isPlaceholder,
  isWildcard,
  parseSigmaString,
  plainText,
  type StringPart,
  WILDCARD_STAR,
} from './sigma-string.js';

/** A scalar from the rule's YAML. */
export interface RawValue {
  readonly value: string | number | boolean | null;
  /** YAML source text of the scalar (keeps `0x17` for a number). */
  readonly source?: string;
  readonly at?: SourcePos;
}

export interface ModifierOptions {
  placeholders?: Readonly<Record<string, readonly string[]>>;
}

export interface ModifiedItem {
  readonly values: ValueTest[];
  readonly match: 'any' | 'all';
  readonly negate: boolean;
}

/** A rule the chain cannot accept; `valueIndex` points at the offending value, if one. */
export class ModifierError extends Error {
  constructor(
    message: string,
    readonly code: 'JACKSTOP_RULE_INVALID' | 'JACKSTOP_RULE_UNSUPPORTED' = 'JACKSTOP_RULE_INVALID',
    readonly valueIndex?: number,
  ) {
    super(message);
    this.name = 'ModifierError';
  }
}

type MatchOp = 'contains' | 'startswith' | 'endswith';
type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
type CompareOp = 'lt' | 'lte' | 'gt' | 'gte';

/** Intermediate value types while the chain is applied. */
type Stage =
  | { t: 'string'; parts: StringPart[]; raw: string; cased: boolean; transformed: boolean }
  | { t: 'bytes'; bytes: Buffer }
  | { t: 'regex'; pattern: string; flags: string }
  | { t: 'cidr'; cidr: string }
  | { t: 'number'; value: number; text?: string }
  | { t: 'compare'; op: CompareOp; value: number }
  | { t: 'time'; part: TimePart; value: number }
  | { t: 'bool'; value: boolean }
  | { t: 'null' }
  | { t: 'exists'; value: boolean }
  | { t: 'fieldref'; field: string; op: 'equals' | MatchOp; cased: boolean };

interface ChainContext {
  readonly field: string | undefined;
  readonly modifier: string;
  readonly index: number;
  readonly options: ModifierOptions;
}

type Step = (v: Stage, ctx: ChainContext) => Stage | Stage[];

interface ModifierSpec {
  /** `item` modifiers change how the values combine; `value` modifiers transform each value. */
  readonly scope: 'item' | 'value';
  readonly step?: Step;
}

const TYPE_NAMES: Record<Stage['t'], string> = {
  string: 'a string',
  bytes: 'encoded bytes',
  regex: 'a regular expression',
  cidr: 'a CIDR range',
  number: 'a number',
  compare: 'a numeric comparison',
  time: 'a time part',
  bool: 'a boolean',
  null: 'null',
  exists: 'an exists check',
  fieldref: 'a field reference',
};

function wrongType(ctx: ChainContext, v: Stage, wants: string, hint = ''): ModifierError {
  const extra = hint ? ` ${hint}` : '';
  return new ModifierError(
    `modifier \`${ctx.modifier}\` applies to ${wants}, but the value is ${TYPE_NAMES[v.t]} at that point${extra}`,
    'JACKSTOP_RULE_INVALID',
    ctx.index,
  );
}

function needString(v: Stage, ctx: ChainContext, hint = ''): Extract<Stage, { t: 'string' }> {
  if (v.t !== 'string') {
    const h = hint || (v.t === 'number' || v.t === 'bool' ? "(quote the value in YAML, e.g. '4624')" : '');
    throw wrongType(ctx, v, 'a string', h);
  }
  return v;
}

/** A string with no wildcard or placeholder, for encoders and field references. */
function needPlain(v: Stage, ctx: ChainContext, what: string): string {
  const s = needString(v, ctx);
  if (hasWildcards(s.parts) || hasPlaceholders(s.parts)) {
    throw new ModifierError(
      `modifier \`${ctx.modifier}\` cannot ${what} a value with wildcards or placeholders ('${s.raw}'); ` +
        'apply contains/startswith/endswith after it, or escape the wildcard with a backslash',
      'JACKSTOP_RULE_INVALID',
      ctx.index,
    );
  }
  return plainText(s.parts);
}

function untransformedString(v: Stage, ctx: ChainContext): string {
  const s = needString(v, ctx);
  if (s.transformed) {
    throw new ModifierError(
      `modifier \`${ctx.modifier}\` must come first in the chain: it reads the value exactly as written`,
      'JACKSTOP_RULE_INVALID',
      ctx.index,
    );
  }
  return s.raw;
}

function literal(text: string): Extract<Stage, { t: 'string' }> {
  return { t: 'string', parts: text === '' ? [] : [text], raw: text, cased: false, transformed: true };
}

function matchStep(op: MatchOp): Step {
  return (v, ctx) => {
    if (v.t === 'fieldref') {
      if (v.op !== 'equals') throw conflicting(ctx, v.op);
      return { ...v, op };
    }
    if (v.t === 'regex') {
      throw new ModifierError(
        `modifier \`${op}\` cannot follow \`re\`: a regular expression already matches anywhere in the value; ` +
          'anchor it with ^ or $ instead',
        'JACKSTOP_RULE_INVALID',
        ctx.index,
      );
    }
    const s = needString(v, ctx);
    const star = [WILDCARD_STAR];
    const parts =
      op === 'contains'
        ? concatParts(star, s.parts, star)
        : op === 'startswith'
          ? concatParts(s.parts, star)
          : concatParts(star, s.parts);
    return { ...s, parts, transformed: true };
  };
}

function conflicting(ctx: ChainContext, previous: string): ModifierError {
  return new ModifierError(
    `modifier \`${ctx.modifier}\` conflicts with \`${previous}\`; use only one of contains, startswith, endswith`,
    'JACKSTOP_RULE_INVALID',
    ctx.index,
  );
}

function utf16Bytes(text: string, order: 'le' | 'be', bom: boolean): Buffer {
  const le = Buffer.from(text, 'utf16le');
  if (order === 'be') le.swap16();
  if (!bom) return le;
  return Buffer.concat([Buffer.from(order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]), le]);
}

function encodeStep(order: 'le' | 'be', bom: boolean): Step {
  return (v, ctx) => ({ t: 'bytes', bytes: utf16Bytes(needPlain(v, ctx, 'encode'), order, bom) });
}

function bytesOf(v: Stage, ctx: ChainContext): Buffer {
  if (v.t === 'bytes') return v.bytes;
  return Buffer.from(needPlain(v, ctx, 'base64-encode'), 'utf8');
}

/**
 * The three base64 renderings of `data` at byte offsets 0, 1 and 2 inside a longer string, cut to
 * the characters that do not depend on the surrounding bytes.
 */
export function base64Offsets(data: Buffer): string[] {
  const out: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), data]).toString('base64');
    // Leading characters that mix in the filler bytes: none, 2 or 3.
    const start = [0, 2, 3][shift]!;
    // Trailing characters that depend on what follows: none when the input ends on a 3-byte
    // boundary, else the partial character and its `=` padding.
    const rest = (data.length + shift) % 3;
    const end = rest === 0 ? encoded.length : encoded.length - (rest === 1 ? 3 : 2);
    const piece = encoded.slice(start, end);
    if (piece !== '' && !out.includes(piece)) out.push(piece);
  }
  return out;
}

const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'] as const;
const MAX_EXPANSION = 1024;

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /\w/.test(c);
}

/** `windash`: every `-` or `/` that starts a word (a flag like `-enc`, `/c`) becomes each dash form. */
function windashVariants(parts: readonly StringPart[], ctx: ChainContext): StringPart[][] {
  const positions: [part: number, char: number][] = [];
  parts.forEach((p, pi) => {
    if (typeof p !== 'string') return;
    for (let ci = 0; ci < p.length; ci++) {
      if (p[ci] !== '-' && p[ci] !== '/') continue;
      const prev = ci > 0 ? p[ci - 1] : undefined; // a wildcard or the start counts as a non-word
      const next = ci + 1 < p.length ? p[ci + 1] : undefined;
      if (!isWordChar(prev) && isWordChar(next)) positions.push([pi, ci]);
    }
  });
  const total = DASHES.length ** positions.length;
  if (total > MAX_EXPANSION) {
    throw new ModifierError(
      `windash would expand this value into ${total} variants (limit ${MAX_EXPANSION}); split it into several values`,
      'JACKSTOP_RULE_INVALID',
      ctx.index,
    );
  }
  const out: StringPart[][] = [];
  for (let n = 0; n < total; n++) {
    const copy = [...parts];
    let k = n;
    // Replace from the last position backwards so earlier indexes stay valid (all are 1 char).
    for (let i = positions.length - 1; i >= 0; i--) {
      const [pi, ci] = positions[i]!;
      const dash = DASHES[k % DASHES.length]!;
      k = Math.floor(k / DASHES.length);
      const text = copy[pi] as string;
      copy[pi] = text.slice(0, ci) + dash + text.slice(ci + 1);
    }
    out.push(copy);
  }
  return out;
}

function expandPlaceholders(parts: readonly StringPart[], ctx: ChainContext): StringPart[][] {
  let variants: StringPart[][] = [[]];
  for (const p of parts) {
    if (!isPlaceholder(p)) {
      variants = variants.map((v) => concatParts(v, [p]));
      continue;
    }
    const values = ctx.options.placeholders?.[p.placeholder];
    if (values === undefined) {
      const known = Object.keys(ctx.options.placeholders ?? {});
      throw new ModifierError(
        `placeholder %${p.placeholder}% has no value: give it one (placeholders option, e.g. ` +
          `{ "${p.placeholder}": ["value", …] }) or remove the rule` +
          (known.length > 0 ? ` (defined placeholders: ${known.join(', ')})` : ''),
        'JACKSTOP_RULE_UNSUPPORTED',
        ctx.index,
      );
    }
    const next: StringPart[][] = [];
    for (const v of variants) for (const value of values) next.push(concatParts(v, parseSigmaString(value)));
    if (next.length > MAX_EXPANSION * 10) {
      throw new ModifierError(
        `placeholders expand this value into more than ${MAX_EXPANSION * 10} variants`,
        'JACKSTOP_RULE_INVALID',
        ctx.index,
      );
    }
    variants = next;
  }
  return variants;
}

function regexFlagStep(flag: 'i' | 'm' | 's'): Step {
  return (v, ctx) => {
    if (v.t !== 'regex') throw wrongType(ctx, v, 'a regular expression', '(put it after `re`)');
    return v.flags.includes(flag) ? v : { ...v, flags: v.flags + flag };
  };
}

function compareStep(op: CompareOp): Step {
  return (v, ctx) => {
    if (v.t !== 'number') throw wrongType(ctx, v, 'a number', "(write the number without quotes, e.g. 'gt: 5')");
    return { t: 'compare', op, value: v.value };
  };
}

function timeStep(part: TimePart): Step {
  return (v, ctx) => {
    if (v.t !== 'number' || !Number.isInteger(v.value)) throw wrongType(ctx, v, 'an integer');
    return { t: 'time', part, value: v.value };
  };
}

const regexI = regexFlagStep('i');
const regexM = regexFlagStep('m');
const regexS = regexFlagStep('s');

/** Every modifier this engine knows, by name. Unknown names are refused. */
const MODIFIERS: Readonly<Record<string, ModifierSpec>> = Object.freeze({
  all: { scope: 'item' },
  neq: { scope: 'item' },
  contains: { scope: 'value', step: matchStep('contains') },
  startswith: { scope: 'value', step: matchStep('startswith') },
  endswith: { scope: 'value', step: matchStep('endswith') },
  cased: {
    scope: 'value',
    step: (v, ctx) => {
      if (v.t === 'fieldref') return { ...v, cased: true };
      return { ...needString(v, ctx), cased: true };
    },
  },
  exists: {
    scope: 'value',
    step: (v, ctx) => {
      if (v.t !== 'bool') throw wrongType(ctx, v, 'true or false', '(write `field|exists: true`)');
      return { t: 'exists', value: v.value };
    },
  },
  re: {
    scope: 'value',
    step: (v, ctx) => ({ t: 'regex', pattern: untransformedString(v, ctx), flags: '' }),
  },
  i: { scope: 'value', step: regexI },
  ignorecase: { scope: 'value', step: regexI },
  m: { scope: 'value', step: regexM },
  multiline: { scope: 'value', step: regexM },
  s: { scope: 'value', step: regexS },
  dotall: { scope: 'value', step: regexS },
  cidr: {
    scope: 'value',
    step: (v, ctx) => {
      const text = untransformedString(v, ctx);
      const parsed = parseCidr(text);
      if (typeof parsed === 'string') throw new ModifierError(parsed, 'JACKSTOP_RULE_INVALID', ctx.index);
      return { t: 'cidr', cidr: text.trim() };
    },
  },
  base64: { scope: 'value', step: (v, ctx) => literal(bytesOf(v, ctx).toString('base64')) },
  base64offset: { scope: 'value', step: (v, ctx) => base64Offsets(bytesOf(v, ctx)).map(literal) },
  utf16le: { scope: 'value', step: encodeStep('le', false) },
  wide: { scope: 'value', step: encodeStep('le', false) },
  utf16be: { scope: 'value', step: encodeStep('be', false) },
  utf16: { scope: 'value', step: encodeStep('le', true) },
  windash: {
    scope: 'value',
    step: (v, ctx) => {
      const s = needString(v, ctx);
      return windashVariants(s.parts, ctx).map((parts) => ({ ...s, parts, transformed: true }));
    },
  },
  expand: {
    scope: 'value',
    step: (v, ctx) => {
      const s = needString(v, ctx);
      return expandPlaceholders(s.parts, ctx).map((parts) => ({ ...s, parts, transformed: true }));
    },
  },
  fieldref: {
    scope: 'value',
    step: (v, ctx) => {
      if (ctx.field === undefined) throw new ModifierError('`fieldref` needs a field name before it');
      return { t: 'fieldref', field: needPlain(v, ctx, 'reference'), op: 'equals', cased: false };
    },
  },
  gt: { scope: 'value', step: compareStep('gt') },
  gte: { scope: 'value', step: compareStep('gte') },
  lt: { scope: 'value', step: compareStep('lt') },
  lte: { scope: 'value', step: compareStep('lte') },
  minute: { scope: 'value', step: timeStep('minute') },
  hour: { scope: 'value', step: timeStep('hour') },
  day: { scope: 'value', step: timeStep('day') },
  week: { scope: 'value', step: timeStep('week') },
  month: { scope: 'value', step: timeStep('month') },
  year: { scope: 'value', step: timeStep('year') },
});

/** The names of every modifier this engine accepts. */
export const MODIFIER_NAMES: readonly string[] = Object.freeze(Object.keys(MODIFIERS));

/** Sigma 1 operators sometimes written as modifiers, refused with the way forward. */
const UNSUPPORTED_MODIFIERS: Readonly<Record<string, string>> = Object.freeze({
  near: 'is a Sigma 1 aggregation, not a modifier; rewrite it as a correlation rule (type: temporal)',
});

/** Modifiers a keyword (a value without a field) cannot use. */
const FIELD_ONLY = new Set(['exists', 'fieldref', 'cidr', 'gt', 'gte', 'lt', 'lte', 'neq']);

/** `CommandLine|contains|all` → field `CommandLine`, modifiers `contains`, `all`. */
export function splitFieldKey(key: string): { field: string; modifiers: string[] } {
  const [field = '', ...modifiers] = key.split('|');
  return { field: field.trim(), modifiers: modifiers.map((m) => m.trim()) };
}

/** Check the modifier names of a key before values are looked at. */
export function checkModifierNames(modifiers: readonly string[], isKeyword: boolean): void {
  const seen = new Set<string>();
  let matchOp: string | undefined;
  for (const name of modifiers) {
    const reason = UNSUPPORTED_MODIFIERS[name];
    if (reason) throw new ModifierError(`\`${name}\` ${reason}`, 'JACKSTOP_RULE_UNSUPPORTED');
    if (!Object.hasOwn(MODIFIERS, name)) {
      throw new ModifierError(
        `unknown modifier \`${name === '' ? '(empty)' : name}\`; known modifiers: ${Object.keys(MODIFIERS).join(', ')}`,
      );
    }
    if (seen.has(name)) throw new ModifierError(`modifier \`${name}\` is given twice`);
    seen.add(name);
    if (name === 'contains' || name === 'startswith' || name === 'endswith') {
      if (matchOp) throw new ModifierError(`\`${name}\` conflicts with \`${matchOp}\`; use only one of them`);
      matchOp = name;
    }
    if (isKeyword && FIELD_ONLY.has(name)) {
      throw new ModifierError(`modifier \`${name}\` needs a field; a keyword list has none`);
    }
  }
  if (seen.has('exists') && modifiers.length > 1) {
    throw new ModifierError('`exists` cannot be combined with other modifiers; write `field|exists: true` alone');
  }
}

function initialStage(raw: RawValue, isKeyword: boolean, placeholders: boolean): Stage {
  const v = raw.value;
  if (v === null) return { t: 'null' };
  if (typeof v === 'boolean') return isKeyword ? stringStage(String(v), placeholders) : { t: 'bool', value: v };
  if (typeof v === 'number') {
    if (isKeyword) return stringStage(raw.source ?? String(v), placeholders);
    return raw.source !== undefined && raw.source !== String(v)
      ? { t: 'number', value: v, text: raw.source }
      : { t: 'number', value: v };
  }
  return stringStage(v, placeholders);
}

function stringStage(text: string, placeholders: boolean): Stage {
  return { t: 'string', parts: parseSigmaString(text, placeholders), raw: text, cased: false, transformed: false };
}

function toTest(v: Stage, ctx: ChainContext): ValueTest {
  switch (v.t) {
    case 'string':
      return stringTest(v.parts, v.cased);
    case 'bytes':
      throw new ModifierError(
        `the UTF-16 modifiers produce raw bytes, which never appear in JSON text logs; follow them with \`base64\` or \`base64offset\``,
        'JACKSTOP_RULE_UNSUPPORTED',
        ctx.index,
      );
    case 'regex': {
      try {
        new RE2(v.pattern, v.flags);
      } catch (e) {
        throw new ModifierError(
          `invalid regular expression '${v.pattern}': ${(e as Error).message} ` +
            '(regexes run on RE2: no lookaround, no backreferences)',
          'JACKSTOP_RULE_INVALID',
          ctx.index,
        );
      }
      return { kind: 'regex', pattern: v.pattern, flags: [...v.flags].sort().join('') };
    }
    case 'cidr':
      return { kind: 'cidr', cidr: v.cidr };
    case 'number':
      return v.text === undefined
        ? { kind: 'number', op: 'eq', value: v.value }
        : { kind: 'number', op: 'eq', value: v.value, text: v.text };
    case 'compare':
      return { kind: 'number', op: v.op, value: v.value };
    case 'time':
      return { kind: 'time', part: v.part, value: v.value };
    case 'bool':
      return { kind: 'boolean', value: v.value };
    case 'null':
      return { kind: 'null' };
    case 'exists':
      return { kind: 'exists', value: v.value };
    case 'fieldref':
      return { kind: 'fieldref', field: v.field, op: v.op, cased: v.cased };
  }
}

/** Fold wildcards at the ends into an operation; anything else stays a glob. */
export function stringTest(parts: readonly StringPart[], cased: boolean): ValueTest {
  const n = parts.length;
  const star = (p: StringPart | undefined): boolean => p !== undefined && isWildcard(p) && p.wildcard === '*';
  const lit = (p: StringPart | undefined): p is string => typeof p === 'string';
  const make = (op: 'equals' | MatchOp, value: string): ValueTest => ({
    kind: 'string',
    op,
    value,
    pattern: [],
    cased,
  });
  if (n === 0) return make('equals', '');
  if (n === 1 && lit(parts[0])) return make('equals', parts[0]);
  if (n === 1 && star(parts[0])) return make('contains', '');
  if (n === 2 && lit(parts[0]) && star(parts[1])) return make('startswith', parts[0]);
  if (n === 2 && star(parts[0]) && lit(parts[1])) return make('endswith', parts[1]);
  if (n === 3 && star(parts[0]) && lit(parts[1]) && star(parts[2])) return make('contains', parts[1]);
  const pattern = parts.map((p) => {
    if (isPlaceholder(p)) throw new ModifierError(`placeholder %${p.placeholder}% left unexpanded`);
    return p;
  });
  return { kind: 'string', op: 'glob', value: '', pattern, cased };
}

/**
 * Apply a modifier chain to the values of one detection item. `field` is undefined for keywords.
 * Throws `ModifierError`.
 */
export function applyModifiers(
  field: string | undefined,
  modifiers: readonly string[],
  values: readonly RawValue[],
  options: ModifierOptions = {},
): ModifiedItem {
  const isKeyword = field === undefined;
  checkModifierNames(modifiers, isKeyword);
  const all = modifiers.includes('all');
  if (all && values.length < 2) {
    throw new ModifierError(
      '`all` needs a list of at least two values (the specification forbids it on a single value); ' +
        'drop `all` or list the values',
    );
  }
  const steps = modifiers.filter((m) => MODIFIERS[m]!.scope === 'value');
  const placeholders = steps.includes('expand');
  const explicitMatch = steps.some((m) => m === 'contains' || m === 'startswith' || m === 'endswith' || m === 're');
  const tests: ValueTest[] = [];
  values.forEach((raw, index) => {
    let stages: Stage[] = [initialStage(raw, isKeyword, placeholders)];
    if (stages[0]!.t === 'null' && steps.length > 0) {
      throw new ModifierError(
        '`null` cannot take value modifiers; use `field: null` (absent or null) or `field|exists: false`',
        'JACKSTOP_RULE_INVALID',
        index,
      );
    }
    for (const modifier of steps) {
      const ctx: ChainContext = { field, modifier, index, options };
      stages = stages.flatMap((s) => MODIFIERS[modifier]!.step!(s, ctx));
    }
    const ctx: ChainContext = { field, modifier: '', index, options };
    if (isKeyword && !explicitMatch) {
      // A plain keyword is searched for anywhere in the values of the record.
      const contains = matchStep('contains');
      stages = stages.map((s) => (s.t === 'string' ? (contains(s, ctx) as Stage) : s));
    }
    const variants = stages.map((s) => toTest(s, ctx));
    tests.push(variants.length === 1 ? variants[0]! : { kind: 'anyOf', tests: variants });
  });
  return { values: tests, match: all ? 'all' : 'any', negate: modifiers.includes('neq') };
}
