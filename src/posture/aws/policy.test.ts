/**
 * The least-privilege policy in docs/posture/aws-collector-policy.json must be exactly what the AWS
 * collectors call: (a) its actions equal `awsCollectorActions()` (run with
 * JACKSTOP_UPDATE_POLICY=1 to rewrite it), and (b) a whole collection against mocked SDK clients
 * sends no command whose IAM action the policy lacks.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { BedrockAgentClient } from '@aws-sdk/client-bedrock-agent';
import { BudgetsClient, DescribeBudgetsCommand } from '@aws-sdk/client-budgets';
import { CloudTrailClient, DescribeTrailsCommand, ListTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import {
  GetAccessKeyLastUsedCommand,
  GetAccountAuthorizationDetailsCommand,
  GetAccountSummaryCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListServiceSpecificCredentialsCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { DescribeKeyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { ListServiceQuotasCommand, ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCollectorActions, collectAws } from './collect.js';
import { DATA_COLLECTORS } from './data.js';
import { IAM_COLLECTORS } from './iam.js';
import { LOGGING_COLLECTORS } from './logging.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const POLICY_FILE = path.resolve(HERE, '../../../docs/posture/aws-collector-policy.json');
const ACCOUNT = '111122223333';

/** Each SDK client the collectors use, with the IAM service prefix of its actions. */
// biome-ignore lint/suspicious/noExplicitAny: client classes of different services share no useful type
const CLIENTS: [string, new (...args: any[]) => any, string][] = [
  ['@aws-sdk/client-bedrock', BedrockClient, 'bedrock'],
  ['@aws-sdk/client-bedrock-agent', BedrockAgentClient, 'bedrock'],
  ['@aws-sdk/client-budgets', BudgetsClient, 'budgets'],
  ['@aws-sdk/client-cloudtrail', CloudTrailClient, 'cloudtrail'],
  ['@aws-sdk/client-cloudwatch', CloudWatchClient, 'cloudwatch'],
  ['@aws-sdk/client-ec2', EC2Client, 'ec2'],
  ['@aws-sdk/client-iam', IAMClient, 'iam'],
  ['@aws-sdk/client-kms', KMSClient, 'kms'],
  ['@aws-sdk/client-s3', S3Client, 's3'],
  ['@aws-sdk/client-sagemaker', SageMakerClient, 'sagemaker'],
  ['@aws-sdk/client-service-quotas', ServiceQuotasClient, 'servicequotas'],
  ['@aws-sdk/client-sts', STSClient, 'sts'],
];

/** API operations whose IAM action has another name (S3 and Budgets authorise by a different verb). */
const ACTION_OF_OPERATION: Record<string, string> = {
  's3:ListBuckets': 's3:ListAllMyBuckets',
  's3:GetBucketEncryption': 's3:GetEncryptionConfiguration',
  's3:GetPublicAccessBlock': 's3:GetBucketPublicAccessBlock',
  's3:GetObjectLockConfiguration': 's3:GetBucketObjectLockConfiguration',
  'budgets:DescribeBudgets': 'budgets:ViewBudget',
  'budgets:DescribeNotificationsForBudget': 'budgets:ViewBudget',
};

function policyDocument(actions: readonly string[]) {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'JackstopPostureCollectorReadOnly', Effect: 'Allow', Action: [...actions], Resource: '*' }],
  };
}

function readPolicyActions(): string[] {
  const doc = JSON.parse(readFileSync(POLICY_FILE, 'utf8')) as { Statement: { Action: string[] }[] };
  return doc.Statement.flatMap((s) => s.Action).sort();
}

describe('AWS collector least-privilege policy', () => {
  it('lists exactly the actions the collectors declare (JACKSTOP_UPDATE_POLICY=1 rewrites it)', () => {
    const expected = `${JSON.stringify(policyDocument(awsCollectorActions()), null, 2)}\n`;
    if (process.env.JACKSTOP_UPDATE_POLICY === '1') writeFileSync(POLICY_FILE, expected);
    const actual = readFileSync(POLICY_FILE, 'utf8');
    expect(actual, `docs/posture/aws-collector-policy.json is out of date; it should be:\n${expected}`).toBe(expected);
  });

  it('grants only read actions', () => {
    const writes = readPolicyActions().filter((a) => !/^[a-z0-9-]+:(Get|List|Describe|View)[A-Za-z]*$/.test(a));
    expect(writes).toEqual([]);
  });

  it('mocks every SDK client package the collectors import', () => {
    const used = new Set<string>();
    for (const f of readdirSync(HERE)) {
      if (!f.endsWith('.ts') || f.endsWith('.test.ts')) continue;
      for (const m of readFileSync(path.join(HERE, f), 'utf8').matchAll(/from '(@aws-sdk\/client-[a-z0-9-]+)'/g)) {
        used.add(m[1]!);
      }
    }
    const mapped = new Set(CLIENTS.map(([pkg]) => pkg));
    expect([...used].filter((p) => !mapped.has(p))).toEqual([]);
  });

  describe('a collection against mocked clients', () => {
    // biome-ignore lint/suspicious/noExplicitAny: see CLIENTS
    const mocks: [AwsClientStub<any>, string][] = [];
    let observed = new Set<string>();

    beforeAll(async () => {
      for (const [, ctor, prefix] of CLIENTS) {
        const m = mockClient(ctor);
        m.onAnyCommand().resolves({});
        mocks.push([m, prefix]);
      }
      const mock = (ctor: unknown) => mocks[CLIENTS.findIndex(([, c]) => c === ctor)]![0];
      mock(STSClient)
        .on(GetCallerIdentityCommand)
        .resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/audit` });
      // One item of each listing, so the per-item calls are made too.
      mock(IAMClient)
        .on(GetAccountAuthorizationDetailsCommand)
        .resolves({
          UserDetailList: [{ UserName: 'alice', Arn: `arn:aws:iam::${ACCOUNT}:user/alice`, GroupList: [] }],
          RoleDetailList: [],
          GroupDetailList: [],
          Policies: [],
        })
        .on(ListUsersCommand)
        .resolves({
          Users: [
            {
              UserName: 'alice',
              Arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
              Path: '/',
              UserId: 'AIDAEXAMPLE',
              CreateDate: new Date(),
            },
          ],
        })
        .on(ListAccessKeysCommand)
        .resolves({ AccessKeyMetadata: [{ UserName: 'alice', AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Status: 'Active' }] })
        .on(GetAccessKeyLastUsedCommand)
        .resolves({ AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } })
        .on(ListServiceSpecificCredentialsCommand)
        .resolves({ ServiceSpecificCredentials: [] })
        .on(GetAccountSummaryCommand)
        .resolves({ SummaryMap: { AccountAccessKeysPresent: 0, AccountMFAEnabled: 1 } });
      mock(S3Client)
        .on(ListBucketsCommand)
        .resolves({ Buckets: [{ Name: 'training-data' }] });
      mock(KMSClient)
        .on(ListKeysCommand)
        .resolves({ Keys: [{ KeyId: 'k1', KeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k1` }] })
        .on(DescribeKeyCommand)
        .resolves({
          KeyMetadata: {
            KeyId: 'k1',
            KeyManager: 'CUSTOMER',
            KeySpec: 'SYMMETRIC_DEFAULT',
            Origin: 'AWS_KMS',
            KeyState: 'Enabled',
          },
        });
      const trailArn = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/audit`;
      mock(CloudTrailClient)
        .on(ListTrailsCommand)
        .resolves({ Trails: [{ TrailARN: trailArn, Name: 'audit', HomeRegion: 'us-east-1' }] })
        .on(DescribeTrailsCommand)
        .resolves({ trailList: [{ TrailARN: trailArn, Name: 'audit', HomeRegion: 'us-east-1' }] });
      mock(BudgetsClient)
        .on(DescribeBudgetsCommand)
        .resolves({ Budgets: [{ BudgetName: 'b', BudgetType: 'COST', TimeUnit: 'MONTHLY' }] });
      mock(ServiceQuotasClient)
        .on(ListServiceQuotasCommand)
        .resolves({
          Quotas: [{ QuotaCode: 'L-1', QuotaName: 'On-demand model inference tokens per minute for X', Value: 1 }],
        });

      await collectAws({
        regions: ['us-east-1', 'eu-west-1'],
        credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' },
        maxAttempts: 1,
      });
      observed = new Set(
        mocks.flatMap(([m, prefix]) =>
          m.calls().map((call) => {
            const op = `${prefix}:${(call.args[0] as object).constructor.name.replace(/Command$/, '')}`;
            return ACTION_OF_OPERATION[op] ?? op;
          }),
        ),
      );
    });

    afterAll(() => {
      for (const [m] of mocks) m.restore();
    });

    it('sends only commands the policy allows', () => {
      expect(observed.size).toBeGreaterThan(0);
      const allowed = new Set(readPolicyActions());
      expect([...observed].filter((a) => !allowed.has(a)).sort()).toEqual([]);
    });

    it('reaches every collector file', () => {
      for (const prefix of ['iam:', 's3:', 'kms:', 'cloudtrail:', 'budgets:', 'cloudwatch:', 'servicequotas:']) {
        expect(
          [...observed].some((a) => a.startsWith(prefix)),
          prefix,
        ).toBe(true);
      }
    });

    it('calls every action the IAM, data and logging collectors declare (no unused grant)', () => {
      const declared = [...IAM_COLLECTORS, ...DATA_COLLECTORS, ...LOGGING_COLLECTORS].flatMap((c) => c.actions);
      expect(declared.filter((a) => !observed.has(a)).sort()).toEqual([]);
    });
  });
});
