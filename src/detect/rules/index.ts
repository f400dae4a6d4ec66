/**
 * @module detect/rules
 * The built-in LLMjacking rule pack: Sigma rules for AWS CloudTrail in `pack/` (YAML data, one
 * rule per file, each with the custom keys `remediation` and `examples`), the loader that
 * validates them (`loadBuiltinRules`, `RuleExtras`), the runner that checks a rule against its
 * own examples (`runRuleExamples`), and `ruleMetaOf`, which turns any Sigma rule into what a
 * finding carries (user-facing id, severity, remediation …).
 */
import type { JackstopError } from '../../errors.js';
import type { SigmaRule } from '../sigma/index.js';
import { loadPack, resolvePackDir } from './pack.js';

export { type ExampleResult, runRuleExamples } from './examples.js';
export { CorrelationExtras, HelperExtras, RuleExtras } from './extras.js';
export { type RuleMeta, ruleMetaOf } from './meta.js';

/** Absolute path of the built-in pack (works from `src/` and from the compiled `dist/`). */
export const BUILTIN_RULES_DIR: string = resolvePackDir(import.meta.url);

/** Parse and validate the built-in pack. A bad rule is an error naming its file; the rest still load. */
export function loadBuiltinRules(): Promise<{ rules: SigmaRule[]; errors: JackstopError[] }> {
  return loadPack(BUILTIN_RULES_DIR);
}
