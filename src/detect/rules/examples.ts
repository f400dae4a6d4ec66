import type { EventSource } from '../../domain/index.js';
import { JackstopError } from '../../errors.js';
import { SIGMA_LOGSOURCE } from '../../events/index.js';
import { Detector } from '../detector.js';
import { type CorrelationRule, compileRule, resolveCorrelations, type SigmaRule } from '../sigma/index.js';
import { describeIssues, ExampleSet, ScenarioSet } from './extras.js';
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
 * A correlation rule's examples are scenarios (ordered record lists) run through a Detector with
 * the rules it references, looked up in `ruleSet` (the rules loaded with it).
 */
export function runRuleExamples(rule: SigmaRule, ruleSet: readonly SigmaRule[] = []): ExampleResult[] {
  const raw = rule.custom.examples;
  if (raw === undefined) return [];
  if (rule.kind === 'correlation') return runScenarios(rule, raw, ruleSet);
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

function runScenarios(rule: CorrelationRule, raw: unknown, ruleSet: readonly SigmaRule[]): ExampleResult[] {
  const location = { file: rule.source.file, line: rule.source.line };
  const parsed = ScenarioSet.safeParse(raw);
  if (!parsed.success) {
    throw new JackstopError(
      'JACKSTOP_RULE_INVALID',
      `correlation "${rule.title}": invalid examples (${describeIssues(parsed.error)}); ` +
        'write `examples: {match: [[<record>, …], …], nomatch: [[<record>, …], …]}` (each scenario in arrival order)',
      { location },
    );
  }
  const others = ruleSet.filter((r) => r !== rule && r.id !== rule.id);
  const { correlations, errors } = resolveCorrelations([rule, ...others]);
  const resolved = correlations.find((c) => c.rule === rule);
  if (!resolved) throw errors.find((e) => e.location?.file === rule.source.file) ?? errors[0]!;
  // The source whose records the referenced rules read.
  const ls = resolved.bases[0]!.logsource;
  const kind = (Object.entries(SIGMA_LOGSOURCE).find(
    ([, s]) => s.product === ls.product && (ls.service === undefined || s.service === ls.service),
  )?.[0] ?? 'aws.cloudtrail') as EventSource;
  const id = ruleIdOf(rule);
  const results: ExampleResult[] = [];
  const run = (kind2: 'match' | 'nomatch', scenarios: readonly (readonly Record<string, unknown>[])[]): void => {
    scenarios.forEach((records, index) => {
      const detector = new Detector([rule, ...resolved.bases]);
      records.forEach((record, i) => {
        detector.observe(record, { file: rule.source.file, record: i }, kind);
      });
      const fired = detector.results().some((f) => f.finding.ruleId === id);
      const result: ExampleResult = { rule: id, kind: kind2, index, passed: kind2 === 'match' ? fired : !fired };
      if (rule.source.file !== undefined) result.file = rule.source.file;
      results.push(result);
    });
  };
  run('match', parsed.data.match);
  run('nomatch', parsed.data.nomatch);
  return results;
}
