import {
  DescribeKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  KMSClient,
  KMSServiceException,
  ListAliasesCommand,
  ListKeysCommand,
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
  ListBucketsCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { emptyPart } from '../collect.js';
import { makeScope } from './collect.js';
import { bucketRegion, DATA_COLLECTORS, keyPolicySummary } from './data.js';

const ACCOUNT = '111122223333';
const s3 = mockClient(S3Client);
const kms = mockClient(KMSClient);
const $metadata = { httpStatusCode: 200, requestId: 'req-1', attempts: 1, totalRetryDelay: 0 };
const OPTIONS = { credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 };

function s3Error(code: string, status: number, message: string) {
  return Object.assign(
    new S3ServiceException({
      name: code,
      $fault: 'client',
      $metadata: { ...$metadata, httpStatusCode: status },
      message,
    }),
    { Code: code },
  );
}

function kmsError(code: string, status: number, message: string) {
  return new KMSServiceException({
    name: code,
    $fault: 'client',
    $metadata: { ...$metadata, httpStatusCode: status },
    message,
  });
}

const BUCKET_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyInsecure',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::training-data', 'arn:aws:s3:::training-data/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ],
};

function mockBuckets() {
  s3.on(ListBucketsCommand)
    .resolvesOnce({
      Buckets: [{ Name: 'training-data', CreationDate: new Date('2024-04-01T00:00:00Z'), BucketRegion: 'eu-west-1' }],
      Owner: { ID: 'owner-canonical-id' },
      ContinuationToken: 'page-2',
    })
    .resolvesOnce({
      // Older endpoints do not name the region: GetBucketLocation does.
      Buckets: [{ Name: 'legacy-logs', CreationDate: new Date('2015-01-01T00:00:00Z') }],
      Owner: { ID: 'owner-canonical-id' },
    });
  s3.on(GetBucketLocationCommand, { Bucket: 'legacy-logs' }).resolves({ LocationConstraint: 'EU' });

  s3.on(GetPublicAccessBlockCommand, { Bucket: 'training-data' }).resolves({
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    },
  });
  s3.on(GetBucketPolicyCommand, { Bucket: 'training-data' }).resolves({ Policy: JSON.stringify(BUCKET_POLICY) });
  s3.on(GetBucketPolicyStatusCommand, { Bucket: 'training-data' }).resolves({ PolicyStatus: { IsPublic: false } });
  s3.on(GetBucketAclCommand, { Bucket: 'training-data' }).resolves({
    Owner: { ID: 'owner-canonical-id' },
    Grants: [{ Grantee: { Type: 'CanonicalUser', ID: 'owner-canonical-id' }, Permission: 'FULL_CONTROL' }],
  });
  s3.on(GetBucketEncryptionCommand, { Bucket: 'training-data' }).resolves({
    ServerSideEncryptionConfiguration: {
      Rules: [
        {
          ApplyServerSideEncryptionByDefault: {
            SSEAlgorithm: 'aws:kms',
            KMSMasterKeyID: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
          },
          BucketKeyEnabled: true,
        },
      ],
    },
  });
  s3.on(GetBucketVersioningCommand, { Bucket: 'training-data' }).resolves({ Status: 'Enabled', MFADelete: 'Disabled' });
  s3.on(GetObjectLockConfigurationCommand, { Bucket: 'training-data' }).resolves({
    ObjectLockConfiguration: {
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 30 } },
    },
  });
  s3.on(GetBucketLoggingCommand, { Bucket: 'training-data' }).resolves({
    LoggingEnabled: { TargetBucket: 'access-logs', TargetPrefix: 'training-data/' },
  });
  s3.on(GetBucketOwnershipControlsCommand, { Bucket: 'training-data' }).resolves({
    OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
  });
  s3.on(GetBucketTaggingCommand, { Bucket: 'training-data' }).resolves({
    TagSet: [{ Key: 'data-class', Value: 'training' }],
  });

  s3.on(GetPublicAccessBlockCommand, { Bucket: 'legacy-logs' }).rejects(
    s3Error('NoSuchPublicAccessBlockConfiguration', 404, 'The public access block configuration was not found'),
  );
  s3.on(GetBucketPolicyCommand, { Bucket: 'legacy-logs' }).rejects(
    s3Error('NoSuchBucketPolicy', 404, 'The bucket policy does not exist'),
  );
  s3.on(GetBucketPolicyStatusCommand, { Bucket: 'legacy-logs' }).rejects(
    s3Error('NoSuchBucketPolicy', 404, 'The bucket policy does not exist'),
  );
  s3.on(GetBucketAclCommand, { Bucket: 'legacy-logs' }).resolves({
    Owner: { ID: 'owner-canonical-id' },
    Grants: [
      { Grantee: { Type: 'CanonicalUser', ID: 'owner-canonical-id' }, Permission: 'FULL_CONTROL' },
      { Grantee: { Type: 'Group', URI: 'http://acs.amazonaws.com/groups/global/AllUsers' }, Permission: 'READ' },
    ],
  });
  s3.on(GetBucketEncryptionCommand, { Bucket: 'legacy-logs' }).resolves({
    ServerSideEncryptionConfiguration: {
      Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }],
    },
  });
  s3.on(GetBucketVersioningCommand, { Bucket: 'legacy-logs' }).resolves({});
  s3.on(GetObjectLockConfigurationCommand, { Bucket: 'legacy-logs' }).rejects(
    s3Error('ObjectLockConfigurationNotFoundError', 404, 'Object Lock configuration does not exist for this bucket'),
  );
  s3.on(GetBucketLoggingCommand, { Bucket: 'legacy-logs' }).resolves({});
  s3.on(GetBucketOwnershipControlsCommand, { Bucket: 'legacy-logs' }).rejects(
    s3Error('OwnershipControlsNotFoundError', 404, 'The bucket ownership controls were not found'),
  );
  s3.on(GetBucketTaggingCommand, { Bucket: 'legacy-logs' }).rejects(
    s3Error('NoSuchTagSet', 404, 'The TagSet does not exist'),
  );
}

const KEY_1 = '1234abcd-12ab-34cd-56ef-1234567890ab';
const KEY_2 = '0987dcba-09fe-87dc-65ba-ab0987654321';
const KEY_3 = 'aaaabbbb-cccc-dddd-eeee-ffff00001111';
const arnOf = (id: string) => `arn:aws:kms:eu-west-1:${ACCOUNT}:key/${id}`;

const KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Enable IAM',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
    {
      Sid: 'Partner',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::444455556666:role/ml' },
      Action: 'kms:Decrypt',
      Resource: '*',
    },
    {
      Sid: 'Via S3',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': 's3.eu-west-1.amazonaws.com', 'kms:CallerAccount': ACCOUNT } },
    },
  ],
};

function mockKeys() {
  kms
    .on(ListKeysCommand)
    .resolvesOnce({ Keys: [{ KeyId: KEY_1, KeyArn: arnOf(KEY_1) }], Truncated: true, NextMarker: 'k2' })
    .resolvesOnce({
      Keys: [
        { KeyId: KEY_2, KeyArn: arnOf(KEY_2) },
        { KeyId: KEY_3, KeyArn: arnOf(KEY_3) },
      ],
      Truncated: false,
    });
  kms.on(ListAliasesCommand).resolves({
    Aliases: [
      { AliasName: 'alias/training', AliasArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/training`, TargetKeyId: KEY_1 },
      { AliasName: 'alias/aws/s3', AliasArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/aws/s3`, TargetKeyId: KEY_2 },
    ],
    Truncated: false,
  });
  kms.on(DescribeKeyCommand, { KeyId: KEY_1 }).resolves({
    KeyMetadata: {
      AWSAccountId: ACCOUNT,
      KeyId: KEY_1,
      Arn: arnOf(KEY_1),
      CreationDate: new Date('2024-01-01T00:00:00Z'),
      Enabled: true,
      Description: 'training data',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeyState: 'Enabled',
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
      KeySpec: 'SYMMETRIC_DEFAULT',
      EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
      MultiRegion: false,
    },
  });
  kms.on(DescribeKeyCommand, { KeyId: KEY_2 }).resolves({
    KeyMetadata: {
      AWSAccountId: ACCOUNT,
      KeyId: KEY_2,
      Arn: arnOf(KEY_2),
      CreationDate: new Date('2019-01-01T00:00:00Z'),
      Enabled: true,
      Description: 'Default key that protects my S3 objects when no other key is defined',
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeyState: 'Enabled',
      Origin: 'AWS_KMS',
      KeyManager: 'AWS',
      KeySpec: 'SYMMETRIC_DEFAULT',
      MultiRegion: false,
    },
  });
  kms
    .on(DescribeKeyCommand, { KeyId: KEY_3 })
    .rejects(kmsError('AccessDeniedException', 400, 'User is not authorized to perform: kms:DescribeKey'));
  kms.on(GetKeyRotationStatusCommand, { KeyId: KEY_1 }).resolves({
    KeyRotationEnabled: true,
    KeyId: arnOf(KEY_1),
    RotationPeriodInDays: 365,
    NextRotationDate: new Date('2026-12-31T00:00:00Z'),
  });
  kms.on(GetKeyPolicyCommand, { KeyId: KEY_1 }).resolves({ Policy: JSON.stringify(KEY_POLICY), PolicyName: 'default' });
}

async function run(region: string) {
  const part = emptyPart();
  const scope = makeScope(part, ACCOUNT, region, region === 'global' ? 'us-east-1' : region, OPTIONS);
  for (const c of DATA_COLLECTORS.filter((c) => c.regional === (region !== 'global'))) await c.collect(scope);
  return part;
}

beforeEach(() => {
  s3.reset();
  kms.reset();
});

describe('S3 collector', () => {
  it('lists buckets over two pages and reads each one in its own region', async () => {
    mockBuckets();
    const part = await run('global');
    expect(part.collections).toEqual([
      { cloud: 'aws', account: ACCOUNT, region: 'global', type: 'aws.s3.bucket', status: 'ok', count: 2 },
    ]);
    expect(s3.commandCalls(ListBucketsCommand)[1]!.args[0].input).toMatchObject({ ContinuationToken: 'page-2' });
    const training = part.resources.find((r) => r.name === 'training-data')!;
    expect(training).toMatchObject({ type: 'aws.s3.bucket', id: 'arn:aws:s3:::training-data', region: 'global' });
    expect(training.attributes).toEqual({
      name: 'training-data',
      region: 'eu-west-1',
      createDate: '2024-04-01T00:00:00.000Z',
      publicAccessBlock: {
        blockPublicAcls: true,
        ignorePublicAcls: true,
        blockPublicPolicy: true,
        restrictPublicBuckets: true,
      },
      policy: BUCKET_POLICY,
      policyIsPublic: false,
      publicAclGrants: [],
      encryption: {
        sseAlgorithm: 'aws:kms',
        kmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        bucketKeyEnabled: true,
      },
      versioning: 'Enabled',
      mfaDelete: 'Disabled',
      objectLockEnabled: true,
      objectLockDefaultRetention: { mode: 'GOVERNANCE', days: 30, years: null },
      logging: { targetBucket: 'access-logs', targetPrefix: 'training-data/' },
      ownershipControls: 'BucketOwnerEnforced',
      tags: { 'data-class': 'training' },
    });
    // Per-bucket calls go to a client in the bucket's region.
    const versioning = s3.commandCalls(GetBucketVersioningCommand);
    const regions = await Promise.all(
      versioning.map(async (c) => [c.args[0].input.Bucket, await (c.thisValue as S3Client).config.region()]),
    );
    expect(Object.fromEntries(regions)).toEqual({ 'training-data': 'eu-west-1', 'legacy-logs': 'eu-west-1' });
  });

  it('turns "not configured" answers into null, false or empty, not errors', async () => {
    mockBuckets();
    const part = await run('global');
    expect(part.resources.find((r) => r.name === 'legacy-logs')!.attributes).toEqual({
      name: 'legacy-logs',
      region: 'eu-west-1',
      createDate: '2015-01-01T00:00:00.000Z',
      publicAccessBlock: null,
      policy: null,
      policyIsPublic: false,
      publicAclGrants: [{ grantee: 'AllUsers', permission: 'READ' }],
      encryption: { sseAlgorithm: 'AES256', kmsKeyId: null, bucketKeyEnabled: false },
      versioning: null,
      mfaDelete: null,
      objectLockEnabled: false,
      objectLockDefaultRetention: null,
      logging: null,
      ownershipControls: null,
      tags: {},
    });
  });

  it('keeps a bucket whose own policy denies one read, listing what could not be read', async () => {
    mockBuckets();
    s3.on(GetBucketPolicyCommand, { Bucket: 'training-data' }).rejects(s3Error('AccessDenied', 403, 'Access Denied'));
    const part = await run('global');
    expect(part.collections[0]!.status).toBe('ok');
    const training = part.resources.find((r) => r.name === 'training-data')!;
    expect('policy' in training.attributes).toBe(false);
    expect(training.attributes.unreadable).toEqual({ policy: 's3:GetBucketPolicy: AccessDenied' });
    expect(training.attributes.versioning).toBe('Enabled');
  });

  it('marks aws.s3.bucket failed when listing is denied', async () => {
    s3.on(ListBucketsCommand).rejects(s3Error('AccessDenied', 403, 'Access Denied'));
    const part = await run('global');
    expect(part.resources).toEqual([]);
    expect(part.collections).toEqual([
      {
        cloud: 'aws',
        account: ACCOUNT,
        region: 'global',
        type: 'aws.s3.bucket',
        status: 'error',
        count: 0,
        error: { code: 'AccessDenied', message: 'Access Denied', operation: 's3:ListAllMyBuckets' },
      },
    ]);
  });

  it('maps GetBucketLocation answers to region names', () => {
    expect(bucketRegion(undefined)).toBe('us-east-1');
    expect(bucketRegion('')).toBe('us-east-1');
    expect(bucketRegion('EU')).toBe('eu-west-1');
    expect(bucketRegion('ap-south-1')).toBe('ap-south-1');
  });
});

describe('KMS collector', () => {
  it('reads keys over two pages with aliases, rotation and a key policy summary', async () => {
    mockKeys();
    const part = await run('eu-west-1');
    expect(part.collections).toEqual([
      { cloud: 'aws', account: ACCOUNT, region: 'eu-west-1', type: 'aws.kms.key', status: 'ok', count: 3 },
    ]);
    expect(kms.commandCalls(ListKeysCommand)[1]!.args[0].input).toMatchObject({ Marker: 'k2' });
    const key1 = part.resources.find((r) => r.id === arnOf(KEY_1))!;
    expect(key1).toMatchObject({ region: 'eu-west-1', name: 'alias/training' });
    expect(key1.attributes).toEqual({
      keyId: KEY_1,
      arn: arnOf(KEY_1),
      aliases: ['alias/training'],
      keyManager: 'CUSTOMER',
      keyState: 'Enabled',
      keyUsage: 'ENCRYPT_DECRYPT',
      keySpec: 'SYMMETRIC_DEFAULT',
      origin: 'AWS_KMS',
      enabled: true,
      multiRegion: false,
      createDate: '2024-01-01T00:00:00.000Z',
      deletionDate: null,
      description: 'training data',
      rotationEnabled: true,
      rotationPeriodInDays: 365,
      policy: {
        principals: ['*', 'arn:aws:iam::111122223333:root', 'arn:aws:iam::444455556666:role/ml'],
        allowsAnyPrincipal: false,
        allowsAnyPrincipalWithCondition: true,
        crossAccountPrincipals: ['arn:aws:iam::444455556666:role/ml'],
      },
    });
    // AWS-managed keys: no rotation or policy calls, rotation marked not applicable.
    const key2 = part.resources.find((r) => r.id === arnOf(KEY_2))!;
    expect(key2.attributes).toMatchObject({ keyManager: 'AWS', rotationEnabled: null, aliases: ['alias/aws/s3'] });
    expect('policy' in key2.attributes).toBe(false);
    expect(kms.commandCalls(GetKeyRotationStatusCommand).map((c) => c.args[0].input.KeyId)).toEqual([KEY_1]);
    // A key whose policy shuts the reader out is kept, with what could not be read.
    const key3 = part.resources.find((r) => r.id === arnOf(KEY_3))!;
    expect(key3.attributes.unreadable).toMatchObject({
      keyManager: 'kms:DescribeKey: AccessDeniedException',
      rotationEnabled: 'kms:DescribeKey: AccessDeniedException',
    });
  });

  it('marks aws.kms.key failed in the throttled region only', async () => {
    mockKeys();
    const part = emptyPart();
    kms.on(ListKeysCommand).callsFake(async (_input, getClient) => {
      if ((await (getClient() as KMSClient).config.region()) === 'us-east-1') {
        throw kmsError('ThrottlingException', 400, 'Rate exceeded');
      }
      return { Keys: [{ KeyId: KEY_2, KeyArn: arnOf(KEY_2) }], Truncated: false };
    });
    for (const region of ['us-east-1', 'eu-west-1']) {
      const scope = makeScope(part, ACCOUNT, region, region, OPTIONS);
      for (const c of DATA_COLLECTORS.filter((c) => c.regional)) await c.collect(scope);
    }
    expect(part.collections.map((c) => [c.region, c.status, c.error?.code, c.error?.operation])).toEqual([
      ['us-east-1', 'error', 'ThrottlingException', 'kms:ListKeys'],
      ['eu-west-1', 'ok', undefined, undefined],
    ]);
    expect(part.resources.map((r) => r.region)).toEqual(['eu-west-1']);
  });

  it('summarises who a key policy lets in', () => {
    expect(
      keyPolicySummary({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' }] }, ACCOUNT),
    ).toEqual({
      principals: ['*'],
      allowsAnyPrincipal: true,
      allowsAnyPrincipalWithCondition: false,
      crossAccountPrincipals: [],
    });
  });
});
