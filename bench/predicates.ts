/**
 * The benchmark's shared predicates (`predicates.json`, data) rendered for each engine: a jq
 * filter, a DuckDB SQL condition and Sigma rules for Jackstop's own matcher. All three mean the
 * same thing: a record matches if, for some predicate, every `equals` field holds one of the
 * listed values (case-insensitive, as Sigma compares strings) and every `regex` field matches.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { packageRoot } from '../src/cli/tool.js';

const FIELD = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*$/;

const Predicate = z
  .object({
    rules: z.array(z.string()).min(1),
    equals: z.record(z.string().regex(FIELD), z.array(z.string()).min(1)).optional(),
    regex: z.record(z.string().regex(FIELD), z.string()).optional(),
  })
  .refine((p) => Object.keys(p.equals ?? {}).length + Object.keys(p.regex ?? {}).length > 0, 'empty predicate');

const PredicateFile = z.object({ predicates: z.array(Predicate).min(1) });

export type Predicate = z.infer<typeof Predicate>;

export function loadPredicates(file = join(packageRoot(), 'bench', 'predicates.json')): Predicate[] {
  return PredicateFile.parse(JSON.parse(readFileSync(file, 'utf8'))).predicates;
}

/** Top-level columns DuckDB must read: scalar ones as text, parents of nested ones as JSON. */
export function predicateColumns(preds: readonly Predicate[]): Map<string, 'VARCHAR' | 'JSON'> {
  const cols = new Map<string, 'VARCHAR' | 'JSON'>([['eventID', 'VARCHAR']]);
  for (const p of preds) {
    for (const field of [...Object.keys(p.equals ?? {}), ...Object.keys(p.regex ?? {})]) {
      const [top, ...rest] = field.split('.');
      if (rest.length) cols.set(top!, 'JSON');
      else if (!cols.has(top!)) cols.set(top!, 'VARCHAR');
    }
  }
  return cols;
}

const jqString = (s: string) => JSON.stringify(s);

/** A jq program reading CloudTrail records (one per input, or `.Records[]` with `records`) and printing matching eventIDs. */
export function jqProgram(preds: readonly Predicate[], records: boolean): string {
  // Each field is read once per record. Strings compare lower-cased, numbers and booleans by their
  // text (as Sigma does); anything else never matches. Regexes see the original string.
  const path = (field: string) => `[${field.split('.').map(jqString).join(',')}]`;
  const lowered = new Map<string, string>();
  const raw = new Map<string, string>();
  const bind: string[] = [];
  const terms = preds.map((p) => {
    const parts = [
      ...Object.entries(p.equals ?? {}).map(([f, vs]) => {
        let name = lowered.get(f);
        if (!name) {
          name = `$l${lowered.size}`;
          lowered.set(f, name);
          bind.push(
            `(getpath(${path(f)})? | if type == "string" then ascii_downcase elif type == "number" or type == "boolean" then tostring else null end) as ${name}`,
          );
        }
        return `(${name} | IN(${vs.map((x) => jqString(x.toLowerCase())).join(', ')}))`;
      }),
      ...Object.entries(p.regex ?? {}).map(([f, re]) => {
        let name = raw.get(f);
        if (!name) {
          name = `$r${raw.size}`;
          raw.set(f, name);
          bind.push(`(getpath(${path(f)})? | if type == "string" then . else null end) as ${name}`);
        }
        return `(${name} != null and (${name} | test(${jqString(re)})))`;
      }),
    ];
    return `(${parts.join(' and ')})`;
  });
  return `${records ? '.Records[] | ' : ''}${bind.join(' | ')} | select(${terms.join(' or ')}) | .eventID`;
}

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** A SQL condition over the columns of `predicateColumns`. */
export function sqlCondition(preds: readonly Predicate[]): string {
  const value = (field: string) => {
    const [top, ...rest] = field.split('.');
    return rest.length ? `json_extract_string("${top}", ${sqlString(`$.${rest.join('.')}`)})` : `"${top}"`;
  };
  const terms = preds.map((p) => {
    const parts = [
      ...Object.entries(p.equals ?? {}).map(
        ([f, vs]) => `lower(${value(f)}) IN (${vs.map((x) => sqlString(x.toLowerCase())).join(', ')})`,
      ),
      ...Object.entries(p.regex ?? {}).map(([f, re]) => `regexp_matches(${value(f)}, ${sqlString(re)})`),
    ];
    return `(${parts.join(' AND ')})`;
  });
  return terms.join('\n OR ');
}

/** Each predicate as a Sigma detection rule (JSON is YAML), for `parseSigma`. */
export function sigmaTexts(preds: readonly Predicate[]): string[] {
  return preds.map((p, i) => {
    const selection: Record<string, unknown> = { ...p.equals };
    for (const [f, re] of Object.entries(p.regex ?? {})) selection[`${f}|re`] = re;
    return JSON.stringify({
      title: `Benchmark predicate ${i + 1}`,
      id: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
      logsource: { product: 'aws', service: 'cloudtrail' },
      detection: { selection, condition: 'selection' },
      level: 'informational',
    });
  });
}
