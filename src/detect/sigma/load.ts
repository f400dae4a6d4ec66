/**
 * Load Sigma rules from files and directories (recursively, `*.yml` / `*.yaml`). Bad files do not
 * stop the load: each problem becomes a `JackstopError` in `errors`, the good rules are returned.
 */
import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage, JackstopError } from '../../errors.js';
import type { SigmaRule } from './ast.js';
import { parseSigma } from './parse.js';

export interface LoadOptions {
  placeholders?: Record<string, string[]>;
}

export interface LoadResult {
  rules: SigmaRule[];
  errors: JackstopError[];
}

const RULE_FILE = /\.ya?ml$/i;

/** A file-system failure as a JackstopError: missing paths vs paths we may not read. */
function fsError(e: unknown, file: string, what: string): JackstopError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const missing = code === 'ENOENT' || code === 'ENOTDIR';
  return new JackstopError(
    missing ? 'JACKSTOP_INPUT_NOT_FOUND' : 'JACKSTOP_INPUT_UNREADABLE',
    `${missing ? `${what} not found` : `cannot read ${what}`}: ${errorMessage(e)}`,
    { location: { file }, cause: e },
  );
}

async function collectFiles(dir: string, out: string[], seen: Set<string>, errors: JackstopError[]): Promise<void> {
  let real: string;
  try {
    real = await realpath(dir);
  } catch (e) {
    errors.push(fsError(e, dir, 'rule directory'));
    return;
  }
  if (seen.has(real)) return; // a symlink loop
  seen.add(real);
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    errors.push(fsError(e, dir, 'rule directory'));
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = path.join(dir, e.name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      try {
        const s = await stat(full);
        isDir = s.isDirectory();
        isFile = s.isFile();
      } catch {
        continue; // dangling link
      }
    }
    if (isDir) await collectFiles(full, out, seen, errors);
    else if (isFile && RULE_FILE.test(e.name)) out.push(full);
  }
}

/**
 * Load every rule under `paths` (files are read whatever their extension; directories are walked
 * for `*.yml`/`*.yaml`, in name order). A rule id seen twice is reported as JACKSTOP_RULE_DUPLICATE
 * and the later copy dropped.
 */
export async function loadRules(paths: string[], opts: LoadOptions = {}): Promise<LoadResult> {
  const errors: JackstopError[] = [];
  const files: string[] = [];
  const seenDirs = new Set<string>();
  for (const p of paths) {
    let s: Awaited<ReturnType<typeof stat>>;
    try {
      s = await stat(p);
    } catch (e) {
      errors.push(fsError(e, p, 'rule path'));
      continue;
    }
    if (s.isDirectory()) await collectFiles(p, files, seenDirs, errors);
    else files.push(p);
  }

  const rules: SigmaRule[] = [];
  const firstSeen = new Map<string, SigmaRule>();
  for (const file of [...new Set(files)]) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      errors.push(fsError(e, file, 'rule file'));
      continue;
    }
    for (const result of parseSigma(text, { file, placeholders: opts.placeholders })) {
      if (!result.ok) {
        errors.push(result.error);
        continue;
      }
      const rule = result.rule;
      const earlier = firstSeen.get(rule.id);
      if (earlier) {
        const where = earlier.source.file ? ` in ${earlier.source.file}:${earlier.source.line}` : '';
        errors.push(
          new JackstopError(
            'JACKSTOP_RULE_DUPLICATE',
            `rule id ${rule.id} ('${rule.title}') is already used by '${earlier.title}'${where}; give one of them a new id`,
            { location: { file: rule.source.file, line: rule.source.line } },
          ),
        );
        continue;
      }
      firstSeen.set(rule.id, rule);
      rules.push(rule);
    }
  }
  return { rules, errors };
}
