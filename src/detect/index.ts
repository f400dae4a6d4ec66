/**
 * @module detect
 * Detection over normalized cloud audit events: the Sigma engine (`sigma/`), the built-in
 * LLMjacking rule pack (`rules/`), the correlation engine (`correlate/`, Sigma correlation rules),
 * the `Detector` that folds rule and correlation matches into findings grouped by identity, and
 * anomalies in model usage with the blast radius of a key (`anomaly/`).
 */

export { attachBlastRadius, type BlastRadius, blastRadius, detectAnomalies } from './anomaly/index.js';
export {
  CorrelationEngine,
  type CorrelationMatch,
  type CorrelationOptions,
  type CorrelationStats,
} from './correlate/index.js';
export {
  type AggregateState,
  type CorrelationInput,
  compareFindings,
  type DetectedFinding,
  Detector,
  type DetectorOptions,
  type DetectorShard,
  type DetectorStats,
  LINKED_EVENT_CAP,
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
export {
  applyFieldMapping,
  type CompiledRule,
  type CorrelationRule,
  compileRule,
  type DetectionRule,
  type FieldMap,
  loadRules,
  parseSigma,
  type RecordPrefilter,
  RuleSet,
  recordPrefilter,
  resolveCorrelations,
  type SigmaRule,
} from './sigma/index.js';
