import { type Asset, EVIDENCE_EVENT_CAP, EVIDENCE_VALUE_CAP, type Evidence, type Finding } from '../domain/index.js';

const VALUE_LISTS = [
  'eventNames',
  'models',
  'regions',
  'sourceIps',
  'userAgents',
  'accessKeyIds',
  'errorCodes',
  'locations',
] as const satisfies readonly (keyof Evidence)[];

/** Distinct values of the lists, in order, at most `cap` of them. */
function unionCapped(lists: readonly (readonly string[])[], cap: number): string[] {
  const seen = new Set<string>();
  for (const list of lists) {
    for (const v of list) {
      if (seen.size >= cap) return [...seen];
      seen.add(v);
    }
  }
  return [...seen];
}

/**
 * The union of evidence lists, capped as the domain says. The earlier-starting side comes first so
 * `eventIds` stays oldest first when older logs are loaded after newer ones.
 */
export function mergeEvidence(earlier: Evidence, later?: Evidence): Evidence {
  const pick = (key: 'eventIds' | (typeof VALUE_LISTS)[number], cap: number) =>
    unionCapped(later ? [earlier[key], later[key]] : [earlier[key]], cap);
  const merged = { eventIds: pick('eventIds', EVIDENCE_EVENT_CAP) } as Evidence;
  for (const key of VALUE_LISTS) merged[key] = pick(key, EVIDENCE_VALUE_CAP);
  // Statistical numbers describe one measurement: the later report's replace the earlier's.
  const metrics = later?.metrics ?? earlier.metrics;
  if (metrics !== undefined) merged.metrics = { ...metrics };
  return merged;
}

/** Epoch ms of an ISO time; callers validate before, so NaN never reaches a comparison. */
export function timeMs(iso: string): number {
  return Date.parse(iso);
}

/** Assets of both sides, one per (kind, id); the incoming description of an asset wins. */
function mergeAssets(stored: readonly Asset[], incoming: readonly Asset[]): Asset[] {
  const key = (a: Asset) => `${a.kind}\0${a.id}`;
  const byKey = new Map<string, Asset>();
  for (const a of stored) byKey.set(key(a), a);
  for (const a of incoming) byKey.set(key(a), a);
  return [...byKey.values()];
}

/** A finding as first stored: evidence made distinct and capped. */
export function normalizeNew(incoming: Finding): Finding {
  return { ...incoming, evidence: mergeEvidence(incoming.evidence) };
}

/**
 * What the store keeps when a finding it already has is reported again. Descriptive fields (title,
 * severity, remediation, mappings …) come from the incoming finding, since rules evolve; the time span
 * widens; evidence and assets are unioned. Status is the analyst's: it stays, except that a resolved
 * finding with activity after its previous lastSeen reopens (a suppressed one stays suppressed).
 * `count` is left to the caller, which knows the linked events.
 */
export function mergeFinding(stored: Finding, incoming: Finding): Finding {
  const storedFirst = timeMs(stored.firstSeen);
  const incomingFirst = timeMs(incoming.firstSeen);
  const newActivity = timeMs(incoming.lastSeen) > timeMs(stored.lastSeen);
  const incomingStartsEarlier = incomingFirst < storedFirst;
  return {
    ...incoming,
    status: stored.status === 'resolved' && newActivity ? 'open' : stored.status,
    subject: { ...incoming.subject, label: incoming.subject.label ?? stored.subject.label },
    assets: mergeAssets(stored.assets, incoming.assets),
    evidence: incomingStartsEarlier
      ? mergeEvidence(incoming.evidence, stored.evidence)
      : mergeEvidence(stored.evidence, incoming.evidence),
    firstSeen: incomingStartsEarlier ? incoming.firstSeen : stored.firstSeen,
    lastSeen: newActivity ? incoming.lastSeen : stored.lastSeen,
    count: stored.count,
  };
}
