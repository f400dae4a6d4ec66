import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The nearest folder at or above `from` that holds a package.json: Jackstop's own root, whether it
 * runs from `src/` (tests) or from the compiled `dist/src/`. Data shipped beside the code (rule
 * pack, samples) is found from there. Undefined when there is none.
 */
export function findPackageRoot(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
