/**
 * Field-name mapping: the part of a Sigma "processing pipeline" that renames fields. Shared rules
 * name fields after one log schema (SigmaHQ's GCP rules say `gcp.audit.method_name`), the raw logs
 * we read use another (`protoPayload.methodName`); a rename table as data bridges them.
 */
import {
  type CorrelationRule,
  type DetectionNode,
  type DetectionRule,
  deepFreeze,
  node,
  type SelectionNode,
  type SigmaRule,
  type ValueTest,
} from './ast.js';

/** Rule field name → record field name. Names not in the map stay as they are. */
export type FieldMap = Readonly<Record<string, string>>;

function rename(map: FieldMap, field: string): string {
  return Object.hasOwn(map, field) ? map[field]! : field;
}

function mapTest(map: FieldMap, t: ValueTest): ValueTest {
  if (t.kind === 'fieldref') return deepFreeze({ ...t, field: rename(map, t.field) });
  if (t.kind === 'anyOf') return deepFreeze({ kind: 'anyOf', tests: t.tests.map((x) => mapTest(map, x)) });
  return t;
}

function mapNode(map: FieldMap, n: DetectionNode, memo: Map<DetectionNode, DetectionNode>): DetectionNode {
  const done = memo.get(n);
  if (done) return done;
  let out: DetectionNode;
  switch (n.kind) {
    case 'field':
      out = node.field(
        rename(map, n.field),
        n.modifiers,
        n.values.map((t) => mapTest(map, t)),
        n.match,
        n.negate,
        n.at,
      );
      break;
    case 'keyword':
      out = node.keyword(
        n.modifiers,
        n.values.map((t) => mapTest(map, t)),
        n.match,
        n.at,
      );
      break;
    case 'and':
      out = Object.freeze({ kind: 'and', children: Object.freeze(n.children.map((c) => mapNode(map, c, memo))) });
      break;
    case 'or':
      out = Object.freeze({ kind: 'or', children: Object.freeze(n.children.map((c) => mapNode(map, c, memo))) });
      break;
    case 'not':
      out = node.not(mapNode(map, n.child, memo));
      break;
    case 'selection':
      out = node.selection(n.name, mapNode(map, n.body, memo), n.at);
      break;
    case 'of':
      out = node.of(
        n.quantifier,
        n.pattern,
        n.selections.map((s) => mapNode(map, s, memo) as SelectionNode),
      );
      break;
  }
  memo.set(n, out);
  return out;
}

/**
 * A copy of `rule` (deeply frozen) with field names rewritten through `map`: detection fields,
 * `fieldref` targets and the `fields` list; for correlations `group-by`, `condition.field` and the
 * alias targets. Alias *names* and rule references are not fields and stay as written.
 */
export function applyFieldMapping<R extends SigmaRule>(rule: R, map: FieldMap): R {
  const fields = rule.fields.map((f) => rename(map, f));
  if (rule.kind === 'detection') {
    const d: DetectionRule = { ...rule, fields, detection: mapNode(map, rule.detection, new Map()) };
    return deepFreeze(d) as R;
  }
  const aliases: Record<string, Record<string, string>> = {};
  for (const [alias, perRule] of Object.entries(rule.aliases)) {
    const mapped: Record<string, string> = {};
    for (const [ref, field] of Object.entries(perRule)) mapped[ref] = rename(map, field);
    Object.defineProperty(aliases, alias, { value: mapped, enumerable: true, writable: true, configurable: true });
  }
  // An alias name is resolved per rule before any mapping; only real field names are renamed.
  const groupBy = rule.groupBy.map((g) => (Object.hasOwn(rule.aliases, g) ? g : rename(map, g)));
  const c: CorrelationRule = { ...rule, fields, groupBy, aliases };
  if (rule.valueField !== undefined) {
    (c as { valueField?: string }).valueField = Object.hasOwn(rule.aliases, rule.valueField)
      ? rule.valueField
      : rename(map, rule.valueField);
  }
  return deepFreeze(c) as R;
}
