/**
 * @module detect/sigma
 * A Sigma rule engine for JSON logs (CloudTrail, Azure activity, GCP audit).
 *
 * YAML → `parseSigma` → frozen `SigmaRule` (metadata + detection AST with a `kind` on every node)
 * → `compileRule` → `CompiledRule.match(record)` (plain closures, RE2 for `|re`) → `RuleSet`
 * (rules indexed by the exact field values they require, filtered by logsource).
 * `loadRules` reads files and directories. Correlation documents (`correlation:`, Sigma v2) parse into
 * `CorrelationRule`s (`SigmaRule = DetectionRule | CorrelationRule`); `resolveCorrelations` checks
 * their references within a rule set, and the Detector (`detect/correlate`) runs them.
 * `applyFieldMapping` rewrites field names (a "processing pipeline" reduced to a rename table).
 * Errors are `JackstopError`s with code
 * `JACKSTOP_RULE_INVALID` or `JACKSTOP_RULE_UNSUPPORTED` and the file/line/column of the YAML node.
 */
export type {
  AndNode,
  AnyOfTest,
  BooleanTest,
  CidrTest,
  CorrelationBound,
  CorrelationRule,
  CorrelationType,
  DetectionNode,
  DetectionRule,
  ExistsTest,
  FieldNode,
  FieldRefTest,
  GlobToken,
  KeywordNode,
  NotNode,
  NullTest,
  NumberTest,
  OfNode,
  OrNode,
  RegexTest,
  SelectionNode,
  SigmaLogsource,
  SigmaRelated,
  SigmaRule,
  SigmaRuleMeta,
  SourcePos,
  StringTest,
  TimePartTest,
  ValueTest,
} from './ast.js';
export { walk as walkDetection } from './ast.js';
export { type CompiledRule, compileRule, type SigmaRecord } from './compile.js';
export { parseTimespan, type ResolvedCorrelation, resolveCorrelations } from './correlation.js';
export { applyFieldMapping, type FieldMap } from './field-map.js';
export { type FieldPath, fieldPath } from './field-path.js';
export { type LoadOptions, type LoadResult, loadRules } from './load.js';
export { MODIFIER_NAMES as SIGMA_MODIFIERS } from './modifiers.js';
export { type ParseOptions, type ParseResult, parseSigma } from './parse.js';
export { isSafeLiteral, type RecordPrefilter, recordPrefilter } from './prefilter.js';
export { RuleSet, type RuleSetIndexSummary } from './rule-set.js';
