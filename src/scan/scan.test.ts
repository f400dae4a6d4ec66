/**
 * The three ways of reading give the same results: every record parsed (no prefilter), the
 * prefilter skipping what no rule can match, and worker threads over files and line ranges. Run on
 * the shared real logs plus a generated month with an LLMjacking episode, usage logs and bad input.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASETS } from '../../test/datasets.js';
import { generateScenario } from '../../test/scenarios/generator.js';
import { Detector, loadBuiltinRules, loadRules, type SigmaRule } from '../detect/index.js';
import { SIGMA_FIELD_MAPS } from '../events/index.js';
import type { BadInput } from '../sources/index.js';
import { UsageIngest } from '../usage/index.js';
import { type ParallelScanOptions, scan } from './index.js';

let dir: string;
let rules: SigmaRule[];
let inputs: string[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jackstop-scan-'));
  const builtin = await loadBuiltinRules();
  const shared = await loadRules([join(DATASETS, 'sigma', 'cloud')]);
  rules = [...builtin.rules, ...shared.rules];
  const { records } = generateScenario({ weeks: 1, seed: 11 });
  const cloudtrail = records.filter((r) => r.kind === 'aws.cloudtrail').map((r) => JSON.stringify(r.record));
  const logs = records.filter((r) => r.kind !== 'aws.cloudtrail').map((r) => JSON.stringify(r.record));
  expect(cloudtrail.length).toBeGreaterThan(2000);
  // One large NDJSON file (split into ranges below), with bad lines in the middle and no final line break.
  // Everyday non-Bedrock calls between them: what the prefilter lets go unparsed.
  const noise = records
    .filter((r) => r.kind === 'aws.cloudtrail')
    .slice(0, 600)
    .map((r, i) =>
      JSON.stringify({
        ...r.record,
        userIdentity: { type: 'AWSService', invokedBy: 'cloudtrail.amazonaws.com' },
        eventSource: 's3.amazonaws.com',
        eventName: 'GetObject',
        eventID: `noise-${i}`,
        requestParameters: { bucketName: 'data', key: `k/${i}` },
      }),
    );
  const lines = cloudtrail.flatMap((l, i) => (i < noise.length ? [l, noise[i]!] : [l]));
  lines.splice(700, 0, '{"eventName": "Broken", ', '{"not": "cloudtrail"}', '');
  // Among the noise, objects without eventName (lines 751–753): not events, so parsed and reported.
  const nameless = (i: number) => JSON.stringify({ eventSource: 's3.amazonaws.com', eventID: `nameless-${i}` });
  lines.splice(750, 0, nameless(1), nameless(2), nameless(3));
  // A record longer than a range and than the shared slot a range is read into.
  // (a call through a role of its own, which SigmaHQ's AssumeRole rule reports as a finding of its own).
  const huge = {
    ...(JSON.parse(cloudtrail[40]!) as object),
    eventID: 'huge-1',
    userIdentity: {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::111122223333:assumed-role/huge-role/session',
      sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/huge-role' } },
    },
    padding: 'x'.repeat(450_000),
  };
  lines.splice(900, 0, JSON.stringify(huge));
  writeFileSync(join(dir, 'big.ndjson'), lines.join('\n'));
  writeFileSync(join(dir, 'invocations.ndjson'), `${logs.join('\n')}\n`);
  // S3 log files: {"Records":[…]} gzip, one of them cut short.
  const third = Math.floor(cloudtrail.length / 3);
  const doc = (xs: string[]) => gzipSync(`{"Records":[${xs.join(',')}]}`);
  writeFileSync(join(dir, 'a.json.gz'), doc(cloudtrail.slice(0, third)));
  writeFileSync(join(dir, 'b.json.gz'), doc(cloudtrail.slice(third, 2 * third)));
  const cut = doc(cloudtrail.slice(0, 50));
  writeFileSync(join(dir, 'c-truncated.json.gz'), cut.subarray(0, cut.length - 40));
  inputs = [dir, join(DATASETS, 'cloudtrail'), join(DATASETS, 'cloud-audit')];
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  findings: unknown;
  events: number;
  usage: unknown;
  usageStats: unknown;
  bad: string[];
  workers: number;
  /** Records the prefilter left unparsed. */
  skipped: number;
}

async function run(extra: Partial<ParallelScanOptions>): Promise<Outcome> {
  const detector = new Detector(rules, { fieldMaps: SIGMA_FIELD_MAPS });
  const ingest = new UsageIngest();
  const bad: BadInput[] = [];
  let skipped = 0;
  const { workers } = await scan({
    inputs,
    cwd: process.cwd(),
    io: {},
    onBadInput: (b) => bad.push(b),
    onProgress: (p) => {
      skipped = p.skipped ?? 0;
    },
    detector,
    usage: { ingest },
    ...extra,
  });
  return {
    // Remediation text quotes the time of the run: the one thing allowed to differ.
    findings: JSON.parse(
      JSON.stringify(detector.results()).replace(/(TokenIssueTime[^0-9]+)\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, '$1NOW'),
    ),
    events: detector.stats.events,
    usage: ingest.all.hours(),
    usageStats: ingest.stats,
    bad: bad.map((b) => `${b.error.code} ${b.error.where()} ${b.error.message}`),
    workers,
    skipped,
  };
}

describe('scan of many files', () => {
  it('keeps each file task to itself in a worker: ids come in input order, as on one thread', async () => {
    const many = mkdtempSync(join(tmpdir(), 'jackstop-scan-many-'));
    try {
      const role = 'arn:aws:sts::111122223333:assumed-role/ci-role/session';
      for (let f = 0; f < 24; f++) {
        const records = Array.from({ length: 40 }, (_, i) => ({
          eventVersion: '1.08',
          userIdentity: {
            type: 'AssumedRole',
            arn: role,
            accountId: '111122223333',
            sessionContext: { sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111122223333:role/ci-role' } },
          },
          eventTime: new Date(Date.UTC(2025, 0, 1, 0, f, i)).toISOString().replace('.000', ''),
          eventSource: 's3.amazonaws.com',
          eventName: 'GetObject',
          awsRegion: 'us-east-1',
          sourceIPAddress: `10.0.${f}.${i}`,
          eventID: `file-${String(f).padStart(2, '0')}-${String(i).padStart(2, '0')}`,
          recipientAccountId: '111122223333',
          // Every other file is megabytes long: it takes longer to read than the small one after it.
          ...(f % 2 === 0 ? { requestParameters: { bucketName: 'b', key: 'k'.repeat(60_000) } } : {}),
        }));
        const name = join(many, String(f).padStart(2, '0'));
        // Compressed documents and plain NDJSON (read in chunks, with I/O waits between them).
        if (f % 4 < 2) writeFileSync(`${name}.json.gz`, gzipSync(JSON.stringify({ Records: records })));
        else writeFileSync(`${name}.ndjson`, records.map((r) => JSON.stringify(r)).join('\n'));
      }
      const findingsOf = async (workers: number) => {
        const detector = new Detector(rules, { fieldMaps: SIGMA_FIELD_MAPS });
        await scan({ inputs: [many], cwd: process.cwd(), io: {}, onBadInput: () => undefined, detector, workers });
        return detector
          .results()
          .map((r) => ({ rule: r.finding.ruleId, ids: r.eventIds, ips: r.finding.evidence.sourceIps }));
      };
      const one = await findingsOf(0);
      expect(one.some((f) => f.ids.length === 100 && f.ids[0] === 'file-00-00' && f.ids[99] === 'file-02-19')).toBe(
        true,
      );
      expect(await findingsOf(2)).toEqual(one);
      expect(await findingsOf(3)).toEqual(one);
    } finally {
      rmSync(many, { recursive: true, force: true });
    }
  });
});

describe('scan', () => {
  let all: Outcome;
  beforeAll(async () => {
    all = await run({ parseAll: true, workers: 0 });
  });

  it('finds the same with the prefilter as when parsing every record', async () => {
    const pre = await run({ workers: 0 });
    expect((all.findings as unknown[]).length).toBeGreaterThan(20);
    expect(pre.findings).toEqual(all.findings);
    expect(pre.events).toBe(all.events);
    expect(pre.usage).toEqual(all.usage);
    expect(pre.usageStats).toEqual(all.usageStats);
    // Bad input inside records no rule can match goes unreported; everything else is the same.
    for (const b of pre.bad) expect(all.bad).toContain(b);
    expect(pre.bad.some((b) => b.includes('big.ndjson:701'))).toBe(true);
    for (const line of [751, 752, 753]) expect(pre.bad.some((b) => b.includes(`big.ndjson:${line}`))).toBe(true);
    expect(pre.bad.some((b) => b.includes('JACKSTOP_INPUT_TRUNCATED'))).toBe(true);
    // It did skip: most generated records are benign Bedrock calls the usage counter wants, the rest are not.
    expect(all.skipped).toBe(0);
    expect(pre.skipped).toBeGreaterThan(100);
  });

  it('finds the same across worker threads, over files and line ranges', async () => {
    const pre = await run({ workers: 0 });
    const par = await run({ workers: 2, rangeMinBytes: 64 * 1024, rangeBytes: 100 * 1024 });
    expect(par.workers).toBe(2);
    expect(par.findings).toEqual(pre.findings);
    expect(par.events).toBe(pre.events);
    expect(par.usage).toEqual(pre.usage);
    expect(par.usageStats).toEqual(pre.usageStats);
    expect(par.bad).toEqual(pre.bad);
    expect(par.skipped).toBe(pre.skipped);
    // The big file was read in ranges (it is several times the range size).
    expect(statSync(join(dir, 'big.ndjson')).size).toBeGreaterThan(300 * 1024);
    expect(JSON.stringify(pre.findings)).toContain('huge-1');
    const three = await run({ workers: 3, rangeMinBytes: 64 * 1024, rangeBytes: 100 * 1024 });
    expect(three.workers).toBe(3);
    expect(three.findings).toEqual(pre.findings);
    expect(three.usage).toEqual(pre.usage);
    expect(three.bad).toEqual(pre.bad);
    // Workers that hand their aggregates over with every task (merged as they come, out of input order).
    const eager = await run({ workers: 3, rangeMinBytes: 64 * 1024, rangeBytes: 100 * 1024, aggregateLimit: 1 });
    expect(eager.findings).toEqual(pre.findings);
    expect(eager.events).toBe(pre.events);
  });
});
