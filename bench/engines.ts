/**
 * One benchmark engine per process, so that its peak RSS is its own:
 *   node dist/bench/engines.js <engine> <ndjson|gz> <input> [ids-out] [ids-out-2]
 * Engines: `parse` (bare JSON.parse floor), `duckdb` (the shared predicates as SQL), `detect`
 * (Jackstop's detect pass: rules + correlations + usage) and `match` (the agreement pass: the
 * records any rule matches, and the records Jackstop's matcher finds for the shared predicates).
 * Prints one JSON line: `{"events": n, ...}`.
 */
import { createReadStream, createWriteStream, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { gunzipSync } from 'node:zlib';
import { ingestPass } from '../src/cli/ingest.js';
import { compileRule, Detector, loadBuiltinRules, loadRules, parseSigma, RuleSet } from '../src/detect/index.js';
import { readLogs } from '../src/sources/index.js';
import { UsageIngest } from '../src/usage/index.js';
import { loadPredicates, predicateColumns, sigmaTexts, sqlCondition } from './predicates.js';

const [engine, format, input, idsOut, idsOut2] = process.argv.slice(2);
if (!engine || (format !== 'ndjson' && format !== 'gz') || !input) {
  throw new Error('usage: engines.js <parse|duckdb|detect|match> <ndjson|gz> <input> [ids-out] [ids-out-2]');
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

async function parseFloor(): Promise<Record<string, number>> {
  let n = 0;
  if (format === 'ndjson') {
    const rl = createInterface({ input: createReadStream(input!), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of rl) {
      if (line) {
        JSON.parse(line);
        n++;
      }
    }
  } else {
    for (const f of gzFiles(input!))
      n += (JSON.parse(gunzipSync(readFileSync(f)).toString('utf8')).Records as unknown[]).length;
  }
  return { events: n };
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

async function detect(): Promise<Record<string, number>> {
  const { builtin, shared } = await benchRules();
  const detector = new Detector([...builtin, ...shared]);
  const usage = new UsageIngest();
  let bad = 0;
  await ingestPass({
    inputs: [input!],
    cwd: process.cwd(),
    io: { stderr: process.stderr },
    onBadInput: () => bad++,
    detector,
    usage: { ingest: usage },
  });
  const findings = detector.results().length;
  return {
    events: detector.stats.events,
    matchedEvents: detector.stats.matchedEvents,
    findings,
    usageRows: usage.all.size,
    bad,
  };
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

const engines: Record<string, () => Promise<Record<string, number>>> = { parse: parseFloor, duckdb, detect, match };
const run = engines[engine];
if (!run) throw new Error(`unknown engine ${engine}`);
const t0 = process.hrtime.bigint();
const result = await run();
process.stdout.write(`${JSON.stringify({ ...result, secs: Number(process.hrtime.bigint() - t0) / 1e9 })}\n`);
