/** Facts derived from the whole Aws inventory for each resource (`d` in check expressions). */
import type { Resource, Snapshot } from '../snapshot.js';

export function enrichAws(snapshot: Snapshot): Map<Resource, Record<string, unknown>> {
  const out = new Map<Resource, Record<string, unknown>>();
  for (const r of snapshot.resources) if (r.cloud === 'aws') out.set(r, {});
  return out;
}
