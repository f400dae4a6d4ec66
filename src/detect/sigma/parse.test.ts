import { describe, expect, it } from 'vitest';
import type { JackstopError } from '../../errors.js';
import { compileRule, type DetectionRule, parseSigma, walkDetection } from './index.js';

function one(text: string, opts: Parameters<typeof parseSigma>[1] = { file: 'rule.yml' }): DetectionRule {
  const results = parseSigma(text, opts);
  expect(results).toHaveLength(1);
  const r = results[0]!;
  if (!r.ok) throw new Error(r.error.render());
  if (r.rule.kind !== 'detection') throw new Error('expected a detection rule');
  return r.rule;
}

function refused(text: string, opts: Parameters<typeof parseSigma>[1] = { file: 'rule.yml' }): JackstopError {
  const results = parseSigma(text, opts);
  expect(results).toHaveLength(1);
  const r = results[0]!;
  if (r.ok) throw new Error('rule was accepted');
  return r.error;
}

const FULL = `title: Full rule
id: 929a690e-bef0-4204-a928-ef5e620d6fcc
name: jackstop.test.full
related:
    - id: 08fbc97d-0a2f-491c-ae21-8ffcfd3174e9
      type: derived
status: experimental
description: A rule with every field
license: DRL-1.1
author: Someone, Someone Else
date: 2024-01-02
modified: 2024/02/03
references:
    - https://example.com/a
tags:
    - attack.t1496.004
    - owasp-llm.llm10
logsource:
    product: AWS
    service: cloudtrail
    definition: management events
detection:
    selection:
        eventName: InvokeModel
    condition: selection
fields:
    - userIdentity.arn
falsepositives: Load tests
level: high
scope:
    - server
remediation: |
    Revoke the key.
examples:
    match:
        - eventName: InvokeModel
`;

describe('parseSigma: metadata', () => {
  it('reads every specified field and keeps unknown top-level keys in custom', () => {
    const rule = one(FULL);
    expect(rule).toMatchObject({
      kind: 'detection',
      id: '929a690e-bef0-4204-a928-ef5e620d6fcc',
      name: 'jackstop.test.full',
      title: 'Full rule',
      status: 'experimental',
      description: 'A rule with every field',
      license: 'DRL-1.1',
      author: 'Someone, Someone Else',
      date: '2024-01-02',
      modified: '2024/02/03',
      level: 'high',
      references: ['https://example.com/a'],
      tags: ['attack.t1496.004', 'owasp-llm.llm10'],
      falsepositives: ['Load tests'],
      fields: ['userIdentity.arn'],
      scope: ['server'],
      related: [{ id: '08fbc97d-0a2f-491c-ae21-8ffcfd3174e9', type: 'derived' }],
      logsource: { product: 'AWS', service: 'cloudtrail', definition: 'management events' },
      source: { file: 'rule.yml', line: 1 },
    });
    expect(rule.custom).toEqual({
      remediation: 'Revoke the key.\n',
      examples: { match: [{ eventName: 'InvokeModel' }] },
    });
  });

  it('freezes the rule, its AST and its custom data', () => {
    const rule = one(FULL);
    expect(Object.isFrozen(rule)).toBe(true);
    expect(Object.isFrozen(rule.tags)).toBe(true);
    expect(Object.isFrozen(rule.custom)).toBe(true);
    expect(Object.isFrozen((rule.custom.examples as { match: unknown[] }).match)).toBe(true);
    for (const n of walkDetection(rule.detection)) expect(Object.isFrozen(n), n.kind).toBe(true);
    expect(() => {
      (rule as { title: string }).title = 'changed';
    }).toThrow(TypeError);
  });

  it('builds an AST with kinds: selections, fields and resolved `of` nodes', () => {
    const rule = one(`title: t
logsource: {}
detection:
    sel_a:
        eventName: A
    sel_b:
        - x|contains: y
        - z: 1
    keywords:
        - needle
    condition: 1 of sel_* and not keywords
`);
    const d = rule.detection;
    expect(d.kind).toBe('and');
    if (d.kind !== 'and') return;
    const [of, not] = d.children;
    expect(of).toMatchObject({ kind: 'of', quantifier: 'any', pattern: 'sel_*' });
    expect(of?.kind === 'of' && of.selections.map((s) => s.name)).toEqual(['sel_a', 'sel_b']);
    expect(not).toMatchObject({
      kind: 'not',
      child: { kind: 'selection', name: 'keywords', body: { kind: 'keyword' } },
    });
    const kinds = [...walkDetection(d)].map((n) => n.kind);
    expect(kinds).toEqual([
      'and',
      'of',
      'selection',
      'field',
      'selection',
      'or',
      'field',
      'field',
      'not',
      'selection',
      'keyword',
    ]);
  });

  it('accepts a rule without id: the name, else a stable hash of file and title', () => {
    const noId = 'title: No id\nlogsource: {}\ndetection: {s: {a: 1}, condition: s}\n';
    const a = one(noId, { file: 'x/a.yml' });
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(one(noId, { file: 'x/a.yml' }).id).toBe(a.id);
    expect(one(noId, { file: 'x/b.yml' }).id).not.toBe(a.id);
    expect(one(`name: my.rule\n${noId}`).id).toBe('my.rule');
  });

  it('treats empty optional keys as absent and wraps single strings into lists', () => {
    const rule = one('title: t\ndescription:\nlogsource: {}\ntags: attack.t1\ndetection: {s: {a: 1}, condition: s}\n');
    expect(rule.description).toBeUndefined();
    expect('description' in rule).toBe(false);
    expect(rule.tags).toEqual(['attack.t1']);
    expect(rule.references).toEqual([]);
  });

  it('keeps a `__proto__` custom key as data', () => {
    const rule = one('title: t\nlogsource: {}\n__proto__: {polluted: true}\ndetection: {s: {a: 1}, condition: s}\n');
    expect(Object.getPrototypeOf(rule.custom)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(rule.custom, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parseSigma: refusals carry code, message and YAML position', () => {
  const base = (detection: string, head = 'title: t\nlogsource: {product: aws}\n'): string =>
    `${head}detection:\n${detection}`;

  it.each([
    ['YAML syntax', 'title: t\ndetection: [a,\n', 'JACKSTOP_RULE_INVALID', /YAML syntax error/, 3],
    ['duplicate key', 'title: a\ntitle: b\n', 'JACKSTOP_RULE_INVALID', /unique/, 2],
    ['no title', 'logsource: {}\ndetection: {s: {a: 1}, condition: s}\n', 'JACKSTOP_RULE_INVALID', /no `title`/, 1],
    [
      'empty title',
      "title: ''\nlogsource: {}\ndetection: {s: {a: 1}, condition: s}\n",
      'JACKSTOP_RULE_INVALID',
      /`title` is empty/,
      1,
    ],
    ['no logsource', 'title: t\ndetection: {s: {a: 1}, condition: s}\n', 'JACKSTOP_RULE_INVALID', /no `logsource`/, 1],
    [
      'bad level',
      'title: t\nlogsource: {}\nlevel: severe\ndetection: {s: {a: 1}, condition: s}\n',
      'JACKSTOP_RULE_INVALID',
      /`level` must be one of/,
      3,
    ],
    [
      'tags as a map',
      'title: t\nlogsource: {}\ntags:\n    a: 1\ndetection: {s: {a: 1}, condition: s}\n',
      'JACKSTOP_RULE_INVALID',
      /`tags` must be a string or a list of strings/,
      4,
    ],
    [
      'logsource as a list',
      'title: t\nlogsource: [aws]\ndetection: {s: {a: 1}, condition: s}\n',
      'JACKSTOP_RULE_INVALID',
      /`logsource` must be a map/,
      2,
    ],
    [
      'description as a list',
      'title: t\nlogsource: {}\ndescription: [a]\ndetection: {s: {a: 1}, condition: s}\n',
      'JACKSTOP_RULE_INVALID',
      /`description` must be a string/,
      3,
    ],
    [
      'related without type',
      'title: t\nlogsource: {}\nrelated:\n    - id: x\ndetection: {s: {a: 1}, condition: s}\n',
      'JACKSTOP_RULE_INVALID',
      /`related` must be a list of `\{id, type\}` maps/,
      4,
    ],
    ['no detection', 'title: t\nlogsource: {}\n', 'JACKSTOP_RULE_INVALID', /no `detection`/, 1],
    [
      'detection not a map',
      'title: t\nlogsource: {}\ndetection: selection\n',
      'JACKSTOP_RULE_INVALID',
      /must be a map/,
      3,
    ],
    ['no condition', base('    s:\n        a: 1\n'), 'JACKSTOP_RULE_INVALID', /no `condition`/, 3],
    [
      'condition not a string',
      base('    s:\n        a: 1\n    condition: 5\n'),
      'JACKSTOP_RULE_INVALID',
      /must be a string/,
      6,
    ],
    ['empty selection', base('    s:\n    condition: s\n'), 'JACKSTOP_RULE_INVALID', /`s` is empty/, 4],
    ['empty map', base('    s: {}\n    condition: s\n'), 'JACKSTOP_RULE_INVALID', /empty map/, 4],
    [
      'empty value list',
      base('    s:\n        a: []\n    condition: s\n'),
      'JACKSTOP_RULE_INVALID',
      /empty list of values/,
      5,
    ],
    [
      'map as value',
      base('    s:\n        a:\n            b: 1\n    condition: s\n'),
      'JACKSTOP_RULE_INVALID',
      /dotted name such as `a.b`/,
      6,
    ],
    [
      'list in list',
      base('    s:\n        - [a, b]\n    condition: s\n'),
      'JACKSTOP_RULE_INVALID',
      /list inside a list/,
      5,
    ],
    [
      'null keyword',
      base('    k:\n        - null\n    condition: k\n'),
      'JACKSTOP_RULE_INVALID',
      /keyword cannot be null/,
      5,
    ],
    [
      'unknown modifier',
      base('    s:\n        a|contain: x\n    condition: s\n'),
      'JACKSTOP_RULE_INVALID',
      /unknown modifier `contain`/,
      5,
    ],
    [
      'bad regex',
      base('    s:\n        a|re:\n            - ok\n            - (unclosed\n    condition: s\n'),
      'JACKSTOP_RULE_INVALID',
      /invalid regular expression '\(unclosed'/,
      7,
    ],
    [
      'bad CIDR',
      base('    s:\n        ip|cidr: 10.0.0.0/99\n    condition: s\n'),
      'JACKSTOP_RULE_INVALID',
      /prefix length/,
      5,
    ],
    [
      'undefined identifier',
      base('    selection:\n        a: 1\n    condition: selection and not filter\n'),
      'JACKSTOP_RULE_INVALID',
      /unknown search identifier `filter`; defined: selection/,
      6,
    ],
    [
      'pattern matching nothing',
      base('    selection:\n        a: 1\n    condition: selection and not 1 of filter*\n'),
      'JACKSTOP_RULE_INVALID',
      /`filter\*` matches no search identifier/,
      6,
    ],
    [
      'aggregation',
      base('    s:\n        a: 1\n    condition: s | count() > 5\n'),
      'JACKSTOP_RULE_UNSUPPORTED',
      /deprecated Sigma 1 aggregation/,
      6,
    ],
    [
      'near',
      base('    s:\n        a: 1\n    t:\n        b: 1\n    condition: s | near t\n'),
      'JACKSTOP_RULE_UNSUPPORTED',
      /`near`/,
      8,
    ],
    [
      'timeframe',
      base('    s:\n        a: 1\n    timeframe: 5m\n    condition: s\n'),
      'JACKSTOP_RULE_UNSUPPORTED',
      /`timeframe`/,
      6,
    ],
    [
      'placeholder without value',
      base("    s:\n        a|expand: '%Admins%'\n    condition: s\n"),
      'JACKSTOP_RULE_UNSUPPORTED',
      /%Admins% has no value/,
      5,
    ],
    ['not a map', '- a\n- b\n', 'JACKSTOP_RULE_INVALID', /must be a YAML map/, 1],
  ])('%s', (_, text, code, message, line) => {
    const e = refused(text);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
    expect(e.location?.file).toBe('rule.yml');
    expect(e.location?.line).toBe(line);
  });

  it('points at the exact column of a condition error', () => {
    const e = refused(
      'title: t\nlogsource: {}\ndetection:\n    selection:\n        a: 1\n    condition: selection and not filter\n',
    );
    // The condition text starts at column 16; `filter` starts 18 characters into it.
    expect(e.location).toMatchObject({ line: 6, column: 16 + 18 });
    const quoted = refused(
      "title: t\nlogsource: {}\ndetection:\n    s:\n        a: 1\n    condition: 's | count() > 5'\n",
    );
    expect(quoted.location).toMatchObject({ line: 6, column: 17 + 2 });
  });

  it('points at the key of an unknown modifier and at the value of a bad value', () => {
    const e = refused('title: t\nlogsource: {}\ndetection:\n    s:\n        field|bogus: x\n    condition: s\n');
    expect(e.location).toMatchObject({ line: 5, column: 9 });
    expect(e.render()).toBe(`rule.yml:5:9: \`field\`: ${e.message.slice('`field`: '.length)} [JACKSTOP_RULE_INVALID]`);
    const v = refused('title: t\nlogsource: {}\ndetection:\n    s:\n        ip|cidr: nope\n    condition: s\n');
    expect(v.location).toMatchObject({ line: 5, column: 18 });
  });

  it('refuses Sigma filters as not supported yet (correlations are parsed: correlation.test.ts)', () => {
    const f = refused(
      'title: f\nlogsource: {product: aws}\nfilter:\n    rules: [x]\n    selection: {a: 1}\n    condition: not selection\n',
    );
    expect(f.code).toBe('JACKSTOP_RULE_UNSUPPORTED');
    expect(f.message).toMatch(/filter/);
  });
});

describe('parseSigma: multi-document files', () => {
  it('returns one result per rule document, good and bad, with each document start line', () => {
    const results = parseSigma(
      `title: first
logsource: {}
detection: {s: {a: 1}, condition: s}
---
title: broken
logsource: {}
detection: {s: {a|nope: 1}, condition: s}
---
---
title: third
logsource: {}
detection: {s: {a: 1}, condition: s}
`,
      { file: 'multi.yml' },
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[0]!.ok && results[0]!.rule.source.line).toBe(1);
    expect(!results[1]!.ok && results[1]!.error.location?.line).toBe(7);
    expect(results[2]!.ok && results[2]!.rule.source.line).toBe(10);
  });

  it('applies Sigma 1 collection actions: global, repeat, reset', () => {
    const results = parseSigma(
      `action: global
title: Shared title
logsource:
    product: aws
detection:
    common:
        eventSource: iam.amazonaws.com
    condition: common and sel
level: low
---
logsource:
    service: cloudtrail
detection:
    sel:
        eventName: CreateUser
---
action: repeat
detection:
    sel:
        eventName: DeleteUser
level: high
---
action: reset
---
title: Alone
logsource: {}
detection: {s: {a: 1}, condition: s}
`,
      { file: 'collection.yml' },
    );
    expect(results.every((r) => r.ok)).toBe(true);
    const rules = results.map((r) => (r.ok && r.rule.kind === 'detection' ? r.rule : undefined)!);
    expect(rules.map((r) => [r.title, r.level, r.logsource])).toEqual([
      ['Shared title', 'low', { product: 'aws', service: 'cloudtrail' }],
      ['Shared title', 'high', { product: 'aws', service: 'cloudtrail' }],
      ['Alone', undefined, {}],
    ]);
    const [create, del] = rules.map(compileRule);
    expect(create!.match({ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser' })).toBe(true);
    expect(create!.match({ eventSource: 'iam.amazonaws.com', eventName: 'DeleteUser' })).toBe(false);
    expect(del!.match({ eventSource: 'iam.amazonaws.com', eventName: 'DeleteUser' })).toBe(true);
    expect(del!.match({ eventSource: 's3.amazonaws.com', eventName: 'DeleteUser' })).toBe(false);
  });

  it('refuses repeat without a rule before it and unknown actions', () => {
    const results = parseSigma('action: repeat\ntitle: x\n---\naction: explode\n', { file: 'a.yml' });
    expect(results.map((r) => !r.ok && r.error.message)).toEqual([
      expect.stringMatching(/no earlier rule/),
      expect.stringMatching(/unknown `action: explode`/),
    ]);
  });

  it('skips empty documents and handles empty input', () => {
    expect(parseSigma('')).toEqual([]);
    expect(parseSigma('---\n---\n# only a comment\n')).toEqual([]);
  });

  it('survives YAML alias bombs', () => {
    let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 9; i++) {
      text += `a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]\n`;
    }
    text += 'title: bomb\nlogsource: {}\ndetection: {s: {a: *a8}, condition: s}\n';
    const t0 = performance.now();
    const e = refused(text);
    expect(e.message).toMatch(/too many nodes/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it('resolves ordinary aliases', () => {
    const rule = one(
      'title: t\nlogsource: {}\nx: &names [A, B]\ndetection:\n    s:\n        eventName: *names\n    condition: s\n',
    );
    const c = compileRule(rule);
    expect(c.match({ eventName: 'b' })).toBe(true);
    expect(c.match({ eventName: 'c' })).toBe(false);
  });

  it('reads a file with a UTF-8 byte order mark', () => {
    const rule = one('\uFEFFtitle: bom\nlogsource: {}\ndetection: {s: {a: 1}, condition: s}\n');
    expect(rule.title).toBe('bom');
  });
});
