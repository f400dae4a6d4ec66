import type { Event } from '../domain/index.js';
import { operationKind } from './operations.js';
import type { UsageSample } from './types.js';

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}
/** Token counts: non-negative integers, also when a pipeline wrote them as strings. */
function count(v: unknown): number | undefined {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined;
}
function iso(v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  const ms = typeof v === 'number' ? v : Date.parse(v);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
/** Optional fields are left out rather than set to undefined, so samples compare and serialise cleanly. */
function compact(s: UsageSample): UsageSample {
  for (const k of Object.keys(s) as (keyof UsageSample)[]) if (s[k] === undefined) delete s[k];
  return s;
}

/** The model named by a Bedrock ARN (`…:foundation-model/ID`, `…:inference-profile/ID`) or the id itself. */
function bedrockModel(id: string): string {
  return id.startsWith('arn:') && id.includes('/') ? id.slice(id.lastIndexOf('/') + 1) : id;
}

/** CloudTrail record of a bedrock-runtime call. */
function fromCloudTrail(ev: Event, raw: Obj): UsageSample | undefined {
  if (raw.eventSource !== 'bedrock.amazonaws.com') return undefined;
  const operation = str(raw.eventName) ?? ev.action.operation;
  if (!operationKind('aws', operation)) return undefined;
  const req = obj(raw.requestParameters);
  const extra = obj(raw.additionalEventData);
  const model = str(req?.modelId) ?? ev.target.model;
  if (!model) return undefined;
  return compact({
    time: ev.time,
    provider: 'aws',
    account: ev.target.account,
    identity: ev.actor.id ?? ev.actor.accessKeyId ?? 'unknown',
    accessKeyId: ev.actor.accessKeyId,
    model: bedrockModel(model),
    // A cross-region profile runs (and bills) the call in the inference region, not the caller's.
    region: str(extra?.inferenceRegion) ?? ev.target.region,
    operation,
    ok: ev.outcome.ok,
    errorCode: ev.outcome.errorCode,
    inputTokens: count(extra?.inputTokens),
    outputTokens: count(extra?.outputTokens),
    sourceIp: ev.actor.sourceIp,
    userAgent: ev.actor.userAgent,
    requestId: str(raw.requestID),
  });
}

/** Bedrock model-invocation log record (`schemaType: ModelInvocationLog`, research §4.2). */
function fromInvocationLog(ev: Event, raw: Obj): UsageSample | undefined {
  const operation = str(raw.operation) ?? ev.action.operation;
  if (!operationKind('aws', operation)) return undefined;
  const model = str(raw.modelId) ?? ev.target.model;
  if (!model) return undefined;
  const input = obj(raw.input);
  const output = obj(raw.output);
  const errorCode = str(raw.errorCode) ?? ev.outcome.errorCode;
  return compact({
    time: iso(raw.timestamp) ?? ev.time,
    provider: 'aws',
    account: str(raw.accountId) ?? ev.target.account,
    identity: str(obj(raw.identity)?.arn) ?? ev.actor.id ?? 'unknown',
    accessKeyId: ev.actor.accessKeyId,
    model: bedrockModel(model),
    region: str(raw.inferenceRegion) ?? str(raw.region) ?? ev.target.region,
    operation,
    ok: errorCode === undefined,
    errorCode,
    inputTokens: count(input?.inputTokenCount),
    outputTokens: count(output?.outputTokenCount),
    sourceIp: ev.actor.sourceIp,
    userAgent: ev.actor.userAgent,
    requestId: str(raw.requestId),
  });
}

/** `…/ACCOUNTS/<name>` and `/SUBSCRIPTIONS/<id>/…` of an Azure resource id. */
function azureResource(resourceId: string | undefined): { subscription?: string; account?: string } {
  if (!resourceId) return {};
  return {
    subscription: /\/subscriptions\/([^/]+)/i.exec(resourceId)?.[1]?.toLowerCase(),
    account: /\/accounts\/([^/]+)/i.exec(resourceId)?.[1]?.toLowerCase(),
  };
}

/** Azure OpenAI / Cognitive Services diagnostic log, category RequestResponse (research §1.8). */
function fromAzureRequestResponse(ev: Event, raw: Obj): UsageSample | undefined {
  const category = str(raw.category) ?? str(raw.Category);
  if (category?.toLowerCase() !== 'requestresponse') return undefined;
  const operation = str(raw.operationName) ?? str(raw.OperationName) ?? '';
  if (!operationKind('azure', operation)) return undefined;
  // Diagnostic settings write `properties` as an object; some exports keep it as a JSON string.
  let props = obj(raw.properties);
  if (!props && typeof raw.properties === 'string') {
    try {
      props = obj(JSON.parse(raw.properties));
    } catch {
      props = undefined;
    }
  }
  const model = str(props?.modelName) ?? str(props?.modelDeploymentName) ?? ev.target.model;
  if (!model) return undefined;
  const { subscription, account } = azureResource(str(raw.resourceId) ?? str(raw.ResourceId));
  const result =
    str(raw.resultSignature) ?? (typeof raw.resultSignature === 'number' ? String(raw.resultSignature) : undefined);
  const ok = result === undefined ? ev.outcome.ok : /^2\d\d$/.test(result);
  // Calls with an API key carry no caller object id: the key of the account is the identity.
  const identity = str(props?.objectId) ?? ev.actor.id ?? (account ? `apikey:${account}` : 'unknown');
  return compact({
    time: iso(raw.time) ?? ev.time,
    provider: 'azure',
    account: subscription ?? ev.target.account,
    identity,
    accessKeyId: ev.actor.accessKeyId,
    model,
    region: str(raw.location) ?? ev.target.region,
    operation,
    ok,
    errorCode: ok ? undefined : (result ?? ev.outcome.errorCode),
    inputTokens: count(props?.promptTokens) ?? count(obj(props?.usage)?.prompt_tokens),
    outputTokens: count(props?.completionTokens) ?? count(obj(props?.usage)?.completion_tokens),
    sourceIp: str(raw.callerIpAddress) ?? ev.actor.sourceIp,
    userAgent: ev.actor.userAgent,
  });
}

const VERTEX_RESOURCE =
  /projects\/([^/]+)\/locations\/([^/]+)\/(?:publishers\/[^/]+\/models\/([^/:]+)|endpoints\/([^/:]+))/;

/** GCP Cloud Audit Log of a Vertex AI inference call (research §1.9). */
function fromVertex(ev: Event, raw: Obj): UsageSample | undefined {
  const proto = obj(raw.protoPayload);
  if (proto?.serviceName !== 'aiplatform.googleapis.com') return undefined;
  const method = str(proto.methodName) ?? '';
  const operation = method.slice(method.lastIndexOf('.') + 1);
  if (!operationKind('gcp', operation)) return undefined;
  const resource =
    str(proto.resourceName) ?? str(obj(proto.request)?.endpoint) ?? str(obj(obj(proto.request)?.setup)?.model);
  const m = resource ? VERTEX_RESOURCE.exec(resource) : null;
  const model = m?.[3] ?? (m?.[4] ? `endpoints/${m[4]}` : ev.target.model);
  if (!model) return undefined;
  const status = obj(proto.status);
  const code = typeof status?.code === 'number' ? status.code : undefined;
  const ok = code === undefined ? ev.outcome.ok : code === 0;
  const meta = obj(proto.requestMetadata);
  return compact({
    time: iso(raw.timestamp) ?? ev.time,
    provider: 'gcp',
    account: m?.[1] ?? str(obj(obj(raw.resource)?.labels)?.project_id) ?? ev.target.account,
    identity: str(obj(proto.authenticationInfo)?.principalEmail) ?? ev.actor.id ?? 'unknown',
    accessKeyId: ev.actor.accessKeyId,
    model,
    region: m?.[2] ?? ev.target.region,
    operation,
    ok,
    errorCode: ok ? undefined : code !== undefined ? `status ${code}` : ev.outcome.errorCode,
    sourceIp: str(meta?.callerIp) ?? ev.actor.sourceIp,
    userAgent: str(meta?.callerSuppliedUserAgent) ?? ev.actor.userAgent,
  });
}

/**
 * The model invocation an event records, or undefined for anything else (control-plane calls,
 * CountTokens, records of other services). Recognised by the raw record's shape, so it works
 * whichever source kind the event was read as: CloudTrail Bedrock runtime calls, Bedrock
 * model-invocation logs, Azure OpenAI RequestResponse logs, Vertex AI audit logs.
 */
export function usageSampleOf(ev: Event): UsageSample | undefined {
  const raw = ev.raw;
  if (raw.schemaType === 'ModelInvocationLog') return fromInvocationLog(ev, raw);
  if (raw.eventSource !== undefined) return fromCloudTrail(ev, raw);
  if (raw.protoPayload !== undefined) return fromVertex(ev, raw);
  if (raw.operationName !== undefined || raw.OperationName !== undefined) return fromAzureRequestResponse(ev, raw);
  return undefined;
}
