/** Facts derived from the whole Azure inventory for each resource (`d` in check expressions). */
import type { Resource, Snapshot } from '../snapshot.js';

export function enrichAzure(snapshot: Snapshot): Map<Resource, Record<string, unknown>> {
  const out = new Map<Resource, Record<string, unknown>>();
  for (const r of snapshot.resources) if (r.cloud === 'azure') out.set(r, {});
  return out;
}
