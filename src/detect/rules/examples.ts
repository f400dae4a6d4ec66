import { JackstopError } from '../../errors.js';
import { compileRule, type SigmaRule } from '../sigma/index.js';
import { describeIssues, ExampleSet } from './extras.js';
import { ruleIdOf } from './meta.js';

export interface ExampleResult {
  /** The rule's user-facing id (`name`, else `id`). */
  rule: string;
  file?: string;
  kind: 'match' | 'nomatch';
  /** 0-based position in the rule's `examples.match` or `examples.nomatch` list. */
  index: number;
  /** `match` examples pass when the rule matches them, `nomatch` examples when it does not. */
  passed: boolean;
}

/**
 * Compile `rule` and run it over its `examples`. A rule without examples yields no results; a
 * malformed `examples` key or a rule that does not compile throws a `JackstopError`.
 */
export function runRuleExamples(rule: SigmaRule): ExampleResult[] {
  const raw = rule.custom.examples;
  if (raw === undefined) return [];
  const parsed = ExampleSet.safeParse(raw);
  const location = { file: rule.source.file, line: rule.source.line };
  if (!parsed.success) {
    throw new JackstopError(
      'JACKSTOP_RULE_INVALID',
      `rule "${rule.title}": invalid examples (${describeIssues(parsed.error)}); ` +
        'write `examples: {match: [<record>, …], nomatch: [<record>, …]}`',
      { location },
    );
  }
  const compiled = compileRule(rule);
  const id = ruleIdOf(rule);
  const results: ExampleResult[] = [];
  const run = (kind: 'match' | 'nomatch', records: readonly Record<string, unknown>[]): void => {
    records.forEach((record, index) => {
      const hit = compiled.match(record);
      const result: ExampleResult = { rule: id, kind, index, passed: kind === 'match' ? hit : !hit };
      if (rule.source.file !== undefined) result.file = rule.source.file;
      results.push(result);
    });
  };
  run('match', parsed.data.match);
  run('nomatch', parsed.data.nomatch);
  return results;
}
