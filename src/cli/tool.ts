import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPackageRoot } from '../package-root.js';

/** Jackstop's package root (works from src/ and dist/src/). */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  const root = findPackageRoot(from);
  if (!root) throw new Error(`no package.json above ${from}`);
  return root;
}

const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };

/** How Jackstop names itself in reports (SARIF driver, OCSF product). */
export const TOOL: { name: string; version: string } = { name: 'Jackstop', version: pkg.version };
