import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JackstopError } from '../../errors.js';
import { ANOMALY_KINDS, AnomalyCatalog, CATALOG_FILE, loadAnomalyCatalog } from './catalog.js';
import { parseDataFile } from './data-file.js';
import { loadQuotaTable, QUOTAS_FILE, QuotaTable, quotaFor } from './quotas.js';
import { AnomalyThresholds, loadAnomalyThresholds, THRESHOLDS_FILE } from './thresholds.js';

const shipped = readFileSync(THRESHOLDS_FILE, 'utf8');

function thrown(f: () => unknown): JackstopError {
  try {
    f();
  } catch (e) {
    if (e instanceof JackstopError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('thresholds file', () => {
  it('the shipped file is valid and holds the research starting points', () => {
    const t = loadAnomalyThresholds();
    expect(t.heavyTokens.families.map((f) => [f.match, f.maxAvgTokens])).toEqual([
      ['haiku', 3000],
      ['sonnet', 4000],
      ['opus', 5000],
    ]);
    expect(t.heavyTokens.minAvgOutputTokens).toBe(500);
    expect(t.longTermKey.prefixes).toContain('AKIA');
  });

  it('a wrong value is an error naming the file, line and field', () => {
    const bad = shipped.replace('windowDays: 28', 'windowDays: -3');
    const e = thrown(() => parseDataFile(bad, 'thresholds.yml', AnomalyThresholds));
    expect(e.code).toBe('JACKSTOP_RULE_INVALID');
    expect(e.message).toContain('baseline.windowDays');
    const line = shipped.split('\n').findIndex((l) => l.includes('windowDays: 28')) + 1;
    expect(e.location).toMatchObject({ file: 'thresholds.yml', line });
  });

  it('rejects unknown keys, tiers that do not rise, and broken YAML', () => {
    expect(thrown(() => parseDataFile(`${shipped}\nextra: 1\n`, 't.yml', AnomalyThresholds)).message).toMatch(
      /extra|Unrecognized/i,
    );
    const flat = shipped.replace(
      'zTiers: { medium: 8, high: 15, critical: 40 }',
      'zTiers: { medium: 8, high: 5, critical: 40 }',
    );
    expect(thrown(() => parseDataFile(flat, 't.yml', AnomalyThresholds)).message).toContain('tiers must rise');
    const broken = thrown(() => parseDataFile('baseline: [1, 2\n', 't.yml', AnomalyThresholds));
    expect(broken.message).toContain('not valid YAML');
    expect(broken.location?.file).toBe('t.yml');
  });

  it('a missing file is a not-found error', () => {
    expect(thrown(() => loadAnomalyThresholds('/nonexistent/thresholds.yml')).code).toBe('JACKSTOP_INPUT_NOT_FOUND');
  });
});

describe('catalog file', () => {
  it('has an entry with id, title and remediation for every anomaly kind', () => {
    const c = loadAnomalyCatalog();
    expect(Object.keys(c.rules).sort()).toEqual([...ANOMALY_KINDS].sort());
    for (const k of ANOMALY_KINDS) expect(c.rules[k].id).toBe(`jackstop.anomaly.${k}`);
  });

  it('rejects a catalog missing a kind', () => {
    const text = readFileSync(CATALOG_FILE, 'utf8').replace(/ {2}heavy-tokens:[\s\S]*?(?= {2}off-hours-burst:)/, '');
    expect(thrown(() => parseDataFile(text, 'catalog.yml', AnomalyCatalog)).message).toContain('rules.heavy-tokens');
  });
});

describe('quota table', () => {
  const table = loadQuotaTable();

  it('every entry names its quota, source URL and date', () => {
    for (const f of table.families) {
      expect(f.source).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(f.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(f.quota).toMatch(/tokens per minute/);
    }
  });

  it('looks up by region with the "other regions" default, and through cross-region prefixes', () => {
    expect(quotaFor(table, 'aws', 'anthropic.claude-3-haiku-20240307-v1:0', 'us-east-1')?.tokensPerMinute).toBe(
      2_000_000,
    );
    expect(quotaFor(table, 'aws', 'anthropic.claude-3-haiku-20240307-v1:0', 'eu-west-3')).toMatchObject({
      tokensPerMinute: 300_000,
      regionSpecific: false,
    });
    expect(quotaFor(table, 'aws', 'us.anthropic.claude-3-5-sonnet-20240620-v1:0', 'us-west-2')?.tokensPerMinute).toBe(
      2_000_000,
    );
    // v2 is its own family and must not fall into the 3.5 Sonnet v1 entry.
    expect(quotaFor(table, 'aws', 'anthropic.claude-3-5-sonnet-20241022-v2:0', 'us-east-1')?.family.family).toBe(
      'anthropic.claude-3-5-sonnet-v2',
    );
    expect(quotaFor(table, 'aws', 'some.unknown-model', 'us-east-1')).toBeUndefined();
    expect(quotaFor(table, 'gcp', 'anthropic.claude-3-haiku-20240307-v1:0', 'us-east-1')).toBeUndefined();
  });

  it('rejects an entry without a source or with a bad region key', () => {
    const text = readFileSync(QUOTAS_FILE, 'utf8');
    expect(() => parseDataFile(text.replace(/source: https:[^\n]+/, 'source: somewhere'), 'q.yml', QuotaTable)).toThrow(
      /families\.0\.source/,
    );
    expect(() => parseDataFile(text.replace("'*': 300000 }", "'Mars': 300000 }"), 'q.yml', QuotaTable)).toThrow(
      /tokensPerMinute/,
    );
  });
});
