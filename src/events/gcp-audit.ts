import type { Event } from '../domain/index.js';
import { normalizeTime } from './cloudtrail.js';
import { at, contentId, num, type Obj, obj, str } from './fields.js';

/** google.rpc.Code names: audit logs write the number. */
const RPC_CODES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

/** Project, folder or organization the entry belongs to, from its labels or its `logName`. */
function accountOf(raw: Obj): string | undefined {
  const labels = obj(at(raw, 'resource', 'labels'));
  const project = str(labels?.project_id);
  if (project) return project;
  const m = /^(projects|folders|organizations|billingAccounts)\/([^/]+)\//.exec(str(raw.logName) ?? '');
  if (!m) return undefined;
  return m[1] === 'projects' ? m[2] : `${m[1]}/${m[2]}`;
}

function locationOf(raw: Obj, p: Obj | undefined, resourceName: string | undefined): string | undefined {
  const labels = obj(at(raw, 'resource', 'labels'));
  const fromName = resourceName ? /\/locations\/([^/]+)/.exec(resourceName)?.[1] : undefined;
  const current = at(p, 'resourceLocation', 'currentLocations');
  return (
    fromName ??
    str(labels?.location) ??
    str(labels?.region) ??
    str(labels?.zone) ??
    (Array.isArray(current) ? str(current[0]) : undefined)
  );
}

/**
 * The model a Vertex AI call names: the publisher model (`…/publishers/<publisher>/models/<model>`,
 * e.g. `gemini-2.0-flash-exp`, `claude-3-5-sonnet@20240620`) or a deployed endpoint
 * (`endpoints/<id>`), from the resource name or the request.
 */
export function vertexModelOf(...names: (string | undefined)[]): string | undefined {
  for (const name of names) {
    if (!name) continue;
    const publisher = /\/publishers\/[^/]+\/models\/([^/:]+)/.exec(name);
    if (publisher?.[1]) return publisher[1];
    const endpoint = /\/(endpoints\/[^/:]+)/.exec(name);
    if (endpoint?.[1]) return endpoint[1];
  }
  return undefined;
}

function principalType(email: string | undefined, subject: string | undefined): string | undefined {
  if (email?.endsWith('.gserviceaccount.com')) return 'ServiceAccount';
  if (email?.includes('@')) return 'User';
  if (subject?.startsWith('principal://') || subject?.startsWith('principalSet://')) return 'WorkloadIdentity';
  if (subject?.startsWith('serviceAccount:')) return 'ServiceAccount';
  return undefined;
}

/** `//iam.googleapis.com/projects/p/serviceAccounts/sa@p.iam.gserviceaccount.com/keys/<id>` → `<id>`. */
function keyIdOf(keyName: string | undefined): string | undefined {
  if (!keyName) return undefined;
  const m = /\/keys\/([^/]+)$/.exec(keyName);
  return m?.[1] ?? keyName;
}

/**
 * One GCP Cloud Audit Logs entry (LogEntry with an AuditLog `protoPayload`) → Event. The actor is
 * the principal email (or the workload-identity subject), with the user-managed service-account key
 * when one was used; the target is the project, the location and, for Vertex AI, the model.
 * A non-zero `status.code` is a failure; so is a denied permission when the entry has no status.
 */
export function gcpAuditToEvent(raw: Obj): Event {
  const p = obj(raw.protoPayload);
  const auth = obj(p?.authenticationInfo);
  const meta = obj(p?.requestMetadata);
  const email = str(auth?.principalEmail);
  const subject = str(auth?.principalSubject);
  const resourceName = str(p?.resourceName);
  const request = obj(p?.request);
  const code = num(at(p, 'status', 'code'));
  const authz = Array.isArray(p?.authorizationInfo) ? p.authorizationInfo.map(obj) : [];
  const denied = authz.some((a) => a?.granted === false || a?.granted === 'false');
  const readOnly = authz.length > 0 ? authz.every((a) => /_READ$/.test(str(a?.permissionType) ?? '')) : undefined;
  let errorCode: string | undefined;
  if (code !== undefined && code !== 0) errorCode = RPC_CODES[code] ?? String(code);
  else if (code === undefined && denied) errorCode = 'PERMISSION_DENIED';
  return {
    id: str(raw.insertId) ?? contentId(raw),
    time: normalizeTime(raw.timestamp ?? raw.receiveTimestamp) ?? new Date(0).toISOString(),
    source: 'gcp.audit',
    actor: {
      id: email ?? subject,
      type: principalType(email, subject),
      name: email,
      accessKeyId: keyIdOf(str(auth?.serviceAccountKeyName)),
      sourceIp: str(meta?.callerIp) ?? str(meta?.callerIP),
      userAgent: str(meta?.callerSuppliedUserAgent),
    },
    action: { service: str(p?.serviceName) ?? '', operation: str(p?.methodName) ?? '', readOnly },
    target: {
      account: accountOf(raw),
      region: locationOf(raw, p, resourceName),
      model:
        str(p?.serviceName) === 'aiplatform.googleapis.com'
          ? vertexModelOf(resourceName, str(request?.endpoint), str(request?.model), str(at(request, 'setup', 'model')))
          : undefined,
      resources: resourceName ? [resourceName] : [],
    },
    outcome: {
      ok: errorCode === undefined,
      errorCode,
      errorMessage: errorCode ? str(at(p, 'status', 'message')) : undefined,
    },
    raw,
  };
}
