/**
 * An indexed set of compiled rules. Matching a record does not scan every rule: from each rule's
 * AST we derive the exact-match constraints a record *must* meet for the rule to fire (e.g.
 * `eventSource: x AND eventName: [a, b]`), index the rule under the values of its most selective
 * constrained field, and at match time look up the record's own values of the indexed fields.
 * Rules with no such constraint are checked for every record.
 */
import type { DetectionNode, SigmaLogsource, ValueTest } from './ast.js';
import type { CompiledRule, SigmaRecord } from './compile.js';
import { type FieldPath, fieldPath, type Leaf } from './field-path.js';

/** field → lower-cased values; the record must hold one of them in that field. */
type Constraints = Map<string, Set<string>>;

/** The exact values a test accepts (lower-cased), or undefined if it accepts anything else too. */
function exactValues(t: ValueTest, out: Set<string>): boolean {
  if (t.kind === 'string' && t.op === 'equals') {
    out.add(t.value.toLowerCase());
    return true;
  }
  if (t.kind === 'anyOf') return t.tests.every((x) => exactValues(x, out));
  return false;
}

/** Constraints every record matching `n` satisfies (a necessary condition, never a sufficient one). */
export function requiredConstraints(n: DetectionNode): Constraints {
  switch (n.kind) {
    case 'field': {
      if (n.negate || n.match !== 'any') return new Map();
      const values = new Set<string>();
      return n.values.every((t) => exactValues(t, values)) ? new Map([[n.field, values]]) : new Map();
    }
    case 'keyword':
    case 'not':
      return new Map();
    case 'selection':
      return requiredConstraints(n.body);
    case 'and':
      return allConstraints(n.children.map(requiredConstraints));
    case 'or':
      return anyConstraints(n.children.map(requiredConstraints));
    case 'of': {
      const parts = n.selections.map(requiredConstraints);
      return n.quantifier === 'all' ? allConstraints(parts) : anyConstraints(parts);
    }
  }
}

/** AND: every constraint of every child holds. On a shared field keep the narrower set (arrays may hold both). */
function allConstraints(parts: readonly Constraints[]): Constraints {
  const out: Constraints = new Map();
  for (const p of parts) {
    for (const [field, values] of p) {
      const have = out.get(field);
      if (!have || values.size < have.size) out.set(field, values);
    }
  }
  return out;
}

/** OR: only fields constrained in every branch survive, with the union of their values. */
function anyConstraints(parts: readonly Constraints[]): Constraints {
  const [first, ...rest] = parts;
  if (!first) return new Map();
  const out: Constraints = new Map();
  for (const [field, values] of first) {
    if (!rest.every((p) => p.has(field))) continue;
    const union = new Set(values);
    for (const p of rest) for (const v of p.get(field)!) union.add(v);
    out.set(field, union);
  }
  return out;
}

interface LowerLogsource {
  readonly product?: string;
  readonly service?: string;
  readonly category?: string;
}

function lowerLogsource(ls: SigmaLogsource): LowerLogsource {
  const out: { product?: string; service?: string; category?: string } = {};
  if (ls.product !== undefined) out.product = ls.product.toLowerCase();
  if (ls.service !== undefined) out.service = ls.service.toLowerCase();
  if (ls.category !== undefined) out.category = ls.category.toLowerCase();
  return out;
}

function logsourceFits(rule: LowerLogsource, event: LowerLogsource): boolean {
  return (
    (rule.product === undefined || rule.product === event.product) &&
    (rule.service === undefined || rule.service === event.service) &&
    (rule.category === undefined || rule.category === event.category)
  );
}

interface FieldIndex {
  readonly field: string;
  readonly path: FieldPath;
  readonly byValue: Map<string, number[]>;
}

/** How the rules were indexed, for diagnostics and tests. */
export interface RuleSetIndexSummary {
  /** Indexed field → number of rules indexed under it, most rules first. */
  readonly fields: readonly { readonly field: string; readonly rules: number; readonly values: number }[];
  /** Rules checked against every record. */
  readonly alwaysChecked: number;
}

export class RuleSet {
  readonly size: number;
  readonly #rules: readonly CompiledRule[];
  readonly #logsources: readonly LowerLogsource[];
  readonly #indexes: readonly FieldIndex[];
  /** Sorted positions of the rules without an indexable constraint. */
  readonly #always: readonly number[];
  // Per-match scratch state, reused so a match allocates only its result array.
  readonly #stamp: Uint32Array;
  #epoch = 0;
  readonly #candidates: number[] = [];
  #current: FieldIndex | undefined;
  readonly #collect = (leaf: Leaf): boolean => {
    const key = (typeof leaf === 'string' ? leaf : String(leaf)).toLowerCase();
    const hits = this.#current!.byValue.get(key);
    if (hits) {
      for (let i = 0; i < hits.length; i++) {
        const r = hits[i]!;
        if (this.#stamp[r] !== this.#epoch) {
          this.#stamp[r] = this.#epoch;
          this.#candidates.push(r);
        }
      }
    }
    return false;
  };
  #lastLogsource: SigmaLogsource | undefined;
  #lastLower: LowerLogsource | undefined;
  /** Per rule for `#lastLogsource`: 0 unknown, 1 fits, 2 does not. */
  readonly #fits: Uint8Array;

  constructor(rules: readonly CompiledRule[]) {
    this.#rules = Object.freeze([...rules]);
    this.size = this.#rules.length;
    this.#logsources = this.#rules.map((r) => lowerLogsource(r.rule.logsource));
    this.#stamp = new Uint32Array(this.size);
    this.#fits = new Uint8Array(this.size);

    const constraints = this.#rules.map((r) => requiredConstraints(r.rule.detection));
    // A field's selectivity: how many distinct values the rules require of it. `eventName`
    // (hundreds of API names) beats `eventSource` (one per service) without naming either.
    const distinct = new Map<string, Set<string>>();
    for (const c of constraints) {
      for (const [field, values] of c) {
        const set = distinct.get(field) ?? new Set<string>();
        distinct.set(field, set);
        for (const v of values) set.add(v);
      }
    }
    const indexes = new Map<string, FieldIndex>();
    const always: number[] = [];
    constraints.forEach((c, ruleIndex) => {
      let best: [string, Set<string>] | undefined;
      for (const [field, values] of c) {
        if (!best) {
          best = [field, values];
          continue;
        }
        const score = distinct.get(field)!.size - distinct.get(best[0])!.size;
        if (
          score > 0 ||
          (score === 0 && (values.size < best[1].size || (values.size === best[1].size && field < best[0])))
        ) {
          best = [field, values];
        }
      }
      if (!best) {
        always.push(ruleIndex);
        return;
      }
      const [field, values] = best;
      const index = indexes.get(field) ?? { field, path: fieldPath(field), byValue: new Map<string, number[]>() };
      indexes.set(field, index);
      for (const v of values) {
        const list = index.byValue.get(v);
        if (list) list.push(ruleIndex);
        else index.byValue.set(v, [ruleIndex]);
      }
    });
    this.#indexes = [...indexes.values()];
    this.#always = always;
  }

  /** All rules whose logsource fits and whose detection matches `record`, in the order given to the constructor. */
  match(record: SigmaRecord, logsource?: SigmaLogsource): CompiledRule[] {
    const candidates = this.#candidates;
    candidates.length = 0;
    if (++this.#epoch === 0xffffffff) {
      this.#stamp.fill(0);
      this.#epoch = 1;
    }
    for (let i = 0; i < this.#indexes.length; i++) {
      this.#current = this.#indexes[i]!;
      this.#current.path.someLeaf(record, this.#collect);
    }
    this.#current = undefined;
    // Insertion sort: candidate lists are short, and results keep the rules' order.
    for (let i = 1; i < candidates.length; i++) {
      const v = candidates[i]!;
      let j = i - 1;
      while (j >= 0 && candidates[j]! > v) {
        candidates[j + 1] = candidates[j]!;
        j--;
      }
      candidates[j + 1] = v;
    }
    const always = this.#always;
    const out: CompiledRule[] = [];
    let a = 0;
    let c = 0;
    while (a < always.length || c < candidates.length) {
      const next =
        c >= candidates.length || (a < always.length && always[a]! < candidates[c]!) ? always[a++]! : candidates[c++]!;
      if (logsource !== undefined && !this.#fitsLogsource(next, logsource)) continue;
      const rule = this.#rules[next]!;
      if (rule.match(record)) out.push(rule);
    }
    return out;
  }

  /** Which fields the set is indexed on, and how many rules are checked against every record. */
  get index(): RuleSetIndexSummary {
    return {
      fields: this.#indexes
        .map((ix) => ({
          field: ix.field,
          rules: new Set([...ix.byValue.values()].flat()).size,
          values: ix.byValue.size,
        }))
        .sort((x, y) => y.rules - x.rules || x.field.localeCompare(y.field)),
      alwaysChecked: this.#always.length,
    };
  }

  #fitsLogsource(ruleIndex: number, logsource: SigmaLogsource): boolean {
    if (logsource !== this.#lastLogsource) {
      this.#lastLogsource = logsource;
      this.#lastLower = lowerLogsource(logsource);
      this.#fits.fill(0);
    }
    let state = this.#fits[ruleIndex]!;
    if (state === 0) {
      state = logsourceFits(this.#logsources[ruleIndex]!, this.#lastLower!) ? 1 : 2;
      this.#fits[ruleIndex] = state;
    }
    return state === 1;
  }
}
