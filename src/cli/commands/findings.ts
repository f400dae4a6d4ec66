import type { Writable } from 'node:stream';
import { type Command, Option } from '@commander-js/extra-typings';
import { FindingStatus, SEVERITIES, type Severity } from '../../domain/index.js';
import { JackstopError } from '../../errors.js';
import { EXPORT_FORMATS, EXPORTERS } from '../../export/index.js';
import { DEFAULT_DB_PATH, openStore } from '../../store/index.js';
import { renderFindingDetail, renderFindingsTable } from '../output/table.js';
import { TOOL } from '../tool.js';
import type { OutputFormat } from './detect.js';

export interface FindingsListOptions {
  db?: string;
  minSeverity?: Severity;
  status?: FindingStatus;
  rule?: string;
  limit?: number;
  format: OutputFormat;
}

/** `jackstop findings list`: what the store holds, across every run so far. */
export async function runFindingsList(o: FindingsListOptions, io: { stdout: Writable }): Promise<number> {
  const store = await openStore(o.db ?? DEFAULT_DB_PATH);
  try {
    const findings = await store.listFindings({
      minSeverity: o.minSeverity,
      status: o.status,
      ruleId: o.rule,
      limit: o.limit,
    });
    io.stdout.write(
      o.format === 'table'
        ? renderFindingsTable(findings, {
            color: (io.stdout as { isTTY?: boolean }).isTTY === true && !process.env.NO_COLOR,
          })
        : EXPORTERS[o.format](findings, { tool: TOOL, rules: [] }),
    );
    return 0;
  } finally {
    await store.close();
  }
}

/** `jackstop findings show <id>`: one finding in full, remediation included. */
export async function runFindingsShow(
  id: string,
  o: { db?: string; format: 'text' | 'json' },
  io: { stdout: Writable },
): Promise<number> {
  const store = await openStore(o.db ?? DEFAULT_DB_PATH);
  try {
    const finding = await store.getFinding(id);
    if (!finding) throw new JackstopError('JACKSTOP_USAGE', `no finding with id ${id}: see \`jackstop findings list\``);
    io.stdout.write(
      o.format === 'json'
        ? `${JSON.stringify(finding, null, 2)}\n`
        : renderFindingDetail(finding, {
            color: (io.stdout as { isTTY?: boolean }).isTTY === true && !process.env.NO_COLOR,
          }),
    );
    return 0;
  } finally {
    await store.close();
  }
}

/** `jackstop findings resolve|suppress|reopen <id>`. */
export async function runSetStatus(
  id: string,
  status: FindingStatus,
  o: { db?: string },
  io: { stdout: Writable },
): Promise<number> {
  const store = await openStore(o.db ?? DEFAULT_DB_PATH);
  try {
    if (!(await store.setStatus(id, status))) {
      throw new JackstopError(
        'JACKSTOP_USAGE',
        `no finding with id ${id}: see \`jackstop findings list --format json\``,
      );
    }
    io.stdout.write(`${id}: ${status}\n`);
    return 0;
  } finally {
    await store.close();
  }
}

export function findingsCommand(program: Command): void {
  const findings = program.command('findings').description('Work with the findings kept in the store');
  findings
    .command('list')
    .description('List stored findings, most severe first')
    .option('--db <url>', `findings store (default ${DEFAULT_DB_PATH})`)
    .addOption(new Option('--min-severity <severity>', 'only at or above this severity').choices(SEVERITIES))
    .addOption(new Option('--status <status>', 'only this status').choices(FindingStatus.options))
    .option('--rule <id>', 'only this rule')
    .option('--limit <n>', 'at most n findings', (v) => Number.parseInt(v, 10))
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['table', ...EXPORT_FORMATS] as const)
        .default('table' as const),
    )
    .action(async (o) => {
      process.exitCode = await runFindingsList(o, { stdout: process.stdout });
    });
  findings
    .command('show')
    .description('Show one finding in full, with what to do about it')
    .argument('<id>', 'finding id (from `findings list` or `detect`)')
    .option('--db <url>', `findings store (default ${DEFAULT_DB_PATH})`)
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['text', 'json'] as const).default('text' as const),
    )
    .action(async (id, o) => {
      process.exitCode = await runFindingsShow(id, o, { stdout: process.stdout });
    });
  for (const [verb, status] of [
    ['resolve', 'resolved'],
    ['suppress', 'suppressed'],
    ['reopen', 'open'],
  ] as const) {
    findings
      .command(verb)
      .description(`Mark a finding ${status}`)
      .argument('<id>', 'finding id')
      .option('--db <url>', `findings store (default ${DEFAULT_DB_PATH})`)
      .action(async (id, o) => {
        process.exitCode = await runSetStatus(id, status, o, { stdout: process.stdout });
      });
  }
}
