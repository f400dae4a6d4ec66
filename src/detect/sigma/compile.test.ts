import RE2 from 're2';
import { describe, expect, it } from 'vitest';
import { type DetectionRule, deepFreeze, node } from './ast.js';
import { ruleYaml } from './conformance.cases.js';
import { compileRule, parseSigma } from './index.js';

function compile(detection: string): (record: Record<string, unknown>) => boolean {
  const [r] = parseSigma(ruleYaml(detection));
  if (!r?.ok) throw new Error(r?.error.render());
  return compileRule(r.rule).match;
}

function handBuilt(detection: DetectionRule['detection']): DetectionRule {
  return deepFreeze({
    kind: 'detection',
    id: 'hand-built',
    title: 'hand built',
    references: [],
    tags: [],
    falsepositives: [],
    fields: [],
    scope: [],
    related: [],
    logsource: {},
    detection,
    custom: {},
    source: { file: 'hand.yml', line: 3 },
  });
}

describe('compileRule', () => {
  it('runs |re on RE2: a catastrophic pattern on 50 000 characters finishes in milliseconds', () => {
    const match = compile(`
sel:
    payload|re: '^(a+)+$'
condition: sel`);
    const hostile = `${'a'.repeat(50_000)}!`;
    const t0 = performance.now();
    expect(match({ payload: hostile })).toBe(false);
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeLessThan(250);
    expect(match({ payload: 'a'.repeat(50_000) })).toBe(true);
  });

  it('matches Unicode values through RE2', () => {
    const match = compile(`
sel:
    name|re|i: '^ÄRGER-\\d+$'
condition: sel`);
    expect(match({ name: 'ärger-42' })).toBe(true);
    expect(match({ name: 'ärger-x' })).toBe(false);
  });

  it('answers every |re test as RE2 alone does, though a literal guard skips RE2 for most text', () => {
    const patterns: [string, string][] = [
      ['.+:assumed-role/aws:.+', ''],
      ['.+:assumed-role/AWS:.+', 'i'],
      ['(?i)Evil(Corp)?Tool', ''],
      ['^arn:aws:iam::\\d+:user/[a-z]+$', ''],
      ['kube-system', 'i'],
      ['sk-[A-Za-z0-9]{8}', ''],
      ['ab\\x41cd', ''],
      ['abc\\pNde', ''],
      ['line\\nbreak', 's'],
    ];
    const texts = [
      'arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1',
      'arn:aws:sts::1:assumed-role/AWS:ec2-instance/i-1',
      'arn:aws:sts::1:assumed-role/dev/i-1',
      'eviltool',
      'EVILCORPTOOL',
      'arn:aws:iam::123:user/alice',
      'arn:aws:iam::123:user/Alice',
      'KUBE-SYSTEM',
      'kube-\u212Aystem', // no: the Kelvin sign folds to k, not s
      '\u212Aube-system', // Kelvin sign: RE2's case folding maps it onto k
      'key sk-ABCdef12 used',
      'abAcd',
      'ab\\x41cd',
      'abc٣de', // an Arabic-Indic digit is \pN
      'abcNde',
      'line\nbreak',
      '',
    ].map((t) => t.replace(/\\u([0-9A-F]{4})/g, (_, h) => String.fromCharCode(Number.parseInt(h, 16))));
    let guarded = 0;
    for (const [pattern, flags] of patterns) {
      const rule = handBuilt(node.field('v', ['re'], [{ kind: 'regex', pattern, flags }], 'any', false));
      const { match } = compileRule(rule);
      const re = new RE2(pattern, flags);
      for (const v of texts) {
        expect(match({ v }), `${pattern} /${flags} on ${JSON.stringify(v)}`).toBe(re.test(v));
        if (re.test(v)) guarded++;
      }
    }
    expect(guarded).toBeGreaterThan(10);
  });

  it('throws a JackstopError naming the rule when a hand-built AST cannot compile', () => {
    const badCidr = handBuilt(node.field('ip', ['cidr'], [{ kind: 'cidr', cidr: '10.0.0.0/77' }], 'any', false));
    expect(() => compileRule(badCidr)).toThrowError(/rule 'hand built' cannot be compiled: .*prefix length/);
    const badRe = handBuilt(node.field('x', ['re'], [{ kind: 'regex', pattern: '(', flags: '' }], 'any', false));
    try {
      compileRule(badRe);
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'JACKSTOP_RULE_INVALID', location: { file: 'hand.yml', line: 3 } });
    }
    const keywordNull = handBuilt(node.keyword([], [{ kind: 'null' }], 'any'));
    expect(() => compileRule(keywordNull)).toThrowError(/keywords only take string values/);
  });

  it('returns a frozen compiled rule that keeps its rule', () => {
    const [r] = parseSigma(ruleYaml('sel:\n    a: 1\ncondition: sel'));
    if (!r?.ok) throw new Error('parse');
    const c = compileRule(r.rule);
    expect(c.rule).toBe(r.rule);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('does not modify the record', () => {
    const match = compile(`
sel:
    a|contains: x
    b.c|re: y
keywords:
    - z
condition: sel or keywords`);
    const record = deepFreeze({ a: ['X'], b: { c: 'y' }, d: [{ e: 'z' }] });
    expect(match(record)).toBe(true);
  });

  it('tests the cheap eventName condition before an expensive keyword search', () => {
    // A rule whose keyword search would be expensive: the cheap eventName test decides first.
    const match = compile(`
keywords:
    - needle
sel:
    eventName: CreateUser
condition: keywords and sel`);
    const big: Record<string, unknown> = { eventName: 'Other' };
    for (let i = 0; i < 50_000; i++) big[`k${i}`] = `value ${i}`;
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) expect(match(big)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(200);
  });

  it('treats a keyword search over the whole record as any nested value', () => {
    const match = compile(`
keywords:
    - '|all':
        - alpha
        - omega
condition: keywords`);
    expect(match({ a: 'ALPHA', deep: [{ x: { y: 'to omega' } }] })).toBe(true);
    expect(match({ a: 'alpha' })).toBe(false);
  });
});
