import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { type Command, Option } from '@commander-js/extra-typings';
import { detectAnomalies } from '../../detect/index.js';
import { JackstopError } from '../../errors.js';
import type { BadInput } from '../../sources/index.js';
import { DEFAULT_DB_PATH, openStore, type Store } from '../../store/index.js';
import {
  buildUsageReport,
  formatUsd,
  renderUsageHtml,
  renderUsageText,
  type UsageHour,
  UsageIngest,
  type UsageReport,
} from '../../usage/index.js';
import { FATAL_INPUT_CODES, ingestPass, MAX_PRINTED_ERRORS, usageBefore } from '../ingest.js';
import { parseTimeArg } from '../time-range.js';
import { redactUrl } from './detect.js';

export const USAGE_FORMATS = ['table', 'json', 'html'] as const;
export type UsageFormat = (typeof USAGE_FORMATS)[number];

export interface UsageOptions {
  /** Log files, folders, s3:// prefixes or `-`; ignored with `fromStore`. */
  inputs: string[];
  format: UsageFormat;
  /** Also write the HTML report here. */
  html?: string;
  /** Report what the store holds instead of reading logs. */
  fromStore: boolean;
  since?: string;
  until?: string;
  db?: string;
  /** Add the usage read to the store (default true). */
  store: boolean;
  /** Write the report here instead of stdout. */
  output?: string;
  quiet: boolean;
  progress?: boolean;
}

export interface UsageIo {
  stdout: Writable;
  stderr: Writable;
  stdin?: Readable;
  s3Client?: S3Client;
  cwd?: string;
  /** For tests: the report's "generated" time. */
  now?: () => Date;
}

export interface UsageOutcome {
  exitCode: 0 | 2;
  report: UsageReport;
  /** Records read (0 with --from-store). */
  records: number;
  badInputs: number;
  /** Invocations added to the store by this run. */
  stored: number;
  alreadyCounted: number;
}

function inRange(h: UsageHour, since?: Date, until?: Date): boolean {
  const ms = Date.parse(h.hour);
  // An hour overlapping the range belongs to it: rows are hourly.
  return (!since || ms + 3_600_000 > since.getTime()) && (!until || ms < until.getTime());
}

/** `jackstop usage`, callable in-process with injected streams. */
export async function runUsage(opts: UsageOptions, io: UsageIo): Promise<UsageOutcome> {
  const cwd = io.cwd ?? process.cwd();
  const log = (line: string) => {
    if (!opts.quiet) io.stderr.write(`${line}\n`);
  };
  const since = opts.since ? parseTimeArg('--since', opts.since) : undefined;
  const until = opts.until ? parseTimeArg('--until', opts.until) : undefined;
  if (!opts.fromStore && opts.inputs.length === 0) {
    throw new JackstopError('JACKSTOP_USAGE', 'give log files, folders or s3:// prefixes to read, or --from-store');
  }
  const dbLabel = opts.db ? redactUrl(opts.db) : DEFAULT_DB_PATH;
  const needStore = opts.fromStore || opts.store;
  const store: Store | undefined = needStore ? await openStore(opts.db ?? join(cwd, DEFAULT_DB_PATH)) : undefined;

  let rows: UsageHour[];
  /** Stored usage before the hours reported: the baseline their anomalies are judged against. */
  let history: UsageHour[] = [];
  let records = 0;
  let badInputs = 0;
  let stored = 0;
  let alreadyCounted = 0;
  let fatal = false;
  try {
    if (opts.fromStore) {
      rows = await store!.listUsage({ since: since?.toISOString(), until: until?.toISOString() });
    } else {
      const ingest = new UsageIngest();
      let printed = 0;
      const report = (bad: BadInput) => {
        badInputs++;
        if (FATAL_INPUT_CODES.has(bad.error.code)) fatal = true;
        if (printed++ < MAX_PRINTED_ERRORS) log(`bad input: ${bad.error.render()}`);
      };
      await ingestPass({
        inputs: opts.inputs,
        cwd,
        io,
        onBadInput: report,
        usage: { ingest, store: opts.store ? store : undefined },
        progress: opts.progress,
      });
      if (printed > MAX_PRINTED_ERRORS) log(`… and ${printed - MAX_PRINTED_ERRORS} more bad inputs`);
      records = ingest.stats.records;
      alreadyCounted = ingest.stats.alreadyCounted;
      if (opts.store && !fatal) {
        await store!.upsertUsage(ingest.hours(), { marks: ingest.marks() });
        stored = ingest.stats.invocations;
      }
      rows = ingest.all.hours().filter((h) => inRange(h, since, until));
      if (store && rows.length) history = await usageBefore(store, rows);
    }
  } finally {
    await store?.close();
  }

  const report = buildUsageReport(rows, { from: since?.toISOString(), to: until?.toISOString() });
  report.anomalies = detectAnomalies(history, rows).map((f) => ({
    severity: f.severity,
    title: f.title,
    subject: f.subject.label ? `${f.subject.id} (${f.subject.label})` : f.subject.id,
    firstSeen: f.firstSeen,
    description: f.description,
  }));
  const generatedAt = (io.now?.() ?? new Date()).toISOString();
  let text: string;
  if (opts.format === 'json') text = `${JSON.stringify(report, null, 2)}\n`;
  else if (opts.format === 'html') text = renderUsageHtml(report, { generatedAt });
  else text = renderUsageText(report, { width: (io.stdout as { columns?: number }).columns });
  const write = (file: string, content: string) => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
  };
  if (opts.output) write(resolve(cwd, opts.output), text);
  else io.stdout.write(text);
  if (opts.html) {
    write(resolve(cwd, opts.html), opts.format === 'html' ? text : renderUsageHtml(report, { generatedAt }));
    log(`HTML report written to ${opts.html}`);
  }

  const t = report.totals;
  if (opts.fromStore) {
    log(`${t.invocations.toLocaleString('en-US')} invocations, ${formatUsd(t.costUsd)} (${t.basis}) in ${dbLabel}`);
  } else {
    log(
      `${records.toLocaleString('en-US')} records read, ${t.invocations.toLocaleString('en-US')} model invocations, ${formatUsd(t.costUsd)} (${t.basis})` +
        (badInputs ? `, ${badInputs} bad input${badInputs === 1 ? '' : 's'}` : '') +
        (opts.store
          ? fatal
            ? ', nothing stored (input errors)'
            : `; ${stored.toLocaleString('en-US')} new invocations stored in ${dbLabel}` +
              (alreadyCounted ? ` (${alreadyCounted.toLocaleString('en-US')} records counted by an earlier run)` : '')
          : ''),
    );
  }
  return { exitCode: fatal ? 2 : 0, report, records, badInputs, stored, alreadyCounted };
}

export function usageCommand(program: Command): void {
  program
    .command('usage')
    .description(
      'Who spends what on which model: invocations, tokens and cost per identity, model and region, from the same logs as detect (or from the store)',
    )
    .argument('[inputs...]', 'log files, folders, s3://bucket/prefix, or -')
    .addOption(new Option('-f, --format <format>', 'output format').choices(USAGE_FORMATS).default('table' as const))
    .option('--html <file>', 'also write a self-contained HTML report with charts')
    .option('--from-store', 'report the usage kept in the store instead of reading logs', false)
    .option('--since <time>', 'only usage at or after this time (ISO date/time, or 24h, 7d …)')
    .option('--until <time>', 'only usage before this time')
    .option('--db <url>', `store: a SQLite path or postgres://… (default ${DEFAULT_DB_PATH})`)
    .option('--no-store', 'do not add the usage read to the store')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('-q, --quiet', 'no summary on stderr', false)
    .option('--no-progress', 'no progress bar')
    .action(async (inputs, o) => {
      const outcome = await runUsage(
        {
          inputs,
          format: o.format,
          html: o.html,
          fromStore: o.fromStore,
          since: o.since,
          until: o.until,
          db: o.db,
          store: o.store,
          output: o.output,
          quiet: o.quiet,
          progress: o.progress === false ? false : undefined,
        },
        { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
      );
      process.exitCode = outcome.exitCode;
    });
}
