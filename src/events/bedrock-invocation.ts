import type { Event } from '../domain/index.js';
import { normalizeTime } from './cloudtrail.js';
import { contentId, type Obj, obj, str } from './fields.js';

/** `IAMUser`, `AssumedRole` or `Root` from an IAM / STS ARN (the invocation log carries only the ARN). */
function identityType(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  if (/:assumed-role\//.test(arn)) return 'AssumedRole';
  if (/:user\//.test(arn)) return 'IAMUser';
  if (/:root$/.test(arn)) return 'Root';
  if (/:role\//.test(arn)) return 'Role';
  return undefined;
}

/** The user name or role session name at the end of the ARN. */
function identityName(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  const slash = arn.lastIndexOf('/');
  return slash >= 0 && slash < arn.length - 1 ? arn.slice(slash + 1) : undefined;
}

/**
 * One Bedrock model-invocation log record (`schemaType: ModelInvocationLog`) → Event. The log names
 * the identity by ARN only (no access key, IP or user agent). Token counts stay in `raw`
 * (`input.inputTokenCount`, `output.outputTokenCount`): usage reads them from there.
 */
export function bedrockInvocationToEvent(raw: Obj): Event {
  const arn = str(obj(raw.identity)?.arn);
  const errorCode = str(raw.errorCode);
  const modelId = str(raw.modelId);
  return {
    id: str(raw.requestId) ?? contentId(raw),
    time: normalizeTime(raw.timestamp) ?? new Date(0).toISOString(),
    source: 'aws.bedrock.invocation',
    actor: { id: arn, type: identityType(arn), name: identityName(arn) },
    action: { service: 'bedrock.amazonaws.com', operation: str(raw.operation) ?? '', readOnly: true },
    target: {
      account: str(raw.accountId),
      region: str(raw.region),
      model: modelId,
      resources: modelId?.startsWith('arn:') ? [modelId] : [],
    },
    outcome: { ok: errorCode === undefined, errorCode, errorMessage: str(raw.errorMessage) },
    raw,
  };
}
