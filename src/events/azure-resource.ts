import type { Event } from '../domain/index.js';
import { azureValue, callerOf, propertiesOf, providerOf, resourceIdOf, subscriptionOf } from './azure-common.js';
import { normalizeTime } from './cloudtrail.js';
import { contentId, num, type Obj, str } from './fields.js';

/**
 * One Azure resource-log record of an Azure OpenAI / Cognitive Services account (categories Audit,
 * RequestResponse, Trace, AzureOpenAIRequestUsage) → Event. `operationName` is the data-plane
 * operation (`ChatCompletions_Create`, `ListKey`); `resultSignature` the HTTP status. The caller IP
 * arrives with its last octet masked (`81.2.69.***`) and is kept as logged. Calls made with an
 * account key carry no principal: `properties.objectId` is set only for Entra ID callers.
 * The model is `properties.modelName` (else the deployment name); request and response lengths
 * stay in `raw.properties`.
 */
export function azureResourceToEvent(raw: Obj): Event {
  const properties = propertiesOf(raw);
  const resourceId = resourceIdOf(raw);
  const operation = azureValue(raw.operationName) ?? azureValue(raw.OperationName) ?? '';
  const status = num(raw.resultSignature);
  const resultType = azureValue(raw.resultType);
  const failed = (status !== undefined && status >= 400) || (resultType !== undefined && /^fail/i.test(resultType));
  const caller = callerOf(raw, properties);
  const deployment = str(properties?.modelDeploymentName);
  return {
    id: str(raw.correlationId) ?? contentId(raw),
    time: normalizeTime(raw.time) ?? new Date(0).toISOString(),
    source: 'azure.resource',
    actor: {
      id: caller.id ?? str(properties?.objectId),
      type: caller.type,
      name: caller.name,
      sourceIp: caller.ip,
      userAgent: str(properties?.userAgent),
    },
    action: { service: providerOf(undefined, resourceId) ?? 'Microsoft.CognitiveServices', operation },
    target: {
      account: subscriptionOf(resourceId),
      region: str(raw.location),
      model: str(properties?.modelName) ?? deployment,
      resources: [
        ...(resourceId ? [resourceId] : []),
        ...(resourceId && deployment ? [`${resourceId}/deployments/${deployment}`] : []),
      ],
    },
    outcome: {
      ok: !failed,
      errorCode: failed ? (azureValue(raw.resultSignature) ?? resultType) : undefined,
      errorMessage: failed ? str(raw.resultDescription) : undefined,
    },
    raw,
  };
}
