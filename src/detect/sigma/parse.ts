/**
 * YAML text → validated, frozen `SigmaRule`s, one result per rule document. Every refusal is a
 * `JackstopError` that names the file, line and column of the offending YAML node.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { errorMessage, JackstopError } from '../../errors.js';
import {
  type CorrelationRule,
  type DetectionNode,
  type DetectionRule,
  deepFreeze,
  node,
  type SelectionNode,
  type SigmaRule,
  type SourcePos,
} from './ast.js';
import { ConditionError, type ConditionExpr, matchesPattern, parseCondition } from './condition.js';
import { parseCorrelationSection } from './correlation.js';
import { applyModifiers, ModifierError, type RawValue, splitFieldKey } from './modifiers.js';
import { type RuleCode, RuleError } from './rule-error.js';
import {
  entry,
  mergeNodes,
  nodeAt,
  parseYamlDocuments,
  toPlain,
  type YDocument,
  type YEntry,
  type YMap,
  type YNode,
  type YScalar,
} from './yaml-tree.js';

export interface ParseOptions {
  /** Shown in error locations and used for the fallback rule id. */
  file?: string;
  /** Values for `%name%` placeholders used with the `expand` modifier. */
  placeholders?: Record<string, string[]>;
}

export type ParseResult = { ok: true; rule: SigmaRule } | { ok: false; error: JackstopError };

/** Drop undefined keys (frozen rules compare and print cleanly), then deep-freeze. */
function finish<T extends SigmaRule>(rule: T): T {
  const record = rule as unknown as Record<string, unknown>;
  for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
  if (rule.source.file === undefined) delete (rule.source as { file?: string }).file;
  return deepFreeze(rule);
}

/** Top-level keys the Sigma rules specification defines; everything else goes to `custom`. */
const SPEC_KEYS = new Set([
  'title',
  'id',
  'name',
  'related',
  'taxonomy',
  'status',
  'description',
  'license',
  'references',
  'author',
  'date',
  'modified',
  'logsource',
  'detection',
  'fields',
  'falsepositives',
  'level',
  'tags',
  'scope',
  'correlation',
  'generate',
]);

const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;

const text = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));
const textList = z.union([text.transform((v) => [v]), z.array(text)]);

const metadataSchema = z.object({
  title: z.string().trim().min(1).max(256),
  id: text.optional(),
  name: z.string().min(1).optional(),
  related: z.array(z.object({ id: text, type: z.string() })).optional(),
  taxonomy: z.string().optional(),
  status: z.string().optional(),
  description: z.string().optional(),
  license: z.string().optional(),
  author: z.union([z.string(), z.array(text).transform((a) => a.join(', '))]).optional(),
  date: text.optional(),
  modified: text.optional(),
  references: textList.optional(),
  tags: textList.optional(),
  falsepositives: textList.optional(),
  fields: textList.optional(),
  scope: textList.optional(),
  level: z.enum(LEVELS).optional(),
  logsource: z
    .object({
      category: text.optional(),
      product: text.optional(),
      service: text.optional(),
      definition: text.optional(),
    })
    .catchall(z.unknown())
    .optional(),
});
type Metadata = z.infer<typeof metadataSchema>;

function describeIssue(issue: z.core.$ZodIssue, missing: boolean): string {
  const path = issue.path.join('.');
  if (missing) {
    if (path === 'title') return 'the rule has no `title`; add a short title (required by Sigma)';
    if (path === 'logsource') {
      return 'the rule has no `logsource`; add one (e.g. `logsource: {product: aws, service: cloudtrail}`), it is required by Sigma';
    }
  }
  if (path === 'level') return `\`level\` must be one of ${LEVELS.join(', ')}`;
  if (path === 'title' && issue.code === 'too_small') return '`title` is empty; give the rule a short title';
  if (path === 'title' && issue.code === 'too_big') return '`title` is longer than 256 characters';
  const key = String(issue.path[0]);
  if (LIST_KEYS.has(key) && issue.path.length <= 2) return `\`${path}\` must be a string or a list of strings`;
  if (key === 'related') return '`related` must be a list of `{id, type}` maps';
  if (path === 'logsource') return '`logsource` must be a map (product, service, category, definition)';
  if (issue.code === 'invalid_type' || issue.code === 'invalid_union') return `\`${path}\` must be a string`;
  return `\`${path}\` is invalid: ${issue.message}`;
}

const LIST_KEYS = new Set(['references', 'tags', 'falsepositives', 'fields', 'scope', 'author']);

function stripNulls(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== null) out[k] = v;
  return out;
}

/** A readable, stable id for rules without one: UUID-shaped hash of file path and title. */
function fallbackId(file: string | undefined, title: string): string {
  const h = createHash('sha256')
    .update(`${file ?? ''}\0${title}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function rawValue(s: YScalar): RawValue {
  return { value: s.value, source: s.source, at: s.pos };
}

/** Position of character `offset` inside a condition scalar (exact when the scalar is one plain line). */
function conditionPos(s: YScalar, offset: number): SourcePos {
  return s.textColumn !== undefined ? { line: s.pos.line, column: s.textColumn + offset } : s.pos;
}

class RuleBuilder {
  readonly #options: ParseOptions;

  constructor(options: ParseOptions) {
    this.#options = options;
  }

  build(map: YMap, start: SourcePos): SigmaRule {
    const correlation = entry(map, 'correlation');
    if (correlation) {
      const det = entry(map, 'detection');
      if (det) {
        throw new RuleError(
          'JACKSTOP_RULE_INVALID',
          'a document has either `detection` or `correlation`, not both; put the correlation in its own YAML document (---)',
          det.keyPos,
        );
      }
      return this.#correlationRule(map, start, correlation);
    }
    const filter = entry(map, 'filter');
    if (filter && !entry(map, 'detection')) {
      throw new RuleError('JACKSTOP_RULE_UNSUPPORTED', 'Sigma filter documents are not supported yet', filter.keyPos);
    }

    const { meta, custom } = this.#metadata(map, start);
    if (meta.logsource === undefined) {
      throw new RuleError(
        'JACKSTOP_RULE_INVALID',
        'the rule has no `logsource`; add one (e.g. `logsource: {product: aws, service: cloudtrail}`), it is required by Sigma',
        start,
      );
    }
    const detection = this.#detection(map, start);
    const logsource: Record<string, string> = {};
    for (const key of ['category', 'product', 'service', 'definition'] as const) {
      const v = meta.logsource[key];
      if (v !== undefined) logsource[key] = v;
    }
    const rule: DetectionRule = {
      kind: 'detection',
      ...this.#common(meta, custom, start),
      logsource,
      detection,
    };
    return finish(rule);
  }

  /** Spec metadata (zod-checked) and the custom keys of a rule document. */
  #metadata(map: YMap, start: SourcePos): { meta: Metadata; custom: Record<string, unknown> } {
    const metaInput: Record<string, unknown> = {};
    const custom: Record<string, unknown> = {};
    for (const e of map.entries) {
      if (e.key === 'detection' || e.key === 'correlation' || e.key === 'generate') continue;
      const value = toPlain(e.value);
      if (SPEC_KEYS.has(e.key)) metaInput[e.key] = value;
      else Object.defineProperty(custom, e.key, { value, enumerable: true, writable: true, configurable: true });
    }
    const input = stripNulls(metaInput);
    const parsed = metadataSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const missing = issue.path.length === 1 && !Object.hasOwn(input, issue.path[0] as string);
      const where = missing ? start : nodeAt(map, issue.path).pos;
      throw new RuleError('JACKSTOP_RULE_INVALID', describeIssue(issue, missing), where);
    }
    return { meta: parsed.data, custom };
  }

  #common(meta: Metadata, custom: Record<string, unknown>, start: SourcePos) {
    return {
      id: meta.id ?? meta.name ?? fallbackId(this.#options.file, meta.title),
      name: meta.name,
      title: meta.title,
      status: meta.status,
      description: meta.description,
      author: meta.author,
      date: meta.date,
      modified: meta.modified,
      license: meta.license,
      taxonomy: meta.taxonomy,
      level: meta.level,
      references: meta.references ?? [],
      tags: meta.tags ?? [],
      falsepositives: meta.falsepositives ?? [],
      fields: meta.fields ?? [],
      scope: meta.scope ?? [],
      related: meta.related ?? [],
      custom,
      source: { file: this.#options.file, line: start.line },
    };
  }

  #correlationRule(map: YMap, start: SourcePos, section: YEntry): CorrelationRule {
    const { meta, custom } = this.#metadata(map, start);
    const c = parseCorrelationSection(section, entry(map, 'generate'));
    const rule: CorrelationRule = { kind: 'correlation', ...this.#common(meta, custom, start), ...c };
    return finish(rule);
  }

  #detection(map: YMap, start: SourcePos): DetectionNode {
    const det = entry(map, 'detection');
    if (!det) {
      throw new RuleError(
        'JACKSTOP_RULE_INVALID',
        'the rule has no `detection` section; add search identifiers and a `condition`',
        start,
      );
    }
    if (det.value.t !== 'map') {
      throw new RuleError(
        'JACKSTOP_RULE_INVALID',
        '`detection` must be a map of search identifiers plus a `condition`',
        det.value.pos,
      );
    }
    const section = det.value;
    const condEntry = entry(section, 'condition');
    if (!condEntry) {
      throw new RuleError(
        'JACKSTOP_RULE_INVALID',
        '`detection` has no `condition`; add one, e.g. `condition: selection`',
        det.keyPos,
      );
    }
    const conditions = this.#conditionScalars(condEntry);
    const parsed = conditions.map((c): [ConditionExpr, YScalar] => {
      try {
        return [parseCondition(c.value as string), c];
      } catch (e) {
        if (!(e instanceof ConditionError)) throw e;
        throw new RuleError(e.code, `condition: ${e.message}`, conditionPos(c, e.offset));
      }
    });
    const timeframe = entry(section, 'timeframe');
    if (timeframe) {
      throw new RuleError(
        'JACKSTOP_RULE_UNSUPPORTED',
        '`timeframe` belongs to Sigma 1 aggregations and multi-event conditions, which this engine does not run; ' +
          'rewrite the rule as a Sigma correlation rule (type: event_count or temporal, with timespan)',
        timeframe.keyPos,
      );
    }

    const selections = new Map<string, SelectionNode>();
    for (const e of section.entries) {
      if (e.key === 'condition') continue;
      selections.set(e.key, node.selection(e.key, this.#search(e), e.keyPos));
    }
    const resolved = parsed.map(([expr, scalar]) => this.#resolve(expr, scalar, selections));
    return node.or(resolved);
  }

  #conditionScalars(e: YEntry): YScalar[] {
    const v = e.value;
    const bad = (pos: SourcePos): RuleError =>
      new RuleError(
        'JACKSTOP_RULE_INVALID',
        '`condition` must be a string (or a list of strings, joined with or)',
        pos,
      );
    if (v.t === 'scalar') {
      if (typeof v.value !== 'string') throw bad(v.value === null ? e.keyPos : v.pos);
      return [v];
    }
    if (v.t === 'seq' && v.items.length > 0) {
      return v.items.map((item) => {
        if (item.t !== 'scalar' || typeof item.value !== 'string') throw bad(item.pos);
        return item;
      });
    }
    throw bad(v.pos);
  }

  /** A search identifier's content: map (AND), list (OR) of maps and/or keywords, or one keyword. */
  #search(e: YEntry): DetectionNode {
    const v = e.value;
    if (v.t === 'scalar') {
      if (v.value === null) {
        throw new RuleError(
          'JACKSTOP_RULE_INVALID',
          `search identifier \`${e.key}\` is empty; give it field: value pairs or keywords`,
          e.keyPos,
        );
      }
      return this.#item(undefined, [], [v], e.keyPos);
    }
    if (v.t === 'map') return this.#map(v, e.key);
    if (v.items.length === 0) {
      throw new RuleError('JACKSTOP_RULE_INVALID', `search identifier \`${e.key}\` is an empty list`, v.pos);
    }
    const children: DetectionNode[] = [];
    const keywords: YScalar[] = [];
    let keywordSlot = -1;
    for (const item of v.items) {
      if (item.t === 'map') {
        children.push(this.#map(item, e.key));
      } else if (item.t === 'scalar') {
        if (keywordSlot < 0) {
          keywordSlot = children.length;
          children.push(node.or([])); // placeholder, replaced below
        }
        keywords.push(item);
      } else {
        throw new RuleError(
          'JACKSTOP_RULE_INVALID',
          `search identifier \`${e.key}\` has a list inside a list; use a list of values or a list of maps`,
          item.pos,
        );
      }
    }
    if (keywordSlot >= 0) children[keywordSlot] = this.#item(undefined, [], keywords, keywords[0]!.pos);
    return node.or(children);
  }

  #map(map: YMap, name: string): DetectionNode {
    if (map.entries.length === 0) {
      throw new RuleError('JACKSTOP_RULE_INVALID', `search identifier \`${name}\` has an empty map`, map.pos);
    }
    return node.and(map.entries.map((e) => this.#fieldEntry(e)));
  }

  #fieldEntry(e: YEntry): DetectionNode {
    const { field, modifiers } = splitFieldKey(e.key);
    const v = e.value;
    let values: YScalar[];
    if (v.t === 'scalar') {
      values = [v];
    } else if (v.t === 'seq') {
      if (v.items.length === 0) {
        throw new RuleError(
          'JACKSTOP_RULE_INVALID',
          `\`${e.key}\` has an empty list of values; give at least one value`,
          v.pos,
        );
      }
      values = v.items.map((item) => {
        if (item.t !== 'scalar') {
          throw new RuleError(
            'JACKSTOP_RULE_INVALID',
            `the values of \`${e.key}\` must be scalars (strings, numbers, booleans or null)`,
            item.pos,
          );
        }
        return item;
      });
    } else {
      throw new RuleError(
        'JACKSTOP_RULE_INVALID',
        `\`${e.key}\` has a map as value; a field takes a value or a list of values ` +
          `(for nested JSON, use a dotted name such as \`${field}.${v.entries[0]?.key ?? 'child'}\`)`,
        v.pos,
      );
    }
    return this.#item(field === '' ? undefined : field, modifiers, values, e.keyPos);
  }

  #item(field: string | undefined, modifiers: string[], values: YScalar[], keyPos: SourcePos): DetectionNode {
    if (field === undefined) {
      const nul = values.find((v) => v.value === null);
      if (nul) {
        throw new RuleError('JACKSTOP_RULE_INVALID', 'a keyword cannot be null; keywords are strings', nul.pos);
      }
    }
    try {
      const item = applyModifiers(field, modifiers, values.map(rawValue), {
        placeholders: this.#options.placeholders,
      });
      return field === undefined
        ? node.keyword(modifiers, item.values, item.match, keyPos)
        : node.field(field, modifiers, item.values, item.match, item.negate, keyPos);
    } catch (e) {
      if (!(e instanceof ModifierError)) throw e;
      const pos = e.valueIndex !== undefined ? (values[e.valueIndex]?.pos ?? keyPos) : keyPos;
      const subject = field === undefined ? 'keywords' : `\`${field}\``;
      throw new RuleError(e.code, `${subject}: ${e.message}`, pos);
    }
  }

  #resolve(expr: ConditionExpr, scalar: YScalar, selections: Map<string, SelectionNode>): DetectionNode {
    switch (expr.op) {
      case 'and':
        return node.and(expr.args.map((a) => this.#resolve(a, scalar, selections)));
      case 'or':
        return node.or(expr.args.map((a) => this.#resolve(a, scalar, selections)));
      case 'not':
        return node.not(this.#resolve(expr.arg, scalar, selections));
      case 'ref': {
        const sel = selections.get(expr.name);
        if (!sel) {
          throw new RuleError(
            'JACKSTOP_RULE_INVALID',
            `condition: unknown search identifier \`${expr.name}\`; defined: ${[...selections.keys()].join(', ') || '(none)'}`,
            conditionPos(scalar, expr.offset),
          );
        }
        return sel;
      }
      case 'of': {
        const them = expr.target === 'them';
        // `them` leaves out identifiers starting with `_` (specification); so does a pattern,
        // unless the pattern itself starts with `_`.
        const names = [...selections.keys()].filter(
          (name) =>
            (!name.startsWith('_') || (!them && expr.target.startsWith('_'))) &&
            (them || matchesPattern(expr.target, name)),
        );
        if (names.length === 0) {
          throw new RuleError(
            'JACKSTOP_RULE_INVALID',
            `condition: \`${expr.target}\` matches no search identifier; defined: ${[...selections.keys()].join(', ') || '(none)'}`,
            conditionPos(scalar, expr.offset),
          );
        }
        return node.of(
          expr.quantifier,
          expr.target,
          names.map((n) => selections.get(n)!),
        );
      }
    }
  }
}

/**
 * Parse the Sigma rules in a YAML text: one result per rule document. Empty documents are
 * skipped; Sigma 1 collection documents (`action: global | reset | repeat`) are applied to the
 * documents that follow and yield no result of their own (`repeat` yields the repeated rule).
 */
export function parseSigma(text: string, opts: ParseOptions = {}): ParseResult[] {
  const file = opts.file;
  const fail = (code: RuleCode, message: string, pos: SourcePos | undefined): ParseResult => ({
    ok: false,
    error: new JackstopError(code, message, {
      location:
        file === undefined ? { line: pos?.line, column: pos?.column } : { file, line: pos?.line, column: pos?.column },
    }),
  });
  const builder = new RuleBuilder(opts);
  const results: ParseResult[] = [];
  let global: YNode | undefined;
  let previous: YNode | undefined;
  let documents: YDocument[];
  try {
    documents = parseYamlDocuments(text);
  } catch (e) {
    return [fail('JACKSTOP_RULE_INVALID', `the YAML cannot be read: ${errorMessage(e)}`, { line: 1, column: 1 })];
  }
  for (const doc of documents) {
    if (doc.error) {
      results.push(fail('JACKSTOP_RULE_INVALID', `YAML syntax error: ${doc.error.message}`, doc.error.pos));
      continue;
    }
    const root = doc.root;
    if (root === undefined) continue;
    if (root.t !== 'map') {
      results.push(
        fail('JACKSTOP_RULE_INVALID', 'a Sigma rule must be a YAML map (title, logsource, detection …)', root.pos),
      );
      continue;
    }
    const action = entry(root, 'action');
    let effective: YNode = root;
    if (action) {
      const rest: YMap = { ...root, entries: root.entries.filter((e) => e.key !== 'action') };
      const kind = action.value.t === 'scalar' ? action.value.value : undefined;
      if (kind === 'global') {
        global = global ? mergeNodes(global, rest) : rest;
        continue;
      }
      if (kind === 'reset') {
        global = undefined;
        continue;
      }
      if (kind === 'repeat') {
        if (!previous) {
          results.push(
            fail('JACKSTOP_RULE_INVALID', '`action: repeat` has no earlier rule in this file to repeat', action.keyPos),
          );
          continue;
        }
        effective = mergeNodes(previous, rest);
      } else {
        results.push(
          fail(
            'JACKSTOP_RULE_INVALID',
            `unknown \`action: ${String(kind)}\`; Sigma knows global, reset and repeat`,
            action.value.pos,
          ),
        );
        continue;
      }
    } else if (global) {
      effective = mergeNodes(global, root);
    }
    previous = effective;
    try {
      results.push({ ok: true, rule: builder.build(effective as YMap, doc.pos) });
    } catch (e) {
      // Anything but a RuleError is a bug here; still report it against the rule instead of crashing the load.
      if (e instanceof RuleError) results.push(fail(e.code, e.message, e.pos));
      else results.push(fail('JACKSTOP_RULE_INVALID', `this rule cannot be read: ${errorMessage(e)}`, doc.pos));
    }
  }
  return results;
}
