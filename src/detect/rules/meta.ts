import { type RuleMeta, severityFromSigmaLevel } from '../../domain/index.js';
import type { SigmaRule } from '../sigma/index.js';

export type { RuleMeta };

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
