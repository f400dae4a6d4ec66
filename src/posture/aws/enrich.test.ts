import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadChecks } from '../checks.js';
import { evaluateChecks } from '../evaluate.js';
import { emptySnapshot, type Resource, type Snapshot } from '../snapshot.js';
import { bucketOf, enrichAws, grantsOf, iamGlob, restrictiveCondition, statements } from './enrich.js';

const ACCOUNT = '111122223333';

function res(
  type: string,
  id: string,
  attributes: Record<string, unknown>,
  where: { region?: string; account?: string; name?: string } = {},
): Resource {
  return {
    cloud: 'aws',
    type,
    id,
    account: where.account ?? ACCOUNT,
    region: where.region ?? 'global',
    ...(where.name ? { name: where.name } : {}),
    attributes,
  };
}

function snapshot(resources: Resource[]): Snapshot {
  const s = emptySnapshot(new Date('2026-11-20T00:00:00Z'), { name: 'jackstop', version: 'test' });
  s.accounts.push({ cloud: 'aws', id: ACCOUNT, regions: ['us-east-1', 'eu-west-1'] });
  s.resources.push(...resources);
  return s;
}

const doc = (...Statement: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement });
const grants = (...s: Record<string, unknown>[]) => grantsOf(statements(doc(...s)));

function user(name: string, attrs: Record<string, unknown> = {}): Resource {
  const arn = `arn:aws:iam::${ACCOUNT}:user/${name}`;
  return res(
    'aws.iam.user',
    arn,
    {
      arn,
      userName: name,
      attachedPolicyArns: [],
      inlinePolicies: [],
      groups: [],
      permissionsBoundary: null,
      passwordLastUsed: null,
      ...attrs,
    },
    { name },
  );
}

function role(name: string, attrs: Record<string, unknown> = {}): Resource {
  const arn = `arn:aws:iam::${ACCOUNT}:role/${name}`;
  return res(
    'aws.iam.role',
    arn,
    { arn, roleName: name, attachedPolicyArns: [], inlinePolicies: [], permissionsBoundary: null, ...attrs },
    { name },
  );
}

function policy(name: string, document: unknown, arn = `arn:aws:iam::${ACCOUNT}:policy/${name}`): Resource {
  return res('aws.iam.policy', arn, { arn, name, isAwsManaged: arn.includes(':aws:policy/'), document }, { name });
}

describe('IAM wildcard matching', () => {
  it('matches * and ? the way IAM does', () => {
    expect(iamGlob('bedrock:Invoke*', 'bedrock:InvokeModel', true)).toBe(true);
    expect(iamGlob('Bedrock:invokemodel*', 'bedrock:InvokeModelWithResponseStream', true)).toBe(true);
    expect(iamGlob('bedrock:InvokeMode?', 'bedrock:InvokeModel', true)).toBe(true);
    expect(iamGlob('bedrock:InvokeMode?', 'bedrock:InvokeModels', true)).toBe(false);
    expect(iamGlob('bedrock:Get*', 'bedrock:InvokeModel', true)).toBe(false);
    // `*` crosses colons in ARNs; ARNs compare case-sensitively; regex characters are literal.
    expect(iamGlob('arn:aws:bedrock:*', 'arn:aws:bedrock:us-east-1::foundation-model/x', false)).toBe(true);
    expect(iamGlob('arn:aws:Bedrock:*', 'arn:aws:bedrock:us-east-1::foundation-model/x', false)).toBe(false);
    expect(iamGlob('arn:aws:s3:::a.b', 'arn:aws:s3:::axb', false)).toBe(false);
  });

  it('takes network, MFA and service conditions as restrictive, others not', () => {
    expect(restrictiveCondition({ IpAddress: { 'aws:SourceIp': '203.0.113.0/24' } })).toBe(true);
    expect(restrictiveCondition({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } })).toBe(true);
    expect(restrictiveCondition({ StringEquals: { 'aws:RequestedRegion': 'us-east-1' } })).toBe(false);
    expect(restrictiveCondition({ Null: { 'aws:MultiFactorAuthAge': 'true' } })).toBe(false);
    expect(restrictiveCondition(undefined)).toBe(false);
  });
});

describe('policy grants', () => {
  it('finds Bedrock invocation on any model, and tells it from a single model', () => {
    expect(grants({ Effect: 'Allow', Action: 'bedrock:InvokeModel*', Resource: '*' })).toMatchObject({
      canInvokeBedrockModels: true,
      bedrockInvokeOnAnyModel: true,
      bedrockAllActionsOnAny: false,
      hasAdminAccess: false,
    });
    expect(
      grants({ Effect: 'Allow', Action: ['bedrock:Invoke*'], Resource: 'arn:aws:bedrock:*::foundation-model/*' }),
    ).toMatchObject({ canInvokeBedrockModels: true, bedrockInvokeOnAnyModel: true });
    expect(
      grants({
        Effect: 'Allow',
        Action: 'bedrock:InvokeModel',
        Resource: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0',
      }),
    ).toMatchObject({ canInvokeBedrockModels: true, bedrockInvokeOnAnyModel: false });
    expect(grants({ Effect: 'Allow', Action: 'bedrock:*', Resource: 'arn:aws:bedrock:*' })).toMatchObject({
      bedrockInvokeOnAnyModel: true,
      bedrockAllActionsOnAny: true,
    });
    expect(grants({ Effect: 'Allow', Action: 's3:*', Resource: '*' }).canInvokeBedrockModels).toBe(false);
    expect(grants({ Effect: 'Allow', Action: 'bedrock:List*', Resource: '*' }).canInvokeBedrockModels).toBe(false);
  });

  it('treats *:* on * as admin, NotAction by what it leaves out, and unconditional Deny as final', () => {
    expect(grants({ Effect: 'Allow', Action: '*', Resource: '*' })).toMatchObject({
      hasAdminAccess: true,
      canInvokeBedrockModels: true,
      marketplaceSubscribeOnAny: true,
      canModifyIamPermissions: true,
    });
    expect(grants({ Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' })).toMatchObject({
      hasAdminAccess: false,
      bedrockInvokeOnAnyModel: true,
      canModifyIamPermissions: false,
    });
    expect(grants({ Effect: 'Allow', NotAction: 'bedrock:*', Resource: '*' }).canInvokeBedrockModels).toBe(false);
    expect(
      grants(
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 'bedrock:Invoke*', Resource: '*' },
      ).canInvokeBedrockModels,
    ).toBe(false);
    // A conditional Deny may not apply to a thief: not counted.
    expect(
      grants(
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 'bedrock:*', Resource: '*', Condition: { Bool: { 'aws:ViaAWSService': 'false' } } },
      ).canInvokeBedrockModels,
    ).toBe(true);
  });

  it('ignores statements a thief could not use, keeps those it could', () => {
    const fromOffice = { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } };
    expect(
      grants({ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: '*', Condition: fromOffice })
        .canInvokeBedrockModels,
    ).toBe(false);
    const regionOnly = { StringEquals: { 'aws:RequestedRegion': 'us-east-1' } };
    expect(
      grants({ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: '*', Condition: regionOnly })
        .bedrockInvokeOnAnyModel,
    ).toBe(true);
    const products = { 'ForAnyValue:StringEquals': { 'aws-marketplace:ProductId': ['prod-abc'] } };
    expect(
      grants({ Effect: 'Allow', Action: 'aws-marketplace:Subscribe', Resource: '*', Condition: products })
        .marketplaceSubscribeOnAny,
    ).toBe(false);
    expect(
      grants({ Effect: 'Allow', Action: 'aws-marketplace:Subscribe', Resource: '*' }).marketplaceSubscribeOnAny,
    ).toBe(true);
  });
});

describe('enrichAws', () => {
  it('gathers inline, attached and group policies, and applies permissions boundaries', () => {
    const invokeAny = policy('invoke-any', doc({ Effect: 'Allow', Action: 'bedrock:*', Resource: '*' }));
    const boundary = policy('no-bedrock', doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }));
    const group = res('aws.iam.group', `arn:aws:iam::${ACCOUNT}:group/ml`, {
      groupName: 'ml',
      attachedPolicyArns: [invokeAny.id],
      inlinePolicies: [],
    });
    const viaGroup = user('via-group', { groups: ['ml'] });
    const bounded = user('bounded', { groups: ['ml'], permissionsBoundary: boundary.id });
    const inline = user('inline', {
      inlinePolicies: [
        { name: 'mkt', document: doc({ Effect: 'Allow', Action: 'aws-marketplace:Subscribe', Resource: '*' }) },
      ],
    });
    const admin = user('admin', { attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] });
    const bedrockFull = role('app', { attachedPolicyArns: ['arn:aws:iam::aws:policy/AmazonBedrockFullAccess'] });
    const d = enrichAws(snapshot([invokeAny, boundary, group, viaGroup, bounded, inline, admin, bedrockFull]));
    expect(d.get(viaGroup)).toMatchObject({
      canInvokeBedrockModels: true,
      bedrockInvokeOnAnyModel: true,
      bedrockAllActionsOnAny: true,
      hasAdminAccess: false,
    });
    expect(d.get(bounded)).toMatchObject({ canInvokeBedrockModels: false, bedrockInvokeOnAnyModel: false });
    expect(d.get(inline)).toMatchObject({
      marketplaceSubscribeOnAny: true,
      inlineMarketplaceSubscribeOnAny: true,
      canInvokeBedrockModels: false,
    });
    // AWS-managed policies not in the snapshot: well-known ones are understood by name.
    expect(d.get(admin)).toMatchObject({
      hasAdminAccess: true,
      canInvokeBedrockModels: true,
      unresolvedPolicyArns: [],
    });
    expect(d.get(bedrockFull)).toMatchObject({
      hasBedrockFullAccess: true,
      bedrockInvokeOnAnyModel: true,
      awsManagedFullAccessPolicies: ['arn:aws:iam::aws:policy/AmazonBedrockFullAccess'],
    });
    expect(d.get(group)).toMatchObject({ canInvokeBedrockModels: true });
    expect(d.get(invokeAny)).toMatchObject({ allowsBedrockInvokeOnAnyModel: true, allowsAdmin: false });
  });

  it('copies the owner facts onto access keys and Bedrock API keys, and counts active keys', () => {
    const alice = user('alice', {
      passwordLastUsed: '2026-01-01T00:00:00.000Z',
      inlinePolicies: [{ name: 'p', document: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) }],
    });
    const k1 = res('aws.iam.access-key', 'AKIAIOSFODNN7EXAMPLE', {
      userName: 'alice',
      status: 'Active',
      lastUsedDate: '2026-11-01T00:00:00.000Z',
    });
    const k2 = res('aws.iam.access-key', 'AKIAI44QH8DHBEXAMPLE', {
      userName: 'alice',
      status: 'Active',
      lastUsedDate: null,
    });
    const apiKey = res('aws.iam.bedrock-api-key', 'ACCAEXAMPLE000000001', { userName: 'alice', status: 'Active' });
    const orphan = res('aws.iam.access-key', 'AKIAORPHANEXAMPLE001', { userName: 'gone', status: 'Active' });
    const d = enrichAws(snapshot([alice, k1, k2, apiKey, orphan]));
    expect(d.get(alice)).toMatchObject({ activeAccessKeyCount: 2, lastActivityDate: '2026-11-01T00:00:00.000Z' });
    expect(d.get(k1)).toEqual({
      userCanInvokeBedrock: true,
      userBedrockInvokeOnAnyModel: true,
      userHasAdminAccess: true,
      userCanModifyIamPermissions: true,
    });
    expect(d.get(apiKey)).toMatchObject({
      userHasAdminAccess: true,
      userCanInvokeBedrock: true,
      userBedrockAllActionsOnAny: true,
      userCanModifyIamPermissions: true,
      userHasBedrockFullAccess: false,
    });
    // Owner not in the snapshot: no facts, so checks reading them cannot pass.
    expect(d.get(orphan)).toEqual({});
  });

  it('counts the Bedrock agents that use each role', () => {
    const shared = role('agent-shared', {
      inlinePolicies: [{ name: 'broad', document: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }) }],
    });
    const own = role('agent-own');
    const agent = (id: string, roleArn: string) =>
      res(
        'aws.bedrock.agent',
        `arn:aws:bedrock:us-east-1:${ACCOUNT}:agent/${id}`,
        { roleArn },
        { region: 'us-east-1' },
      );
    const d = enrichAws(
      snapshot([shared, own, agent('A1', shared.id), agent('A2', shared.id), agent('A3', own.id), role('unused')]),
    );
    expect(d.get(shared)).toMatchObject({ usedByBedrockAgents: 2, inlineAllowsWildcardResource: true });
    expect(d.get(own)).toMatchObject({ usedByBedrockAgents: 1, inlineAllowsWildcardResource: false });
  });

  it('marks buckets that AI resources read or write, and whether they are public', () => {
    const bucket = (name: string, attrs: Record<string, unknown> = {}) =>
      res('aws.s3.bucket', `arn:aws:s3:::${name}`, {
        name,
        region: 'us-east-1',
        publicAccessBlock: null,
        policyIsPublic: false,
        publicAclGrants: [],
        ownershipControls: 'BucketOwnerEnforced',
        ...attrs,
      });
    const kbDocs = bucket('kb-docs', { policyIsPublic: true });
    const train = bucket('train', { publicAccessBlock: { restrictPublicBuckets: true }, policyIsPublic: true });
    const out = bucket('model-out', {
      publicAclGrants: [{ grantee: 'AllUsers', permission: 'READ' }],
      ownershipControls: null,
    });
    const logs = bucket('invocation-logs');
    const sm = bucket('sm-input');
    const other = bucket('unrelated');
    const { publicAclGrants: _, ...unknownAcl } = bucket('unknown-acl').attributes;
    const unreadable = res('aws.s3.bucket', 'arn:aws:s3:::unknown-acl', unknownAcl);
    const kb = res(
      'aws.bedrock.knowledge-base',
      'arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB1',
      { dataSources: [{ name: 'docs', s3BucketArn: 'arn:aws:s3:::kb-docs' }] },
      { region: 'us-east-1' },
    );
    const model = res(
      'aws.bedrock.custom-model',
      'arn:aws:bedrock:us-east-1:111122223333:custom-model/m1',
      { trainingDataS3Uri: 's3://train/data.jsonl', outputDataS3Uri: 's3://model-out/' },
      { region: 'us-east-1' },
    );
    const job = res(
      'aws.sagemaker.training-job',
      'arn:aws:sagemaker:us-east-1:111122223333:training-job/j1',
      { inputS3Uris: ['s3://sm-input/a', 's3://train/b'], outputS3Uri: 's3://model-out/j1' },
      { region: 'us-east-1' },
    );
    const settings = res(
      'aws.bedrock.region-settings',
      `${ACCOUNT}/us-east-1`,
      { invocationLogging: { enabled: true, s3Bucket: 'invocation-logs' } },
      { region: 'us-east-1' },
    );
    const d = enrichAws(snapshot([kbDocs, train, out, logs, sm, other, unreadable, kb, model, job, settings]));
    expect(d.get(kbDocs)).toEqual({
      aiDataUses: [{ type: 'aws.bedrock.knowledge-base', id: kb.id, use: 'knowledge-base-source' }],
      holdsAiData: true,
      publiclyAccessible: true,
    });
    expect(d.get(train)).toMatchObject({ holdsAiData: true, publiclyAccessible: false });
    expect((d.get(train)!.aiDataUses as unknown[]).length).toBe(2);
    expect(d.get(out)).toMatchObject({ holdsAiData: true, publiclyAccessible: true });
    expect(d.get(logs)).toMatchObject({ holdsAiData: true, aiDataUses: [{ use: 'invocation-logs' }] });
    expect(d.get(sm)).toMatchObject({ holdsAiData: true });
    expect(d.get(other)).toMatchObject({ holdsAiData: false, aiDataUses: [], publiclyAccessible: false });
    // An input that could not be read: no verdict, so checks on it cannot pass.
    expect('publiclyAccessible' in d.get(unreadable)!).toBe(false);
  });

  it('derives account-level trail and budget facts, and per-region token alarms', () => {
    const trail = (name: string, attrs: Record<string, unknown>) =>
      res('aws.cloudtrail.trail', `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/${name}`, {
        isLogging: true,
        isMultiRegionTrail: true,
        managementEventsReadWrite: 'All',
        recordsBedrockDataEvents: false,
        s3BucketName: 'trail-logs',
        ...attrs,
      });
    const writeOnly = trail('w', { managementEventsReadWrite: 'WriteOnly', recordsBedrockDataEvents: true });
    const stopped = trail('s', { isLogging: false });
    const logBucket = res('aws.s3.bucket', 'arn:aws:s3:::trail-logs', {
      name: 'trail-logs',
      publicAccessBlock: null,
      policyIsPublic: true,
      publicAclGrants: [],
    });
    const settings = res('aws.iam.account-settings', ACCOUNT, {});
    const budget = (name: string, attrs: Record<string, unknown>) =>
      res(
        'aws.budgets.budget',
        `arn:aws:budgets::${ACCOUNT}:budget/${name}`,
        {
          budgetType: 'COST',
          costFilters: {},
          filterExpression: null,
          serviceFilter: null,
          notifications: [{ notificationType: 'ACTUAL' }],
          ...attrs,
        },
        { name },
      );
    const silent = budget('silent', { notifications: [] });
    const ec2 = budget('ec2', {
      costFilters: { Service: ['Amazon Elastic Compute Cloud - Compute'] },
      serviceFilter: ['Amazon Elastic Compute Cloud - Compute'],
    });
    let d = enrichAws(snapshot([writeOnly, stopped, logBucket, settings, silent, ec2]));
    expect(d.get(settings)).toEqual({
      hasMultiRegionManagementTrail: false,
      hasBedrockDataEventsTrail: true,
      hasBedrockBudget: false,
      bedrockBudgets: [],
    });
    expect(d.get(writeOnly)).toEqual({ logBucketFound: true, logBucketPublic: true });

    const claude = budget('claude', { serviceFilter: ['Claude 3.5 Sonnet (Amazon Bedrock Edition)'] });
    const all = budget('all', {});
    d = enrichAws(snapshot([trail('ok', {}), settings, claude, all]));
    expect(d.get(settings)).toMatchObject({ hasMultiRegionManagementTrail: true, bedrockBudgets: ['all', 'claude'] });

    const rs = (region: string) => res('aws.bedrock.region-settings', `${ACCOUNT}/${region}`, {}, { region });
    const alarm = (region: string, attrs: Record<string, unknown>) =>
      res(
        'aws.cloudwatch.alarm',
        `arn:aws:cloudwatch:${region}:${ACCOUNT}:alarm:a`,
        {
          namespace: 'AWS/Bedrock',
          metricName: 'OutputTokenCount',
          metrics: [],
          actionsEnabled: true,
          alarmActions: ['arn:aws:sns:x'],
          ...attrs,
        },
        { region, name: `tokens-${region}` },
      );
    const east = rs('us-east-1');
    const west = rs('eu-west-1');
    const mathOnly = rs('ap-south-1');
    d = enrichAws(
      snapshot([
        east,
        west,
        mathOnly,
        alarm('us-east-1', {}),
        alarm('eu-west-1', { actionsEnabled: false }),
        alarm('ap-south-1', {
          namespace: null,
          metricName: null,
          metrics: [{ id: 'm', namespace: 'AWS/Bedrock', metricName: 'InputTokenCount' }],
        }),
      ]),
    );
    expect(d.get(east)).toEqual({ hasTokenAlarm: true, tokenAlarms: ['tokens-us-east-1'] });
    expect(d.get(west)).toEqual({ hasTokenAlarm: false, tokenAlarms: [] });
    expect(d.get(mathOnly)).toMatchObject({ hasTokenAlarm: true });
  });

  it('gives region settings the encryption of their invocation-log bucket when it is in the inventory', () => {
    const logs = res('aws.s3.bucket', 'arn:aws:s3:::invocation-logs', {
      name: 'invocation-logs',
      encryption: {
        sseAlgorithm: 'aws:kms',
        kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k1',
        bucketKeyEnabled: true,
      },
    });
    const settings = (region: string, s3Bucket: string | null) =>
      res(
        'aws.bedrock.region-settings',
        `${ACCOUNT}/${region}`,
        { invocationLogging: { enabled: true, s3Bucket } },
        { region },
      );
    const east = settings('us-east-1', 'invocation-logs');
    const west = settings('us-west-2', 'other-account-bucket');
    const d = enrichAws(snapshot([logs, east, west]));
    expect(d.get(east)!.invocationLogBucketEncryption).toEqual({
      sseAlgorithm: 'aws:kms',
      kmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k1',
    });
    expect('invocationLogBucketEncryption' in d.get(west)!).toBe(false);
  });

  it('marks KMS keys that protect AI resources or AI data, by ARN, id or alias', () => {
    const key = (id: string, region: string, aliases: string[]) =>
      res(
        'aws.kms.key',
        `arn:aws:kms:${region}:${ACCOUNT}:key/${id}`,
        { keyId: id, arn: `arn:aws:kms:${region}:${ACCOUNT}:key/${id}`, aliases, keyManager: 'CUSTOMER' },
        { region },
      );
    const kbKey = key('k-kb', 'us-east-1', []);
    const aliasKey = key('k-alias', 'us-east-1', ['alias/sm']);
    const bucketKey = key('k-bucket', 'us-east-1', []);
    const sameIdOtherRegion = key('k-id', 'eu-west-1', []);
    const idKey = key('k-id', 'us-east-1', []);
    const unused = key('k-unused', 'us-east-1', []);
    const kb = res(
      'aws.bedrock.knowledge-base',
      'kb1',
      { dataSources: [{ s3BucketArn: 'arn:aws:s3:::docs', kmsKeyArn: kbKey.id }] },
      { region: 'us-east-1' },
    );
    const job = res(
      'aws.sagemaker.training-job',
      'job1',
      { volumeKmsKeyId: 'alias/sm', outputKmsKeyId: 'k-id', inputS3Uris: [] },
      { region: 'us-east-1' },
    );
    const docs = res('aws.s3.bucket', 'arn:aws:s3:::docs', {
      name: 'docs',
      region: 'us-east-1',
      encryption: { sseAlgorithm: 'aws:kms', kmsKeyId: bucketKey.id },
    });
    const d = enrichAws(snapshot([kbKey, aliasKey, bucketKey, sameIdOtherRegion, idKey, unused, kb, job, docs]));
    expect(d.get(kbKey)).toEqual({ usedByAi: true, aiUses: [{ type: 'aws.bedrock.knowledge-base', id: 'kb1' }] });
    expect(d.get(aliasKey)).toMatchObject({ usedByAi: true });
    expect(d.get(bucketKey)).toEqual({ usedByAi: true, aiUses: [{ type: 'aws.s3.bucket', id: docs.id }] });
    expect(d.get(idKey)).toMatchObject({ usedByAi: true });
    expect(d.get(sameIdOtherRegion)).toMatchObject({ usedByAi: false });
    expect(d.get(unused)).toMatchObject({ usedByAi: false });
  });

  it('reads bucket names from ARNs, URIs and names', () => {
    expect(bucketOf('arn:aws:s3:::kb-docs/prefix')).toBe('kb-docs');
    expect(bucketOf('s3://train/data.jsonl')).toBe('train');
    expect(bucketOf('invocation-logs')).toBe('invocation-logs');
    expect(bucketOf('not a bucket')).toBeUndefined();
    expect(bucketOf(null)).toBeUndefined();
  });
});

describe('built-in identity, data and logging checks over an enriched snapshot', () => {
  const MINE = /^(iam|s3|cloudtrail|kms|budgets|cloudwatch|quotas)-|^bedrock-(api-key|full-access|agent-role)/;

  it('evaluate to pass or fail on every resource, reading only facts the enricher derives', async () => {
    const { checks } = await loadChecks();
    const mine = checks.filter((c) => c.cloud === 'aws' && MINE.test(path.basename(c.source.file)));
    expect(mine.length).toBeGreaterThanOrEqual(30);
    const region = 'us-east-1';
    const kmsArn = `arn:aws:kms:${region}:${ACCOUNT}:key/k1`;
    const agentRole = role('agent', {
      isServiceLinkedRole: false,
      isServiceRole: true,
      createDate: '2024-01-01T00:00:00Z',
      roleLastUsed: null,
    });
    const resources: Resource[] = [
      res('aws.iam.account-settings', ACCOUNT, {
        rootAccessKeysPresent: false,
        rootMfaEnabled: true,
        rootVirtualMfa: false,
      }),
      user('alice', {
        createDate: '2024-01-01T00:00:00Z',
        inlinePolicies: [
          { name: 'p', document: doc({ Effect: 'Allow', Action: 'bedrock:InvokeModel*', Resource: '*' }) },
        ],
      }),
      res('aws.iam.access-key', 'AKIAIOSFODNN7EXAMPLE', {
        userName: 'alice',
        status: 'Active',
        createDate: '2025-01-01T00:00:00Z',
        lastUsedDate: '2026-01-01T00:00:00Z',
      }),
      res('aws.iam.bedrock-api-key', 'ACCAEXAMPLE000000001', {
        userName: 'alice',
        status: 'Active',
        expirationDate: null,
      }),
      res('aws.iam.group', `arn:aws:iam::${ACCOUNT}:group/g`, {
        groupName: 'g',
        attachedPolicyArns: [],
        inlinePolicies: [],
      }),
      policy('p', doc({ Effect: 'Allow', Action: 'aws-marketplace:Subscribe', Resource: '*' })),
      agentRole,
      role('app', {
        isServiceLinkedRole: false,
        isServiceRole: false,
        createDate: '2024-01-01T00:00:00Z',
        roleLastUsed: null,
        attachedPolicyArns: ['arn:aws:iam::aws:policy/AmazonBedrockFullAccess'],
      }),
      res('aws.bedrock.agent', 'agent1', { roleArn: agentRole.id }, { region }),
      res('aws.s3.bucket', 'arn:aws:s3:::kb', {
        name: 'kb',
        region,
        publicAccessBlock: null,
        policy: null,
        policyIsPublic: false,
        publicAclGrants: [],
        encryption: { sseAlgorithm: 'AES256', kmsKeyId: null, bucketKeyEnabled: false },
        versioning: null,
        mfaDelete: null,
        objectLockEnabled: false,
        logging: null,
        ownershipControls: null,
      }),
      res(
        'aws.bedrock.knowledge-base',
        'kb1',
        { dataSources: [{ s3BucketArn: 'arn:aws:s3:::kb', kmsKeyArn: kmsArn }] },
        { region },
      ),
      res('aws.bedrock.custom-model', 'm1', { trainingDataS3Uri: null, outputDataS3Uri: null }, { region }),
      res('aws.sagemaker.training-job', 'j1', { inputS3Uris: [], outputS3Uri: null }, { region }),
      res('aws.bedrock.region-settings', `${ACCOUNT}/${region}`, { invocationLogging: { enabled: false } }, { region }),
      res('aws.cloudtrail.trail', `arn:aws:cloudtrail:${region}:${ACCOUNT}:trail/t`, {
        isLogging: true,
        isMultiRegionTrail: true,
        managementEventsReadWrite: 'All',
        recordsBedrockDataEvents: false,
        logFileValidationEnabled: true,
        kmsKeyId: null,
        s3BucketName: 'kb',
        cloudWatchLogsLogGroupArn: null,
      }),
      res(
        'aws.kms.key',
        kmsArn,
        {
          keyId: 'k1',
          arn: kmsArn,
          aliases: [],
          keyManager: 'CUSTOMER',
          keyState: 'Enabled',
          rotationEnabled: false,
          policy: {
            principals: [],
            allowsAnyPrincipal: false,
            allowsAnyPrincipalWithCondition: false,
            crossAccountPrincipals: [],
          },
        },
        { region },
      ),
      res('aws.budgets.budget', `arn:aws:budgets::${ACCOUNT}:budget/b`, {
        budgetType: 'COST',
        costFilters: {},
        filterExpression: null,
        serviceFilter: null,
        notifications: [],
      }),
      res(
        'aws.cloudwatch.alarm',
        `arn:aws:cloudwatch:${region}:${ACCOUNT}:alarm:a`,
        {
          namespace: 'AWS/Bedrock',
          metricName: 'Invocations',
          metrics: [],
          actionsEnabled: true,
          alarmActions: ['sns'],
        },
        { region },
      ),
      res('aws.servicequotas.quota', 'q1', { value: 100, defaultValue: 50 }, { region }),
    ];
    const snap = snapshot(resources);
    const types = new Set(mine.flatMap((c) => [c.resource, ...c.needs]));
    for (const type of types) {
      for (const reg of ['global', region]) {
        snap.collections.push({ cloud: 'aws', account: ACCOUNT, region: reg, type, status: 'ok', count: 0 });
      }
    }
    const results = evaluateChecks(snap, mine, { enrichers: { aws: enrichAws } });
    const problems = results
      .filter((r) => r.status === 'could-not-check')
      .map((r) => `${r.check.id} on ${r.resource?.id}: ${r.reason}`);
    expect(problems).toEqual([]);
    const evaluated = new Set(results.map((r) => r.check.id));
    expect(mine.map((c) => c.id).filter((id) => !evaluated.has(id))).toEqual([]);
  });
});
