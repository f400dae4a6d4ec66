import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JackstopError } from '../../errors.js';
import { type Cloud, parseSnapshot, type SnapshotPart } from '../../posture/index.js';
import { type CollectOptions, type Collector, cloudsToCollect, runCollect } from './collect.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const ACCOUNT = '123456789012';
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jackstop-collect-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function collect(opts: Partial<CollectOptions> & { output: string }, collector?: Collector) {
  const stdout = new Sink();
  const stderr = new Sink();
  const outcome = await runCollect(opts, { stdout, stderr, cwd: dir, ...(collector ? { collect: collector } : {}) });
  return { outcome, stdout: stdout.text, stderr: stderr.text };
}

function readBack(name: string) {
  const path = join(dir, name);
  return { snapshot: parseSnapshot(JSON.parse(readFileSync(path, 'utf8')), path), mode: statSync(path).mode & 0o777 };
}

/**
 * Every AWS SDK client class the collectors under src/posture/aws import, read from their sources,
 * so a service added there is mocked here without editing this test.
 */
async function awsClientClasses(): Promise<(new (...args: never[]) => unknown)[]> {
  const awsDir = fileURLToPath(new URL('../../posture/aws/', import.meta.url));
  const found = new Map<string, Set<string>>();
  for (const name of readdirSync(awsDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const text = readFileSync(join(awsDir, name), 'utf8');
    for (const m of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(@aws-sdk\/client-[a-z0-9-]+)'/g)) {
      const names = m[1]!
        .split(',')
        .map((s) => s.trim().replace(/^type\s+/, ''))
        .filter((s) => /^[A-Z]\w*Client$/.test(s));
      const set = found.get(m[2]!) ?? new Set<string>();
      for (const n of names) set.add(n);
      found.set(m[2]!, set);
    }
  }
  const classes: (new (...args: never[]) => unknown)[] = [];
  for (const [pkg, names] of found) {
    const mod = (await import(pkg)) as Record<string, unknown>;
    for (const n of names) classes.push(mod[n] as new (...args: never[]) => unknown);
  }
  return classes;
}

describe('jackstop collect with the AWS collector (SDK mocked)', () => {
  /** What the tests need of a client mock, whatever its client. */
  type Stub = { restore(): void; send: { getCalls(): { args: unknown[] }[] } };
  const mocks: Stub[] = [];

  afterEach(() => {
    for (const m of mocks.splice(0)) m.restore();
  });

  async function mockAws(sts: 'ok' | 'denied') {
    for (const cls of await awsClientClasses()) {
      if (cls === (STSClient as unknown) || cls === (EC2Client as unknown)) continue;
      // biome-ignore lint/suspicious/noExplicitAny: any client class
      const m = mockClient(cls as any);
      m.onAnyCommand().resolves({});
      mocks.push(m);
    }
    const stsMock = mockClient(STSClient);
    if (sts === 'ok')
      stsMock.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/a` });
    else
      stsMock.on(GetCallerIdentityCommand).rejects(
        Object.assign(new Error('The security token included in the request is invalid.'), {
          name: 'InvalidClientTokenId',
        }),
      );
    const ec2 = mockClient(EC2Client);
    // Other EC2 calls (VPC endpoints …) answer empty; the specific behaviour is set last so it wins.
    ec2.onAnyCommand().resolves({});
    ec2.on(DescribeRegionsCommand).resolves({ Regions: [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }] });
    mocks.push(stsMock, ec2);
  }

  it('writes a valid snapshot naming the account, owner-only, and prints a summary', async () => {
    await mockAws('ok');
    const { outcome, stdout, stderr } = await collect({ output: 'snap/aws.json' });
    expect(stderr).toBe('');
    expect(outcome.exitCode).toBe(0);
    expect(outcome.failed).toEqual([]);
    const { snapshot, mode } = readBack('snap/aws.json');
    expect(snapshot.accounts).toEqual([{ cloud: 'aws', id: ACCOUNT, regions: ['eu-west-1', 'us-east-1'] }]);
    expect(snapshot.tool.name).toBe('Jackstop');
    expect(mode).toBe(0o600);
    expect(stdout).toContain('Snapshot written to snap/aws.json: 1 account');
    expect(stdout).toContain(`aws ${ACCOUNT}, 2 regions`);
    expect(stdout).toContain('Next: jackstop scan --snapshot snap/aws.json');
    // Every collection in the file is for the account read.
    expect(snapshot.collections.every((c) => c.account === ACCOUNT)).toBe(true);
  });

  it('--regions skips DescribeRegions and reads only those', async () => {
    await mockAws('ok');
    const { outcome } = await collect({ output: 'regions.json', regions: ['ap-south-1'] });
    expect(outcome.snapshot.accounts[0]!.regions).toEqual(['ap-south-1']);
    const ec2 = mocks.find((m) => m.send.getCalls().some((c) => c.args[0] instanceof DescribeRegionsCommand));
    expect(ec2).toBeUndefined();
  });

  it('no credentials: one error line naming the cloud, exit 2, and still a (empty) snapshot', async () => {
    await mockAws('denied');
    const { outcome, stderr, stdout } = await collect({ output: 'denied.json' });
    expect(outcome.exitCode).toBe(2);
    expect(outcome.failed).toEqual(['aws']);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(
      /^jackstop: aws: cannot identify the AWS account \(sts:GetCallerIdentity\): The security token/,
    );
    expect(stdout).toContain('Not collected: AWS');
    expect(readBack('denied.json').snapshot.accounts).toEqual([]);
  });
});

describe('jackstop collect with several clouds', () => {
  const part = (cloud: Cloud, account: string): SnapshotPart => ({
    accounts: [{ cloud, id: account, regions: ['global'] }],
    collections: [
      { cloud, account, region: 'global', type: `${cloud}.ai.thing`, status: 'ok', count: 2 },
      {
        cloud,
        account,
        region: 'global',
        type: `${cloud}.ai.other`,
        status: 'error',
        count: 0,
        error: { code: 'Forbidden', message: 'nope', operation: 'things.list' },
      },
    ],
    resources: [1, 2].map((i) => ({
      cloud,
      type: `${cloud}.ai.thing`,
      id: `${cloud}-${i}`,
      account,
      region: 'global',
      attributes: {},
    })),
  });

  it('keeps what worked when one cloud fails entirely, and says which', async () => {
    const calls: Cloud[] = [];
    const fake: Collector = async (cloud, o) => {
      calls.push(cloud);
      if (cloud === 'azure') throw new JackstopError('JACKSTOP_COLLECT_ERROR', 'no Azure credential found (az login)');
      expect(o.projects).toEqual(['p1']);
      return part(cloud, cloud === 'aws' ? ACCOUNT : 'p1');
    };
    const { outcome, stderr, stdout } = await collect(
      { output: 'multi.json', clouds: ['aws', 'azure', 'gcp'], projects: ['p1'] },
      fake,
    );
    expect(calls.sort()).toEqual(['aws', 'azure', 'gcp']);
    expect(outcome.exitCode).toBe(2);
    expect(outcome.failed).toEqual(['azure']);
    expect(stderr).toBe('jackstop: azure: no Azure credential found (az login) [JACKSTOP_COLLECT_ERROR]\n');
    const { snapshot } = readBack('multi.json');
    expect(snapshot.accounts.map((a) => `${a.cloud}:${a.id}`)).toEqual([`aws:${ACCOUNT}`, 'gcp:p1']);
    expect(snapshot.resources).toHaveLength(4);
    expect(stdout).toMatch(/^ {2}aws\.ai\.thing +2$/m);
    expect(stdout).toMatch(/^ {2}gcp\.ai\.thing +2$/m);
    expect(stdout).toContain('Collections failed (2)');
    expect(stdout).toContain(`aws ${ACCOUNT} global aws.ai.other: Forbidden: nope (things.list)`);
  });

  it('refuses to write what scan would refuse', async () => {
    const bad: Collector = async () => ({
      ...part('aws', ACCOUNT),
      resources: [{ ...part('aws', ACCOUNT).resources[0]!, type: 'Not A Type' }],
    });
    await expect(collect({ output: 'bad.json' }, bad)).rejects.toThrow(/resources\[0\]\.type/);
  });

  it('chooses the clouds: aws by default, azure and gcp when their scope is given', () => {
    expect(cloudsToCollect({ output: 'x' })).toEqual(['aws']);
    expect(cloudsToCollect({ output: 'x', subscriptions: ['s'] })).toEqual(['aws', 'azure']);
    expect(cloudsToCollect({ output: 'x', projects: ['p'] })).toEqual(['aws', 'gcp']);
    expect(cloudsToCollect({ output: 'x', clouds: ['gcp'], subscriptions: ['s'] })).toEqual(['gcp']);
  });
});
