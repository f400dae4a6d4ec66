/** Facts derived from the whole Gcp inventory for each resource (`d` in check expressions). */
import type { Resource, Snapshot } from '../snapshot.js';

export function enrichGcp(snapshot: Snapshot): Map<Resource, Record<string, unknown>> {
  const out = new Map<Resource, Record<string, unknown>>();
  for (const r of snapshot.resources) if (r.cloud === 'gcp') out.set(r, {});
  return out;
}
