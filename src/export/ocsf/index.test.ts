import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DATASETS,
  findingsFromStratus,
  makeContext,
  makeFinding,
  RULE,
} from '../../../test/fixtures/export/findings.js';
import type { Finding, FindingStatus, Severity } from '../../domain/index.js';
import { JackstopError } from '../../errors.js';
import { OCSF_VERSION, OcsfDetectionFinding, toOcsf, toOcsfList } from './index.js';

/** Emits and checks the object against our schema, as a consumer reading the JSON would see it. */
function emit(f: Finding, ctx = makeContext()): OcsfDetectionFinding {
  const out = toOcsf(f, ctx);
  const parsed = OcsfDetectionFinding.safeParse(JSON.parse(JSON.stringify(out)));
  expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  return out;
}

const ALICE = 'arn:aws:iam::123456789012:user/alice';

describe('toOcsf', () => {
  it('maps the sample finding exactly', () => {
    const f = makeFinding();
    expect(emit(f)).toEqual({
      activity_id: 1,
      activity_name: 'Create',
      category_uid: 2,
      category_name: 'Findings',
      class_uid: 2004,
      class_name: 'Detection Finding',
      type_uid: 200401,
      type_name: 'Detection Finding: Create',
      severity_id: 4,
      severity: 'High',
      status_id: 1,
      status: 'New',
      time: Date.UTC(2024, 9, 1, 10, 5),
      start_time: Date.UTC(2024, 9, 1, 10, 0),
      end_time: Date.UTC(2024, 9, 1, 10, 5),
      count: 2,
      message:
        'Bedrock model invoked from a new IP address: alice (arn:aws:iam::123456789012:user/alice), ' +
        '2 events from 2024-10-01T10:00:00.000Z to 2024-10-01T10:05:00.000Z; ' +
        'models: anthropic.claude-3-sonnet-20240229-v1:0; regions: us-east-1.',
      is_alert: true,
      metadata: {
        version: '1.7.0',
        product: {
          name: 'Jackstop',
          vendor_name: 'Jackstop',
          version: '0.1.0',
          url_string: 'https://github.com/jackstop/jackstop',
        },
        uid: expect.stringMatching(/^[0-9a-f]{32}$/),
      },
      finding_info: {
        uid: f.id,
        title: 'Bedrock model invoked from a new IP address',
        desc: 'A principal invoked a Bedrock model from an address it has not used before.',
        types: ['detection'],
        first_seen_time: Date.UTC(2024, 9, 1, 10, 0),
        last_seen_time: Date.UTC(2024, 9, 1, 10, 5),
        analytic: {
          uid: RULE.id,
          name: RULE.title,
          desc: RULE.description,
          type_id: 1,
          type: 'Rule',
        },
        attacks: [
          {
            tactic: { uid: 'TA0040', name: 'Impact', src_url: 'https://attack.mitre.org/tactics/TA0040/' },
            technique: {
              uid: 'T1496',
              name: 'Resource Hijacking',
              src_url: 'https://attack.mitre.org/techniques/T1496/',
            },
            sub_technique: {
              uid: 'T1496.004',
              name: 'Cloud Service Hijacking',
              src_url: 'https://attack.mitre.org/techniques/T1496/004/',
            },
          },
          {
            technique: {
              uid: 'AML.T0034',
              name: 'Cost Harvesting',
              src_url: 'https://atlas.mitre.org/techniques/AML.T0034',
            },
          },
        ],
        related_events: [{ uid: 'e1' }, { uid: 'e2' }],
        related_events_count: 2,
      },
      evidences: [
        {
          name: 'activity',
          actor: {
            user: {
              uid: ALICE,
              name: 'alice',
              account: { uid: '123456789012', type_id: 10, type: 'AWS Account' },
              credential_uid: 'AKIAEXAMPLE000000001',
            },
          },
          api: { operation: 'InvokeModel' },
          src_endpoint: { ip: '203.0.113.7' },
          http_request: { user_agent: 'aws-sdk-js/3.600.0' },
        },
      ],
      resources: [
        {
          uid: 'anthropic.claude-3-sonnet-20240229-v1:0',
          name: 'anthropic.claude-3-sonnet-20240229-v1:0',
          type: 'AI Model',
          region: 'us-east-1',
        },
        { uid: '123456789012', type: 'Account', cloud_partition: 'aws' },
      ],
      remediation: {
        desc: 'Deactivate the access key and review the principal.',
        references: ['https://attack.mitre.org/techniques/T1496/004/'],
      },
      unmapped: {
        kind: 'detection',
        subject: { kind: 'identity', id: ALICE, label: 'alice' },
        regions: ['us-east-1'],
        locations: ['logs/trail.json#0', 'logs/trail.json#1'],
        false_positives: ['A developer testing from a new network.'],
        references: ['https://attack.mitre.org/techniques/T1496/004/'],
        rule_source: 'rules/pack/bedrock-new-ip.yml',
      },
    });
  });

  it('pins the OCSF version it models', () => {
    expect(OCSF_VERSION).toBe('1.7.0');
  });

  it('writes every time as integer milliseconds since the epoch', () => {
    const out = emit(
      makeFinding({ firstSeen: '2024-10-01T10:00:00.123456Z', lastSeen: '2024-10-01T12:00:00.999+02:00' }),
    );
    for (const t of [
      out.time,
      out.start_time,
      out.end_time,
      out.finding_info.first_seen_time,
      out.finding_info.last_seen_time,
    ]) {
      expect(Number.isInteger(t)).toBe(true);
    }
    expect(out.start_time).toBe(Date.UTC(2024, 9, 1, 10, 0, 0, 123));
    expect(out.time).toBe(Date.UTC(2024, 9, 1, 10, 0, 0, 999));
    expect(out.end_time).toBe(out.time);
  });

  it.each<[Severity, number, string]>([
    ['info', 1, 'Informational'],
    ['low', 2, 'Low'],
    ['medium', 3, 'Medium'],
    ['high', 4, 'High'],
    ['critical', 5, 'Critical'],
  ])('maps severity %s to %i %s', (severity, id, caption) => {
    const out = emit(makeFinding({ severity }));
    expect([out.severity_id, out.severity]).toEqual([id, caption]);
  });

  it.each<[FindingStatus, number, string, boolean]>([
    ['open', 1, 'New', true],
    ['suppressed', 3, 'Suppressed', false],
    ['resolved', 4, 'Resolved', false],
  ])('maps status %s to %i %s (alert: %s)', (status, id, caption, alert) => {
    const out = emit(makeFinding({ status }));
    expect([out.status_id, out.status, out.is_alert]).toEqual([id, caption, alert]);
  });

  it('calls the analytic of an anomaly statistical', () => {
    const out = emit(makeFinding({ kind: 'anomaly' }));
    expect(out.finding_info.analytic).toMatchObject({ type_id: 3, type: 'Statistical' });
    expect(out.finding_info.types).toEqual(['anomaly']);
  });

  it('gives the same event uid for the same finding state and a new one when it changes', () => {
    const a = emit(makeFinding()).metadata.uid;
    expect(emit(makeFinding()).metadata.uid).toBe(a);
    expect(emit(makeFinding({ count: 3 })).metadata.uid).not.toBe(a);
    expect(emit(makeFinding({ lastSeen: '2024-10-01T10:06:00Z' })).metadata.uid).not.toBe(a);
  });

  it('uses rule metadata made from the finding when the context lacks the rule', () => {
    const f = makeFinding({ ruleId: 'adhoc.rule', title: 'Ad hoc', description: '', references: [] });
    const out = emit(f, makeContext({ rules: [] }));
    expect(out.finding_info.analytic).toEqual({ uid: 'adhoc.rule', name: 'Ad hoc', type_id: 1, type: 'Rule' });
    expect(out.finding_info.desc).toBeUndefined();
    expect(out.remediation).toEqual({ desc: 'Deactivate the access key and review the principal.' });
    expect(out.finding_info.attacks?.map((a) => a.sub_technique?.uid ?? a.technique?.uid)).toEqual([
      'T1496.004',
      'AML.T0034',
    ]);
  });

  it('leaves out remediation, attacks and related events when there are none', () => {
    const out = emit(
      makeFinding({
        remediation: '',
        mappings: {},
        evidence: { eventIds: [] },
      }),
      makeContext({ rules: [{ ...RULE, tags: ['llmjacking'], remediation: undefined }] }),
    );
    expect(out.remediation).toBeUndefined();
    expect(out.finding_info.attacks).toBeUndefined();
    expect(out.finding_info.related_events).toBeUndefined();
  });
});

describe('evidences and resources', () => {
  it('splits evidence per value when a finding saw several operations, addresses or keys', () => {
    const out = emit(
      makeFinding({
        evidence: {
          eventNames: ['ListFoundationModels', 'InvokeModel'],
          sourceIps: ['203.0.113.7', '2001:db8::1', 'bedrock.amazonaws.com'],
          userAgents: ['curl/8.0'],
          accessKeyIds: ['AKIA1', 'ASIA2'],
        },
      }),
    );
    const user = {
      uid: ALICE,
      name: 'alice',
      account: { uid: '123456789012', type_id: 10, type: 'AWS Account' },
    };
    expect(out.evidences).toEqual([
      { name: 'actor', actor: { user: { ...user, credential_uid: 'AKIA1' } } },
      { name: 'actor', actor: { user: { ...user, credential_uid: 'ASIA2' } } },
      { name: 'api call', api: { operation: 'ListFoundationModels' } },
      { name: 'api call', api: { operation: 'InvokeModel' } },
      { name: 'source address', src_endpoint: { ip: '203.0.113.7' } },
      { name: 'source address', src_endpoint: { ip: '2001:db8::1' } },
      // CloudTrail names the calling service instead of an address.
      { name: 'source address', src_endpoint: { hostname: 'bedrock.amazonaws.com' } },
      { name: 'user agent', http_request: { user_agent: 'curl/8.0' }, actor: { user } },
    ]);
    expect(out.unmapped.access_key_ids).toBeUndefined();
  });

  it('describes an access-key subject as the credential of its identity', () => {
    const out = emit(
      makeFinding({
        subject: { kind: 'access-key', id: 'AKIAEXAMPLE000000009' },
        assets: [{ id: 'arn:aws:iam::111122223333:user/bob', kind: 'identity', name: 'bob' }],
      }),
    );
    expect(out.evidences![0]!.actor).toEqual({
      user: { uid: 'arn:aws:iam::111122223333:user/bob', name: 'bob', credential_uid: 'AKIAEXAMPLE000000009' },
    });
  });

  it('puts a subject that is not an actor among the resources, with assets and without duplicates', () => {
    const out = emit(
      makeFinding({
        subject: { kind: 'model', id: 'anthropic.claude-3-sonnet-20240229-v1:0', label: 'Claude 3 Sonnet' },
        evidence: {
          eventNames: [],
          sourceIps: [],
          accessKeyIds: ['AKIA1'],
          userAgents: ['Mozilla/5.0'],
          regions: ['us-east-1', 'us-west-2'],
        },
        assets: [
          { id: '123456789012', kind: 'account', name: 'prod' },
          { id: 'arn:aws:s3:::training-data', kind: 'bucket', attributes: { public: true } },
        ],
      }),
    );
    expect(out.resources).toEqual([
      { uid: 'anthropic.claude-3-sonnet-20240229-v1:0', name: 'Claude 3 Sonnet', type: 'AI Model' },
      { uid: '123456789012', name: 'prod', type: 'Account' },
      { uid: 'arn:aws:s3:::training-data', type: 'Bucket', data: { public: true } },
    ]);
    // No actor to hang the user agent on: it goes in `data`, which OCSF's constraint accepts.
    expect(out.evidences).toEqual([
      { name: 'activity', http_request: { user_agent: 'Mozilla/5.0' }, data: { user_agent: 'Mozilla/5.0' } },
    ]);
    expect(out.unmapped).toMatchObject({ access_key_ids: ['AKIA1'], regions: ['us-east-1', 'us-west-2'] });
  });

  it('has no evidences when the finding saw nothing to show', () => {
    const out = emit(
      makeFinding({
        subject: { kind: 'bucket', id: 'arn:aws:s3:::logs' },
        evidence: { eventNames: [], sourceIps: [], userAgents: [], accessKeyIds: [], models: [] },
      }),
    );
    expect(out.evidences).toBeUndefined();
    expect(out.resources).toEqual([{ uid: 'arn:aws:s3:::logs', type: 'Bucket' }]);
  });

  it('validates for the findings of every Stratus Red Team detonation log', () => {
    const files = readdirSync(path.join(DATASETS, 'cloudtrail/stratus-red-team')).filter((f) => f.endsWith('.json'));
    const findings = files.flatMap((file) => findingsFromStratus(file, `stratus.${file}`));
    const out = toOcsfList(findings, makeContext({ rules: [] }));
    expect(out).toHaveLength(findings.length);
    for (const [i, event] of out.entries()) {
      const parsed = OcsfDetectionFinding.safeParse(JSON.parse(JSON.stringify(event)));
      expect(parsed.success ? [] : parsed.error.issues, findings[i]!.title).toEqual([]);
      expect(event.finding_info.related_events?.length).toBe(Math.min(findings[i]!.count, 50));
    }
    // The SSM detonation: one principal, several operations, so evidence per operation.
    const ssm = out.find((e) => e.finding_info.analytic.uid === 'stratus.aws.execution.ssm-send-command.json')!;
    expect(ssm.evidences!.filter((e) => e.api).length).toBe(3);
  });
});

describe('the schema', () => {
  const good = () => JSON.parse(JSON.stringify(toOcsf(makeFinding(), makeContext())));
  const issues = (value: unknown) => {
    const parsed = OcsfDetectionFinding.safeParse(value);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts what we emit', () => {
    expect(issues(good())).toEqual([]);
  });

  // biome-ignore lint/suspicious/noExplicitAny: the cases reach into parsed JSON to break it.
  it.each<[string, (o: Record<string, any>) => void, string]>([
    ['no finding uid', (o) => delete o.finding_info.uid, 'finding_info.uid'],
    ['a wrong type_uid', (o) => (o.type_uid = 200402), 'type_uid'],
    ['a fractional time', (o) => (o.time = 1.5), 'time'],
    ['a severity caption that does not match', (o) => (o.severity = 'Critical'), 'severity'],
    ['an unknown severity id', (o) => (o.severity_id = 7), 'severity_id'],
    ['an attribute we do not model', (o) => (o.raw_data = '{}'), 'raw_data'],
    [
      'a user agent as the only evidence',
      (o) => (o.evidences = [{ http_request: { user_agent: 'x' } }]),
      'evidences.0',
    ],
    ['an empty attack', (o) => (o.finding_info.attacks = [{}]), 'finding_info.attacks.0'],
    [
      'a user with no identity',
      (o) => (o.evidences[0].actor.user = { credential_uid: 'AKIA1' }),
      'evidences.0.actor.user',
    ],
    ['another OCSF version', (o) => (o.metadata.version = '1.3.0'), 'metadata.version'],
    ['start after end', (o) => (o.start_time = o.end_time + 1), 'start_time'],
    ['a remediation without text', (o) => (o.remediation = { desc: '' }), 'remediation.desc'],
  ])('rejects %s', (_name, mutate, where) => {
    const value = good();
    mutate(value);
    const found = issues(value);
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toContain(where);
  });
});

describe('bad input', () => {
  it('throws a JackstopError naming the finding', () => {
    const bad = { ...makeFinding(), count: -1 } as Finding;
    expect(() => toOcsf(bad, makeContext())).toThrow(JackstopError);
    expect(() => toOcsfList([makeFinding(), makeFinding(), bad], makeContext())).toThrow(/finding #2/);
  });
});
