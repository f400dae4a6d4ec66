/**
 * Test helper: real public records and rules from ../shared/datasets (read in place, never copied).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

import { DATASETS } from '../../../test/datasets.js';

export { DATASETS };
export const SIGMA_DIR = path.join(DATASETS, 'sigma');
export const STRATUS_DIR = path.join(DATASETS, 'cloudtrail/stratus-red-team');

export type JsonRecord = Record<string, unknown>;

function files(dir: string, ext: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => ext.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

function isRecord(v: unknown): v is JsonRecord {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function ndjson(file: string): JsonRecord[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown)
    .filter(isRecord);
}

/** The records of one Stratus Red Team detonation. */
export function stratus(name: string): JsonRecord[] {
  return JSON.parse(readFileSync(path.join(STRATUS_DIR, `${name}.json`), 'utf8')) as JsonRecord[];
}

export function stratusNames(): string[] {
  return files(STRATUS_DIR, /\.json$/).map((f) => path.basename(f, '.json'));
}

/** Every record of the shared datasets, by provider. */
export function allRecords(): { aws: JsonRecord[]; azure: JsonRecord[]; gcp: JsonRecord[] } {
  const aws: JsonRecord[] = [];
  const azure: JsonRecord[] = [];
  const gcp: JsonRecord[] = [];
  for (const f of files(STRATUS_DIR, /\.json$/)) aws.push(...(JSON.parse(readFileSync(f, 'utf8')) as JsonRecord[]));
  for (const f of files(path.join(DATASETS, 'cloudtrail/cloudtrail2sightings'), /\.json$/)) {
    aws.push(...((JSON.parse(readFileSync(f, 'utf8')) as { Records: JsonRecord[] }).Records ?? []));
  }
  for (const f of files(path.join(DATASETS, 'cloudtrail/otrf'), /\.json$/)) aws.push(...ndjson(f));
  const panther = (dir: string, into: JsonRecord[]): void => {
    for (const f of files(path.join(DATASETS, dir), /\.ya?ml$/)) {
      const doc = parseYaml(readFileSync(f, 'utf8')) as { Tests?: { Log?: unknown }[] } | null;
      for (const t of doc?.Tests ?? []) {
        const log = typeof t.Log === 'string' ? (JSON.parse(t.Log) as unknown) : t.Log;
        if (isRecord(log)) into.push(log);
      }
    }
  };
  panther('cloudtrail/panther-rule-tests', aws);
  panther('cloud-audit/panther-rule-tests/azure_activity_rules', azure);
  panther('cloud-audit/panther-rule-tests/gcp_audit_rules', gcp);
  for (const f of files(path.join(DATASETS, 'cloud-audit/elastic-integrations/azure_activitylogs'), /\.log$/))
    azure.push(...ndjson(f));
  for (const f of files(path.join(DATASETS, 'cloud-audit/elastic-integrations'), /gcp.*\.log$/)) gcp.push(...ndjson(f));
  return { aws, azure, gcp };
}
