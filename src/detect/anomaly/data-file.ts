import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { JackstopError } from '../../errors.js';
import { findPackageRoot } from '../../package-root.js';

/** A data file shipped beside this module, found from `src/` (tests) and from the compiled `dist/src/`. */
export function shippedFile(name: string): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const beside = path.join(here, name);
  if (existsSync(beside)) return beside;
  const root = findPackageRoot(here);
  return root ? path.join(root, 'src', 'detect', 'anomaly', name) : beside;
}

/**
 * Parse YAML text and validate it with `schema`. A syntax error or a value the schema refuses is a
 * `JACKSTOP_RULE_INVALID` error naming the file, line and column of the offending value.
 */
export function parseDataFile<S extends z.ZodType>(text: string, file: string, schema: S): z.infer<S> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return { file };
    const p = lines.linePos(offset);
    return { file, line: p.line, column: p.col };
  };
  const syntax = doc.errors[0];
  if (syntax) {
    throw new JackstopError('JACKSTOP_RULE_INVALID', `not valid YAML: ${syntax.message.split('\n')[0]}`, {
      location: at(syntax.pos[0]),
    });
  }
  const result = schema.safeParse(doc.toJS());
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // Point at the deepest node that exists on the issue's path.
  let node: unknown;
  for (let n = issue.path.length; n >= 0 && !isNode(node); n--) node = doc.getIn(issue.path.slice(0, n), true);
  const where = isNode(node) ? at(node.range?.[0]) : { file };
  const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  throw new JackstopError('JACKSTOP_RULE_INVALID', `${field}: ${issue.message}; fix the value in this file`, {
    location: where,
  });
}

export function loadDataFile<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new JackstopError('JACKSTOP_INPUT_NOT_FOUND', `cannot read ${file}: is the package complete?`, {
      location: { file },
      cause: e,
    });
  }
  return parseDataFile(text, file, schema);
}
