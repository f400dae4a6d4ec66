import {
  GetAccessKeyLastUsedCommand,
  GetAccountAuthorizationDetailsCommand,
  type GetAccountAuthorizationDetailsCommandOutput,
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetLoginProfileCommand,
  IAMClient,
  IAMServiceException,
  ListAccessKeysCommand,
  ListServiceSpecificCredentialsCommand,
  ListUsersCommand,
  ListVirtualMFADevicesCommand,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { emptyPart } from '../collect.js';
import type { Resource } from '../snapshot.js';
import { makeScope } from './collect.js';
import { decodePolicyDocument, IAM_COLLECTORS, tracker, trustsOnlyAwsServices } from './iam.js';

const ACCOUNT = '111122223333';
const iam = mockClient(IAMClient);
const $metadata = { httpStatusCode: 200, requestId: 'req-1', attempts: 1, totalRetryDelay: 0 };

/** An IAM error as the SDK throws it: the wire code in `Code`, the class name in `name`. */
function iamError(code: string, status: number, message: string) {
  return Object.assign(
    new IAMServiceException({
      name: code,
      $fault: 'client',
      $metadata: { ...$metadata, httpStatusCode: status },
      message,
    }),
    { Code: code },
  );
}

function noSuchEntity(message: string) {
  return Object.assign(new NoSuchEntityException({ $metadata: { ...$metadata, httpStatusCode: 404 }, message }), {
    Code: 'NoSuchEntity',
  });
}

/** IAM returns policy documents URL-encoded (RFC 3986). */
function encoded(doc: unknown): string {
  return encodeURIComponent(JSON.stringify(doc));
}

const INLINE = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'Invoke any', Effect: 'Allow', Action: 'bedrock:InvokeModel*', Resource: '*' }],
};
const TRUST_LAMBDA = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const CUSTOMER_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: 'arn:aws:s3:::training/*' }],
};

const PAGE_1: Partial<GetAccountAuthorizationDetailsCommandOutput> = {
  UserDetailList: [
    {
      Path: '/',
      UserName: 'alice',
      UserId: 'AIDAEXAMPLEALICE0001',
      Arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      CreateDate: new Date('2024-01-02T03:04:05Z'),
      UserPolicyList: [{ PolicyName: 'invoke', PolicyDocument: encoded(INLINE) }],
      GroupList: ['devs'],
      AttachedManagedPolicies: [
        { PolicyName: 'AmazonBedrockFullAccess', PolicyArn: 'arn:aws:iam::aws:policy/AmazonBedrockFullAccess' },
      ],
      PermissionsBoundary: {
        PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
        PermissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/boundary`,
      },
      Tags: [{ Key: 'team', Value: 'ml' }],
    },
    {
      Path: '/',
      UserName: 'bob',
      UserId: 'AIDAEXAMPLEBOB000001',
      Arn: `arn:aws:iam::${ACCOUNT}:user/bob`,
      CreateDate: new Date('2023-05-06T00:00:00Z'),
      UserPolicyList: [],
      GroupList: [],
      AttachedManagedPolicies: [],
    },
  ],
  GroupDetailList: [
    {
      Path: '/',
      GroupName: 'devs',
      GroupId: 'AGPAEXAMPLEDEVS00001',
      Arn: `arn:aws:iam::${ACCOUNT}:group/devs`,
      CreateDate: new Date('2022-01-01T00:00:00Z'),
      GroupPolicyList: [],
      AttachedManagedPolicies: [{ PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
    },
  ],
  RoleDetailList: [],
  Policies: [],
  IsTruncated: true,
  Marker: 'page-2',
};

const PAGE_2: Partial<GetAccountAuthorizationDetailsCommandOutput> = {
  UserDetailList: [],
  GroupDetailList: [],
  RoleDetailList: [
    {
      Path: '/service-role/',
      RoleName: 'invoke-fn',
      RoleId: 'AROAEXAMPLEROLE00001',
      Arn: `arn:aws:iam::${ACCOUNT}:role/service-role/invoke-fn`,
      CreateDate: new Date('2024-02-01T00:00:00Z'),
      AssumeRolePolicyDocument: encoded(TRUST_LAMBDA),
      InstanceProfileList: [],
      RolePolicyList: [],
      AttachedManagedPolicies: [{ PolicyName: 'training', PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/training` }],
      RoleLastUsed: { LastUsedDate: new Date('2026-11-01T10:00:00Z'), Region: 'us-east-1' },
      Tags: [],
    },
    {
      Path: '/aws-service-role/bedrock.amazonaws.com/',
      RoleName: 'AWSServiceRoleForAmazonBedrock',
      Arn: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/bedrock.amazonaws.com/AWSServiceRoleForAmazonBedrock`,
      CreateDate: new Date('2024-02-01T00:00:00Z'),
      AssumeRolePolicyDocument: encoded({
        Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }],
      }),
    },
  ],
  Policies: [
    {
      PolicyName: 'training',
      PolicyId: 'ANPAEXAMPLEPOLICY001',
      Arn: `arn:aws:iam::${ACCOUNT}:policy/training`,
      Path: '/',
      DefaultVersionId: 'v2',
      AttachmentCount: 1,
      PermissionsBoundaryUsageCount: 0,
      IsAttachable: true,
      CreateDate: new Date('2024-01-01T00:00:00Z'),
      UpdateDate: new Date('2024-03-01T00:00:00Z'),
      PolicyVersionList: [
        { Document: encoded({ Statement: [] }), VersionId: 'v1', IsDefaultVersion: false },
        { Document: encoded(CUSTOMER_POLICY), VersionId: 'v2', IsDefaultVersion: true },
      ],
    },
    {
      PolicyName: 'AmazonBedrockFullAccess',
      Arn: 'arn:aws:iam::aws:policy/AmazonBedrockFullAccess',
      Path: '/',
      DefaultVersionId: 'v5',
      AttachmentCount: 1,
      PolicyVersionList: [
        {
          Document: encoded({ Statement: [{ Effect: 'Allow', Action: 'bedrock:*', Resource: '*' }] }),
          VersionId: 'v5',
          IsDefaultVersion: true,
        },
      ],
    },
    {
      // AWS-managed and attached to nothing: not emitted.
      PolicyName: 'AmazonPollyFullAccess',
      Arn: 'arn:aws:iam::aws:policy/AmazonPollyFullAccess',
      DefaultVersionId: 'v1',
      AttachmentCount: 0,
      PermissionsBoundaryUsageCount: 0,
      PolicyVersionList: [],
    },
  ],
  IsTruncated: false,
};

function mockAccount() {
  iam
    .on(GetAccountAuthorizationDetailsCommand)
    .resolvesOnce({ ...PAGE_1, $metadata })
    .resolvesOnce({ ...PAGE_2, $metadata });
  iam.on(ListUsersCommand).resolves({
    Users: [
      {
        Path: '/',
        UserName: 'alice',
        UserId: 'AIDAEXAMPLEALICE0001',
        Arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
        CreateDate: new Date('2024-01-02T03:04:05Z'),
        PasswordLastUsed: new Date('2026-10-30T08:00:00Z'),
      },
      {
        Path: '/',
        UserName: 'bob',
        UserId: 'AIDAEXAMPLEBOB000001',
        Arn: `arn:aws:iam::${ACCOUNT}:user/bob`,
        CreateDate: new Date('2023-05-06T00:00:00Z'),
      },
    ],
    IsTruncated: false,
  });
  iam
    .on(GetLoginProfileCommand, { UserName: 'alice' })
    .resolves({ LoginProfile: { UserName: 'alice', CreateDate: new Date('2024-01-02T03:04:05Z') } });
  iam.on(GetLoginProfileCommand, { UserName: 'bob' }).rejects(noSuchEntity('The user with name bob cannot be found.'));
  iam.on(ListAccessKeysCommand, { UserName: 'alice' }).resolves({
    AccessKeyMetadata: [
      {
        UserName: 'alice',
        AccessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        Status: 'Active',
        CreateDate: new Date('2025-01-01T00:00:00Z'),
      },
    ],
    IsTruncated: false,
  });
  iam.on(ListAccessKeysCommand, { UserName: 'bob' }).resolves({
    AccessKeyMetadata: [
      {
        UserName: 'bob',
        AccessKeyId: 'AKIAI44QH8DHBEXAMPLE',
        Status: 'Inactive',
        CreateDate: new Date('2023-06-01T00:00:00Z'),
      },
    ],
    IsTruncated: false,
  });
  iam.on(GetAccessKeyLastUsedCommand, { AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' }).resolves({
    UserName: 'alice',
    AccessKeyLastUsed: { LastUsedDate: new Date('2026-11-19T12:00:00Z'), ServiceName: 'bedrock', Region: 'us-west-2' },
  });
  iam.on(GetAccessKeyLastUsedCommand, { AccessKeyId: 'AKIAI44QH8DHBEXAMPLE' }).resolves({
    UserName: 'bob',
    AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' },
  });
  iam
    .on(ListServiceSpecificCredentialsCommand)
    .resolvesOnce({
      ServiceSpecificCredentials: [
        {
          UserName: 'BedrockAPIKey-x1y2',
          Status: 'Active',
          ServiceUserName: 'BedrockAPIKey-x1y2-at-111122223333',
          CreateDate: new Date('2026-01-01T00:00:00Z'),
          ServiceSpecificCredentialId: 'ACCAEXAMPLE000000001',
          ServiceName: 'bedrock.amazonaws.com',
        },
      ],
      IsTruncated: true,
      Marker: 'ssc-2',
    })
    .resolvesOnce({
      ServiceSpecificCredentials: [
        {
          UserName: 'alice',
          Status: 'Active',
          CreateDate: new Date('2026-11-01T00:00:00Z'),
          ExpirationDate: new Date('2026-12-01T00:00:00Z'),
          ServiceSpecificCredentialId: 'ACCAEXAMPLE000000002',
          ServiceName: 'bedrock.amazonaws.com',
        },
      ],
      IsTruncated: false,
    });
  iam.on(GetAccountSummaryCommand).resolves({
    SummaryMap: { AccountAccessKeysPresent: 1, AccountMFAEnabled: 1, AccountPasswordPresent: 1, Users: 2, Roles: 2 },
  });
  iam
    .on(GetAccountPasswordPolicyCommand)
    .rejects(noSuchEntity('The Password Policy with domain name 111122223333 cannot be found.'));
  iam.on(ListVirtualMFADevicesCommand).resolves({
    VirtualMFADevices: [
      {
        SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/root-account-mfa-device`,
        User: {
          Path: '/',
          UserName: 'root',
          UserId: ACCOUNT,
          Arn: `arn:aws:iam::${ACCOUNT}:root`,
          CreateDate: new Date('2020-01-01T00:00:00Z'),
        },
        EnableDate: new Date('2020-01-02T00:00:00Z'),
      },
    ],
    IsTruncated: false,
  });
}

async function collect() {
  const part = emptyPart();
  const scope = makeScope(part, ACCOUNT, 'global', 'us-east-1', {
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  for (const c of IAM_COLLECTORS) await c.collect(scope);
  const of = (type: string) => part.resources.filter((r) => r.type === type);
  const one = (type: string, id: string) => {
    const r = part.resources.find((x) => x.type === type && x.id === id);
    if (!r) throw new Error(`no ${type} ${id}`);
    return r as Resource;
  };
  return { part, of, one };
}

beforeEach(() => iam.reset());

describe('IAM collector', () => {
  it('reads users, groups, roles and policies across two pages of GetAccountAuthorizationDetails', async () => {
    mockAccount();
    const { part, one } = await collect();
    const gaad = iam.commandCalls(GetAccountAuthorizationDetailsCommand);
    // One listing feeds four resource types.
    expect(gaad).toHaveLength(2);
    expect(gaad[1]!.args[0].input.Marker).toBe('page-2');
    expect(part.collections.map((c) => [c.type, c.status, c.count])).toEqual([
      ['aws.iam.account-settings', 'ok', 1],
      ['aws.iam.user', 'ok', 2],
      ['aws.iam.access-key', 'ok', 2],
      ['aws.iam.bedrock-api-key', 'ok', 2],
      ['aws.iam.role', 'ok', 2],
      ['aws.iam.group', 'ok', 1],
      ['aws.iam.policy', 'ok', 2],
    ]);
    const alice = one('aws.iam.user', `arn:aws:iam::${ACCOUNT}:user/alice`);
    expect(alice.region).toBe('global');
    expect(alice.name).toBe('alice');
    expect(alice.attributes).toEqual({
      arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      userName: 'alice',
      userId: 'AIDAEXAMPLEALICE0001',
      path: '/',
      createDate: '2024-01-02T03:04:05.000Z',
      attachedPolicyArns: ['arn:aws:iam::aws:policy/AmazonBedrockFullAccess'],
      inlinePolicies: [{ name: 'invoke', document: INLINE }],
      groups: ['devs'],
      permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/boundary`,
      passwordLastUsed: '2026-10-30T08:00:00.000Z',
      consoleAccess: true,
      tags: { team: 'ml' },
    });
    const bob = one('aws.iam.user', `arn:aws:iam::${ACCOUNT}:user/bob`);
    expect(bob.attributes).toMatchObject({ consoleAccess: false, passwordLastUsed: null, permissionsBoundary: null });
    expect(one('aws.iam.group', `arn:aws:iam::${ACCOUNT}:group/devs`).attributes).toMatchObject({
      attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      members: ['alice'],
    });
  });

  it('decodes URL-encoded role trust and policy documents and classifies service roles', async () => {
    mockAccount();
    const { of, one } = await collect();
    const fn = one('aws.iam.role', `arn:aws:iam::${ACCOUNT}:role/service-role/invoke-fn`);
    expect(fn.attributes).toMatchObject({
      roleName: 'invoke-fn',
      path: '/service-role/',
      assumeRolePolicyDocument: TRUST_LAMBDA,
      trustedServices: ['lambda.amazonaws.com'],
      attachedPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/training`],
      inlinePolicies: [],
      permissionsBoundary: null,
      roleLastUsed: '2026-11-01T10:00:00.000Z',
      roleLastUsedRegion: 'us-east-1',
      isServiceLinkedRole: false,
      isServiceRole: true,
    });
    const linked = of('aws.iam.role').find((r) => r.name === 'AWSServiceRoleForAmazonBedrock')!;
    expect(linked.attributes).toMatchObject({ isServiceLinkedRole: true, isServiceRole: true, roleLastUsed: null });
    expect(one('aws.iam.policy', `arn:aws:iam::${ACCOUNT}:policy/training`).attributes).toEqual({
      arn: `arn:aws:iam::${ACCOUNT}:policy/training`,
      name: 'training',
      path: '/',
      isAwsManaged: false,
      defaultVersionId: 'v2',
      document: CUSTOMER_POLICY,
      attachmentCount: 1,
      permissionsBoundaryUsageCount: 0,
      isAttachable: true,
      createDate: '2024-01-01T00:00:00.000Z',
      updateDate: '2024-03-01T00:00:00.000Z',
    });
    // AWS-managed policies only when in use.
    expect(
      of('aws.iam.policy')
        .map((p) => p.name)
        .sort(),
    ).toEqual(['AmazonBedrockFullAccess', 'training']);
    expect(one('aws.iam.policy', 'arn:aws:iam::aws:policy/AmazonBedrockFullAccess').attributes).toMatchObject({
      isAwsManaged: true,
      document: { Statement: [{ Effect: 'Allow', Action: 'bedrock:*', Resource: '*' }] },
    });
  });

  it('reads access keys with their last use, Bedrock API keys over two pages, and root facts', async () => {
    mockAccount();
    const { one } = await collect();
    expect(one('aws.iam.access-key', 'AKIAIOSFODNN7EXAMPLE').attributes).toEqual({
      userName: 'alice',
      userArn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      status: 'Active',
      createDate: '2025-01-01T00:00:00.000Z',
      lastUsedDate: '2026-11-19T12:00:00.000Z',
      lastUsedService: 'bedrock',
      lastUsedRegion: 'us-west-2',
    });
    // "N/A" is the API's way of saying never used.
    expect(one('aws.iam.access-key', 'AKIAI44QH8DHBEXAMPLE').attributes).toMatchObject({
      status: 'Inactive',
      lastUsedDate: null,
      lastUsedService: null,
      lastUsedRegion: null,
    });
    const listCalls = iam.commandCalls(ListServiceSpecificCredentialsCommand).map((c) => c.args[0].input);
    expect(listCalls).toEqual([
      { ServiceName: 'bedrock.amazonaws.com', AllUsers: true },
      { ServiceName: 'bedrock.amazonaws.com', AllUsers: true, Marker: 'ssc-2' },
    ]);
    expect(one('aws.iam.bedrock-api-key', 'ACCAEXAMPLE000000001').attributes).toEqual({
      userName: 'BedrockAPIKey-x1y2',
      serviceName: 'bedrock.amazonaws.com',
      status: 'Active',
      createDate: '2026-01-01T00:00:00.000Z',
      expirationDate: null,
    });
    expect(one('aws.iam.bedrock-api-key', 'ACCAEXAMPLE000000002').attributes.expirationDate).toBe(
      '2026-12-01T00:00:00.000Z',
    );
    expect(one('aws.iam.account-settings', ACCOUNT).attributes).toEqual({
      rootAccessKeysPresent: true,
      rootMfaEnabled: true,
      rootPasswordPresent: true,
      rootVirtualMfa: true,
      passwordPolicy: null,
      users: 2,
      roles: 2,
    });
  });

  it('marks only the type whose call was denied, naming the call and the code', async () => {
    mockAccount();
    iam
      .on(ListAccessKeysCommand, { UserName: 'bob' })
      .rejects(iamError('AccessDenied', 403, 'User: arn:aws:sts::111122223333:assumed-role/audit is not authorized'));
    const { part, of } = await collect();
    const keys = part.collections.find((c) => c.type === 'aws.iam.access-key')!;
    expect(keys).toMatchObject({
      status: 'error',
      count: 0,
      region: 'global',
      error: { code: 'AccessDenied', operation: 'iam:ListAccessKeys' },
    });
    expect(keys.error!.message).toMatch(/not authorized/);
    // A partial list is not kept, and the other types are unaffected.
    expect(of('aws.iam.access-key')).toEqual([]);
    expect(part.collections.filter((c) => c.status === 'error').map((c) => c.type)).toEqual(['aws.iam.access-key']);
    expect(of('aws.iam.user')).toHaveLength(2);
  });

  it('reports a throttled GetAccountAuthorizationDetails on each type it feeds, not on the others', async () => {
    mockAccount();
    iam.on(GetAccountAuthorizationDetailsCommand).rejects(iamError('Throttling', 400, 'Rate exceeded'));
    const { part } = await collect();
    const failed = part.collections.filter((c) => c.status === 'error');
    expect(failed.map((c) => c.type)).toEqual(['aws.iam.user', 'aws.iam.role', 'aws.iam.group', 'aws.iam.policy']);
    for (const c of failed) {
      expect(c.error).toMatchObject({ code: 'Throttling', operation: 'iam:GetAccountAuthorizationDetails' });
    }
  });
});

describe('IAM documents', () => {
  it('decodes URL-encoded JSON, keeps plain JSON, and keeps unparsable text as text', () => {
    const doc = { Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::a b/%' }] };
    expect(decodePolicyDocument(encoded(doc))).toEqual(doc);
    expect(decodePolicyDocument(JSON.stringify(doc))).toEqual(doc);
    expect(decodePolicyDocument('%7Bnot json')).toBe('{not json');
    expect(decodePolicyDocument(undefined)).toBeNull();
  });
  it('treats a trust policy as service-only when every Allow names only services', () => {
    expect(trustsOnlyAwsServices(TRUST_LAMBDA)).toBe(true);
    expect(
      trustsOnlyAwsServices({
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com', AWS: '*' }, Action: 'sts:AssumeRole' },
        ],
      }),
    ).toBe(false);
    expect(trustsOnlyAwsServices({ Statement: [] })).toBe(false);
  });
});

describe('tracker', () => {
  it('names the first call that failed even when other calls run on, and stops further calls', async () => {
    const current: { operation?: string } = {};
    const t = tracker(current);
    let release!: () => void;
    const slow = new Promise<void>((r) => {
      release = r;
    });
    const failing = t.call('iam:ListAccessKeys', async () => {
      throw iamError('AccessDenied', 403, 'denied');
    });
    const other = t.call('iam:GetAccessKeyLastUsed', async () => {
      await slow;
      return 1;
    });
    await expect(failing).rejects.toThrow('denied');
    release();
    await other;
    expect(current.operation).toBe('iam:ListAccessKeys');
    await expect(t.call('iam:ListUsers', async () => 1)).rejects.toThrow(/already failed/);
    expect(current.operation).toBe('iam:ListAccessKeys');
  });

  it('takes "absent" codes as none and tolerated codes as not failing the collection', async () => {
    const current: { operation?: string } = {};
    const t = tracker(current);
    await expect(
      t.callOr('iam:GetLoginProfile', async () => Promise.reject(noSuchEntity('none')), ['NoSuchEntity']),
    ).resolves.toBeUndefined();
    await expect(
      t.callOr(
        's3:GetBucketPolicy',
        async () => Promise.reject(iamError('AccessDenied', 403, 'no')),
        [],
        ['AccessDenied'],
      ),
    ).rejects.toThrow('no');
    // Neither failed the collection: later calls still run.
    await expect(t.call('iam:ListUsers', async () => 2)).resolves.toBe(2);
  });
});
