/**
 * The Sigma syntax tree: plain, deeply frozen objects with a `kind` discriminant. The parser builds
 * it, the compiler (and the rule-set indexer) only read it. Values are already normalized by the
 * modifier chain, so a compiler never re-interprets Sigma strings, escapes or modifiers.
 */

/** 1-based position of a YAML node, for messages. */
export interface SourcePos {
  readonly line: number;
  readonly column: number;
}

/** One token of a wildcard pattern: literal text, `*` (any run) or `?` (one character). */
export type GlobToken = string | { readonly wildcard: '*' | '?' };

/** String comparison with the wildcards already folded into an operation. */
export interface StringTest {
  readonly kind: 'string';
  readonly op: 'equals' | 'startswith' | 'endswith' | 'contains' | 'glob';
  /** The literal (escapes resolved) for every op but `glob`. */
  readonly value: string;
  /** The tokens, for `glob` only (empty otherwise). */
  readonly pattern: readonly GlobToken[];
  readonly cased: boolean;
}

export interface RegexTest {
  readonly kind: 'regex';
  readonly pattern: string;
  /** RE2 flags, a subset of `ims`. */
  readonly flags: string;
}

export interface CidrTest {
  readonly kind: 'cidr';
  /** The CIDR as written in the rule (normalized by the compiler). */
  readonly cidr: string;
}

export interface NumberTest {
  readonly kind: 'number';
  readonly op: 'eq' | 'lt' | 'lte' | 'gt' | 'gte';
  readonly value: number;
  /** The YAML source text of the number (`0x17`, `0042`), matched verbatim against strings too. */
  readonly text?: string;
}

export interface BooleanTest {
  readonly kind: 'boolean';
  readonly value: boolean;
}

/** Sigma 2.1 time modifiers: a part of a timestamp (UTC) equals a number. */
export interface TimePartTest {
  readonly kind: 'time';
  readonly part: 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
  readonly value: number;
}

/** `field: null`: the field is absent or null. */
export interface NullTest {
  readonly kind: 'null';
}

/** `field|exists: true|false`: the key is present (any value, even null) or not. */
export interface ExistsTest {
  readonly kind: 'exists';
  readonly value: boolean;
}

/** `field|fieldref: other`: compare with the value(s) of another field of the same record. */
export interface FieldRefTest {
  readonly kind: 'fieldref';
  readonly field: string;
  readonly op: 'equals' | 'startswith' | 'endswith' | 'contains';
  readonly cased: boolean;
}

/** Several alternatives from one rule value (`base64offset`, `windash`, `expand`): any may match. */
export interface AnyOfTest {
  readonly kind: 'anyOf';
  readonly tests: readonly ValueTest[];
}

export type ValueTest =
  | StringTest
  | RegexTest
  | CidrTest
  | NumberTest
  | BooleanTest
  | TimePartTest
  | NullTest
  | ExistsTest
  | FieldRefTest
  | AnyOfTest;

/** `field|mods: values`. */
export interface FieldNode {
  readonly kind: 'field';
  readonly field: string;
  readonly modifiers: readonly string[];
  /** One test per rule value; `any` (default) or `all` (the `all` modifier) of them must match. */
  readonly values: readonly ValueTest[];
  readonly match: 'any' | 'all';
  /** `neq`: the whole item is negated. */
  readonly negate: boolean;
  readonly at?: SourcePos;
}

/** Keyword search: the values are looked for in every value of the record. */
export interface KeywordNode {
  readonly kind: 'keyword';
  readonly modifiers: readonly string[];
  readonly values: readonly ValueTest[];
  readonly match: 'any' | 'all';
  readonly at?: SourcePos;
}

export interface AndNode {
  readonly kind: 'and';
  readonly children: readonly DetectionNode[];
}

export interface OrNode {
  readonly kind: 'or';
  readonly children: readonly DetectionNode[];
}

export interface NotNode {
  readonly kind: 'not';
  readonly child: DetectionNode;
}

/** A named search identifier referenced by the condition; `body` is its resolved content. */
export interface SelectionNode {
  readonly kind: 'selection';
  readonly name: string;
  readonly body: DetectionNode;
  readonly at?: SourcePos;
}

/** `1 of x*`, `all of them`: kept as written so a rule can be explained; compiles to or/and. */
export interface OfNode {
  readonly kind: 'of';
  readonly quantifier: 'any' | 'all';
  /** The pattern as written, or `them`. */
  readonly pattern: string;
  readonly selections: readonly SelectionNode[];
}

export type DetectionNode = AndNode | OrNode | NotNode | SelectionNode | OfNode | FieldNode | KeywordNode;

export interface SigmaLogsource {
  product?: string;
  service?: string;
  category?: string;
  definition?: string;
}

export interface SigmaRelated {
  readonly id: string;
  readonly type: string;
}

/** Metadata every Sigma document (detection or correlation) carries. */
export interface SigmaRuleMeta {
  /** Rule `id`; when the rule has none: its `name`, or a stable hash of file path + title. */
  readonly id: string;
  readonly name?: string;
  readonly title: string;
  readonly status?: string;
  readonly description?: string;
  readonly author?: string;
  readonly date?: string;
  readonly modified?: string;
  readonly license?: string;
  readonly taxonomy?: string;
  readonly level?: 'informational' | 'low' | 'medium' | 'high' | 'critical';
  readonly references: readonly string[];
  readonly tags: readonly string[];
  readonly falsepositives: readonly string[];
  readonly fields: readonly string[];
  readonly scope: readonly string[];
  readonly related: readonly SigmaRelated[];
  /** Every top-level key the Sigma specification does not define (`remediation`, `examples` …), as parsed. */
  readonly custom: Readonly<Record<string, unknown>>;
  /** Where the rule document starts. */
  readonly source: { readonly file?: string; readonly line?: number };
}

/** A parsed single-event Sigma detection rule. Deeply frozen. */
export interface DetectionRule extends SigmaRuleMeta {
  readonly kind: 'detection';
  readonly logsource: Readonly<SigmaLogsource>;
  /** The condition tree with every selection resolved. */
  readonly detection: DetectionNode;
}

export type CorrelationType = 'event_count' | 'value_count' | 'temporal' | 'temporal_ordered';

/** One bound of a correlation condition: `count <op> value`. */
export interface CorrelationBound {
  readonly op: 'gt' | 'gte' | 'lt' | 'lte' | 'eq';
  readonly value: number;
}

/**
 * A parsed Sigma correlation rule (specification v2): a condition over the events that the
 * referenced rules matched, per group and time window. Deeply frozen.
 */
export interface CorrelationRule extends SigmaRuleMeta {
  readonly kind: 'correlation';
  readonly type: CorrelationType;
  /** The referenced rules, by `id` or `name`, as written (order matters for `temporal_ordered`). */
  readonly rules: readonly string[];
  /** Field names (or alias names) whose values split events into separate groups. */
  readonly groupBy: readonly string[];
  /** The `timespan` as written (`15m`) and in milliseconds. */
  readonly timespan: string;
  readonly timespanMs: number;
  /**
   * All bounds must hold (`gt: 100, lte: 200` is a range). For `temporal(_ordered)` without a
   * condition, all referenced rules must be seen: `gte: rules.length`.
   */
  readonly condition: readonly CorrelationBound[];
  /** `value_count`: the field whose distinct values are counted (a field or alias name). */
  readonly valueField?: string;
  /** alias → referenced rule (id or name, as written) → field name in that rule's events. */
  readonly aliases: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** `generate: true`: the referenced rules also report on their own. */
  readonly generate: boolean;
}

/** Any parsed Sigma document that yields a rule. */
export type SigmaRule = DetectionRule | CorrelationRule;

/** Freeze an object graph (plain objects and arrays) in place and return it. */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  return value;
}

/** Frozen node factories: the only way the parser creates nodes. */
export const node = {
  field(
    field: string,
    modifiers: readonly string[],
    values: readonly ValueTest[],
    match: 'any' | 'all',
    negate: boolean,
    at?: SourcePos,
  ): FieldNode {
    return deepFreeze({ kind: 'field', field, modifiers: [...modifiers], values: [...values], match, negate, at });
  },
  keyword(
    modifiers: readonly string[],
    values: readonly ValueTest[],
    match: 'any' | 'all',
    at?: SourcePos,
  ): KeywordNode {
    return deepFreeze({ kind: 'keyword', modifiers: [...modifiers], values: [...values], match, at });
  },
  /** AND of the children; a single child is returned as is. */
  and(children: readonly DetectionNode[]): DetectionNode {
    if (children.length === 1) return children[0]!;
    return Object.freeze({ kind: 'and', children: Object.freeze([...children]) });
  },
  /** OR of the children; a single child is returned as is. */
  or(children: readonly DetectionNode[]): DetectionNode {
    if (children.length === 1) return children[0]!;
    return Object.freeze({ kind: 'or', children: Object.freeze([...children]) });
  },
  not(child: DetectionNode): NotNode {
    return Object.freeze({ kind: 'not', child });
  },
  selection(name: string, body: DetectionNode, at?: SourcePos): SelectionNode {
    return Object.freeze({ kind: 'selection', name, body, at: at && Object.freeze({ ...at }) });
  },
  of(quantifier: 'any' | 'all', pattern: string, selections: readonly SelectionNode[]): OfNode {
    return Object.freeze({ kind: 'of', quantifier, pattern, selections: Object.freeze([...selections]) });
  },
} as const;

/** Every node below (and including) `root`, depth first; shared selections are visited once. */
export function* walk(root: DetectionNode): Generator<DetectionNode> {
  const seen = new Set<DetectionNode>();
  const stack: DetectionNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    yield n;
    switch (n.kind) {
      case 'and':
      case 'or':
        for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
        break;
      case 'not':
        stack.push(n.child);
        break;
      case 'selection':
        stack.push(n.body);
        break;
      case 'of':
        for (let i = n.selections.length - 1; i >= 0; i--) stack.push(n.selections[i]!);
        break;
      default:
        break;
    }
  }
}
