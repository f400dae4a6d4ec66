/**
 * @module detect
 * Detection over normalized cloud audit events: the Sigma engine (`sigma/`), the built-in
 * LLMjacking rule pack (`rules/`), and the `Detector` that folds rule matches into findings
 * grouped by identity.
 */
export {
  compareFindings,
  type DetectedFinding,
  Detector,
  type DetectorOptions,
  type DetectorStats,
  mappingsFromTags,
  subjectOf,
} from './detector.js';
export {
  BUILTIN_RULES_DIR,
  type ExampleResult,
  loadBuiltinRules,
  type RuleMeta,
  ruleMetaOf,
  runRuleExamples,
} from './rules/index.js';
export { type CompiledRule, compileRule, loadRules, parseSigma, RuleSet, type SigmaRule } from './sigma/index.js';
