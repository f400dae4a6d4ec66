/**
 * Facts derived from the whole AWS inventory for each resource (`d` in check expressions): what a
 * principal's policies let it do with Bedrock, which buckets hold AI data, which keys protect it,
 * whether the account would notice a stolen key burning tokens. Everything is computed from the
 * snapshot alone, so a scan is repeatable offline.
 *
 * The IAM evaluation is deliberately simple and leans towards reporting risk: it reads identity
 * policies (inline, attached, through groups) and permissions boundaries, honours unconditional
 * Deny statements, and treats a statement as usable by a thief unless a condition ties it to the
 * caller's network, MFA or an AWS service. Service control policies, resource policies and session
 * policies are not in the snapshot and are not considered.
 */
import type { Resource, Snapshot } from '../snapshot.js';

type Attrs = Record<string, unknown>;
type Derived = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------
// IAM policy evaluation
// ---------------------------------------------------------------------------------------------

const globCache = new Map<string, RegExp>();

/**
 * IAM wildcard matching: `*` is any run of characters (colons included), `?` exactly one.
 * Actions compare case-insensitively, resource ARNs case-sensitively.
 */
export function iamGlob(pattern: string, value: string, ignoreCase: boolean): boolean {
  const key = `${ignoreCase ? 'i' : 's'}${pattern}`;
  let re = globCache.get(key);
  if (!re) {
    const body = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, ignoreCase ? 'is' : 's');
    globCache.set(key, re);
  }
  return re.test(value);
}

interface Statement {
  effect: 'Allow' | 'Deny';
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  condition?: Record<string, unknown>;
}

function list(v: unknown): string[] | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** The statements of a parsed policy document that can be read (others are ignored). */
export function statements(doc: unknown): Statement[] {
  if (!doc || typeof doc !== 'object') return [];
  const raw = (doc as { Statement?: unknown }).Statement;
  const items = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const out: Statement[] = [];
  for (const s of items) {
    if (!s || typeof s !== 'object') continue;
    const x = s as Record<string, unknown>;
    if (x.Effect !== 'Allow' && x.Effect !== 'Deny') continue;
    const st: Statement = { effect: x.Effect };
    const action = list(x.Action);
    const notAction = list(x.NotAction);
    const resource = list(x.Resource);
    const notResource = list(x.NotResource);
    if (action) st.action = action;
    if (notAction) st.notAction = notAction;
    if (resource) st.resource = resource;
    if (notResource) st.notResource = notResource;
    if (x.Condition && typeof x.Condition === 'object') st.condition = x.Condition as Record<string, unknown>;
    out.push(st);
  }
  return out;
}

/** Does the statement cover this action (its Action matches, or its NotAction does not)? */
function coversAction(s: Statement, action: string): boolean {
  if (s.action) return s.action.some((p) => iamGlob(p, action, true));
  if (s.notAction) return !s.notAction.some((p) => iamGlob(p, action, true));
  return false;
}

/** Does the statement cover this resource ARN (Resource matches, or NotResource does not)? */
function coversResource(s: Statement, arn: string): boolean {
  if (s.resource) return s.resource.some((p) => iamGlob(p, arn, false));
  if (s.notResource) return !s.notResource.some((p) => iamGlob(p, arn, false));
  return false;
}

/**
 * Condition keys that keep a stolen credential from using a statement: they tie the call to the
 * owner's network, to MFA, to an AWS service calling on the owner's behalf, or to named
 * Marketplace products. Other conditions (region, tags, time, TLS …) do not stop a thief.
 */
const RESTRICTIVE_CONDITION_KEYS = new Set([
  'aws:sourceip',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:vpcsourceip',
  'aws:multifactorauthpresent',
  'aws:multifactorauthage',
  'aws:viaawsservice',
  'aws:calledvia',
  'aws:calledviafirst',
  'aws:calledvialast',
  'aws:sourcearn',
  'aws:sourceaccount',
  'aws-marketplace:productid',
]);

/** A condition restricts a thief when one of its keys is restrictive (a `Null` test on one does not count). */
export function restrictiveCondition(condition: Record<string, unknown> | undefined): boolean {
  if (!condition) return false;
  for (const [operator, block] of Object.entries(condition)) {
    if (/^Null$/i.test(operator) || !block || typeof block !== 'object') continue;
    for (const key of Object.keys(block)) if (RESTRICTIVE_CONDITION_KEYS.has(key.toLowerCase())) return true;
  }
  return false;
}

/** Foundation models in several regions and from several providers: a grant covering all of them covers "any model". */
const ANY_MODEL_PROBES = [
  'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0',
  'arn:aws:bedrock:eu-central-1::foundation-model/meta.llama3-70b-instruct-v1:0',
  'arn:aws:bedrock:ap-southeast-2::foundation-model/amazon.nova-pro-v1:0',
  'arn:aws:bedrock:us-west-2::foundation-model/deepseek.r1-v1:0',
];

/** Can a Resource pattern name some Bedrock resource (its service part matches `bedrock`)? */
function mayNameBedrock(pattern: string): boolean {
  if (pattern === '*') return true;
  const parts = pattern.split(':');
  if (parts.length < 3) return pattern.includes('*');
  // A `*` in an earlier part can swallow the colons up to the service.
  if (parts[0]!.includes('*') || parts[1]!.includes('*')) return true;
  return iamGlob(parts[0]!, 'arn', false) && iamGlob(parts[2]!, 'bedrock', true);
}

type ResourceTest = (s: Statement) => boolean;

const onEverything: ResourceTest = (s) =>
  s.resource ? s.resource.includes('*') : s.notResource ? s.notResource.length === 0 : false;
const onAnyModel: ResourceTest = (s) => ANY_MODEL_PROBES.every((arn) => coversResource(s, arn));
const onSomeBedrock: ResourceTest = (s) =>
  s.resource ? s.resource.some(mayNameBedrock) : ANY_MODEL_PROBES.some((arn) => coversResource(s, arn));

/** Some usable Allow statement covers one of the actions on the resources, and no unconditional Deny takes everything back. */
function allows(
  stmts: readonly Statement[],
  actions: readonly string[],
  onResources: ResourceTest,
  explicitActionsOnly = false,
): boolean {
  return actions.some((action) => {
    const denied = stmts.some((s) => s.effect === 'Deny' && !s.condition && coversAction(s, action) && onEverything(s));
    if (denied) return false;
    return stmts.some(
      (s) =>
        s.effect === 'Allow' &&
        (!explicitActionsOnly || s.action !== undefined) &&
        coversAction(s, action) &&
        onResources(s) &&
        !restrictiveCondition(s.condition),
    );
  });
}

const INVOKE_ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];
/** An action name no real service has: only a wildcard over every action covers it. */
const ANY_ACTION = ['jackstopprobe:AnyAction'];
/** Only `bedrock:*`-style wildcards cover an action name Bedrock does not have. */
const ANY_BEDROCK_ACTION = ['bedrock:JackstopProbeAnyAction'];
const MARKETPLACE_SUBSCRIBE = ['aws-marketplace:Subscribe'];
/** Calls that mint credentials or grant permissions: a key holding them can make itself more keys or more rights. */
const IAM_WRITE_ACTIONS = [
  'iam:AddUserToGroup',
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:AttachUserPolicy',
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:CreatePolicyVersion',
  'iam:CreateServiceSpecificCredential',
  'iam:CreateUser',
  'iam:PutGroupPolicy',
  'iam:PutRolePolicy',
  'iam:PutUserPolicy',
  'iam:SetDefaultPolicyVersion',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateLoginProfile',
];
const onAnyIamEntity: ResourceTest = (s) =>
  ['user/jackstop-probe', 'role/jackstop-probe', 'group/jackstop-probe', 'policy/jackstop-probe'].some((r) =>
    coversResource(s, `arn:aws:iam::000000000000:${r}`),
  );

/** What one set of policy statements grants (`d` facts shared by users, roles, groups and policies). */
export interface Grants {
  hasAdminAccess: boolean;
  canInvokeBedrockModels: boolean;
  bedrockInvokeOnAnyModel: boolean;
  bedrockAllActionsOnAny: boolean;
  marketplaceSubscribeOnAny: boolean;
  canModifyIamPermissions: boolean;
}

export function grantsOf(stmts: readonly Statement[]): Grants {
  return {
    // Admin is `"Action": "*"`: a NotAction statement always leaves something out.
    hasAdminAccess: allows(stmts, ANY_ACTION, onEverything, true),
    canInvokeBedrockModels: allows(stmts, INVOKE_ACTIONS, onSomeBedrock),
    bedrockInvokeOnAnyModel: allows(stmts, INVOKE_ACTIONS, onAnyModel),
    bedrockAllActionsOnAny: allows(stmts, ANY_BEDROCK_ACTION, onAnyModel),
    marketplaceSubscribeOnAny: allows(stmts, MARKETPLACE_SUBSCRIBE, onEverything),
    canModifyIamPermissions: allows(stmts, IAM_WRITE_ACTIONS, onAnyIamEntity),
  };
}

const ADMIN_POLICY = /^arn:[^:]+:iam::aws:policy\/AdministratorAccess$/;
const BEDROCK_FULL_ACCESS = /^arn:[^:]+:iam::aws:policy\/AmazonBedrockFullAccess$/;
const AWS_MANAGED = /^arn:[^:]+:iam::aws:policy\//;

/**
 * Stand-ins for well-known AWS-managed policies whose document is not in the snapshot (the
 * collector keeps only AWS-managed policies it saw attached): the part that matters here.
 */
const KNOWN_AWS_POLICIES: Record<string, unknown> = {
  AdministratorAccess: { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  PowerUserAccess: {
    Statement: [{ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' }],
  },
  AmazonBedrockFullAccess: { Statement: [{ Effect: 'Allow', Action: 'bedrock:*', Resource: '*' }] },
  AmazonBedrockLimitedAccess: { Statement: [{ Effect: 'Allow', Action: 'bedrock:Invoke*', Resource: '*' }] },
};

function isObject(v: unknown): v is Attrs {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function inlineDocs(attrs: Attrs): unknown[] {
  const v = attrs.inlinePolicies;
  return Array.isArray(v) ? v.filter(isObject).map((p) => p.document) : [];
}

/** Per account: managed policy documents by ARN (AWS-managed ones also found across accounts). */
class PolicyIndex {
  readonly #byAccount = new Map<string, Map<string, unknown>>();
  readonly #aws = new Map<string, unknown>();

  add(r: Resource): void {
    const arn = str(r.attributes.arn) ?? r.id;
    if (!('document' in r.attributes)) return;
    let m = this.#byAccount.get(r.account);
    if (!m) {
      m = new Map();
      this.#byAccount.set(r.account, m);
    }
    m.set(arn, r.attributes.document);
    if (AWS_MANAGED.test(arn)) this.#aws.set(arn, r.attributes.document);
  }

  /** The document, a stand-in for a well-known AWS policy, or undefined when unknown. */
  get(account: string, arn: string): unknown {
    const own = this.#byAccount.get(account)?.get(arn) ?? this.#aws.get(arn);
    if (own !== undefined) return own;
    if (AWS_MANAGED.test(arn)) return KNOWN_AWS_POLICIES[arn.slice(arn.lastIndexOf('/') + 1)];
    return undefined;
  }
}

/** A principal's identity policies, gathered from inline, attached and group policies. */
interface PolicySet {
  docs: unknown[];
  inline: unknown[];
  attachedArns: string[];
  unresolved: string[];
}

function gather(account: string, attrs: Attrs, policies: PolicyIndex, groups: Map<string, Attrs>): PolicySet {
  const set: PolicySet = { docs: [], inline: inlineDocs(attrs), attachedArns: [], unresolved: [] };
  set.docs.push(...set.inline);
  const attach = (arns: string[]) => {
    for (const arn of arns) {
      set.attachedArns.push(arn);
      const doc = policies.get(account, arn);
      if (doc === undefined) set.unresolved.push(arn);
      else set.docs.push(doc);
    }
  };
  attach(strings(attrs.attachedPolicyArns));
  for (const g of strings(attrs.groups)) {
    const group = groups.get(`${account}\u0000${g}`);
    if (!group) continue;
    set.docs.push(...inlineDocs(group));
    attach(strings(group.attachedPolicyArns));
  }
  return set;
}

/** Grants of a principal: its identity policies, cut down by its permissions boundary when the boundary is known. */
function principalFacts(account: string, attrs: Attrs, policies: PolicyIndex, groups: Map<string, Attrs>): Derived {
  const set = gather(account, attrs, policies, groups);
  const identity = grantsOf(set.docs.flatMap(statements));
  const boundaryArn = str(attrs.permissionsBoundary);
  const boundaryDoc = boundaryArn ? policies.get(account, boundaryArn) : undefined;
  const granted: Grants = { ...identity };
  if (boundaryDoc !== undefined) {
    const boundary = grantsOf(statements(boundaryDoc));
    for (const k of Object.keys(granted) as (keyof Grants)[]) granted[k] = identity[k] && boundary[k];
  }
  const inline = grantsOf(set.inline.flatMap(statements));
  const inlineWildcardResource = set.inline
    .flatMap(statements)
    .some((s) => s.effect === 'Allow' && (s.resource?.includes('*') ?? false));
  const awsFullAccess = set.attachedArns.filter((a) => AWS_MANAGED.test(a) && /FullAccess$/.test(a));
  return {
    ...granted,
    hasAdminAccess: granted.hasAdminAccess || set.attachedArns.some((a) => ADMIN_POLICY.test(a)),
    hasBedrockFullAccess: set.attachedArns.some((a) => BEDROCK_FULL_ACCESS.test(a)),
    inlineMarketplaceSubscribeOnAny: inline.marketplaceSubscribeOnAny,
    inlineAllowsWildcardResource: inlineWildcardResource,
    awsManagedFullAccessPolicies: [...new Set(awsFullAccess)].sort(),
    unresolvedPolicyArns: [...new Set(set.unresolved)].sort(),
  };
}

// ---------------------------------------------------------------------------------------------
// Cross-resource joins
// ---------------------------------------------------------------------------------------------

/** The bucket of an `s3://bucket/key` URI, an `arn:aws:s3:::bucket/key` ARN, or a bare bucket name. */
export function bucketOf(ref: unknown): string | undefined {
  if (typeof ref !== 'string' || ref === '') return undefined;
  const uri = /^s3:\/\/([^/]+)/i.exec(ref);
  if (uri) return uri[1];
  const arn = /^arn:[^:]+:s3:::([^/]+)/.exec(ref);
  if (arn) return arn[1];
  return /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(ref) ? ref : undefined;
}

export interface AiDataUse {
  type: string;
  id: string;
  use: string;
}

/** Which AI resources read or write each bucket (by bucket name: names are unique in a partition). */
function aiDataUses(resources: readonly Resource[]): Map<string, AiDataUse[]> {
  const out = new Map<string, AiDataUse[]>();
  const add = (ref: unknown, r: Resource, use: string) => {
    const b = bucketOf(ref);
    if (!b) return;
    if (!out.has(b)) out.set(b, []);
    const uses = out.get(b)!;
    if (!uses.some((u) => u.id === r.id && u.use === use)) uses.push({ type: r.type, id: r.id, use });
  };
  for (const r of resources) {
    const a = r.attributes;
    switch (r.type) {
      case 'aws.bedrock.knowledge-base':
        for (const ds of Array.isArray(a.dataSources) ? a.dataSources : []) {
          if (isObject(ds)) add(ds.s3BucketArn, r, 'knowledge-base-source');
        }
        break;
      case 'aws.bedrock.custom-model':
        add(a.trainingDataS3Uri, r, 'training-data');
        add(a.outputDataS3Uri, r, 'training-output');
        break;
      case 'aws.sagemaker.training-job':
        for (const u of strings(a.inputS3Uris)) add(u, r, 'training-data');
        add(a.outputS3Uri, r, 'training-output');
        break;
      case 'aws.bedrock.region-settings':
        if (isObject(a.invocationLogging)) {
          add(a.invocationLogging.s3Bucket, r, 'invocation-logs');
          add(a.invocationLogging.largeDataS3Bucket, r, 'invocation-logs');
        }
        break;
    }
  }
  return out;
}

/**
 * Whether a bucket is open to the public through its policy or its ACL, given its own Block Public
 * Access settings (the account-level settings are not collected). Undefined when an input could not be read.
 */
export function bucketPublic(a: Attrs): boolean | undefined {
  if (!('policyIsPublic' in a) || !('publicAclGrants' in a) || !('publicAccessBlock' in a)) return undefined;
  const pab = isObject(a.publicAccessBlock) ? a.publicAccessBlock : {};
  const byPolicy = a.policyIsPublic === true && pab.restrictPublicBuckets !== true;
  const grants = Array.isArray(a.publicAclGrants) ? a.publicAclGrants : [];
  const byAcl = grants.length > 0 && pab.ignorePublicAcls !== true && a.ownershipControls !== 'BucketOwnerEnforced';
  return byPolicy || byAcl;
}

/** CloudWatch metrics in AWS/Bedrock that measure use (and so spend, or a quota being hit). */
export const BEDROCK_USAGE_METRICS = new Set([
  'Invocations',
  'InputTokenCount',
  'OutputTokenCount',
  'CacheReadInputTokenCount',
  'CacheWriteInputTokenCount',
  'OutputImageCount',
  'EstimatedTPMQuotaUsage',
  'InvocationThrottles',
]);

/** An alarm that watches Bedrock usage and notifies someone. */
export function isBedrockUsageAlarm(a: Attrs): boolean {
  const watches = (ns: unknown, name: unknown) =>
    ns === 'AWS/Bedrock' && typeof name === 'string' && BEDROCK_USAGE_METRICS.has(name);
  const metrics = Array.isArray(a.metrics) ? a.metrics.filter(isObject) : [];
  const onBedrock = watches(a.namespace, a.metricName) || metrics.some((m) => watches(m.namespace, m.metricName));
  return onBedrock && a.actionsEnabled === true && strings(a.alarmActions).length > 0;
}

/** A cost budget with a notification whose scope includes Bedrock spend (all services, or a Bedrock service filter). */
export function isBedrockBudget(a: Attrs): boolean {
  if (a.budgetType !== 'COST') return false;
  if (!Array.isArray(a.notifications) || a.notifications.length === 0) return false;
  const services = a.serviceFilter === null || a.serviceFilter === undefined ? null : strings(a.serviceFilter);
  // Third-party models are billed as "<model> (Amazon Bedrock Edition)": /bedrock/ catches both.
  if (services) return services.some((s) => /bedrock/i.test(s));
  const filters = isObject(a.costFilters) ? Object.keys(a.costFilters) : [];
  return filters.length === 0 && (a.filterExpression === null || a.filterExpression === undefined);
}

/** KMS references in AI resources: strings under keys naming KMS, anywhere in the attributes. */
function kmsRefs(v: unknown, underKms: boolean, out: string[]): void {
  if (typeof v === 'string') {
    if (underKms || /^arn:[^:]+:kms:/.test(v)) out.push(v);
    return;
  }
  if (Array.isArray(v)) for (const x of v) kmsRefs(x, underKms, out);
  else if (isObject(v)) for (const [k, x] of Object.entries(v)) kmsRefs(x, underKms || /kms/i.test(k), out);
}

/** Does `ref` (key ARN, key id, alias name or alias ARN) name this key? */
function namesKey(ref: string, key: Resource, refRegion: string): boolean {
  const a = key.attributes;
  const keyId = str(a.keyId);
  if (ref === key.id || ref === a.arn) return true;
  const aliasArn = /^arn:[^:]+:kms:([^:]+):(\d+):(alias\/.+)$/.exec(ref);
  if (aliasArn)
    return aliasArn[1] === key.region && aliasArn[2] === key.account && strings(a.aliases).includes(aliasArn[3]!);
  if (refRegion !== key.region) return false;
  if (ref.startsWith('alias/')) return strings(a.aliases).includes(ref);
  return keyId !== undefined && ref === keyId;
}

// ---------------------------------------------------------------------------------------------
// Enricher
// ---------------------------------------------------------------------------------------------

function keyOf(account: string, name: string): string {
  return `${account}\u0000${name}`;
}

export function enrichAws(snapshot: Snapshot): Map<Resource, Record<string, unknown>> {
  const out = new Map<Resource, Record<string, unknown>>();
  const aws = snapshot.resources.filter((r) => r.cloud === 'aws');
  const byType = new Map<string, Resource[]>();
  for (const r of aws) {
    out.set(r, {});
    if (!byType.has(r.type)) byType.set(r.type, []);
    byType.get(r.type)!.push(r);
  }
  const of = (type: string) => byType.get(type) ?? [];
  const d = (r: Resource) => out.get(r)!;

  // IAM principals.
  const policies = new PolicyIndex();
  for (const p of of('aws.iam.policy')) policies.add(p);
  const groups = new Map<string, Attrs>();
  for (const g of of('aws.iam.group')) {
    const name = str(g.attributes.groupName) ?? g.name;
    if (name) groups.set(keyOf(g.account, name), g.attributes);
  }
  for (const p of of('aws.iam.policy')) {
    if ('document' in p.attributes) {
      const g = grantsOf(statements(p.attributes.document));
      Object.assign(d(p), {
        allowsAdmin: g.hasAdminAccess,
        allowsBedrockInvokeOnAnyModel: g.bedrockInvokeOnAnyModel,
        allowsBedrockAllActionsOnAny: g.bedrockAllActionsOnAny,
        allowsMarketplaceSubscribeOnAny: g.marketplaceSubscribeOnAny,
      });
    }
  }
  for (const g of of('aws.iam.group')) Object.assign(d(g), principalFacts(g.account, g.attributes, policies, groups));

  const keysByUser = new Map<string, Resource[]>();
  for (const k of of('aws.iam.access-key')) {
    const u = str(k.attributes.userName);
    if (!u) continue;
    const key = keyOf(k.account, u);
    if (!keysByUser.has(key)) keysByUser.set(key, []);
    keysByUser.get(key)!.push(k);
  }
  const userFacts = new Map<string, Derived>();
  for (const u of of('aws.iam.user')) {
    const facts = principalFacts(u.account, u.attributes, policies, groups);
    const name = str(u.attributes.userName) ?? u.name ?? '';
    const keys = keysByUser.get(keyOf(u.account, name)) ?? [];
    const dates = [u.attributes.passwordLastUsed, ...keys.map((k) => k.attributes.lastUsedDate)].filter(
      (x): x is string => typeof x === 'string',
    );
    Object.assign(facts, {
      activeAccessKeyCount: keys.filter((k) => k.attributes.status === 'Active').length,
      lastActivityDate: dates.length > 0 ? dates.sort().at(-1)! : null,
    });
    Object.assign(d(u), facts);
    userFacts.set(keyOf(u.account, name), facts);
  }
  const ownerFacts = (r: Resource): Derived | undefined => {
    const u = str(r.attributes.userName);
    return u ? userFacts.get(keyOf(r.account, u)) : undefined;
  };
  for (const k of of('aws.iam.access-key')) {
    const f = ownerFacts(k);
    if (!f) continue;
    Object.assign(d(k), {
      userCanInvokeBedrock: f.canInvokeBedrockModels,
      userBedrockInvokeOnAnyModel: f.bedrockInvokeOnAnyModel,
      userHasAdminAccess: f.hasAdminAccess,
      userCanModifyIamPermissions: f.canModifyIamPermissions,
    });
  }
  for (const k of of('aws.iam.bedrock-api-key')) {
    const f = ownerFacts(k);
    if (!f) continue;
    Object.assign(d(k), {
      userHasAdminAccess: f.hasAdminAccess,
      userCanInvokeBedrock: f.canInvokeBedrockModels,
      userBedrockInvokeOnAnyModel: f.bedrockInvokeOnAnyModel,
      userBedrockAllActionsOnAny: f.bedrockAllActionsOnAny,
      userHasBedrockFullAccess: f.hasBedrockFullAccess,
      userCanModifyIamPermissions: f.canModifyIamPermissions,
    });
  }
  const agentsByRole = new Map<string, number>();
  for (const a of of('aws.bedrock.agent')) {
    const arn = str(a.attributes.roleArn);
    if (arn) agentsByRole.set(arn, (agentsByRole.get(arn) ?? 0) + 1);
  }
  for (const r of of('aws.iam.role')) {
    Object.assign(d(r), principalFacts(r.account, r.attributes, policies, groups), {
      usedByBedrockAgents: agentsByRole.get(str(r.attributes.arn) ?? r.id) ?? 0,
    });
  }

  // Buckets: AI data, public access.
  const uses = aiDataUses(aws);
  const bucketByName = new Map<string, Resource>();
  for (const b of of('aws.s3.bucket')) {
    const name = str(b.attributes.name) ?? b.name ?? '';
    bucketByName.set(name, b);
    const u = uses.get(name) ?? [];
    const pub = bucketPublic(b.attributes);
    Object.assign(d(b), {
      aiDataUses: u,
      holdsAiData: u.length > 0,
      ...(pub !== undefined ? { publiclyAccessible: pub } : {}),
    });
  }

  // Trails: their log bucket; account level: is there a trail that records what matters.
  const trailsByAccount = new Map<string, Resource[]>();
  for (const t of of('aws.cloudtrail.trail')) {
    if (!trailsByAccount.has(t.account)) trailsByAccount.set(t.account, []);
    trailsByAccount.get(t.account)!.push(t);
    const bucket = bucketByName.get(str(t.attributes.s3BucketName) ?? '');
    const pub = bucket ? bucketPublic(bucket.attributes) : undefined;
    Object.assign(d(t), {
      logBucketFound: bucket !== undefined,
      ...(pub !== undefined ? { logBucketPublic: pub } : {}),
    });
  }
  const budgetsByAccount = new Map<string, Resource[]>();
  for (const b of of('aws.budgets.budget')) {
    if (!budgetsByAccount.has(b.account)) budgetsByAccount.set(b.account, []);
    budgetsByAccount.get(b.account)!.push(b);
  }
  for (const s of of('aws.iam.account-settings')) {
    const trails = (trailsByAccount.get(s.account) ?? []).map((t) => t.attributes);
    const logging = trails.filter((t) => t.isLogging === true);
    const bedrockBudgets = (budgetsByAccount.get(s.account) ?? []).filter((b) => isBedrockBudget(b.attributes));
    Object.assign(d(s), {
      hasMultiRegionManagementTrail: logging.some(
        (t) => t.isMultiRegionTrail === true && t.managementEventsReadWrite === 'All',
      ),
      hasBedrockDataEventsTrail: logging.some((t) => t.recordsBedrockDataEvents === true),
      hasBedrockBudget: bedrockBudgets.length > 0,
      bedrockBudgets: bedrockBudgets.map((b) => b.name ?? b.id).sort(),
    });
  }

  // Regions: a usage alarm on Bedrock.
  const alarmsByRegion = new Map<string, string[]>();
  for (const a of of('aws.cloudwatch.alarm')) {
    if (!isBedrockUsageAlarm(a.attributes)) continue;
    const key = keyOf(a.account, a.region);
    if (!alarmsByRegion.has(key)) alarmsByRegion.set(key, []);
    alarmsByRegion.get(key)!.push(a.name ?? a.id);
  }
  for (const rs of of('aws.bedrock.region-settings')) {
    const names = (alarmsByRegion.get(keyOf(rs.account, rs.region)) ?? []).sort();
    Object.assign(d(rs), { hasTokenAlarm: names.length > 0, tokenAlarms: names });
    // The invocation-log bucket's default encryption, when that bucket is in the inventory and readable.
    const logging = isObject(rs.attributes.invocationLogging) ? rs.attributes.invocationLogging : {};
    const bucket = bucketByName.get(str(logging.s3Bucket) ?? '');
    if (bucket && 'encryption' in bucket.attributes) {
      const enc = isObject(bucket.attributes.encryption) ? bucket.attributes.encryption : {};
      d(rs).invocationLogBucketEncryption = { sseAlgorithm: enc.sseAlgorithm ?? null, kmsKeyId: enc.kmsKeyId ?? null };
    }
  }

  // KMS keys that protect AI resources or AI data.
  const refs: { ref: string; region: string; account: string; type: string; id: string }[] = [];
  for (const r of aws) {
    if (!r.type.startsWith('aws.bedrock.') && !r.type.startsWith('aws.sagemaker.')) continue;
    const found: string[] = [];
    kmsRefs(r.attributes, false, found);
    for (const ref of found) refs.push({ ref, region: r.region, account: r.account, type: r.type, id: r.id });
  }
  for (const b of of('aws.s3.bucket')) {
    if (!d(b).holdsAiData || !isObject(b.attributes.encryption)) continue;
    const ref = str(b.attributes.encryption.kmsKeyId);
    const region = str(b.attributes.region) ?? b.region;
    if (ref) refs.push({ ref, region, account: b.account, type: b.type, id: b.id });
  }
  for (const k of of('aws.kms.key')) {
    // A full ARN may name a key of another account; short references stay within the account.
    const users = refs.filter(
      (x) => (x.ref.startsWith('arn:') || x.account === k.account) && namesKey(x.ref, k, x.region),
    );
    const aiUses = users.map((x) => ({ type: x.type, id: x.id }));
    const unique = aiUses.filter((u, i) => aiUses.findIndex((v) => v.id === u.id) === i);
    Object.assign(d(k), { usedByAi: unique.length > 0, aiUses: unique });
  }
  return out;
}
