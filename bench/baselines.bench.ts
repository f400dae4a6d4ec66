/**
 * `npm run bench`: Jackstop's detect pass against baselines, in the same run on the same files.
 * Generates the realistic CloudTrail mix (`realistic-mix.ts`, MIX.md; `JACKSTOP_BENCH_EVENTS`,
 * default 2,000,000) as one NDJSON file and as CloudTrail S3 log files (`{"Records":[…]}`, gzip, ~5 MB
 * uncompressed each), then runs, each in its own process (peak RSS via /usr/bin/time): (a) bare
 * JSON.parse, (b) jq with the shared predicates, (c) DuckDB with them as SQL, (d) the `jackstop detect`
 * command (built-in pack + SigmaHQ AWS rules, correlations, usage, anomalies; no store), on one
 * thread and on every core. Then checks that (b), (c) and Jackstop's matcher select the same eventIDs,
 * that every record a rule matches satisfies the predicates, and that detect (prefilter on) matched
 * as many records as full evaluation of every record; exits 1 on FAIL. Prints the targets of issue 4.
 * `JACKSTOP_BENCH_KEEP=1` keeps the temp dir; `JACKSTOP_BENCH_JQ=ndjson|gz|all|0`: which inputs jq
 * reads (default ndjson; jq is slow); `JACKSTOP_BENCH_ONLY=d` runs detect only (the 10M memory check).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { ACCOUNT, rng } from './cloudtrail-mix.js';
import { jqProgram, loadPredicates } from './predicates.js';
import { identityClass, REALISTIC_MIX, realisticCloudTrailMix, serializeRecord } from './realistic-mix.js';

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
  byIdentity: Map<string, number>;
  errors: number;
  nonAscii: number;
  escaped: number;
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
    byIdentity: new Map(),
    errors: 0,
    nonAscii: 0,
    escaped: 0,
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
  const escapes = rng(2);
  for (const rec of realisticCloudTrailMix({ total, seed: 1, invocations: 500 })) {
    const line = serializeRecord(rec, escapes);
    const bytes = Buffer.byteLength(line);
    stats.events++;
    stats.bytes += bytes + 1;
    bump(stats.bySource, String(rec.eventSource));
    bump(stats.byName, `${rec.eventSource} ${rec.eventName}`);
    bump(stats.byIdentity, identityClass(rec));
    if (rec.errorCode !== undefined) stats.errors++;
    if (bytes !== line.length) stats.nonAscii++;
    if (line.includes('\\u') || line.includes('\\/')) stats.escaped++;
    if (stats.events % 97 === 0) stats.sizes.push(bytes);
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
  const sizes = [...m.sizes].sort((x, y) => x - y);
  const q = (p: number) => sizes[Math.min(sizes.length - 1, Math.floor(p * sizes.length))] ?? 0;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `mix: ${m.events.toLocaleString('en-US')} events, NDJSON ${(m.bytes / 1e6).toFixed(0)} MB; ${m.files} .json.gz files, ${(m.gzBytes / 1e6).toFixed(0)} MB compressed`,
  );
  out(`record bytes: mean ${(m.bytes / m.events - 1).toFixed(0)}, p50 ${q(0.5)}, p99 ${q(0.99)}, max sampled ${q(1)}`);
  out(
    `errorCode ${pct(m.errors)} (target ${100 * REALISTIC_MIX.errors}%); non-ASCII ${pct(m.nonAscii)}; JSON escapes ${pct(m.escaped)}`,
  );
  out('userIdentity             target   measured');
  for (const [k, target] of Object.entries(REALISTIC_MIX.identityTypes)) {
    out(
      `  ${k.padEnd(22)} ${`${(100 * target).toFixed(2)}%`.padStart(7)} ${pct(m.byIdentity.get(k) ?? 0).padStart(9)}`,
    );
  }
  out('eventSource                            measured');
  for (const [s, n] of [...m.bySource].sort((x, y) => y[1] - x[1])) out(`  ${s.padEnd(36)} ${pct(n).padStart(8)}`);
  out('most frequent event names');
  for (const [s, n] of [...m.byName].sort((x, y) => y[1] - x[1]).slice(0, 25)) {
    out(`    ${s.padEnd(70)} ${String(n).padStart(9)}`);
  }
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

/** The `jackstop detect` command itself (report to a file, no store), with its run summary as info. */
function detectRun(name: string, format: 'ndjson' | 'gz', input: string, workers: number): Run {
  const report = join(dir, 'report.json');
  const sigma = process.env.JACKSTOP_BENCH_SIGMA ?? '/work/shared/datasets/sigma/cloud/aws';
  const bin = join(here, '..', '..', 'bin', 'jackstop.js');
  const args = ['detect', input, '--rules', sigma, '--no-store', '--format', 'json', '-o', report];
  const r = timed(name, format, [
    process.execPath,
    bin,
    ...args,
    '-q',
    '--no-progress',
    '--fail-on',
    'none',
    '--workers',
    String(workers),
  ]);
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    run: { events: number; matchedEvents: number };
    findings: unknown[];
  };
  r.info = { events: json.run.events, matchedEvents: json.run.matchedEvents, findings: json.findings.length };
  return r;
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
  const only = process.env.JACKSTOP_BENCH_ONLY;
  // jq 1.6 runs the predicates at a few thousand records/s here: by default on the NDJSON file only.
  const jqOn = only ? '0' : (process.env.JACKSTOP_BENCH_JQ ?? 'ndjson');
  const withJq = (format: string) => jqOn === 'all' || jqOn === format;
  const cores = availableParallelism();
  for (const format of ['ndjson', 'gz'] as const) {
    const input = format === 'ndjson' ? ndjson : s3;
    if (!only) {
      runs.push(timed('a JSON.parse floor', format, node('parse', format, input)));
      runs.push(timed('r jackstop reader 1 core', format, node('reader', format, input)));
      if (withJq(format)) runs.push(timed('b jq predicates', format, jq(format, out(`jq-${format}`))));
      runs.push(timed('c DuckDB predicates', format, node('duckdb', format, input, out(`duckdb-${format}`))));
    }
    runs.push(detectRun(`d jackstop detect ${cores} cores`, format, input, cores));
    if (process.env.JACKSTOP_BENCH_D1 !== '0') runs.push(detectRun('d1 jackstop detect 1 core', format, input, 0));
  }
  const agreement = only
    ? undefined
    : timed('agreement pass', 'ndjson', node('match', 'ndjson', ndjson, out('rules'), out('jackstop-preds')));

  process.stdout.write('\nengine                          input      events/s      MB/s   seconds  peak RSS MB\n');
  for (const r of runs) {
    const mb = (r.format === 'ndjson' ? mix.bytes : mix.gzBytes) / 1e6;
    process.stdout.write(
      `${r.name.padEnd(31)} ${r.format.padEnd(7)} ${Math.round(total / r.secs)
        .toLocaleString('en-US')
        .padStart(
          11,
        )} ${(mb / r.secs).toFixed(1).padStart(9)} ${r.secs.toFixed(2).padStart(9)} ${r.rssMb.toFixed(0).padStart(12)}\n`,
    );
  }
  process.stdout.write(
    '(MB/s: of the input as stored, NDJSON or gzip; seconds include process start and rule loading;\n' +
      ` d runs the jackstop detect command with --workers ${cores}, d1 with --workers 0)\n`,
  );
  let targets = true;
  const check = (what: string, ok: boolean, value: string) => {
    targets &&= ok;
    process.stdout.write(`  ${ok ? 'met   ' : 'MISSED'} ${what}: ${value}\n`);
  };
  process.stdout.write('targets (issue 4):\n');
  for (const format of ['ndjson', 'gz'] as const) {
    const of = (p: string) => runs.find((r) => r.format === format && r.name.startsWith(p));
    const d = of('d ')!;
    const d1 = of('d1');
    const ratio = (x: Run | undefined) => (x ? x.secs / d.secs : Number.NaN);
    if (of('a')) check(`${format} d/a >= 1.0`, ratio(of('a')) >= 1, ratio(of('a')).toFixed(2));
    if (of('b')) check(`${format} d/b >= 3.0`, ratio(of('b')) >= 3, ratio(of('b')).toFixed(2));
    if (of('c')) check(`${format} d/c >= 1.0`, ratio(of('c')) >= 1, ratio(of('c')).toFixed(2));
    check(`${format} detect peak RSS <= 300 MB (${cores} cores)`, d.rssMb <= 300, `${d.rssMb.toFixed(0)} MB`);
    const r = of('r');
    const a = of('a');
    if (r && a) {
      // Reading alone (rules loaded beforehand) against the floor's whole run: what d pays before matching.
      const read = r.info.readSecs!;
      process.stdout.write(
        `  ${format}: reader alone ${read.toFixed(2)} s (${r.info.parsed!.toLocaleString('en-US')} records parsed) vs floor ${a.secs.toFixed(2)} s: ${(read / a.secs).toFixed(2)}x the floor's time\n`,
      );
    }
    if (d1) {
      process.stdout.write(
        `  ${format}: ${cores} cores vs 1: ${(d1.secs / d.secs).toFixed(2)}x; 1-core d1/a ${(ratio(of('a')) * (d.secs / d1.secs)).toFixed(2)}, peak RSS ${d1.rssMb.toFixed(0)} MB\n`,
      );
    }
  }
  for (const r of runs.filter((x) => /^[adr]/.test(x.name))) {
    if (r.info.events !== mix.events)
      throw new Error(`${r.name} (${r.format}) saw ${r.info.events} events, wrote ${mix.events}`);
  }
  const d = runs.find((r) => r.name.startsWith('d'))!;
  process.stdout.write(`detect: ${d.info.matchedEvents} events matched a rule, ${d.info.findings} findings\n`);
  for (const r of runs.filter((x) => x.name.startsWith('d'))) {
    if (r.info.matchedEvents !== d.info.matchedEvents || r.info.findings !== d.info.findings) {
      throw new Error(
        `${r.name} (${r.format}) found ${r.info.matchedEvents}/${r.info.findings}, not ${d.info.matchedEvents}/${d.info.findings}`,
      );
    }
  }
  if (!agreement) {
    if (process.env.JACKSTOP_BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
    return;
  }

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
  process.stdout.write(`targets: ${targets ? 'all met' : 'not all met (see above)'}\n`);
  if (process.env.JACKSTOP_BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
  if (!pass) process.exitCode = 1;
}

await main();
