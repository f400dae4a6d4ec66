import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { type Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import {
  attachBlastRadius,
  compareFindings,
  type DetectedFinding,
  Detector,
  detectAnomalies,
  loadBuiltinRules,
  loadRules,
  ruleMetaOf,
  type SigmaRule,
} from '../../detect/index.js';
import { SEVERITIES, type Severity, severityRank } from '../../domain/index.js';
import { JackstopError } from '../../errors.js';
import { SIGMA_FIELD_MAPS } from '../../events/index.js';
import { EXPORT_FORMATS, EXPORTERS, type ExportFormat } from '../../export/index.js';
import { type BadInput, Quarantine } from '../../sources/index.js';
import { DEFAULT_DB_PATH, openStore } from '../../store/index.js';
import { UsageIngest } from '../../usage/index.js';
import { FATAL_INPUT_CODES, ingestPass, MAX_PRINTED_ERRORS, usageBefore } from '../ingest.js';
import { renderFindingsTable } from '../output/table.js';
import { parseDuration, parseTimeArg } from '../time-range.js';
import { TOOL } from '../tool.js';

export const OUTPUT_FORMATS = ['table', ...EXPORT_FORMATS] as const;
export type OutputFormat = 'table' | ExportFormat;

export interface DetectOptions {
  inputs: string[];
  format: OutputFormat;
  /** Extra Sigma rule files or folders. */
  rules: string[];
  /** Load the built-in LLMjacking pack (default true). */
  builtin: boolean;
  since?: string;
  until?: string;
  /** Exit 1 when a finding is at or above this severity; `none` never fails. */
  failOn: Severity | 'none';
  /** Store URL; undefined = the embedded SQLite file. */
  db?: string;
  /** Persist findings (default true). */
  store: boolean;
  /** Where bad input goes; default `.jackstop/quarantine/<time>.ndjson`. */
  quarantine?: string;
  /** Write the report here instead of stdout. */
  output?: string;
  /** Values for Sigma `|expand` placeholders, e.g. `Legitimate_Countries=DE,FR`. */
  placeholders?: Record<string, string[]>;
  /** How late (event time) a record may arrive and still count in correlation windows, e.g. `5m`. */
  lateTolerance?: string;
  /** Parse every record, also those the prefilter shows no rule can match (finds syntax errors in them too). */
  parseAll?: boolean;
  /** Threads reading local files, the main one included (`auto`: one per core for large inputs); undefined: the main thread. */
  workers?: number | 'auto';
  quiet: boolean;
  /** Progress bar: default when stderr is a TTY. */
  progress?: boolean;
  color?: boolean;
}

export interface DetectIo {
  stdout: Writable;
  stderr: Writable;
  stdin?: Readable;
  s3Client?: S3Client;
  /** Working directory for default paths. */
  cwd?: string;
}

export interface DetectOutcome {
  exitCode: 0 | 1 | 2;
  findings: DetectedFinding[];
  events: number;
  badInputs: number;
  ruleErrors: number;
  rules: number;
  newFindings: number;
  quarantinePath?: string;
}

/** `jackstop detect`, callable in-process (tests, `demo`) with injected streams. */
export async function runDetect(opts: DetectOptions, io: DetectIo): Promise<DetectOutcome> {
  const started = new Date();
  const cwd = io.cwd ?? process.cwd();
  const log = (line: string) => {
    if (!opts.quiet) io.stderr.write(`${line}\n`);
  };
  const since = opts.since ? parseTimeArg('--since', opts.since) : undefined;
  const until = opts.until ? parseTimeArg('--until', opts.until) : undefined;

  const quarantinePath =
    opts.quarantine ?? join(cwd, '.jackstop', 'quarantine', `${started.toISOString().replace(/[:.]/g, '-')}.ndjson`);
  const quarantine = new Quarantine(quarantinePath);
  let printed = 0;
  let fatal = false;
  const report = (bad: BadInput, kind: 'input' | 'rule') => {
    quarantine.add(bad);
    if (FATAL_INPUT_CODES.has(bad.error.code)) fatal = true;
    if (printed++ < MAX_PRINTED_ERRORS) log(`${kind === 'rule' ? 'rule error' : 'bad input'}: ${bad.error.render()}`);
  };

  // Rules: the built-in pack plus any --rules paths. A bad rule is reported and skipped.
  const rules: SigmaRule[] = [];
  let ruleErrors = 0;
  const addLoaded = (loaded: { rules: SigmaRule[]; errors: JackstopError[] }) => {
    rules.push(...loaded.rules);
    for (const error of loaded.errors) {
      ruleErrors++;
      report({ error }, 'rule');
    }
  };
  if (opts.builtin) addLoaded(await loadBuiltinRules());
  if (opts.rules.length) addLoaded(await loadRules(opts.rules, { placeholders: opts.placeholders }));
  const detector = new Detector(
    dedupeRules(rules, (error) => report({ error }, 'rule')),
    {
      since,
      until,
      fieldMaps: SIGMA_FIELD_MAPS,
      correlation: opts.lateTolerance
        ? { outOfOrderToleranceMs: parseDuration('--late-tolerance', opts.lateTolerance) }
        : undefined,
    },
  );
  for (const error of detector.compileErrors) {
    ruleErrors++;
    report({ error }, 'rule');
  }
  if (detector.ruleCount === 0) {
    throw new JackstopError('JACKSTOP_USAGE', 'no rules to run: all rules failed to load (see the errors above)');
  }

  // One pass over the logs: detection, and model usage counted for cost, anomalies and blast radius.
  const store = opts.store ? await openStore(opts.db ?? join(cwd, DEFAULT_DB_PATH)) : undefined;
  let badInputs = 0;
  let results: DetectedFinding[];
  let newFindings: number;
  let finished: Date;
  let usageRows = 0;
  try {
    const ingest = new UsageIngest();
    try {
      await ingestPass({
        inputs: opts.inputs,
        cwd,
        io,
        onBadInput: (bad) => {
          badInputs++;
          report(bad, 'input');
        },
        detector,
        usage: { ingest, store },
        progress: opts.progress,
        parseAll: opts.parseAll,
        workers: opts.workers,
      });
    } finally {
      await quarantine.close();
    }
    if (printed > MAX_PRINTED_ERRORS) log(`… and ${printed - MAX_PRINTED_ERRORS} more (all in ${quarantinePath})`);

    // Usage of the logs read, judged against what the store saw before them (up to five weeks back).
    const current = ingest.all.hours().filter((h) => inWindow(h.hour, since, until));
    usageRows = current.length;
    const history = store && current.length ? await usageBefore(store, current) : [];
    const anomalies = detectAnomalies(history, current).map((finding) => ({ finding, eventIds: [] as string[] }));
    const all = [...detector.results(), ...anomalies];
    const withImpact = attachBlastRadius(
      all.map((r) => r.finding),
      [...history, ...current],
    );
    results = all.map((r, i) => ({ finding: withImpact[i]!, eventIds: r.eventIds })).sort(compareFindings);
    finished = new Date();

    // Persist: re-runs over the same logs update, never duplicate.
    newFindings = results.length;
    if (store) {
      if (!fatal) await store.upsertUsage(ingest.hours(), { marks: ingest.marks() });
      newFindings = (await store.upsertFindings(results)).inserted;
      await store.recordRun({
        id: randomUUID(),
        startedAt: started.toISOString(),
        finishedAt: finished.toISOString(),
        command: 'detect',
        inputs: opts.inputs,
        events: detector.stats.events,
        badInputs,
        findings: results.length,
        newFindings,
        status: fatal ? 'error' : 'ok',
      });
    }
  } finally {
    await store?.close();
  }

  // Report.
  const findings = results.map((r) => r.finding);
  let text: string;
  if (opts.format === 'table') {
    text = renderFindingsTable(findings, {
      color: opts.color ?? (!opts.output && isTty(io.stdout) && !process.env.NO_COLOR),
      width: (io.stdout as { columns?: number }).columns,
    });
  } else {
    const usedRules = new Set(findings.map((f) => f.ruleId));
    text = EXPORTERS[opts.format](findings, {
      tool: TOOL,
      rules: rules.map(ruleMetaOf).filter((m) => usedRules.has(m.id)),
      run: {
        startedAt: started.toISOString(),
        finishedAt: finished.toISOString(),
        inputs: opts.inputs,
        events: detector.stats.events,
        badInputs,
        matchedEvents: detector.stats.matchedEvents,
      },
    });
  }
  if (opts.output) {
    mkdirSync(dirname(opts.output), { recursive: true });
    writeFileSync(opts.output, text);
  } else {
    io.stdout.write(text);
  }

  // Summary on stderr, so stdout stays machine-readable.
  const secs = (finished.getTime() - started.getTime()) / 1000;
  const rate = secs > 0 ? Math.round(detector.stats.events / secs) : detector.stats.events;
  const bySeverity = SEVERITIES.slice()
    .reverse()
    .map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  log(
    `\n${detector.stats.events.toLocaleString('en-US')} events read in ${secs.toFixed(1)}s (${rate.toLocaleString('en-US')} events/s), ` +
      `${detector.ruleCount} rules` +
      (usageRows ? `, ${usageRows} hourly usage rows` : '') +
      (detector.stats.outOfRange ? `, ${detector.stats.outOfRange} matching events outside --since/--until` : ''),
  );
  if (badInputs || ruleErrors)
    log(
      `${badInputs} bad input${badInputs === 1 ? '' : 's'}, ${ruleErrors} rule error${ruleErrors === 1 ? '' : 's'}: kept aside in ${quarantinePath}`,
    );
  log(
    `${findings.length} finding${findings.length === 1 ? '' : 's'}${bySeverity ? ` (${bySeverity})` : ''}` +
      (opts.store ? `, ${newFindings} new, stored in ${opts.db ? redactUrl(opts.db) : DEFAULT_DB_PATH}` : ''),
  );

  const failed =
    opts.failOn !== 'none' && findings.some((f) => severityRank(f.severity) >= severityRank(opts.failOn as Severity));
  return {
    exitCode: fatal ? 2 : failed ? 1 : 0,
    findings: results,
    events: detector.stats.events,
    badInputs,
    ruleErrors,
    rules: detector.ruleCount,
    newFindings,
    quarantinePath: quarantine.count > 0 ? quarantine.path : undefined,
  };
}

/** Two rules with the same id would produce indistinguishable findings: keep the first, report the rest. */
function dedupeRules(rules: SigmaRule[], onDuplicate: (e: JackstopError) => void): SigmaRule[] {
  const seen = new Map<string, SigmaRule>();
  for (const rule of rules) {
    const id = ruleMetaOf(rule).id;
    const prior = seen.get(id);
    if (prior) {
      onDuplicate(
        new JackstopError(
          'JACKSTOP_RULE_DUPLICATE',
          `rule id ${id} is already defined in ${prior.source.file ?? 'another rule'}; this copy is skipped`,
          { location: { file: rule.source.file, line: rule.source.line } },
        ),
      );
      continue;
    }
    seen.set(id, rule);
  }
  return [...seen.values()];
}

function isTty(s: Writable): boolean {
  return (s as { isTTY?: boolean }).isTTY === true;
}

/** Never echo a password from a connection URL. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

function parsePlaceholders(values: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0)
      throw new JackstopError('JACKSTOP_USAGE', `--placeholder ${JSON.stringify(v)}: expected NAME=value1,value2`);
    out[v.slice(0, eq)] = v
      .slice(eq + 1)
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return out;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function detectCommand(program: Command): void {
  program
    .command('detect')
    .description(
      "Find LLMjacking and other attacks in cloud audit logs (CloudTrail, Bedrock invocation logs, Azure activity and OpenAI logs, GCP audit logs, OpenAI audit logs): files, folders, .json.gz, NDJSON, s3://bucket/prefix, or - for stdin. Also counts model usage, flags usage anomalies and shows each key's blast radius",
    )
    .argument('<inputs...>', 'log files, folders, s3://bucket/prefix, or -')
    .addOption(new Option('-f, --format <format>', 'output format').choices(OUTPUT_FORMATS).default('table' as const))
    .option('-r, --rules <path>', 'add Sigma rules from a file or folder (repeatable)', collect, [] as string[])
    .option('--no-builtin', 'do not load the built-in LLMjacking rule pack')
    .option('--since <time>', 'only events at or after this time (ISO date/time, or 24h, 7d …)')
    .option('--until <time>', 'only events before this time')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 if any finding is at or above this severity')
        .choices([...SEVERITIES, 'none'] as const)
        .default('low' as const),
    )
    .option('--db <url>', `findings store: a SQLite path or postgres://… (default ${DEFAULT_DB_PATH})`)
    .option('--no-store', 'do not save findings')
    .option('--quarantine <file>', 'where to keep bad input (NDJSON)')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--placeholder <name=values>', 'values for Sigma %placeholders% (repeatable)', collect, [] as string[])
    .option(
      '--late-tolerance <duration>',
      'how far behind the newest event a record may arrive and still count in correlation windows (default 5m)',
    )
    .option(
      '--workers <n|auto>',
      'threads reading local files, the main one included: a number, or auto (one per core from 64 MiB of input); default: 1',
      parseWorkers,
    )
    .option(
      '--no-prefilter',
      'parse every record, also those no rule can match (slower; reports syntax errors inside them too)',
    )
    .option('-q, --quiet', 'no summary or warnings on stderr', false)
    .option('--no-progress', 'no progress bar')
    .action(async (inputs, o) => {
      const outcome = await runDetect(
        {
          inputs,
          format: o.format,
          rules: o.rules,
          builtin: o.builtin,
          since: o.since,
          until: o.until,
          failOn: o.failOn,
          db: o.db,
          store: o.store,
          quarantine: o.quarantine,
          output: o.output,
          placeholders: parsePlaceholders(o.placeholder),
          lateTolerance: o.lateTolerance,
          parseAll: o.prefilter === false,
          workers: o.workers,
          quiet: o.quiet,
          progress: o.progress === false ? false : undefined,
        },
        { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
      );
      process.exitCode = outcome.exitCode;
    });
}

const HOUR_MS = 3_600_000;

function inWindow(hour: string, since?: Date, until?: Date): boolean {
  const ms = Date.parse(hour);
  return (!since || ms + HOUR_MS > since.getTime()) && (!until || ms < until.getTime());
}

function parseWorkers(v: string): number | 'auto' {
  if (v === 'auto') return 'auto';
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 64) {
    throw new InvalidArgumentError('expected auto or a whole number of threads from 0 to 64');
  }
  return n;
}
