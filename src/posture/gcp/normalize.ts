/**
 * Google API responses to snapshot attributes. The gRPC clients (google-gax) decode with proto
 * defaults (`''` for an unset string, `null` for an unset message, `{seconds, nanos}` timestamps,
 * enums as names); the REST clients (googleapis) give proto3 JSON (unset fields left out, RFC 3339
 * times). Both are read here, so an attribute means the same whichever transport produced it.
 *
 * Never copied: API key strings (`keyString`), service-account private or public key data,
 * container environment variables, Workbench metadata outside an allow-list (startup scripts may
 * hold secrets).
 */
import type { protos as aiplatformProtos } from '@google-cloud/aiplatform';
import type { protos as apikeysProtos } from '@google-cloud/apikeys';
import type { protos as notebooksProtos } from '@google-cloud/notebooks';
import type { cloudresourcemanager_v3 } from '@googleapis/cloudresourcemanager';
import type { iam_v1 } from '@googleapis/iam';

export type VertexEndpoint = aiplatformProtos.google.cloud.aiplatform.v1.IEndpoint;
export type VertexModel = aiplatformProtos.google.cloud.aiplatform.v1.IModel;
export type VertexDataset = aiplatformProtos.google.cloud.aiplatform.v1.IDataset;
export type VertexIndexEndpoint = aiplatformProtos.google.cloud.aiplatform.v1.IIndexEndpoint;
export type WorkbenchInstance = notebooksProtos.google.cloud.notebooks.v2.IInstance;
export type ApiKey = apikeysProtos.google.api.apikeys.v2.IKey;
export type ServiceAccount = iam_v1.Schema$ServiceAccount;
export type ServiceAccountKey = iam_v1.Schema$ServiceAccountKey;
export type IamPolicy = cloudresourcemanager_v3.Schema$Policy;

/** A non-empty string, else null (proto defaults make "unset" an empty string). */
export function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

export function bool(v: unknown): boolean {
  return v === true;
}

/** int64 fields arrive as strings (gax `longs: String`), numbers, or Long objects. */
export function num(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = Number(typeof v === 'object' ? String(v) : v);
  return Number.isFinite(n) ? n : null;
}

/** A protobuf Timestamp (`{seconds, nanos}`) or an RFC 3339 string, as ISO 8601 UTC; null when unset. */
export function isoTime(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') {
    if (v === '') return null;
    const ms = Date.parse(v);
    return Number.isNaN(ms) ? null : new Date(ms).toISOString();
  }
  if (typeof v === 'object' && 'seconds' in v) {
    const t = v as { seconds?: unknown; nanos?: unknown };
    const seconds = num(t.seconds ?? 0);
    const nanos = num(t.nanos ?? 0) ?? 0;
    if (seconds === null) return null;
    return new Date(seconds * 1000 + Math.floor(nanos / 1e6)).toISOString();
  }
  return null;
}

export function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s !== '') : [];
}

/** The last segment of a resource name (`projects/p/locations/l/endpoints/123` → `123`). */
export function lastSegment(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** The `locations/<x>` segment of a resource name. */
export function locationOf(name: string): string | null {
  return /\/locations\/([^/]+)/.exec(name)?.[1] ?? null;
}

function kmsKeyName(spec: { kmsKeyName?: string | null } | null | undefined): string | null {
  return str(spec?.kmsKeyName);
}

function pscConfig(
  c: aiplatformProtos.google.cloud.aiplatform.v1.IPrivateServiceConnectConfig | null | undefined,
): { enablePrivateServiceConnect: boolean; projectAllowlist: string[] } | null {
  if (!c) return null;
  return {
    enablePrivateServiceConnect: bool(c.enablePrivateServiceConnect),
    projectAllowlist: strings(c.projectAllowlist),
  };
}

function numberMap(v: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const n = num(x);
      if (n !== null) out[k] = n;
    }
  }
  return out;
}

export function endpointAttributes(e: VertexEndpoint): Record<string, unknown> {
  const logging = e.predictRequestResponseLoggingConfig;
  return {
    displayName: str(e.displayName),
    createTime: isoTime(e.createTime),
    updateTime: isoTime(e.updateTime),
    kmsKeyName: kmsKeyName(e.encryptionSpec),
    network: str(e.network),
    enablePrivateServiceConnect: bool(e.enablePrivateServiceConnect),
    privateServiceConnectConfig: pscConfig(e.privateServiceConnectConfig),
    dedicatedEndpointEnabled: bool(e.dedicatedEndpointEnabled),
    deployedModelCount: (e.deployedModels ?? []).length,
    deployedModels: (e.deployedModels ?? []).map((m) => ({
      id: str(m.id),
      model: str(m.model),
      modelVersionId: str(m.modelVersionId),
      displayName: str(m.displayName),
      serviceAccount: str(m.serviceAccount),
      enableAccessLogging: bool(m.enableAccessLogging),
      disableContainerLogging: bool(m.disableContainerLogging),
    })),
    trafficSplit: numberMap(e.trafficSplit),
    requestResponseLogging: logging
      ? {
          enabled: bool(logging.enabled),
          samplingRate: num(logging.samplingRate) ?? 0,
          bigqueryDestination: str(logging.bigqueryDestination?.outputUri),
        }
      : null,
  };
}

export function modelAttributes(m: VertexModel): Record<string, unknown> {
  // containerSpec.env, args and command are left out: they may carry credentials.
  return {
    displayName: str(m.displayName),
    versionId: str(m.versionId),
    createTime: isoTime(m.createTime),
    updateTime: isoTime(m.updateTime),
    kmsKeyName: kmsKeyName(m.encryptionSpec),
    containerImageUri: str(m.containerSpec?.imageUri),
    artifactUri: str(m.artifactUri),
    sourceType: str(m.modelSourceInfo?.sourceType),
    deployedToEndpoints: [...new Set((m.deployedModels ?? []).map((d) => str(d.endpoint)).filter((s) => s !== null))],
  };
}

export function datasetAttributes(d: VertexDataset): Record<string, unknown> {
  return {
    displayName: str(d.displayName),
    createTime: isoTime(d.createTime),
    updateTime: isoTime(d.updateTime),
    metadataSchemaUri: str(d.metadataSchemaUri),
    kmsKeyName: kmsKeyName(d.encryptionSpec),
    dataItemCount: num(d.dataItemCount) ?? 0,
  };
}

export function indexEndpointAttributes(e: VertexIndexEndpoint): Record<string, unknown> {
  return {
    displayName: str(e.displayName),
    createTime: isoTime(e.createTime),
    updateTime: isoTime(e.updateTime),
    kmsKeyName: kmsKeyName(e.encryptionSpec),
    network: str(e.network),
    enablePrivateServiceConnect: bool(e.enablePrivateServiceConnect),
    privateServiceConnectConfig: pscConfig(e.privateServiceConnectConfig),
    publicEndpointEnabled: bool(e.publicEndpointEnabled),
    deployedIndexCount: (e.deployedIndexes ?? []).length,
  };
}

/**
 * Workbench metadata keys kept, with their values only when short tokens (`true`, `service_account`,
 * `10800`): every other key (startup scripts, custom keys) may hold secrets and is never read.
 */
export const WORKBENCH_METADATA_KEYS = [
  'notebook-disable-root',
  'notebook-disable-downloads',
  'notebook-disable-terminal',
  'notebook-disable-nbconvert',
  'proxy-mode',
  'idle-timeout-seconds',
  'serial-port-enable',
] as const;

const SAFE_METADATA_VALUE = /^[A-Za-z0-9_.-]{1,40}$/;

function workbenchMetadata(m: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!m || typeof m !== 'object') return out;
  const meta = m as Record<string, unknown>;
  for (const key of WORKBENCH_METADATA_KEYS) {
    const v = meta[key];
    if (typeof v === 'string' && SAFE_METADATA_VALUE.test(v)) out[key] = v;
  }
  return out;
}

function disk(
  d: notebooksProtos.google.cloud.notebooks.v2.IBootDisk | notebooksProtos.google.cloud.notebooks.v2.IDataDisk,
): Record<string, unknown> {
  return {
    diskType: str(d.diskType),
    diskEncryption: str(d.diskEncryption),
    kmsKey: str(d.kmsKey),
  };
}

export function workbenchAttributes(i: WorkbenchInstance): Record<string, unknown> {
  const g = i.gceSetup ?? {};
  const shielded = g.shieldedInstanceConfig;
  return {
    state: str(i.state),
    healthState: str(i.healthState),
    createTime: isoTime(i.createTime),
    updateTime: isoTime(i.updateTime),
    creator: str(i.creator),
    machineType: str(g.machineType),
    disablePublicIp: bool(g.disablePublicIp),
    disableProxyAccess: bool(i.disableProxyAccess),
    enableIpForwarding: bool(g.enableIpForwarding),
    serviceAccounts: (g.serviceAccounts ?? []).map((s) => str(s.email)).filter((s) => s !== null),
    metadata: workbenchMetadata(g.metadata),
    shieldedInstanceConfig: shielded
      ? {
          enableSecureBoot: bool(shielded.enableSecureBoot),
          enableVtpm: bool(shielded.enableVtpm),
          enableIntegrityMonitoring: bool(shielded.enableIntegrityMonitoring),
        }
      : null,
    bootDisk: g.bootDisk ? disk(g.bootDisk) : null,
    dataDisks: (g.dataDisks ?? []).map(disk),
    networkInterfaces: (g.networkInterfaces ?? []).map((n) => ({ network: str(n.network), subnet: str(n.subnet) })),
  };
}

/** Which client restriction a key carries (the `client_restrictions` oneof), or null when none. */
function applicationRestriction(r: apikeysProtos.google.api.apikeys.v2.IRestrictions): string | null {
  if (r.browserKeyRestrictions) return 'browser';
  if (r.serverKeyRestrictions) return 'server';
  if (r.androidKeyRestrictions) return 'android';
  if (r.iosKeyRestrictions) return 'ios';
  return null;
}

/** An API key's facts; `keyString` is never read (the list call should not return it, and it is a secret). */
export function apiKeyAttributes(k: ApiKey): Record<string, unknown> {
  const r = k.restrictions ?? {};
  return {
    uid: str(k.uid),
    displayName: str(k.displayName),
    createTime: isoTime(k.createTime),
    updateTime: isoTime(k.updateTime),
    restrictions: {
      apiTargets: [...new Set((r.apiTargets ?? []).map((t) => str(t.service)).filter((s) => s !== null))],
      applicationRestriction: applicationRestriction(r),
    },
  };
}

/** Google's default service accounts, which projects often grant Editor to. */
export function defaultServiceAccountKind(email: string): 'compute' | 'appengine' | null {
  if (/^\d+-compute@developer\.gserviceaccount\.com$/.test(email)) return 'compute';
  if (email.endsWith('@appspot.gserviceaccount.com')) return 'appengine';
  return null;
}

export function serviceAccountAttributes(sa: ServiceAccount): Record<string, unknown> {
  const email = str(sa.email) ?? '';
  return {
    email,
    uniqueId: str(sa.uniqueId),
    displayName: str(sa.displayName),
    disabled: bool(sa.disabled),
    defaultServiceAccount: defaultServiceAccountKind(email),
  };
}

/** A key's metadata only: `privateKeyData` and `publicKeyData` are never copied. */
export function serviceAccountKeyAttributes(
  key: ServiceAccountKey,
  sa: { email: string; disabled: boolean },
): Record<string, unknown> {
  return {
    serviceAccountEmail: sa.email,
    serviceAccountDisabled: sa.disabled,
    keyId: lastSegment(str(key.name) ?? ''),
    keyType: str(key.keyType),
    keyAlgorithm: str(key.keyAlgorithm),
    keyOrigin: str(key.keyOrigin),
    validAfterTime: isoTime(key.validAfterTime),
    validBeforeTime: isoTime(key.validBeforeTime),
    disabled: bool(key.disabled),
  };
}

/** Roles that allow calling Vertex AI models (predict, generateContent) on the whole project. */
export const VERTEX_INVOKER_ROLES = [
  'roles/owner',
  'roles/editor',
  'roles/aiplatform.admin',
  'roles/aiplatform.user',
  'roles/aiplatform.expressUser',
] as const;

export const PRIMITIVE_ROLES = ['roles/owner', 'roles/editor'] as const;

const SUMMARY_ROLES = ['roles/owner', 'roles/editor', 'roles/aiplatform.admin', 'roles/aiplatform.user'] as const;

/** The services whose Data Access logs cover Vertex AI prompts and invocations. */
const VERTEX_AUDIT_SERVICES = new Set(['allServices', 'aiplatform.googleapis.com']);
const LOG_TYPES = ['ADMIN_READ', 'DATA_READ', 'DATA_WRITE'] as const;

/**
 * The project IAM policy as facts: all bindings (role, members, conditional), the members of the
 * roles that matter for LLMjacking, public and primitive-to-service-account grants, and the
 * effective Data Access logging for aiplatform.googleapis.com (`allServices` and the service's own
 * config add up, as in Cloud Audit Logs).
 */
export function policyAttributes(policy: IamPolicy): Record<string, unknown> {
  const bindings = (policy.bindings ?? []).map((b) => ({
    role: str(b.role) ?? '',
    members: strings(b.members),
    conditional: b.condition != null,
  }));
  const roleMembers: Record<string, string[]> = {};
  for (const role of SUMMARY_ROLES) {
    roleMembers[role] = [...new Set(bindings.filter((b) => b.role === role).flatMap((b) => b.members))].sort();
  }
  const publicBindings = bindings.flatMap((b) =>
    b.members
      .filter((m) => m === 'allUsers' || m === 'allAuthenticatedUsers')
      .map((member) => ({ role: b.role, member })),
  );
  const serviceAccountPrimitiveRoles = bindings
    .filter((b) => (PRIMITIVE_ROLES as readonly string[]).includes(b.role))
    .flatMap((b) =>
      b.members.filter((m) => m.startsWith('serviceAccount:')).map((member) => ({ role: b.role, member })),
    );
  const auditConfigs = (policy.auditConfigs ?? []).map((c) => ({
    service: str(c.service) ?? '',
    auditLogConfigs: (c.auditLogConfigs ?? []).map((l) => ({
      logType: str(l.logType) ?? '',
      exemptedMembersCount: strings(l.exemptedMembers).length,
    })),
  }));
  const vertex: Record<string, unknown> = { ADMIN_READ: false, DATA_READ: false, DATA_WRITE: false };
  const exempted = new Set<string>();
  for (const c of policy.auditConfigs ?? []) {
    if (!VERTEX_AUDIT_SERVICES.has(c.service ?? '')) continue;
    for (const l of c.auditLogConfigs ?? []) {
      if ((LOG_TYPES as readonly string[]).includes(l.logType ?? '')) vertex[l.logType!] = true;
      for (const m of strings(l.exemptedMembers)) exempted.add(m);
    }
  }
  vertex.exemptedMembersCount = exempted.size;
  return {
    policyVersion: num(policy.version) ?? 1,
    bindings,
    roleMembers,
    allUsersBound: publicBindings.some((b) => b.member === 'allUsers'),
    allAuthenticatedUsersBound: publicBindings.some((b) => b.member === 'allAuthenticatedUsers'),
    publicBindings,
    serviceAccountPrimitiveRoles,
    auditConfigs,
    vertexAuditLogs: vertex,
  };
}
