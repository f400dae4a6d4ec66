/**
 * The Azure collector against a fake ARM: the real SDK clients (credential policy, retries, paging,
 * error mapping) with an injected `httpClient` that answers the REST paths with bodies shaped like
 * ARM's documented responses (azure-rest-api-specs examples for Microsoft.CognitiveServices
 * 2025-06-01, Microsoft.MachineLearningServices 2024-04-01, Microsoft.Insights 2021-05-01-preview,
 * Microsoft.Resources 2022-12-01).
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createHttpHeaders,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { findPackageRoot } from '../../package-root.js';
import { loadChecks } from '../checks.js';
import type { SnapshotPart } from '../collect.js';
import { evaluateChecks } from '../evaluate.js';
import { emptySnapshot, mergeSnapshot, parseSnapshot, type Resource } from '../snapshot.js';
import { AZURE_COLLECTOR_ACTIONS, type AzureCollectOptions, collectAzure } from './collect.js';
import { enrichAzure } from './enrich.js';
import { AZURE_TYPES as T } from './types.js';

const SUB = '00000000-1111-2222-3333-444444444444';
const OTHER_SUB = '99999999-8888-7777-6666-555555555555';
const RG = 'ai-rg';
const BASE = 'https://management.azure.com';
const ACCOUNTS = `/subscriptions/${SUB}/providers/Microsoft.CognitiveServices/accounts`;
const accountId = (name: string) =>
  `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.CognitiveServices/accounts/${name}`;
const WORKSPACE_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/ml-hub`;

// Values that must never reach a snapshot: they stand in for secrets ARM can return next to what we read.
const SEARCH_KEY = 'qnaSearchKeyDoNotLeak0123456789';
const ENV_SECRET = 'envSecretDoNotLeak9876543210';
const TOKEN = 'eyFakeBearerTokenDoNotLeak';

const approvedPe = {
  id: `${accountId('aoai-prod')}/privateEndpointConnections/pe1`,
  name: 'pe1',
  type: 'Microsoft.CognitiveServices/accounts/privateEndpointConnections',
  properties: {
    privateEndpoint: {
      id: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/privateEndpoints/pe1`,
    },
    privateLinkServiceConnectionState: { status: 'Approved', description: 'Auto-Approved', actionsRequired: 'None' },
  },
};

const accountsPage1 = {
  value: [
    {
      id: accountId('aoai-prod'),
      name: 'aoai-prod',
      type: 'Microsoft.CognitiveServices/accounts',
      location: 'eastus',
      sku: { name: 'S0' },
      kind: 'OpenAI',
      etag: 'W/"datetime\'2025-03-27T11%3A19%3A08.762494Z\'"',
      identity: {
        principalId: 'b5cf119e-a5c2-42c7-802f-592e0efb169f',
        tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
        type: 'SystemAssigned',
      },
      properties: {
        endpoint: 'https://aoai-prod.openai.azure.com/',
        provisioningState: 'Succeeded',
        customSubDomainName: 'aoai-prod',
        disableLocalAuth: true,
        publicNetworkAccess: 'Disabled',
        networkAcls: { defaultAction: 'Deny', ipRules: [{ value: '203.0.113.0/24' }], virtualNetworkRules: [] },
        privateEndpointConnections: [approvedPe],
        encryption: {
          keySource: 'Microsoft.KeyVault',
          keyVaultProperties: {
            keyName: 'aoai-cmk',
            keyVersion: '891CF236D2414738',
            keyVaultUri: 'https://contoso-kv.vault.azure.net/',
          },
        },
        restrictOutboundNetworkAccess: true,
        allowedFqdnList: ['contosodata.blob.core.windows.net'],
        dynamicThrottlingEnabled: false,
        dateCreated: '2025-01-15T10:00:00.1234567Z',
        apiProperties: { qnaAzureSearchEndpointKey: SEARCH_KEY },
      },
    },
  ],
  nextLink: `${BASE}${ACCOUNTS}?api-version=2025-09-01&$skiptoken=page2`,
};

const accountsPage2 = {
  value: [
    {
      id: accountId('foundry-dev'),
      name: 'foundry-dev',
      type: 'Microsoft.CognitiveServices/accounts',
      location: 'West Europe',
      sku: { name: 'S0' },
      kind: 'AIServices',
      properties: {
        endpoint: 'https://foundry-dev.cognitiveservices.azure.com/',
        provisioningState: 'Succeeded',
        customSubDomainName: 'foundry-dev',
        networkAcls: { defaultAction: 'Allow', ipRules: [{ value: '0.0.0.0/0' }], virtualNetworkRules: [] },
      },
    },
    {
      id: accountId('face1'),
      name: 'face1',
      type: 'Microsoft.CognitiveServices/accounts',
      location: 'westus',
      sku: { name: 'S0' },
      kind: 'Face',
      properties: { endpoint: 'https://westus.api.cognitive.microsoft.com/face/v1.0', provisioningState: 'Succeeded' },
    },
  ],
};

const deployments: Record<string, object> = {
  'aoai-prod': {
    value: [
      {
        id: `${accountId('aoai-prod')}/deployments/gpt-4o`,
        name: 'gpt-4o',
        type: 'Microsoft.CognitiveServices/accounts/deployments',
        sku: { name: 'GlobalStandard', capacity: 450 },
        properties: {
          model: { format: 'OpenAI', name: 'gpt-4o', version: '2024-11-20' },
          raiPolicyName: 'strict',
          versionUpgradeOption: 'OnceCurrentVersionExpired',
          provisioningState: 'Succeeded',
          rateLimits: [{ key: 'token', renewalPeriod: 60, count: 450000 }],
        },
      },
    ],
  },
  'foundry-dev': {
    value: [
      {
        id: `${accountId('foundry-dev')}/deployments/chat`,
        name: 'chat',
        type: 'Microsoft.CognitiveServices/accounts/deployments',
        sku: { name: 'GlobalStandard', capacity: 5000 },
        properties: {
          model: { format: 'OpenAI', name: 'gpt-4o-mini', version: '2024-07-18' },
          raiPolicyName: 'annotate-only',
          versionUpgradeOption: 'OnceNewDefaultVersionAvailable',
          provisioningState: 'Succeeded',
        },
      },
      {
        // The 2023-05-01 example's shape: capacity in scaleSettings, no SKU, no policy named.
        id: `${accountId('foundry-dev')}/deployments/ada`,
        name: 'ada',
        type: 'Microsoft.CognitiveServices/accounts/deployments',
        properties: {
          model: { format: 'OpenAI', name: 'ada', version: '1' },
          scaleSettings: { scaleType: 'Manual', capacity: 1 },
          provisioningState: 'Succeeded',
        },
      },
    ],
  },
};

const jailbreak = (blocking: boolean) => ({ name: 'Jailbreak', blocking, source: 'Prompt', enabled: true });
const raiPolicies: Record<string, object> = {
  'aoai-prod': {
    value: [
      {
        name: 'strict',
        id: `${accountId('aoai-prod')}/raiPolicies/strict`,
        properties: {
          type: 'UserManaged',
          basePolicyName: 'Microsoft.DefaultV2',
          mode: 'Blocking',
          contentFilters: [
            { name: 'Hate', blocking: true, enabled: true, severityThreshold: 'Medium', source: 'Prompt' },
            jailbreak(true),
            { name: 'Indirect Attack', blocking: true, source: 'Prompt', enabled: true },
          ],
        },
      },
    ],
  },
  'foundry-dev': {
    value: [
      {
        name: 'annotate-only',
        id: `${accountId('foundry-dev')}/raiPolicies/annotate-only`,
        properties: {
          basePolicyName: 'Microsoft.Default',
          mode: 'Asynchronous_filter',
          contentFilters: [
            { name: 'Hate', blocking: false, enabled: false, severityThreshold: 'High', source: 'Prompt' },
            jailbreak(false),
          ],
        },
      },
    ],
  },
};

const diagnosticSettings: Record<string, object> = {
  [accountId('aoai-prod').toLowerCase()]: {
    value: [
      {
        id: `${accountId('aoai-prod')}/providers/microsoft.insights/diagnosticSettings/to-law`,
        type: 'Microsoft.Insights/diagnosticSettings',
        name: 'to-law',
        properties: {
          workspaceId: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.OperationalInsights/workspaces/law`,
          metrics: [{ category: 'AllMetrics', enabled: true, retentionPolicy: { enabled: false, days: 0 } }],
          logs: [
            { categoryGroup: 'audit', enabled: true, retentionPolicy: { enabled: false, days: 0 } },
            { category: 'Trace', enabled: false, retentionPolicy: { enabled: false, days: 0 } },
          ],
        },
      },
    ],
  },
  [accountId('foundry-dev').toLowerCase()]: { value: [] },
  [accountId('face1').toLowerCase()]: {
    value: [
      {
        id: `${accountId('face1')}/providers/microsoft.insights/diagnosticSettings/metrics-only`,
        type: 'Microsoft.Insights/diagnosticSettings',
        name: 'metrics-only',
        properties: {
          storageAccountId: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/logs`,
          workspaceId: '',
          metrics: [{ category: 'AllMetrics', enabled: true }],
          logs: [{ category: 'Audit', enabled: false }],
        },
      },
    ],
  },
  [WORKSPACE_ID.toLowerCase()]: {
    value: [
      {
        id: `${WORKSPACE_ID}/providers/microsoft.insights/diagnosticSettings/all`,
        type: 'Microsoft.Insights/diagnosticSettings',
        name: 'all',
        properties: {
          eventHubAuthorizationRuleId: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.EventHub/namespaces/ns/authorizationrules/RootManageSharedAccessKey`,
          eventHubName: 'aml',
          logs: [{ categoryGroup: 'allLogs', enabled: true }],
        },
      },
    ],
  },
};

const workspaces = {
  value: [
    {
      id: WORKSPACE_ID,
      name: 'ml-hub',
      type: 'Microsoft.MachineLearningServices/workspaces',
      location: 'eastus2',
      kind: 'Hub',
      sku: { name: 'Basic', tier: 'Basic' },
      identity: {
        principalId: '00000000-1111-2222-3333-444444444444',
        tenantId: '00000000-1111-2222-3333-444444444444',
        type: 'SystemAssigned',
      },
      properties: {
        friendlyName: 'ML hub',
        keyVault: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/testkv`,
        storageAccount: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/mlstore`,
        hbiWorkspace: false,
        publicNetworkAccess: 'Enabled',
        allowPublicAccessWhenBehindVnet: false,
        imageBuildCompute: 'builder',
        v1LegacyMode: false,
        systemDatastoresAuthMode: 'identity',
        privateEndpointConnections: [],
        managedNetwork: {
          isolationMode: 'AllowInternetOutbound',
          outboundRules: { pypi: { type: 'FQDN', destination: 'pypi.org', category: 'UserDefined' } },
        },
      },
    },
  ],
};

const computes = {
  value: [
    {
      id: `${WORKSPACE_ID}/computes/ci-alice`,
      type: 'Microsoft.MachineLearningServices/workspaces/computes',
      name: 'ci-alice',
      location: 'eastus2',
      properties: {
        computeType: 'ComputeInstance',
        provisioningState: 'Succeeded',
        disableLocalAuth: true,
        properties: {
          vmSize: 'STANDARD_NC6',
          applicationSharingPolicy: 'Shared',
          sshSettings: { sshPublicAccess: 'Enabled', adminUserName: 'azureuser', sshPort: 22 },
          osImageMetadata: {
            currentImageVersion: '22.06.14',
            latestImageVersion: '22.07.22',
            isLatestOsImageVersion: false,
          },
          customServices: [{ name: 'rstudio', environmentVariables: { TOKEN: { type: 'local', value: ENV_SECRET } } }],
          computeInstanceAuthorizationType: 'personal',
          connectivityEndpoints: { publicIpAddress: '20.0.0.1', privateIpAddress: '10.0.0.1' },
          enableNodePublicIp: true,
          state: 'Running',
        },
      },
    },
  ],
};

const subscriptions = {
  value: [
    {
      id: `/subscriptions/${SUB}`,
      subscriptionId: SUB,
      tenantId: '31c75423-32d6-4322-88b7-c478bdde4858',
      displayName: 'AI prod',
      state: 'Enabled',
      authorizationSource: 'RoleBased',
    },
    {
      id: `/subscriptions/${OTHER_SUB}`,
      subscriptionId: OTHER_SUB,
      tenantId: '31c75423-32d6-4322-88b7-c478bdde4858',
      displayName: 'Old',
      state: 'Disabled',
      authorizationSource: 'RoleBased',
    },
  ],
};

const armError = (code: string, message: string) => ({ error: { code, message } });
const FORBIDDEN = (action: string) =>
  ({
    status: 403,
    body: armError(
      'AuthorizationFailed',
      `The client 'jackstop' with object id '00000000-0000-0000-0000-000000000000' does not have authorization to perform action '${action}' over scope '/subscriptions/${SUB}' or the scope is invalid.`,
    ),
  }) as const;
const THROTTLED = {
  status: 429,
  headers: { 'retry-after-ms': '1' },
  body: armError(
    'TooManyRequests',
    "The request is being throttled as the limit has been reached for operation 'ListDeployments'.",
  ),
} as const;

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}
type Route = (url: URL, req: PipelineRequest) => Answer | undefined;

/** A fake ARM: answers GETs by path, records every request. `override` replaces an answer. */
function fakeArm(override: Route = () => undefined) {
  const requests: { method: string; url: string; authorized: boolean }[] = [];
  const ok = (body: unknown): Answer => ({ status: 200, body });
  const routes: Route = (url) => {
    const path = url.pathname.replace(/\/+/g, '/').toLowerCase();
    if (path === '/subscriptions') return ok(subscriptions);
    if (path === ACCOUNTS.toLowerCase())
      return ok(url.searchParams.get('$skiptoken') === 'page2' ? accountsPage2 : accountsPage1);
    const sub = /\/accounts\/([^/]+)\/(deployments|raipolicies)$/.exec(path);
    if (sub) return ok((sub[2] === 'deployments' ? deployments : raiPolicies)[sub[1]!] ?? { value: [] });
    if (path === `/subscriptions/${SUB}/providers/microsoft.machinelearningservices/workspaces`) return ok(workspaces);
    if (path === `${WORKSPACE_ID}/computes`.toLowerCase()) return ok(computes);
    const diag = /^(.*)\/providers\/microsoft\.insights\/diagnosticsettings$/.exec(path);
    if (diag) return ok(diagnosticSettings[diag[1]!] ?? { value: [] });
    return undefined;
  };
  const httpClient: HttpClient = {
    async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const url = new URL(request.url);
      requests.push({
        method: request.method,
        url: request.url,
        authorized: request.headers.get('authorization') === `Bearer ${TOKEN}`,
      });
      const answer =
        override(url, request) ??
        routes(url, request) ??
        ({ status: 404, body: armError('ResourceNotFound', `no route for ${url.pathname}`) } satisfies Answer);
      return {
        request,
        status: answer.status,
        headers: createHttpHeaders({ 'content-type': 'application/json; charset=utf-8', ...answer.headers }),
        bodyAsText: JSON.stringify(answer.body),
      };
    },
  };
  return { httpClient, requests };
}

const credential: TokenCredential = {
  getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};

async function collect(override?: Route, o: AzureCollectOptions = {}) {
  const arm = fakeArm(override);
  const part = await collectAzure({
    credential,
    subscriptions: [SUB],
    maxRetries: 0,
    ...o,
    clientOptions: { httpClient: arm.httpClient },
  });
  return { part, requests: arm.requests };
}

const byName = (part: SnapshotPart, type: string, name: string): Resource => {
  const r = part.resources.find((x) => x.type === type && x.name === name);
  if (!r) throw new Error(`no ${type} named ${name}`);
  return r;
};

const statusOf = (part: SnapshotPart) =>
  Object.fromEntries(
    part.collections.map((c) => [c.type, c.status === 'ok' ? `ok:${c.count}` : `error:${c.error?.code}`]),
  );

describe('collectAzure', () => {
  it('reads every type in the subscription, with each resource at its own location', async () => {
    const { part, requests } = await collect();
    expect(part.accounts).toEqual([{ cloud: 'azure', id: SUB, regions: ['global'] }]);
    expect(statusOf(part)).toEqual({
      [T.account]: 'ok:3',
      [T.deployment]: 'ok:3',
      [T.raiPolicy]: 'ok:2',
      [T.workspace]: 'ok:1',
      [T.compute]: 'ok:1',
      [T.diagnosticSetting]: 'ok:3',
    });
    expect(part.collections.every((c) => c.region === 'global' && c.account === SUB && c.cloud === 'azure')).toBe(true);
    expect(byName(part, T.account, 'foundry-dev').region).toBe('westeurope');
    expect(byName(part, T.deployment, 'gpt-4o').region).toBe('eastus');
    expect(requests.every((r) => r.authorized)).toBe(true);
    // Resource URIs are joined without doubled slashes (ARM would route `//subscriptions` differently).
    expect(requests.filter((r) => new URL(r.url).pathname.includes('//'))).toEqual([]);
    // The snapshot the CLI would write validates.
    const snapshot = mergeSnapshot(
      emptySnapshot(new Date('2026-01-01T00:00:00Z'), { name: 'jackstop', version: 'test' }),
      part,
    );
    expect(() => parseSnapshot(JSON.parse(JSON.stringify(snapshot)))).not.toThrow();
  });

  it('follows nextLink: the second page of accounts is read', async () => {
    const { part, requests } = await collect();
    expect(part.resources.filter((r) => r.type === T.account).map((r) => r.name)).toEqual([
      'aoai-prod',
      'foundry-dev',
      'face1',
    ]);
    const accountCalls = requests.filter((r) => new URL(r.url).pathname === ACCOUNTS);
    expect(accountCalls).toHaveLength(2);
    expect(new URL(accountCalls[1]!.url).searchParams.get('$skiptoken')).toBe('page2');
  });

  it('normalises account attributes', async () => {
    const { part } = await collect();
    expect(byName(part, T.account, 'aoai-prod')).toEqual({
      cloud: 'azure',
      type: T.account,
      id: accountId('aoai-prod'),
      account: SUB,
      region: 'eastus',
      name: 'aoai-prod',
      attributes: {
        kind: 'OpenAI',
        sku: 'S0',
        provisioningState: 'Succeeded',
        endpointHost: 'aoai-prod.openai.azure.com',
        customSubDomainName: 'aoai-prod',
        disableLocalAuth: true,
        publicNetworkAccess: 'Disabled',
        networkAcls: { defaultAction: 'Deny', bypass: null, ipRules: 1, virtualNetworkRules: 0, allowsAllIps: false },
        privateEndpointConnections: { total: 1, approved: 1 },
        encryption: {
          keySource: 'Microsoft.KeyVault',
          keyVaultUri: 'https://contoso-kv.vault.azure.net/',
          keyName: 'aoai-cmk',
        },
        identity: { type: 'SystemAssigned', userAssignedIdentities: 0 },
        restrictOutboundNetworkAccess: true,
        allowedFqdns: ['contosodata.blob.core.windows.net'],
        dynamicThrottlingEnabled: false,
        allowProjectManagement: null,
        createdAt: '2025-01-15T10:00:00.123Z',
      },
    });
    // Defaults where ARM leaves a property out: keys accepted, no network rules, no CMK, no identity.
    expect(byName(part, T.account, 'face1').attributes).toMatchObject({
      disableLocalAuth: false,
      publicNetworkAccess: null,
      networkAcls: null,
      encryption: null,
      identity: null,
      privateEndpointConnections: { total: 0, approved: 0 },
      restrictOutboundNetworkAccess: false,
      allowedFqdns: [],
      customSubDomainName: null,
    });
    expect(byName(part, T.account, 'foundry-dev').attributes.networkAcls).toMatchObject({
      defaultAction: 'Allow',
      allowsAllIps: true,
    });
  });

  it('reads deployments and content filters only for the kinds that serve models', async () => {
    const { part, requests } = await collect();
    expect(requests.some((r) => /accounts\/face1\/(deployments|raiPolicies)/i.test(r.url))).toBe(false);
    expect(byName(part, T.deployment, 'gpt-4o').attributes).toEqual({
      accountId: accountId('aoai-prod'),
      accountName: 'aoai-prod',
      accountKind: 'OpenAI',
      model: { format: 'OpenAI', name: 'gpt-4o', version: '2024-11-20', publisher: null },
      sku: { name: 'GlobalStandard', capacity: 450 },
      raiPolicyName: 'strict',
      versionUpgradeOption: 'OnceCurrentVersionExpired',
      provisioningState: 'Succeeded',
      currentCapacity: null,
      dynamicThrottlingEnabled: null,
    });
    expect(byName(part, T.deployment, 'ada').attributes).toMatchObject({
      sku: { name: null, capacity: 1 },
      raiPolicyName: null,
    });
    expect(byName(part, T.raiPolicy, 'strict').attributes).toMatchObject({
      policyType: 'UserManaged',
      mode: 'Blocking',
      basePolicyName: 'Microsoft.DefaultV2',
      jailbreak: { enabled: true, blocking: true },
      indirectAttack: { enabled: true, blocking: true },
      customBlocklists: 0,
    });
    expect(byName(part, T.raiPolicy, 'annotate-only').attributes).toMatchObject({
      policyType: null,
      jailbreak: { enabled: true, blocking: false },
      indirectAttack: null,
      contentFilters: [
        { name: 'Hate', severityThreshold: 'High', blocking: false, enabled: false, source: 'Prompt' },
        { name: 'Jailbreak', severityThreshold: null, blocking: false, enabled: true, source: 'Prompt' },
      ],
    });
  });

  it('reads diagnostic settings of accounts and workspaces with category groups', async () => {
    const { part, requests } = await collect();
    const diagCalls = requests.filter((r) => /diagnosticSettings/i.test(r.url));
    expect(diagCalls).toHaveLength(4);
    expect(diagCalls.every((r) => new URL(r.url).searchParams.get('api-version') === '2021-05-01-preview')).toBe(true);
    expect(byName(part, T.diagnosticSetting, 'to-law').attributes).toEqual({
      targetResourceId: accountId('aoai-prod'),
      targetType: 'Microsoft.CognitiveServices/accounts',
      logs: [
        { category: null, categoryGroup: 'audit', enabled: true },
        { category: 'Trace', categoryGroup: null, enabled: false },
      ],
      enabledLogCategories: [],
      enabledLogCategoryGroups: ['audit'],
      metricsEnabled: true,
      destinations: { logAnalytics: true, storageAccount: false, eventHub: false, marketplacePartner: false },
      logAnalyticsWorkspaceId: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.OperationalInsights/workspaces/law`,
    });
    // ARM's empty string for "no workspace" is no destination.
    expect(byName(part, T.diagnosticSetting, 'metrics-only').attributes).toMatchObject({
      destinations: { logAnalytics: false, storageAccount: true, eventHub: false, marketplacePartner: false },
      enabledLogCategories: [],
    });
    expect(byName(part, T.diagnosticSetting, 'all').attributes).toMatchObject({
      targetType: 'Microsoft.MachineLearningServices/workspaces',
      destinations: { eventHub: true },
    });
  });

  it('reads ML workspaces (API 2024-04-01, managed network) and computes', async () => {
    const { part, requests } = await collect();
    const mlCalls = requests.filter(
      (r) => /MachineLearningServices/i.test(r.url) && !/diagnosticSettings/i.test(r.url),
    );
    expect(mlCalls.length).toBe(2);
    expect(mlCalls.every((r) => new URL(r.url).searchParams.get('api-version') === '2024-04-01')).toBe(true);
    expect(byName(part, T.workspace, 'ml-hub')).toMatchObject({
      region: 'eastus2',
      attributes: {
        kind: 'Hub',
        sku: 'Basic',
        publicNetworkAccess: 'Enabled',
        managedNetwork: { isolationMode: 'AllowInternetOutbound', outboundRules: 1, firewallSku: null },
        privateEndpointConnections: { total: 0, approved: 0 },
        encryption: null,
        hbiWorkspace: false,
        identity: { type: 'SystemAssigned', userAssignedIdentities: 0 },
        imageBuildCompute: 'builder',
        v1LegacyMode: false,
        systemDatastoresAuthMode: 'identity',
      },
    });
    expect(byName(part, T.compute, 'ci-alice').attributes).toEqual({
      workspaceId: WORKSPACE_ID,
      workspaceName: 'ml-hub',
      computeType: 'ComputeInstance',
      provisioningState: 'Succeeded',
      isAttachedCompute: null,
      disableLocalAuth: true,
      vmSize: 'STANDARD_NC6',
      inVirtualNetwork: false,
      enableNodePublicIp: true,
      sshPublicAccess: 'Enabled',
      state: 'Running',
      authorizationType: 'personal',
      osImageLatest: false,
      identity: null,
    });
  });

  it('never reads keys: only GETs, no listKeys, no secret value or token in the snapshot', async () => {
    const { part, requests } = await collect();
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.every((r) => r.method === 'GET')).toBe(true);
    expect(requests.some((r) => /listkeys|regeneratekey|secrets/i.test(r.url))).toBe(false);
    const text = JSON.stringify(part);
    for (const secret of [SEARCH_KEY, ENV_SECRET, TOKEN, '891CF236D2414738']) expect(text).not.toContain(secret);
  });

  it('a 403 on one type fails exactly that type; the others are collected', async () => {
    const { part } = await collect((url) =>
      /\/raipolicies$/i.test(url.pathname) && url.pathname.includes('foundry-dev')
        ? FORBIDDEN('Microsoft.CognitiveServices/accounts/raiPolicies/read')
        : undefined,
    );
    expect(statusOf(part)).toEqual({
      [T.account]: 'ok:3',
      [T.deployment]: 'ok:3',
      [T.raiPolicy]: 'error:AuthorizationFailed',
      [T.workspace]: 'ok:1',
      [T.compute]: 'ok:1',
      [T.diagnosticSetting]: 'ok:3',
    });
    const failed = part.collections.find((c) => c.type === T.raiPolicy)!;
    expect(failed).toMatchObject({ account: SUB, region: 'global', count: 0 });
    expect(failed.error?.operation).toBe('Microsoft.CognitiveServices/accounts/raiPolicies/read (foundry-dev)');
    expect(failed.error?.message).toMatch(/does not have authorization/);
    // A partial list is not kept: aoai-prod's policy was read, but the type failed.
    expect(part.resources.some((r) => r.type === T.raiPolicy)).toBe(false);
  });

  it('a 403 on a parent type fails it and the types listed under it, with the same code', async () => {
    const { part } = await collect((url) =>
      url.pathname.toLowerCase().endsWith('/providers/microsoft.machinelearningservices/workspaces')
        ? FORBIDDEN('Microsoft.MachineLearningServices/workspaces/read')
        : undefined,
    );
    expect(statusOf(part)).toEqual({
      [T.account]: 'ok:3',
      [T.deployment]: 'ok:3',
      [T.raiPolicy]: 'ok:2',
      [T.workspace]: 'error:AuthorizationFailed',
      [T.compute]: 'error:AuthorizationFailed',
      [T.diagnosticSetting]: 'error:AuthorizationFailed',
    });
    const compute = part.collections.find((c) => c.type === T.compute)!;
    expect(compute.error?.message).toMatch(/azure\.ml\.workspace could not be listed/);
  });

  it('a 429 that outlasts the retries fails that type only', async () => {
    const { part, requests } = await collect((url) =>
      url.pathname.endsWith('/accounts/aoai-prod/deployments') ? THROTTLED : undefined,
    );
    expect(statusOf(part)).toMatchObject({
      [T.deployment]: 'error:TooManyRequests',
      [T.account]: 'ok:3',
      [T.raiPolicy]: 'ok:2',
      [T.diagnosticSetting]: 'ok:3',
    });
    expect(part.collections.find((c) => c.type === T.deployment)?.error?.operation).toBe(
      'Microsoft.CognitiveServices/accounts/deployments/read (aoai-prod)',
    );
    // maxRetries 0: one attempt.
    expect(requests.filter((r) => r.url.includes('/accounts/aoai-prod/deployments'))).toHaveLength(1);
  });

  it('retries a 429 with Retry-After and then succeeds', async () => {
    let throttled = 0;
    const { part, requests } = await collect(
      (url) => (url.pathname.endsWith('/accounts/aoai-prod/deployments') && throttled++ < 2 ? THROTTLED : undefined),
      { maxRetries: 3 },
    );
    expect(statusOf(part)[T.deployment]).toBe('ok:3');
    expect(requests.filter((r) => r.url.includes('/accounts/aoai-prod/deployments'))).toHaveLength(3);
  });

  it('a deleted parent (404) has nothing to read and is not a failure', async () => {
    const { part } = await collect((url) =>
      url.pathname.endsWith('/accounts/foundry-dev/deployments')
        ? { status: 404, body: armError('ResourceNotFound', "The Resource 'foundry-dev' was not found.") }
        : undefined,
    );
    expect(statusOf(part)[T.deployment]).toBe('ok:1');
  });

  it('a body it cannot read is an error, not an empty list', async () => {
    const { part } = await collect((url) =>
      url.pathname.toLowerCase().endsWith('/providers/microsoft.machinelearningservices/workspaces')
        ? { status: 200, body: { items: [] } }
        : undefined,
    );
    expect(statusOf(part)[T.workspace]).toMatch(/^error:/);
  });

  it('lists the enabled subscriptions when none are given', async () => {
    const arm = fakeArm();
    const part = await collectAzure({ credential, maxRetries: 0, clientOptions: { httpClient: arm.httpClient } });
    expect(part.accounts).toEqual([{ cloud: 'azure', id: SUB, name: 'AI prod', regions: ['global'] }]);
    expect(arm.requests.some((r) => r.url.includes(OTHER_SUB))).toBe(false);
  });

  it('fails clearly when subscriptions cannot be listed or the credential gives no token', async () => {
    const arm = fakeArm((url) =>
      url.pathname === '/subscriptions' ? FORBIDDEN('Microsoft.Resources/subscriptions/read') : undefined,
    );
    await expect(
      collectAzure({ credential, maxRetries: 0, clientOptions: { httpClient: arm.httpClient } }),
    ).rejects.toThrow(
      /cannot list the Azure subscriptions.*AuthorizationFailed|cannot list the Azure subscriptions.*authorization/,
    );
    const broken: TokenCredential = { getToken: async () => Promise.reject(new Error('no login')) };
    await expect(collectAzure({ credential: broken, subscriptions: [SUB] })).rejects.toThrow(
      /cannot get an Azure token: no login/,
    );
  });

  it('feeds the Azure checks: collected attributes evaluate to pass and fail as expected', async () => {
    const { part } = await collect();
    const snapshot = mergeSnapshot(
      emptySnapshot(new Date('2026-01-01T00:00:00Z'), { name: 'jackstop', version: 'test' }),
      part,
    );
    const { checks } = await loadChecks();
    const azureChecks = checks.filter((c) => c.cloud === 'azure');
    expect(azureChecks.length).toBeGreaterThanOrEqual(15);
    const results = evaluateChecks(snapshot, azureChecks, { enrichers: { azure: enrichAzure } });
    const outcome = (checkSlug: string, name: string) =>
      results.find((r) => r.check.id.endsWith(checkSlug) && r.resource?.name === name)?.status;
    // No check is left unable to read what the collector wrote.
    expect(results.filter((r) => r.status === 'could-not-check').map((r) => `${r.check.id}: ${r.reason}`)).toEqual([]);
    expect(outcome('cognitive.local-auth-disabled', 'aoai-prod')).toBe('pass');
    expect(outcome('cognitive.local-auth-disabled', 'foundry-dev')).toBe('fail');
    expect(outcome('cognitive.diagnostic-logs', 'aoai-prod')).toBe('pass');
    expect(outcome('cognitive.diagnostic-logs', 'face1')).toBe('fail');
    expect(outcome('cognitive.deployment-content-filter', 'gpt-4o')).toBe('pass');
    expect(outcome('cognitive.deployment-content-filter', 'chat')).toBe('fail');
    expect(outcome('cognitive.deployment-capacity', 'chat')).toBe('fail');
    expect(outcome('ml.workspace-diagnostic-logs', 'ml-hub')).toBe('pass');
    expect(outcome('ml.compute-ssh-disabled', 'ci-alice')).toBe('fail');
  });

  it('calls only the actions of the documented read-only role', async () => {
    const arm = fakeArm();
    await collectAzure({ credential, maxRetries: 0, clientOptions: { httpClient: arm.httpClient } });
    // The ARM action each request needs, from its path.
    const actionOf = (url: string) => {
      const path = new URL(url).pathname.toLowerCase();
      if (path.endsWith('/providers/microsoft.insights/diagnosticsettings'))
        return 'Microsoft.Insights/diagnosticSettings/read';
      if (path === '/subscriptions') return 'Microsoft.Resources/subscriptions/read';
      if (path.endsWith('/deployments')) return 'Microsoft.CognitiveServices/accounts/deployments/read';
      if (path.endsWith('/raipolicies')) return 'Microsoft.CognitiveServices/accounts/raiPolicies/read';
      if (path.endsWith('/microsoft.cognitiveservices/accounts')) return 'Microsoft.CognitiveServices/accounts/read';
      if (path.endsWith('/computes')) return 'Microsoft.MachineLearningServices/workspaces/computes/read';
      if (path.endsWith('/microsoft.machinelearningservices/workspaces'))
        return 'Microsoft.MachineLearningServices/workspaces/read';
      return `unknown: ${path}`;
    };
    const used = [...new Set(arm.requests.map((r) => actionOf(r.url)))].sort();
    expect(used).toEqual([...AZURE_COLLECTOR_ACTIONS].sort());
    const root = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)))!;
    const role = JSON.parse(await readFile(path.join(root, 'docs', 'posture', 'azure-collector-role.json'), 'utf8'));
    expect([...role.Actions].sort()).toEqual([...AZURE_COLLECTOR_ACTIONS].sort());
    expect(role.DataActions).toEqual([]);
    expect(JSON.stringify(role.Actions)).not.toMatch(/listkeys|write|delete|action"/i);
  });
});
