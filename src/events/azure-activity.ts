import type { Event } from '../domain/index.js';
import { azureValue, callerOf, propertiesOf, providerOf, resourceIdOf, subscriptionOf } from './azure-common.js';
import { normalizeTime } from './cloudtrail.js';
import { contentId, type Obj, str } from './fields.js';

/** Activity-log result types that mean the operation did not succeed. */
const FAILED = /^(fail|failed|failure)$/i;

/** `…/read` reads; `…/write`, `…/delete` and `…/action` change something. */
function readOnlyOf(operation: string): boolean | undefined {
  const last = operation.slice(operation.lastIndexOf('/') + 1).toLowerCase();
  if (last === 'read') return true;
  if (last === 'write' || last === 'delete' || last === 'action') return false;
  return undefined;
}

/**
 * The model a Cognitive Services / Azure OpenAI operation is about: the deployment named in the
 * resource id (`…/accounts/<account>/deployments/<deployment>`), as `<account>/<deployment>`.
 */
export function deploymentOf(resourceId: string | undefined): string | undefined {
  if (!resourceId) return undefined;
  const m = /\/providers\/microsoft\.cognitiveservices\/accounts\/([^/]+)\/deployments\/([^/]+)/i.exec(resourceId);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

/**
 * One Azure activity-log record → Event. Reads both delivered shapes: the storage-account / Event
 * Hub export (`time`, `operationName`, `resultType`, `identity.claims`) and the REST API / `az
 * monitor activity-log list` shape (`eventTimestamp`, `{value}` pairs, `caller`, `httpRequest`).
 * The caller IP is as Azure logs it; the activity log has no user agent and no key id.
 */
export function azureActivityToEvent(raw: Obj): Event {
  const properties = propertiesOf(raw);
  const resourceId = resourceIdOf(raw);
  const operation = azureValue(raw.operationName) ?? '';
  const result = azureValue(raw.resultType) ?? azureValue(raw.status);
  const failed = result !== undefined && FAILED.test(result);
  const caller = callerOf(raw, properties);
  const errorCode = failed
    ? (azureValue(raw.resultSignature) ?? azureValue(raw.subStatus) ?? str(properties?.statusCode) ?? result)
    : undefined;
  return {
    id: str(raw.eventDataId) ?? contentId(raw),
    time: normalizeTime(raw.time ?? raw.eventTimestamp) ?? new Date(0).toISOString(),
    source: 'azure.activity',
    actor: { id: caller.id, type: caller.type, name: caller.name, sourceIp: caller.ip },
    action: {
      service: providerOf(operation, resourceId) ?? azureValue(raw.resourceProviderName) ?? '',
      operation,
      readOnly: readOnlyOf(operation),
    },
    target: {
      account: subscriptionOf(resourceId) ?? str(raw.subscriptionId),
      region: str(raw.location),
      model: deploymentOf(resourceId),
      resources: resourceId ? [resourceId] : [],
    },
    outcome: { ok: !failed, errorCode, errorMessage: str(properties?.statusMessage) },
    raw,
  };
}
