import { z } from 'zod';

/** One example log record: a JSON object as the log source writes it (for CloudTrail, one event). */
const ExampleRecord = z.record(z.string(), z.unknown());

/**
 * The custom top-level keys every built-in rule carries besides standard Sigma: what to do when it
 * fires, and example records it must and must not match (near misses, so a loosened rule fails).
 */
export const RuleExtras = z.object({
  remediation: z
    .string()
    .trim()
    .min(40, 'remediation must say precisely what to do (at least 40 characters): which credential to disable, how'),
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
