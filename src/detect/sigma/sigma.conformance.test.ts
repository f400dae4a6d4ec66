import { describe, expect, it } from 'vitest';
import { CONFORMANCE_CASES, ruleYaml } from './conformance.cases.js';
import { compileRule, parseSigma, RuleSet, SIGMA_MODIFIERS, type SigmaRule } from './index.js';

/**
 * Every way of running a rule must agree on the conformance table: the compiled matcher, and the
 * indexed rule set (which skips rules whose required values a record lacks).
 */
const RUNNERS: readonly { name: string; make: (rule: SigmaRule) => (record: Record<string, unknown>) => boolean }[] = [
  { name: 'compiled', make: (rule) => compileRule(rule).match },
  {
    name: 'rule-set',
    make: (rule) => {
      const set = new RuleSet([compileRule(rule)]);
      return (record) => set.match(record, { product: 'test' }).length === 1;
    },
  },
];

function parseCase(detection: string, placeholders?: Record<string, string[]>): SigmaRule {
  const [result, ...rest] = parseSigma(ruleYaml(detection), { file: 'case.yml', placeholders });
  expect(rest).toHaveLength(0);
  if (!result?.ok) throw new Error(`case does not parse: ${result?.error.render()}`);
  return result.rule;
}

for (const runner of RUNNERS) {
  describe(`Sigma conformance (${runner.name})`, () => {
    for (const c of CONFORMANCE_CASES) {
      describe(c.name, () => {
        const matcher = (): ((r: Record<string, unknown>) => boolean) =>
          runner.make(parseCase(c.detection, c.placeholders));
        it.each(c.match.map((r) => [JSON.stringify(r), r] as const))('matches %s', (_, record) => {
          expect(matcher()(record)).toBe(true);
        });
        it.each(c.nomatch.map((r) => [JSON.stringify(r), r] as const))('does not match %s', (_, record) => {
          expect(matcher()(record)).toBe(false);
        });
      });
    }
  });
}

describe('the conformance table itself', () => {
  it('has positive and negative examples for every case', () => {
    for (const c of CONFORMANCE_CASES) {
      expect(c.match.length, c.name).toBeGreaterThan(0);
      expect(c.nomatch.length, c.name).toBeGreaterThan(0);
    }
  });
  it('covers every modifier the engine knows (except long aliases of re flags)', () => {
    const used = new Set<string>();
    for (const c of CONFORMANCE_CASES) {
      for (const m of c.detection.matchAll(/\|([a-z0-9]+)/g)) used.add(m[1]!);
    }
    const aliases = new Set(['ignorecase', 'multiline', 'dotall']);
    const missing = SIGMA_MODIFIERS.filter((m) => !used.has(m) && !aliases.has(m));
    expect(missing).toEqual([]);
  });
});
