/**
 * @module detect/sigma
 * A Sigma rule engine for JSON logs (CloudTrail, Azure activity, GCP audit).
 *
 * YAML → `parseSigma` → frozen `SigmaRule` (metadata + detection AST with a `kind` on every node)
 * → `compileRule` → `CompiledRule.match(record)` (plain closures, RE2 for `|re`) → `RuleSet`
 * (rules indexed by the exact field values they require, filtered by logsource).
 * `loadRules` reads files and directories. Errors are `JackstopError`s with code
 * `JACKSTOP_RULE_INVALID` or `JACKSTOP_RULE_UNSUPPORTED` and the file/line/column of the YAML node.
 */
export type {
  AndNode,
  AnyOfTest,
  BooleanTest,
  CidrTest,
  DetectionNode,
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
  SourcePos,
  StringTest,
  TimePartTest,
  ValueTest,
} from './ast.js';
export { walk as walkDetection } from './ast.js';
export { type CompiledRule, compileRule, type SigmaRecord } from './compile.js';
export { type LoadOptions, type LoadResult, loadRules } from './load.js';
export { MODIFIER_NAMES as SIGMA_MODIFIERS } from './modifiers.js';
export { type ParseOptions, type ParseResult, parseSigma } from './parse.js';
export { RuleSet, type RuleSetIndexSummary } from './rule-set.js';
