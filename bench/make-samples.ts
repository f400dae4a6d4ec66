/**
 * Rebuilds `samples/cloudtrail/`: one day of CloudTrail for a small GenAI account, delivered the
 * way CloudTrail writes to S3 (gzipped `{"Records":[…]}` objects, one per hour), with an
 * LLMjacking intrusion in it. Run with `npm run samples`; the output is committed.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ACCOUNT, cloudTrailMix } from './cloudtrail-mix.js';

const root = join(process.argv[2] ?? 'samples', 'cloudtrail');
rmSync(root, { recursive: true, force: true });
const byHour = new Map<string, Record<string, unknown>[]>();
for (const rec of cloudTrailMix({ total: 2400, seed: 7, invocations: 60 })) {
  const hour = String(rec.eventTime).slice(0, 13);
  const list = byHour.get(hour) ?? [];
  list.push(rec);
  byHour.set(hour, list);
}
for (const [hour, records] of byHour) {
  const [date, hh] = hour.split('T') as [string, string];
  const [y, m, d] = date.split('-');
  const dir = join(root, 'AWSLogs', ACCOUNT, 'CloudTrail', 'us-east-1', y!, m!, d!);
  mkdirSync(dir, { recursive: true });
  const stamp = `${y}${m}${d}T${hh}00Z`;
  writeFileSync(
    join(dir, `${ACCOUNT}_CloudTrail_us-east-1_${stamp}_sample.json.gz`),
    gzipSync(JSON.stringify({ Records: records })),
  );
}
process.stdout.write(`wrote ${byHour.size} files under ${root}\n`);
