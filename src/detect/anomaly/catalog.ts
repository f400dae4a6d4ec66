import { z } from 'zod';
import { loadDataFile, shippedFile } from './data-file.js';

export const ANOMALY_KINDS = [
  'usage-spike',
  'account-usage-spike',
  'new-model',
  'new-region',
  'new-source-network',
  'new-user-agent',
  'long-term-key-first-invocation',
  'heavy-tokens',
  'off-hours-burst',
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

const Entry = z
  .object({
    id: z.string().regex(/^jackstop\.anomaly\.[a-z0-9-]+$/),
    title: z.string().min(1),
    summary: z.string().min(1),
    remediation: z.string().min(1),
    falsePositives: z.array(z.string()).default([]),
    references: z.array(z.string()).default([]),
    tags: z.array(z.string()).default([]),
  })
  .strict();
export type CatalogEntry = z.infer<typeof Entry>;

export const AnomalyCatalog = z
  .object({
    version: z.literal(1),
    rules: z
      .object(Object.fromEntries(ANOMALY_KINDS.map((k) => [k, Entry])) as Record<AnomalyKind, typeof Entry>)
      .strict(),
  })
  .strict();
export type AnomalyCatalog = z.infer<typeof AnomalyCatalog>;

export const CATALOG_FILE: string = shippedFile('catalog.yml');
let cached: AnomalyCatalog | undefined;

export function loadAnomalyCatalog(file?: string): AnomalyCatalog {
  if (file !== undefined) return loadDataFile(file, AnomalyCatalog);
  cached ??= loadDataFile(CATALOG_FILE, AnomalyCatalog);
  return cached;
}
