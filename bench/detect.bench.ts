/**
 * `npm run bench`: detection throughput on a generated CloudTrail mix (default 1,000,000 events,
 * `JACKSTOP_BENCH_EVENTS` to change), next to baselines measured in the same run on the same file:
 *   - bare `JSON.parse` of each NDJSON line read with node:readline (the floor any JS reader pays);
 *   - Jackstop's reader alone (format detection, shape checks, batching);
 *   - full `detect`: read + Sigma match + aggregation into findings, with the built-in pack alone and
 *     with the SigmaHQ cloud rules added (when the shared datasets are present): rules are indexed,
 *     so four times the rules should cost far less than four times the time.
 * Prints events/s and the ratio of each to the JSON.parse floor.
 */
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { finished } from 'node:stream/promises';
import { packageRoot } from '../src/cli/tool.js';
import { Detector, loadBuiltinRules, loadRules } from '../src/detect/index.js';
import { cloudTrailToEvent } from '../src/events/index.js';
import { readCloudTrail } from '../src/sources/index.js';
import { UsageIngest } from '../src/usage/index.js';
import { cloudTrailMix } from './cloudtrail-mix.js';

const total = Number(process.env.JACKSTOP_BENCH_EVENTS ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'jackstop-bench-'));
const file = join(dir, 'mix.ndjson');

async function generate(): Promise<void> {
  const out = createWriteStream(file);
  let buf = '';
  for (const rec of cloudTrailMix({ total, seed: 1, invocations: 500 })) {
    buf += `${JSON.stringify(rec)}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.end(buf);
  await finished(out);
}

async function timed(
  name: string,
  fn: () => Promise<number>,
): Promise<{ name: string; events: number; secs: number; rate: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const t0 = process.hrtime.bigint();
  const events = await fn();
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return { name, events, secs, rate: events / secs };
}

async function jsonParseFloor(): Promise<number> {
  let n = 0;
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    if (line) {
      JSON.parse(line);
      n++;
    }
  }
  return n;
}

async function readerOnly(): Promise<number> {
  let n = 0;
  for await (const batch of readCloudTrail([file], { onBadInput: () => {} })) n += batch.length;
  return n;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  await generate();
  const mb = statSync(file).size / 1e6;
  process.stdout.write(
    `generated ${total.toLocaleString('en-US')} CloudTrail events (${mb.toFixed(0)} MB NDJSON) in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`,
  );

  const builtin = await loadBuiltinRules();
  const sigmaDir = [
    process.env.JACKSTOP_DATASETS,
    join(packageRoot(), '..', 'shared', 'datasets'),
    '/work/shared/datasets',
  ]
    .filter((p): p is string => !!p)
    .map((p) => join(p, 'sigma', 'cloud'))
    .find((p) => existsSync(p));
  const shared = sigmaDir ? await loadRules([sigmaDir]) : { rules: [], errors: [] };
  const rules = [...builtin.rules, ...shared.rules];

  let findings = 0;
  const detect = (ruleList: typeof rules) => async () => {
    const detector = new Detector(ruleList);
    for await (const batch of readCloudTrail([file], { onBadInput: () => {} })) {
      for (const r of batch) detector.observe(r.record, r.location);
    }
    findings = detector.results().length;
    return detector.stats.events;
  };

  const results = [];
  // Each twice; keep the faster run (the first warms the JIT and the page cache).
  for (const [name, fn] of [
    ['JSON.parse floor (readline + JSON.parse)', jsonParseFloor],
    ['jackstop reader only', readerOnly],
    [`jackstop detect (${builtin.rules.length} built-in rules)`, detect(builtin.rules)],
    [`jackstop detect (${rules.length} rules: + SigmaHQ cloud)`, detect(rules)],
  ] as const) {
    const a = await timed(name, fn);
    const b = await timed(name, fn);
    results.push(a.rate > b.rate ? a : b);
  }
  const floor = results[0]!.rate;
  process.stdout.write('\nbenchmark                                         events/s   seconds  vs JSON.parse\n');
  for (const r of results) {
    process.stdout.write(
      `${r.name.padEnd(47)} ${Math.round(r.rate).toLocaleString('en-US').padStart(11)} ${r.secs.toFixed(2).padStart(9)}  ${(r.rate / floor).toFixed(2).padStart(8)}x\n`,
    );
    if (r.events !== total) throw new Error(`${r.name} saw ${r.events} events, expected ${total}`);
  }
  process.stdout.write(
    `\ndetect raised ${findings} findings; max RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`,
  );
  rmSync(dir, { recursive: true, force: true });
  await stateMemory(builtin.rules);
}

/**
 * Memory held by detection state — correlation windows, finding aggregates, hourly usage and the
 * request ids that match a call across logs — as events stream through: records go straight from
 * the generator into the pipeline (no file, no reader), and RSS is sampled at each checkpoint. It
 * must level off, not grow with the number of events.
 */
async function stateMemory(rules: Awaited<ReturnType<typeof loadBuiltinRules>>['rules']): Promise<void> {
  const totalState = Number(process.env.JACKSTOP_BENCH_STATE_EVENTS ?? 5_000_000);
  const checkpoints = new Set([1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000, totalState]);
  const detector = new Detector(rules);
  const usage = new UsageIngest();
  const rss = () => (process.memoryUsage().rss / 1e6).toFixed(0);
  process.stdout.write(
    `\nstate memory: ${rules.length} built-in rules incl. correlations, + usage aggregation (RSS after gc)\n`,
  );
  process.stdout.write('events         RSS MB  live correlation groups  usage rows\n');
  let n = 0;
  const t0 = Date.now();
  for (const rec of cloudTrailMix({ total: totalState, seed: 3, hours: 24 * 7, invocations: 500 })) {
    detector.observe(rec);
    if (rec.eventSource === 'bedrock.amazonaws.com') usage.observe(cloudTrailToEvent(rec), undefined);
    n++;
    if (checkpoints.has(n)) {
      (globalThis as { gc?: () => void }).gc?.();
      process.stdout.write(
        `${n.toLocaleString('en-US').padEnd(13)} ${rss().padStart(7)}  ${String(detector.liveCorrelationGroups).padStart(23)}  ${String(usage.all.size).padStart(10)}\n`,
      );
    }
  }
  const findings = detector.results().length;
  process.stdout.write(
    `${n.toLocaleString('en-US')} events in ${((Date.now() - t0) / 1000).toFixed(0)}s (generation included), ${findings} findings\n`,
  );
}

await main();
