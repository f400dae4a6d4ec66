/**
 * `npm run bench:baselines`: Jackstop's detect pass against baselines, in the same run on the same files.
 * Generates a seeded CloudTrail mix (`JACKSTOP_BENCH_EVENTS`, default 2,000,000) as one NDJSON file
 * and as CloudTrail S3 log files (`{"Records":[…]}`, gzip, ~5 MB uncompressed each), then runs, each
 * in its own process (peak RSS via /usr/bin/time): (a) bare JSON.parse, (b) jq with the shared
 * predicates, (c) DuckDB with them as SQL, (d) `jackstop detect` (built-in pack + SigmaHQ AWS rules,
 * correlations, usage). Then checks that (b), (c) and Jackstop's matcher select the same eventIDs and
 * that every record a rule matches satisfies the predicates; exits 1 on FAIL.
 * `JACKSTOP_BENCH_KEEP=1` keeps the temp dir; `JACKSTOP_BENCH_JQ=ndjson|gz|all|0`: which inputs jq reads (default ndjson; jq is slow).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { ACCOUNT, cloudTrailMix } from './cloudtrail-mix.js';
import { jqProgram, loadPredicates } from './predicates.js';

const gzipAsync = promisify(gzip);
const total = Number(process.env.JACKSTOP_BENCH_EVENTS ?? 2_000_000);
const FILE_BYTES = Number(process.env.JACKSTOP_BENCH_FILE_BYTES ?? 5_000_000);
const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'jackstop-bench-'));
const ndjson = join(dir, 'mix.ndjson');
const s3 = join(dir, 's3');

interface MixStats {
  events: number;
  bytes: number;
  gzBytes: number;
  files: number;
  bySource: Map<string, number>;
  byName: Map<string, number>;
  errors: number;
  sizes: number[];
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/** Writes both layouts from one pass over the generator, and measures the mix as it goes. */
async function generate(): Promise<MixStats> {
  const stats: MixStats = {
    events: 0,
    bytes: 0,
    gzBytes: 0,
    files: 0,
    bySource: new Map(),
    byName: new Map(),
    errors: 0,
    sizes: [],
  };
  const out = createWriteStream(ndjson);
  let buf = '';
  let records: string[] = [];
  let recordBytes = 0;
  let firstTime = '';
  const pending: Promise<void>[] = [];
  const flushFile = async () => {
    if (!records.length) return;
    const body = `{"Records":[${records.join(',')}]}`;
    const t = firstTime.replace(/[-:]/g, '').slice(0, 13);
    const d = firstTime.slice(0, 10).replaceAll('-', '/');
    const name = `${ACCOUNT}_CloudTrail_us-east-1_${t}Z_${String(stats.files).padStart(6, '0')}.json.gz`;
    const path = join(s3, 'AWSLogs', ACCOUNT, 'CloudTrail', 'us-east-1', d, name);
    stats.files++;
    records = [];
    recordBytes = 0;
    // Compression runs on libuv's thread pool, beside generation; at most two files in flight.
    pending.push(
      gzipAsync(body).then((z) => {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, z);
        stats.gzBytes += z.length;
      }),
    );
    if (pending.length >= 2) await pending.shift();
  };
  for (const rec of cloudTrailMix({ total, seed: 1, invocations: 500 })) {
    const line = JSON.stringify(rec);
    stats.events++;
    stats.bytes += line.length + 1;
    bump(stats.bySource, String(rec.eventSource));
    bump(stats.byName, `${rec.eventSource} ${rec.eventName}`);
    if (rec.errorCode !== undefined) stats.errors++;
    if (stats.events % 97 === 0) stats.sizes.push(line.length);
    if (!records.length) firstTime = String(rec.eventTime);
    records.push(line);
    recordBytes += line.length + 1;
    if (recordBytes >= FILE_BYTES) await flushFile();
    buf += `${line}\n`;
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  await flushFile();
  await Promise.all(pending);
  out.end(buf);
  await finished(out);
  return stats;
}

function printMix(m: MixStats): void {
  const pct = (n: number) => `${((100 * n) / m.events).toFixed(2)}%`;
  const sizes = [...m.sizes].sort((a, b) => a - b);
  const q = (p: number) => sizes[Math.min(sizes.length - 1, Math.floor(p * sizes.length))] ?? 0;
  process.stdout.write(
    `mix: ${m.events.toLocaleString('en-US')} events, NDJSON ${(m.bytes / 1e6).toFixed(0)} MB; ${m.files} .json.gz files, ${(m.gzBytes / 1e6).toFixed(0)} MB compressed\n`,
  );
  process.stdout.write(
    `record bytes: mean ${(m.bytes / m.events - 1).toFixed(0)}, p50 ${q(0.5)}, p99 ${q(0.99)}, max sampled ${q(1)}; with errorCode ${pct(m.errors)}\n`,
  );
  for (const [s, n] of [...m.bySource].sort((a, b) => b[1] - a[1]))
    process.stdout.write(`  ${s.padEnd(28)} ${pct(n)}\n`);
  for (const [s, n] of [...m.byName].sort((a, b) => b[1] - a[1]))
    process.stdout.write(`    ${s.padEnd(70)} ${String(n).padStart(9)}\n`);
}

interface Run {
  name: string;
  format: 'ndjson' | 'gz';
  secs: number;
  rssMb: number;
  info: Record<string, number>;
}

/** Runs a command under /usr/bin/time (%M: the largest resident set of it and its children). */
function timed(name: string, format: 'ndjson' | 'gz', cmd: string[]): Run {
  const rssFile = join(dir, 'rss.txt');
  const t0 = process.hrtime.bigint();
  const res = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, ...cmd], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (res.status !== 0) throw new Error(`${name} (${format}) failed with ${res.status}: ${res.stdout?.slice(-2000)}`);
  const rssMb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024;
  const last = res.stdout.trim().split('\n').pop() ?? '{}';
  return { name, format, secs, rssMb, info: last.startsWith('{') ? (JSON.parse(last) as Record<string, number>) : {} };
}

const node = (engine: string, format: 'ndjson' | 'gz', input: string, ...ids: string[]) => [
  process.execPath,
  join(here, 'engines.js'),
  engine,
  format,
  input,
  ...ids,
];

function jq(format: 'ndjson' | 'gz', idsOut: string): string[] {
  const program = jqProgram(loadPredicates(), format === 'gz');
  const filter = join(dir, `filter-${format}.jq`);
  writeFileSync(filter, program);
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const read =
    format === 'ndjson'
      ? `jq -r -f ${q(filter)} ${q(ndjson)}`
      : `find ${q(s3)} -name '*.json.gz' | sort | xargs gzip -dc | jq -r -f ${q(filter)}`;
  return ['sh', '-c', `set -e; ${read} > ${q(idsOut)}`];
}

function ids(file: string): Set<string> {
  return new Set(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l !== ''),
  );
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const mix = await generate();
  process.stdout.write(`generated in ${((Date.now() - t0) / 1000).toFixed(1)}s in ${dir}\n`);
  printMix(mix);

  const out = (n: string) => join(dir, `${n}.ids`);
  const runs: Run[] = [];
  // jq 1.6 runs the predicates at a few thousand records/s here: by default on the NDJSON file only.
  const jqOn = process.env.JACKSTOP_BENCH_JQ ?? 'ndjson';
  const withJq = (format: string) => jqOn === 'all' || jqOn === format;
  for (const format of ['ndjson', 'gz'] as const) {
    const input = format === 'ndjson' ? ndjson : s3;
    runs.push(timed('a JSON.parse floor', format, node('parse', format, input)));
    if (withJq(format)) runs.push(timed('b jq predicates', format, jq(format, out(`jq-${format}`))));
    runs.push(timed('c DuckDB predicates', format, node('duckdb', format, input, out(`duckdb-${format}`))));
    runs.push(timed('d jackstop detect', format, node('detect', format, input)));
  }
  const agreement = timed(
    'agreement pass',
    'ndjson',
    node('match', 'ndjson', ndjson, out('rules'), out('jackstop-preds')),
  );

  process.stdout.write('\nengine                    input      events/s      MB/s   seconds  peak RSS MB\n');
  for (const r of runs) {
    const mb = (r.format === 'ndjson' ? mix.bytes : mix.gzBytes) / 1e6;
    process.stdout.write(
      `${r.name.padEnd(25)} ${r.format.padEnd(7)} ${Math.round(total / r.secs)
        .toLocaleString('en-US')
        .padStart(
          11,
        )} ${(mb / r.secs).toFixed(1).padStart(9)} ${r.secs.toFixed(2).padStart(9)} ${r.rssMb.toFixed(0).padStart(12)}\n`,
    );
  }
  process.stdout.write(
    '(MB/s: of the input as stored, NDJSON or gzip; seconds include process start and rule loading)\n',
  );
  for (const format of ['ndjson', 'gz'] as const) {
    const of = (p: string) => runs.find((r) => r.format === format && r.name.startsWith(p));
    const d = of('d');
    const ratio = (x: Run | undefined) => (x && d ? (x.secs / d.secs).toFixed(2) : 'n/a');
    process.stdout.write(
      `${format}: d/a ${ratio(of('a'))}  d/b ${ratio(of('b'))}  d/c ${ratio(of('c'))}  (throughput ratios; > 1 means detect is faster)\n`,
    );
  }
  for (const r of runs.filter((x) => x.name.startsWith('d') || x.name.startsWith('a'))) {
    if (r.info.events !== mix.events)
      throw new Error(`${r.name} (${r.format}) saw ${r.info.events} events, wrote ${mix.events}`);
  }
  const d = runs.find((r) => r.name.startsWith('d'))!;
  process.stdout.write(
    `detect: ${d.info.matchedEvents} events matched a rule, ${d.info.findings} findings, ${d.info.usageRows} usage rows\n`,
  );

  // Agreement: the same predicates, three engines, identical eventID sets; rules never match outside them.
  const sets = new Map<string, Set<string>>([['jackstop matcher', ids(out('jackstop-preds'))]]);
  for (const format of ['ndjson', 'gz'] as const) {
    if (withJq(format)) sets.set(`jq ${format}`, ids(out(`jq-${format}`)));
    sets.set(`duckdb ${format}`, ids(out(`duckdb-${format}`)));
  }
  const reference = sets.get('jackstop matcher')!;
  let pass = true;
  for (const [name, set] of sets) {
    const missing = [...reference].filter((x) => !set.has(x)).length;
    const extra = [...set].filter((x) => !reference.has(x)).length;
    const ok = missing === 0 && extra === 0;
    pass &&= ok;
    process.stdout.write(
      `  ${name.padEnd(18)} ${String(set.size).padStart(9)} ids  ${ok ? 'same' : `DIFFERS: ${missing} missing, ${extra} extra`}\n`,
    );
  }
  const ruleIds = ids(out('rules'));
  const outside = [...ruleIds].filter((x) => !reference.has(x));
  process.stdout.write(
    `  records any rule matched: ${ruleIds.size} (separate RuleSet.match pass, ${agreement.secs.toFixed(1)}s); outside the predicates: ${outside.length}\n`,
  );
  if (ruleIds.size !== d.info.matchedEvents) {
    process.stdout.write(`  detect counted ${d.info.matchedEvents} matched events, the RuleSet pass ${ruleIds.size}\n`);
    pass = false;
  }
  pass &&= outside.length === 0 && reference.size > 0;
  process.stdout.write(`agreement: ${pass ? 'PASS' : 'FAIL'}\n`);
  if (process.env.JACKSTOP_BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  if (!pass) process.exitCode = 1;
}

await main();
