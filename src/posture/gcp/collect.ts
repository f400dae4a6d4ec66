/**
 * The GCP collector: read-only list calls through Google's official Node clients, per project and,
 * for Vertex AI, per location (regional endpoints `<location>-aiplatform.googleapis.com`). Every
 * resource type in every scope goes through `collectType`, so a PERMISSION_DENIED or
 * RESOURCE_EXHAUSTED on one type marks exactly that type there as failed. Throttling and
 * unavailability are retried by the clients themselves (gax retry codes, gaxios retryConfig).
 *
 * The SDKs are imported lazily, inside `collectGcp`, and only for clients not injected: loading
 * @google-cloud/aiplatform takes over a second, and `jackstop scan` never needs it.
 */
import type { protos as aiplatformProtos, v1 as aiplatformV1 } from '@google-cloud/aiplatform';
import type { ApiKeysClient } from '@google-cloud/apikeys';
import type { protos as notebooksProtos, v2 as notebooksV2 } from '@google-cloud/notebooks';
import type { cloudresourcemanager_v3 } from '@googleapis/cloudresourcemanager';
import type { iam_v1 } from '@googleapis/iam';
import { errorMessage, JackstopError } from '../../errors.js';
import { collectType, emptyPart, forEachLimited, type SnapshotPart } from '../collect.js';
import { GLOBAL_REGION, type Resource } from '../snapshot.js';
import { type GcpApiError, GRPC, gcpError, isServiceDisabled } from './errors.js';
import {
  apiKeyAttributes,
  datasetAttributes,
  endpointAttributes,
  indexEndpointAttributes,
  lastSegment,
  locationOf,
  modelAttributes,
  policyAttributes,
  serviceAccountAttributes,
  serviceAccountKeyAttributes,
  str,
  workbenchAttributes,
} from './normalize.js';

/**
 * Vertex AI regions read when none are given: the main generative-AI and prediction regions in the
 * Americas, Europe and Asia. Resources elsewhere are not seen: pass `locations` to cover them.
 */
export const GCP_DEFAULT_LOCATIONS: readonly string[] = [
  'us-central1',
  'us-east1',
  'us-east4',
  'us-west1',
  'europe-west1',
  'europe-west4',
  'asia-northeast1',
  'asia-southeast1',
];

export const GCP_TYPES = {
  endpoint: 'gcp.vertex.endpoint',
  model: 'gcp.vertex.model',
  dataset: 'gcp.vertex.dataset',
  indexEndpoint: 'gcp.vertex.index-endpoint',
  workbench: 'gcp.workbench.instance',
  apiKey: 'gcp.apikeys.key',
  serviceAccount: 'gcp.iam.service-account',
  serviceAccountKey: 'gcp.iam.service-account-key',
  projectSettings: 'gcp.project.settings',
} as const;

/**
 * IAM permissions the collector uses: docs/posture/gcp-collector-role.yaml grants exactly these
 * (a test checks it). `apikeys.keys.getKeyString` is deliberately absent.
 */
export const GCP_COLLECTOR_PERMISSIONS: readonly string[] = [
  'aiplatform.datasets.list',
  'aiplatform.endpoints.list',
  'aiplatform.indexEndpoints.list',
  'aiplatform.models.list',
  'apikeys.keys.list',
  'iam.serviceAccountKeys.list',
  'iam.serviceAccounts.list',
  'notebooks.instances.list',
  'resourcemanager.projects.get',
  'resourcemanager.projects.getIamPolicy',
];

type CallOptions = NonNullable<Parameters<aiplatformV1.EndpointServiceClient['listEndpointsAsync']>[1]>;

/** The IAM v1 REST calls used (a subset of `iam_v1.Iam`, so tests can pass a fake). */
export interface GcpIamApi {
  projects: {
    serviceAccounts: {
      list(params: {
        name: string;
        pageSize?: number;
        pageToken?: string;
      }): Promise<{ data: iam_v1.Schema$ListServiceAccountsResponse }>;
      keys: {
        list(params: {
          name: string;
          keyTypes?: string[];
        }): Promise<{ data: iam_v1.Schema$ListServiceAccountKeysResponse }>;
      };
    };
  };
}

/** The Resource Manager v3 REST calls used (a subset of `cloudresourcemanager_v3.Cloudresourcemanager`). */
export interface GcpResourceManagerApi {
  projects: {
    get(params: { name: string }): Promise<{ data: cloudresourcemanager_v3.Schema$Project }>;
    getIamPolicy(params: {
      resource: string;
      requestBody?: cloudresourcemanager_v3.Schema$GetIamPolicyRequest;
    }): Promise<{ data: cloudresourcemanager_v3.Schema$Policy }>;
  };
}

/** Client factories; the real clients by default, fakes in tests. Regional ones take a Vertex location. */
export interface GcpClients {
  endpoints(location: string): Pick<aiplatformV1.EndpointServiceClient, 'listEndpointsAsync'>;
  models(location: string): Pick<aiplatformV1.ModelServiceClient, 'listModelsAsync'>;
  datasets(location: string): Pick<aiplatformV1.DatasetServiceClient, 'listDatasetsAsync'>;
  indexEndpoints(location: string): Pick<aiplatformV1.IndexEndpointServiceClient, 'listIndexEndpointsAsync'>;
  notebooks(): Pick<notebooksV2.NotebookServiceClient, 'listInstances'>;
  apiKeys(): Pick<ApiKeysClient, 'listKeysAsync'>;
  iam(): GcpIamApi;
  resourceManager(): GcpResourceManagerApi;
}

export interface GcpCollectOptions {
  /** Project ids to read (required: a credential does not name "its" project the way an AWS key does). */
  projects: string[];
  /** Vertex AI locations to read (default `GCP_DEFAULT_LOCATIONS`). Workbench is listed in all zones at once. */
  locations?: string[];
  /** A service-account key file for every client; default Application Default Credentials. */
  keyFilename?: string;
  /** Locations read at once per project (default 4). */
  concurrency?: number;
  /** Projects read at once (default 2). */
  projectConcurrency?: number;
  /** Retries per call on RESOURCE_EXHAUSTED, UNAVAILABLE, DEADLINE_EXCEEDED / HTTP 429, 5xx (default 6, exponential backoff). */
  maxRetries?: number;
  /** Injected client factories (tests); the others are the real clients. */
  clients?: Partial<GcpClients>;
}

const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const PAGE_SIZE = 100;

/**
 * gax per-call options, a new object per call (the generated clients write routing headers into
 * it). Retries: the generated defaults do not retry List calls on RESOURCE_EXHAUSTED. autoPaginate
 * false: the `*Async` iterators page by themselves and warn when it is left at its default.
 */
function gaxCallOptions(maxRetries: number): CallOptions {
  return {
    autoPaginate: false,
    retry: {
      retryCodes: [GRPC.RESOURCE_EXHAUSTED, GRPC.UNAVAILABLE, GRPC.DEADLINE_EXCEEDED],
      backoffSettings: {
        maxRetries,
        initialRetryDelayMillis: 1000,
        retryDelayMultiplier: 2,
        maxRetryDelayMillis: 32_000,
        initialRpcTimeoutMillis: 60_000,
        rpcTimeoutMultiplier: 1,
        maxRpcTimeoutMillis: 60_000,
      },
    },
  };
}

interface OpenClients {
  clients: GcpClients;
  close(): Promise<void>;
}

/** The real clients for the factories not injected, each built once (per location for Vertex). */
async function openClients(o: GcpCollectOptions): Promise<OpenClients> {
  const injected = o.clients ?? {};
  const opened: { close(): Promise<void> }[] = [];
  const cache = new Map<string, unknown>();
  function once<T extends { close(): Promise<void> }>(key: string, make: () => T): T {
    let c = cache.get(key) as T | undefined;
    if (!c) {
      c = make();
      cache.set(key, c);
      opened.push(c);
    }
    return c;
  }
  const gax = (location?: string) => ({
    ...(location ? { apiEndpoint: `${location}-aiplatform.googleapis.com` } : {}),
    ...(o.keyFilename ? { keyFilename: o.keyFilename } : {}),
  });
  const needVertex = !injected.endpoints || !injected.models || !injected.datasets || !injected.indexEndpoints;
  const ai = needVertex ? await import('@google-cloud/aiplatform') : undefined;
  const nb = injected.notebooks ? undefined : await import('@google-cloud/notebooks');
  const keys = injected.apiKeys ? undefined : await import('@google-cloud/apikeys');
  const iamMod = injected.iam ? undefined : await import('@googleapis/iam');
  const crmMod = injected.resourceManager ? undefined : await import('@googleapis/cloudresourcemanager');
  const authMod = iamMod ?? crmMod;
  const auth = authMod
    ? new authMod.auth.GoogleAuth({
        scopes: [CLOUD_PLATFORM_SCOPE],
        ...(o.keyFilename ? { keyFilename: o.keyFilename } : {}),
      })
    : undefined;
  if (auth) {
    // Fail once, clearly, rather than record every call of every project as failed.
    try {
      await auth.getClient();
    } catch (e) {
      throw new JackstopError(
        'JACKSTOP_COLLECT_ERROR',
        `cannot find Google Cloud credentials: ${errorMessage(e).split('\n')[0]!.replace(/\.+$/, '')}. Run \`gcloud auth application-default login\`, set GOOGLE_APPLICATION_CREDENTIALS, or pass a key file`,
        { cause: e },
      );
    }
  }
  // gaxios retries 429 and 5xx; POST is added because getIamPolicy is a read sent as POST.
  const rest = {
    auth,
    timeout: 60_000,
    retry: true,
    retryConfig: {
      retry: o.maxRetries ?? 6,
      httpMethodsToRetry: ['GET', 'POST'],
      statusCodesToRetry: [
        [429, 429],
        [500, 599],
      ],
    },
  };
  const clients: GcpClients = {
    endpoints: injected.endpoints ?? ((l) => once(`endpoints:${l}`, () => new ai!.v1.EndpointServiceClient(gax(l)))),
    models: injected.models ?? ((l) => once(`models:${l}`, () => new ai!.v1.ModelServiceClient(gax(l)))),
    datasets: injected.datasets ?? ((l) => once(`datasets:${l}`, () => new ai!.v1.DatasetServiceClient(gax(l)))),
    indexEndpoints:
      injected.indexEndpoints ??
      ((l) => once(`indexEndpoints:${l}`, () => new ai!.v1.IndexEndpointServiceClient(gax(l)))),
    notebooks: injected.notebooks ?? (() => once('notebooks', () => new nb!.v2.NotebookServiceClient(gax()))),
    apiKeys: injected.apiKeys ?? (() => once('apikeys', () => new keys!.ApiKeysClient(gax()))),
    iam: injected.iam ?? memo(() => iamMod!.iam({ version: 'v1', ...rest })),
    resourceManager: injected.resourceManager ?? memo(() => crmMod!.cloudresourcemanager({ version: 'v3', ...rest })),
  };
  return {
    clients,
    close: async () => {
      await Promise.allSettled(opened.map((c) => c.close()));
    },
  };
}

function memo<T>(make: () => T): () => T {
  let v: T | undefined;
  return () => {
    v ??= make();
    return v;
  };
}

/** Drains an async iterator of a gax `*Async` list call, turning its errors into `GcpApiError`. */
async function drain<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  try {
    for await (const item of items) out.push(item);
  } catch (e) {
    throw gcpError(e);
  }
  return out;
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw gcpError(e);
  }
}

interface ProjectContext {
  project: string;
  /** Project number, from resourcemanager.projects.get (Vertex names and error consumers use it). */
  number?: string;
  /** APIs whose state a list call revealed (a success means enabled; SERVICE_DISABLED means disabled). */
  apisObserved: Record<string, 'ENABLED' | 'DISABLED'>;
}

class Collector {
  readonly part = emptyPart();

  constructor(
    readonly o: GcpCollectOptions,
    readonly clients: GcpClients,
    readonly locations: readonly string[],
  ) {}

  callOptions(): CallOptions {
    return gaxCallOptions(this.o.maxRetries ?? 6);
  }

  resource(
    type: string,
    ctx: ProjectContext,
    region: string,
    id: string,
    name: string | null,
    attributes: Record<string, unknown>,
  ): Resource {
    return {
      cloud: 'gcp',
      type,
      id,
      account: ctx.project,
      region,
      ...(name ? { name } : {}),
      attributes,
    };
  }

  collect(
    ctx: ProjectContext,
    region: string,
    type: string,
    list: (current: { operation?: string }) => Promise<Resource[]>,
  ): Promise<Resource[]> {
    return collectType(this.part, { cloud: 'gcp', account: ctx.project, region, type }, list);
  }

  async project(project: string): Promise<void> {
    const ctx: ProjectContext = { project, apisObserved: {} };
    let displayName: string | undefined;
    try {
      const { data } = await call(() => this.clients.resourceManager().projects.get({ name: `projects/${project}` }));
      const number = str(data.name)?.replace(/^projects\//, '');
      if (number) ctx.number = number;
      displayName = str(data.displayName) ?? undefined;
    } catch {
      // Not fatal: only the account's display name and the SERVICE_DISABLED test need it.
    }
    this.part.accounts.push({
      cloud: 'gcp',
      id: project,
      ...(displayName ? { name: displayName } : {}),
      regions: [...this.locations],
    });
    await forEachLimited(this.locations, this.o.concurrency ?? 4, (location) => this.vertex(ctx, location));
    await this.workbench(ctx);
    await this.apiKeys(ctx);
    await this.iam(ctx);
    await this.projectSettings(ctx);
  }

  /**
   * One Vertex AI list in one location. SERVICE_DISABLED for aiplatform.googleapis.com in this very
   * project is an answer, not a failure: with the API off nothing in the project can be invoked,
   * so the type is recorded as collected with no resources.
   */
  async vertexList<T>(
    ctx: ProjectContext,
    location: string,
    type: string,
    operation: string,
    list: () => AsyncIterable<T>,
    build: (item: T) => Resource | null,
  ): Promise<void> {
    await this.collect(ctx, location, type, async (current) => {
      current.operation = operation;
      if (ctx.apisObserved['aiplatform.googleapis.com'] === 'DISABLED') return [];
      try {
        const items = await drain(list());
        ctx.apisObserved['aiplatform.googleapis.com'] = 'ENABLED';
        return items.map(build).filter((r): r is Resource => r !== null);
      } catch (e) {
        const err = gcpError(e);
        if (isServiceDisabled(err, 'aiplatform.googleapis.com', ctx.number)) {
          ctx.apisObserved['aiplatform.googleapis.com'] = 'DISABLED';
          return [];
        }
        throw err;
      }
    });
  }

  async vertex(ctx: ProjectContext, location: string): Promise<void> {
    const parent = `projects/${ctx.project}/locations/${location}`;
    const req = () => ({ parent, pageSize: PAGE_SIZE });
    const named = <T extends { name?: string | null }>(type: string, attrs: (x: T) => Record<string, unknown>) => {
      return (x: T) => {
        const id = str(x.name);
        if (!id) return null;
        const a = attrs(x);
        return this.resource(type, ctx, location, id, (a.displayName as string | null) ?? lastSegment(id), a);
      };
    };
    await this.vertexList(
      ctx,
      location,
      GCP_TYPES.endpoint,
      'aiplatform.endpoints.list',
      () => this.clients.endpoints(location).listEndpointsAsync(req(), this.callOptions()),
      named<aiplatformProtos.google.cloud.aiplatform.v1.IEndpoint>(GCP_TYPES.endpoint, endpointAttributes),
    );
    await this.vertexList(
      ctx,
      location,
      GCP_TYPES.model,
      'aiplatform.models.list',
      () => this.clients.models(location).listModelsAsync(req(), this.callOptions()),
      named<aiplatformProtos.google.cloud.aiplatform.v1.IModel>(GCP_TYPES.model, modelAttributes),
    );
    await this.vertexList(
      ctx,
      location,
      GCP_TYPES.dataset,
      'aiplatform.datasets.list',
      () => this.clients.datasets(location).listDatasetsAsync(req(), this.callOptions()),
      named<aiplatformProtos.google.cloud.aiplatform.v1.IDataset>(GCP_TYPES.dataset, datasetAttributes),
    );
    await this.vertexList(
      ctx,
      location,
      GCP_TYPES.indexEndpoint,
      'aiplatform.indexEndpoints.list',
      () => this.clients.indexEndpoints(location).listIndexEndpointsAsync(req(), this.callOptions()),
      named<aiplatformProtos.google.cloud.aiplatform.v1.IIndexEndpoint>(
        GCP_TYPES.indexEndpoint,
        indexEndpointAttributes,
      ),
    );
  }

  /**
   * Workbench (Notebooks v2) instances of every zone in one call (`locations/-`), so they are one
   * project-wide collection; each instance keeps its zone as region. Zones the API reports as
   * unreachable become failed collections of their own, and only there.
   */
  async workbench(ctx: ProjectContext): Promise<void> {
    const unreachable: string[] = [];
    await this.collect(ctx, GLOBAL_REGION, GCP_TYPES.workbench, async (current) => {
      current.operation = 'notebooks.instances.list';
      const out: Resource[] = [];
      let pageToken: string | undefined;
      do {
        const request: notebooksProtos.google.cloud.notebooks.v2.IListInstancesRequest = {
          parent: `projects/${ctx.project}/locations/-`,
          pageSize: PAGE_SIZE,
          ...(pageToken ? { pageToken } : {}),
        };
        const [instances, , response] = await call(() =>
          this.clients.notebooks().listInstances(request, this.callOptions()),
        );
        for (const i of instances ?? []) {
          const id = str(i.name);
          if (!id) continue;
          out.push(
            this.resource(
              GCP_TYPES.workbench,
              ctx,
              locationOf(id) ?? GLOBAL_REGION,
              id,
              lastSegment(id),
              workbenchAttributes(i),
            ),
          );
        }
        unreachable.push(...(response?.unreachable ?? []));
        pageToken = str(response?.nextPageToken) ?? undefined;
      } while (pageToken);
      return out;
    });
    for (const u of new Set(unreachable)) {
      const zone = locationOf(u) ?? u;
      this.part.collections.push({
        cloud: 'gcp',
        account: ctx.project,
        region: zone,
        type: GCP_TYPES.workbench,
        status: 'error',
        count: 0,
        error: {
          code: 'UNAVAILABLE',
          message: `the Notebooks API reported ${zone} as unreachable: its instances were not listed`,
          operation: 'notebooks.instances.list',
        },
      });
    }
  }

  async apiKeys(ctx: ProjectContext): Promise<void> {
    await this.collect(ctx, GLOBAL_REGION, GCP_TYPES.apiKey, async (current) => {
      current.operation = 'apikeys.keys.list';
      const keys = await drain(
        this.clients
          .apiKeys()
          .listKeysAsync({ parent: `projects/${ctx.project}/locations/global`, pageSize: 300 }, this.callOptions()),
      );
      return keys.flatMap((k) => {
        const id = str(k.name);
        if (!id) return [];
        const a = apiKeyAttributes(k);
        return [
          this.resource(
            GCP_TYPES.apiKey,
            ctx,
            GLOBAL_REGION,
            id,
            (a.displayName as string | null) ?? lastSegment(id),
            a,
          ),
        ];
      });
    });
  }

  /** Service accounts, then each one's user-managed keys (a key list cannot be trusted if the accounts could not be listed). */
  async iam(ctx: ProjectContext): Promise<void> {
    let listError: GcpApiError | undefined;
    const accounts = await this.collect(ctx, GLOBAL_REGION, GCP_TYPES.serviceAccount, async (current) => {
      current.operation = 'iam.serviceAccounts.list';
      const out: Resource[] = [];
      let pageToken: string | undefined;
      try {
        do {
          const { data } = await call(() =>
            this.clients.iam().projects.serviceAccounts.list({
              name: `projects/${ctx.project}`,
              pageSize: PAGE_SIZE,
              ...(pageToken ? { pageToken } : {}),
            }),
          );
          for (const sa of data.accounts ?? []) {
            const id = str(sa.name);
            if (!id || !str(sa.email)) continue;
            const a = serviceAccountAttributes(sa);
            out.push(this.resource(GCP_TYPES.serviceAccount, ctx, GLOBAL_REGION, id, a.email as string, a));
          }
          pageToken = str(data.nextPageToken) ?? undefined;
        } while (pageToken);
      } catch (e) {
        listError = gcpError(e);
        throw listError;
      }
      return out;
    });
    await this.collect(ctx, GLOBAL_REGION, GCP_TYPES.serviceAccountKey, async (current) => {
      current.operation = 'iam.serviceAccountKeys.list';
      if (listError) {
        current.operation = 'iam.serviceAccounts.list';
        throw listError;
      }
      const out: Resource[] = [];
      await forEachLimited(accounts, this.o.concurrency ?? 4, async (sa) => {
        const email = sa.attributes.email as string;
        let keys: iam_v1.Schema$ServiceAccountKey[];
        try {
          const { data } = await call(() =>
            this.clients.iam().projects.serviceAccounts.keys.list({ name: sa.id, keyTypes: ['USER_MANAGED'] }),
          );
          keys = data.keys ?? [];
        } catch (e) {
          // Deleted between the two calls: it has no keys any more.
          if (gcpError(e).code === 'NOT_FOUND') return;
          throw e;
        }
        for (const key of keys) {
          const id = str(key.name);
          if (!id) continue;
          // The filter asked for USER_MANAGED; a server ignoring it must not turn Google's keys into findings.
          if (key.keyType && key.keyType !== 'USER_MANAGED') continue;
          const a = serviceAccountKeyAttributes(key, { email, disabled: sa.attributes.disabled === true });
          out.push(this.resource(GCP_TYPES.serviceAccountKey, ctx, GLOBAL_REGION, id, lastSegment(id), a));
        }
      });
      return out;
    });
  }

  /** The project IAM policy (version 3, so conditional bindings are returned whole) and what list calls revealed. */
  async projectSettings(ctx: ProjectContext): Promise<void> {
    await this.collect(ctx, GLOBAL_REGION, GCP_TYPES.projectSettings, async (current) => {
      current.operation = 'resourcemanager.projects.getIamPolicy';
      const { data } = await call(() =>
        this.clients.resourceManager().projects.getIamPolicy({
          resource: `projects/${ctx.project}`,
          requestBody: { options: { requestedPolicyVersion: 3 } },
        }),
      );
      return [
        this.resource(GCP_TYPES.projectSettings, ctx, GLOBAL_REGION, `projects/${ctx.project}`, ctx.project, {
          ...(ctx.number ? { projectNumber: ctx.number } : {}),
          ...policyAttributes(data),
          apisObserved: { ...ctx.apisObserved },
        }),
      ];
    });
  }
}

/** Reads GCP projects (Vertex AI, Workbench, API keys, service accounts, project IAM policy). */
export async function collectGcp(o: GcpCollectOptions): Promise<SnapshotPart> {
  const projects = [...new Set(o.projects.map((p) => p.trim()).filter(Boolean))];
  if (projects.length === 0) {
    throw new JackstopError('JACKSTOP_COLLECT_ERROR', 'no GCP project to read: name at least one project id');
  }
  const locations = [...new Set(o.locations && o.locations.length > 0 ? o.locations : GCP_DEFAULT_LOCATIONS)];
  const { clients, close } = await openClients(o);
  const collector = new Collector(o, clients, locations);
  try {
    await forEachLimited(projects, o.projectConcurrency ?? 2, (p) => collector.project(p));
  } finally {
    await close();
  }
  return collector.part;
}
