import { z } from 'zod';
import { loadDataFile, shippedFile } from './data-file.js';

const PerRegion = z
  .record(z.string().regex(/^(\*|[a-z]{2}(-[a-z]+)+-\d)$/), z.number().int().positive())
  .refine((m) => Object.keys(m).length > 0, { message: 'give at least one region (or `*`)' });

export const QuotaFamily = z
  .object({
    family: z.string().min(1),
    provider: z.enum(['aws', 'azure', 'gcp']),
    /** Model-id prefixes (after any cross-region `us.`/`eu.`/… prefix is removed); first family to match wins. */
    match: z.array(z.string().min(1)).min(1),
    tokensPerMinute: PerRegion,
    requestsPerMinute: PerRegion.optional(),
    /** The quota's name as the provider lists it. */
    quota: z.string().min(1),
    source: z.url(),
    asOf: z.iso.date(),
  })
  .strict();
export type QuotaFamily = z.infer<typeof QuotaFamily>;

export const QuotaTable = z.object({ version: z.literal(1), families: z.array(QuotaFamily).min(1) }).strict();
export type QuotaTable = z.infer<typeof QuotaTable>;

export const QUOTAS_FILE: string = shippedFile('quotas.yml');
let cached: QuotaTable | undefined;

export function loadQuotaTable(file?: string): QuotaTable {
  if (file !== undefined) return loadDataFile(file, QuotaTable);
  cached ??= loadDataFile(QUOTAS_FILE, QuotaTable);
  return cached;
}

/** `us.anthropic.claude…` → `anthropic.claude…`: cross-region inference profiles name the same model. */
export function baseModelId(model: string): string {
  return model.replace(/^(us|eu|apac|au|ca|jp|us-gov|global)\./, '');
}

export interface QuotaLookup {
  family: QuotaFamily;
  tokensPerMinute: number;
  /** Whether the value is the region's own or the "other Regions" default. */
  regionSpecific: boolean;
}

/** The default tokens-per-minute quota of `model` in `region`, or undefined when the table has no family for it. */
export function quotaFor(table: QuotaTable, provider: string, model: string, region: string): QuotaLookup | undefined {
  const id = baseModelId(model);
  const family = table.families.find((f) => f.provider === provider && f.match.some((m) => id.startsWith(m)));
  if (!family) return undefined;
  const own = family.tokensPerMinute[region];
  const tpm = own ?? family.tokensPerMinute['*'];
  return tpm === undefined ? undefined : { family, tokensPerMinute: tpm, regionSpecific: own !== undefined };
}
