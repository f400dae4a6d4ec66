/**
 * Amazon SageMaker AI, per region: notebook instances (with secrets found in their lifecycle
 * scripts, redacted), endpoint configs, endpoints, models, Studio domains, training jobs of the last
 * 90 days, and the region's "is it used" settings (Clarify, Model Monitor, model registry).
 * Read-only, paginated; details are read a few at a time. Script contents, environment values and
 * hyperparameters are never stored: only findings about secrets in them.
 */
import { createHash } from 'node:crypto';
import {
  DescribeDomainCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeNotebookInstanceCommand,
  DescribeNotebookInstanceLifecycleConfigCommand,
  type DescribeNotebookInstanceLifecycleConfigOutput,
  type DescribeNotebookInstanceOutput,
  DescribeProcessingJobCommand,
  DescribeTrainingJobCommand,
  ListModelPackagesCommand,
  paginateListDomains,
  paginateListEndpointConfigs,
  paginateListEndpoints,
  paginateListModelPackageGroups,
  paginateListModels,
  paginateListMonitoringSchedules,
  paginateListNotebookInstances,
  paginateListProcessingJobs,
  paginateListTrainingJobs,
  SageMakerClient,
  type VpcConfig,
} from '@aws-sdk/client-sagemaker';
import type { Resource } from '../snapshot.js';
import { Calls, endpointMissing, iso, listAll, notFound, once, partitionOf } from './bedrock.js';
import type { AwsScope, AwsServiceCollector } from './collect.js';

export const SAGEMAKER_TYPES = {
  regionSettings: 'aws.sagemaker.region-settings',
  notebook: 'aws.sagemaker.notebook',
  endpointConfig: 'aws.sagemaker.endpoint-config',
  endpoint: 'aws.sagemaker.endpoint',
  model: 'aws.sagemaker.model',
  domain: 'aws.sagemaker.domain',
  trainingJob: 'aws.sagemaker.training-job',
} as const;

/** Training and processing jobs are read back this far: busy accounts have thousands of old ones. */
export const JOB_LOOKBACK_DAYS = 90;
/** Processing jobs described at most per region when looking for a Clarify job. */
export const MAX_PROCESSING_JOBS_INSPECTED = 200;
/** Clarify runs as a processing job on this AWS image. */
const CLARIFY_IMAGE = 'sagemaker-clarify-processing';

// ---------------------------------------------------------------------------------------------
// Secrets in scripts, environment variables and hyperparameters
// ---------------------------------------------------------------------------------------------

/** A secret found somewhere: what it looks like, where, and a redacted form (never the value). */
export interface SecretFinding {
  kind: string;
  /** The variable or key that held it, when it was an assignment. */
  name: string | null;
  /** `OnStart[0] line 3`, `Environment`, `HyperParameters` … */
  location: string;
  /** First characters (4 at most, fewer for short values) + `…` + the first 12 hex of its SHA-256. */
  redacted: string;
}

/** Enough to recognise a secret (and match it elsewhere by fingerprint), never enough to use it. */
export function redactSecret(secret: string): string {
  const shown = secret.length >= 16 ? 4 : Math.floor(secret.length / 4);
  return `${secret.slice(0, shown)}…${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;
}

/** Formats with a recognisable shape (gitleaks-style facts about key formats; our own expressions). */
const SECRET_PATTERNS: readonly { kind: string; re: RegExp }[] = [
  { kind: 'aws-access-key-id', re: /\b((?:AKIA|ASIA)[A-Z0-9]{16})\b/g },
  {
    kind: 'aws-secret-access-key',
    re: /aws_?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/gi,
  },
  { kind: 'bedrock-api-key', re: /\b(ABSK[A-Za-z0-9+/]{100,}={0,2})/g },
  { kind: 'bedrock-api-key', re: /(bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=%&._-]*)/g },
  { kind: 'anthropic-api-key', re: /\b(sk-ant-[a-z]+\d*-[A-Za-z0-9_-]{20,})/g },
  { kind: 'openai-api-key', re: /\b(sk-(?!ant-)[A-Za-z0-9_-]{20,})/g },
  { kind: 'huggingface-token', re: /\b((?:hf_|api_org_)[A-Za-z0-9]{30,})\b/g },
  { kind: 'github-token', re: /\b((?:ghp|gho|ghu|ghs|ghr|github_pat)_[A-Za-z0-9_]{36,})\b/g },
  { kind: 'google-api-key', re: /\b(AIza[A-Za-z0-9_-]{35})/g },
  { kind: 'private-key', re: /(-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----)/g },
  { kind: 'url-credentials', re: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:([^\s@/]+)@/gi },
];

/** A variable or key name that says it holds a secret. */
const SECRET_NAME = /password|passwd|pwd|token|secret|api[_-]?key|apikey|access[_-]?key|credential/i;

/**
 * `NAME=value`, `name: value`, `"name": "value"` with a secret-sounding name and a literal value
 * (not `$VAR`, `$(command)`, a call, or a template), which must end where the statement ends.
 */
const ASSIGNMENT =
  /([A-Za-z0-9_.-]*(?:password|passwd|pwd|token|secret|api[_-]?key|apikey|access[_-]?key|credential)[A-Za-z0-9_.-]*)["']?\s*[:=]\s*(["']?)([^\s"'`;&|<>(){}[\],$]{6,})\2(?=[\s"'`;&|,)}\]]|$)/gim;

/** Values that name where a secret is rather than being one. */
function isReference(value: string): boolean {
  return (
    /^(?:\$|\{\{|%|<)/.test(value) ||
    /^(?:arn:|s3:\/\/|ssm:|resolve:|\/)/i.test(value) ||
    /^(?:true|false|none|null|nil|undefined|required|optional)$/i.test(value)
  );
}

function genericKind(name: string): string {
  if (/pass|pwd/i.test(name)) return 'generic-password';
  if (/token/i.test(name)) return 'generic-token';
  if (/key/i.test(name)) return 'generic-api-key';
  return 'generic-secret';
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Secrets in a script or config text. `location` names the text (`OnStart[0]`); the line is added. */
export function findSecretsInText(text: string, location: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  const seen = new Set<string>();
  // Assignments first: they give the specific matches their variable name.
  const assigned = new Map<string, { name: string; index: number }>();
  for (const m of text.matchAll(ASSIGNMENT)) {
    const value = m[3]!;
    if (!isReference(value) && !assigned.has(value)) assigned.set(value, { name: m[1]!, index: m.index });
  }
  for (const { kind, re } of SECRET_PATTERNS) {
    for (const m of text.matchAll(re)) {
      const value = m[1]!;
      if (seen.has(value)) continue;
      seen.add(value);
      const name = assigned.get(value)?.name ?? null;
      out.push({ kind, name, location: `${location} line ${lineAt(text, m.index)}`, redacted: redactSecret(value) });
    }
  }
  for (const [value, { name, index }] of assigned) {
    // A value that merely contains an already reported key (`Bearer sk-…`) is the same secret.
    if (seen.has(value) || [...seen].some((s) => value.includes(s))) continue;
    seen.add(value);
    out.push({
      kind: genericKind(name),
      name,
      location: `${location} line ${lineAt(text, index)}`,
      redacted: redactSecret(value),
    });
  }
  return out;
}

/** Secrets in a name → value map (environment variables, hyperparameters). */
export function findSecretsInMap(map: Record<string, string> | undefined, location: string): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const [name, raw] of Object.entries(map ?? {})) {
    const value = String(raw ?? '');
    let matched = false;
    for (const { kind, re } of SECRET_PATTERNS) {
      for (const m of value.matchAll(re)) {
        matched = true;
        out.push({ kind, name, location, redacted: redactSecret(m[1]!) });
      }
    }
    // SageMaker's Python SDK JSON-encodes hyperparameter values: `"\"s3cr3t\""`.
    const bare = value.replace(/^"+|"+$/g, '').trim();
    if (!matched && SECRET_NAME.test(name) && bare.length >= 6 && !/\s/.test(bare) && !isReference(bare)) {
      out.push({ kind: genericKind(name), name, location, redacted: redactSecret(bare) });
    }
  }
  return out;
}

/** Secrets in a notebook lifecycle configuration's base64 OnCreate/OnStart scripts. */
export function findLifecycleSecrets(config: DescribeNotebookInstanceLifecycleConfigOutput): SecretFinding[] {
  const out: SecretFinding[] = [];
  for (const hook of ['OnCreate', 'OnStart'] as const) {
    (config[hook] ?? []).forEach((script, i) => {
      if (!script.Content) return;
      const text = Buffer.from(script.Content, 'base64').toString('utf8');
      out.push(...findSecretsInText(text, `${hook}[${i}]`));
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Collector
// ---------------------------------------------------------------------------------------------

function vpc(v: VpcConfig | undefined): { subnets: string[]; securityGroupIds: string[] } | null {
  return v ? { subnets: v.Subnets ?? [], securityGroupIds: v.SecurityGroupIds ?? [] } : null;
}

async function collectSageMaker(scope: AwsScope): Promise<void> {
  const sm = scope.client(SageMakerClient);
  const { region, account } = scope;
  const since = new Date(Date.now() - JOB_LOOKBACK_DAYS * 86_400_000);

  // Listed once: region settings count them, their own types describe them.
  const endpointList = once(() => listAll(paginateListEndpoints({ client: sm }, {}), (p) => p.Endpoints));
  const modelList = once(() => listAll(paginateListModels({ client: sm }, {}), (p) => p.Models));
  const trainingJobList = once(() =>
    listAll(paginateListTrainingJobs({ client: sm }, { CreationTimeAfter: since }), (p) => p.TrainingJobSummaries),
  );

  await scope.collect(SAGEMAKER_TYPES.regionSettings, async (current) => {
    try {
      return await regionSettings(new Calls(current));
    } catch (e) {
      if (endpointMissing(e)) return []; // SageMaker is not offered in this region.
      throw e;
    }
  });

  async function regionSettings(calls: Calls): Promise<Resource[]> {
    const endpoints = await calls.run('sagemaker:ListEndpoints', endpointList);
    const models = await calls.run('sagemaker:ListModels', modelList);
    const trainingJobs = await calls.run('sagemaker:ListTrainingJobs', trainingJobList);
    const schedules = await calls.run('sagemaker:ListMonitoringSchedules', () =>
      listAll(paginateListMonitoringSchedules({ client: sm }, {}), (p) => p.MonitoringScheduleSummaries),
    );
    const groups = await calls.run('sagemaker:ListModelPackageGroups', () =>
      listAll(paginateListModelPackageGroups({ client: sm }, {}), (p) => p.ModelPackageGroupSummaryList),
    );
    // One approved package anywhere is all the registry check asks: one call, one result.
    const approved = await calls.run('sagemaker:ListModelPackages', () =>
      sm.send(
        new ListModelPackagesCommand({ ModelApprovalStatus: 'Approved', ModelPackageType: 'Both', MaxResults: 1 }),
      ),
    );

    // Clarify: newest processing jobs first, stop at the first Clarify one or after the cap.
    let clarifyFound = false;
    let inspected = 0;
    let capped = false;
    await calls.run('sagemaker:ListProcessingJobs', async () => {
      const pages = paginateListProcessingJobs(
        { client: sm },
        { CreationTimeAfter: since, SortBy: 'CreationTime', SortOrder: 'Descending' },
      );
      for await (const page of pages) {
        const jobs = (page.ProcessingJobSummaries ?? []).slice(0, MAX_PROCESSING_JOBS_INSPECTED - inspected);
        inspected += jobs.length;
        await calls.each(jobs, async (job) => {
          if (clarifyFound) return;
          try {
            const d = await calls.run('sagemaker:DescribeProcessingJob', () =>
              sm.send(new DescribeProcessingJobCommand({ ProcessingJobName: job.ProcessingJobName })),
            );
            if (d.AppSpecification?.ImageUri?.includes(CLARIFY_IMAGE)) clarifyFound = true;
          } catch (e) {
            if (!notFound(e)) throw e;
          }
        });
        if (clarifyFound) break;
        if (inspected >= MAX_PROCESSING_JOBS_INSPECTED) {
          capped = true;
          break;
        }
      }
    });

    const attributes: Record<string, unknown> = {
      endpointCount: endpoints.length,
      modelCount: models.length,
      trainingJobCountLast90Days: trainingJobs.length,
      monitoringScheduleCount: schedules.length,
      scheduledMonitoringScheduleCount: schedules.filter((s) => s.MonitoringScheduleStatus === 'Scheduled').length,
      modelPackageGroupCount: groups.length,
      approvedModelPackageExists: (approved.ModelPackageSummaryList?.length ?? 0) > 0,
    };
    // Unknown (left out) when the cap stopped the search before a Clarify job turned up.
    if (clarifyFound || !capped) attributes.clarifyJobLast90Days = clarifyFound;
    return [
      scope.resource(
        SAGEMAKER_TYPES.regionSettings,
        `arn:${partitionOf(region)}:sagemaker:${region}:${account}:settings`,
        region,
        attributes,
      ),
    ];
  }

  await scope.collect(SAGEMAKER_TYPES.notebook, async (current) => {
    const calls = new Calls(current);
    const list = await calls.run('sagemaker:ListNotebookInstances', () =>
      listAll(paginateListNotebookInstances({ client: sm }, {}), (p) => p.NotebookInstances),
    );
    // Several notebooks often share one lifecycle configuration.
    const lifecycle = new Map<string, Promise<DescribeNotebookInstanceLifecycleConfigOutput | null>>();
    const readLifecycle = (name: string) => {
      let p = lifecycle.get(name);
      if (!p) {
        p = calls
          .run('sagemaker:DescribeNotebookInstanceLifecycleConfig', () =>
            sm.send(new DescribeNotebookInstanceLifecycleConfigCommand({ NotebookInstanceLifecycleConfigName: name })),
          )
          .catch((e: unknown) => {
            if (notFound(e)) return null;
            throw e;
          });
        lifecycle.set(name, p);
      }
      return p;
    };
    const out: Resource[] = [];
    await calls.each(list, async (summary) => {
      let d: DescribeNotebookInstanceOutput;
      try {
        d = await calls.run('sagemaker:DescribeNotebookInstance', () =>
          sm.send(new DescribeNotebookInstanceCommand({ NotebookInstanceName: summary.NotebookInstanceName })),
        );
      } catch (e) {
        if (notFound(e)) return;
        throw e;
      }
      const attributes: Record<string, unknown> = {
        notebookInstanceStatus: d.NotebookInstanceStatus ?? null,
        instanceType: d.InstanceType ?? null,
        directInternetAccess: d.DirectInternetAccess ?? null,
        rootAccess: d.RootAccess ?? null,
        kmsKeyId: d.KmsKeyId ?? null,
        subnetId: d.SubnetId ?? null,
        securityGroups: d.SecurityGroups ?? [],
        roleArn: d.RoleArn ?? null,
        lifecycleConfigName: d.NotebookInstanceLifecycleConfigName ?? null,
        platformIdentifier: d.PlatformIdentifier ?? null,
        minimumImdsVersion: d.InstanceMetadataServiceConfiguration?.MinimumInstanceMetadataServiceVersion ?? null,
        volumeSizeInGB: d.VolumeSizeInGB ?? null,
        creationTime: iso(d.CreationTime),
      };
      if (d.NotebookInstanceLifecycleConfigName) {
        const config = await readLifecycle(d.NotebookInstanceLifecycleConfigName);
        // A configuration that vanished meanwhile: unknown, so the key stays out.
        if (config) attributes.lifecycleSecrets = findLifecycleSecrets(config);
      } else {
        attributes.lifecycleSecrets = [];
      }
      out.push(
        scope.resource(
          SAGEMAKER_TYPES.notebook,
          d.NotebookInstanceArn ?? summary.NotebookInstanceArn!,
          d.NotebookInstanceName ?? summary.NotebookInstanceName,
          attributes,
        ),
      );
    });
    return out;
  });

  await scope.collect(SAGEMAKER_TYPES.endpointConfig, async (current) => {
    const calls = new Calls(current);
    const list = await calls.run('sagemaker:ListEndpointConfigs', () =>
      listAll(paginateListEndpointConfigs({ client: sm }, {}), (p) => p.EndpointConfigs),
    );
    const out: Resource[] = [];
    await calls.each(list, async (summary) => {
      try {
        const c = await calls.run('sagemaker:DescribeEndpointConfig', () =>
          sm.send(new DescribeEndpointConfigCommand({ EndpointConfigName: summary.EndpointConfigName })),
        );
        const dc = c.DataCaptureConfig;
        out.push(
          scope.resource(
            SAGEMAKER_TYPES.endpointConfig,
            c.EndpointConfigArn ?? summary.EndpointConfigArn!,
            c.EndpointConfigName ?? summary.EndpointConfigName,
            {
              kmsKeyId: c.KmsKeyId ?? null,
              productionVariants: (c.ProductionVariants ?? []).map((v) => ({
                variantName: v.VariantName ?? null,
                modelName: v.ModelName ?? null,
                // Serverless variants have no instances: null.
                initialInstanceCount: v.InitialInstanceCount ?? null,
                instanceType: v.InstanceType ?? null,
                serverless: v.ServerlessConfig !== undefined,
              })),
              shadowVariantCount: c.ShadowProductionVariants?.length ?? 0,
              // EnableCapture defaults to true when a capture configuration is present.
              dataCaptureEnabled: dc ? (dc.EnableCapture ?? true) : false,
              dataCaptureKmsKeyId: dc?.KmsKeyId ?? null,
              dataCaptureDestination: dc?.DestinationS3Uri ?? null,
              asyncInference: c.AsyncInferenceConfig !== undefined,
              asyncOutputKmsKeyId: c.AsyncInferenceConfig?.OutputConfig?.KmsKeyId ?? null,
              executionRoleArn: c.ExecutionRoleArn ?? null,
              enableNetworkIsolation: c.EnableNetworkIsolation ?? null,
              vpcConfig: vpc(c.VpcConfig),
              creationTime: iso(c.CreationTime),
            },
          ),
        );
      } catch (e) {
        if (!notFound(e)) throw e;
      }
    });
    return out;
  });

  await scope.collect(SAGEMAKER_TYPES.endpoint, async (current) => {
    const calls = new Calls(current);
    const list = await calls.run('sagemaker:ListEndpoints', endpointList);
    const out: Resource[] = [];
    await calls.each(list, async (summary) => {
      try {
        const e = await calls.run('sagemaker:DescribeEndpoint', () =>
          sm.send(new DescribeEndpointCommand({ EndpointName: summary.EndpointName })),
        );
        out.push(
          scope.resource(SAGEMAKER_TYPES.endpoint, e.EndpointArn ?? summary.EndpointArn!, e.EndpointName, {
            endpointStatus: e.EndpointStatus ?? null,
            endpointConfigName: e.EndpointConfigName ?? null,
            dataCaptureEnabled: e.DataCaptureConfig?.EnableCapture ?? false,
            dataCaptureStatus: e.DataCaptureConfig?.CaptureStatus ?? null,
            productionVariants: (e.ProductionVariants ?? []).map((v) => ({
              variantName: v.VariantName ?? null,
              currentInstanceCount: v.CurrentInstanceCount ?? null,
              desiredInstanceCount: v.DesiredInstanceCount ?? null,
            })),
            creationTime: iso(e.CreationTime),
            lastModifiedTime: iso(e.LastModifiedTime),
          }),
        );
      } catch (err) {
        if (!notFound(err)) throw err;
      }
    });
    return out;
  });

  await scope.collect(SAGEMAKER_TYPES.model, async (current) => {
    const calls = new Calls(current);
    const list = await calls.run('sagemaker:ListModels', modelList);
    const out: Resource[] = [];
    await calls.each(list, async (summary) => {
      try {
        const m = await calls.run('sagemaker:DescribeModel', () =>
          sm.send(new DescribeModelCommand({ ModelName: summary.ModelName })),
        );
        const containers = [...(m.PrimaryContainer ? [m.PrimaryContainer] : []), ...(m.Containers ?? [])];
        out.push(
          scope.resource(SAGEMAKER_TYPES.model, m.ModelArn ?? summary.ModelArn!, m.ModelName ?? summary.ModelName, {
            executionRoleArn: m.ExecutionRoleArn ?? null,
            // The API leaves it out when off (its default).
            enableNetworkIsolation: m.EnableNetworkIsolation ?? false,
            vpcConfig: vpc(m.VpcConfig),
            inferenceExecutionMode: m.InferenceExecutionConfig?.Mode ?? null,
            containers: containers.map((c) => ({
              image: c.Image ?? null,
              modelDataUrl: c.ModelDataUrl ?? c.ModelDataSource?.S3DataSource?.S3Uri ?? null,
              mode: c.Mode ?? null,
              modelPackageName: c.ModelPackageName ?? null,
            })),
            environmentSecrets: containers.flatMap((c, i) =>
              findSecretsInMap(c.Environment, `Containers[${i}].Environment`),
            ),
            creationTime: iso(m.CreationTime),
          }),
        );
      } catch (e) {
        if (!notFound(e)) throw e;
      }
    });
    return out;
  });

  await scope.collect(SAGEMAKER_TYPES.domain, async (current) => {
    const calls = new Calls(current);
    const list = await calls.run('sagemaker:ListDomains', () =>
      listAll(paginateListDomains({ client: sm }, {}), (p) => p.Domains),
    );
    const out: Resource[] = [];
    await calls.each(list, async (summary) => {
      try {
        const d = await calls.run('sagemaker:DescribeDomain', () =>
          sm.send(new DescribeDomainCommand({ DomainId: summary.DomainId })),
        );
        out.push(
          scope.resource(
            SAGEMAKER_TYPES.domain,
            d.DomainArn ?? summary.DomainArn!,
            d.DomainName ?? summary.DomainName,
            {
              domainId: d.DomainId ?? summary.DomainId ?? null,
              status: d.Status ?? null,
              authMode: d.AuthMode ?? null,
              appNetworkAccessType: d.AppNetworkAccessType ?? null,
              kmsKeyId: d.KmsKeyId ?? null,
              vpcId: d.VpcId ?? null,
              subnetIds: d.SubnetIds ?? [],
              singleSignOnManagedApplicationInstanceId: d.SingleSignOnManagedApplicationInstanceId ?? null,
              singleSignOnApplicationArn: d.SingleSignOnApplicationArn ?? null,
              defaultExecutionRoleArn: d.DefaultUserSettings?.ExecutionRole ?? null,
              defaultSecurityGroups: d.DefaultUserSettings?.SecurityGroups ?? [],
              creationTime: iso(d.CreationTime),
            },
          ),
        );
      } catch (e) {
        if (!notFound(e)) throw e;
      }
    });
    return out;
  });

  await scope.collect(SAGEMAKER_TYPES.trainingJob, async (current) => {
    const calls = new Calls(current);
    const list = await calls.run('sagemaker:ListTrainingJobs', trainingJobList);
    const out: Resource[] = [];
    await calls.each(list, async (summary) => {
      try {
        const j = await calls.run('sagemaker:DescribeTrainingJob', () =>
          sm.send(new DescribeTrainingJobCommand({ TrainingJobName: summary.TrainingJobName })),
        );
        const rc = j.ResourceConfig;
        const groups = rc?.InstanceGroups ?? [];
        out.push(
          scope.resource(
            SAGEMAKER_TYPES.trainingJob,
            j.TrainingJobArn ?? summary.TrainingJobArn!,
            j.TrainingJobName ?? summary.TrainingJobName,
            {
              trainingJobStatus: j.TrainingJobStatus ?? null,
              creationTime: iso(j.CreationTime),
              trainingEndTime: iso(j.TrainingEndTime),
              roleArn: j.RoleArn ?? null,
              // Both default to off and the API may leave them out then.
              enableNetworkIsolation: j.EnableNetworkIsolation ?? false,
              enableInterContainerTrafficEncryption: j.EnableInterContainerTrafficEncryption ?? false,
              volumeKmsKeyId: rc?.VolumeKmsKeyId ?? null,
              outputKmsKeyId: j.OutputDataConfig?.KmsKeyId ?? null,
              vpcConfig: vpc(j.VpcConfig),
              inputS3Uris: (j.InputDataConfig ?? [])
                .map((c) => c.DataSource?.S3DataSource?.S3Uri)
                .filter((u): u is string => typeof u === 'string'),
              outputS3Uri: j.OutputDataConfig?.S3OutputPath ?? null,
              instanceType: rc?.InstanceType ?? null,
              instanceCount:
                rc?.InstanceCount ??
                (groups.length > 0 ? groups.reduce((n, g) => n + (g.InstanceCount ?? 0), 0) : null),
              environmentSecrets: [
                ...findSecretsInMap(j.Environment, 'Environment'),
                ...findSecretsInMap(j.HyperParameters, 'HyperParameters'),
              ],
            },
          ),
        );
      } catch (e) {
        if (!notFound(e)) throw e;
      }
    });
    return out;
  });
}

export const SAGEMAKER_COLLECTORS: readonly AwsServiceCollector[] = [
  {
    name: 'sagemaker',
    regional: true,
    types: Object.values(SAGEMAKER_TYPES),
    actions: [
      'sagemaker:ListEndpoints',
      'sagemaker:DescribeEndpoint',
      'sagemaker:ListModels',
      'sagemaker:DescribeModel',
      'sagemaker:ListTrainingJobs',
      'sagemaker:DescribeTrainingJob',
      'sagemaker:ListMonitoringSchedules',
      'sagemaker:ListModelPackageGroups',
      'sagemaker:ListModelPackages',
      'sagemaker:ListProcessingJobs',
      'sagemaker:DescribeProcessingJob',
      'sagemaker:ListNotebookInstances',
      'sagemaker:DescribeNotebookInstance',
      'sagemaker:DescribeNotebookInstanceLifecycleConfig',
      'sagemaker:ListEndpointConfigs',
      'sagemaker:DescribeEndpointConfig',
      'sagemaker:ListDomains',
      'sagemaker:DescribeDomain',
    ],
    collect: collectSageMaker,
  },
];
