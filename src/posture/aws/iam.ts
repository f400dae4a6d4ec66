/**
 * IAM: who holds credentials and what they may do. One paginated `GetAccountAuthorizationDetails`
 * gives users, groups, roles and managed policies with their documents (URL-encoded by the API,
 * stored here as parsed JSON); per-user calls add access keys with their last use and console
 * access; `ListServiceSpecificCredentials` lists Bedrock API keys (metadata only: the API never
 * returns a secret when listing). Root facts come from `GetAccountSummary`, not from the
 * credential report, whose generation is asynchronous and would make every collection wait on it.
 *
 * The small helpers at the top are shared with data.ts and logging.ts.
 */
import {
  type AttachedPolicy,
  GetAccessKeyLastUsedCommand,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetLoginProfileCommand,
  type GroupDetail,
  IAMClient,
  ListServiceSpecificCredentialsCommand,
  type ManagedPolicyDetail,
  type PolicyDetail,
  paginateGetAccountAuthorizationDetails,
  paginateListAccessKeys,
  paginateListUsers,
  paginateListVirtualMFADevices,
  type RoleDetail,
  type Tag,
  type User,
  type UserDetail,
} from '@aws-sdk/client-iam';
import { forEachLimited } from '../collect.js';
import type { Resource } from '../snapshot.js';
import type { AwsScope, AwsServiceCollector } from './collect.js';

// ---------------------------------------------------------------------------------------------
// Shared helpers (also used by data.ts and logging.ts)
// ---------------------------------------------------------------------------------------------

/** Per-item calls (per user, bucket, key, trail) at once within one collection. */
export const ITEM_CONCURRENCY = 8;

/** Error codes that mean "the caller may not read this one item" (a bucket or key policy denying the reader). */
export const DENIED_CODES: readonly string[] = ['AccessDenied', 'AccessDeniedException', 'AllAccessDisabled'];

/**
 * The codes an SDK error goes by: query protocols (IAM) set `Code` to the wire code
 * (`NoSuchEntity`) while `name` is the modelled class (`NoSuchEntityException`).
 */
export function errorCodes(e: unknown): string[] {
  const err = e as { name?: unknown; Code?: unknown; code?: unknown } | null;
  if (!err || typeof err !== 'object') return [];
  return [err.Code, err.code, err.name].filter((v): v is string => typeof v === 'string' && v !== '' && v !== 'Error');
}

/** The first code an SDK error goes by (see `errorCodes`). */
export function errorCode(e: unknown): string | undefined {
  return errorCodes(e)[0];
}

/** Whether the error goes by one of `codes`. */
export function hasCode(e: unknown, codes: readonly string[]): boolean {
  return errorCodes(e).some((c) => codes.includes(c));
}

/** ISO 8601 of an SDK time (a Date, or a string when a caller already normalised it), or null. */
export function iso(d: Date | string | undefined | null): string | null {
  if (d === undefined || d === null) return null;
  const t = d instanceof Date ? d : new Date(d);
  return Number.isNaN(t.getTime()) ? null : t.toISOString();
}

/** AWS tag lists as a plain `{key: value}` object. */
export function tagMap(tags: readonly { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

/** Parses a JSON policy document; AWS IAM URL-encodes them (RFC 3986), bucket and key policies are plain. */
export function decodePolicyDocument(doc: string | undefined | null): unknown {
  if (doc === undefined || doc === null || doc === '') return null;
  let text = doc;
  if (!doc.trimStart().startsWith('{')) {
    try {
      text = decodeURIComponent(doc);
    } catch {
      // Not URL-encoded after all: parse as is.
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    // Kept as text rather than dropped: a document we cannot parse is still evidence.
    return text;
  }
}

/**
 * Names each API call in `current.operation` before making it, so a failure is reported with the
 * call that failed. With calls running concurrently, the first failure pins the name.
 */
export function tracker(current: { operation?: string }) {
  let failed = false;
  const pin = (operation: string) => {
    if (!failed) {
      failed = true;
      current.operation = operation;
    }
  };
  /** After a failure the collection is lost anyway: concurrent workers stop instead of calling on. */
  const stopIfFailed = () => {
    if (failed) throw new Error(`not calling ${current.operation ?? 'AWS'} again: this collection already failed`);
  };
  async function call<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    stopIfFailed();
    current.operation = operation;
    try {
      return await fn();
    } catch (e) {
      pin(operation);
      throw e;
    }
  }
  /**
   * Like `call`, but error codes in `absent` mean "none" (undefined), and codes in `tolerated`
   * are rethrown without being taken as the collection's failure (the caller handles them).
   */
  async function callOr<T>(
    operation: string,
    fn: () => Promise<T>,
    absent: readonly string[],
    tolerated: readonly string[] = [],
  ): Promise<T | undefined> {
    stopIfFailed();
    current.operation = operation;
    try {
      return await fn();
    } catch (e) {
      if (hasCode(e, absent)) return undefined;
      if (!hasCode(e, tolerated)) pin(operation);
      throw e;
    }
  }
  /** Collects every page of a paginator as one named call. */
  async function pages<P>(operation: string, iterate: () => AsyncIterable<P>): Promise<P[]> {
    return call(operation, async () => {
      const out: P[] = [];
      for await (const page of iterate()) out.push(page);
      return out;
    });
  }
  return { call, callOr, pages };
}

export type Tracker = ReturnType<typeof tracker>;

/** One item's attributes being read, and the ones that could not be (attribute → "operation: code"). */
export interface ItemRead {
  attrs: Record<string, unknown>;
  unreadable: Record<string, string>;
}

/**
 * Reads attributes of one item (a bucket's policy, a key's rotation): `absent` codes give
 * `map(undefined)`; a denial on that one item leaves the attributes out and notes them in
 * `unreadable` (checks reading them say "could not check" for that item, the other items stay
 * checked); so do `alsoUnreadable` codes (a trail deleted meanwhile …). Any other error fails the
 * whole collection. `map` returns the attributes to set.
 */
export async function readAttributes<T>(
  t: Tracker,
  item: ItemRead,
  names: readonly string[],
  operation: string,
  fn: () => Promise<T>,
  absent: readonly string[],
  map: (out: T | undefined) => Record<string, unknown>,
  alsoUnreadable: readonly string[] = [],
): Promise<void> {
  const unreadableCodes = [...DENIED_CODES, ...alsoUnreadable];
  let out: T | undefined;
  try {
    out = await t.callOr(operation, fn, absent, unreadableCodes);
  } catch (e) {
    if (hasCode(e, unreadableCodes)) {
      for (const n of names) item.unreadable[n] = `${operation}: ${errorCode(e)}`;
      return;
    }
    throw e;
  }
  Object.assign(item.attrs, map(out));
}

/** A lazily started, shared call (one listing feeding several resource types). */
export function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    p ??= fn();
    return p;
  };
}

/** Resources sorted by id, so a snapshot does not depend on the order concurrent calls returned. */
export function byId(resources: Resource[]): Resource[] {
  return resources.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Policy documents
// ---------------------------------------------------------------------------------------------

/** The statements of a parsed policy document (a single statement object counts as a list of one). */
export function statementsOf(doc: unknown): Record<string, unknown>[] {
  if (!doc || typeof doc !== 'object') return [];
  const s = (doc as { Statement?: unknown }).Statement;
  const list = Array.isArray(s) ? s : s ? [s] : [];
  return list.filter((x): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x));
}

/** A policy element that may be a string or a list of strings, as a list. */
export function stringList(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** AWS services a role's trust policy lets assume it (`Principal.Service` of Allow statements). */
export function trustedServices(trust: unknown): string[] {
  const out = new Set<string>();
  for (const s of statementsOf(trust)) {
    if (s.Effect !== 'Allow') continue;
    const p = s.Principal;
    if (p && typeof p === 'object') for (const v of stringList((p as Record<string, unknown>).Service)) out.add(v);
  }
  return [...out].sort();
}

/** True when every Allow statement of the trust policy names only AWS services as principals. */
export function trustsOnlyAwsServices(trust: unknown): boolean {
  const allows = statementsOf(trust).filter((s) => s.Effect === 'Allow');
  if (allows.length === 0) return false;
  return allows.every((s) => {
    const p = s.Principal;
    if (!p || typeof p !== 'object' || Array.isArray(p)) return false;
    const keys = Object.keys(p);
    return keys.length > 0 && keys.every((k) => k === 'Service');
  });
}

const AWS_MANAGED_POLICY = /^arn:[^:]+:iam::aws:policy\//;

function inlinePolicies(list: PolicyDetail[] | undefined): { name: string; document: unknown }[] {
  return (list ?? []).map((p) => ({ name: p.PolicyName ?? '', document: decodePolicyDocument(p.PolicyDocument) }));
}

function attachedArns(list: AttachedPolicy[] | undefined): string[] {
  return (list ?? [])
    .map((p) => p.PolicyArn)
    .filter((a): a is string => !!a)
    .sort();
}

// ---------------------------------------------------------------------------------------------
// Collector
// ---------------------------------------------------------------------------------------------

/** IAM's "not found" (a user without console password, an account without password policy). */
const NO_SUCH_ENTITY = ['NoSuchEntity', 'NoSuchEntityException'];

/** Bedrock API keys are IAM service-specific credentials for this service. */
export const BEDROCK_API_KEY_SERVICE = 'bedrock.amazonaws.com';

interface AuthorizationDetails {
  users: UserDetail[];
  groups: GroupDetail[];
  roles: RoleDetail[];
  policies: ManagedPolicyDetail[];
}

async function readAuthorizationDetails(iam: IAMClient): Promise<AuthorizationDetails> {
  const out: AuthorizationDetails = { users: [], groups: [], roles: [], policies: [] };
  const filter = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;
  for await (const page of paginateGetAccountAuthorizationDetails({ client: iam }, { Filter: [...filter] })) {
    out.users.push(...(page.UserDetailList ?? []));
    out.groups.push(...(page.GroupDetailList ?? []));
    out.roles.push(...(page.RoleDetailList ?? []));
    out.policies.push(...(page.Policies ?? []));
  }
  return out;
}

async function readUsers(iam: IAMClient): Promise<User[]> {
  const out: User[] = [];
  for await (const page of paginateListUsers({ client: iam }, {})) out.push(...(page.Users ?? []));
  return out;
}

async function accountSettings(scope: AwsScope, iam: IAMClient, t: Tracker): Promise<Resource[]> {
  const summary = await t.call('iam:GetAccountSummary', () => iam.send(new GetAccountSummaryCommand({})));
  const map = summary.SummaryMap ?? {};
  const policy = await t.callOr(
    'iam:GetAccountPasswordPolicy',
    () => iam.send(new GetAccountPasswordPolicyCommand({})),
    NO_SUCH_ENTITY,
  );
  const devices = await t.pages('iam:ListVirtualMFADevices', () =>
    paginateListVirtualMFADevices({ client: iam }, { AssignmentStatus: 'Assigned' }),
  );
  const rootVirtualMfa = devices.some((p) =>
    (p.VirtualMFADevices ?? []).some((d) => d.User?.Arn?.endsWith(':root') === true),
  );
  const attrs: Record<string, unknown> = {};
  // Absent summary keys are left out (unknown), not guessed.
  if (map.AccountAccessKeysPresent !== undefined) attrs.rootAccessKeysPresent = map.AccountAccessKeysPresent > 0;
  if (map.AccountMFAEnabled !== undefined) attrs.rootMfaEnabled = map.AccountMFAEnabled > 0;
  if (map.AccountPasswordPresent !== undefined) attrs.rootPasswordPresent = map.AccountPasswordPresent > 0;
  attrs.rootVirtualMfa = rootVirtualMfa;
  const pp = policy?.PasswordPolicy;
  attrs.passwordPolicy = pp
    ? {
        minimumPasswordLength: pp.MinimumPasswordLength ?? null,
        requireSymbols: pp.RequireSymbols ?? false,
        requireNumbers: pp.RequireNumbers ?? false,
        requireUppercaseCharacters: pp.RequireUppercaseCharacters ?? false,
        requireLowercaseCharacters: pp.RequireLowercaseCharacters ?? false,
        allowUsersToChangePassword: pp.AllowUsersToChangePassword ?? false,
        expirePasswords: pp.ExpirePasswords ?? false,
        maxPasswordAge: pp.MaxPasswordAge ?? null,
        passwordReusePrevention: pp.PasswordReusePrevention ?? null,
        hardExpiry: pp.HardExpiry ?? false,
      }
    : null;
  attrs.users = map.Users ?? null;
  attrs.roles = map.Roles ?? null;
  return [scope.resource('aws.iam.account-settings', scope.account, undefined, attrs)];
}

async function users(
  scope: AwsScope,
  iam: IAMClient,
  t: Tracker,
  details: () => Promise<AuthorizationDetails>,
  listed: () => Promise<User[]>,
): Promise<Resource[]> {
  const all = await t.call('iam:GetAccountAuthorizationDetails', details);
  const lastUsed = new Map((await t.call('iam:ListUsers', listed)).map((u) => [u.UserName, u.PasswordLastUsed]));
  const out: Resource[] = [];
  await forEachLimited(all.users, ITEM_CONCURRENCY, async (u) => {
    if (!u.Arn || !u.UserName) return;
    const profile = await t.callOr(
      'iam:GetLoginProfile',
      () => iam.send(new GetLoginProfileCommand({ UserName: u.UserName })),
      NO_SUCH_ENTITY,
    );
    out.push(
      scope.resource('aws.iam.user', u.Arn, u.UserName, {
        arn: u.Arn,
        userName: u.UserName,
        userId: u.UserId ?? null,
        path: u.Path ?? '/',
        createDate: iso(u.CreateDate),
        attachedPolicyArns: attachedArns(u.AttachedManagedPolicies),
        inlinePolicies: inlinePolicies(u.UserPolicyList),
        groups: [...(u.GroupList ?? [])].sort(),
        permissionsBoundary: u.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
        passwordLastUsed: iso(lastUsed.get(u.UserName)),
        consoleAccess: profile?.LoginProfile !== undefined,
        tags: tagMap(u.Tags as Tag[] | undefined),
      }),
    );
  });
  return byId(out);
}

/** `N/A` is how GetAccessKeyLastUsed says "never used". */
function known(v: string | undefined): string | null {
  return v === undefined || v === '' || v === 'N/A' ? null : v;
}

async function accessKeys(
  scope: AwsScope,
  iam: IAMClient,
  t: Tracker,
  listed: () => Promise<User[]>,
): Promise<Resource[]> {
  const all = await t.call('iam:ListUsers', listed);
  const keys: { id: string; userName: string; userArn: string; status: string | null; createDate: string | null }[] =
    [];
  await forEachLimited(all, ITEM_CONCURRENCY, async (u) => {
    if (!u.UserName) return;
    // NoSuchEntity: the user was deleted between the two calls.
    const pages = await t.callOr(
      'iam:ListAccessKeys',
      async () => {
        const out = [];
        for await (const p of paginateListAccessKeys({ client: iam }, { UserName: u.UserName })) out.push(p);
        return out;
      },
      NO_SUCH_ENTITY,
    );
    for (const p of pages ?? []) {
      for (const k of p.AccessKeyMetadata ?? []) {
        if (!k.AccessKeyId) continue;
        keys.push({
          id: k.AccessKeyId,
          userName: u.UserName,
          userArn: u.Arn ?? '',
          status: k.Status ?? null,
          createDate: iso(k.CreateDate),
        });
      }
    }
  });
  const out: Resource[] = [];
  await forEachLimited(keys, ITEM_CONCURRENCY, async (k) => {
    const used = await t.call('iam:GetAccessKeyLastUsed', () =>
      iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: k.id })),
    );
    const last = used.AccessKeyLastUsed;
    out.push(
      scope.resource('aws.iam.access-key', k.id, k.userName, {
        userName: k.userName,
        userArn: k.userArn,
        status: k.status,
        createDate: k.createDate,
        lastUsedDate: iso(last?.LastUsedDate),
        lastUsedService: known(last?.ServiceName),
        lastUsedRegion: known(last?.Region),
      }),
    );
  });
  return byId(out);
}

async function bedrockApiKeys(scope: AwsScope, iam: IAMClient, t: Tracker): Promise<Resource[]> {
  const out: Resource[] = [];
  let marker: string | undefined;
  const seen = new Set<string>();
  do {
    const page = await t.call('iam:ListServiceSpecificCredentials', () =>
      iam.send(
        new ListServiceSpecificCredentialsCommand({
          ServiceName: BEDROCK_API_KEY_SERVICE,
          AllUsers: true,
          ...(marker ? { Marker: marker } : {}),
        }),
      ),
    );
    for (const c of page.ServiceSpecificCredentials ?? []) {
      if (!c.ServiceSpecificCredentialId || !c.UserName) continue;
      out.push(
        scope.resource('aws.iam.bedrock-api-key', c.ServiceSpecificCredentialId, c.UserName, {
          userName: c.UserName,
          serviceName: c.ServiceName ?? BEDROCK_API_KEY_SERVICE,
          status: c.Status ?? null,
          createDate: iso(c.CreateDate),
          expirationDate: iso(c.ExpirationDate),
        }),
      );
    }
    // A repeated marker would loop forever: stop instead.
    marker = page.IsTruncated && page.Marker && !seen.has(page.Marker) ? page.Marker : undefined;
    if (marker) seen.add(marker);
  } while (marker);
  return byId(out);
}

async function roles(scope: AwsScope, t: Tracker, details: () => Promise<AuthorizationDetails>): Promise<Resource[]> {
  const all = await t.call('iam:GetAccountAuthorizationDetails', details);
  const out: Resource[] = [];
  for (const r of all.roles) {
    if (!r.Arn || !r.RoleName) continue;
    const trust = decodePolicyDocument(r.AssumeRolePolicyDocument);
    const path = r.Path ?? '/';
    const serviceLinked = path.startsWith('/aws-service-role/');
    out.push(
      scope.resource('aws.iam.role', r.Arn, r.RoleName, {
        arn: r.Arn,
        roleName: r.RoleName,
        roleId: r.RoleId ?? null,
        path,
        createDate: iso(r.CreateDate),
        assumeRolePolicyDocument: trust,
        trustedServices: trustedServices(trust),
        attachedPolicyArns: attachedArns(r.AttachedManagedPolicies),
        inlinePolicies: inlinePolicies(r.RolePolicyList),
        permissionsBoundary: r.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
        roleLastUsed: iso(r.RoleLastUsed?.LastUsedDate),
        roleLastUsedRegion: r.RoleLastUsed?.Region ?? null,
        isServiceLinkedRole: serviceLinked,
        isServiceRole: serviceLinked || trustsOnlyAwsServices(trust),
        tags: tagMap(r.Tags as Tag[] | undefined),
      }),
    );
  }
  return byId(out);
}

async function groups(scope: AwsScope, t: Tracker, details: () => Promise<AuthorizationDetails>): Promise<Resource[]> {
  const all = await t.call('iam:GetAccountAuthorizationDetails', details);
  const members = new Map<string, string[]>();
  for (const u of all.users) {
    for (const g of u.GroupList ?? []) {
      if (!members.has(g)) members.set(g, []);
      if (u.UserName) members.get(g)!.push(u.UserName);
    }
  }
  const out: Resource[] = [];
  for (const g of all.groups) {
    if (!g.Arn || !g.GroupName) continue;
    out.push(
      scope.resource('aws.iam.group', g.Arn, g.GroupName, {
        arn: g.Arn,
        groupName: g.GroupName,
        path: g.Path ?? '/',
        createDate: iso(g.CreateDate),
        attachedPolicyArns: attachedArns(g.AttachedManagedPolicies),
        inlinePolicies: inlinePolicies(g.GroupPolicyList),
        members: (members.get(g.GroupName) ?? []).sort(),
      }),
    );
  }
  return byId(out);
}

async function policies(
  scope: AwsScope,
  t: Tracker,
  details: () => Promise<AuthorizationDetails>,
): Promise<Resource[]> {
  const all = await t.call('iam:GetAccountAuthorizationDetails', details);
  const out: Resource[] = [];
  for (const p of all.policies) {
    if (!p.Arn || !p.PolicyName) continue;
    const isAwsManaged = AWS_MANAGED_POLICY.test(p.Arn);
    // Every customer-managed policy; AWS-managed ones only where something in the account uses them.
    if (isAwsManaged && !(p.AttachmentCount ?? 0) && !(p.PermissionsBoundaryUsageCount ?? 0)) continue;
    const versions = p.PolicyVersionList ?? [];
    const current =
      versions.find((v) => v.IsDefaultVersion) ?? versions.find((v) => v.VersionId === p.DefaultVersionId);
    out.push(
      scope.resource('aws.iam.policy', p.Arn, p.PolicyName, {
        arn: p.Arn,
        name: p.PolicyName,
        path: p.Path ?? '/',
        isAwsManaged,
        defaultVersionId: p.DefaultVersionId ?? null,
        // Left out (unknown) rather than null when the API gave no default version document.
        ...(current?.Document !== undefined ? { document: decodePolicyDocument(current.Document) } : {}),
        attachmentCount: p.AttachmentCount ?? 0,
        permissionsBoundaryUsageCount: p.PermissionsBoundaryUsageCount ?? 0,
        isAttachable: p.IsAttachable ?? true,
        createDate: iso(p.CreateDate),
        updateDate: iso(p.UpdateDate),
      }),
    );
  }
  return byId(out);
}

export const IAM_COLLECTORS: readonly AwsServiceCollector[] = [
  {
    name: 'iam',
    regional: false,
    types: [
      'aws.iam.account-settings',
      'aws.iam.user',
      'aws.iam.access-key',
      'aws.iam.bedrock-api-key',
      'aws.iam.role',
      'aws.iam.group',
      'aws.iam.policy',
    ],
    actions: [
      'iam:GetAccessKeyLastUsed',
      'iam:GetAccountAuthorizationDetails',
      'iam:GetAccountPasswordPolicy',
      'iam:GetAccountSummary',
      'iam:GetLoginProfile',
      'iam:ListAccessKeys',
      'iam:ListServiceSpecificCredentials',
      'iam:ListUsers',
      'iam:ListVirtualMFADevices',
    ],
    async collect(scope) {
      const iam = scope.client(IAMClient);
      const details = once(() => readAuthorizationDetails(iam));
      const listed = once(() => readUsers(iam));
      await scope.collect('aws.iam.account-settings', (c) => accountSettings(scope, iam, tracker(c)));
      await scope.collect('aws.iam.user', (c) => users(scope, iam, tracker(c), details, listed));
      await scope.collect('aws.iam.access-key', (c) => accessKeys(scope, iam, tracker(c), listed));
      await scope.collect('aws.iam.bedrock-api-key', (c) => bedrockApiKeys(scope, iam, tracker(c)));
      await scope.collect('aws.iam.role', (c) => roles(scope, tracker(c), details));
      await scope.collect('aws.iam.group', (c) => groups(scope, tracker(c), details));
      await scope.collect('aws.iam.policy', (c) => policies(scope, tracker(c), details));
    },
  },
];
