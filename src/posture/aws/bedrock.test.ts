import {
  BedrockClient,
  GetCustomModelCommand,
  GetGuardrailCommand,
  GetModelCustomizationJobCommand,
  GetModelInvocationLoggingConfigurationCommand,
  ListCustomModelsCommand,
  ListGuardrailsCommand,
  ListProvisionedModelThroughputsCommand,
  ThrottlingException,
} from '@aws-sdk/client-bedrock';
import {
  BedrockAgentClient,
  GetAgentCommand,
  GetAgentVersionCommand,
  GetDataSourceCommand,
  GetKnowledgeBaseCommand,
  GetPromptCommand,
  ListAgentAliasesCommand,
  ListAgentsCommand,
  ListDataSourcesCommand,
  ListKnowledgeBasesCommand,
  ListPromptsCommand,
} from '@aws-sdk/client-bedrock-agent';
import { DescribeVpcEndpointsCommand, EC2Client, type State } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadChecks } from '../checks.js';
import { emptyPart, type SnapshotPart } from '../collect.js';
import { evaluateOne } from '../evaluate.js';
import type { Resource } from '../snapshot.js';
import { BEDROCK_COLLECTORS, BEDROCK_TYPES } from './bedrock.js';
import { makeScope } from './collect.js';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';
const T0 = new Date('2026-10-01T12:00:00.000Z');
const T1 = new Date('2026-10-02T08:30:00.000Z');

const bedrock = mockClient(BedrockClient);
const agent = mockClient(BedrockAgentClient);
const ec2 = mockClient(EC2Client);

const GR1 = 'arn:aws:bedrock:us-east-1:111122223333:guardrail/gr1abcdef123';
const GR2 = 'arn:aws:bedrock:us-east-1:111122223333:guardrail/gr2abcdef456';
const MODEL = 'arn:aws:bedrock:us-east-1:111122223333:custom-model/amazon.titan-text-express-v1:0:8k/a1b2c3d4e5f6';
const JOB = 'arn:aws:bedrock:us-east-1:111122223333:model-customization-job/amazon.titan-text-express-v1:0:8k/x9y8z7';
const KMS = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';

/** Responses shaped like the Bedrock, Bedrock Agents and EC2 API references' examples. */
function happyPath(): void {
  bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({
    loggingConfig: {
      cloudWatchConfig: {
        logGroupName: '/aws/bedrock/invocations',
        roleArn: 'arn:aws:iam::111122223333:role/BedrockLogging',
        largeDataDeliveryS3Config: { bucketName: 'bedrock-large-logs', keyPrefix: 'large/' },
      },
      s3Config: { bucketName: 'bedrock-invocation-logs', keyPrefix: 'invocations/' },
      textDataDeliveryEnabled: true,
      imageDataDeliveryEnabled: false,
      embeddingDataDeliveryEnabled: false,
    },
  });
  bedrock.on(ListGuardrailsCommand).resolves({
    guardrails: [
      {
        id: 'gr1abcdef123',
        arn: GR1,
        status: 'READY',
        name: 'prod-guardrail',
        version: 'DRAFT',
        createdAt: T0,
        updatedAt: T1,
      },
    ],
  });
  bedrock.on(GetGuardrailCommand, { guardrailIdentifier: 'gr1abcdef123' }).resolves({
    name: 'prod-guardrail',
    guardrailId: 'gr1abcdef123',
    guardrailArn: GR1,
    version: 'DRAFT',
    status: 'READY',
    topicPolicy: {
      topics: [{ name: 'Investment advice', definition: 'Advice about investing money.', type: 'DENY' }],
      tier: { tierName: 'CLASSIC' },
    },
    contentPolicy: {
      filters: [
        {
          type: 'PROMPT_ATTACK',
          inputStrength: 'HIGH',
          outputStrength: 'NONE',
          inputModalities: ['TEXT'],
          outputModalities: ['TEXT'],
          inputAction: 'BLOCK',
          outputAction: 'NONE',
          inputEnabled: true,
          outputEnabled: false,
        },
        { type: 'HATE', inputStrength: 'HIGH', outputStrength: 'MEDIUM' },
      ],
      tier: { tierName: 'STANDARD' },
    },
    wordPolicy: { words: [{ text: 'competitorname' }], managedWordLists: [{ type: 'PROFANITY' }] },
    sensitiveInformationPolicy: {
      piiEntities: [{ type: 'AWS_SECRET_KEY', action: 'BLOCK' }],
      regexes: [{ name: 'employee-id', pattern: 'EMP-[0-9]{6}', action: 'ANONYMIZE' }],
    },
    contextualGroundingPolicy: {
      filters: [
        { type: 'GROUNDING', threshold: 0.75 },
        { type: 'RELEVANCE', threshold: 0.5, action: 'NONE', enabled: true },
      ],
    },
    crossRegionDetails: {
      guardrailProfileId: 'us.guardrail.v1:0',
      guardrailProfileArn: 'arn:aws:bedrock:us-east-1:111122223333:guardrail-profile/us.guardrail.v1:0',
    },
    createdAt: T0,
    updatedAt: T1,
    blockedInputMessaging: 'Sorry, I cannot answer that.',
    blockedOutputsMessaging: 'Sorry, I cannot answer that.',
    kmsKeyArn: KMS,
  });
  bedrock.on(ListCustomModelsCommand).resolves({
    modelSummaries: [
      {
        modelArn: MODEL,
        modelName: 'support-tuned',
        creationTime: T0,
        baseModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k',
        baseModelName: 'Titan Text G1 - Express',
        customizationType: 'FINE_TUNING',
        ownerAccountId: ACCOUNT,
        modelStatus: 'Active',
      },
    ],
  });
  bedrock.on(GetCustomModelCommand).resolves({
    modelArn: MODEL,
    modelName: 'support-tuned',
    jobName: 'support-tuning-1',
    jobArn: JOB,
    baseModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k',
    customizationType: 'FINE_TUNING',
    hyperParameters: { epochCount: '2', batchSize: '1', learningRate: '0.00001' },
    trainingDataConfig: { s3Uri: 's3://training-data-bucket/support/train.jsonl' },
    validationDataConfig: { validators: [{ s3Uri: 's3://training-data-bucket/support/validation.jsonl' }] },
    outputDataConfig: { s3Uri: 's3://training-output-bucket/support/' },
    creationTime: T0,
    modelStatus: 'Active',
  });
  bedrock.on(GetModelCustomizationJobCommand).resolves({
    jobArn: JOB,
    jobName: 'support-tuning-1',
    outputModelName: 'support-tuned',
    outputModelArn: MODEL,
    roleArn: 'arn:aws:iam::111122223333:role/BedrockCustomization',
    status: 'Completed',
    creationTime: T0,
    baseModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k',
    trainingDataConfig: { s3Uri: 's3://training-data-bucket/support/train.jsonl' },
    validationDataConfig: { validators: [] },
    outputDataConfig: { s3Uri: 's3://training-output-bucket/support/' },
    vpcConfig: { subnetIds: ['subnet-0a1b2c3d'], securityGroupIds: ['sg-0a1b2c3d'] },
  });
  bedrock.on(ListProvisionedModelThroughputsCommand).resolves({
    provisionedModelSummaries: [
      {
        provisionedModelName: 'support-pt',
        provisionedModelArn: 'arn:aws:bedrock:us-east-1:111122223333:provisioned-model/abcd1234efgh',
        modelArn: MODEL,
        desiredModelArn: MODEL,
        foundationModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k',
        modelUnits: 1,
        desiredModelUnits: 1,
        status: 'InService',
        commitmentDuration: 'OneMonth',
        commitmentExpirationTime: new Date('2026-11-01T12:00:00.000Z'),
        creationTime: T0,
        lastModifiedTime: T1,
      },
    ],
  });

  agent.on(ListAgentsCommand).resolves({
    agentSummaries: [
      {
        agentId: 'AGENT12345',
        agentName: 'support-agent',
        agentStatus: 'PREPARED',
        updatedAt: T1,
        latestAgentVersion: '1',
        guardrailConfiguration: { guardrailIdentifier: 'gr1abcdef123', guardrailVersion: '1' },
      },
    ],
  });
  agent.on(GetAgentCommand).resolves({
    agent: {
      agentId: 'AGENT12345',
      agentName: 'support-agent',
      agentArn: 'arn:aws:bedrock:us-east-1:111122223333:agent/AGENT12345',
      agentVersion: 'DRAFT',
      instruction: 'You are a support agent. Answer questions about orders.',
      agentStatus: 'PREPARED',
      foundationModel: 'anthropic.claude-3-haiku-20240307-v1:0',
      orchestrationType: 'DEFAULT',
      idleSessionTTLInSeconds: 600,
      agentResourceRoleArn: 'arn:aws:iam::111122223333:role/AmazonBedrockExecutionRoleForAgents_support',
      customerEncryptionKeyArn: KMS,
      createdAt: T0,
      updatedAt: T1,
      preparedAt: T1,
      guardrailConfiguration: { guardrailIdentifier: 'gr1abcdef123', guardrailVersion: '1' },
    },
  });
  agent.on(ListAgentAliasesCommand).resolves({
    agentAliasSummaries: [
      {
        agentAliasId: 'TSTALIASID',
        agentAliasName: 'AgentTestAlias',
        routingConfiguration: [{ agentVersion: 'DRAFT' }],
        agentAliasStatus: 'PREPARED',
        createdAt: T0,
        updatedAt: T1,
      },
      {
        agentAliasId: 'PRODALIAS1',
        agentAliasName: 'prod',
        routingConfiguration: [{ agentVersion: '1' }],
        agentAliasStatus: 'PREPARED',
        createdAt: T0,
        updatedAt: T1,
      },
    ],
  });
  agent.on(GetAgentVersionCommand).resolves({
    agentVersion: {
      agentId: 'AGENT12345',
      agentName: 'support-agent',
      agentArn: 'arn:aws:bedrock:us-east-1:111122223333:agent/AGENT12345',
      version: '1',
      agentStatus: 'PREPARED',
      idleSessionTTLInSeconds: 600,
      agentResourceRoleArn: 'arn:aws:iam::111122223333:role/AmazonBedrockExecutionRoleForAgents_support',
      createdAt: T0,
      updatedAt: T0,
      // Version 1 was made before the guardrail was attached.
    },
  });
  agent.on(ListKnowledgeBasesCommand).resolves({
    knowledgeBaseSummaries: [{ knowledgeBaseId: 'KB12345678', name: 'docs-kb', status: 'ACTIVE', updatedAt: T1 }],
  });
  agent.on(GetKnowledgeBaseCommand).resolves({
    knowledgeBase: {
      knowledgeBaseId: 'KB12345678',
      name: 'docs-kb',
      knowledgeBaseArn: 'arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB12345678',
      roleArn: 'arn:aws:iam::111122223333:role/AmazonBedrockExecutionRoleForKnowledgeBase_docs',
      knowledgeBaseConfiguration: {
        type: 'VECTOR',
        vectorKnowledgeBaseConfiguration: {
          embeddingModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0',
        },
      },
      storageConfiguration: {
        type: 'OPENSEARCH_SERVERLESS',
        opensearchServerlessConfiguration: {
          collectionArn: 'arn:aws:aoss:us-east-1:111122223333:collection/abcdefghij1234567890',
          vectorIndexName: 'bedrock-knowledge-base-default-index',
          fieldMapping: {
            vectorField: 'bedrock-knowledge-base-default-vector',
            textField: 'AMAZON_BEDROCK_TEXT_CHUNK',
            metadataField: 'AMAZON_BEDROCK_METADATA',
          },
        },
      },
      status: 'ACTIVE',
      createdAt: T0,
      updatedAt: T1,
    },
  });
  agent.on(ListDataSourcesCommand).resolves({
    dataSourceSummaries: [
      {
        knowledgeBaseId: 'KB12345678',
        dataSourceId: 'DS11111111',
        name: 'handbook',
        status: 'AVAILABLE',
        updatedAt: T1,
      },
    ],
  });
  agent.on(GetDataSourceCommand, { dataSourceId: 'DS11111111' }).resolves({
    dataSource: {
      knowledgeBaseId: 'KB12345678',
      dataSourceId: 'DS11111111',
      name: 'handbook',
      status: 'AVAILABLE',
      dataSourceConfiguration: {
        type: 'S3',
        s3Configuration: { bucketArn: 'arn:aws:s3:::company-docs', inclusionPrefixes: ['handbook/'] },
      },
      serverSideEncryptionConfiguration: { kmsKeyArn: KMS },
      dataDeletionPolicy: 'RETAIN',
      createdAt: T0,
      updatedAt: T1,
    },
  });
  agent.on(GetDataSourceCommand, { dataSourceId: 'DS22222222' }).resolves({
    dataSource: {
      knowledgeBaseId: 'KB12345678',
      dataSourceId: 'DS22222222',
      name: 'partner-feed',
      status: 'AVAILABLE',
      dataSourceConfiguration: {
        type: 'S3',
        s3Configuration: { bucketArn: 'arn:aws:s3:::partner-feed', bucketOwnerAccountId: '444455556666' },
      },
      createdAt: T0,
      updatedAt: T1,
    },
  });
  agent.on(ListPromptsCommand).resolves({
    promptSummaries: [
      {
        name: 'summarise',
        id: 'PROMPT1234',
        arn: 'arn:aws:bedrock:us-east-1:111122223333:prompt/PROMPT1234',
        version: 'DRAFT',
        createdAt: T0,
        updatedAt: T1,
      },
    ],
  });
  agent.on(GetPromptCommand).resolves({
    name: 'summarise',
    defaultVariant: 'v1',
    variants: [
      {
        name: 'v1',
        templateType: 'TEXT',
        templateConfiguration: { text: { text: 'Summarise: {{input}}' } },
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      },
    ],
    id: 'PROMPT1234',
    arn: 'arn:aws:bedrock:us-east-1:111122223333:prompt/PROMPT1234',
    version: 'DRAFT',
    createdAt: T0,
    updatedAt: T1,
  });

  ec2.on(DescribeVpcEndpointsCommand).resolves({
    VpcEndpoints: [
      {
        VpcEndpointId: 'vpce-0a1b2c3d4e5f60001',
        VpcEndpointType: 'Interface',
        VpcId: 'vpc-0a1b2c3d',
        ServiceName: 'com.amazonaws.us-east-1.bedrock-runtime',
        // The API answers in lower case (the SDK's enum says `Available`).
        State: 'available' as State,
        PrivateDnsEnabled: true,
        OwnerId: ACCOUNT,
      },
      {
        VpcEndpointId: 'vpce-0a1b2c3d4e5f60002',
        VpcEndpointType: 'Interface',
        VpcId: 'vpc-0a1b2c3d',
        ServiceName: 'com.amazonaws.us-east-1.bedrock-agent-runtime',
        State: 'pending' as State,
        OwnerId: ACCOUNT,
      },
    ],
  });
}

async function run(region = REGION): Promise<SnapshotPart> {
  const part = emptyPart();
  const scope = makeScope(part, ACCOUNT, region, region, {
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  for (const c of BEDROCK_COLLECTORS) await c.collect(scope);
  return part;
}

function ofType(part: SnapshotPart, type: string): Resource[] {
  return part.resources.filter((r) => r.type === type);
}

function collection(part: SnapshotPart, type: string) {
  return part.collections.find((c) => c.type === type);
}

beforeEach(() => {
  bedrock.reset();
  agent.reset();
  ec2.reset();
  happyPath();
});

describe('Bedrock collector', () => {
  it('emits every type with the attributes the checks read', async () => {
    const part = await run();
    expect(part.collections.map((c) => [c.type, c.status, c.count])).toEqual([
      [BEDROCK_TYPES.regionSettings, 'ok', 1],
      [BEDROCK_TYPES.guardrail, 'ok', 1],
      [BEDROCK_TYPES.customModel, 'ok', 1],
      [BEDROCK_TYPES.provisionedThroughput, 'ok', 1],
      [BEDROCK_TYPES.agent, 'ok', 1],
      [BEDROCK_TYPES.knowledgeBase, 'ok', 1],
      [BEDROCK_TYPES.prompt, 'ok', 1],
    ]);

    const [settings] = ofType(part, BEDROCK_TYPES.regionSettings);
    expect(settings).toEqual({
      cloud: 'aws',
      type: 'aws.bedrock.region-settings',
      id: 'arn:aws:bedrock:us-east-1:111122223333:settings',
      account: ACCOUNT,
      region: REGION,
      name: REGION,
      attributes: {
        invocationLogging: {
          enabled: true,
          s3Bucket: 'bedrock-invocation-logs',
          s3KeyPrefix: 'invocations/',
          cloudWatchLogGroup: '/aws/bedrock/invocations',
          cloudWatchRoleArn: 'arn:aws:iam::111122223333:role/BedrockLogging',
          largeDataS3Bucket: 'bedrock-large-logs',
          textDataDelivery: true,
          imageDataDelivery: false,
          embeddingDataDelivery: false,
        },
        guardrailCount: 1,
        promptCount: 1,
        agentCount: 1,
        // The pending agent-runtime endpoint does not count.
        vpcEndpoints: ['com.amazonaws.us-east-1.bedrock-runtime'],
      },
    });
    // Only Bedrock's endpoint services were asked for.
    const filter = ec2.commandCalls(DescribeVpcEndpointsCommand)[0]!.args[0].input.Filters![0]!;
    expect(filter.Name).toBe('service-name');
    expect(filter.Values).toContain('com.amazonaws.us-east-1.bedrock-agent-runtime');
    expect(filter.Values).toContain('com.amazonaws.us-east-1.bedrock-runtime-fips');

    const [guardrail] = ofType(part, BEDROCK_TYPES.guardrail);
    expect(guardrail!.id).toBe(GR1);
    expect(guardrail!.name).toBe('prod-guardrail');
    expect(guardrail!.attributes).toEqual({
      guardrailId: 'gr1abcdef123',
      version: 'DRAFT',
      status: 'READY',
      kmsKeyArn: KMS,
      contentFilters: [
        {
          type: 'PROMPT_ATTACK',
          inputStrength: 'HIGH',
          outputStrength: 'NONE',
          inputAction: 'BLOCK',
          outputAction: 'NONE',
          inputEnabled: true,
          outputEnabled: false,
        },
        // Absent actions and switches are the AWS defaults.
        {
          type: 'HATE',
          inputStrength: 'HIGH',
          outputStrength: 'MEDIUM',
          inputAction: 'BLOCK',
          outputAction: 'BLOCK',
          inputEnabled: true,
          outputEnabled: true,
        },
      ],
      contentTier: 'STANDARD',
      topics: [
        {
          name: 'Investment advice',
          type: 'DENY',
          inputAction: 'BLOCK',
          outputAction: 'BLOCK',
          inputEnabled: true,
          outputEnabled: true,
        },
      ],
      topicTier: 'CLASSIC',
      customWordCount: 1,
      managedWordLists: ['PROFANITY'],
      piiEntities: [
        {
          type: 'AWS_SECRET_KEY',
          action: 'BLOCK',
          inputAction: 'BLOCK',
          outputAction: 'BLOCK',
          inputEnabled: true,
          outputEnabled: true,
        },
      ],
      regexes: [
        {
          name: 'employee-id',
          action: 'ANONYMIZE',
          inputAction: 'ANONYMIZE',
          outputAction: 'ANONYMIZE',
          inputEnabled: true,
          outputEnabled: true,
        },
      ],
      contextualGroundingFilters: [
        { type: 'GROUNDING', threshold: 0.75, action: 'BLOCK', enabled: true },
        { type: 'RELEVANCE', threshold: 0.5, action: 'NONE', enabled: true },
      ],
      automatedReasoningPolicyCount: 0,
      crossRegionProfileArn: 'arn:aws:bedrock:us-east-1:111122223333:guardrail-profile/us.guardrail.v1:0',
      createdAt: '2026-10-01T12:00:00.000Z',
      updatedAt: '2026-10-02T08:30:00.000Z',
    });
    expect(JSON.stringify(guardrail)).not.toContain('EMP-[0-9]{6}');

    const [model] = ofType(part, BEDROCK_TYPES.customModel);
    expect(model!.id).toBe(MODEL);
    expect(model!.attributes).toEqual({
      modelStatus: 'Active',
      customizationType: 'FINE_TUNING',
      baseModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k',
      kmsKeyArn: null,
      jobArn: JOB,
      trainingDataS3Uri: 's3://training-data-bucket/support/train.jsonl',
      validationDataS3Uris: ['s3://training-data-bucket/support/validation.jsonl'],
      outputDataS3Uri: 's3://training-output-bucket/support/',
      creationTime: '2026-10-01T12:00:00.000Z',
      jobRoleArn: 'arn:aws:iam::111122223333:role/BedrockCustomization',
      jobVpcConfig: { subnetIds: ['subnet-0a1b2c3d'], securityGroupIds: ['sg-0a1b2c3d'] },
    });
    expect(bedrock.commandCalls(GetModelCustomizationJobCommand)[0]!.args[0].input).toEqual({ jobIdentifier: JOB });

    const [pt] = ofType(part, BEDROCK_TYPES.provisionedThroughput);
    expect(pt!.attributes).toEqual({
      status: 'InService',
      modelArn: MODEL,
      foundationModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-text-express-v1:0:8k',
      modelUnits: 1,
      desiredModelUnits: 1,
      commitmentDuration: 'OneMonth',
      commitmentExpirationTime: '2026-11-01T12:00:00.000Z',
      creationTime: '2026-10-01T12:00:00.000Z',
      lastModifiedTime: '2026-10-02T08:30:00.000Z',
    });

    const [ag] = ofType(part, BEDROCK_TYPES.agent);
    expect(ag!.id).toBe('arn:aws:bedrock:us-east-1:111122223333:agent/AGENT12345');
    expect(ag!.attributes).toMatchObject({
      agentId: 'AGENT12345',
      roleArn: 'arn:aws:iam::111122223333:role/AmazonBedrockExecutionRoleForAgents_support',
      guardrail: { id: 'gr1abcdef123', version: '1' },
      customerEncryptionKeyArn: KMS,
      idleSessionTTLInSeconds: 600,
      aliases: [
        {
          id: 'TSTALIASID',
          name: 'AgentTestAlias',
          status: 'PREPARED',
          agentVersion: 'DRAFT',
          guardrail: { id: 'gr1abcdef123', version: '1' },
        },
        { id: 'PRODALIAS1', name: 'prod', status: 'PREPARED', agentVersion: '1', guardrail: null },
      ],
    });
    // The agent's instructions are not inventory.
    expect(JSON.stringify(ag)).not.toContain('support agent. Answer');
    // The draft's guardrail is known from GetAgent: only version 1 is read.
    expect(agent.commandCalls(GetAgentVersionCommand).map((c) => c.args[0].input)).toEqual([
      { agentId: 'AGENT12345', agentVersion: '1' },
    ]);

    const [kb] = ofType(part, BEDROCK_TYPES.knowledgeBase);
    expect(kb!.attributes).toEqual({
      knowledgeBaseId: 'KB12345678',
      status: 'ACTIVE',
      type: 'VECTOR',
      embeddingModelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.titan-embed-text-v2:0',
      roleArn: 'arn:aws:iam::111122223333:role/AmazonBedrockExecutionRoleForKnowledgeBase_docs',
      storageType: 'OPENSEARCH_SERVERLESS',
      dataSources: [
        {
          id: 'DS11111111',
          name: 'handbook',
          status: 'AVAILABLE',
          type: 'S3',
          s3BucketArn: 'arn:aws:s3:::company-docs',
          bucketOwnerAccountId: null,
          inclusionPrefixes: ['handbook/'],
          kmsKeyArn: KMS,
          dataDeletionPolicy: 'RETAIN',
        },
      ],
      createdAt: '2026-10-01T12:00:00.000Z',
      updatedAt: '2026-10-02T08:30:00.000Z',
    });

    const [prompt] = ofType(part, BEDROCK_TYPES.prompt);
    expect(prompt!.attributes).toEqual({
      promptId: 'PROMPT1234',
      version: 'DRAFT',
      customerEncryptionKeyArn: null,
      defaultVariant: 'v1',
      variantCount: 1,
      createdAt: '2026-10-01T12:00:00.000Z',
      updatedAt: '2026-10-02T08:30:00.000Z',
    });
    // The lists shared by region settings and the types are read once.
    expect(bedrock.commandCalls(ListGuardrailsCommand)).toHaveLength(1);
    expect(agent.commandCalls(ListAgentsCommand)).toHaveLength(1);
    expect(agent.commandCalls(ListPromptsCommand)).toHaveLength(1);
  });

  it('writes {enabled: false} when invocation logging is not configured', async () => {
    bedrock.on(GetModelInvocationLoggingConfigurationCommand).resolves({});
    const part = await run();
    expect(ofType(part, BEDROCK_TYPES.regionSettings)[0]!.attributes.invocationLogging).toEqual({ enabled: false });
  });

  it('follows nextToken through every page', async () => {
    // The SDK's paginators reuse one input object: record each call's token as it is sent.
    const tokens: (string | undefined)[] = [];
    const pages = [
      {
        guardrails: [
          {
            id: 'gr1abcdef123',
            arn: GR1,
            status: 'READY' as const,
            name: 'prod-guardrail',
            version: 'DRAFT',
            createdAt: T0,
            updatedAt: T1,
          },
        ],
        nextToken: 'page-2',
      },
      {
        guardrails: [
          {
            id: 'gr2abcdef456',
            arn: GR2,
            status: 'READY' as const,
            name: 'dev-guardrail',
            version: 'DRAFT',
            createdAt: T0,
            updatedAt: T1,
          },
        ],
      },
    ];
    bedrock.on(ListGuardrailsCommand).callsFake((input: { nextToken?: string }) => {
      tokens.push(input.nextToken);
      return pages[input.nextToken === 'page-2' ? 1 : 0];
    });
    bedrock.on(GetGuardrailCommand, { guardrailIdentifier: 'gr2abcdef456' }).resolves({
      name: 'dev-guardrail',
      guardrailId: 'gr2abcdef456',
      guardrailArn: GR2,
      version: 'DRAFT',
      status: 'READY',
      createdAt: T0,
      updatedAt: T1,
      blockedInputMessaging: 'No.',
      blockedOutputsMessaging: 'No.',
    });
    const dsTokens: (string | undefined)[] = [];
    agent.on(ListDataSourcesCommand).callsFake((input: { knowledgeBaseId: string; nextToken?: string }) => {
      dsTokens.push(input.nextToken);
      return input.nextToken === 'ds-2'
        ? {
            dataSourceSummaries: [
              {
                knowledgeBaseId: 'KB12345678',
                dataSourceId: 'DS22222222',
                name: 'partner-feed',
                status: 'AVAILABLE',
                updatedAt: T1,
              },
            ],
          }
        : {
            dataSourceSummaries: [
              {
                knowledgeBaseId: 'KB12345678',
                dataSourceId: 'DS11111111',
                name: 'handbook',
                status: 'AVAILABLE',
                updatedAt: T1,
              },
            ],
            nextToken: 'ds-2',
          };
    });
    const part = await run();

    expect(tokens).toEqual([undefined, 'page-2']);
    const guardrails = ofType(part, BEDROCK_TYPES.guardrail);
    expect(guardrails.map((g) => g.id).sort()).toEqual([GR1, GR2]);
    const dev = guardrails.find((g) => g.id === GR2)!;
    expect(dev.attributes).toMatchObject({ kmsKeyArn: null, contentFilters: [], piiEntities: [], contentTier: null });
    expect(ofType(part, BEDROCK_TYPES.regionSettings)[0]!.attributes.guardrailCount).toBe(2);

    const ds = ofType(part, BEDROCK_TYPES.knowledgeBase)[0]!.attributes.dataSources as Record<string, unknown>[];
    expect(ds.map((d) => [d.id, d.kmsKeyArn, d.bucketOwnerAccountId])).toEqual([
      ['DS11111111', KMS, null],
      ['DS22222222', null, '444455556666'],
    ]);
    expect(dsTokens).toEqual([undefined, 'ds-2']);
  });

  it('marks only the throttled type as failed, naming the call', async () => {
    bedrock
      .on(GetGuardrailCommand)
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429, attempts: 1 } }));
    const part = await run();
    expect(collection(part, BEDROCK_TYPES.guardrail)).toEqual({
      cloud: 'aws',
      account: ACCOUNT,
      region: REGION,
      type: BEDROCK_TYPES.guardrail,
      status: 'error',
      count: 0,
      error: { code: 'ThrottlingException', message: 'Rate exceeded', operation: 'bedrock:GetGuardrail' },
    });
    expect(ofType(part, BEDROCK_TYPES.guardrail)).toEqual([]);
    for (const t of Object.values(BEDROCK_TYPES).filter((t) => t !== BEDROCK_TYPES.guardrail)) {
      expect(collection(part, t)).toMatchObject({ status: 'ok', count: 1 });
    }
  });

  it('fails region settings and guardrails together when the shared list is throttled', async () => {
    bedrock
      .on(ListGuardrailsCommand)
      .rejects(new ThrottlingException({ message: 'Too many requests', $metadata: { httpStatusCode: 429 } }));
    const part = await run();
    for (const t of [BEDROCK_TYPES.regionSettings, BEDROCK_TYPES.guardrail]) {
      expect(collection(part, t)).toMatchObject({
        status: 'error',
        error: { code: 'ThrottlingException', operation: 'bedrock:ListGuardrails' },
      });
    }
    expect(collection(part, BEDROCK_TYPES.agent)).toMatchObject({ status: 'ok', count: 1 });
    expect(ofType(part, BEDROCK_TYPES.regionSettings)).toEqual([]);
  });

  it('names the nested call that failed (GetDataSource under a knowledge base)', async () => {
    agent.on(GetDataSourceCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: bedrock:GetDataSource'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 403 },
      }),
    );
    const part = await run();
    expect(collection(part, BEDROCK_TYPES.knowledgeBase)).toMatchObject({
      status: 'error',
      error: { code: 'AccessDeniedException', operation: 'bedrock:GetDataSource' },
    });
    expect(collection(part, BEDROCK_TYPES.agent)).toMatchObject({ status: 'ok' });
  });

  it('skips a resource deleted between list and get', async () => {
    bedrock.on(GetGuardrailCommand).rejects(
      Object.assign(new Error('The resource could not be found.'), {
        name: 'ResourceNotFoundException',
        $metadata: { httpStatusCode: 404 },
      }),
    );
    const part = await run();
    expect(collection(part, BEDROCK_TYPES.guardrail)).toMatchObject({ status: 'ok', count: 0 });
  });

  it('records a service with no endpoint in the region as nothing to collect', async () => {
    const dns = () =>
      Object.assign(new Error('getaddrinfo ENOTFOUND bedrock-agent.ap-east-2.amazonaws.com'), {
        code: 'ENOTFOUND',
        $metadata: {},
      });
    agent.on(ListAgentsCommand).rejects(dns());
    agent.on(ListKnowledgeBasesCommand).rejects(dns());
    agent.on(ListPromptsCommand).rejects(dns());
    const part = await run('ap-east-2');
    for (const t of [BEDROCK_TYPES.agent, BEDROCK_TYPES.knowledgeBase, BEDROCK_TYPES.prompt]) {
      expect(collection(part, t)).toMatchObject({ status: 'ok', count: 0 });
    }
    expect(ofType(part, BEDROCK_TYPES.regionSettings)[0]!.attributes).toMatchObject({ agentCount: 0, promptCount: 0 });
    // Any other network error is a failure, never an empty region.
    agent.on(ListAgentsCommand).rejects(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const again = await run('ap-east-2');
    expect(collection(again, BEDROCK_TYPES.agent)).toMatchObject({ status: 'error', error: { code: 'ECONNRESET' } });
  });

  it('names the failed call even while other calls of the type are in flight', async () => {
    const later = <T>(ms: number, value: () => T) =>
      new Promise<T>((resolve, reject) =>
        setTimeout(() => {
          try {
            resolve(value());
          } catch (e) {
            reject(e);
          }
        }, ms),
      );
    agent.on(ListAgentsCommand).resolves({
      agentSummaries: [
        { agentId: 'AGENTAAAAA', agentName: 'a', agentStatus: 'PREPARED', updatedAt: T1 },
        { agentId: 'AGENTBBBBB', agentName: 'b', agentStatus: 'PREPARED', updatedAt: T1 },
      ],
    });
    agent.on(GetAgentCommand, { agentId: 'AGENTAAAAA' }).callsFake(() =>
      later(20, () => {
        throw new ThrottlingException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 429 } });
      }),
    );
    // Agent b's alias list starts before a's GetAgent fails and is still running after it.
    agent.on(ListAgentAliasesCommand).callsFake(() =>
      later(60, () => ({
        agentAliasSummaries: [
          {
            agentAliasId: 'PRODALIAS1',
            agentAliasName: 'prod',
            routingConfiguration: [{ agentVersion: '1' }],
            agentAliasStatus: 'PREPARED',
            createdAt: T0,
            updatedAt: T1,
          },
        ],
      })),
    );
    const part = await run();
    expect(collection(part, BEDROCK_TYPES.agent)).toMatchObject({
      status: 'error',
      error: { code: 'ThrottlingException', operation: 'bedrock:GetAgent' },
    });
  });

  it('names the call in the error whichever call fails', async () => {
    await run();
    const [collector] = BEDROCK_COLLECTORS;
    const sent = new Map<string, unknown>();
    for (const [prefix, mock] of [
      ['bedrock', bedrock],
      ['bedrock', agent],
      ['ec2', ec2],
    ] as const) {
      for (const call of mock.calls()) {
        const ctor = call.args[0].constructor;
        sent.set(`${prefix}:${ctor.name.replace(/Command$/, '')}`, ctor);
      }
    }
    for (const [action, ctor] of sent) {
      bedrock.reset();
      agent.reset();
      ec2.reset();
      happyPath();
      const failing = Object.assign(new Error(`denied ${action}`), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 403 },
      });
      for (const mock of [bedrock, agent, ec2]) {
        // biome-ignore lint/suspicious/noExplicitAny: the command class comes from the recorded calls
        (mock as any).on(ctor).rejects(failing);
      }
      const part = await run();
      const failed = part.collections.filter((c) => c.status === 'error');
      expect({ action, failed: failed.length > 0 }).toEqual({ action, failed: true });
      expect({ action, operations: [...new Set(failed.map((c) => c.error?.operation))] }).toEqual({
        action,
        operations: [action],
      });
      expect(collector!.actions).toContain(action);
    }
  });

  it('sends only the IAM actions it declares', async () => {
    await run();
    const [collector] = BEDROCK_COLLECTORS;
    const sent = new Set<string>();
    for (const [prefix, mock] of [
      ['bedrock', bedrock],
      ['bedrock', agent],
      ['ec2', ec2],
    ] as const) {
      for (const call of mock.calls()) sent.add(`${prefix}:${call.args[0].constructor.name.replace(/Command$/, '')}`);
    }
    expect(sent.size).toBeGreaterThan(10);
    expect([...sent].filter((a) => !collector!.actions.includes(a))).toEqual([]);
    // And declares nothing it never calls.
    expect(collector!.actions.filter((a) => !sent.has(a))).toEqual([]);
  });

  it('gives every Bedrock check a pass or fail on what it collects', async () => {
    const part = await run();
    const { checks } = await loadChecks();
    const mine = checks.filter((c) => c.resource.startsWith('aws.bedrock.'));
    expect(mine.length).toBeGreaterThanOrEqual(15);
    const outcomes: Record<string, string[]> = {};
    for (const check of mine) {
      for (const r of ofType(part, check.resource)) {
        const result = evaluateOne(check, r, {}, '2026-10-15T00:00:00.000Z');
        if (!result) continue;
        outcomes[check.id] = [...(outcomes[check.id] ?? []), result.status];
        // Checks on derived facts cannot be decided without the enricher; every other one can.
        if (check.pass.includes('d.') || check.applies?.includes('d.')) continue;
        expect({ check: check.id, status: result.status, reason: result.reason }).toMatchObject({
          status: expect.stringMatching(/^(pass|fail)$/),
        });
      }
    }
    expect(outcomes['jackstop.aws.bedrock.agent-guardrail']).toEqual(['fail']); // alias "prod" has none
    expect(outcomes['jackstop.aws.bedrock.guardrail-prompt-attack']).toEqual(['pass']);
    expect(outcomes['jackstop.aws.bedrock.guardrail-contextual-grounding']).toEqual(['fail']); // RELEVANCE is NONE
    expect(outcomes['jackstop.aws.bedrock.custom-model-cmk']).toEqual(['fail']);
    expect(outcomes['jackstop.aws.bedrock.knowledge-base-cmk']).toEqual(['pass']);
    expect(outcomes['jackstop.aws.bedrock.vpc-endpoints']).toEqual(['fail']); // agents, but agent-runtime is pending
  });
});
