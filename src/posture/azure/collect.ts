/**
 * The Azure collector: read-only calls through the official ARM SDK clients, for every enabled
 * subscription the credential sees (or the ones asked for). Azure's list APIs are subscription-wide,
 * so each resource type is one collection per subscription at region `global` (each resource keeps
 * its own location in `region`): a 403 or 429 on one type marks exactly that type in that
 * subscription as failed. Sub-resources (deployments, content filters, diagnostic settings,
 * computes) take one call per parent; any failed call fails the whole type in the subscription, so
 * the checks that need it say "could not check" rather than trusting a partial list.
 */
import { CognitiveServicesManagementClient } from '@azure/arm-cognitiveservices';
import { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import { MonitorClient } from '@azure/arm-monitor';
import { SubscriptionClient } from '@azure/arm-subscriptions';
import type { CommonClientOptions } from '@azure/core-client';
import { createPipelineRequest } from '@azure/core-rest-pipeline';
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { errorMessage, JackstopError } from '../../errors.js';
import { collectType, emptyPart, forEachLimited, type SnapshotPart } from '../collect.js';
import { type Collection, GLOBAL_REGION, type Resource } from '../snapshot.js';
import { arr, codedError, obj, statusOf, str } from './arm.js';
import { listAccounts, listDeployments, listRaiPolicies, parentOf } from './cognitive.js';
import { listComputes, listWorkspaces, ML_API_VERSION } from './ml.js';
import { diagnosticSettingsApiVersion, listDiagnosticSettings } from './monitor.js';
import { DEPLOYMENT_KINDS, AZURE_TYPES as T } from './types.js';

export type { TokenCredential };

/** Options every SDK client gets (tests inject an `httpClient`; sovereign clouds set `endpoint` and `credentialScopes`). */
export type AzureClientOptions = CommonClientOptions & { endpoint?: string; credentialScopes?: string | string[] };

export interface AzureCollectOptions {
  /** Default: `DefaultAzureCredential` (environment, workload identity, managed identity, Azure CLI …). */
  credential?: TokenCredential;
  /** Subscription ids to read; default: every enabled subscription the credential can list. */
  subscriptions?: string[];
  /** Subscriptions read at once (default 2). */
  concurrency?: number;
  /** Per-parent calls (deployments, diagnostic settings …) at once within a subscription (default 4). */
  parentConcurrency?: number;
  /** Retries per call, 429 with Retry-After included (default 6). */
  maxRetries?: number;
  clientOptions?: AzureClientOptions;
}

const ARM_ENDPOINT = 'https://management.azure.com';
const SUBSCRIPTIONS_API_VERSION = '2022-12-01';
/** Subscriptions in these states cannot be read (or hold nothing to read). */
const SKIPPED_SUBSCRIPTION_STATES = new Set(['Disabled', 'Deleted']);

function baseOptions(o: AzureCollectOptions): AzureClientOptions {
  const given = o.clientOptions ?? {};
  return {
    ...given,
    retryOptions: {
      maxRetries: o.maxRetries ?? 6,
      retryDelayInMs: 1000,
      maxRetryDelayInMs: 60_000,
      ...given.retryOptions,
    },
    userAgentOptions: { userAgentPrefix: 'jackstop-posture', ...given.userAgentOptions },
  };
}

function endpointOf(base: AzureClientOptions): string {
  return (base.endpoint ?? ARM_ENDPOINT).replace(/\/+$/, '');
}

/**
 * Lists the subscriptions the credential can see (`GET /subscriptions`). `@azure/arm-subscriptions`
 * 6 no longer has this operation (it moved to `@azure/arm-resources-subscriptions`, not a
 * dependency), so the request goes through that client's pipeline: same credential, retries and
 * error handling as every other call.
 */
async function listSubscriptions(
  credential: TokenCredential,
  base: AzureClientOptions,
): Promise<{ id: string; name?: string }[]> {
  // Constructors fill in defaults on the options they get: each client gets its own copy.
  const client = new SubscriptionClient(credential, { ...base });
  const out: { id: string; name?: string }[] = [];
  let url: string | null = `${endpointOf(base)}/subscriptions?api-version=${SUBSCRIPTIONS_API_VERSION}`;
  for (let page = 0; url && page < 1000; page++) {
    const res = await client.sendRequest(createPipelineRequest({ url, method: 'GET' }));
    let body: unknown;
    try {
      body = JSON.parse(res.bodyAsText ?? '');
    } catch {
      body = null;
    }
    if (res.status !== 200) {
      const err = obj(obj(body)?.error);
      throw Object.assign(
        codedError(str(err?.code) ?? `HTTP ${res.status}`, str(err?.message) ?? `HTTP ${res.status}`),
        { statusCode: res.status },
      );
    }
    for (const s of arr(obj(body)?.value)) {
      const sub = obj(s);
      const id = str(sub?.subscriptionId);
      if (!id || SKIPPED_SUBSCRIPTION_STATES.has(str(sub?.state) ?? '')) continue;
      const name = str(sub?.displayName);
      out.push({ id, ...(name ? { name } : {}) });
    }
    url = str(obj(body)?.nextLink);
  }
  return out;
}

/**
 * Lists a sub-resource for every parent; the first failure fails the whole list (naming the parent
 * in `operation`). A parent deleted since it was listed (404) has nothing to read.
 */
async function perParent<P>(
  parents: readonly P[],
  limit: number,
  current: { operation?: string },
  operation: (parent: P) => string,
  list: (parent: P) => Promise<Resource[]>,
): Promise<Resource[]> {
  const out: Resource[] = [];
  let failed: { error: unknown } | undefined;
  await forEachLimited(parents, limit, async (parent) => {
    if (failed) return;
    try {
      out.push(...(await list(parent)));
    } catch (e) {
      if (statusOf(e) === 404) return;
      if (!failed) {
        failed = { error: e };
        current.operation = operation(parent);
      }
    }
  });
  if (failed) throw failed.error;
  // Parents finish in any order: sort so two collections of the same state compare equal.
  return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A sub-resource type cannot be read when its parents could not be listed: same code, named cause. */
function parentsFailed(type: string, parent: Collection, current: { operation?: string }): Error {
  if (parent.error?.operation) current.operation = parent.error.operation;
  return codedError(
    parent.error?.code ?? 'Error',
    `${type} not collected: ${parent.type} could not be listed (${parent.error?.message ?? 'unknown error'})`,
  );
}

async function collectSubscription(
  part: SnapshotPart,
  subscription: string,
  credential: TokenCredential,
  base: AzureClientOptions,
  parentLimit: number,
): Promise<void> {
  const cognitive = new CognitiveServicesManagementClient(credential, subscription, { ...base });
  const ml = new AzureMachineLearningWorkspaces(credential, subscription, { ...base, apiVersion: ML_API_VERSION });
  const monitor = new MonitorClient(credential, subscription, {
    ...base,
    additionalPolicies: [
      ...(base.additionalPolicies ?? []),
      { policy: diagnosticSettingsApiVersion, position: 'perCall' },
    ],
  });
  const collect = (type: string, list: (current: { operation?: string }) => Promise<Resource[]>) =>
    collectType(part, { cloud: 'azure', account: subscription, region: GLOBAL_REGION, type }, list);
  const failure = (type: string) =>
    part.collections.find(
      (c) =>
        c.cloud === 'azure' &&
        c.account === subscription &&
        c.region === GLOBAL_REGION &&
        c.type === type &&
        c.status === 'error',
    );

  const accounts = await collect(T.account, (current) => {
    current.operation = 'Microsoft.CognitiveServices/accounts/read';
    return listAccounts(cognitive, subscription);
  });
  const accountsFailed = failure(T.account);
  const modelAccounts = accounts.filter((a) => DEPLOYMENT_KINDS.includes(String(a.attributes.kind))).map(parentOf);

  await collect(T.deployment, async (current) => {
    if (accountsFailed) throw parentsFailed(T.deployment, accountsFailed, current);
    return perParent(
      modelAccounts,
      parentLimit,
      current,
      (a) => `Microsoft.CognitiveServices/accounts/deployments/read (${a.name})`,
      (a) => listDeployments(cognitive, a, subscription),
    );
  });

  await collect(T.raiPolicy, async (current) => {
    if (accountsFailed) throw parentsFailed(T.raiPolicy, accountsFailed, current);
    return perParent(
      modelAccounts,
      parentLimit,
      current,
      (a) => `Microsoft.CognitiveServices/accounts/raiPolicies/read (${a.name})`,
      (a) => listRaiPolicies(cognitive, a, subscription),
    );
  });

  const workspaces = await collect(T.workspace, (current) => {
    current.operation = 'Microsoft.MachineLearningServices/workspaces/read';
    return listWorkspaces(ml, subscription);
  });
  const workspacesFailed = failure(T.workspace);

  await collect(T.compute, async (current) => {
    if (workspacesFailed) throw parentsFailed(T.compute, workspacesFailed, current);
    return perParent(
      workspaces,
      parentLimit,
      current,
      (w) => `Microsoft.MachineLearningServices/workspaces/computes/read (${w.name ?? w.id})`,
      (w) => listComputes(ml, w, subscription),
    );
  });

  // One type for both parents' settings: a gap in either means no setting list can be trusted.
  await collect(T.diagnosticSetting, async (current) => {
    const parentFailure = accountsFailed ?? workspacesFailed;
    if (parentFailure) throw parentsFailed(T.diagnosticSetting, parentFailure, current);
    return perParent(
      [...accounts, ...workspaces],
      parentLimit,
      current,
      (r) => `Microsoft.Insights/diagnosticSettings/read (${r.name ?? r.id})`,
      (r) => listDiagnosticSettings(monitor, r, subscription),
    );
  });
}

/** Reads the Azure subscriptions (all the credential sees, or `subscriptions`). */
export async function collectAzure(o: AzureCollectOptions = {}): Promise<SnapshotPart> {
  const credential = o.credential ?? new DefaultAzureCredential();
  const base = baseOptions(o);
  const scope = base.credentialScopes ?? `${endpointOf(base)}/.default`;
  try {
    // Fail once, clearly, rather than once per resource type and subscription.
    await credential.getToken(scope);
  } catch (e) {
    throw new JackstopError(
      'JACKSTOP_COLLECT_ERROR',
      `cannot get an Azure token: ${errorMessage(e).split('\n')[0]}. Sign in (az login) or set AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET`,
      { cause: e },
    );
  }
  let subscriptions: { id: string; name?: string }[];
  if (o.subscriptions && o.subscriptions.length > 0) {
    subscriptions = [...new Set(o.subscriptions)].map((id) => ({ id }));
  } else {
    try {
      subscriptions = await listSubscriptions(credential, base);
    } catch (e) {
      throw new JackstopError(
        'JACKSTOP_COLLECT_ERROR',
        `cannot list the Azure subscriptions (Microsoft.Resources/subscriptions/read): ${errorMessage(e).split('\n')[0]}; pass --subscriptions to name them`,
        { cause: e },
      );
    }
    if (subscriptions.length === 0) {
      throw new JackstopError(
        'JACKSTOP_COLLECT_ERROR',
        'the Azure credential sees no enabled subscription: grant it Reader (or the Jackstop collector role) on the subscriptions to read, or pass --subscriptions',
      );
    }
  }
  const part = emptyPart();
  for (const s of subscriptions) {
    part.accounts.push({ cloud: 'azure', id: s.id, ...(s.name ? { name: s.name } : {}), regions: [GLOBAL_REGION] });
  }
  const parentLimit = o.parentConcurrency ?? 4;
  await forEachLimited(subscriptions, o.concurrency ?? 2, (s) =>
    collectSubscription(part, s.id, credential, base, parentLimit),
  );
  return part;
}

/** Every ARM action the Azure collector may call (the custom role in docs/posture/ is their list). */
export const AZURE_COLLECTOR_ACTIONS: readonly string[] = [
  'Microsoft.CognitiveServices/accounts/deployments/read',
  'Microsoft.CognitiveServices/accounts/raiPolicies/read',
  'Microsoft.CognitiveServices/accounts/read',
  'Microsoft.Insights/diagnosticSettings/read',
  'Microsoft.MachineLearningServices/workspaces/computes/read',
  'Microsoft.MachineLearningServices/workspaces/read',
  'Microsoft.Resources/subscriptions/read',
];
