/**
 * Each capability folder (`src/<name>/`) is used by others only through its `index.ts`; internals
 * stay private. Sub-folders with their own `index.ts` (e.g. `detect/sigma`) are capabilities too.
 * Data flows one way, so the folders a capability may import are listed here as well.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name));
}

const files = sourceFiles(SRC);
const topLevel = readdirSync(SRC, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);
const capabilities = [
  ...new Set([...topLevel, ...files.filter((f) => f.endsWith('/index.ts')).map((f) => relative(SRC, dirname(f)))]),
].sort((a, b) => b.length - a.length); // deepest first
/** The one file others may import: index.ts; the CLI is an end point with main.ts. */
const ENTRY: Record<string, string> = { cli: 'main.ts' };

/** The capability folder a file belongs to ('' for root files such as errors.ts). */
function capabilityOf(file: string): string {
  const rel = relative(SRC, file);
  return capabilities.find((c) => rel.startsWith(`${c}/`)) ?? '';
}

/** Which top-level capabilities each may import (sources → events → detect → store/export → cli). */
const ALLOWED: Record<string, string[]> = {
  domain: [],
  events: ['domain'],
  sources: ['domain'],
  detect: ['domain', 'events', 'usage'],
  usage: ['domain', 'events'],
  store: ['domain', 'usage'],
  export: ['domain'],
  scan: ['domain', 'events', 'sources', 'detect', 'usage'],
  // Posture reads snapshots (JSON errors with line and column come from sources) into findings.
  posture: ['domain', 'sources'],
  cli: ['domain', 'events', 'sources', 'detect', 'scan', 'store', 'export', 'usage', 'posture'],
};

const IMPORT = /(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"](\.[^'"]+)['"]/g;

describe('module boundaries', () => {
  it('finds the capability folders', () => {
    expect(capabilities).toEqual(
      expect.arrayContaining([
        'domain',
        'sources',
        'events',
        'detect',
        'detect/sigma',
        'detect/rules',
        'store',
        'export',
        'cli',
        'posture',
      ]),
    );
  });

  it('imports across folders go through index.ts and follow the data flow', () => {
    const problems: string[] = [];
    for (const file of files) {
      const from = capabilityOf(file);
      for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
        const target = resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts'));
        if (!target.startsWith(SRC)) continue; // tests may use test/ helpers
        const to = capabilityOf(target);
        const where = `${relative(SRC, file)} → ${relative(SRC, target)}`;
        if (to === from || to === '' || from.startsWith(`${to}/`)) continue;
        if (!to.startsWith(`${from}/`) && relative(SRC, target) !== `${to}/${ENTRY[to] ?? 'index.ts'}`)
          problems.push(`${where}: import ${to}/${ENTRY[to] ?? 'index.ts'} instead`);
        const [fromTop, toTop] = [from.split('/')[0]!, to.split('/')[0]!];
        if (fromTop !== toTop && !(ALLOWED[fromTop] ?? []).includes(toTop))
          problems.push(`${where}: ${fromTop} may not depend on ${toTop}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
