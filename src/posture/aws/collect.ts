/**
 * The AWS collector: read-only calls through the official SDK v3 clients, every enabled region
 * (or the ones asked for), paginated, with the SDK's adaptive retry mode for throttling. Each
 * service's collectors live in their own file and register in `services.ts`; each collects its
 * resource types through `collectType`, so a denied or throttled call marks exactly that type in
 * that scope as failed.
 */
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient, type STSClientConfig } from '@aws-sdk/client-sts';
import { errorMessage, JackstopError } from '../../errors.js';
import { collectType, emptyPart, forEachLimited, type SnapshotPart } from '../collect.js';
import { GLOBAL_REGION, type Resource } from '../snapshot.js';
import { AWS_SERVICE_COLLECTORS } from './services.js';

/** Static credentials or a provider, as every SDK client takes them. */
export type AwsCredentials = NonNullable<STSClientConfig['credentials']>;

export interface AwsCollectOptions {
  /** Regions to read; default: every region enabled for the account (`ec2:DescribeRegions`). */
  regions?: string[];
  /** Credentials; default: the SDK's default chain (env, profile, SSO, IMDS …). */
  credentials?: AwsCredentials;
  /** Region for the account-level calls (STS, IAM, DescribeRegions); default us-east-1. */
  homeRegion?: string;
  /** Regions read at once (default 4). */
  concurrency?: number;
  /** Attempts per call, throttling included (default 8, adaptive backoff). */
  maxAttempts?: number;
}

/** What a service collector gets for one scope (a region, or the account's global scope). */
export interface AwsScope {
  account: string;
  region: string;
  /** A client of the given class for this scope's region, built once, with retries and credentials set. */
  client<C>(ctor: new (config: AwsClientConfig) => C): C;
  /** Records one resource type's collection in this scope (see `collectType`). */
  collect(type: string, list: (current: { operation?: string }) => Promise<Resource[]>): Promise<Resource[]>;
  /** Resource builder with this scope's cloud, account and region filled in. */
  resource(type: string, id: string, name: string | undefined, attributes: Record<string, unknown>): Resource;
}

export interface AwsClientConfig {
  region: string;
  credentials?: AwsCredentials;
  maxAttempts: number;
  retryMode: 'adaptive';
}

/**
 * One service's collectors: `regional` ones run in every region, the others once per account
 * (scope region `global`, their calls made in the home region). `actions` are the IAM actions
 * the collector may call: the least-privilege policy in docs/ is their union (a test checks it).
 */
export interface AwsServiceCollector {
  name: string;
  regional: boolean;
  types: readonly string[];
  actions: readonly string[];
  collect(scope: AwsScope): Promise<void>;
}

function clientConfig(region: string, o: AwsCollectOptions): AwsClientConfig {
  return {
    region,
    ...(o.credentials ? { credentials: o.credentials } : {}),
    maxAttempts: o.maxAttempts ?? 8,
    retryMode: 'adaptive',
  };
}

export function makeScope(
  part: SnapshotPart,
  account: string,
  region: string,
  clientRegion: string,
  o: AwsCollectOptions,
): AwsScope {
  const clients = new Map<unknown, unknown>();
  return {
    account,
    region,
    client<C>(ctor: new (config: AwsClientConfig) => C): C {
      let c = clients.get(ctor) as C | undefined;
      if (!c) {
        c = new ctor(clientConfig(clientRegion, o));
        clients.set(ctor, c);
      }
      return c;
    },
    collect: (type, list) => collectType(part, { cloud: 'aws', account, region, type }, list),
    resource: (type, id, name, attributes) => ({
      cloud: 'aws',
      type,
      id,
      account,
      region,
      ...(name !== undefined ? { name } : {}),
      attributes,
    }),
  };
}

/** Reads one AWS account (the credentials' own). */
export async function collectAws(o: AwsCollectOptions = {}): Promise<SnapshotPart> {
  const home = o.homeRegion ?? 'us-east-1';
  const part = emptyPart();
  let account: string;
  try {
    const id = await new STSClient(clientConfig(home, o)).send(new GetCallerIdentityCommand({}));
    account = id.Account!;
  } catch (e) {
    throw new JackstopError(
      'JACKSTOP_COLLECT_ERROR',
      `cannot identify the AWS account (sts:GetCallerIdentity): ${errorMessage(e)}. Check the credentials (AWS_PROFILE, aws sso login …)`,
      { cause: e },
    );
  }
  let regions = o.regions;
  if (!regions || regions.length === 0) {
    try {
      const out = await new EC2Client(clientConfig(home, o)).send(new DescribeRegionsCommand({}));
      regions = (out.Regions ?? [])
        .map((r) => r.RegionName!)
        .filter(Boolean)
        .sort();
    } catch (e) {
      throw new JackstopError(
        'JACKSTOP_COLLECT_ERROR',
        `cannot list the account's regions (ec2:DescribeRegions): ${errorMessage(e)}; pass --regions to name them`,
        { cause: e },
      );
    }
  }
  part.accounts.push({ cloud: 'aws', id: account, regions: [...regions] });
  const global = makeScope(part, account, GLOBAL_REGION, home, o);
  for (const svc of AWS_SERVICE_COLLECTORS.filter((s) => !s.regional)) await svc.collect(global);
  await forEachLimited(regions, o.concurrency ?? 4, async (region) => {
    const scope = makeScope(part, account, region, region, o);
    for (const svc of AWS_SERVICE_COLLECTORS.filter((s) => s.regional)) await svc.collect(scope);
  });
  return part;
}

/** Every IAM action the AWS collector may call (the least-privilege policy's actions). */
export function awsCollectorActions(): string[] {
  const all = new Set(['sts:GetCallerIdentity', 'ec2:DescribeRegions']);
  for (const s of AWS_SERVICE_COLLECTORS) for (const a of s.actions) all.add(a);
  return [...all].sort();
}
