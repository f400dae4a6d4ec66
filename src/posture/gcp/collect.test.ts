/**
 * The GCP collector against fake clients whose answers have the shapes the real Node clients give:
 * gax-decoded protos for Vertex AI v1, Notebooks v2 and API Keys v2 (proto defaults: '' for unset
 * strings, null for unset messages, `{seconds, nanos}` timestamps, enum names), and proto3 JSON for
 * the REST APIs (IAM v1, Resource Manager v3).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { protos as aiplatformProtos } from '@google-cloud/aiplatform';
import type { protos as apikeysProtos } from '@google-cloud/apikeys';
import type { protos as notebooksProtos } from '@google-cloud/notebooks';
import type { cloudresourcemanager_v3 } from '@googleapis/cloudresourcemanager';
import type { iam_v1 } from '@googleapis/iam';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { findPackageRoot } from '../../package-root.js';
import { loadChecks } from '../checks.js';
import { ENRICHERS } from '../enrichers.js';
import { evaluateChecks } from '../evaluate.js';
import { emptySnapshot, mergeSnapshot, parseSnapshot } from '../snapshot.js';
import {
  collectGcp,
  GCP_COLLECTOR_PERMISSIONS,
  GCP_TYPES,
  type GcpClients,
  type GcpIamApi,
  type GcpResourceManagerApi,
} from './collect.js';

type IEndpoint = aiplatformProtos.google.cloud.aiplatform.v1.IEndpoint;
type IModel = aiplatformProtos.google.cloud.aiplatform.v1.IModel;
type IDataset = aiplatformProtos.google.cloud.aiplatform.v1.IDataset;
type IIndexEndpoint = aiplatformProtos.google.cloud.aiplatform.v1.IIndexEndpoint;
type IInstance = notebooksProtos.google.cloud.notebooks.v2.IInstance;
type IListInstancesRequest = notebooksProtos.google.cloud.notebooks.v2.IListInstancesRequest;
type IListInstancesResponse = notebooksProtos.google.cloud.notebooks.v2.IListInstancesResponse;
type IKey = apikeysProtos.google.api.apikeys.v2.IKey;

const PROJECT = 'acme-prod';
const NUMBER = '123456789012';
const LOCATIONS = ['us-central1', 'europe-west4'];
const ts = (iso: string) => ({ seconds: String(Date.parse(iso) / 1000), nanos: 0 });

// Secrets the fakes return and the snapshot must never contain.
const SECRETS = {
  apiKeyString: 'AIzaSyFAKE-0123456789abcdefghijklmnopqrstu',
  privateKeyData: 'ewogICJ0eXBlIjogInNlcnZpY2VfYWNjb3VudCIsCiAgInByaXZhdGVfa2V5IjogIkZBS0UifQ==',
  publicKeyData: 'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tRkFLRQ==',
  startupScript: 'export OPENAI_API_KEY=sk-fake-startup-secret',
  containerEnv: 'hf_fakeContainerEnvToken123',
};

// --- Vertex AI v1 (gax-decoded) ---------------------------------------------------------------

function endpoint(location: string, id: string, over: Partial<IEndpoint> = {}): IEndpoint {
  return {
    name: `projects/${NUMBER}/locations/${location}/endpoints/${id}`,
    displayName: `endpoint-${id}`,
    description: '',
    deployedModels: [],
    trafficSplit: {},
    etag: '',
    labels: {},
    createTime: ts('2026-03-01T10:00:00Z'),
    updateTime: ts('2026-03-02T10:00:00Z'),
    encryptionSpec: null,
    network: '',
    enablePrivateServiceConnect: false,
    privateServiceConnectConfig: null,
    modelDeploymentMonitoringJob: '',
    predictRequestResponseLoggingConfig: null,
    dedicatedEndpointEnabled: false,
    dedicatedEndpointDns: '',
    clientConnectionConfig: null,
    satisfiesPzs: false,
    satisfiesPzi: false,
    genAiAdvancedFeaturesConfig: null,
    privateModelServerEnabled: false,
    ...over,
  };
}

const PUBLIC_ENDPOINT = endpoint('us-central1', '1111111111', {
  displayName: 'chat-public',
  dedicatedEndpointEnabled: true,
  dedicatedEndpointDns: `1111111111.us-central1-${NUMBER}.prediction.vertexai.goog`,
  deployedModels: [
    {
      id: '2222222222',
      model: `projects/${NUMBER}/locations/us-central1/models/3333333333`,
      modelVersionId: '1',
      displayName: 'llama-ft',
      createTime: ts('2026-03-01T11:00:00Z'),
      serviceAccount: `vertex-caller@${PROJECT}.iam.gserviceaccount.com`,
      disableContainerLogging: false,
      enableAccessLogging: true,
      dedicatedResources: null,
      automaticResources: null,
      sharedResources: '',
      explanationSpec: null,
      disableExplanations: false,
      privateEndpoints: null,
      fasterDeploymentConfig: null,
      status: null,
      systemLabels: {},
      checkpointId: '',
      speculativeDecodingSpec: null,
    },
  ],
  trafficSplit: { '2222222222': 100 },
  predictRequestResponseLoggingConfig: {
    enabled: true,
    samplingRate: 0.5,
    bigqueryDestination: { outputUri: `bq://${PROJECT}.vertex_logs.chat` },
  },
});

const PSC_ENDPOINT = endpoint('us-central1', '4444444444', {
  displayName: 'chat-private',
  encryptionSpec: { kmsKeyName: `projects/${PROJECT}/locations/us-central1/keyRings/ai/cryptoKeys/vertex` },
  privateServiceConnectConfig: {
    enablePrivateServiceConnect: true,
    projectAllowlist: [PROJECT],
    pscAutomationConfigs: [],
    serviceAttachment: 'projects/abc-tp/regions/us-central1/serviceAttachments/sa-4444444444',
  },
});

const VPC_ENDPOINT = endpoint('europe-west4', '5555555555', {
  displayName: 'scoring-vpc',
  network: `projects/${NUMBER}/global/networks/ml-vpc`,
});

function model(location: string, id: string, over: Partial<IModel> = {}): IModel {
  return {
    name: `projects/${NUMBER}/locations/${location}/models/${id}`,
    versionId: '1',
    versionAliases: ['default'],
    displayName: `model-${id}`,
    description: '',
    metadataSchemaUri: '',
    trainingPipeline: '',
    pipelineJob: '',
    containerSpec: {
      imageUri: 'us-docker.pkg.dev/vertex-ai/prediction/pytorch-gpu.2-1:latest',
      command: [],
      args: ['--token', SECRETS.containerEnv],
      env: [{ name: 'HF_TOKEN', value: SECRETS.containerEnv }],
      ports: [{ containerPort: 8080 }],
      predictRoute: '/predict',
      healthRoute: '/health',
    },
    artifactUri: `gs://${PROJECT}-models/llama-ft/`,
    createTime: ts('2026-02-01T00:00:00Z'),
    updateTime: ts('2026-02-02T00:00:00Z'),
    deployedModels: [{ endpoint: PUBLIC_ENDPOINT.name, deployedModelId: '2222222222' }],
    etag: '',
    labels: {},
    encryptionSpec: null,
    modelSourceInfo: { sourceType: 'CUSTOM', copy: false },
    metadataArtifact: '',
    satisfiesPzs: false,
    satisfiesPzi: false,
    ...over,
  };
}

function dataset(location: string, id: string, over: Partial<IDataset> = {}): IDataset {
  return {
    name: `projects/${NUMBER}/locations/${location}/datasets/${id}`,
    displayName: `dataset-${id}`,
    description: '',
    metadataSchemaUri: 'gs://google-cloud-aiplatform/schema/dataset/metadata/text_1.0.0.yaml',
    dataItemCount: '1200',
    createTime: ts('2026-01-15T00:00:00Z'),
    updateTime: ts('2026-01-16T00:00:00Z'),
    etag: '',
    labels: {},
    savedQueries: [],
    encryptionSpec: null,
    metadataArtifact: '',
    modelReference: '',
    satisfiesPzs: false,
    satisfiesPzi: false,
    ...over,
  };
}

function indexEndpoint(location: string, id: string, over: Partial<IIndexEndpoint> = {}): IIndexEndpoint {
  return {
    name: `projects/${NUMBER}/locations/${location}/indexEndpoints/${id}`,
    displayName: `rag-${id}`,
    description: '',
    deployedIndexes: [],
    etag: '',
    labels: {},
    createTime: ts('2026-04-01T00:00:00Z'),
    updateTime: ts('2026-04-01T00:00:00Z'),
    network: '',
    enablePrivateServiceConnect: false,
    privateServiceConnectConfig: null,
    publicEndpointEnabled: true,
    publicEndpointDomainName: `1234.us-central1-${NUMBER}.vdb.vertexai.goog`,
    encryptionSpec: null,
    satisfiesPzs: false,
    satisfiesPzi: false,
    ...over,
  };
}

// --- Notebooks v2 (gax-decoded) -----------------------------------------------------------------

function instance(
  zone: string,
  name: string,
  over: Partial<IInstance> = {},
  gce: Record<string, unknown> = {},
): IInstance {
  return {
    name: `projects/${PROJECT}/locations/${zone}/instances/${name}`,
    gceSetup: {
      machineType: 'e2-standard-4',
      acceleratorConfigs: [],
      serviceAccounts: [
        {
          email: `${NUMBER}-compute@developer.gserviceaccount.com`,
          scopes: ['https://www.googleapis.com/auth/cloud-platform'],
        },
      ],
      vmImage: { project: 'cloud-notebooks-managed', name: '', family: 'workbench-instances' },
      containerImage: null,
      bootDisk: { diskSizeGb: '150', diskType: 'PD_BALANCED', diskEncryption: 'GMEK', kmsKey: '' },
      dataDisks: [{ diskSizeGb: '100', diskType: 'PD_BALANCED', diskEncryption: 'GMEK', kmsKey: '' }],
      shieldedInstanceConfig: { enableSecureBoot: false, enableVtpm: true, enableIntegrityMonitoring: true },
      networkInterfaces: [
        {
          network: `https://www.googleapis.com/compute/v1/projects/${PROJECT}/global/networks/default`,
          subnet: `https://www.googleapis.com/compute/v1/projects/${PROJECT}/regions/us-central1/subnetworks/default`,
          nicType: 'NIC_TYPE_UNSPECIFIED',
        },
      ],
      disablePublicIp: false,
      tags: [],
      metadata: {
        'proxy-mode': 'service_account',
        'notebook-disable-root': 'false',
        'startup-script': SECRETS.startupScript,
        'custom-token': SECRETS.containerEnv,
      },
      enableIpForwarding: false,
      gpuDriverConfig: { enableGpuDriver: false, customGpuDriverPath: '' },
      ...gce,
    },
    proxyUri: 'https://0123456789abcdef-dot-us-central1.notebooks.googleusercontent.com',
    instanceOwners: [],
    creator: 'alice@acme.example',
    state: 'ACTIVE',
    upgradeHistory: [],
    id: '9f0e8d7c-0000-4000-8000-000000000001',
    healthState: 'HEALTHY',
    healthInfo: {},
    createTime: ts('2026-05-01T00:00:00Z'),
    updateTime: ts('2026-05-02T00:00:00Z'),
    disableProxyAccess: false,
    labels: {},
    ...over,
  };
}

const OPEN_NOTEBOOK = instance('us-central1-a', 'research-nb');
const LOCKED_NOTEBOOK = instance(
  'europe-west4-b',
  'secure-nb',
  {},
  {
    serviceAccounts: [{ email: `nb-runner@${PROJECT}.iam.gserviceaccount.com`, scopes: [] }],
    disablePublicIp: true,
    bootDisk: {
      diskSizeGb: '150',
      diskType: 'PD_SSD',
      diskEncryption: 'CMEK',
      kmsKey: `projects/${PROJECT}/locations/europe-west4/keyRings/nb/cryptoKeys/disk`,
    },
    dataDisks: [
      {
        diskSizeGb: '100',
        diskType: 'PD_SSD',
        diskEncryption: 'CMEK',
        kmsKey: `projects/${PROJECT}/locations/europe-west4/keyRings/nb/cryptoKeys/disk`,
      },
    ],
    shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
    metadata: {
      'notebook-disable-root': 'true',
      'notebook-disable-downloads': 'true',
      'notebook-disable-terminal': 'true',
      'proxy-mode': 'mail',
    },
  },
);

// --- API Keys v2 (gax-decoded) ------------------------------------------------------------------

function apiKey(id: string, restrictions: IKey['restrictions'], created = '2026-09-01T00:00:00Z'): IKey {
  return {
    name: `projects/${NUMBER}/locations/global/keys/${id}`,
    uid: id,
    displayName: `key ${id}`,
    keyString: SECRETS.apiKeyString,
    createTime: ts(created),
    updateTime: ts(created),
    deleteTime: null,
    annotations: {},
    restrictions,
    etag: `W/"${id}"`,
  };
}

const UNRESTRICTED_KEY = apiKey('11111111-aaaa-4bbb-8ccc-000000000001', null, '2025-01-10T00:00:00Z');
const GEMINI_SERVER_KEY = apiKey('11111111-aaaa-4bbb-8ccc-000000000002', {
  browserKeyRestrictions: null,
  serverKeyRestrictions: { allowedIps: ['203.0.113.10'] },
  androidKeyRestrictions: null,
  iosKeyRestrictions: null,
  apiTargets: [{ service: 'generativelanguage.googleapis.com', methods: [] }],
});

// --- IAM v1 and Resource Manager v3 (proto3 JSON) ------------------------------------------------

const CALLER_SA = `vertex-caller@${PROJECT}.iam.gserviceaccount.com`;
const CI_SA = `ci-deployer@${PROJECT}.iam.gserviceaccount.com`;
const COMPUTE_SA = `${NUMBER}-compute@developer.gserviceaccount.com`;

function serviceAccount(email: string, over: Partial<iam_v1.Schema$ServiceAccount> = {}): iam_v1.Schema$ServiceAccount {
  return {
    name: `projects/${PROJECT}/serviceAccounts/${email}`,
    projectId: PROJECT,
    uniqueId: String(100000000000000000000n + BigInt(email.length)),
    email,
    displayName: email.split('@')[0],
    etag: 'MDEwMjE5MjA=',
    oauth2ClientId: '100000000000000000021',
    ...over,
  };
}

function saKey(email: string, keyId: string, validAfter: string): iam_v1.Schema$ServiceAccountKey {
  return {
    name: `projects/${PROJECT}/serviceAccounts/${email}/keys/${keyId}`,
    validAfterTime: validAfter,
    validBeforeTime: '9999-12-31T23:59:59Z',
    keyAlgorithm: 'KEY_ALG_RSA_2048',
    keyOrigin: 'GOOGLE_PROVIDED',
    keyType: 'USER_MANAGED',
    privateKeyData: SECRETS.privateKeyData,
    publicKeyData: SECRETS.publicKeyData,
  };
}

const POLICY: cloudresourcemanager_v3.Schema$Policy = {
  version: 3,
  etag: 'BwYiHc0pQ7s=',
  bindings: [
    { role: 'roles/aiplatform.user', members: [`serviceAccount:${CALLER_SA}`, 'group:ml@acme.example'] },
    { role: 'roles/editor', members: [`serviceAccount:${COMPUTE_SA}`, 'user:alice@acme.example'] },
    { role: 'roles/owner', members: ['user:bob@acme.example'] },
    {
      role: 'roles/viewer',
      members: ['allAuthenticatedUsers'],
      condition: { title: 'until 2027', expression: 'request.time < timestamp("2027-01-01T00:00:00Z")' },
    },
  ],
  auditConfigs: [
    { service: 'allServices', auditLogConfigs: [{ logType: 'ADMIN_READ' }] },
    {
      service: 'aiplatform.googleapis.com',
      auditLogConfigs: [
        { logType: 'DATA_READ', exemptedMembers: ['user:bob@acme.example'] },
        { logType: 'DATA_WRITE' },
      ],
    },
    { service: 'storage.googleapis.com', auditLogConfigs: [{ logType: 'DATA_READ' }] },
  ],
};

// --- Fakes ---------------------------------------------------------------------------------------

/** A gRPC error as google-gax rejects with: numeric code, `details`, ErrorInfo fields. */
function grpcError(
  code: number,
  status: string,
  details: string,
  info?: { reason: string; domain: string; metadata: Record<string, string> },
): Error {
  const e = new Error(`${code} ${status}: ${details}`) as Error & Record<string, unknown>;
  e.code = code;
  e.details = details;
  e.metadata = { internalRepr: new Map(), options: {} };
  if (info) {
    e.reason = info.reason;
    e.domain = info.domain;
    e.errorInfoMetadata = info.metadata;
  }
  return e;
}

/** A REST error as gaxios rejects with: HTTP status, numeric code, and the JSON body (AIP-193). */
function restError(status: number, canonical: string, message: string, reason: string): Error {
  const e = new Error(message) as Error & Record<string, unknown>;
  e.status = status;
  e.code = status;
  e.response = {
    status,
    statusText: 'Forbidden',
    data: {
      error: {
        code: status,
        message,
        status: canonical,
        details: [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason, domain: 'googleapis.com', metadata: {} },
        ],
      },
    },
  };
  return e;
}

interface FakeOptions {
  /** Errors (or a throw after the first item) per "type:location". */
  fail?: Record<string, Error>;
  failAfterFirst?: Record<string, Error>;
  /** An error every Vertex AI list call gives (an API disabled in the project). */
  vertexError?: Error;
  notebookPages?: { instances: IInstance[]; unreachable?: string[] }[];
  saPages?: iam_v1.Schema$ServiceAccount[][];
  iamListError?: Error;
  keysBySa?: Record<string, iam_v1.Schema$ServiceAccountKey[]>;
  policyError?: Error;
}

interface Calls {
  vertex: { type: string; location: string; request: unknown; options: unknown }[];
  notebooks: IListInstancesRequest[];
  saList: { pageToken?: string }[];
  keysList: { name: string; keyTypes?: string[] }[];
  policy: unknown[];
}

function fakes(f: FakeOptions = {}): { clients: GcpClients; calls: Calls } {
  const calls: Calls = { vertex: [], notebooks: [], saList: [], keysList: [], policy: [] };
  const data: Record<string, Record<string, unknown[]>> = {
    endpoints: { 'us-central1': [PUBLIC_ENDPOINT, PSC_ENDPOINT], 'europe-west4': [VPC_ENDPOINT] },
    models: {
      'us-central1': [model('us-central1', '3333333333')],
      'europe-west4': [
        model('europe-west4', '6666666666', {
          encryptionSpec: { kmsKeyName: `projects/${PROJECT}/locations/europe-west4/keyRings/ai/cryptoKeys/m` },
        }),
      ],
    },
    datasets: {
      'us-central1': [dataset('us-central1', '7777777777')],
      'europe-west4': [
        dataset('europe-west4', '8888888888', {
          encryptionSpec: { kmsKeyName: `projects/${PROJECT}/locations/europe-west4/keyRings/ai/cryptoKeys/d` },
        }),
      ],
    },
    indexEndpoints: {
      'us-central1': [indexEndpoint('us-central1', '9999999999')],
      'europe-west4': [],
    },
  };
  function iterate<T>(type: string, location: string, request: unknown, options: unknown): AsyncIterable<T> {
    calls.vertex.push({ type, location, request, options });
    const key = `${type}:${location}`;
    const items = (data[type]?.[location] ?? []) as T[];
    return (async function* () {
      if (f.vertexError) throw f.vertexError;
      if (f.fail?.[key]) throw f.fail[key];
      for (const [i, item] of items.entries()) {
        yield item;
        if (i === 0 && f.failAfterFirst?.[key]) throw f.failAfterFirst[key];
      }
    })();
  }
  const pages = f.notebookPages ?? [{ instances: [OPEN_NOTEBOOK, LOCKED_NOTEBOOK] }];
  const saPages = f.saPages ?? [
    [serviceAccount(CALLER_SA), serviceAccount(COMPUTE_SA, { displayName: 'Compute Engine default service account' })],
    [serviceAccount(CI_SA, { disabled: true })],
  ];
  const keysBySa = f.keysBySa ?? {
    [CALLER_SA]: [saKey(CALLER_SA, 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', '2026-01-10T08:00:00Z')],
    [CI_SA]: [saKey(CI_SA, 'b1b2c3d4e5f60718293a4b5c6d7e8f9012345678', '2026-11-01T08:00:00Z')],
  };
  const iam: GcpIamApi = {
    projects: {
      serviceAccounts: {
        list: async (params) => {
          calls.saList.push({ ...(params.pageToken ? { pageToken: params.pageToken } : {}) });
          if (f.iamListError) throw f.iamListError;
          const i = params.pageToken ? Number(params.pageToken.replace('page-', '')) : 0;
          return {
            data: {
              accounts: saPages[i] ?? [],
              ...(i + 1 < saPages.length ? { nextPageToken: `page-${i + 1}` } : {}),
            },
          };
        },
        keys: {
          list: async (params) => {
            calls.keysList.push(params);
            const email = params.name.split('/serviceAccounts/')[1]!;
            return { data: { keys: keysBySa[email] ?? [] } };
          },
        },
      },
    },
  };
  const resourceManager: GcpResourceManagerApi = {
    projects: {
      get: async (params) => ({
        data: {
          name: `projects/${NUMBER}`,
          parent: 'organizations/555555555555',
          projectId: params.name.replace('projects/', ''),
          state: 'ACTIVE',
          displayName: 'Acme Production',
          createTime: '2024-01-01T00:00:00.000Z',
          etag: 'W/"abc"',
        },
      }),
      getIamPolicy: async (params) => {
        calls.policy.push(params);
        if (f.policyError) throw f.policyError;
        return { data: POLICY };
      },
    },
  };
  const clients: GcpClients = {
    endpoints: (location) => ({
      listEndpointsAsync: (request, options) => iterate<IEndpoint>('endpoints', location, request, options),
    }),
    models: (location) => ({
      listModelsAsync: (request, options) => iterate<IModel>('models', location, request, options),
    }),
    datasets: (location) => ({
      listDatasetsAsync: (request, options) => iterate<IDataset>('datasets', location, request, options),
    }),
    indexEndpoints: (location) => ({
      listIndexEndpointsAsync: (request, options) =>
        iterate<IIndexEndpoint>('indexEndpoints', location, request, options),
    }),
    notebooks: () => ({
      listInstances: async (
        request?: IListInstancesRequest,
      ): Promise<[IInstance[], IListInstancesRequest | null, IListInstancesResponse]> => {
        calls.notebooks.push(request ?? {});
        const i = request?.pageToken ? Number(request.pageToken.replace('nb-', '')) : 0;
        const page = pages[i] ?? { instances: [] };
        const next = i + 1 < pages.length ? `nb-${i + 1}` : '';
        return [
          page.instances,
          next ? { ...request, pageToken: next } : null,
          { instances: page.instances, nextPageToken: next, unreachable: page.unreachable ?? [] },
        ];
      },
    }),
    apiKeys: () => ({
      listKeysAsync: () =>
        (async function* () {
          yield UNRESTRICTED_KEY;
          yield GEMINI_SERVER_KEY;
        })(),
    }),
    iam: () => iam,
    resourceManager: () => resourceManager,
  };
  return { clients, calls };
}

async function run(f: FakeOptions = {}) {
  const { clients, calls } = fakes(f);
  const part = await collectGcp({ projects: [PROJECT], locations: LOCATIONS, clients });
  return { part, calls };
}

function collection(part: Awaited<ReturnType<typeof collectGcp>>, type: string, region: string) {
  return part.collections.filter((c) => c.type === type && c.region === region);
}

function resourcesOf(part: Awaited<ReturnType<typeof collectGcp>>, type: string) {
  return part.resources.filter((r) => r.type === type);
}

describe('collectGcp', () => {
  it('reads every type in every scope, with the account named and the snapshot valid', async () => {
    const { part } = await run();
    expect(part.accounts).toEqual([{ cloud: 'gcp', id: PROJECT, name: 'Acme Production', regions: LOCATIONS }]);
    const scopes = part.collections.map((c) => `${c.type}@${c.region}:${c.status}:${c.count}`).sort();
    expect(scopes).toEqual(
      [
        'gcp.apikeys.key@global:ok:2',
        'gcp.iam.service-account-key@global:ok:2',
        'gcp.iam.service-account@global:ok:3',
        'gcp.project.settings@global:ok:1',
        'gcp.vertex.dataset@europe-west4:ok:1',
        'gcp.vertex.dataset@us-central1:ok:1',
        'gcp.vertex.endpoint@europe-west4:ok:1',
        'gcp.vertex.endpoint@us-central1:ok:2',
        'gcp.vertex.index-endpoint@europe-west4:ok:0',
        'gcp.vertex.index-endpoint@us-central1:ok:1',
        'gcp.vertex.model@europe-west4:ok:1',
        'gcp.vertex.model@us-central1:ok:1',
        'gcp.workbench.instance@global:ok:2',
      ].sort(),
    );
    const snapshot = mergeSnapshot(
      emptySnapshot(new Date('2026-11-20T00:00:00Z'), { name: 'jackstop', version: 't' }),
      part,
    );
    expect(() => parseSnapshot(JSON.parse(JSON.stringify(snapshot)))).not.toThrow();
  });

  it('normalises Vertex AI endpoints: network, PSC, CMEK, deployed models', async () => {
    const { part } = await run();
    const byName = new Map(resourcesOf(part, GCP_TYPES.endpoint).map((r) => [r.name, r]));
    const pub = byName.get('chat-public')!;
    expect(pub).toMatchObject({ id: PUBLIC_ENDPOINT.name, account: PROJECT, region: 'us-central1' });
    expect(pub.attributes).toEqual({
      displayName: 'chat-public',
      createTime: '2026-03-01T10:00:00.000Z',
      updateTime: '2026-03-02T10:00:00.000Z',
      kmsKeyName: null,
      network: null,
      enablePrivateServiceConnect: false,
      privateServiceConnectConfig: null,
      dedicatedEndpointEnabled: true,
      deployedModelCount: 1,
      deployedModels: [
        {
          id: '2222222222',
          model: `projects/${NUMBER}/locations/us-central1/models/3333333333`,
          modelVersionId: '1',
          displayName: 'llama-ft',
          serviceAccount: CALLER_SA,
          enableAccessLogging: true,
          disableContainerLogging: false,
        },
      ],
      trafficSplit: { '2222222222': 100 },
      requestResponseLogging: {
        enabled: true,
        samplingRate: 0.5,
        bigqueryDestination: `bq://${PROJECT}.vertex_logs.chat`,
      },
    });
    expect(byName.get('chat-private')!.attributes).toMatchObject({
      kmsKeyName: `projects/${PROJECT}/locations/us-central1/keyRings/ai/cryptoKeys/vertex`,
      privateServiceConnectConfig: { enablePrivateServiceConnect: true, projectAllowlist: [PROJECT] },
      deployedModelCount: 0,
    });
    expect(byName.get('scoring-vpc')!).toMatchObject({
      region: 'europe-west4',
      attributes: { network: `projects/${NUMBER}/global/networks/ml-vpc`, privateServiceConnectConfig: null },
    });
  });

  it('normalises models, datasets and index endpoints', async () => {
    const { part } = await run();
    const m = resourcesOf(part, GCP_TYPES.model).find((r) => r.region === 'us-central1')!;
    expect(m.attributes).toEqual({
      displayName: 'model-3333333333',
      versionId: '1',
      createTime: '2026-02-01T00:00:00.000Z',
      updateTime: '2026-02-02T00:00:00.000Z',
      kmsKeyName: null,
      containerImageUri: 'us-docker.pkg.dev/vertex-ai/prediction/pytorch-gpu.2-1:latest',
      artifactUri: `gs://${PROJECT}-models/llama-ft/`,
      sourceType: 'CUSTOM',
      deployedToEndpoints: [PUBLIC_ENDPOINT.name],
    });
    const d = resourcesOf(part, GCP_TYPES.dataset).find((r) => r.region === 'europe-west4')!;
    expect(d.attributes).toMatchObject({
      kmsKeyName: `projects/${PROJECT}/locations/europe-west4/keyRings/ai/cryptoKeys/d`,
      metadataSchemaUri: 'gs://google-cloud-aiplatform/schema/dataset/metadata/text_1.0.0.yaml',
      dataItemCount: 1200,
    });
    expect(resourcesOf(part, GCP_TYPES.indexEndpoint)[0]!.attributes).toMatchObject({
      publicEndpointEnabled: true,
      network: null,
      kmsKeyName: null,
      deployedIndexCount: 0,
    });
  });

  it('normalises Workbench instances: zone as region, allow-listed metadata only, disks, shielded VM', async () => {
    const { part } = await run();
    const [open, locked] = ['research-nb', 'secure-nb'].map(
      (n) => resourcesOf(part, GCP_TYPES.workbench).find((r) => r.name === n)!,
    );
    expect(open!.region).toBe('us-central1-a');
    expect(open!.attributes).toEqual({
      state: 'ACTIVE',
      healthState: 'HEALTHY',
      createTime: '2026-05-01T00:00:00.000Z',
      updateTime: '2026-05-02T00:00:00.000Z',
      creator: 'alice@acme.example',
      machineType: 'e2-standard-4',
      disablePublicIp: false,
      disableProxyAccess: false,
      enableIpForwarding: false,
      serviceAccounts: [COMPUTE_SA],
      metadata: { 'proxy-mode': 'service_account', 'notebook-disable-root': 'false' },
      shieldedInstanceConfig: { enableSecureBoot: false, enableVtpm: true, enableIntegrityMonitoring: true },
      bootDisk: { diskType: 'PD_BALANCED', diskEncryption: 'GMEK', kmsKey: null },
      dataDisks: [{ diskType: 'PD_BALANCED', diskEncryption: 'GMEK', kmsKey: null }],
      networkInterfaces: [
        {
          network: `https://www.googleapis.com/compute/v1/projects/${PROJECT}/global/networks/default`,
          subnet: `https://www.googleapis.com/compute/v1/projects/${PROJECT}/regions/us-central1/subnetworks/default`,
        },
      ],
    });
    expect(locked!).toMatchObject({
      region: 'europe-west4-b',
      attributes: {
        disablePublicIp: true,
        serviceAccounts: [`nb-runner@${PROJECT}.iam.gserviceaccount.com`],
        bootDisk: { diskEncryption: 'CMEK' },
      },
    });
  });

  it('normalises API keys, service accounts, their user-managed keys and the project policy', async () => {
    const { part, calls } = await run();
    const keys = resourcesOf(part, GCP_TYPES.apiKey);
    expect(keys.map((k) => k.attributes.restrictions)).toEqual([
      { apiTargets: [], applicationRestriction: null },
      { apiTargets: ['generativelanguage.googleapis.com'], applicationRestriction: 'server' },
    ]);
    expect(keys[0]!.attributes).toMatchObject({ uid: UNRESTRICTED_KEY.uid, createTime: '2025-01-10T00:00:00.000Z' });
    const sas = resourcesOf(part, GCP_TYPES.serviceAccount);
    expect(sas.map((s) => [s.name, s.attributes.disabled, s.attributes.defaultServiceAccount])).toEqual([
      [CALLER_SA, false, null],
      [COMPUTE_SA, false, 'compute'],
      [CI_SA, true, null],
    ]);
    expect(calls.keysList.every((c) => c.keyTypes?.join() === 'USER_MANAGED')).toBe(true);
    const saKeys = resourcesOf(part, GCP_TYPES.serviceAccountKey);
    expect(saKeys.find((k) => k.attributes.serviceAccountEmail === CALLER_SA)!.attributes).toEqual({
      serviceAccountEmail: CALLER_SA,
      serviceAccountDisabled: false,
      keyId: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      keyType: 'USER_MANAGED',
      keyAlgorithm: 'KEY_ALG_RSA_2048',
      keyOrigin: 'GOOGLE_PROVIDED',
      validAfterTime: '2026-01-10T08:00:00.000Z',
      validBeforeTime: '9999-12-31T23:59:59.000Z',
      disabled: false,
    });
    expect(saKeys.find((k) => k.attributes.serviceAccountEmail === CI_SA)!.attributes.serviceAccountDisabled).toBe(
      true,
    );
    expect(calls.policy).toEqual([
      { resource: `projects/${PROJECT}`, requestBody: { options: { requestedPolicyVersion: 3 } } },
    ]);
    const settings = resourcesOf(part, GCP_TYPES.projectSettings);
    expect(settings).toHaveLength(1);
    expect(settings[0]).toMatchObject({ id: `projects/${PROJECT}`, region: 'global', name: PROJECT });
    const a = settings[0]!.attributes;
    expect(a).toMatchObject({
      projectNumber: NUMBER,
      policyVersion: 3,
      roleMembers: {
        'roles/owner': ['user:bob@acme.example'],
        'roles/editor': [`serviceAccount:${COMPUTE_SA}`, 'user:alice@acme.example'],
        'roles/aiplatform.admin': [],
        'roles/aiplatform.user': ['group:ml@acme.example', `serviceAccount:${CALLER_SA}`],
      },
      allUsersBound: false,
      allAuthenticatedUsersBound: true,
      publicBindings: [{ role: 'roles/viewer', member: 'allAuthenticatedUsers' }],
      serviceAccountPrimitiveRoles: [{ role: 'roles/editor', member: `serviceAccount:${COMPUTE_SA}` }],
      vertexAuditLogs: { ADMIN_READ: true, DATA_READ: true, DATA_WRITE: true, exemptedMembersCount: 1 },
      apisObserved: { 'aiplatform.googleapis.com': 'ENABLED' },
    });
    expect(a.auditConfigs).toContainEqual({
      service: 'aiplatform.googleapis.com',
      auditLogConfigs: [
        { logType: 'DATA_READ', exemptedMembersCount: 1 },
        { logType: 'DATA_WRITE', exemptedMembersCount: 0 },
      ],
    });
    expect(a.bindings).toContainEqual({ role: 'roles/viewer', members: ['allAuthenticatedUsers'], conditional: true });
  });

  it('never writes key strings, private or public key data, or secret-bearing metadata and env', async () => {
    const { part } = await run();
    const json = JSON.stringify(part);
    for (const secret of Object.values(SECRETS)) expect(json).not.toContain(secret);
    expect(json).not.toMatch(/privateKeyData|publicKeyData|keyString|startup-script/);
  });

  it('follows pageTokens (Notebooks, IAM) and passes page size and retry settings to gax list calls', async () => {
    const { part, calls } = await run({
      notebookPages: [{ instances: [OPEN_NOTEBOOK] }, { instances: [LOCKED_NOTEBOOK] }],
    });
    expect(calls.notebooks.map((r) => [r.parent, r.pageToken ?? null])).toEqual([
      [`projects/${PROJECT}/locations/-`, null],
      [`projects/${PROJECT}/locations/-`, 'nb-1'],
    ]);
    expect(resourcesOf(part, GCP_TYPES.workbench).map((r) => r.name)).toEqual(['research-nb', 'secure-nb']);
    expect(calls.saList).toEqual([{}, { pageToken: 'page-1' }]);
    expect(resourcesOf(part, GCP_TYPES.serviceAccount)).toHaveLength(3);
    const first = calls.vertex.find((c) => c.type === 'endpoints' && c.location === 'us-central1')!;
    expect(first.request).toEqual({ parent: `projects/${PROJECT}/locations/us-central1`, pageSize: 100 });
    const retry = (first.options as { retry: { retryCodes: number[] } }).retry;
    expect(retry.retryCodes).toEqual(expect.arrayContaining([8, 14]));
    // The generated clients write routing headers into the options: each call needs its own.
    expect(new Set(calls.vertex.map((c) => c.options)).size).toBe(calls.vertex.length);
  });

  it('a gRPC PERMISSION_DENIED on one type in one location fails exactly that type there', async () => {
    const denied = grpcError(
      7,
      'PERMISSION_DENIED',
      `Permission 'aiplatform.models.list' denied on resource '//aiplatform.googleapis.com/projects/${PROJECT}/locations/europe-west4' (or it may not exist).`,
      {
        reason: 'IAM_PERMISSION_DENIED',
        domain: 'aiplatform.googleapis.com',
        metadata: { permission: 'aiplatform.models.list' },
      },
    );
    const { part } = await run({ fail: { 'models:europe-west4': denied } });
    const failed = part.collections.filter((c) => c.status === 'error');
    expect(failed).toEqual([
      {
        cloud: 'gcp',
        account: PROJECT,
        region: 'europe-west4',
        type: GCP_TYPES.model,
        status: 'error',
        count: 0,
        error: {
          code: 'PERMISSION_DENIED',
          message: expect.stringMatching(/^Permission 'aiplatform\.models\.list' denied/),
          operation: 'aiplatform.models.list',
        },
      },
    ]);
    expect(collection(part, GCP_TYPES.model, 'us-central1')[0]!.status).toBe('ok');
    expect(collection(part, GCP_TYPES.endpoint, 'europe-west4')[0]!.status).toBe('ok');
    expect(resourcesOf(part, GCP_TYPES.model).map((r) => r.region)).toEqual(['us-central1']);
  });

  it('a RESOURCE_EXHAUSTED after the first page item drops the partial list of that type there', async () => {
    const exhausted = grpcError(8, 'RESOURCE_EXHAUSTED', 'Quota exceeded for aiplatform.googleapis.com/read_requests');
    const { part } = await run({ failAfterFirst: { 'endpoints:us-central1': exhausted } });
    expect(collection(part, GCP_TYPES.endpoint, 'us-central1')).toEqual([
      expect.objectContaining({
        status: 'error',
        count: 0,
        error: {
          code: 'RESOURCE_EXHAUSTED',
          message: 'Quota exceeded for aiplatform.googleapis.com/read_requests',
          operation: 'aiplatform.endpoints.list',
        },
      }),
    ]);
    expect(resourcesOf(part, GCP_TYPES.endpoint).map((r) => r.region)).toEqual(['europe-west4']);
    expect(part.collections.filter((c) => c.status === 'error')).toHaveLength(1);
  });

  it('a REST 403 from IAM fails service accounts and their keys, and nothing else', async () => {
    const forbidden = restError(
      403,
      'PERMISSION_DENIED',
      `Permission 'iam.serviceAccounts.list' denied on resource (or it may not exist).`,
      'IAM_PERMISSION_DENIED',
    );
    const { part } = await run({ iamListError: forbidden });
    const failed = part.collections.filter((c) => c.status === 'error');
    expect(failed.map((c) => [c.type, c.region, c.error?.code, c.error?.operation])).toEqual([
      [GCP_TYPES.serviceAccount, 'global', 'PERMISSION_DENIED', 'iam.serviceAccounts.list'],
      [GCP_TYPES.serviceAccountKey, 'global', 'PERMISSION_DENIED', 'iam.serviceAccounts.list'],
    ]);
    expect(failed[0]!.error!.message).toBe(
      `Permission 'iam.serviceAccounts.list' denied on resource (or it may not exist).`,
    );
    expect(collection(part, GCP_TYPES.projectSettings, 'global')[0]!.status).toBe('ok');
  });

  it('maps the real @googleapis/iam client’s 403 (HTTP answered by a fake fetch) the same way', async () => {
    const { iam } = await import('@googleapis/iam');
    const seen: string[] = [];
    const realIam = iam({
      version: 'v1',
      auth: 'fake-api-key-for-test',
      retry: false,
      fetchImplementation: async (input: string | URL | Request) => {
        seen.push(String(input instanceof Request ? input.url : input));
        return new Response(
          JSON.stringify({
            error: {
              code: 403,
              message: "Permission 'iam.serviceAccounts.list' denied on resource (or it may not exist).",
              status: 'PERMISSION_DENIED',
              details: [
                {
                  '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
                  reason: 'IAM_PERMISSION_DENIED',
                  domain: 'iam.googleapis.com',
                  metadata: { permission: 'iam.serviceAccounts.list' },
                },
              ],
            },
          }),
          { status: 403, headers: { 'content-type': 'application/json' } },
        );
      },
    });
    const { clients } = fakes();
    const part = await collectGcp({
      projects: [PROJECT],
      locations: ['us-central1'],
      clients: { ...clients, iam: () => realIam },
    });
    expect(seen[0]).toMatch(new RegExp(`^https://iam\\.googleapis\\.com/v1/projects/${PROJECT}/serviceAccounts\\?`));
    expect(collection(part, GCP_TYPES.serviceAccount, 'global')[0]!.error).toEqual({
      code: 'PERMISSION_DENIED',
      message: "Permission 'iam.serviceAccounts.list' denied on resource (or it may not exist).",
      operation: 'iam.serviceAccounts.list',
    });
  });

  it('treats Vertex AI disabled in the project as no resources, but not when another project is named', async () => {
    const disabled = (consumer: string) =>
      grpcError(
        7,
        'PERMISSION_DENIED',
        `Vertex AI API has not been used in project ${consumer.split('/')[1]} before or it is disabled.`,
        {
          reason: 'SERVICE_DISABLED',
          domain: 'googleapis.com',
          metadata: { service: 'aiplatform.googleapis.com', consumer },
        },
      );
    const off = await run({ vertexError: disabled(`projects/${NUMBER}`) });
    const vertex = off.part.collections.filter((c) => c.type.startsWith('gcp.vertex.'));
    expect(vertex).toHaveLength(8);
    expect(vertex.every((c) => c.status === 'ok' && c.count === 0)).toBe(true);
    expect(resourcesOf(off.part, GCP_TYPES.endpoint)).toEqual([]);
    expect(resourcesOf(off.part, GCP_TYPES.projectSettings)[0]!.attributes.apisObserved).toEqual({
      'aiplatform.googleapis.com': 'DISABLED',
    });
    // The caller's own quota project, not the scanned one: an error like any other.
    const elsewhere = await run({ vertexError: disabled('projects/999999999999') });
    const failed = elsewhere.part.collections.filter((c) => c.type.startsWith('gcp.vertex.'));
    expect(failed.every((c) => c.status === 'error' && c.error?.code === 'PERMISSION_DENIED')).toBe(true);
    expect(resourcesOf(elsewhere.part, GCP_TYPES.projectSettings)[0]!.attributes.apisObserved).toEqual({});
  });

  it('records a zone the Notebooks API could not reach as failed there only', async () => {
    const { part } = await run({
      notebookPages: [{ instances: [OPEN_NOTEBOOK], unreachable: [`projects/${PROJECT}/locations/asia-east1-a`] }],
    });
    expect(collection(part, GCP_TYPES.workbench, 'global')[0]).toMatchObject({ status: 'ok', count: 1 });
    expect(collection(part, GCP_TYPES.workbench, 'asia-east1-a')).toEqual([
      expect.objectContaining({ status: 'error', error: expect.objectContaining({ code: 'UNAVAILABLE' }) }),
    ]);
  });

  it('refuses to run without a project', async () => {
    await expect(collectGcp({ projects: [' '], clients: fakes().clients })).rejects.toThrow(/no GCP project/);
  });
});

describe('GCP collector output against the built-in checks', () => {
  it('every GCP check evaluates on collected resources (no expression errors) with the expected outcomes', async () => {
    const { part } = await run();
    const snapshot = mergeSnapshot(
      emptySnapshot(new Date('2026-11-20T00:00:00Z'), { name: 'jackstop', version: 't' }),
      part,
    );
    const { checks } = await loadChecks();
    const gcp = checks.filter((c) => c.cloud === 'gcp');
    expect(gcp.length).toBeGreaterThanOrEqual(15);
    const results = evaluateChecks(snapshot, gcp, { enrichers: ENRICHERS });
    const broken = results.filter((r) => r.status === 'could-not-check').map((r) => `${r.check.id}: ${r.reason}`);
    expect(broken).toEqual([]);
    const outcome = (id: string, name: string) =>
      results.find((r) => r.check.id === id && (r.resource?.name === name || r.resource?.id === name))?.status;
    expect(outcome('jackstop.gcp.vertex.endpoint-private', 'chat-public')).toBe('fail');
    expect(outcome('jackstop.gcp.vertex.endpoint-private', 'chat-private')).toBe('pass');
    expect(outcome('jackstop.gcp.vertex.endpoint-private', 'scoring-vpc')).toBe('pass');
    expect(outcome('jackstop.gcp.vertex.endpoint-cmek', 'chat-private')).toBe('pass');
    expect(outcome('jackstop.gcp.workbench.no-public-ip', 'research-nb')).toBe('fail');
    expect(outcome('jackstop.gcp.workbench.no-public-ip', 'secure-nb')).toBe('pass');
    expect(outcome('jackstop.gcp.workbench.root-disabled', 'research-nb')).toBe('fail');
    expect(outcome('jackstop.gcp.workbench.root-disabled', 'secure-nb')).toBe('pass');
    expect(outcome('jackstop.gcp.workbench.default-service-account', 'research-nb')).toBe('fail');
    expect(outcome('jackstop.gcp.apikeys.gemini-restricted', UNRESTRICTED_KEY.displayName!)).toBe('fail');
    expect(outcome('jackstop.gcp.apikeys.gemini-restricted', GEMINI_SERVER_KEY.displayName!)).toBe('pass');
    expect(
      outcome('jackstop.gcp.iam.vertex-invoker-user-managed-key', 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'),
    ).toBe('fail');
    expect(outcome('jackstop.gcp.iam.sa-key-rotated-90-days', 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678')).toBe('fail');
    expect(outcome('jackstop.gcp.project.vertex-data-access-logs', PROJECT)).toBe('pass');
    expect(outcome('jackstop.gcp.project.audit-log-exemptions', PROJECT)).toBe('fail');
    expect(outcome('jackstop.gcp.project.no-public-bindings', PROJECT)).toBe('fail');
    expect(outcome('jackstop.gcp.project.no-primitive-roles-on-service-accounts', PROJECT)).toBe('fail');
  });
});

describe('docs/posture/gcp-collector-role.yaml', () => {
  it('grants exactly the permissions the collector uses, and never getKeyString', async () => {
    const root = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)))!;
    const role = parseYaml(await readFile(path.join(root, 'docs/posture/gcp-collector-role.yaml'), 'utf8')) as {
      title: string;
      stage: string;
      includedPermissions: string[];
    };
    expect(role.stage).toBe('GA');
    expect(role.title).toBeTruthy();
    expect([...role.includedPermissions].sort()).toEqual([...GCP_COLLECTOR_PERMISSIONS].sort());
    expect(role.includedPermissions).not.toContain('apikeys.keys.getKeyString');
  });
});
