/**
 * Which log a parsed record is from, decided by its content (files mix shapes and carry no
 * header). Each test looks only at the fields that log always writes, so a record of one kind
 * never passes another kind's test.
 */
import type { EventSource } from '../domain/index.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function nonEmpty(v: unknown): v is string {
  return typeof v === 'string' && v !== '';
}

/** CloudTrail: every event has `eventName` and `eventSource`. */
export function isCloudTrailEvent(v: Obj): boolean {
  return nonEmpty(v.eventName) && nonEmpty(v.eventSource);
}

/**
 * Bedrock model-invocation log (`schemaType: ModelInvocationLog`). Records written before the
 * schema fields existed still have `modelId`, `operation`, `requestId` and `identity.arn`.
 */
export function isBedrockInvocation(v: Obj): boolean {
  if (v.schemaType === 'ModelInvocationLog') return true;
  return nonEmpty(v.modelId) && nonEmpty(v.operation) && nonEmpty(v.requestId) && isObj(v.identity);
}

/**
 * GCP Cloud Audit Logs: a LogEntry whose `protoPayload` is an AuditLog. Panther's stored logs
 * rename `@type` to `at_sign_type` or omit it; then a method or service name must be there.
 */
export function isGcpAudit(v: Obj): boolean {
  const p = v.protoPayload;
  if (!isObj(p)) return false;
  const type = p['@type'] ?? p.at_sign_type;
  if (typeof type === 'string') return type.endsWith('google.cloud.audit.AuditLog');
  return nonEmpty(p.methodName) || nonEmpty(p.serviceName);
}

/** The resource-log categories of Azure OpenAI / Cognitive Services accounts (never used by the activity log). */
const AZURE_RESOURCE_CATEGORIES = new Set(['audit', 'requestresponse', 'trace', 'azureopenairequestusage']);

/** `operationName` is a string in exported logs and `{value, localizedValue}` in the REST API / `az` output. */
function azureOperation(v: Obj): string | undefined {
  const op = v.operationName;
  if (nonEmpty(op)) return op;
  if (isObj(op) && nonEmpty(op.value)) return op.value;
  return undefined;
}

function azureCategory(v: Obj): string | undefined {
  const c = v.category;
  if (nonEmpty(c)) return c;
  if (isObj(c) && nonEmpty(c.value)) return c.value;
  return undefined;
}

/**
 * Azure Monitor records (activity log and resource logs share the common schema): an
 * `operationName`, and a `time` / `eventTimestamp` or a `resourceId`.
 */
function isAzureMonitor(v: Obj): boolean {
  return (
    azureOperation(v) !== undefined &&
    (nonEmpty(v.time) || nonEmpty(v.eventTimestamp) || nonEmpty(v.resourceId) || nonEmpty(v.ResourceId))
  );
}

/** OpenAI organization audit log (`GET /v1/organization/audit_logs` items). */
export function isOpenAiAudit(v: Obj): boolean {
  if (v.object === 'organization.audit_log') return true;
  return nonEmpty(v.type) && typeof v.effective_at === 'number' && isObj(v.actor);
}

/**
 * Text one of which every record of a kind other than CloudTrail holds (lower-case; keys or values
 * the tests above require): lets a byte-level prefilter keep all of them for a consumer that reads
 * every kind (usage counting).
 */
export const NON_CLOUDTRAIL_MARKERS: readonly string[] = [
  'modelinvocationlog', // Bedrock invocation log: schemaType …
  'modelid', // … or modelId in the older records
  'protopayload', // GCP audit
  'organization.audit_log', // OpenAI audit: object …
  'effective_at', // … or effective_at
  'operationname', // Azure Monitor
];

/** The kind of a parsed record, or undefined when it is none Jackstop reads. */
export function recordKind(v: Obj): EventSource | undefined {
  if (isCloudTrailEvent(v)) return 'aws.cloudtrail';
  if (isBedrockInvocation(v)) return 'aws.bedrock.invocation';
  if (isGcpAudit(v)) return 'gcp.audit';
  if (isOpenAiAudit(v)) return 'openai.audit';
  if (isAzureMonitor(v)) {
    const category = azureCategory(v)?.toLowerCase();
    return category !== undefined && AZURE_RESOURCE_CATEGORIES.has(category) ? 'azure.resource' : 'azure.activity';
  }
  return undefined;
}

/**
 * Azure writes `properties` as an object in some deliveries and as a JSON-encoded string in
 * others (storage account exports of some categories, Log Analytics). Rules address
 * `properties.<field>`, so a string that holds a JSON object is decoded; anything else is kept.
 * Returns the record itself when nothing changes.
 */
export function decodeAzureProperties(v: Obj): Obj {
  const p = v.properties;
  if (typeof p !== 'string') return v;
  const t = p.trimStart();
  if (!t.startsWith('{')) return v;
  try {
    const parsed: unknown = JSON.parse(p);
    return isObj(parsed) ? { ...v, properties: parsed } : v;
  } catch {
    return v;
  }
}
