import {
  BudgetsClient,
  BudgetsServiceException,
  DescribeBudgetsCommand,
  DescribeNotificationsForBudgetCommand,
} from '@aws-sdk/client-budgets';
import {
  CloudTrailClient,
  CloudTrailServiceException,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  ListTrailsCommand,
} from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, CloudWatchServiceException, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  ListAWSDefaultServiceQuotasCommand,
  ListServiceQuotasCommand,
  NoSuchResourceException,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { emptyPart } from '../collect.js';
import { makeScope } from './collect.js';
import { budgetServices, isBedrockRateQuota, LOGGING_COLLECTORS, selectorCoverage } from './logging.js';

const ACCOUNT = '111122223333';
const trail = mockClient(CloudTrailClient);
const budgets = mockClient(BudgetsClient);
const cloudwatch = mockClient(CloudWatchClient);
const quotas = mockClient(ServiceQuotasClient);
const $metadata = { httpStatusCode: 400, requestId: 'req-1', attempts: 1, totalRetryDelay: 0 };
const OPTIONS = { credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' }, maxAttempts: 1 };

const ORG_ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/management`;
const EU_ARN = `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/eu-only`;

async function run(region: string) {
  const part = emptyPart();
  const scope = makeScope(part, ACCOUNT, region, region === 'global' ? 'us-east-1' : region, OPTIONS);
  for (const c of LOGGING_COLLECTORS.filter((c) => c.regional === (region !== 'global'))) await c.collect(scope);
  return part;
}

function mockTrails() {
  trail
    .on(ListTrailsCommand)
    .resolvesOnce({ Trails: [{ TrailARN: ORG_ARN, Name: 'management', HomeRegion: 'us-east-1' }], NextToken: 't2' })
    .resolvesOnce({ Trails: [{ TrailARN: EU_ARN, Name: 'eu-only', HomeRegion: 'eu-west-1' }] });
  trail.on(DescribeTrailsCommand, { trailNameList: [ORG_ARN] }).resolves({
    trailList: [
      {
        Name: 'management',
        S3BucketName: 'org-cloudtrail-logs',
        S3KeyPrefix: 'ct',
        IncludeGlobalServiceEvents: true,
        IsMultiRegionTrail: true,
        HomeRegion: 'us-east-1',
        TrailARN: ORG_ARN,
        LogFileValidationEnabled: true,
        CloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:cloudtrail:*`,
        CloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/CloudTrail_CloudWatchLogs_Role`,
        KmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        HasCustomEventSelectors: true,
        HasInsightSelectors: false,
        IsOrganizationTrail: true,
      },
    ],
  });
  trail.on(DescribeTrailsCommand, { trailNameList: [EU_ARN] }).resolves({
    trailList: [
      {
        Name: 'eu-only',
        S3BucketName: 'eu-trail-logs',
        IncludeGlobalServiceEvents: false,
        IsMultiRegionTrail: false,
        HomeRegion: 'eu-west-1',
        TrailARN: EU_ARN,
        LogFileValidationEnabled: false,
        HasCustomEventSelectors: false,
        IsOrganizationTrail: false,
      },
    ],
  });
  trail.on(GetTrailStatusCommand, { Name: ORG_ARN }).resolves({
    IsLogging: true,
    LatestDeliveryTime: new Date('2026-11-19T23:55:00Z'),
    StartLoggingTime: new Date('2020-01-01T00:00:00Z'),
  });
  trail.on(GetTrailStatusCommand, { Name: EU_ARN }).resolves({
    IsLogging: false,
    LatestDeliveryError: 'AccessDenied',
    StopLoggingTime: new Date('2026-01-01T00:00:00Z'),
  });
  trail.on(GetEventSelectorsCommand, { TrailName: ORG_ARN }).resolves({
    TrailARN: ORG_ARN,
    AdvancedEventSelectors: [
      { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      {
        Name: 'Bedrock agents and knowledge bases',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::Bedrock::AgentAlias', 'AWS::Bedrock::KnowledgeBase'] },
        ],
      },
    ],
  });
  trail.on(GetEventSelectorsCommand, { TrailName: EU_ARN }).resolves({
    TrailARN: EU_ARN,
    EventSelectors: [
      {
        ReadWriteType: 'WriteOnly',
        IncludeManagementEvents: true,
        DataResources: [],
        ExcludeManagementEventSources: [],
      },
    ],
  });
}

function mockBudgets() {
  budgets
    .on(DescribeBudgetsCommand)
    .resolvesOnce({
      Budgets: [
        {
          BudgetName: 'monthly-total',
          BudgetLimit: { Amount: '1000.0', Unit: 'USD' },
          CostFilters: {},
          TimeUnit: 'MONTHLY',
          CalculatedSpend: { ActualSpend: { Amount: '212.37', Unit: 'USD' } },
          BudgetType: 'COST',
        },
      ],
      NextToken: 'b2',
    })
    .resolvesOnce({
      Budgets: [
        {
          BudgetName: 'claude',
          BudgetLimit: { Amount: '300', Unit: 'USD' },
          TimeUnit: 'DAILY',
          BudgetType: 'COST',
          FilterExpression: {
            Dimensions: {
              Key: 'SERVICE',
              Values: ['Claude 3.5 Sonnet (Amazon Bedrock Edition)'],
              MatchOptions: ['EQUALS'],
            },
          },
        },
      ],
    });
  budgets.on(DescribeNotificationsForBudgetCommand, { BudgetName: 'monthly-total' }).resolves({
    Notifications: [
      {
        NotificationType: 'ACTUAL',
        ComparisonOperator: 'GREATER_THAN',
        Threshold: 80,
        ThresholdType: 'PERCENTAGE',
        NotificationState: 'OK',
      },
    ],
  });
  budgets.on(DescribeNotificationsForBudgetCommand, { BudgetName: 'claude' }).resolves({ Notifications: [] });
}

beforeEach(() => {
  trail.reset();
  budgets.reset();
  cloudwatch.reset();
  quotas.reset();
});

describe('CloudTrail collector', () => {
  it('reads every trail once, in its home region, with what its selectors record', async () => {
    mockTrails();
    mockBudgets();
    const part = await run('global');
    expect(trail.commandCalls(ListTrailsCommand)[1]!.args[0].input).toEqual({ NextToken: 't2' });
    const described = await Promise.all(
      trail
        .commandCalls(DescribeTrailsCommand)
        .map(async (c) => [c.args[0].input.trailNameList![0], await (c.thisValue as CloudTrailClient).config.region()]),
    );
    expect(Object.fromEntries(described)).toEqual({ [ORG_ARN]: 'us-east-1', [EU_ARN]: 'eu-west-1' });
    const trails = part.resources.filter((r) => r.type === 'aws.cloudtrail.trail');
    expect(trails.map((t) => [t.id, t.region])).toEqual([
      [EU_ARN, 'global'],
      [ORG_ARN, 'global'],
    ]);
    const org = trails.find((t) => t.id === ORG_ARN)!;
    expect(org.attributes).toEqual({
      name: 'management',
      arn: ORG_ARN,
      homeRegion: 'us-east-1',
      isMultiRegionTrail: true,
      isOrganizationTrail: true,
      includeGlobalServiceEvents: true,
      logFileValidationEnabled: true,
      kmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
      s3BucketName: 'org-cloudtrail-logs',
      s3KeyPrefix: 'ct',
      cloudWatchLogsLogGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:cloudtrail:*`,
      isLogging: true,
      latestDeliveryError: null,
      latestDeliveryTime: '2026-11-19T23:55:00.000Z',
      eventSelectors: null,
      advancedEventSelectors: [
        { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] },
        {
          name: 'Bedrock agents and knowledge bases',
          fieldSelectors: [
            { field: 'eventCategory', equals: ['Data'] },
            { field: 'resources.type', equals: ['AWS::Bedrock::AgentAlias', 'AWS::Bedrock::KnowledgeBase'] },
          ],
        },
      ],
      recordsManagementEvents: true,
      managementEventsReadWrite: 'All',
      recordsBedrockDataEvents: true,
      bedrockDataResourceTypes: ['AWS::Bedrock::AgentAlias', 'AWS::Bedrock::KnowledgeBase'],
    });
    expect(trails.find((t) => t.id === EU_ARN)!.attributes).toMatchObject({
      isMultiRegionTrail: false,
      isLogging: false,
      latestDeliveryError: 'AccessDenied',
      kmsKeyId: null,
      cloudWatchLogsLogGroupArn: null,
      eventSelectors: [
        {
          readWriteType: 'WriteOnly',
          includeManagementEvents: true,
          dataResources: [],
          excludeManagementEventSources: [],
        },
      ],
      advancedEventSelectors: null,
      recordsManagementEvents: true,
      managementEventsReadWrite: 'WriteOnly',
      recordsBedrockDataEvents: false,
      bedrockDataResourceTypes: [],
    });
  });

  it('marks only aws.cloudtrail.trail failed when a trail read is throttled', async () => {
    mockTrails();
    mockBudgets();
    trail.on(GetEventSelectorsCommand, { TrailName: EU_ARN }).rejects(
      new CloudTrailServiceException({
        name: 'ThrottlingException',
        $fault: 'client',
        $metadata,
        message: 'Rate exceeded',
      }),
    );
    const part = await run('global');
    expect(part.collections.map((c) => [c.type, c.status, c.error?.code, c.error?.operation])).toEqual([
      ['aws.cloudtrail.trail', 'error', 'ThrottlingException', 'cloudtrail:GetEventSelectors'],
      ['aws.budgets.budget', 'ok', undefined, undefined],
    ]);
    expect(part.resources.filter((r) => r.type === 'aws.cloudtrail.trail')).toEqual([]);
  });

  it('evaluates advanced selectors the way CloudTrail does', () => {
    // Reads excluded: write management events only; a NotEquals on Bedrock's source excludes it.
    expect(
      selectorCoverage(undefined, [
        {
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Management'] },
            { Field: 'readOnly', Equals: ['false'] },
          ],
        },
      ]),
    ).toEqual({ read: false, write: true, bedrockDataTypes: [] });
    expect(
      selectorCoverage(undefined, [
        {
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Management'] },
            { Field: 'eventSource', NotEquals: ['bedrock.amazonaws.com'] },
          ],
        },
      ]),
    ).toEqual({ read: false, write: false, bedrockDataTypes: [] });
    // A StartsWith on the type covers every Bedrock type; an ARN filter narrows but still records.
    const all = selectorCoverage(undefined, [
      {
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', StartsWith: ['AWS::Bedrock::'] },
          { Field: 'resources.ARN', StartsWith: ['arn:aws:bedrock:us-east-1:'] },
        ],
      },
    ]);
    expect(all.bedrockDataTypes).toContain('AWS::Bedrock::Model');
    expect(all.read).toBe(false);
    // S3 data events only: no Bedrock types. Classic selector default: all management events.
    expect(
      selectorCoverage([{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }], undefined),
    ).toEqual({ read: true, write: true, bedrockDataTypes: [] });
  });
});

describe('Budgets collector', () => {
  it('reads budgets over two pages with their notifications and service filters', async () => {
    mockBudgets();
    const part = await run('global');
    const found = part.resources.filter((r) => r.type === 'aws.budgets.budget');
    expect(found.map((b) => b.id)).toEqual([
      `arn:aws:budgets::${ACCOUNT}:budget/claude`,
      `arn:aws:budgets::${ACCOUNT}:budget/monthly-total`,
    ]);
    // The paginator reuses one input object, so the last page's input shows the token it sent.
    const listCalls = budgets.commandCalls(DescribeBudgetsCommand);
    expect(listCalls).toHaveLength(2);
    expect(listCalls[1]!.args[0].input).toMatchObject({ AccountId: ACCOUNT, NextToken: 'b2' });
    expect(found[1]!.attributes).toEqual({
      budgetName: 'monthly-total',
      budgetType: 'COST',
      limit: { amount: 1000, unit: 'USD' },
      timeUnit: 'MONTHLY',
      costFilters: {},
      filterExpression: null,
      serviceFilter: null,
      actualSpend: { amount: 212.37, unit: 'USD' },
      notifications: [
        {
          notificationType: 'ACTUAL',
          comparisonOperator: 'GREATER_THAN',
          threshold: 80,
          thresholdType: 'PERCENTAGE',
          notificationState: 'OK',
        },
      ],
    });
    expect(found[0]!.attributes).toMatchObject({
      filterExpression: {
        dimensions: {
          key: 'SERVICE',
          values: ['Claude 3.5 Sonnet (Amazon Bedrock Edition)'],
          matchOptions: ['EQUALS'],
        },
      },
      serviceFilter: ['Claude 3.5 Sonnet (Amazon Bedrock Edition)'],
      notifications: [],
    });
  });

  it('takes "no budgets" as an empty list, and a denial as a failure', async () => {
    mockTrails();
    budgets
      .on(DescribeBudgetsCommand)
      .rejects(
        new BudgetsServiceException({ name: 'NotFoundException', $fault: 'client', $metadata, message: 'none' }),
      );
    let part = await run('global');
    expect(part.collections.find((c) => c.type === 'aws.budgets.budget')).toMatchObject({ status: 'ok', count: 0 });
    budgets.reset();
    trail.reset();
    mockTrails();
    budgets
      .on(DescribeBudgetsCommand)
      .rejects(
        new BudgetsServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata, message: 'no' }),
      );
    part = await run('global');
    expect(part.collections.find((c) => c.type === 'aws.budgets.budget')).toMatchObject({
      status: 'error',
      error: { code: 'AccessDeniedException', operation: 'budgets:ViewBudget' },
    });
    expect(part.collections.find((c) => c.type === 'aws.cloudtrail.trail')!.status).toBe('ok');
  });

  it('finds service filters in cost filters and in filter expressions, not under Not', () => {
    expect(budgetServices({ Service: ['Amazon Bedrock'] }, undefined)).toEqual(['Amazon Bedrock']);
    expect(
      budgetServices(undefined, {
        And: [
          { Dimensions: { Key: 'SERVICE', Values: ['Amazon Bedrock'] } },
          { Not: { Dimensions: { Key: 'SERVICE', Values: ['Amazon EC2'] } } },
        ],
      }),
    ).toEqual(['Amazon Bedrock']);
    expect(budgetServices({ Region: ['us-east-1'] }, undefined)).toBeNull();
  });
});

describe('CloudWatch collector', () => {
  it('reads metric alarms over two pages, metric-math alarms included', async () => {
    cloudwatch
      .on(DescribeAlarmsCommand)
      .resolvesOnce({
        MetricAlarms: [
          {
            AlarmName: 'bedrock-output-tokens',
            AlarmArn: `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:bedrock-output-tokens`,
            ActionsEnabled: true,
            AlarmActions: [`arn:aws:sns:us-east-1:${ACCOUNT}:oncall`],
            StateValue: 'OK',
            MetricName: 'OutputTokenCount',
            Namespace: 'AWS/Bedrock',
            Statistic: 'Sum',
            Dimensions: [{ Name: 'ModelId', Value: 'anthropic.claude-3-5-sonnet-20240620-v1:0' }],
            Period: 300,
            EvaluationPeriods: 1,
            Threshold: 500000,
            ComparisonOperator: 'GreaterThanThreshold',
          },
        ],
        NextToken: 'a2',
      })
      .resolvesOnce({
        MetricAlarms: [
          {
            AlarmName: 'bedrock-tokens-total',
            AlarmArn: `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:bedrock-tokens-total`,
            ActionsEnabled: false,
            AlarmActions: [],
            StateValue: 'INSUFFICIENT_DATA',
            EvaluationPeriods: 1,
            Threshold: 1000000,
            ComparisonOperator: 'GreaterThanThreshold',
            Metrics: [
              {
                Id: 'in',
                MetricStat: {
                  Metric: { Namespace: 'AWS/Bedrock', MetricName: 'InputTokenCount', Dimensions: [] },
                  Period: 300,
                  Stat: 'Sum',
                },
                ReturnData: false,
              },
              { Id: 'total', Expression: 'in * 2', ReturnData: true },
            ],
          },
        ],
      });
    const part = await run('us-east-1');
    const alarms = part.resources.filter((r) => r.type === 'aws.cloudwatch.alarm');
    expect(alarms.map((a) => a.name)).toEqual(['bedrock-output-tokens', 'bedrock-tokens-total']);
    expect(cloudwatch.commandCalls(DescribeAlarmsCommand)[1]!.args[0].input).toMatchObject({
      AlarmTypes: ['MetricAlarm'],
      NextToken: 'a2',
    });
    expect(alarms[0]!.attributes).toEqual({
      alarmName: 'bedrock-output-tokens',
      namespace: 'AWS/Bedrock',
      metricName: 'OutputTokenCount',
      dimensions: [{ name: 'ModelId', value: 'anthropic.claude-3-5-sonnet-20240620-v1:0' }],
      statistic: 'Sum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 500000,
      comparisonOperator: 'GreaterThanThreshold',
      metrics: [],
      actionsEnabled: true,
      alarmActions: [`arn:aws:sns:us-east-1:${ACCOUNT}:oncall`],
      stateValue: 'OK',
    });
    expect(alarms[1]!.attributes).toMatchObject({
      namespace: null,
      metricName: null,
      metrics: [
        { id: 'in', namespace: 'AWS/Bedrock', metricName: 'InputTokenCount', dimensions: [], expression: null },
        { id: 'total', namespace: null, metricName: null, dimensions: [], expression: 'in * 2' },
      ],
    });
  });
});

describe('Service Quotas collector', () => {
  it('keeps Bedrock on-demand rate quotas with their defaults, over two pages', async () => {
    quotas
      .on(ListServiceQuotasCommand)
      .resolvesOnce({
        Quotas: [
          {
            ServiceCode: 'bedrock',
            ServiceName: 'Amazon Bedrock',
            QuotaArn: `arn:aws:servicequotas:us-east-1:${ACCOUNT}:bedrock/L-A50569E5`,
            QuotaCode: 'L-A50569E5',
            QuotaName: 'On-demand model inference tokens per minute for Anthropic Claude 3.5 Sonnet',
            Value: 4000000,
            Unit: 'None',
            Adjustable: true,
            GlobalQuota: false,
          },
          {
            ServiceCode: 'bedrock',
            QuotaArn: `arn:aws:servicequotas:us-east-1:${ACCOUNT}:bedrock/L-BATCH001`,
            QuotaCode: 'L-BATCH001',
            QuotaName: 'Batch inference job size (in GB)',
            Value: 1,
            Adjustable: false,
          },
        ],
        NextToken: 'q2',
      })
      .resolvesOnce({
        Quotas: [
          {
            ServiceCode: 'bedrock',
            QuotaArn: `arn:aws:servicequotas:us-east-1:${ACCOUNT}:bedrock/L-254CACF4`,
            QuotaCode: 'L-254CACF4',
            QuotaName: 'On-demand InvokeModel requests per minute for Anthropic Claude 3.5 Sonnet',
            Value: 50,
            Unit: 'None',
            Adjustable: true,
            GlobalQuota: false,
          },
        ],
      });
    quotas.on(ListAWSDefaultServiceQuotasCommand).resolves({
      Quotas: [
        { ServiceCode: 'bedrock', QuotaCode: 'L-A50569E5', QuotaName: 'x', Value: 400000 },
        { ServiceCode: 'bedrock', QuotaCode: 'L-254CACF4', QuotaName: 'y', Value: 50 },
      ],
    });
    const part = await run('us-east-1');
    const found = part.resources.filter((r) => r.type === 'aws.servicequotas.quota');
    expect(quotas.commandCalls(ListServiceQuotasCommand)[1]!.args[0].input).toEqual({
      ServiceCode: 'bedrock',
      NextToken: 'q2',
    });
    expect(found.map((q) => q.attributes.quotaCode)).toEqual(['L-254CACF4', 'L-A50569E5']);
    expect(found[1]).toMatchObject({
      region: 'us-east-1',
      id: `arn:aws:servicequotas:us-east-1:${ACCOUNT}:bedrock/L-A50569E5`,
      attributes: {
        serviceCode: 'bedrock',
        quotaCode: 'L-A50569E5',
        quotaName: 'On-demand model inference tokens per minute for Anthropic Claude 3.5 Sonnet',
        value: 4000000,
        defaultValue: 400000,
        adjustable: true,
        unit: 'None',
        globalQuota: false,
      },
    });
  });

  it('takes a region without Bedrock as no quotas, and a denial as a failure of that type only', async () => {
    quotas.on(ListServiceQuotasCommand).rejects(
      new NoSuchResourceException({
        $metadata,
        message: 'The request failed because the specified service does not exist.',
      }),
    );
    cloudwatch
      .on(DescribeAlarmsCommand)
      .rejects(
        new CloudWatchServiceException({ name: 'AccessDenied', $fault: 'client', $metadata, message: 'denied' }),
      );
    const part = await run('ap-east-1');
    expect(part.collections.map((c) => [c.type, c.region, c.status, c.error?.operation])).toEqual([
      ['aws.cloudwatch.alarm', 'ap-east-1', 'error', 'cloudwatch:DescribeAlarms'],
      ['aws.servicequotas.quota', 'ap-east-1', 'ok', undefined],
    ]);
  });

  it('recognises rate quotas by name', () => {
    expect(isBedrockRateQuota('Cross-region model inference tokens per minute for Amazon Nova Pro')).toBe(true);
    expect(isBedrockRateQuota('Batch inference input tokens per minute')).toBe(false);
    expect(isBedrockRateQuota('Model units per provisioned model for Claude')).toBe(false);
  });
});
