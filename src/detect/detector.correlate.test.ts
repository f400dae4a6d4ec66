/** The Detector with correlation rules: suppression of referenced rules, subjects, field maps. */
import { describe, expect, it } from 'vitest';
import { Detector } from './detector.js';
import { parseSigma, type SigmaRule } from './sigma/index.js';

function rules(yaml: string): SigmaRule[] {
  return parseSigma(yaml, { file: 'r.yml' }).map((r) => {
    if (!r.ok) throw new Error(r.error.render());
    return r.rule;
  });
}

const DENIED = `title: denied
name: denied
logsource: {product: aws, service: cloudtrail}
detection: {s: {errorCode: AccessDenied}, condition: s}`;

const burst = (extra = '') => `title: Denied burst
name: burst
level: high
correlation:
  type: event_count
  rules: [denied]
  group-by: [userIdentity.accessKeyId]
  timespan: 10m
  condition: {gte: 3}
${extra}`;

let n = 0;
function denied(sec: number, key: string, arn: string, ip = '198.51.100.7'): Record<string, unknown> {
  n++;
  return {
    eventVersion: '1.09',
    eventID: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    eventTime: new Date(Date.UTC(2025, 0, 1, 0, 0, sec)).toISOString().replace('.000', ''),
    eventSource: 'bedrock.amazonaws.com',
    eventName: 'InvokeModel',
    awsRegion: 'us-east-1',
    sourceIPAddress: ip,
    userAgent: 'curl/8.5.0',
    errorCode: 'AccessDenied',
    userIdentity: { type: 'IAMUser', arn, accountId: '111122223333', accessKeyId: key },
    requestParameters: { modelId: 'anthropic.claude-v2' },
    recipientAccountId: '111122223333',
  };
}

const ALICE = 'arn:aws:iam::111122223333:user/alice';
const BOB = 'arn:aws:iam::111122223333:user/bob';

function run(ruleText: string, records: Record<string, unknown>[], opts?: ConstructorParameters<typeof Detector>[1]) {
  const d = new Detector(rules(ruleText), opts);
  records.forEach((r, i) => {
    d.observe(r, { file: 'ct.json', record: i });
  });
  return { d, found: d.results().map((f) => f.finding) };
}

describe('Detector: correlations', () => {
  const three = [denied(0, 'AKIAA', ALICE), denied(10, 'AKIAA', ALICE, '203.0.113.9'), denied(20, 'AKIAA', ALICE)];

  it('a correlation match becomes a finding about the identity behind the events; the base rule stays silent', () => {
    const { found, d } = run(`${burst()}---\n${DENIED}`, three);
    expect(found.map((f) => f.ruleId)).toEqual(['burst']);
    const f = found[0]!;
    expect(f).toMatchObject({
      kind: 'detection',
      severity: 'high',
      subject: { kind: 'identity', id: ALICE },
      count: 3,
      firstSeen: '2025-01-01T00:00:00.000Z',
      lastSeen: '2025-01-01T00:00:20.000Z',
    });
    expect(f.evidence.sourceIps).toEqual(['198.51.100.7', '203.0.113.9']);
    expect(f.evidence.accessKeyIds).toEqual(['AKIAA']);
    expect(f.evidence.locations).toEqual(['ct.json#0', 'ct.json#1', 'ct.json#2']);
    expect(d.correlationCount).toBe(1);
    expect(d.ruleCount).toBe(1);
  });

  it('generate: true keeps the base rule reporting on its own', () => {
    const { found } = run(`${burst('generate: true\n')}---\n${DENIED}`, three);
    expect(found.map((f) => [f.ruleId, f.count]).sort()).toEqual([
      ['burst', 3],
      ['denied', 3],
    ]);
  });

  it('below the threshold nothing is reported at all (the base rule is a building block)', () => {
    expect(run(`${burst()}---\n${DENIED}`, three.slice(0, 2)).found).toEqual([]);
  });

  it('a base rule referenced by no correlation still reports', () => {
    const other = `title: other\nname: other\nlogsource: {product: aws, service: cloudtrail}\ndetection: {s: {errorCode: AccessDenied}, condition: s}`;
    const { found } = run(`${burst()}---\n${DENIED}\n---\n${other}`, three.slice(0, 1));
    expect(found.map((f) => f.ruleId)).toEqual(['other']);
  });

  it('when the events of a group have different identities, the finding is about the group', () => {
    const shared = [denied(0, 'AKIAS', ALICE), denied(1, 'AKIAS', BOB), denied(2, 'AKIAS', ALICE)];
    const { found } = run(`${burst()}---\n${DENIED}`, shared);
    expect(found).toHaveLength(1);
    expect(found[0]!.subject.id).toBe('group:userIdentity.accessKeyId=AKIAS');
    expect(found[0]!.count).toBe(3);
  });

  it('keeps one finding per (rule, subject) as the group keeps firing, counting distinct events', () => {
    const more = [...three, denied(30, 'AKIAA', ALICE), denied(40, 'AKIAA', ALICE), three[0]!];
    const { found } = run(`${burst()}---\n${DENIED}`, more);
    expect(found).toHaveLength(1);
    expect(found[0]!.count).toBe(5);
  });

  it('respects --since/--until for the events correlations see', () => {
    const { found } = run(`${burst()}---\n${DENIED}`, three, { since: new Date('2025-01-01T00:00:05Z') });
    expect(found).toEqual([]);
  });

  it('reports unresolved correlations in compileErrors and runs the rest', () => {
    const { d, found } = run(
      `${burst()}---\n${DENIED}\n---\ntitle: lost\nid: lost\ncorrelation: {type: temporal, rules: [denied, nowhere], timespan: 1m}`,
      three,
    );
    expect(d.compileErrors.map((e) => e.message)).toEqual([expect.stringMatching(/references rule `nowhere`/)]);
    expect(found.map((f) => f.ruleId)).toEqual(['burst']);
  });

  it('applies field maps to the rules of the matching source (and to correlations over them)', () => {
    const mapped = `title: Denied burst
name: burst
correlation:
  type: event_count
  rules: [denied]
  group-by: [key]
  timespan: 10m
  condition: {gte: 3}
---
title: denied
name: denied
logsource: {product: aws, service: cloudtrail}
detection: {s: {error: AccessDenied}, condition: s}`;
    const fieldMaps = { 'aws.cloudtrail': { error: 'errorCode', key: 'userIdentity.accessKeyId' } };
    expect(run(mapped, three).found).toEqual([]);
    const { found } = run(mapped, three, { fieldMaps });
    expect(found.map((f) => [f.ruleId, f.count])).toEqual([['burst', 3]]);
    // a map for another source leaves CloudTrail rules alone
    expect(run(mapped, three, { fieldMaps: { 'gcp.audit': fieldMaps['aws.cloudtrail'] } }).found).toEqual([]);
  });

  it('exposes the correlation engine counters in stats', () => {
    const late = [denied(1000, 'AKIAA', ALICE), denied(0, 'AKIAA', ALICE)];
    const { d } = run(`${burst()}---\n${DENIED}`, late, { correlation: { outOfOrderToleranceMs: 60_000 } });
    expect(d.stats.correlation).toMatchObject({ observed: 2, late: 1 });
  });
});
