/**
 * @module events
 * Normalization: raw provider records → the shared `Event` shape, one module per source kind,
 * chosen through the `NORMALIZERS` registry: AWS CloudTrail, Bedrock model-invocation logs, Azure
 * activity log, Azure OpenAI / Cognitive Services resource logs, GCP Cloud Audit Logs (Vertex AI
 * included) and OpenAI organization audit logs. Also the Sigma `logsource` each kind corresponds
 * to (`SIGMA_LOGSOURCE`), so detectors pick the rules that apply, and the Sigma field-name maps
 * (`SIGMA_FIELD_MAPS`, data files validated by zod) that let SigmaHQ's rules address raw fields.
 */
import type { Event, EventSource } from '../domain/index.js';
import { JackstopError } from '../errors.js';
import { azureActivityToEvent } from './azure-activity.js';
import { azureResourceToEvent } from './azure-resource.js';
import { bedrockInvocationToEvent } from './bedrock-invocation.js';
import { cloudTrailToEvent } from './cloudtrail.js';
import { gcpAuditToEvent } from './gcp-audit.js';
import { openAiAuditToEvent } from './openai-audit.js';

export { azureActivityToEvent } from './azure-activity.js';
export { azureResourceToEvent } from './azure-resource.js';
export { bedrockInvocationToEvent } from './bedrock-invocation.js';
export { cloudTrailToEvent, normalizeTime } from './cloudtrail.js';
export { gcpAuditToEvent, vertexModelOf } from './gcp-audit.js';
export { openAiAuditToEvent } from './openai-audit.js';
export { parseFieldMap, SIGMA_FIELD_MAPS, SigmaFieldMapFile } from './sigma-fields.js';

type Normalizer = (raw: Record<string, unknown>) => Event;

/** Raw record → Event, per source kind. */
export const NORMALIZERS: Record<EventSource, Normalizer> = {
  'aws.cloudtrail': cloudTrailToEvent,
  'aws.bedrock.invocation': bedrockInvocationToEvent,
  'azure.activity': azureActivityToEvent,
  'azure.resource': azureResourceToEvent,
  'gcp.audit': gcpAuditToEvent,
  'openai.audit': openAiAuditToEvent,
};

/**
 * The Sigma `logsource` of each normalized source. SigmaHQ's shared rules use `azure/activitylogs`
 * and `gcp/gcp.audit`; Sigma has no taxonomy entry for Bedrock invocation logs, Azure resource
 * logs or OpenAI audit logs, so those use names of our own that no shared rule claims.
 */
export const SIGMA_LOGSOURCE: Record<EventSource, { product: string; service: string }> = {
  'aws.cloudtrail': { product: 'aws', service: 'cloudtrail' },
  'aws.bedrock.invocation': { product: 'aws', service: 'bedrock' },
  'azure.activity': { product: 'azure', service: 'activitylogs' },
  'azure.resource': { product: 'azure', service: 'resourcelogs' },
  'gcp.audit': { product: 'gcp', service: 'gcp.audit' },
  'openai.audit': { product: 'openai', service: 'audit' },
};

export function normalizeEvent(kind: EventSource, raw: Record<string, unknown>): Event {
  const normalize = NORMALIZERS[kind] as Normalizer | undefined;
  if (!normalize) throw new JackstopError('JACKSTOP_INPUT_UNSUPPORTED', `no normalizer for ${kind} records`);
  return normalize(raw);
}
