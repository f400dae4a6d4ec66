/**
 * Where AI data lives and how it is protected: S3 buckets (training data, knowledge-base sources,
 * invocation logs) and KMS keys. Bucket settings are read in each bucket's own region. A bucket
 * or key whose own policy denies the reader keeps the attributes that could be read and lists the
 * others in `unreadable`, so one locked-down bucket does not blind every bucket check; any other
 * failure fails the type in that scope.
 *
 * The account-level S3 Block Public Access setting needs @aws-sdk/client-s3-control, which is not
 * a dependency: `aws.s3.account-settings` is not collected, so checks cannot rely on it.
 */
import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  type KeyMetadata,
  KMSClient,
  paginateListAliases,
  paginateListKeys,
} from '@aws-sdk/client-kms';
import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketLoggingCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  GetPublicAccessBlockCommand,
  paginateListBuckets,
  S3Client,
} from '@aws-sdk/client-s3';
import { forEachLimited } from '../collect.js';
import type { Resource } from '../snapshot.js';
import type { AwsClientConfig, AwsScope, AwsServiceCollector } from './collect.js';
import {
  byId,
  decodePolicyDocument,
  ITEM_CONCURRENCY,
  type ItemRead,
  iso,
  readAttributes,
  statementsOf,
  stringList,
  type Tracker,
  tagMap,
  tracker,
} from './iam.js';

// ---------------------------------------------------------------------------------------------
// S3
// ---------------------------------------------------------------------------------------------

/**
 * An S3 client class bound to one region. A scope builds clients for its own region only, and
 * bucket settings must be read in the bucket's region (else a redirect error); a subclass per
 * region keeps the scope's credentials and retry settings.
 */
const s3ClientClasses = new Map<string, new (config: AwsClientConfig) => S3Client>();
export function s3ClientIn(region: string): new (config: AwsClientConfig) => S3Client {
  let ctor = s3ClientClasses.get(region);
  if (!ctor) {
    ctor = class extends S3Client {
      constructor(config: AwsClientConfig) {
        super({ ...config, region, followRegionRedirects: true });
      }
    };
    s3ClientClasses.set(region, ctor);
  }
  return ctor;
}

/** GetBucketLocation's answer as a region name (empty means us-east-1, `EU` is the old eu-west-1). */
export function bucketRegion(constraint: string | undefined | null): string {
  if (!constraint) return 'us-east-1';
  if (constraint === 'EU') return 'eu-west-1';
  return constraint;
}

const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';
const AUTHENTICATED_USERS = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

async function readBucket(
  scope: AwsScope,
  t: Tracker,
  name: string,
  region: string,
  createDate: string | null,
): Promise<Resource> {
  const s3 = scope.client(s3ClientIn(region));
  const item: ItemRead = { attrs: { name, region, createDate }, unreadable: {} };
  const Bucket = name;
  await readAttributes(
    t,
    item,
    ['publicAccessBlock'],
    's3:GetBucketPublicAccessBlock',
    () => s3.send(new GetPublicAccessBlockCommand({ Bucket })),
    ['NoSuchPublicAccessBlockConfiguration'],
    (out) => {
      const c = out?.PublicAccessBlockConfiguration;
      return {
        publicAccessBlock: c
          ? {
              blockPublicAcls: c.BlockPublicAcls ?? false,
              ignorePublicAcls: c.IgnorePublicAcls ?? false,
              blockPublicPolicy: c.BlockPublicPolicy ?? false,
              restrictPublicBuckets: c.RestrictPublicBuckets ?? false,
            }
          : null,
      };
    },
  );
  await readAttributes(
    t,
    item,
    ['policy'],
    's3:GetBucketPolicy',
    () => s3.send(new GetBucketPolicyCommand({ Bucket })),
    ['NoSuchBucketPolicy'],
    (out) => ({ policy: decodePolicyDocument(out?.Policy) }),
  );
  await readAttributes(
    t,
    item,
    ['policyIsPublic'],
    's3:GetBucketPolicyStatus',
    () => s3.send(new GetBucketPolicyStatusCommand({ Bucket })),
    ['NoSuchBucketPolicy'],
    (out) => ({ policyIsPublic: out?.PolicyStatus?.IsPublic ?? false }),
  );
  await readAttributes(
    t,
    item,
    ['publicAclGrants'],
    's3:GetBucketAcl',
    () => s3.send(new GetBucketAclCommand({ Bucket })),
    [],
    (out) => ({
      // Only what makes a bucket public: permissions granted to everyone or to any AWS account.
      publicAclGrants: (out?.Grants ?? [])
        .filter((g) => g.Grantee?.URI === ALL_USERS || g.Grantee?.URI === AUTHENTICATED_USERS)
        .map((g) => ({
          grantee: g.Grantee?.URI === ALL_USERS ? 'AllUsers' : 'AuthenticatedUsers',
          permission: g.Permission ?? null,
        })),
    }),
  );
  await readAttributes(
    t,
    item,
    ['encryption'],
    's3:GetEncryptionConfiguration',
    () => s3.send(new GetBucketEncryptionCommand({ Bucket })),
    ['ServerSideEncryptionConfigurationNotFoundError'],
    (out) => {
      const rule = out?.ServerSideEncryptionConfiguration?.Rules?.[0];
      const def = rule?.ApplyServerSideEncryptionByDefault;
      return {
        encryption: def
          ? {
              sseAlgorithm: def.SSEAlgorithm ?? null,
              kmsKeyId: def.KMSMasterKeyID ?? null,
              bucketKeyEnabled: rule?.BucketKeyEnabled ?? false,
            }
          : null,
      };
    },
  );
  await readAttributes(
    t,
    item,
    ['versioning', 'mfaDelete'],
    's3:GetBucketVersioning',
    () => s3.send(new GetBucketVersioningCommand({ Bucket })),
    [],
    // No Status: versioning was never turned on (null), as opposed to Suspended.
    (out) => ({ versioning: out?.Status ?? null, mfaDelete: out?.MFADelete ?? null }),
  );
  await readAttributes(
    t,
    item,
    ['objectLockEnabled', 'objectLockDefaultRetention'],
    's3:GetBucketObjectLockConfiguration',
    () => s3.send(new GetObjectLockConfigurationCommand({ Bucket })),
    ['ObjectLockConfigurationNotFoundError'],
    (out) => {
      const c = out?.ObjectLockConfiguration;
      const r = c?.Rule?.DefaultRetention;
      return {
        objectLockEnabled: c?.ObjectLockEnabled === 'Enabled',
        objectLockDefaultRetention: r ? { mode: r.Mode ?? null, days: r.Days ?? null, years: r.Years ?? null } : null,
      };
    },
  );
  await readAttributes(
    t,
    item,
    ['logging'],
    's3:GetBucketLogging',
    () => s3.send(new GetBucketLoggingCommand({ Bucket })),
    [],
    (out) => {
      const l = out?.LoggingEnabled;
      return { logging: l ? { targetBucket: l.TargetBucket ?? null, targetPrefix: l.TargetPrefix ?? '' } : null };
    },
  );
  await readAttributes(
    t,
    item,
    ['ownershipControls'],
    's3:GetBucketOwnershipControls',
    () => s3.send(new GetBucketOwnershipControlsCommand({ Bucket })),
    ['OwnershipControlsNotFoundError'],
    (out) => ({ ownershipControls: out?.OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? null }),
  );
  await readAttributes(
    t,
    item,
    ['tags'],
    's3:GetBucketTagging',
    () => s3.send(new GetBucketTaggingCommand({ Bucket })),
    ['NoSuchTagSet'],
    (out) => ({ tags: tagMap(out?.TagSet) }),
  );
  if (Object.keys(item.unreadable).length > 0) item.attrs.unreadable = item.unreadable;
  return scope.resource('aws.s3.bucket', `arn:aws:s3:::${name}`, name, item.attrs);
}

async function buckets(scope: AwsScope, t: Tracker): Promise<Resource[]> {
  const home = scope.client(S3Client);
  const pages = await t.pages('s3:ListAllMyBuckets', () => paginateListBuckets({ client: home, pageSize: 1000 }, {}));
  const list = pages.flatMap((p) => p.Buckets ?? []).filter((b): b is typeof b & { Name: string } => !!b.Name);
  const out: Resource[] = [];
  await forEachLimited(list, ITEM_CONCURRENCY, async (b) => {
    // ListBuckets names each bucket's region since 2024; older endpoints (and some partitions) do not.
    let region = b.BucketRegion;
    if (!region) {
      const loc = await t.call('s3:GetBucketLocation', () =>
        home.send(new GetBucketLocationCommand({ Bucket: b.Name })),
      );
      region = bucketRegion(loc.LocationConstraint);
    }
    out.push(await readBucket(scope, t, b.Name, region, iso(b.CreationDate)));
  });
  return byId(out);
}

// ---------------------------------------------------------------------------------------------
// KMS
// ---------------------------------------------------------------------------------------------

/** Who a key policy lets in, without keeping the whole document. */
export function keyPolicySummary(policy: unknown, account: string) {
  const principals = new Set<string>();
  const crossAccount = new Set<string>();
  let allowsAnyPrincipal = false;
  let allowsAnyPrincipalWithCondition = false;
  for (const s of statementsOf(policy)) {
    if (s.Effect !== 'Allow') continue;
    const p = s.Principal;
    const values: string[] = [];
    if (p === '*') values.push('*');
    else if (p && typeof p === 'object') {
      for (const v of Object.values(p as Record<string, unknown>)) values.push(...stringList(v));
    }
    const conditioned = s.Condition !== undefined && s.Condition !== null && Object.keys(s.Condition).length > 0;
    for (const v of values) {
      principals.add(v);
      if (v === '*') {
        if (conditioned) allowsAnyPrincipalWithCondition = true;
        else allowsAnyPrincipal = true;
        continue;
      }
      const acct = /^\d{12}$/.test(v) ? v : /^arn:[^:]+:iam::(\d{12}):/.exec(v)?.[1];
      if (acct && acct !== account) crossAccount.add(v);
    }
  }
  return {
    principals: [...principals].sort(),
    allowsAnyPrincipal,
    allowsAnyPrincipalWithCondition,
    crossAccountPrincipals: [...crossAccount].sort(),
  };
}

/** Automatic rotation exists only for symmetric keys with KMS-made material outside custom key stores. */
function rotationApplies(m: KeyMetadata): boolean {
  return (
    m.KeyManager === 'CUSTOMER' &&
    m.KeySpec === 'SYMMETRIC_DEFAULT' &&
    m.Origin === 'AWS_KMS' &&
    (m.KeyState === 'Enabled' || m.KeyState === 'Disabled')
  );
}

async function keys(scope: AwsScope, t: Tracker): Promise<Resource[]> {
  const kms = scope.client(KMSClient);
  const keyPages = await t.pages('kms:ListKeys', () => paginateListKeys({ client: kms }, {}));
  const aliasPages = await t.pages('kms:ListAliases', () => paginateListAliases({ client: kms }, {}));
  const aliases = new Map<string, string[]>();
  for (const a of aliasPages.flatMap((p) => p.Aliases ?? [])) {
    if (!a.TargetKeyId || !a.AliasName) continue;
    if (!aliases.has(a.TargetKeyId)) aliases.set(a.TargetKeyId, []);
    aliases.get(a.TargetKeyId)!.push(a.AliasName);
  }
  const list = keyPages.flatMap((p) => p.Keys ?? []).filter((k): k is typeof k & { KeyId: string } => !!k.KeyId);
  const out: Resource[] = [];
  await forEachLimited(list, ITEM_CONCURRENCY, async (k) => {
    const KeyId = k.KeyId;
    const keyAliases = (aliases.get(KeyId) ?? []).sort();
    const item: ItemRead = { attrs: { keyId: KeyId, arn: k.KeyArn ?? null, aliases: keyAliases }, unreadable: {} };
    let meta: KeyMetadata | undefined;
    await readAttributes(
      t,
      item,
      [
        'keyManager',
        'keyState',
        'keyUsage',
        'keySpec',
        'origin',
        'enabled',
        'multiRegion',
        'createDate',
        'deletionDate',
        'description',
      ],
      'kms:DescribeKey',
      () => kms.send(new DescribeKeyCommand({ KeyId })),
      [],
      (o) => {
        meta = o?.KeyMetadata;
        return {
          arn: meta?.Arn ?? k.KeyArn ?? null,
          keyManager: meta?.KeyManager ?? null,
          keyState: meta?.KeyState ?? null,
          keyUsage: meta?.KeyUsage ?? null,
          keySpec: meta?.KeySpec ?? null,
          origin: meta?.Origin ?? null,
          enabled: meta?.Enabled ?? false,
          multiRegion: meta?.MultiRegion ?? false,
          createDate: iso(meta?.CreationDate),
          deletionDate: iso(meta?.DeletionDate),
          description: meta?.Description ?? '',
        };
      },
    );
    if (!meta && item.unreadable.keyManager) {
      // Without the key's metadata its rotation and policy are unknown too.
      item.unreadable.rotationEnabled = item.unreadable.keyManager;
      item.unreadable.policy = item.unreadable.keyManager;
    }
    if (meta) {
      if (rotationApplies(meta)) {
        await readAttributes(
          t,
          item,
          ['rotationEnabled', 'rotationPeriodInDays'],
          'kms:GetKeyRotationStatus',
          () => kms.send(new GetKeyRotationStatusCommand({ KeyId })),
          [],
          (o) => ({
            rotationEnabled: o?.KeyRotationEnabled ?? false,
            rotationPeriodInDays: o?.RotationPeriodInDays ?? null,
          }),
        );
      } else {
        // null: automatic rotation does not apply (AWS-managed keys rotate on their own).
        Object.assign(item.attrs, { rotationEnabled: null, rotationPeriodInDays: null });
      }
      if (meta.KeyManager === 'CUSTOMER') {
        await readAttributes(
          t,
          item,
          ['policy'],
          'kms:GetKeyPolicy',
          () => kms.send(new GetKeyPolicyCommand({ KeyId, PolicyName: 'default' })),
          [],
          (o) => ({ policy: keyPolicySummary(decodePolicyDocument(o?.Policy), scope.account) }),
        );
      }
    }
    if (Object.keys(item.unreadable).length > 0) item.attrs.unreadable = item.unreadable;
    const id = (item.attrs.arn as string | null) ?? `arn:aws:kms:${scope.region}:${scope.account}:key/${KeyId}`;
    out.push(scope.resource('aws.kms.key', id, keyAliases[0] ?? KeyId, item.attrs));
  });
  return byId(out);
}

export const DATA_COLLECTORS: readonly AwsServiceCollector[] = [
  {
    name: 's3',
    regional: false,
    types: ['aws.s3.bucket'],
    actions: [
      's3:GetBucketAcl',
      's3:GetBucketLocation',
      's3:GetBucketLogging',
      's3:GetBucketObjectLockConfiguration',
      's3:GetBucketOwnershipControls',
      's3:GetBucketPolicy',
      's3:GetBucketPolicyStatus',
      's3:GetBucketPublicAccessBlock',
      's3:GetBucketTagging',
      's3:GetBucketVersioning',
      's3:GetEncryptionConfiguration',
      's3:ListAllMyBuckets',
    ],
    async collect(scope) {
      await scope.collect('aws.s3.bucket', (c) => buckets(scope, tracker(c)));
    },
  },
  {
    name: 'kms',
    regional: true,
    types: ['aws.kms.key'],
    actions: ['kms:DescribeKey', 'kms:GetKeyPolicy', 'kms:GetKeyRotationStatus', 'kms:ListAliases', 'kms:ListKeys'],
    async collect(scope) {
      await scope.collect('aws.kms.key', (c) => keys(scope, tracker(c)));
    },
  },
];
