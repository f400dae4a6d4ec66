import {
  DescribeDomainCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeNotebookInstanceCommand,
  DescribeNotebookInstanceLifecycleConfigCommand,
  DescribeProcessingJobCommand,
  DescribeTrainingJobCommand,
  ListDomainsCommand,
  ListEndpointConfigsCommand,
  ListEndpointsCommand,
  ListModelPackageGroupsCommand,
  ListModelPackagesCommand,
  ListModelsCommand,
  ListMonitoringSchedulesCommand,
  ListNotebookInstancesCommand,
  ListProcessingJobsCommand,
  ListTrainingJobsCommand,
  SageMakerClient,
  SageMakerServiceException,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadChecks } from '../checks.js';
import { emptyPart, type SnapshotPart } from '../collect.js';
import { evaluateOne } from '../evaluate.js';
import type { Resource } from '../snapshot.js';
import { makeScope } from './collect.js';
import {
  findSecretsInMap,
  findSecretsInText,
  JOB_LOOKBACK_DAYS,
  redactSecret,
  SAGEMAKER_COLLECTORS,
  SAGEMAKER_TYPES,
} from './sagemaker.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const T0 = new Date('2026-10-01T12:00:00.000Z');
const T1 = new Date('2026-10-02T08:30:00.000Z');
const KMS = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const ROLE = 'arn:aws:iam::111122223333:role/service-role/AmazonSageMaker-ExecutionRole';

// Fake credentials (AWS's documentation examples and made-up tokens), built up so no scanner
// mistakes this file for a leak.
const AWS_KEY_ID = ['AKIA', 'IOSFODNN7EXAMPLE'].join('');
const AWS_SECRET = ['wJalrXUtnFEMI', '/K7MDENG/bPxRfiCYEXAMPLEKEY'].join('');
const OPENAI_KEY = ['sk-', 'proj-', 'Xq3vTn8Lm2Rp5Ws9Yz1Bc4Df7Gh0Jk6Np'].join('');
const HF_TOKEN = ['hf_', 'AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh'].join('');
const DB_PASSWORD = ['Sup3r', 'S3cret!Pw'].join('');
const HP_TOKEN = ['wandb', '_0123456789abcdef0123456789abcdef'].join('');

const SCRIPT = [
  '#!/bin/bash',
  'set -e',
  `export AWS_ACCESS_KEY_ID=${AWS_KEY_ID}`,
  `aws_secret_access_key=${AWS_SECRET}`,
  `echo "OPENAI_API_KEY=${OPENAI_KEY}" >> /home/ec2-user/.env`,
  `huggingface-cli login --token ${HF_TOKEN}`,
  `DB_PASSWORD='${DB_PASSWORD}'`,
  // Fetched at start-up: the recommended way, not a finding.
  'GITHUB_TOKEN=$(aws secretsmanager get-secret-value --secret-id gh --query SecretString --output text)',
  'password = getpass.getpass()',
].join('\n');

const sm = mockClient(SageMakerClient);

function happyPath(): void {
  sm.on(ListEndpointsCommand).resolves({
    Endpoints: [
      {
        EndpointName: 'llm-endpoint',
        EndpointArn: 'arn:aws:sagemaker:eu-west-1:111122223333:endpoint/llm-endpoint',
        CreationTime: T0,
        LastModifiedTime: T1,
        EndpointStatus: 'InService',
      },
    ],
  });
  sm.on(DescribeEndpointCommand).resolves({
    EndpointName: 'llm-endpoint',
    EndpointArn: 'arn:aws:sagemaker:eu-west-1:111122223333:endpoint/llm-endpoint',
    EndpointConfigName: 'llm-config',
    ProductionVariants: [
      {
        VariantName: 'AllTraffic',
        CurrentWeight: 1,
        DesiredWeight: 1,
        CurrentInstanceCount: 1,
        DesiredInstanceCount: 1,
      },
    ],
    EndpointStatus: 'InService',
    CreationTime: T0,
    LastModifiedTime: T1,
  });
  sm.on(ListModelsCommand).resolves({
    Models: [
      {
        ModelName: 'llm-model',
        ModelArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model/llm-model',
        CreationTime: T0,
      },
    ],
  });
  sm.on(DescribeModelCommand).resolves({
    ModelName: 'llm-model',
    PrimaryContainer: {
      Image:
        '763104351884.dkr.ecr.eu-west-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.4.0-tgi3.0.1-gpu-py311-cu124-ubuntu22.04',
      Mode: 'SingleModel',
      Environment: {
        HF_MODEL_ID: 'meta-llama/Llama-3.1-8B-Instruct',
        HUGGING_FACE_HUB_TOKEN: HF_TOKEN,
        SM_NUM_GPUS: '1',
      },
    },
    ExecutionRoleArn: ROLE,
    CreationTime: T0,
    ModelArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model/llm-model',
  });
  sm.on(ListTrainingJobsCommand).resolves({
    TrainingJobSummaries: [
      {
        TrainingJobName: 'finetune-2026-10-01',
        TrainingJobArn: 'arn:aws:sagemaker:eu-west-1:111122223333:training-job/finetune-2026-10-01',
        CreationTime: T0,
        TrainingEndTime: T1,
        LastModifiedTime: T1,
        TrainingJobStatus: 'Completed',
      },
    ],
  });
  sm.on(DescribeTrainingJobCommand).resolves({
    TrainingJobName: 'finetune-2026-10-01',
    TrainingJobArn: 'arn:aws:sagemaker:eu-west-1:111122223333:training-job/finetune-2026-10-01',
    ModelArtifacts: { S3ModelArtifacts: 's3://ml-artifacts/finetune-2026-10-01/output/model.tar.gz' },
    TrainingJobStatus: 'Completed',
    SecondaryStatus: 'Completed',
    HyperParameters: { epochs: '3', learning_rate: '"0.0002"', wandb_api_key: `"${HP_TOKEN}"` },
    AlgorithmSpecification: {
      TrainingImage:
        '763104351884.dkr.ecr.eu-west-1.amazonaws.com/huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04',
      TrainingInputMode: 'File',
    },
    RoleArn: ROLE,
    InputDataConfig: [
      {
        ChannelName: 'train',
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: 's3://ml-datasets/support/train/',
            S3DataDistributionType: 'FullyReplicated',
          },
        },
      },
      {
        ChannelName: 'test',
        DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://ml-datasets/support/test/' } },
      },
    ],
    OutputDataConfig: { S3OutputPath: 's3://ml-artifacts/', KmsKeyId: KMS },
    ResourceConfig: { InstanceType: 'ml.g5.2xlarge', InstanceCount: 2, VolumeSizeInGB: 100 },
    StoppingCondition: { MaxRuntimeInSeconds: 86400 },
    CreationTime: T0,
    TrainingStartTime: T0,
    TrainingEndTime: T1,
    EnableNetworkIsolation: false,
    EnableInterContainerTrafficEncryption: true,
    Environment: { WANDB_PROJECT: 'support-llm' },
  });
  sm.on(ListMonitoringSchedulesCommand).resolves({
    MonitoringScheduleSummaries: [
      {
        MonitoringScheduleName: 'llm-data-quality',
        MonitoringScheduleArn: 'arn:aws:sagemaker:eu-west-1:111122223333:monitoring-schedule/llm-data-quality',
        CreationTime: T0,
        LastModifiedTime: T1,
        MonitoringScheduleStatus: 'Scheduled',
        EndpointName: 'llm-endpoint',
        MonitoringType: 'DataQuality',
      },
    ],
  });
  sm.on(ListModelPackageGroupsCommand).resolves({
    ModelPackageGroupSummaryList: [
      {
        ModelPackageGroupName: 'support-llm',
        ModelPackageGroupArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package-group/support-llm',
        CreationTime: T0,
        ModelPackageGroupStatus: 'Completed',
      },
    ],
  });
  sm.on(ListModelPackagesCommand).resolves({
    ModelPackageSummaryList: [
      {
        ModelPackageGroupName: 'support-llm',
        ModelPackageVersion: 3,
        ModelPackageArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/support-llm/3',
        CreationTime: T1,
        ModelPackageStatus: 'Completed',
        ModelApprovalStatus: 'Approved',
      },
    ],
  });
  sm.on(ListProcessingJobsCommand).resolves({
    ProcessingJobSummaries: [
      {
        ProcessingJobName: 'preprocess-1',
        ProcessingJobArn: 'arn:aws:sagemaker:eu-west-1:111122223333:processing-job/preprocess-1',
        CreationTime: T1,
        ProcessingJobStatus: 'Completed',
      },
      {
        ProcessingJobName: 'clarify-bias-1',
        ProcessingJobArn: 'arn:aws:sagemaker:eu-west-1:111122223333:processing-job/clarify-bias-1',
        CreationTime: T0,
        ProcessingJobStatus: 'Completed',
      },
    ],
  });
  const processingJob = (name: string, image: string) => ({
    ProcessingJobName: name,
    ProcessingJobArn: `arn:aws:sagemaker:eu-west-1:111122223333:processing-job/${name}`,
    ProcessingResources: {
      ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge' as const, VolumeSizeInGB: 30 },
    },
    AppSpecification: { ImageUri: image },
    RoleArn: ROLE,
    ProcessingJobStatus: 'Completed' as const,
    CreationTime: T0,
  });
  sm.on(DescribeProcessingJobCommand, { ProcessingJobName: 'preprocess-1' }).resolves(
    processingJob('preprocess-1', '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3'),
  );
  sm.on(DescribeProcessingJobCommand, { ProcessingJobName: 'clarify-bias-1' }).resolves(
    processingJob('clarify-bias-1', '468650794304.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-clarify-processing:1.0'),
  );
  sm.on(ListNotebookInstancesCommand).resolves({
    NotebookInstances: [
      {
        NotebookInstanceName: 'research-nb',
        NotebookInstanceArn: 'arn:aws:sagemaker:eu-west-1:111122223333:notebook-instance/research-nb',
        NotebookInstanceStatus: 'InService',
        InstanceType: 'ml.t3.medium',
        CreationTime: T0,
        LastModifiedTime: T1,
        NotebookInstanceLifecycleConfigName: 'setup-keys',
      },
    ],
  });
  sm.on(DescribeNotebookInstanceCommand, { NotebookInstanceName: 'research-nb' }).resolves({
    NotebookInstanceArn: 'arn:aws:sagemaker:eu-west-1:111122223333:notebook-instance/research-nb',
    NotebookInstanceName: 'research-nb',
    NotebookInstanceStatus: 'InService',
    Url: 'research-nb.notebook.eu-west-1.sagemaker.aws',
    InstanceType: 'ml.t3.medium',
    RoleArn: ROLE,
    LastModifiedTime: T1,
    CreationTime: T0,
    NotebookInstanceLifecycleConfigName: 'setup-keys',
    DirectInternetAccess: 'Enabled',
    VolumeSizeInGB: 5,
    RootAccess: 'Enabled',
    PlatformIdentifier: 'notebook-al2-v3',
    InstanceMetadataServiceConfiguration: { MinimumInstanceMetadataServiceVersion: '1' },
  });
  sm.on(DescribeNotebookInstanceCommand, { NotebookInstanceName: 'secure-nb' }).resolves({
    NotebookInstanceArn: 'arn:aws:sagemaker:eu-west-1:111122223333:notebook-instance/secure-nb',
    NotebookInstanceName: 'secure-nb',
    NotebookInstanceStatus: 'Stopped',
    InstanceType: 'ml.t3.medium',
    SubnetId: 'subnet-0a1b2c3d',
    SecurityGroups: ['sg-0a1b2c3d'],
    RoleArn: ROLE,
    KmsKeyId: KMS,
    NetworkInterfaceId: 'eni-0a1b2c3d',
    LastModifiedTime: T1,
    CreationTime: T0,
    DirectInternetAccess: 'Disabled',
    VolumeSizeInGB: 20,
    RootAccess: 'Disabled',
    PlatformIdentifier: 'notebook-al2023-v1',
    InstanceMetadataServiceConfiguration: { MinimumInstanceMetadataServiceVersion: '2' },
  });
  sm.on(DescribeNotebookInstanceLifecycleConfigCommand).resolves({
    NotebookInstanceLifecycleConfigArn:
      'arn:aws:sagemaker:eu-west-1:111122223333:notebook-instance-lifecycle-config/setup-keys',
    NotebookInstanceLifecycleConfigName: 'setup-keys',
    OnCreate: [{ Content: Buffer.from('#!/bin/bash\npip install -U transformers\n').toString('base64') }],
    OnStart: [{ Content: Buffer.from(SCRIPT).toString('base64') }],
    LastModifiedTime: T1,
    CreationTime: T0,
  });
  sm.on(ListEndpointConfigsCommand).resolves({
    EndpointConfigs: [
      {
        EndpointConfigName: 'llm-config',
        EndpointConfigArn: 'arn:aws:sagemaker:eu-west-1:111122223333:endpoint-config/llm-config',
        CreationTime: T0,
      },
    ],
  });
  sm.on(DescribeEndpointConfigCommand).resolves({
    EndpointConfigName: 'llm-config',
    EndpointConfigArn: 'arn:aws:sagemaker:eu-west-1:111122223333:endpoint-config/llm-config',
    ProductionVariants: [
      {
        VariantName: 'AllTraffic',
        ModelName: 'llm-model',
        InitialInstanceCount: 1,
        InstanceType: 'ml.g5.2xlarge',
        InitialVariantWeight: 1,
      },
      {
        VariantName: 'Serverless',
        ModelName: 'small-model',
        ServerlessConfig: { MemorySizeInMB: 4096, MaxConcurrency: 5 },
      },
    ],
    DataCaptureConfig: {
      EnableCapture: true,
      InitialSamplingPercentage: 100,
      DestinationS3Uri: 's3://ml-capture/llm-endpoint/',
      CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
    },
    KmsKeyId: KMS,
    CreationTime: T0,
  });
  sm.on(ListDomainsCommand).resolves({
    Domains: [
      {
        DomainArn: 'arn:aws:sagemaker:eu-west-1:111122223333:domain/d-abc123def456',
        DomainId: 'd-abc123def456',
        DomainName: 'studio',
        Status: 'InService',
        CreationTime: T0,
        LastModifiedTime: T1,
        Url: 'https://d-abc123def456.studio.eu-west-1.sagemaker.aws',
      },
    ],
  });
  sm.on(DescribeDomainCommand).resolves({
    DomainArn: 'arn:aws:sagemaker:eu-west-1:111122223333:domain/d-abc123def456',
    DomainId: 'd-abc123def456',
    DomainName: 'studio',
    HomeEfsFileSystemId: 'fs-0a1b2c3d',
    Status: 'InService',
    CreationTime: T0,
    LastModifiedTime: T1,
    AuthMode: 'IAM',
    DefaultUserSettings: { ExecutionRole: ROLE, SecurityGroups: ['sg-0studio'] },
    AppNetworkAccessType: 'PublicInternetOnly',
    SubnetIds: ['subnet-0a1b2c3d', 'subnet-1a1b2c3d'],
    Url: 'https://d-abc123def456.studio.eu-west-1.sagemaker.aws',
    VpcId: 'vpc-0a1b2c3d',
  });
}

async function run(): Promise<SnapshotPart> {
  const part = emptyPart();
  const scope = makeScope(part, ACCOUNT, REGION, REGION, {
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' },
    maxAttempts: 1,
  });
  for (const c of SAGEMAKER_COLLECTORS) await c.collect(scope);
  return part;
}

function ofType(part: SnapshotPart, type: string): Resource[] {
  return part.resources.filter((r) => r.type === type);
}

function collection(part: SnapshotPart, type: string) {
  return part.collections.find((c) => c.type === type);
}

function throttled(): SageMakerServiceException {
  return new SageMakerServiceException({
    name: 'ThrottlingException',
    $fault: 'client',
    message: 'Rate exceeded',
    $metadata: { httpStatusCode: 400, attempts: 1 },
  });
}

beforeEach(() => {
  sm.reset();
  happyPath();
});

describe('SageMaker collector', () => {
  it('emits every type with the attributes the checks read', async () => {
    const before = Date.now();
    const part = await run();
    expect(part.collections.map((c) => [c.type, c.status, c.count])).toEqual([
      [SAGEMAKER_TYPES.regionSettings, 'ok', 1],
      [SAGEMAKER_TYPES.notebook, 'ok', 1],
      [SAGEMAKER_TYPES.endpointConfig, 'ok', 1],
      [SAGEMAKER_TYPES.endpoint, 'ok', 1],
      [SAGEMAKER_TYPES.model, 'ok', 1],
      [SAGEMAKER_TYPES.domain, 'ok', 1],
      [SAGEMAKER_TYPES.trainingJob, 'ok', 1],
    ]);

    const [settings] = ofType(part, SAGEMAKER_TYPES.regionSettings);
    expect(settings!.id).toBe('arn:aws:sagemaker:eu-west-1:111122223333:settings');
    expect(settings!.attributes).toEqual({
      endpointCount: 1,
      modelCount: 1,
      trainingJobCountLast90Days: 1,
      monitoringScheduleCount: 1,
      scheduledMonitoringScheduleCount: 1,
      modelPackageGroupCount: 1,
      approvedModelPackageExists: true,
      clarifyJobLast90Days: true,
    });
    // Jobs are listed back 90 days only; the registry question is one call.
    const since = sm.commandCalls(ListTrainingJobsCommand)[0]!.args[0].input.CreationTimeAfter!;
    expect(before - since.getTime()).toBeGreaterThanOrEqual(JOB_LOOKBACK_DAYS * 86_400_000 - 1000);
    expect(before - since.getTime()).toBeLessThan(JOB_LOOKBACK_DAYS * 86_400_000 + 60_000);
    expect(sm.commandCalls(ListModelPackagesCommand)[0]!.args[0].input).toMatchObject({
      ModelApprovalStatus: 'Approved',
      MaxResults: 1,
    });

    const [nb] = ofType(part, SAGEMAKER_TYPES.notebook);
    expect(nb!.id).toBe('arn:aws:sagemaker:eu-west-1:111122223333:notebook-instance/research-nb');
    expect(nb!.attributes).toMatchObject({
      notebookInstanceStatus: 'InService',
      directInternetAccess: 'Enabled',
      rootAccess: 'Enabled',
      kmsKeyId: null,
      subnetId: null,
      securityGroups: [],
      roleArn: ROLE,
      lifecycleConfigName: 'setup-keys',
      platformIdentifier: 'notebook-al2-v3',
      minimumImdsVersion: '1',
      creationTime: '2026-10-01T12:00:00.000Z',
    });

    const [config] = ofType(part, SAGEMAKER_TYPES.endpointConfig);
    expect(config!.attributes).toEqual({
      kmsKeyId: KMS,
      productionVariants: [
        {
          variantName: 'AllTraffic',
          modelName: 'llm-model',
          initialInstanceCount: 1,
          instanceType: 'ml.g5.2xlarge',
          serverless: false,
        },
        {
          variantName: 'Serverless',
          modelName: 'small-model',
          initialInstanceCount: null,
          instanceType: null,
          serverless: true,
        },
      ],
      shadowVariantCount: 0,
      dataCaptureEnabled: true,
      dataCaptureKmsKeyId: null,
      dataCaptureDestination: 's3://ml-capture/llm-endpoint/',
      asyncInference: false,
      asyncOutputKmsKeyId: null,
      executionRoleArn: null,
      enableNetworkIsolation: null,
      vpcConfig: null,
      creationTime: '2026-10-01T12:00:00.000Z',
    });

    const [endpoint] = ofType(part, SAGEMAKER_TYPES.endpoint);
    expect(endpoint!.attributes).toEqual({
      endpointStatus: 'InService',
      endpointConfigName: 'llm-config',
      dataCaptureEnabled: false,
      dataCaptureStatus: null,
      productionVariants: [{ variantName: 'AllTraffic', currentInstanceCount: 1, desiredInstanceCount: 1 }],
      creationTime: '2026-10-01T12:00:00.000Z',
      lastModifiedTime: '2026-10-02T08:30:00.000Z',
    });

    const [model] = ofType(part, SAGEMAKER_TYPES.model);
    expect(model!.attributes).toMatchObject({
      executionRoleArn: ROLE,
      enableNetworkIsolation: false,
      vpcConfig: null,
      containers: [
        {
          image: expect.stringContaining('huggingface-pytorch-tgi-inference'),
          modelDataUrl: null,
          mode: 'SingleModel',
          modelPackageName: null,
        },
      ],
      environmentSecrets: [
        {
          kind: 'huggingface-token',
          name: 'HUGGING_FACE_HUB_TOKEN',
          location: 'Containers[0].Environment',
          redacted: redactSecret(HF_TOKEN),
        },
      ],
    });

    const [domain] = ofType(part, SAGEMAKER_TYPES.domain);
    expect(domain!.attributes).toEqual({
      domainId: 'd-abc123def456',
      status: 'InService',
      authMode: 'IAM',
      appNetworkAccessType: 'PublicInternetOnly',
      kmsKeyId: null,
      vpcId: 'vpc-0a1b2c3d',
      subnetIds: ['subnet-0a1b2c3d', 'subnet-1a1b2c3d'],
      singleSignOnManagedApplicationInstanceId: null,
      singleSignOnApplicationArn: null,
      defaultExecutionRoleArn: ROLE,
      defaultSecurityGroups: ['sg-0studio'],
      creationTime: '2026-10-01T12:00:00.000Z',
    });

    const [job] = ofType(part, SAGEMAKER_TYPES.trainingJob);
    expect(job!.attributes).toEqual({
      trainingJobStatus: 'Completed',
      creationTime: '2026-10-01T12:00:00.000Z',
      trainingEndTime: '2026-10-02T08:30:00.000Z',
      roleArn: ROLE,
      enableNetworkIsolation: false,
      enableInterContainerTrafficEncryption: true,
      volumeKmsKeyId: null,
      outputKmsKeyId: KMS,
      vpcConfig: null,
      inputS3Uris: ['s3://ml-datasets/support/train/', 's3://ml-datasets/support/test/'],
      outputS3Uri: 's3://ml-artifacts/',
      instanceType: 'ml.g5.2xlarge',
      instanceCount: 2,
      environmentSecrets: [
        {
          kind: 'generic-api-key',
          name: 'wandb_api_key',
          location: 'HyperParameters',
          redacted: redactSecret(HP_TOKEN),
        },
      ],
    });
    expect(JSON.stringify(part)).not.toContain(HP_TOKEN);
  });

  it('finds secrets in lifecycle scripts and stores them redacted only', async () => {
    const part = await run();
    const [nb] = ofType(part, SAGEMAKER_TYPES.notebook);
    const secrets = nb!.attributes.lifecycleSecrets as {
      kind: string;
      name: string | null;
      location: string;
      redacted: string;
    }[];
    expect(secrets.map((s) => [s.kind, s.name, s.location]).sort()).toEqual(
      [
        ['aws-access-key-id', 'AWS_ACCESS_KEY_ID', 'OnStart[0] line 3'],
        ['aws-secret-access-key', 'aws_secret_access_key', 'OnStart[0] line 4'],
        ['openai-api-key', 'OPENAI_API_KEY', 'OnStart[0] line 5'],
        ['huggingface-token', null, 'OnStart[0] line 6'],
        ['generic-password', 'DB_PASSWORD', 'OnStart[0] line 7'],
      ].sort(),
    );
    for (const s of secrets) expect(s.redacted).toMatch(/^.{0,4}…[0-9a-f]{12}$/);
    expect(secrets.find((s) => s.kind === 'aws-access-key-id')!.redacted).toBe(redactSecret(AWS_KEY_ID));
    expect(redactSecret(AWS_KEY_ID).startsWith('AKIA…')).toBe(true);
    const json = JSON.stringify(part);
    for (const secret of [AWS_KEY_ID, AWS_SECRET, OPENAI_KEY, HF_TOKEN, DB_PASSWORD]) {
      expect(json).not.toContain(secret);
      // Not even most of it.
      expect(json).not.toContain(secret.slice(0, 10));
    }
    // Neither the script nor its base64 is kept.
    expect(json).not.toContain('huggingface-cli');
    expect(json).not.toContain(Buffer.from(SCRIPT).toString('base64').slice(0, 40));
  });

  it('finds nothing in clean scripts and maps', () => {
    expect(findSecretsInText('#!/bin/bash\npip install -U boto3\nexport TOKEN_FILE=/tmp/t\n', 'OnStart[0]')).toEqual(
      [],
    );
    // A shell variable reference is where a secret comes from, not the secret.
    const shellRef = ['TOKEN=$', '{MY_TOKEN}\nPASSWORD=$(cat /run/secret)\n'].join('');
    expect(findSecretsInText(shellRef, 'OnStart[0]')).toEqual([]);
    expect(
      findSecretsInMap(
        { SM_NUM_GPUS: '1', HF_MODEL_ID: 'meta-llama/Llama-3.1-8B', TOKENIZERS_PARALLELISM: 'false' },
        'Environment',
      ),
    ).toEqual([]);
    expect(
      findSecretsInMap(
        { DB_PASSWORD_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:db' },
        'Environment',
      ),
    ).toEqual([]);
  });

  it('follows NextToken through every page', async () => {
    const tokens: (string | undefined)[] = [];
    sm.on(ListNotebookInstancesCommand).callsFake((input: { NextToken?: string }) => {
      tokens.push(input.NextToken);
      return input.NextToken === 'nb-page-2'
        ? {
            NotebookInstances: [
              {
                NotebookInstanceName: 'secure-nb',
                NotebookInstanceArn: 'arn:aws:sagemaker:eu-west-1:111122223333:notebook-instance/secure-nb',
                NotebookInstanceStatus: 'Stopped',
              },
            ],
          }
        : {
            NotebookInstances: [
              {
                NotebookInstanceName: 'research-nb',
                NotebookInstanceArn: 'arn:aws:sagemaker:eu-west-1:111122223333:notebook-instance/research-nb',
                NotebookInstanceStatus: 'InService',
                NotebookInstanceLifecycleConfigName: 'setup-keys',
              },
            ],
            NextToken: 'nb-page-2',
          };
    });
    const part = await run();
    expect(tokens).toEqual([undefined, 'nb-page-2']);
    const notebooks = ofType(part, SAGEMAKER_TYPES.notebook);
    expect(notebooks.map((n) => n.name).sort()).toEqual(['research-nb', 'secure-nb']);
    expect(notebooks.find((n) => n.name === 'secure-nb')!.attributes).toMatchObject({
      directInternetAccess: 'Disabled',
      rootAccess: 'Disabled',
      kmsKeyId: KMS,
      subnetId: 'subnet-0a1b2c3d',
      securityGroups: ['sg-0a1b2c3d'],
      lifecycleConfigName: null,
      minimumImdsVersion: '2',
      lifecycleSecrets: [],
    });
  });

  it('marks only the throttled type as failed, naming the call', async () => {
    sm.on(DescribeNotebookInstanceLifecycleConfigCommand).rejects(throttled());
    const part = await run();
    expect(collection(part, SAGEMAKER_TYPES.notebook)).toEqual({
      cloud: 'aws',
      account: ACCOUNT,
      region: REGION,
      type: SAGEMAKER_TYPES.notebook,
      status: 'error',
      count: 0,
      error: {
        code: 'ThrottlingException',
        message: 'Rate exceeded',
        operation: 'sagemaker:DescribeNotebookInstanceLifecycleConfig',
      },
    });
    for (const t of Object.values(SAGEMAKER_TYPES).filter((t) => t !== SAGEMAKER_TYPES.notebook)) {
      expect(collection(part, t)).toMatchObject({ status: 'ok', count: 1 });
    }
  });

  it('fails region settings and training jobs together when their shared list is throttled', async () => {
    sm.on(ListTrainingJobsCommand).rejects(throttled());
    const part = await run();
    for (const t of [SAGEMAKER_TYPES.regionSettings, SAGEMAKER_TYPES.trainingJob]) {
      expect(collection(part, t)).toMatchObject({
        status: 'error',
        error: { code: 'ThrottlingException', operation: 'sagemaker:ListTrainingJobs' },
      });
    }
    expect(collection(part, SAGEMAKER_TYPES.model)).toMatchObject({ status: 'ok', count: 1 });
  });

  it('leaves the Clarify answer out when the search was cut short', async () => {
    const many = Array.from({ length: 120 }, (_, i) => ({
      ProcessingJobName: `batch-${i}`,
      ProcessingJobArn: `arn:aws:sagemaker:eu-west-1:111122223333:processing-job/batch-${i}`,
      CreationTime: T0,
      ProcessingJobStatus: 'Completed' as const,
    }));
    sm.on(ListProcessingJobsCommand)
      .resolvesOnce({ ProcessingJobSummaries: many, NextToken: 'p2' })
      .resolvesOnce({ ProcessingJobSummaries: many, NextToken: 'p3' })
      .resolves({ ProcessingJobSummaries: many });
    sm.on(DescribeProcessingJobCommand).resolves({
      ProcessingJobName: 'batch',
      ProcessingJobArn: 'arn:aws:sagemaker:eu-west-1:111122223333:processing-job/batch',
      ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 } },
      AppSpecification: {
        ImageUri: '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3',
      },
      ProcessingJobStatus: 'Completed',
      CreationTime: T0,
    });
    const part = await run();
    expect(sm.commandCalls(DescribeProcessingJobCommand)).toHaveLength(200);
    expect(ofType(part, SAGEMAKER_TYPES.regionSettings)[0]!.attributes).not.toHaveProperty('clarifyJobLast90Days');
  });

  it('names the call in the error whichever call fails', async () => {
    await run();
    const sent = new Map<string, unknown>();
    for (const call of sm.calls()) {
      const ctor = call.args[0].constructor;
      sent.set(`sagemaker:${ctor.name.replace(/Command$/, '')}`, ctor);
    }
    expect(sent.size).toBeGreaterThanOrEqual(17);
    for (const [action, ctor] of sent) {
      sm.reset();
      happyPath();
      // biome-ignore lint/suspicious/noExplicitAny: the command class comes from the recorded calls
      (sm as any).on(ctor).rejects(throttled());
      const part = await run();
      const failed = part.collections.filter((c) => c.status === 'error');
      expect({ action, failed: failed.length > 0 }).toEqual({ action, failed: true });
      expect({ action, operations: [...new Set(failed.map((c) => c.error?.operation))] }).toEqual({
        action,
        operations: [action],
      });
    }
  });

  it('sends only the IAM actions it declares', async () => {
    await run();
    const [collector] = SAGEMAKER_COLLECTORS;
    const sent = new Set(sm.calls().map((c) => `sagemaker:${c.args[0].constructor.name.replace(/Command$/, '')}`));
    expect([...sent].filter((a) => !collector!.actions.includes(a))).toEqual([]);
    expect(collector!.actions.filter((a) => !sent.has(a))).toEqual([]);
  });

  it('gives every SageMaker check a pass or fail on what it collects', async () => {
    const part = await run();
    const { checks } = await loadChecks();
    const mine = checks.filter((c) => c.resource.startsWith('aws.sagemaker.'));
    expect(mine.length).toBeGreaterThanOrEqual(17);
    const outcomes: Record<string, string[]> = {};
    for (const check of mine) {
      for (const r of ofType(part, check.resource)) {
        const result = evaluateOne(check, r, {}, '2026-10-15T00:00:00.000Z');
        if (!result) continue;
        outcomes[check.id] = [...(outcomes[check.id] ?? []), result.status];
        expect({ check: check.id, status: result.status, reason: result.reason }).toMatchObject({
          status: expect.stringMatching(/^(pass|fail)$/),
        });
      }
    }
    expect(outcomes['jackstop.aws.sagemaker.notebook-no-secrets']).toEqual(['fail']);
    expect(outcomes['jackstop.aws.sagemaker.notebook-no-direct-internet']).toEqual(['fail']);
    expect(outcomes['jackstop.aws.sagemaker.endpoint-config-kms']).toEqual(['pass']);
    expect(outcomes['jackstop.aws.sagemaker.endpoint-config-multi-instance']).toEqual(['fail']);
    expect(outcomes['jackstop.aws.sagemaker.clarify-exists']).toEqual(['pass']);
    expect(outcomes['jackstop.aws.sagemaker.training-job-intercontainer-encryption']).toEqual(['pass']);
    expect(outcomes['jackstop.aws.sagemaker.training-job-encryption']).toEqual(['fail']);
    expect(outcomes['jackstop.aws.sagemaker.model-no-secrets']).toEqual(['fail']);
  });
});
