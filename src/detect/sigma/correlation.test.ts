import { describe, expect, it } from 'vitest';
import type { JackstopError } from '../../errors.js';
import {
  applyFieldMapping,
  type CorrelationRule,
  compileRule,
  type DetectionRule,
  parseSigma,
  parseTimespan,
  resolveCorrelations,
  type SigmaRule,
} from './index.js';

function parsed(text: string): SigmaRule[] {
  return parseSigma(text, { file: 'c.yml' }).map((r) => {
    if (!r.ok) throw new Error(r.error.render());
    return r.rule;
  });
}

function refused(text: string): JackstopError {
  const [r] = parseSigma(text, { file: 'c.yml' });
  if (!r || r.ok) throw new Error('accepted');
  return r.error;
}

const BASE = `title: failed
name: failed
id: 11111111-1111-4111-8111-111111111111
logsource: {product: aws, service: cloudtrail}
detection: {s: {errorCode: AccessDenied}, condition: s}`;

const correlation = (body: string, extra = '') => `title: Burst
id: burst
level: high
${extra}correlation:
${body}`;

describe('parseSigma: correlation rules', () => {
  it('parses every field of a correlation, multi-document with its base rule', () => {
    const [c, b] = parsed(`${correlation(`  type: value_count
  rules: [failed]
  group-by: [userIdentity.accessKeyId]
  timespan: 15m
  condition: {field: sourceIPAddress, gte: 3, lt: 100}
  aliases:
    key:
      failed: userIdentity.accessKeyId
`)}generate: true
tags: [attack.t1496]
---
${BASE}`);
    expect(b!.kind).toBe('detection');
    expect(c).toMatchObject({
      kind: 'correlation',
      id: 'burst',
      title: 'Burst',
      level: 'high',
      type: 'value_count',
      rules: ['failed'],
      groupBy: ['userIdentity.accessKeyId'],
      timespan: '15m',
      timespanMs: 900_000,
      condition: [
        { op: 'gte', value: 3 },
        { op: 'lt', value: 100 },
      ],
      valueField: 'sourceIPAddress',
      aliases: { key: { failed: 'userIdentity.accessKeyId' } },
      generate: true,
      tags: ['attack.t1496'],
      source: { file: 'c.yml', line: 1 },
    });
    expect(Object.isFrozen((c as CorrelationRule).aliases.key)).toBe(true);
    expect(() => compileRule(c!)).toThrow(/correlation rule/);
  });

  it('defaults: no group-by, generate false, temporal condition = all rules', () => {
    const [c] = parsed(correlation('  type: temporal\n  rules: [a, b, c]\n  timespan: 1d\n'));
    expect(c).toMatchObject({
      groupBy: [],
      generate: false,
      condition: [{ op: 'gte', value: 3 }],
      timespanMs: 86_400_000,
    });
    const [inside] = parsed(correlation('  type: temporal\n  rules: [a, b]\n  timespan: 10s\n  generate: true\n'));
    expect((inside as CorrelationRule).generate).toBe(true);
  });

  it.each([
    ['  type: event_count\n  rules: [a]\n  timespan: 15\n  condition: {gte: 1}\n', /timespan.*s, m, h or d/, 7, 13],
    ['  type: event_count\n  rules: [a]\n  timespan: 15M\n  condition: {gte: 1}\n', /timespan/, 7, 13],
    ['  type: event_count\n  rules: [a]\n  timespan: 0s\n  condition: {gte: 1}\n', /positive/, 7, 13],
    ['  type: event_count\n  rules: [a]\n  timespan: 40d\n  condition: {gte: 1}\n', /longer than 31d/, 7, 13],
    ['  type: event_count\n  rules: [a]\n  condition: {gte: 1}\n', /no `timespan`/, 4, 1],
    ['  type: event_count\n  rules: [a]\n  timespan: 1m\n', /needs a `condition`/, 4, 1],
    [
      '  type: event_count\n  rules: [a]\n  timespan: 1m\n  condition: {above: 1}\n',
      /unknown condition operator `above`/,
      8,
      15,
    ],
    ['  type: event_count\n  rules: [a]\n  timespan: 1m\n  condition: {gte: -1}\n', /whole number/, 8, 20],
    ['  type: event_count\n  rules: [a]\n  timespan: 1m\n  condition: {gte: 1.5}\n', /whole number/, 8, 20],
    [
      '  type: event_count\n  rules: [a]\n  timespan: 1m\n  condition: {field: x, gte: 1}\n',
      /belongs to value_count/,
      8,
      15,
    ],
    ['  type: value_count\n  rules: [a]\n  timespan: 1m\n  condition: {gte: 1}\n', /needs `condition.field`/, 8, 3],
    ['  type: temporal\n  rules: [a, b]\n  timespan: 1m\n  condition: {gte: 3}\n', /cannot exceed 2/, 8, 14],
    ['  type: temporal_ordered\n  rules: [a]\n  timespan: 1m\n', /at least two rules/, 6, 10],
    ['  type: event_count\n  rules: []\n  timespan: 1m\n  condition: {gte: 1}\n', /references no `rules`/, 6, 3],
    ['  type: event_count\n  rules: [a, a]\n  timespan: 1m\n  condition: {gte: 1}\n', /twice/, 6, 10],
    ['  rules: [a]\n  timespan: 1m\n  condition: {gte: 1}\n', /no `type`/, 4, 1],
    [
      '  type: event_count\n  rules: [a]\n  timespan: 1m\n  condition: {gte: 1}\n  window: 5\n',
      /unknown key `window`/,
      9,
      3,
    ],
    [
      '  type: event_count\n  rules: [a]\n  timespan: 1m\n  condition: {gte: 1}\n  generate: yes please\n',
      /true or false/,
      9,
      13,
    ],
    [
      '  type: event_count\n  rules: [a]\n  group-by: {a: 1}\n  timespan: 1m\n  condition: {gte: 1}\n',
      /group-by/,
      7,
      13,
    ],
  ])('refuses %j with a located message', (body, message, line, column) => {
    const e = refused(correlation(body));
    expect(e.code).toBe('JACKSTOP_RULE_INVALID');
    expect(e.message).toMatch(message);
    expect(e.location).toEqual({ file: 'c.yml', line, column });
  });

  it('refuses an unknown correlation type as unsupported, and detection + correlation in one document', () => {
    const t = refused(correlation('  type: sequence\n  rules: [a]\n  timespan: 1m\n'));
    expect(t.code).toBe('JACKSTOP_RULE_UNSUPPORTED');
    expect(t.message).toMatch(/unknown correlation type "sequence"/);
    const both = refused(
      `${correlation('  type: temporal\n  rules: [a, b]\n  timespan: 1m\n')}logsource: {}\ndetection: {s: {a: 1}, condition: s}\n`,
    );
    expect(both.message).toMatch(/either `detection` or `correlation`/);
    expect(both.location?.line).toBe(9);
  });
});

describe('resolveCorrelations', () => {
  it('resolves references by name and by id, in order', () => {
    const rules = parsed(
      `${correlation('  type: temporal_ordered\n  rules: [11111111-1111-4111-8111-111111111111, other]\n  timespan: 1m\n')}---\n${BASE}\n---\ntitle: other\nname: other\nlogsource: {product: aws}\ndetection: {s: {a: 1}, condition: s}\n`,
    );
    const { correlations, errors } = resolveCorrelations(rules);
    expect(errors).toEqual([]);
    expect(correlations[0]!.bases.map((b) => b.title)).toEqual(['failed', 'other']);
  });

  it('reports unknown references, correlation chains and stray aliases at the correlation', () => {
    const rules = parsed(
      [
        correlation('  type: event_count\n  rules: [nope]\n  timespan: 1m\n  condition: {gte: 1}\n'),
        `title: chain\nid: chain\ncorrelation:\n  type: event_count\n  rules: [burst]\n  timespan: 1m\n  condition: {gte: 1}\n`,
        `title: alias\nid: alias\ncorrelation:\n  type: event_count\n  rules: [failed]\n  group-by: [k]\n  timespan: 1m\n  condition: {gte: 1}\n  aliases: {k: {elsewhere: x}}\n`,
        BASE,
      ].join('\n---\n'),
    );
    const { correlations, errors } = resolveCorrelations(rules);
    expect(correlations).toEqual([]);
    expect(errors.map((e) => [e.code, e.location?.line])).toEqual([
      ['JACKSTOP_RULE_INVALID', 1],
      ['JACKSTOP_RULE_UNSUPPORTED', 11],
      ['JACKSTOP_RULE_INVALID', 20],
    ]);
    expect(errors[0]!.message).toMatch(/references rule `nope`, which is not loaded/);
    expect(errors[1]!.message).toMatch(/chained correlations are not supported/);
    expect(errors[2]!.message).toMatch(/alias `k` names rule `elsewhere`/);
  });
});

describe('parseTimespan', () => {
  it('reads s, m, h, d', () => {
    expect([parseTimespan('90s'), parseTimespan('15m'), parseTimespan('2h'), parseTimespan('1d')]).toEqual([
      90_000, 900_000, 7_200_000, 86_400_000,
    ]);
    expect(parseTimespan('1w')).toBeUndefined();
    expect(parseTimespan(' 1m')).toBeUndefined();
  });
});

describe('applyFieldMapping', () => {
  const map = {
    'gcp.audit.method_name': 'protoPayload.methodName',
    'gcp.audit.principal': 'protoPayload.authenticationInfo.principalEmail',
  };

  it('renames detection fields, fieldref targets and the fields list; the original is untouched', () => {
    const [rule] = parsed(`title: gcp
logsource: {product: gcp, service: gcp.audit}
fields: [gcp.audit.principal]
detection:
  sel: {gcp.audit.method_name|endswith: .predict}
  ref: {other|fieldref: gcp.audit.principal}
  condition: sel and not ref`) as DetectionRule[];
    const mapped = applyFieldMapping(rule!, map);
    expect(Object.isFrozen(mapped)).toBe(true);
    expect(mapped.fields).toEqual(['protoPayload.authenticationInfo.principalEmail']);
    const compiled = compileRule(mapped);
    const raw = {
      protoPayload: { methodName: 'x.predict', authenticationInfo: { principalEmail: 'a@b' } },
      other: 'c@d',
    };
    expect(compiled.match(raw)).toBe(true);
    expect(compiled.match({ ...raw, other: 'a@b' })).toBe(false);
    expect(compileRule(rule!).match(raw)).toBe(false);
    expect(rule!.fields).toEqual(['gcp.audit.principal']);
  });

  it('renames correlation group-by, value field and alias targets, not alias names', () => {
    const [c] = parsed(
      correlation(`  type: value_count
  rules: [failed]
  group-by: [gcp.audit.principal, who]
  timespan: 1h
  condition: {field: gcp.audit.method_name, gte: 2}
  aliases:
    who:
      failed: gcp.audit.principal
`),
    ) as CorrelationRule[];
    const m = applyFieldMapping(c!, map);
    expect(m.groupBy).toEqual(['protoPayload.authenticationInfo.principalEmail', 'who']);
    expect(m.valueField).toBe('protoPayload.methodName');
    expect(m.aliases).toEqual({ who: { failed: 'protoPayload.authenticationInfo.principalEmail' } });
  });
});
