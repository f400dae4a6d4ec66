import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { errorMessage, JackstopError } from '../errors.js';
import { findPackageRoot } from '../package-root.js';

/**
 * Where the usage data files live. From sources (vitest) they sit beside this file; compiled code
 * under `dist/` carries no YAML, so walk up to the package root and use its `src/usage/`.
 */
export function dataFile(name: string): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const beside = path.join(here, name);
  if (existsSync(beside)) return beside;
  const root = findPackageRoot(here);
  return root ? path.join(root, 'src', 'usage', name) : beside;
}

/**
 * Parses a YAML data file and validates it with `schema`. Any problem is a JACKSTOP_RULE_INVALID
 * error naming the file and the line of the offending value.
 */
export function loadYamlData<T>(file: string, schema: z.ZodType<T>, text?: string): T {
  let source: string;
  try {
    source = text ?? readFileSync(file, 'utf8');
  } catch (e) {
    throw new JackstopError(
      'JACKSTOP_INPUT_NOT_FOUND',
      `cannot read ${file} (${errorMessage(e)}): reinstall jackstop or run it from a source checkout`,
      { location: { file } },
    );
  }
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = yamlError.linePos?.[0];
    throw new JackstopError('JACKSTOP_RULE_INVALID', `not valid YAML: ${yamlError.message.split('\n')[0]}`, {
      location: { file, line: pos?.line, column: pos?.col },
    });
  }
  const parsed = schema.safeParse(doc.toJS({ maxAliasCount: 10_000 }));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  // The deepest node on the issue's path that exists gives the line.
  let line: number | undefined;
  for (let depth = issue.path.length; depth >= 0 && line === undefined; depth--) {
    const node = doc.getIn(issue.path.slice(0, depth) as (string | number)[], true);
    if (isNode(node) && node.range) line = lines.linePos(node.range[0]).line;
  }
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  throw new JackstopError('JACKSTOP_RULE_INVALID', `invalid data: ${where}${issue.message}`, {
    location: { file, line },
  });
}
