import { describe, expect, it } from 'vitest';
import { type CheckDoc, compileCheck } from './checks.js';
import { countResults, evaluateChecks } from './evaluate.js';
import { type Collection, emptySnapshot, type Resource, type Snapshot } from './snapshot.js';

const ACCOUNT = '111122223333';

function check(over: Partial<CheckDoc> & Pick<CheckDoc, 'id' | 'resource' | 'pass'>) {
  const doc: CheckDoc = {
    title: over.id,
    cloud: 'aws',
    severity: 'high',
    needs: [],
    rationale: 'test',
    remediation: { text: 'fix', cli: 'fix it' },
    references: [],
    equivalents: [],
    examples: { pass: [{ attributes: {} }], fail: [{ attributes: {} }] },
    ...over,
  };
  return compileCheck(doc, { file: 'test.yml', line: 1 });
}

function resource(type: string, region: string, id: string, attributes: Record<string, unknown>): Resource {
  return { cloud: 'aws', type, id, account: ACCOUNT, region, attributes };
}

function collection(type: string, region: string, error?: { code: string; message: string }): Collection {
  return error
    ? { cloud: 'aws', account: ACCOUNT, region, type, status: 'error', count: 0, error: { ...error, operation: 'x:Y' } }
    : { cloud: 'aws', account: ACCOUNT, region, type, status: 'ok', count: 1 };
}

function snapshot(collections: Collection[], resources: Resource[]): Snapshot {
  const s = emptySnapshot(new Date('2026-11-20T00:00:00Z'), { name: 'jackstop', version: 'test' });
  s.accounts.push({ cloud: 'aws', id: ACCOUNT, regions: ['us-east-1', 'eu-west-1'] });
  s.collections.push(...collections);
  s.resources.push(...resources);
  return s;
}

const logging = check({
  id: 'jackstop.aws.bedrock.logging',
  resource: 'aws.bedrock.region-settings',
  pass: 'r.logging == true',
});
const keyAge = check({
  id: 'jackstop.aws.iam.key-age',
  resource: 'aws.iam.access-key',
  applies: 'r.status == "Active"',
  pass: 'daysBetween(r.createDate, now) <= 90.0',
});
const userInvoke = check({
  id: 'jackstop.aws.iam.key-invoke',
  resource: 'aws.iam.access-key',
  needs: ['aws.iam.user'],
  pass: '!(has(d.userCanInvoke) && d.userCanInvoke)',
});

describe('evaluateChecks', () => {
  it('passes and fails resource by resource', () => {
    const s = snapshot(
      [collection('aws.bedrock.region-settings', 'us-east-1'), collection('aws.bedrock.region-settings', 'eu-west-1')],
      [
        resource('aws.bedrock.region-settings', 'us-east-1', 'a', { logging: true }),
        resource('aws.bedrock.region-settings', 'eu-west-1', 'b', { logging: false }),
      ],
    );
    const out = evaluateChecks(s, [logging]);
    expect(out.map((r) => [r.resource?.id, r.status])).toEqual([
      ['a', 'pass'],
      ['b', 'fail'],
    ]);
  });

  it('gives could-not-check for exactly the failed scope, and evaluates the rest', () => {
    const s = snapshot(
      [
        collection('aws.bedrock.region-settings', 'us-east-1'),
        collection('aws.bedrock.region-settings', 'eu-west-1', {
          code: 'ThrottlingException',
          message: 'Rate exceeded',
        }),
      ],
      [resource('aws.bedrock.region-settings', 'us-east-1', 'a', { logging: false })],
    );
    const out = evaluateChecks(s, [logging]);
    expect(countResults(out)).toEqual({ pass: 0, fail: 1, 'could-not-check': 1 });
    const cnc = out.find((r) => r.status === 'could-not-check')!;
    expect(cnc.scope).toEqual({ cloud: 'aws', account: ACCOUNT, region: 'eu-west-1' });
    expect(cnc.reason).toMatch(/ThrottlingException: Rate exceeded/);
    expect(cnc.reason).toMatch(/x:Y/);
  });

  it('a failed global type a check needs blocks it in every region of the account, and no other check', () => {
    const s = snapshot(
      [
        collection('aws.iam.access-key', 'global'),
        collection('aws.iam.user', 'global', { code: 'AccessDenied', message: 'not authorized' }),
        collection('aws.bedrock.region-settings', 'us-east-1'),
      ],
      [
        resource('aws.iam.access-key', 'global', 'AKIA1', { status: 'Active', createDate: '2026-01-01T00:00:00Z' }),
        resource('aws.bedrock.region-settings', 'us-east-1', 'a', { logging: true }),
      ],
    );
    const out = evaluateChecks(s, [userInvoke, keyAge, logging]);
    expect(out.map((r) => [r.check.id, r.status, r.resource?.id ?? r.scope.region])).toEqual([
      ['jackstop.aws.iam.key-invoke', 'could-not-check', 'global'],
      ['jackstop.aws.iam.key-age', 'fail', 'AKIA1'],
      ['jackstop.aws.bedrock.logging', 'pass', 'a'],
    ]);
  });

  it('a type never collected in an account cannot be checked there (never a silent pass)', () => {
    const s = snapshot([collection('aws.iam.access-key', 'global')], []);
    const out = evaluateChecks(s, [logging, keyAge]);
    expect(out.map((r) => [r.check.id, r.status])).toEqual([['jackstop.aws.bedrock.logging', 'could-not-check']]);
    expect(out[0]!.reason).toMatch(/was not collected/);
  });

  it('measures ages from the collection time, skips resources `applies` rules out', () => {
    const s = snapshot(
      [collection('aws.iam.access-key', 'global')],
      [
        resource('aws.iam.access-key', 'global', 'old', { status: 'Active', createDate: '2026-08-01T00:00:00Z' }),
        resource('aws.iam.access-key', 'global', 'new', { status: 'Active', createDate: '2026-10-01T00:00:00Z' }),
        resource('aws.iam.access-key', 'global', 'off', { status: 'Inactive', createDate: '2020-01-01T00:00:00Z' }),
      ],
    );
    expect(evaluateChecks(s, [keyAge]).map((r) => [r.resource?.id, r.status])).toEqual([
      ['old', 'fail'],
      ['new', 'pass'],
    ]);
  });

  it('an expression that errors on a resource is could-not-check with the error, not a pass', () => {
    const s = snapshot(
      [collection('aws.bedrock.region-settings', 'us-east-1')],
      [resource('aws.bedrock.region-settings', 'us-east-1', 'a', {})],
    );
    const [r] = evaluateChecks(s, [logging]);
    expect(r!.status).toBe('could-not-check');
    expect(r!.reason).toMatch(/logging/);
  });

  it('uses the enricher\u2019s derived facts', () => {
    const s = snapshot(
      [collection('aws.iam.access-key', 'global'), collection('aws.iam.user', 'global')],
      [resource('aws.iam.access-key', 'global', 'AKIA1', {})],
    );
    const out = evaluateChecks(s, [userInvoke], {
      enrichers: { aws: (snap) => new Map(snap.resources.map((r) => [r, { userCanInvoke: true }])) },
    });
    expect(out.map((r) => r.status)).toEqual(['fail']);
  });
});
