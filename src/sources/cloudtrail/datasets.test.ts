import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DATASETS } from '../../../test/datasets.js';
import type { BadInput, RawRecord } from '../types.js';
import { readCloudTrail } from './read.js';

// Real public CloudTrail data shared by the team (see ../shared/datasets/README.md); read in place.
const root = join(DATASETS, 'cloudtrail');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

async function readAll(inputs: string[]) {
  const records: RawRecord[] = [];
  const bad: BadInput[] = [];
  for await (const batch of readCloudTrail(inputs, { onBadInput: (b) => bad.push(b) })) records.push(...batch);
  return { records, bad };
}

const folderOf = (file: string | undefined) => relative(root, file ?? '').split('/')[0];

function countBy<T>(items: T[], key: (t: T) => string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const k = key(item) ?? '?';
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

describe('the shared CloudTrail datasets', () => {
  test('every file is read without an exception: exact record and bad-input counts per folder', async () => {
    const { records, bad } = await readAll([root]);
    expect(countBy(records, (r) => folderOf(r.location.file))).toEqual({
      cloudtrail2sightings: 12,
      'elastic-integrations': 1,
      otrf: 103,
      'stratus-red-team': 220,
    });
    // Stratus: 26 JSON arrays, every one with records.
    const stratusFiles = new Set(
      records.filter((r) => folderOf(r.location.file) === 'stratus-red-team').map((r) => r.location.file),
    );
    expect(stratusFiles.size).toBe(26);
    // The YAML files (OTRF metadata, Panther tests) and the OTRF CSV are counted bad inputs, one per file.
    expect(countBy(bad, (b) => `${folderOf(b.error.location?.file)} ${b.error.code}`)).toEqual({
      'otrf JACKSTOP_INPUT_UNSUPPORTED': 3,
      'panther-rule-tests JACKSTOP_INPUT_UNSUPPORTED': 102,
      'panther-test-scenarios JACKSTOP_INPUT_UNSUPPORTED': 4,
    });
    expect(records.length + bad.length).toBe(336 + 109);
    expect(new Set(bad.map((b) => b.error.location?.file)).size).toBe(109);
    expect(filesUnder(root)).toHaveLength(140);
  });

  test('records are untouched CloudTrail events with locations', async () => {
    const { records } = await readAll([join(root, 'elastic-integrations'), join(root, 'otrf')]);
    const converse = records.find((r) => r.record.eventName === 'Converse');
    expect(converse?.record.eventSource).toBe('bedrock.amazonaws.com');
    expect(converse?.location).toEqual({ file: join(root, 'elastic-integrations/test-converse-json.log') });
    const otrf = records.filter((r) => folderOf(r.location.file) === 'otrf');
    expect(otrf.map((r) => r.location.line)).toEqual(Array.from({ length: 103 }, (_, i) => i + 1));
    expect(otrf.every((r) => typeof r.record.eventName === 'string' && typeof r.record.eventSource === 'string')).toBe(
      true,
    );
  });

  test('the OTRF honey-bucket CSV (Python-dict cells, no eventSource column) is explained, not crashed on', async () => {
    const file = join(root, 'otrf/AWS_S3_HoneyBucketLogs.csv');
    const { records, bad } = await readAll([file]);
    expect(records).toEqual([]);
    expect(bad).toHaveLength(1);
    expect(bad[0]?.error.code).toBe('JACKSTOP_INPUT_UNSUPPORTED');
    expect(bad[0]?.error.location).toEqual({ file, line: 1 });
    expect(bad[0]?.error.message).toContain('without eventName and eventSource columns');
    expect(bad[0]?.error.message).toContain('301 data row(s) not read');
  });

  test('a YAML file with a byte-order mark is recognised as YAML', async () => {
    const file = join(root, 'otrf/SDAWS-2202181000.yaml');
    const { bad } = await readAll([file]);
    expect(bad.map((b) => b.error.message)).toEqual([expect.stringContaining('a YAML file, not a CloudTrail log')]);
  });
});
