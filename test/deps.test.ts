import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// Many packages' newest majors need Node 22; a transitive upgrade can break at import time on
// Node 20 (e.g. undici 8). Importing every runtime dependency here catches that in CI, not at a
// user's prompt.
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
};

describe('runtime dependencies', () => {
  it.each(Object.keys(pkg.dependencies))('%s imports on this Node', async (name) => {
    const mod = (await import(name)) as Record<string, unknown>;
    expect(Object.keys(mod).length).toBeGreaterThan(0);
  });
});
