import { createHash } from 'node:crypto';
import type { Event } from '../domain/index.js';

type Obj = Record<string, unknown>;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

const SPACE_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * CloudTrail writes `2024-10-17T20:11:24Z`; exports and test fixtures also use
 * `2025-01-21 17:39:10.000000000` (no zone, nanoseconds). Both become ISO 8601 UTC with milliseconds.
 * Returns undefined when the value is not a time at all.
 */
export function normalizeTime(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v).toISOString();
  if (typeof v !== 'string' || v === '') return undefined;
  // Logs are in time order and many events share a second: the last answer is usually the next one.
  if (v === lastTime.in) return lastTime.out;
  const m = SPACE_TIME.exec(v);
  const candidate = m ? `${m[1]}T${m[2]}${m[3] ? `.${m[3].slice(0, 3).padEnd(3, '0')}` : ''}${m[4] ?? 'Z'}` : v;
  const ms = Date.parse(candidate);
  const out = Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  lastTime.in = v;
  lastTime.out = out;
  return out;
}

const lastTime: { in: string | undefined; out: string | undefined } = { in: undefined, out: undefined };

/** Model named by a Bedrock (or SageMaker) call, when the request carries one. */
function modelOf(req: Obj | undefined, resp: Obj | undefined): string | undefined {
  if (!req && !resp) return undefined;
  return (
    str(req?.modelId) ??
    str(req?.modelIdentifier) ??
    str(req?.baseModelIdentifier) ??
    str(req?.inferenceProfileIdentifier) ??
    str(resp?.modelId)
  );
}

function resourcesOf(raw: Obj): string[] {
  const list = raw.resources;
  if (!Array.isArray(list)) return [];
  const out: string[] = [];
  for (const r of list) {
    const arn = str(obj(r)?.ARN) ?? str(obj(r)?.arn);
    if (arn) out.push(arn);
  }
  return out;
}

/**
 * The principal an analyst pivots on. IAM users and roles have an ARN; AWS services have only
 * `invokedBy`; some anonymised or partial records have only a principalId or a key.
 */
function principalOf(ui: Obj | undefined): string | undefined {
  if (!ui) return undefined;
  return str(ui.arn) ?? str(ui.principalId) ?? str(ui.invokedBy) ?? str(ui.accessKeyId);
}

function contentId(raw: Obj): string {
  return createHash('sha1').update(JSON.stringify(raw)).digest('hex');
}

/**
 * Map one CloudTrail record to the normalized `Event`. Tolerant by design: real logs
 * (anonymised Stratus captures, Panther fixtures, Lake exports) bend every field, so missing
 * values stay undefined instead of failing. The caller has already checked the record's shape.
 */
export function cloudTrailToEvent(raw: Obj): Event {
  const ui = obj(raw.userIdentity);
  const req = obj(raw.requestParameters);
  const resp = obj(raw.responseElements);
  const issuer = obj(obj(ui?.sessionContext)?.sessionIssuer);
  const errorCode = str(raw.errorCode);
  const readOnly = raw.readOnly;
  return {
    id: str(raw.eventID) ?? contentId(raw),
    time: normalizeTime(raw.eventTime) ?? new Date(0).toISOString(),
    source: 'aws.cloudtrail',
    actor: {
      id: principalOf(ui),
      type: str(ui?.type),
      name: str(ui?.userName) ?? str(issuer?.userName),
      accessKeyId: str(ui?.accessKeyId),
      sourceIp: str(raw.sourceIPAddress),
      userAgent: str(raw.userAgent),
    },
    action: {
      service: str(raw.eventSource) ?? '',
      operation: str(raw.eventName) ?? '',
      readOnly:
        typeof readOnly === 'boolean'
          ? readOnly
          : readOnly === 'true'
            ? true
            : readOnly === 'false'
              ? false
              : undefined,
    },
    target: {
      account: str(raw.recipientAccountId) ?? str(ui?.accountId),
      region: str(raw.awsRegion),
      model: modelOf(req, resp),
      resources: resourcesOf(raw),
    },
    outcome: {
      ok: errorCode === undefined,
      errorCode,
      errorMessage: str(raw.errorMessage),
    },
    raw,
  };
}
