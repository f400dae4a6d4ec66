/**
 * Sigma correlation rules (specification v2): the `correlation:` section of a document → the
 * fields of a `CorrelationRule`, and the checks that need the whole rule set (every referenced rule
 * exists; correlations of correlations are refused).
 */
import { JackstopError } from '../../errors.js';
import type { CorrelationBound, CorrelationRule, CorrelationType, DetectionRule, SigmaRule, SourcePos } from './ast.js';
import { RuleError } from './rule-error.js';
import { entry, type YEntry, type YMap, type YNode } from './yaml-tree.js';

const TYPES: readonly CorrelationType[] = ['event_count', 'value_count', 'temporal', 'temporal_ordered'];
const SECTION_KEYS = new Set(['type', 'rules', 'group-by', 'timespan', 'condition', 'aliases', 'generate']);
const BOUND_OPS = new Set<CorrelationBound['op']>(['gt', 'gte', 'lt', 'lte', 'eq']);
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** Longer windows would hold state for weeks; anomaly baselines (not correlations) cover that. */
const MAX_TIMESPAN_MS = 31 * UNIT_MS.d;

type CorrelationFields = Pick<
  CorrelationRule,
  'type' | 'rules' | 'groupBy' | 'timespan' | 'timespanMs' | 'condition' | 'valueField' | 'aliases' | 'generate'
>;

const invalid = (message: string, pos: SourcePos): RuleError => new RuleError('JACKSTOP_RULE_INVALID', message, pos);

function nonEmptyString(n: YNode, what: string): string {
  if (n.t !== 'scalar' || (typeof n.value !== 'string' && typeof n.value !== 'number') || String(n.value) === '') {
    throw invalid(`${what} must be a non-empty string`, n.pos);
  }
  return String(n.value);
}

/** A string or a list of strings. */
function stringList(e: YEntry, what: string): string[] {
  const v = e.value;
  if (v.t === 'scalar') return v.value === null ? [] : [nonEmptyString(v, what)];
  if (v.t === 'seq') return v.items.map((item) => nonEmptyString(item, `each entry of ${what}`));
  throw invalid(`${what} must be a string or a list of strings`, v.pos);
}

/** `30s`, `15m`, `1h`, `7d` → milliseconds. */
export function parseTimespan(text: string): number | undefined {
  const m = /^(\d+)([smhd])$/.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  return ms > 0 ? ms : undefined;
}

function timespanOf(e: YEntry | undefined, sectionPos: SourcePos): { timespan: string; timespanMs: number } {
  if (!e)
    throw invalid('the correlation has no `timespan`; add one such as `timespan: 15m` (s, m, h or d)', sectionPos);
  const v = e.value;
  const textValue = v.t === 'scalar' && typeof v.value === 'string' ? v.value : undefined;
  const ms = textValue === undefined ? undefined : parseTimespan(textValue);
  if (textValue === undefined || ms === undefined) {
    throw invalid(
      `\`timespan\` must be a positive number followed by s, m, h or d (e.g. 90s, 15m, 1h, 2d), not ${JSON.stringify(
        v.t === 'scalar' ? v.value : v.t,
      )}`,
      v.t === 'scalar' && v.value === null ? e.keyPos : v.pos,
    );
  }
  if (ms > MAX_TIMESPAN_MS) throw invalid('`timespan` is longer than 31d; use a shorter window', v.pos);
  return { timespan: textValue, timespanMs: ms };
}

function conditionOf(
  e: YEntry | undefined,
  type: CorrelationType,
  rules: readonly string[],
  sectionPos: SourcePos,
): { condition: CorrelationBound[]; valueField?: string } {
  const counting = type === 'event_count' || type === 'value_count';
  if (!e) {
    if (counting) {
      throw invalid(`a ${type} correlation needs a \`condition\`, e.g. \`condition: {gte: 10}\``, sectionPos);
    }
    return { condition: [{ op: 'gte', value: rules.length }] };
  }
  if (e.value.t !== 'map' || e.value.entries.length === 0) {
    throw invalid(
      '`condition` must be a map such as `{gte: 10}` (gt, gte, lt, lte, eq; `field` for value_count)',
      e.value.pos,
    );
  }
  const condition: CorrelationBound[] = [];
  let valueField: string | undefined;
  for (const c of e.value.entries) {
    if (c.key === 'field') {
      if (type !== 'value_count') {
        throw invalid(`\`condition.field\` belongs to value_count correlations, not ${type}`, c.keyPos);
      }
      valueField = nonEmptyString(c.value, '`condition.field`');
      continue;
    }
    if (!BOUND_OPS.has(c.key as CorrelationBound['op'])) {
      throw invalid(`unknown condition operator \`${c.key}\`; use gt, gte, lt, lte or eq`, c.keyPos);
    }
    const v = c.value;
    if (v.t !== 'scalar' || typeof v.value !== 'number' || !Number.isInteger(v.value) || v.value < 0) {
      throw invalid(`\`condition.${c.key}\` must be a whole number ≥ 0`, v.pos);
    }
    condition.push({ op: c.key as CorrelationBound['op'], value: v.value });
  }
  if (condition.length === 0) throw invalid('`condition` needs a bound such as `gte: 10`', e.value.pos);
  if (type === 'value_count' && valueField === undefined) {
    throw invalid(
      'a value_count correlation needs `condition.field`: the field whose distinct values are counted',
      e.keyPos,
    );
  }
  if (!counting && condition.some((b) => b.value > rules.length)) {
    throw invalid(
      `a ${type} condition counts distinct referenced rules; it cannot exceed ${rules.length} (the number of rules)`,
      e.value.pos,
    );
  }
  return valueField === undefined ? { condition } : { condition, valueField };
}

function aliasesOf(e: YEntry | undefined): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  if (!e) return out;
  if (e.value.t !== 'map') {
    throw invalid('`aliases` must map alias names to {rule name: field name} maps', e.value.pos);
  }
  for (const alias of e.value.entries) {
    if (alias.value.t !== 'map' || alias.value.entries.length === 0) {
      throw invalid(`alias \`${alias.key}\` must map each referenced rule name to a field name`, alias.value.pos);
    }
    const perRule: Record<string, string> = {};
    for (const r of alias.value.entries) {
      perRule[r.key] = nonEmptyString(r.value, `the field of alias \`${alias.key}\` for rule \`${r.key}\``);
    }
    Object.defineProperty(out, alias.key, { value: perRule, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The `correlation:` section (plus a top-level `generate`) → the correlation-specific fields. */
export function parseCorrelationSection(section: YEntry, topGenerate: YEntry | undefined): CorrelationFields {
  const v = section.value;
  if (v.t !== 'map') {
    throw invalid('`correlation` must be a map with type, rules, group-by, timespan and condition', v.pos);
  }
  const map: YMap = v;
  for (const e of map.entries) {
    if (!SECTION_KEYS.has(e.key)) {
      throw invalid(`unknown key \`${e.key}\` in \`correlation\`; it takes ${[...SECTION_KEYS].join(', ')}`, e.keyPos);
    }
  }
  const typeEntry = entry(map, 'type');
  if (!typeEntry) throw invalid(`the correlation has no \`type\`; use one of ${TYPES.join(', ')}`, section.keyPos);
  const typeValue = typeEntry.value.t === 'scalar' ? typeEntry.value.value : undefined;
  if (typeof typeValue !== 'string' || !TYPES.includes(typeValue as CorrelationType)) {
    throw new RuleError(
      typeof typeValue === 'string' ? 'JACKSTOP_RULE_UNSUPPORTED' : 'JACKSTOP_RULE_INVALID',
      `unknown correlation type ${JSON.stringify(typeValue ?? typeEntry.value.t)}; use one of ${TYPES.join(', ')}`,
      typeEntry.value.pos,
    );
  }
  const type = typeValue as CorrelationType;

  const rulesEntry = entry(map, 'rules');
  const rules = rulesEntry ? stringList(rulesEntry, '`rules`') : [];
  if (rules.length === 0) {
    throw invalid(
      'the correlation references no `rules`; list the ids or names of the rules it correlates',
      rulesEntry?.keyPos ?? section.keyPos,
    );
  }
  if (new Set(rules).size !== rules.length) throw invalid('`rules` lists a rule twice', rulesEntry!.value.pos);
  if (type === 'temporal_ordered' && rules.length < 2) {
    throw invalid('a temporal_ordered correlation needs at least two rules to order', rulesEntry!.value.pos);
  }

  const groupEntry = entry(map, 'group-by');
  const groupBy = groupEntry ? stringList(groupEntry, '`group-by`') : [];
  const { timespan, timespanMs } = timespanOf(entry(map, 'timespan'), section.keyPos);
  const { condition, valueField } = conditionOf(entry(map, 'condition'), type, rules, section.keyPos);
  const aliases = aliasesOf(entry(map, 'aliases'));

  // The specification lists `generate` beside `level` (top level); pySigma reads it inside the section.
  const gen = entry(map, 'generate') ?? topGenerate;
  let generate = false;
  if (gen) {
    if (gen.value.t !== 'scalar' || typeof gen.value.value !== 'boolean') {
      throw invalid('`generate` must be true or false', gen.value.pos);
    }
    generate = gen.value.value;
  }
  const out: CorrelationFields = { type, rules, groupBy, timespan, timespanMs, condition, aliases, generate };
  return valueField === undefined ? out : { ...out, valueField };
}

/** How a correlation's references resolve in a rule set. */
export interface ResolvedCorrelation {
  readonly rule: CorrelationRule;
  /** The referenced detection rules, in the order of `rule.rules`. */
  readonly bases: readonly DetectionRule[];
}

/** Find a rule by `id` or `name`. */
function indexRules(rules: readonly SigmaRule[]): Map<string, SigmaRule> {
  const byRef = new Map<string, SigmaRule>();
  for (const r of rules) {
    if (!byRef.has(r.id)) byRef.set(r.id, r);
    if (r.name !== undefined && !byRef.has(r.name)) byRef.set(r.name, r);
  }
  return byRef;
}

/**
 * Resolve every correlation's references within `rules`. A correlation that names an unknown rule,
 * or another correlation (chaining is not supported yet), becomes an error naming its file and
 * line; the resolvable ones are returned.
 */
export function resolveCorrelations(rules: readonly SigmaRule[]): {
  correlations: ResolvedCorrelation[];
  errors: JackstopError[];
} {
  const byRef = indexRules(rules);
  const correlations: ResolvedCorrelation[] = [];
  const errors: JackstopError[] = [];
  for (const rule of rules) {
    if (rule.kind !== 'correlation') continue;
    const location = { file: rule.source.file, line: rule.source.line };
    const bases: DetectionRule[] = [];
    let problem: JackstopError | undefined;
    for (const ref of rule.rules) {
      const base = byRef.get(ref);
      if (!base) {
        problem = new JackstopError(
          'JACKSTOP_RULE_INVALID',
          `correlation '${rule.title}' references rule \`${ref}\`, which is not loaded; load the file that defines it ` +
            '(by id or name) or fix the reference',
          { location },
        );
        break;
      }
      if (base.kind === 'correlation') {
        problem = new JackstopError(
          'JACKSTOP_RULE_UNSUPPORTED',
          `correlation '${rule.title}' references correlation '${base.title}'; chained correlations are not supported yet`,
          { location },
        );
        break;
      }
      bases.push(base);
    }
    if (!problem) {
      // Aliases name referenced rules (by name, as the specification has it, or by id).
      for (const [alias, perRule] of Object.entries(rule.aliases)) {
        const unknown = Object.keys(perRule).find((ref) => !bases.some((b) => b.name === ref || b.id === ref));
        if (unknown !== undefined) {
          problem = new JackstopError(
            'JACKSTOP_RULE_INVALID',
            `correlation '${rule.title}': alias \`${alias}\` names rule \`${unknown}\`, which the correlation does not reference`,
            { location },
          );
          break;
        }
      }
    }
    if (problem) errors.push(problem);
    else correlations.push({ rule, bases });
  }
  return { correlations, errors };
}
