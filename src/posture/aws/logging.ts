/**
 * Evidence and brakes: CloudTrail trails (is Bedrock activity recorded, and is the record
 * protected), cost budgets and CloudWatch alarms (would anyone notice a stolen key burning
 * tokens), and Bedrock service quotas (how much a stolen key can burn per minute).
 */
import {
  BudgetsClient,
  type Expression,
  paginateDescribeBudgets,
  paginateDescribeNotificationsForBudget,
} from '@aws-sdk/client-budgets';
import {
  type AdvancedEventSelector,
  type AdvancedFieldSelector,
  CloudTrailClient,
  DescribeTrailsCommand,
  type EventSelector,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  paginateListTrails,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { CloudWatchClient, type Dimension, paginateDescribeAlarms } from '@aws-sdk/client-cloudwatch';
import {
  paginateListAWSDefaultServiceQuotas,
  paginateListServiceQuotas,
  type ServiceQuota,
  ServiceQuotasClient,
} from '@aws-sdk/client-service-quotas';
import { forEachLimited } from '../collect.js';
import type { Resource } from '../snapshot.js';
import type { AwsClientConfig, AwsScope, AwsServiceCollector } from './collect.js';
import { byId, ITEM_CONCURRENCY, type ItemRead, iso, readAttributes, type Tracker, tracker } from './iam.js';

// ---------------------------------------------------------------------------------------------
// CloudTrail
// ---------------------------------------------------------------------------------------------

/**
 * CloudTrail `resources.type` values of Bedrock data events (agents, knowledge bases, flows,
 * guardrails, prompts, async and bidirectional invocation). InvokeModel and Converse themselves are
 * management events: a trail records them when it records read management events.
 */
export const BEDROCK_DATA_RESOURCE_TYPES: readonly string[] = [
  'AWS::Bedrock::AgentAlias',
  'AWS::Bedrock::AsyncInvoke',
  'AWS::Bedrock::AutomatedReasoningPolicy',
  'AWS::Bedrock::FlowAlias',
  'AWS::Bedrock::FlowExecution',
  'AWS::Bedrock::Guardrail',
  'AWS::Bedrock::InlineAgent',
  'AWS::Bedrock::KnowledgeBase',
  'AWS::Bedrock::Model',
  'AWS::Bedrock::Prompt',
  'AWS::Bedrock::PromptVersion',
  'AWS::Bedrock::Session',
  'AWS::Bedrock::Tool',
];

/** A CloudTrail client class bound to one region: trail status and selectors are read in the trail's home region. */
const trailClientClasses = new Map<string, new (config: AwsClientConfig) => CloudTrailClient>();
function cloudTrailIn(region: string): new (config: AwsClientConfig) => CloudTrailClient {
  let ctor = trailClientClasses.get(region);
  if (!ctor) {
    ctor = class extends CloudTrailClient {
      constructor(config: AwsClientConfig) {
        super({ ...config, region });
      }
    };
    trailClientClasses.set(region, ctor);
  }
  return ctor;
}

/** One advanced field selector against one value: every operator present must hold (CloudTrail ANDs them). */
export function fieldSelectorMatches(f: AdvancedFieldSelector, value: string): boolean {
  const checks: boolean[] = [];
  if (f.Equals) checks.push(f.Equals.includes(value));
  if (f.StartsWith) checks.push(f.StartsWith.some((p) => value.startsWith(p)));
  if (f.EndsWith) checks.push(f.EndsWith.some((p) => value.endsWith(p)));
  if (f.NotEquals) checks.push(!f.NotEquals.includes(value));
  if (f.NotStartsWith) checks.push(f.NotStartsWith.every((p) => !value.startsWith(p)));
  if (f.NotEndsWith) checks.push(f.NotEndsWith.every((p) => !value.endsWith(p)));
  return checks.every(Boolean);
}

/**
 * Whether an advanced selector records an event with these field values. Fields the event does
 * not name (eventName, resources.ARN …) only narrow what is recorded and are taken as matching,
 * as CIS does: a selector limited to some Bedrock resources still records Bedrock data events.
 */
export function advancedSelectorMatches(
  fields: readonly AdvancedFieldSelector[],
  event: Readonly<Record<string, string>>,
): boolean {
  return fields.every((f) => {
    const v = f.Field !== undefined ? event[f.Field] : undefined;
    return v === undefined || fieldSelectorMatches(f, v);
  });
}

/** What a trail's selectors record: Bedrock management reads/writes, and which Bedrock data event types. */
export function selectorCoverage(
  classic: readonly EventSelector[] | undefined,
  advanced: readonly AdvancedEventSelector[] | undefined,
): { read: boolean; write: boolean; bedrockDataTypes: string[] } {
  let read = false;
  let write = false;
  const types = new Set<string>();
  for (const s of classic ?? []) {
    if (s.IncludeManagementEvents === false) continue;
    const rw = s.ReadWriteType ?? 'All';
    if (rw === 'All' || rw === 'ReadOnly') read = true;
    if (rw === 'All' || rw === 'WriteOnly') write = true;
  }
  for (const s of advanced ?? []) {
    const fields = s.FieldSelectors ?? [];
    const mgmt = { eventCategory: 'Management', eventSource: 'bedrock.amazonaws.com' };
    if (advancedSelectorMatches(fields, { ...mgmt, readOnly: 'true' })) read = true;
    if (advancedSelectorMatches(fields, { ...mgmt, readOnly: 'false' })) write = true;
    // A data selector must name the resource type: CloudTrail rejects data selectors without one.
    if (!fields.some((f) => f.Field === 'resources.type')) continue;
    for (const type of BEDROCK_DATA_RESOURCE_TYPES) {
      if (advancedSelectorMatches(fields, { eventCategory: 'Data', 'resources.type': type })) types.add(type);
    }
  }
  return { read, write, bedrockDataTypes: [...types].sort() };
}

function normaliseClassic(list: readonly EventSelector[]) {
  return list.map((s) => ({
    readWriteType: s.ReadWriteType ?? 'All',
    includeManagementEvents: s.IncludeManagementEvents ?? true,
    dataResources: (s.DataResources ?? []).map((d) => ({ type: d.Type ?? null, values: d.Values ?? [] })),
    excludeManagementEventSources: s.ExcludeManagementEventSources ?? [],
  }));
}

function normaliseAdvanced(list: readonly AdvancedEventSelector[]) {
  return list.map((s) => ({
    name: s.Name ?? null,
    fieldSelectors: (s.FieldSelectors ?? []).map((f) => ({
      field: f.Field ?? null,
      ...(f.Equals ? { equals: f.Equals } : {}),
      ...(f.StartsWith ? { startsWith: f.StartsWith } : {}),
      ...(f.EndsWith ? { endsWith: f.EndsWith } : {}),
      ...(f.NotEquals ? { notEquals: f.NotEquals } : {}),
      ...(f.NotStartsWith ? { notStartsWith: f.NotStartsWith } : {}),
      ...(f.NotEndsWith ? { notEndsWith: f.NotEndsWith } : {}),
    })),
  }));
}

/** A trail deleted between listing and reading, or an organization trail a member cannot read. */
const TRAIL_GONE = ['TrailNotFoundException', 'CloudTrailARNInvalidException'];

async function readTrail(scope: AwsScope, t: Tracker, trail: Trail, home: string): Promise<Resource> {
  const ct = scope.client(cloudTrailIn(home));
  const arn = trail.TrailARN!;
  const item: ItemRead = {
    attrs: {
      name: trail.Name ?? arn,
      arn,
      homeRegion: home,
      isMultiRegionTrail: trail.IsMultiRegionTrail ?? false,
      isOrganizationTrail: trail.IsOrganizationTrail ?? false,
      includeGlobalServiceEvents: trail.IncludeGlobalServiceEvents ?? false,
      logFileValidationEnabled: trail.LogFileValidationEnabled ?? false,
      kmsKeyId: trail.KmsKeyId ?? null,
      s3BucketName: trail.S3BucketName ?? null,
      s3KeyPrefix: trail.S3KeyPrefix ?? null,
      cloudWatchLogsLogGroupArn: trail.CloudWatchLogsLogGroupArn ?? null,
    },
    unreadable: {},
  };
  await readAttributes(
    t,
    item,
    ['isLogging', 'latestDeliveryError', 'latestDeliveryTime'],
    'cloudtrail:GetTrailStatus',
    () => ct.send(new GetTrailStatusCommand({ Name: arn })),
    [],
    (o) => ({
      isLogging: o?.IsLogging ?? false,
      latestDeliveryError: o?.LatestDeliveryError ?? null,
      latestDeliveryTime: iso(o?.LatestDeliveryTime),
    }),
    TRAIL_GONE,
  );
  await readAttributes(
    t,
    item,
    [
      'eventSelectors',
      'advancedEventSelectors',
      'recordsManagementEvents',
      'managementEventsReadWrite',
      'recordsBedrockDataEvents',
      'bedrockDataResourceTypes',
    ],
    'cloudtrail:GetEventSelectors',
    () => ct.send(new GetEventSelectorsCommand({ TrailName: arn })),
    [],
    (o) => {
      const cov = selectorCoverage(o?.EventSelectors, o?.AdvancedEventSelectors);
      return {
        eventSelectors: o?.EventSelectors ? normaliseClassic(o.EventSelectors) : null,
        advancedEventSelectors: o?.AdvancedEventSelectors ? normaliseAdvanced(o.AdvancedEventSelectors) : null,
        recordsManagementEvents: cov.read || cov.write,
        managementEventsReadWrite:
          cov.read && cov.write ? 'All' : cov.read ? 'ReadOnly' : cov.write ? 'WriteOnly' : null,
        recordsBedrockDataEvents: cov.bedrockDataTypes.length > 0,
        bedrockDataResourceTypes: cov.bedrockDataTypes,
      };
    },
    TRAIL_GONE,
  );
  if (Object.keys(item.unreadable).length > 0) item.attrs.unreadable = item.unreadable;
  return scope.resource('aws.cloudtrail.trail', arn, trail.Name ?? undefined, item.attrs);
}

/**
 * Every trail of the account, once. `ListTrails` names all of them with their home region
 * (`DescribeTrails` in one region without shadow trails would miss trails created in other regions
 * and organization trails); each is then described and read in its home region.
 */
async function trails(scope: AwsScope, t: Tracker): Promise<Resource[]> {
  const listed = await t.pages('cloudtrail:ListTrails', () =>
    paginateListTrails({ client: scope.client(CloudTrailClient) }, {}),
  );
  const byRegion = new Map<string, string[]>();
  for (const tr of listed.flatMap((p) => p.Trails ?? [])) {
    if (!tr.TrailARN || !tr.HomeRegion) continue;
    if (!byRegion.has(tr.HomeRegion)) byRegion.set(tr.HomeRegion, []);
    const arns = byRegion.get(tr.HomeRegion)!;
    if (!arns.includes(tr.TrailARN)) arns.push(tr.TrailARN);
  }
  const described: { trail: Trail; home: string }[] = [];
  await forEachLimited([...byRegion.keys()].sort(), ITEM_CONCURRENCY, async (region) => {
    const out = await t.call('cloudtrail:DescribeTrails', () =>
      scope.client(cloudTrailIn(region)).send(new DescribeTrailsCommand({ trailNameList: byRegion.get(region)! })),
    );
    for (const trail of out.trailList ?? []) {
      if (trail.TrailARN && byRegion.get(region)!.includes(trail.TrailARN)) {
        described.push({ trail, home: trail.HomeRegion ?? region });
      }
    }
  });
  const seen = new Set<string>();
  const unique = described.filter((d) => !seen.has(d.trail.TrailARN!) && seen.add(d.trail.TrailARN!));
  const out: Resource[] = [];
  await forEachLimited(unique, ITEM_CONCURRENCY, async (d) => {
    out.push(await readTrail(scope, t, d.trail, d.home));
  });
  return byId(out);
}

// ---------------------------------------------------------------------------------------------
// Budgets
// ---------------------------------------------------------------------------------------------

/** Budgets' nested filter expression with camelCase keys (the values, service names …, unchanged). */
export function camelKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelKeys);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k.charAt(0).toLowerCase() + k.slice(1)] = camelKeys(x);
    return out;
  }
  return v;
}

/** Services a budget filters on, from its legacy cost filters and its filter expression (not under `Not`). */
export function budgetServices(costFilters: Record<string, string[]> | undefined, expr: Expression | undefined) {
  const out = new Set<string>();
  for (const [k, values] of Object.entries(costFilters ?? {})) {
    if (k.toLowerCase() === 'service') for (const v of values) out.add(v);
  }
  const walk = (e: Expression | undefined) => {
    if (!e) return;
    if (e.Dimensions?.Key === 'SERVICE') for (const v of e.Dimensions.Values ?? []) out.add(v);
    for (const x of e.And ?? []) walk(x);
    for (const x of e.Or ?? []) walk(x);
  };
  walk(expr);
  return out.size > 0 ? [...out].sort() : null;
}

function amount(s: { Amount?: string; Unit?: string } | undefined) {
  if (!s || s.Amount === undefined) return null;
  const n = Number(s.Amount);
  return { amount: Number.isFinite(n) ? n : null, unit: s.Unit ?? null };
}

async function budgets(scope: AwsScope, t: Tracker): Promise<Resource[]> {
  const client = scope.client(BudgetsClient);
  const AccountId = scope.account;
  // NotFoundException: the account has no budgets at all.
  const pages = await t.callOr('budgets:ViewBudget', async () => {
    const all = [];
    for await (const p of paginateDescribeBudgets({ client }, { AccountId })) all.push(p);
    return all;
  }, ['NotFoundException']);
  const list = (pages ?? []).flatMap((p) => p.Budgets ?? []).filter((b) => !!b.BudgetName);
  const out: Resource[] = [];
  await forEachLimited(list, ITEM_CONCURRENCY, async (b) => {
    const BudgetName = b.BudgetName!;
    const notes = await t.callOr('budgets:ViewBudget', async () => {
      const all = [];
      for await (const p of paginateDescribeNotificationsForBudget({ client }, { AccountId, BudgetName })) {
        all.push(...(p.Notifications ?? []));
      }
      return all;
    }, ['NotFoundException']);
    const costFilters = b.CostFilters ?? {};
    out.push(
      scope.resource('aws.budgets.budget', `arn:aws:budgets::${AccountId}:budget/${BudgetName}`, BudgetName, {
        budgetName: BudgetName,
        budgetType: b.BudgetType ?? null,
        limit: amount(b.BudgetLimit),
        timeUnit: b.TimeUnit ?? null,
        costFilters,
        filterExpression: b.FilterExpression ? camelKeys(b.FilterExpression) : null,
        serviceFilter: budgetServices(b.CostFilters, b.FilterExpression),
        actualSpend: amount(b.CalculatedSpend?.ActualSpend),
        notifications: (notes ?? []).map((n) => ({
          notificationType: n.NotificationType ?? null,
          comparisonOperator: n.ComparisonOperator ?? null,
          threshold: n.Threshold ?? null,
          thresholdType: n.ThresholdType ?? 'PERCENTAGE',
          notificationState: n.NotificationState ?? null,
        })),
      }),
    );
  });
  return byId(out);
}

// ---------------------------------------------------------------------------------------------
// CloudWatch
// ---------------------------------------------------------------------------------------------

function dims(list: readonly Dimension[] | undefined) {
  return (list ?? []).map((d) => ({ name: d.Name ?? '', value: d.Value ?? '' }));
}

async function alarms(scope: AwsScope, t: Tracker): Promise<Resource[]> {
  const client = scope.client(CloudWatchClient);
  const pages = await t.pages('cloudwatch:DescribeAlarms', () =>
    paginateDescribeAlarms({ client }, { AlarmTypes: ['MetricAlarm'] }),
  );
  const out: Resource[] = [];
  for (const a of pages.flatMap((p) => p.MetricAlarms ?? [])) {
    if (!a.AlarmArn) continue;
    out.push(
      scope.resource('aws.cloudwatch.alarm', a.AlarmArn, a.AlarmName, {
        alarmName: a.AlarmName ?? null,
        namespace: a.Namespace ?? null,
        metricName: a.MetricName ?? null,
        dimensions: dims(a.Dimensions),
        statistic: a.Statistic ?? a.ExtendedStatistic ?? null,
        period: a.Period ?? null,
        evaluationPeriods: a.EvaluationPeriods ?? null,
        threshold: a.Threshold ?? null,
        comparisonOperator: a.ComparisonOperator ?? null,
        // Metric-math alarms have no top-level metric: their metrics are here.
        metrics: (a.Metrics ?? []).map((m) => ({
          id: m.Id ?? null,
          namespace: m.MetricStat?.Metric?.Namespace ?? null,
          metricName: m.MetricStat?.Metric?.MetricName ?? null,
          dimensions: dims(m.MetricStat?.Metric?.Dimensions),
          expression: m.Expression ?? null,
        })),
        actionsEnabled: a.ActionsEnabled ?? false,
        alarmActions: a.AlarmActions ?? [],
        stateValue: a.StateValue ?? null,
      }),
    );
  }
  return byId(out);
}

// ---------------------------------------------------------------------------------------------
// Service Quotas
// ---------------------------------------------------------------------------------------------

/** On-demand (and cross-region) inference rate quotas: tokens or requests per minute, not batch or provisioned. */
export function isBedrockRateQuota(name: string): boolean {
  return /(tokens|requests) per minute/i.test(name) && !/batch|provisioned|model units/i.test(name);
}

/** Guards against an endless pagination loop (a quota list is a few hundred entries). */
const MAX_QUOTA_PAGES = 100;

async function quotaPages(iterate: () => AsyncIterable<{ Quotas?: ServiceQuota[] }>): Promise<ServiceQuota[]> {
  const out: ServiceQuota[] = [];
  let n = 0;
  for await (const p of iterate()) {
    out.push(...(p.Quotas ?? []));
    if (++n >= MAX_QUOTA_PAGES) break;
  }
  return out;
}

async function quotas(scope: AwsScope, t: Tracker): Promise<Resource[]> {
  const client = scope.client(ServiceQuotasClient);
  const ServiceCode = 'bedrock';
  // NoSuchResourceException: Bedrock is not offered in this region, so it has no quotas here.
  const applied = await t.callOr(
    'servicequotas:ListServiceQuotas',
    () => quotaPages(() => paginateListServiceQuotas({ client }, { ServiceCode })),
    ['NoSuchResourceException'],
  );
  if (!applied || applied.length === 0) return [];
  const defaults = await t.callOr(
    'servicequotas:ListAWSDefaultServiceQuotas',
    () => quotaPages(() => paginateListAWSDefaultServiceQuotas({ client }, { ServiceCode })),
    ['NoSuchResourceException'],
  );
  const defaultOf = new Map((defaults ?? []).map((q) => [q.QuotaCode, q.Value]));
  const out: Resource[] = [];
  for (const q of applied) {
    if (!q.QuotaCode || !q.QuotaName || !isBedrockRateQuota(q.QuotaName)) continue;
    const id = q.QuotaArn ?? `arn:aws:servicequotas:${scope.region}:${scope.account}:bedrock/${q.QuotaCode}`;
    out.push(
      scope.resource('aws.servicequotas.quota', id, q.QuotaName, {
        serviceCode: q.ServiceCode ?? ServiceCode,
        quotaCode: q.QuotaCode,
        quotaName: q.QuotaName,
        value: q.Value ?? null,
        defaultValue: defaultOf.get(q.QuotaCode) ?? null,
        adjustable: q.Adjustable ?? false,
        unit: q.Unit ?? null,
        globalQuota: q.GlobalQuota ?? false,
      }),
    );
  }
  return byId(out);
}

export const LOGGING_COLLECTORS: readonly AwsServiceCollector[] = [
  {
    name: 'cloudtrail',
    regional: false,
    types: ['aws.cloudtrail.trail'],
    actions: [
      'cloudtrail:DescribeTrails',
      'cloudtrail:GetEventSelectors',
      'cloudtrail:GetTrailStatus',
      'cloudtrail:ListTrails',
    ],
    async collect(scope) {
      await scope.collect('aws.cloudtrail.trail', (c) => trails(scope, tracker(c)));
    },
  },
  {
    name: 'budgets',
    regional: false,
    types: ['aws.budgets.budget'],
    // DescribeBudgets and DescribeNotificationsForBudget are both authorised by budgets:ViewBudget.
    actions: ['budgets:ViewBudget'],
    async collect(scope) {
      await scope.collect('aws.budgets.budget', (c) => budgets(scope, tracker(c)));
    },
  },
  {
    name: 'cloudwatch',
    regional: true,
    types: ['aws.cloudwatch.alarm'],
    actions: ['cloudwatch:DescribeAlarms'],
    async collect(scope) {
      await scope.collect('aws.cloudwatch.alarm', (c) => alarms(scope, tracker(c)));
    },
  },
  {
    name: 'servicequotas',
    regional: true,
    types: ['aws.servicequotas.quota'],
    actions: ['servicequotas:ListAWSDefaultServiceQuotas', 'servicequotas:ListServiceQuotas'],
    async collect(scope) {
      await scope.collect('aws.servicequotas.quota', (c) => quotas(scope, tracker(c)));
    },
  },
];
