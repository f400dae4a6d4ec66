/**
 * @module events
 * Normalization: raw provider records → the shared `Event` shape, one module per source kind,
 * chosen through the `NORMALIZERS` registry. Also the Sigma `logsource` each kind corresponds to,
 * so detectors pick the rules that apply.
 */
import type { Event, EventSource } from '../domain/index.js';
import { cloudTrailToEvent } from './cloudtrail.js';

export { cloudTrailToEvent, normalizeTime } from './cloudtrail.js';

type Normalizer = (raw: Record<string, unknown>) => Event;

/** Raw record → Event, per source kind. A kind without a normalizer yet is absent. */
export const NORMALIZERS: Partial<Record<EventSource, Normalizer>> = {
  'aws.cloudtrail': cloudTrailToEvent,
};

/** The Sigma `logsource` of each normalized source. */
export const SIGMA_LOGSOURCE: Record<EventSource, { product: string; service: string }> = {
  'aws.cloudtrail': { product: 'aws', service: 'cloudtrail' },
  'aws.bedrock.invocation': { product: 'aws', service: 'bedrock' },
  'azure.activity': { product: 'azure', service: 'activitylogs' },
  'gcp.audit': { product: 'gcp', service: 'gcp.audit' },
};

export function normalizeEvent(kind: EventSource, raw: Record<string, unknown>): Event {
  const normalize = NORMALIZERS[kind];
  if (!normalize) throw new Error(`no normalizer for ${kind} records`);
  return normalize(raw);
}
