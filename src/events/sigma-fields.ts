/**
 * Sigma field-name maps per source kind, kept as data (`<kind>.sigma-fields.json`) and validated
 * here: the rule's field name → the raw record's field path.
 */
import { z } from 'zod';
import type { EventSource } from '../domain/index.js';
import { JackstopError } from '../errors.js';
import azureActivity from './azure.activity.sigma-fields.json' with { type: 'json' };
import gcpAudit from './gcp.audit.sigma-fields.json' with { type: 'json' };

const FIELD = /^[A-Za-z_@][\w@.-]*$/;

export const SigmaFieldMapFile = z
  .object({
    description: z.string().min(1),
    fields: z.record(z.string().regex(FIELD), z.string().regex(FIELD)),
  })
  .strict();

/** Validates one map file's content; a bad file is a `JACKSTOP_RULE_INVALID` naming it. */
export function parseFieldMap(data: unknown, file: string): Record<string, string> {
  const parsed = SigmaFieldMapFile.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new JackstopError(
      'JACKSTOP_RULE_INVALID',
      `invalid Sigma field map: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
      { location: { file } },
    );
  }
  const fields = parsed.data.fields;
  for (const [from, to] of Object.entries(fields)) {
    if (from === to) {
      throw new JackstopError('JACKSTOP_RULE_INVALID', `invalid Sigma field map: "${from}" maps to itself`, {
        location: { file },
      });
    }
  }
  return fields;
}

export const SIGMA_FIELD_MAPS: Partial<Record<EventSource, Readonly<Record<string, string>>>> = {
  'azure.activity': Object.freeze(parseFieldMap(azureActivity, 'src/events/azure.activity.sigma-fields.json')),
  'gcp.audit': Object.freeze(parseFieldMap(gcpAudit, 'src/events/gcp.audit.sigma-fields.json')),
};
