/**
 * Amazon Bedrock, per region: the region's settings (model invocation logging, guardrail, prompt and
 * agent counts, PrivateLink endpoints), guardrails, custom models, provisioned throughput, agents,
 * knowledge bases and managed prompts. Read-only, paginated; details are read a few at a time.
 * The helpers at the top are shared with `sagemaker.ts`.
 */
import {
  BedrockClient,
  GetCustomModelCommand,
  GetGuardrailCommand,
  type GetGuardrailResponse,
  GetModelCustomizationJobCommand,
  GetModelInvocationLoggingConfigurationCommand,
  type LoggingConfig,
  paginateListCustomModels,
  paginateListGuardrails,
  paginateListProvisionedModelThroughputs,
} from '@aws-sdk/client-bedrock';
import {
  type Agent,
  BedrockAgentClient,
  type DataSource,
  GetAgentCommand,
  GetAgentVersionCommand,
  GetDataSourceCommand,
  GetKnowledgeBaseCommand,
  GetPromptCommand,
  type GuardrailConfiguration,
  type KnowledgeBase,
  paginateListAgentAliases,
  paginateListAgents,
  paginateListDataSources,
  paginateListKnowledgeBases,
  paginateListPrompts,
} from '@aws-sdk/client-bedrock-agent';
import { EC2Client, paginateDescribeVpcEndpoints } from '@aws-sdk/client-ec2';
import { forEachLimited } from '../collect.js';
import type { Resource } from '../snapshot.js';
import type { AwsScope, AwsServiceCollector } from './collect.js';

// ---------------------------------------------------------------------------------------------
// Shared helpers (Bedrock and SageMaker collectors)
// ---------------------------------------------------------------------------------------------

/** Detail calls in flight at once per resource type (regions already run in parallel). */
export const DETAIL_CONCURRENCY = 5;

/**
 * Names each API call in `current` (the failed collection's `operation`) and keeps the name of the
 * first call that failed: details run concurrently, and a call started later must not rename the
 * failure. After a failure no new detail work starts (`each`).
 */
export class Calls {
  #failed = false;
  constructor(private readonly current: { operation?: string }) {}

  get failed(): boolean {
    return this.#failed;
  }

  async run<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    if (!this.#failed) this.current.operation = operation;
    try {
      return await fn();
    } catch (e) {
      if (!this.#failed) {
        this.#failed = true;
        this.current.operation = operation;
      }
      throw e;
    }
  }

  /** Runs `fn` over `items`, a few at a time; items not started when a call fails are skipped. */
  async each<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
    await forEachLimited(items, DETAIL_CONCURRENCY, async (item) => {
      if (!this.#failed) await fn(item);
    });
  }
}

/** The service has no endpoint in this region (its host name does not resolve): it is not offered there. */
export function endpointMissing(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  return (
    err?.code === 'ENOTFOUND' || (typeof err?.message === 'string' && err.message.includes('getaddrinfo ENOTFOUND'))
  );
}

/**
 * Every item of every page. A service not offered in the region lists nothing: that is an empty list,
 * not a failure, or every region without (say) Bedrock Agents would be "could not check" forever.
 */
export async function listAll<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  try {
    for await (const page of pages) out.push(...(items(page) ?? []));
  } catch (e) {
    if (endpointMissing(e)) return [];
    throw e;
  }
  return out;
}

/** A resource deleted between the list and the describe call (skipped, not a failure). */
export function notFound(e: unknown): boolean {
  const err = e as { name?: unknown; message?: unknown } | null;
  if (err?.name === 'ResourceNotFoundException' || err?.name === 'ResourceNotFound') return true;
  return (
    err?.name === 'ValidationException' &&
    typeof err.message === 'string' &&
    /not ?found|does not exist|could not find|cannot find/i.test(err.message)
  );
}

/** `fn` run once per scope: lists several types need (region settings count them) are read once. */
export function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    p ??= fn();
    return p;
  };
}

/** ISO 8601 UTC, or null when the API gave no time. */
export function iso(d: Date | string | undefined): string | null {
  if (d === undefined || d === null) return null;
  return d instanceof Date ? d.toISOString() : new Date(d).toISOString();
}

/** The ARN partition of a region (`aws`, `aws-cn`, `aws-us-gov`). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

// ---------------------------------------------------------------------------------------------
// Bedrock
// ---------------------------------------------------------------------------------------------

export const BEDROCK_TYPES = {
  regionSettings: 'aws.bedrock.region-settings',
  guardrail: 'aws.bedrock.guardrail',
  customModel: 'aws.bedrock.custom-model',
  provisionedThroughput: 'aws.bedrock.provisioned-throughput',
  agent: 'aws.bedrock.agent',
  knowledgeBase: 'aws.bedrock.knowledge-base',
  prompt: 'aws.bedrock.prompt',
} as const;

/** Interface endpoint services that keep Bedrock traffic on PrivateLink (`-fips` variants count too). */
const BEDROCK_ENDPOINT_SERVICES = [
  'bedrock',
  'bedrock-runtime',
  'bedrock-agent',
  'bedrock-agent-runtime',
  'bedrock-mantle',
];

function endpointServiceNames(region: string): string[] {
  const prefix = partitionOf(region) === 'aws-cn' ? 'cn.com.amazonaws' : 'com.amazonaws';
  return BEDROCK_ENDPOINT_SERVICES.flatMap((s) => [`${prefix}.${region}.${s}`, `${prefix}.${region}.${s}-fips`]);
}

/** `{enabled: false}`, or where the logs go and what they carry (null: the API returned no value). */
function invocationLogging(c: LoggingConfig | undefined): Record<string, unknown> {
  const s3Bucket = c?.s3Config?.bucketName ?? null;
  const logGroup = c?.cloudWatchConfig?.logGroupName ?? null;
  if (!s3Bucket && !logGroup) return { enabled: false };
  return {
    enabled: true,
    s3Bucket,
    s3KeyPrefix: c?.s3Config?.keyPrefix ?? null,
    cloudWatchLogGroup: logGroup,
    cloudWatchRoleArn: c?.cloudWatchConfig?.roleArn ?? null,
    largeDataS3Bucket: c?.cloudWatchConfig?.largeDataDeliveryS3Config?.bucketName ?? null,
    textDataDelivery: c?.textDataDeliveryEnabled ?? null,
    imageDataDelivery: c?.imageDataDeliveryEnabled ?? null,
    embeddingDataDelivery: c?.embeddingDataDeliveryEnabled ?? null,
  };
}

/** Absent action/enabled fields mean the AWS defaults (evaluated, BLOCK), written out so checks need no `has`. */
function guardrailAttributes(g: GetGuardrailResponse): Record<string, unknown> {
  const sip = g.sensitiveInformationPolicy;
  return {
    guardrailId: g.guardrailId ?? null,
    version: g.version ?? null,
    status: g.status ?? null,
    kmsKeyArn: g.kmsKeyArn ?? null,
    contentFilters: (g.contentPolicy?.filters ?? []).map((f) => ({
      type: f.type ?? null,
      inputStrength: f.inputStrength ?? null,
      outputStrength: f.outputStrength ?? null,
      inputAction: f.inputAction ?? 'BLOCK',
      outputAction: f.outputAction ?? 'BLOCK',
      inputEnabled: f.inputEnabled ?? true,
      outputEnabled: f.outputEnabled ?? true,
    })),
    contentTier: g.contentPolicy?.tier?.tierName ?? null,
    topics: (g.topicPolicy?.topics ?? []).map((t) => ({
      name: t.name ?? null,
      type: t.type ?? null,
      inputAction: t.inputAction ?? 'BLOCK',
      outputAction: t.outputAction ?? 'BLOCK',
      inputEnabled: t.inputEnabled ?? true,
      outputEnabled: t.outputEnabled ?? true,
    })),
    topicTier: g.topicPolicy?.tier?.tierName ?? null,
    customWordCount: g.wordPolicy?.words?.length ?? 0,
    managedWordLists: (g.wordPolicy?.managedWordLists ?? []).map((w) => w.type ?? null),
    piiEntities: (sip?.piiEntities ?? []).map((p) => ({
      type: p.type ?? null,
      action: p.action ?? null,
      inputAction: p.inputAction ?? p.action ?? null,
      outputAction: p.outputAction ?? p.action ?? null,
      inputEnabled: p.inputEnabled ?? true,
      outputEnabled: p.outputEnabled ?? true,
    })),
    // Names and actions only: a regex pattern can itself describe sensitive formats.
    regexes: (sip?.regexes ?? []).map((r) => ({
      name: r.name ?? null,
      action: r.action ?? null,
      inputAction: r.inputAction ?? r.action ?? null,
      outputAction: r.outputAction ?? r.action ?? null,
      inputEnabled: r.inputEnabled ?? true,
      outputEnabled: r.outputEnabled ?? true,
    })),
    contextualGroundingFilters: (g.contextualGroundingPolicy?.filters ?? []).map((f) => ({
      type: f.type ?? null,
      threshold: f.threshold ?? null,
      action: f.action ?? 'BLOCK',
      enabled: f.enabled ?? true,
    })),
    automatedReasoningPolicyCount: g.automatedReasoningPolicy?.policies?.length ?? 0,
    crossRegionProfileArn: g.crossRegionDetails?.guardrailProfileArn ?? null,
    createdAt: iso(g.createdAt),
    updatedAt: iso(g.updatedAt),
  };
}

function guardrailRef(c: GuardrailConfiguration | undefined): { id: string; version: string | null } | null {
  return c?.guardrailIdentifier ? { id: c.guardrailIdentifier, version: c.guardrailVersion ?? null } : null;
}

async function collectBedrock(scope: AwsScope): Promise<void> {
  const bedrock = scope.client(BedrockClient);
  const agents = scope.client(BedrockAgentClient);
  const ec2 = scope.client(EC2Client);
  const { region, account } = scope;
  const partition = partitionOf(region);

  // Listed once: region settings count them, their own types describe them.
  const guardrailList = once(() => listAll(paginateListGuardrails({ client: bedrock }, {}), (p) => p.guardrails));
  const agentList = once(() => listAll(paginateListAgents({ client: agents }, {}), (p) => p.agentSummaries));
  const promptList = once(() => listAll(paginateListPrompts({ client: agents }, {}), (p) => p.promptSummaries));

  await scope.collect(BEDROCK_TYPES.regionSettings, async (current) => {
    const calls = new Calls(current);
    let logging: LoggingConfig | undefined;
    try {
      const out = await calls.run('bedrock:GetModelInvocationLoggingConfiguration', () =>
        bedrock.send(new GetModelInvocationLoggingConfigurationCommand({})),
      );
      logging = out.loggingConfig;
    } catch (e) {
      if (endpointMissing(e)) return []; // Bedrock is not offered in this region.
      throw e;
    }
    const guardrails = await calls.run('bedrock:ListGuardrails', guardrailList);
    const prompts = await calls.run('bedrock:ListPrompts', promptList);
    const agentSummaries = await calls.run('bedrock:ListAgents', agentList);
    const endpoints = await calls.run('ec2:DescribeVpcEndpoints', () =>
      listAll(
        paginateDescribeVpcEndpoints(
          { client: ec2 },
          { Filters: [{ Name: 'service-name', Values: endpointServiceNames(region) }] },
        ),
        (p) => p.VpcEndpoints,
      ),
    );
    const vpcEndpoints = [
      ...new Set(
        endpoints
          // The API answers `available` although the SDK's enum spells it `Available`.
          .filter((e) => e.VpcEndpointType === 'Interface' && e.State?.toLowerCase() === 'available' && e.ServiceName)
          .map((e) => e.ServiceName!),
      ),
    ].sort();
    return [
      scope.resource(BEDROCK_TYPES.regionSettings, `arn:${partition}:bedrock:${region}:${account}:settings`, region, {
        invocationLogging: invocationLogging(logging),
        guardrailCount: new Set(guardrails.map((g) => g.id)).size,
        promptCount: prompts.length,
        agentCount: agentSummaries.length,
        vpcEndpoints,
      }),
    ];
  });

  await scope.collect(BEDROCK_TYPES.guardrail, async (current) => {
    const calls = new Calls(current);
    const list = await calls.run('bedrock:ListGuardrails', guardrailList);
    const out: Resource[] = [];
    // Without a version, GetGuardrail returns the working draft, the configuration the next version gets.
    await calls.each(list, async (summary) => {
      try {
        const g = await calls.run('bedrock:GetGuardrail', () =>
          bedrock.send(new GetGuardrailCommand({ guardrailIdentifier: summary.id })),
        );
        out.push(
          scope.resource(BEDROCK_TYPES.guardrail, g.guardrailArn ?? summary.arn!, g.name, guardrailAttributes(g)),
        );
      } catch (e) {
        if (!notFound(e)) throw e;
      }
    });
    return out;
  });

  await scope.collect(BEDROCK_TYPES.customModel, async (current) => {
    const calls = new Calls(current);
    const list = await calls.run('bedrock:ListCustomModels', () =>
      listAll(paginateListCustomModels({ client: bedrock }, {}), (p) => p.modelSummaries),
    );
    const out: Resource[] = [];
    await calls.each(list, async (summary) => {
      try {
        const m = await calls.run('bedrock:GetCustomModel', () =>
          bedrock.send(new GetCustomModelCommand({ modelIdentifier: summary.modelArn })),
        );
        const attributes: Record<string, unknown> = {
          modelStatus: m.modelStatus ?? summary.modelStatus ?? null,
          customizationType: m.customizationType ?? summary.customizationType ?? null,
          baseModelArn: m.baseModelArn ?? summary.baseModelArn ?? null,
          kmsKeyArn: m.modelKmsKeyArn ?? null,
          jobArn: m.jobArn ?? null,
          trainingDataS3Uri: m.trainingDataConfig?.s3Uri ?? null,
          validationDataS3Uris: (m.validationDataConfig?.validators ?? []).map((v) => v.s3Uri).filter(Boolean),
          outputDataS3Uri: m.outputDataConfig?.s3Uri ?? null,
          creationTime: iso(m.creationTime ?? summary.creationTime),
        };
        if (m.jobArn) {
          // The job holds the network settings the training ran with. Left out when the job record is gone.
          try {
            const job = await calls.run('bedrock:GetModelCustomizationJob', () =>
              bedrock.send(new GetModelCustomizationJobCommand({ jobIdentifier: m.jobArn })),
            );
            attributes.jobRoleArn = job.roleArn ?? null;
            attributes.jobVpcConfig = job.vpcConfig
              ? { subnetIds: job.vpcConfig.subnetIds ?? [], securityGroupIds: job.vpcConfig.securityGroupIds ?? [] }
              : null;
          } catch (e) {
            if (!notFound(e)) throw e;
          }
        }
        out.push(scope.resource(BEDROCK_TYPES.customModel, m.modelArn ?? summary.modelArn!, m.modelName, attributes));
      } catch (e) {
        if (!notFound(e)) throw e;
      }
    });
    return out;
  });

  await scope.collect(BEDROCK_TYPES.provisionedThroughput, async (current) => {
    const calls = new Calls(current);
    const list = await calls.run('bedrock:ListProvisionedModelThroughputs', () =>
      listAll(paginateListProvisionedModelThroughputs({ client: bedrock }, {}), (p) => p.provisionedModelSummaries),
    );
    return list.map((p) =>
      scope.resource(BEDROCK_TYPES.provisionedThroughput, p.provisionedModelArn!, p.provisionedModelName, {
        status: p.status ?? null,
        modelArn: p.modelArn ?? null,
        foundationModelArn: p.foundationModelArn ?? null,
        modelUnits: p.modelUnits ?? null,
        desiredModelUnits: p.desiredModelUnits ?? null,
        commitmentDuration: p.commitmentDuration ?? null,
        commitmentExpirationTime: iso(p.commitmentExpirationTime),
        creationTime: iso(p.creationTime),
        lastModifiedTime: iso(p.lastModifiedTime),
      }),
    );
  });

  await scope.collect(BEDROCK_TYPES.agent, async (current) => {
    const calls = new Calls(current);
    const list = await calls.run('bedrock:ListAgents', agentList);
    const out: Resource[] = [];
    await calls.each(list, async (summary) => {
      const agentId = summary.agentId!;
      let a: Agent | undefined;
      try {
        const res = await calls.run('bedrock:GetAgent', () => agents.send(new GetAgentCommand({ agentId })));
        a = res.agent;
      } catch (e) {
        if (notFound(e)) return;
        throw e;
      }
      if (!a) return;
      const aliases = await calls.run('bedrock:ListAgentAliases', () =>
        listAll(paginateListAgentAliases({ client: agents }, { agentId }), (p) => p.agentAliasSummaries),
      );
      // Aliases serve numbered versions, each with the guardrail it was created with, not the draft's.
      const versionGuardrails = new Map<string, ReturnType<typeof guardrailRef>>([
        ['DRAFT', guardrailRef(a.guardrailConfiguration)],
      ]);
      const aliasRows: Record<string, unknown>[] = [];
      for (const alias of aliases) {
        for (const route of alias.routingConfiguration ?? []) {
          const version = route.agentVersion;
          if (!version) continue;
          if (!versionGuardrails.has(version)) {
            const v = await calls.run('bedrock:GetAgentVersion', () =>
              agents.send(new GetAgentVersionCommand({ agentId, agentVersion: version })),
            );
            versionGuardrails.set(version, guardrailRef(v.agentVersion?.guardrailConfiguration));
          }
          aliasRows.push({
            id: alias.agentAliasId ?? null,
            name: alias.agentAliasName ?? null,
            status: alias.agentAliasStatus ?? null,
            agentVersion: version,
            guardrail: versionGuardrails.get(version) ?? null,
          });
        }
      }
      out.push(
        scope.resource(
          BEDROCK_TYPES.agent,
          a.agentArn ?? `arn:${partition}:bedrock:${region}:${account}:agent/${agentId}`,
          a.agentName,
          {
            agentId,
            agentStatus: a.agentStatus ?? null,
            foundationModel: a.foundationModel ?? null,
            orchestrationType: a.orchestrationType ?? null,
            roleArn: a.agentResourceRoleArn ?? null,
            guardrail: guardrailRef(a.guardrailConfiguration),
            customerEncryptionKeyArn: a.customerEncryptionKeyArn ?? null,
            idleSessionTTLInSeconds: a.idleSessionTTLInSeconds ?? null,
            memoryTypes: a.memoryConfiguration?.enabledMemoryTypes ?? [],
            memoryStorageDays: a.memoryConfiguration?.storageDays ?? null,
            agentCollaboration: a.agentCollaboration ?? null,
            aliases: aliasRows,
            createdAt: iso(a.createdAt),
            updatedAt: iso(a.updatedAt),
            preparedAt: iso(a.preparedAt),
          },
        ),
      );
    });
    return out;
  });

  await scope.collect(BEDROCK_TYPES.knowledgeBase, async (current) => {
    const calls = new Calls(current);
    const list = await calls.run('bedrock:ListKnowledgeBases', () =>
      listAll(paginateListKnowledgeBases({ client: agents }, {}), (p) => p.knowledgeBaseSummaries),
    );
    const out: Resource[] = [];
    await calls.each(list, async (summary) => {
      const knowledgeBaseId = summary.knowledgeBaseId!;
      let kb: KnowledgeBase | undefined;
      try {
        const res = await calls.run('bedrock:GetKnowledgeBase', () =>
          agents.send(new GetKnowledgeBaseCommand({ knowledgeBaseId })),
        );
        kb = res.knowledgeBase;
      } catch (e) {
        if (notFound(e)) return;
        throw e;
      }
      if (!kb) return;
      const k = kb;
      const sources = await calls.run('bedrock:ListDataSources', () =>
        listAll(paginateListDataSources({ client: agents }, { knowledgeBaseId }), (p) => p.dataSourceSummaries),
      );
      const dataSources: Record<string, unknown>[] = [];
      for (const s of sources) {
        let ds: DataSource | undefined;
        try {
          const res = await calls.run('bedrock:GetDataSource', () =>
            agents.send(new GetDataSourceCommand({ knowledgeBaseId, dataSourceId: s.dataSourceId })),
          );
          ds = res.dataSource;
        } catch (e) {
          if (notFound(e)) continue;
          throw e;
        }
        const s3 = ds?.dataSourceConfiguration?.s3Configuration;
        dataSources.push({
          id: ds?.dataSourceId ?? s.dataSourceId ?? null,
          name: ds?.name ?? s.name ?? null,
          status: ds?.status ?? s.status ?? null,
          type: ds?.dataSourceConfiguration?.type ?? null,
          s3BucketArn: s3?.bucketArn ?? null,
          bucketOwnerAccountId: s3?.bucketOwnerAccountId ?? null,
          inclusionPrefixes: s3?.inclusionPrefixes ?? [],
          kmsKeyArn: ds?.serverSideEncryptionConfiguration?.kmsKeyArn ?? null,
          dataDeletionPolicy: ds?.dataDeletionPolicy ?? null,
        });
      }
      out.push(
        scope.resource(
          BEDROCK_TYPES.knowledgeBase,
          k.knowledgeBaseArn ?? `arn:${partition}:bedrock:${region}:${account}:knowledge-base/${knowledgeBaseId}`,
          k.name ?? summary.name,
          {
            knowledgeBaseId,
            status: k.status ?? null,
            type: k.knowledgeBaseConfiguration?.type ?? null,
            embeddingModelArn:
              k.knowledgeBaseConfiguration?.vectorKnowledgeBaseConfiguration?.embeddingModelArn ?? null,
            roleArn: k.roleArn ?? null,
            storageType: k.storageConfiguration?.type ?? null,
            dataSources,
            createdAt: iso(k.createdAt),
            updatedAt: iso(k.updatedAt),
          },
        ),
      );
    });
    return out;
  });

  await scope.collect(BEDROCK_TYPES.prompt, async (current) => {
    const calls = new Calls(current);
    const list = await calls.run('bedrock:ListPrompts', promptList);
    const out: Resource[] = [];
    await calls.each(list, async (summary) => {
      try {
        const p = await calls.run('bedrock:GetPrompt', () =>
          agents.send(new GetPromptCommand({ promptIdentifier: summary.id })),
        );
        out.push(
          scope.resource(BEDROCK_TYPES.prompt, p.arn ?? summary.arn!, p.name ?? summary.name, {
            promptId: p.id ?? summary.id ?? null,
            version: p.version ?? null,
            customerEncryptionKeyArn: p.customerEncryptionKeyArn ?? null,
            defaultVariant: p.defaultVariant ?? null,
            variantCount: p.variants?.length ?? 0,
            createdAt: iso(p.createdAt),
            updatedAt: iso(p.updatedAt),
          }),
        );
      } catch (e) {
        if (!notFound(e)) throw e;
      }
    });
    return out;
  });
}

export const BEDROCK_COLLECTORS: readonly AwsServiceCollector[] = [
  {
    name: 'bedrock',
    regional: true,
    types: Object.values(BEDROCK_TYPES),
    actions: [
      'bedrock:GetModelInvocationLoggingConfiguration',
      'bedrock:ListGuardrails',
      'bedrock:GetGuardrail',
      'bedrock:ListCustomModels',
      'bedrock:GetCustomModel',
      'bedrock:GetModelCustomizationJob',
      'bedrock:ListProvisionedModelThroughputs',
      'bedrock:ListAgents',
      'bedrock:GetAgent',
      'bedrock:ListAgentAliases',
      'bedrock:GetAgentVersion',
      'bedrock:ListKnowledgeBases',
      'bedrock:GetKnowledgeBase',
      'bedrock:ListDataSources',
      'bedrock:GetDataSource',
      'bedrock:ListPrompts',
      'bedrock:GetPrompt',
      'ec2:DescribeVpcEndpoints',
    ],
    collect: collectBedrock,
  },
];
