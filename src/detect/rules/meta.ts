import { type Severity, severityFromSigmaLevel } from '../../domain/index.js';
import type { SigmaRule } from '../sigma/index.js';

/** What a finding needs to know about the rule that raised it. */
export interface RuleMeta {
  /** The id users see: the rule's `name` (`jackstop.aws.bedrock.…`) when it has one, else its `id`. */
  id: string;
  title: string;
  description?: string;
  severity: Severity;
  tags: string[];
  references: string[];
  falsePositives: string[];
  /** From the custom `remediation` key; third-party Sigma rules usually have none. */
  remediation?: string;
  source: { file?: string; line?: number };
}

/** The id users see for a rule: `name`, else `id`. */
export function ruleIdOf(rule: SigmaRule): string {
  return rule.name ?? rule.id;
}

export function ruleMetaOf(rule: SigmaRule): RuleMeta {
  const remediation = rule.custom.remediation;
  const meta: RuleMeta = {
    id: ruleIdOf(rule),
    title: rule.title,
    severity: severityFromSigmaLevel(rule.level),
    tags: [...rule.tags],
    references: [...rule.references],
    falsePositives: [...rule.falsepositives],
    source: { ...rule.source },
  };
  if (rule.description !== undefined) meta.description = rule.description;
  if (typeof remediation === 'string' && remediation.trim() !== '') meta.remediation = remediation.trim();
  return meta;
}
