import { z } from 'zod';

/** One example log record: a JSON object as the log source writes it (for CloudTrail, one event). */
const ExampleRecord = z.record(z.string(), z.unknown());

/**
 * The custom top-level keys every built-in rule carries besides standard Sigma: what to do when it
 * fires, and example records it must and must not match (near misses, so a loosened rule fails).
 */
const Remediation = z
  .string()
  .trim()
  .min(40, 'remediation must say precisely what to do (at least 40 characters): which credential to disable, how');

export const RuleExtras = z.object({
  remediation: Remediation,
  examples: z.strictObject({
    match: z.array(ExampleRecord).min(2, 'give at least 2 `match` examples'),
    nomatch: z.array(ExampleRecord).min(2, 'give at least 2 `nomatch` examples (near misses)'),
  }),
});
export type RuleExtras = z.infer<typeof RuleExtras>;

/** The looser shape `runRuleExamples` accepts from any rule (user rules may carry fewer examples). */
export const ExampleSet = z.strictObject({
  match: z.array(ExampleRecord).default([]),
  nomatch: z.array(ExampleRecord).default([]),
});

/** `examples.match[0]: expected …; remediation: …` from a zod error. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const at = issue.path.map(String).join('.');
      return at ? `${at}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

/** A correlation example: records in the order they arrive, as one log stream. */
const Scenario = z.array(ExampleRecord).min(1, 'a scenario lists at least one record');

/**
 * A built-in correlation rule's custom keys: what to do, and scenarios (ordered record lists) that
 * must raise the correlation and near misses that must not (one step missing, out of order, too slow).
 */
export const CorrelationExtras = z.object({
  remediation: Remediation,
  examples: z.strictObject({
    match: z.array(Scenario).min(1, 'give at least 1 `match` scenario'),
    nomatch: z.array(Scenario).min(1, 'give at least 1 `nomatch` scenario (a near miss)'),
  }),
});
export type CorrelationExtras = z.infer<typeof CorrelationExtras>;

/** What `runRuleExamples` accepts from any correlation rule. */
export const ScenarioSet = z.strictObject({
  match: z.array(Scenario).default([]),
  nomatch: z.array(Scenario).default([]),
});

/**
 * A helper rule (a building block in a correlation's file, no finding of its own): examples, no
 * remediation.
 */
export const HelperExtras = z.object({
  examples: z.strictObject({
    match: z.array(ExampleRecord).min(1, 'give at least 1 `match` example'),
    nomatch: z.array(ExampleRecord).min(1, 'give at least 1 `nomatch` example (a near miss)'),
  }),
});
