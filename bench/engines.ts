/**
 * One benchmark engine per process, so that its peak RSS is its own:
 *   node dist/bench/engines.js <engine> <ndjson|gz> <input> [ids-out] [ids-out-2]
 * Engines: `parse` (bare JSON.parse floor), `reader` (Jackstop's reading stage alone, one thread: the
 * records split, prefiltered as `detect` does and parsed, then dropped), `duckdb` (the shared
 * predicates as SQL) and `match` (the agreement pass: the records any rule matches with every record
 * parsed, and the records Jackstop's matcher finds for the shared predicates). Detection itself is
 * timed as the `jackstop detect` command (baselines.bench.ts).
 * Prints one JSON line: `{"events": n, ...}`.
 */
import { closeSync, createWriteStream, openSync, readdirSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { compileRule, Detector, loadBuiltinRules, loadRules, parseSigma, RuleSet } from '../src/detect/index.js';
import { scanPrefilter } from '../src/scan/index.js';
import { readLogs } from '../src/sources/index.js';
import { loadPredicates, predicateColumns, sigmaTexts, sqlCondition } from './predicates.js';

const [engine, format, input, idsOut, idsOut2] = process.argv.slice(2);
if (!engine || (format !== 'ndjson' && format !== 'gz') || !input) {
  throw new Error('usage: engines.js <parse|reader|duckdb|match> <ndjson|gz> <input> [ids-out] [ids-out-2]');
}

export function gzFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json.gz'))
    .map((f) => join(dir, f))
    .sort();
}

const AWS_CLOUDTRAIL = { product: 'aws', service: 'cloudtrail' } as const;

/** The rules `detect` runs here: the built-in pack and the shared SigmaHQ AWS rules. */
async function benchRules() {
  const builtin = await loadBuiltinRules();
  const dir = process.env.JACKSTOP_BENCH_SIGMA ?? '/work/shared/datasets/sigma/cloud/aws';
  const shared = await loadRules([dir]);
  if (shared.errors.length) throw shared.errors[0];
  return { builtin: builtin.rules, shared: shared.rules };
}

/**
 * The floor: every record parsed and nothing else. NDJSON is read in 4 MiB chunks and split on line
 * breaks in the buffer (faster than readline), so the floor is as high as a bare loop gets.
 */
async function parseFloor(): Promise<Record<string, number>> {
  let n = 0;
  if (format === 'ndjson') {
    const fd = openSync(input!, 'r');
    const chunk = Buffer.allocUnsafe(4 << 20);
    let carry = Buffer.alloc(0);
    for (;;) {
      const got = readSync(fd, chunk, 0, chunk.length, null);
      if (got === 0) break;
      const buf = carry.length ? Buffer.concat([carry, chunk.subarray(0, got)]) : chunk.subarray(0, got);
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
        if (nl > start) {
          JSON.parse(buf.toString('utf8', start, nl));
          n++;
        }
        start = nl + 1;
      }
      carry = Buffer.from(buf.subarray(start));
    }
    if (carry.length) {
      JSON.parse(carry.toString('utf8'));
      n++;
    }
    closeSync(fd);
  } else {
    for (const f of gzFiles(input!))
      n += (JSON.parse(gunzipSync(readFileSync(f)).toString('utf8')).Records as unknown[]).length;
  }
  return { events: n };
}

/**
 * What detection pays before it matches anything: the reader with the exact prefilter `detect` uses
 * (the rules' literals and usage counting's), records read and dropped. Set beside the floor, it
 * says how much of d's time is reading and how much is everything after.
 */
async function reader(): Promise<Record<string, number>> {
  const { builtin, shared } = await benchRules();
  const prefilter = scanPrefilter(new Detector([...builtin, ...shared]), true, false);
  let parsed = 0;
  let skipped = 0;
  const t0 = process.hrtime.bigint();
  for await (const batch of readLogs([input!], {
    prefilter,
    onSkipped: (n) => {
      skipped += n;
    },
    // The generated mix holds no bad record: one would mean the reader and the generator disagree.
    onBadInput: (b) => {
      throw b.error;
    },
  })) {
    parsed += batch.length;
  }
  // Without loading the rules: the reading alone, to set against the floor's loop.
  return { events: parsed + skipped, parsed, readSecs: Number(process.hrtime.bigint() - t0) / 1e9 };
}

async function duckdb(): Promise<Record<string, number>> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const preds = loadPredicates();
  const cols = predicateColumns(preds);
  const colSpec = [...cols].map(([c, t]) => `"${c}": '${t}'`).join(', ');
  const where = sqlCondition(preds);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const lit = (s: string) => `'${s.replaceAll("'", "''")}'`;
  let source: string;
  if (format === 'ndjson') {
    source = `read_ndjson(${lit(input!)}, columns = {${colSpec}})`;
  } else {
    const struct = [...cols].map(([c, t]) => `"${c}" ${t}`).join(', ');
    source = `(SELECT unnest(r) FROM (SELECT unnest("Records") AS r FROM read_json(${lit(join(input!, '**', '*.json.gz'))}, format = 'auto', compression = 'gzip', columns = {"Records": 'STRUCT(${struct})[]'})))`;
  }
  await conn.run(`COPY (SELECT "eventID" FROM ${source} WHERE ${where}) TO ${lit(idsOut!)} (FORMAT csv, HEADER false)`);
  conn.closeSync();
  // Counting every row would be a second scan; the orchestrator knows how many records it wrote.
  return {};
}

/** The agreement pass: ids matched by any rule (full evaluation), and ids Jackstop's matcher finds for the predicates. */
async function match(): Promise<Record<string, number>> {
  const { builtin, shared } = await benchRules();
  const detection = [...builtin, ...shared].filter((r) => r.kind === 'detection');
  const rules = new RuleSet(detection.map((r) => compileRule(r)));
  const predRules = sigmaTexts(loadPredicates()).map((text) => {
    const [parsed] = parseSigma(text);
    if (!parsed?.ok) throw parsed?.error ?? new Error('predicate did not parse');
    return compileRule(parsed.rule);
  });
  const preds = new RuleSet(predRules);
  const ruleOut = createWriteStream(idsOut!);
  const predIds: string[] = [];
  let events = 0;
  let ruleMatched = 0;
  for await (const batch of readLogs([input!], { onBadInput: () => {} })) {
    let chunk = '';
    for (const { record } of batch) {
      events++;
      const id = String(record.eventID);
      if (rules.match(record, AWS_CLOUDTRAIL).length) {
        ruleMatched++;
        chunk += `${id}\n`;
      }
      if (preds.match(record, AWS_CLOUDTRAIL).length) predIds.push(id);
    }
    if (!ruleOut.write(chunk)) await new Promise<void>((r) => ruleOut.once('drain', () => r()));
  }
  await new Promise<void>((r) => ruleOut.end(() => r()));
  writeFileSync(idsOut2!, predIds.length ? `${predIds.join('\n')}\n` : '');
  return { events, ruleMatched, predicateMatched: predIds.length, rules: rules.size };
}

const engines: Record<string, () => Promise<Record<string, number>>> = {
  parse: parseFloor,
  reader,
  duckdb,
  match,
};
const run = engines[engine];
if (!run) throw new Error(`unknown engine ${engine}`);
const t0 = process.hrtime.bigint();
const result = await run();
process.stdout.write(`${JSON.stringify({ ...result, secs: Number(process.hrtime.bigint() - t0) / 1e9 })}\n`);
