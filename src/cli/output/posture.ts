/**
 * What `jackstop scan` reports, once, for every output format: the results of a scan grouped the
 * way a reader acts on them (failed checks by resource, "could not check" by cause, counts per
 * cloud), plus the optional framework table and diff. The table (here) and the HTML page
 * (`posture-html.ts`) render this model; JSON, SARIF and OCSF are built from it in the command.
 */

import type { Finding } from '../../domain/index.js';
import { findingId, SEVERITIES, type Severity, severityRank } from '../../domain/index.js';
import {
  type Check,
  type CheckResult,
  type CheckStatus,
  CLOUDS,
  type Cloud,
  type Framework,
  type RequirementRow,
  type RequirementStatus,
  type Resource,
  remediationText,
  type Snapshot,
} from '../../posture/index.js';

export type Counts = Record<CheckStatus, number>;

/** One finding in a diff: which check, on what, where. */
export interface DiffEntry {
  findingId: string;
  check: string;
  title: string;
  severity: Severity;
  cloud: string;
  account: string;
  region: string;
  resource: { id: string; type: string; name?: string };
  /** Why it is unknown now (the could-not-check reason). */
  reason?: string;
}

/** Open findings of the store against this scan (see `diffPosture` in the scan command). */
export interface PostureDiff {
  new: DiffEntry[];
  fixed: DiffEntry[];
  unknown: DiffEntry[];
  stillFailing: DiffEntry[];
}

export interface PostureReport {
  tool: { name: string; version: string };
  /** ISO 8601: when the report was made. */
  generatedAt: string;
  snapshot: { file: string; collectedAt: string; accounts: Snapshot['accounts'] };
  /** The checks that ran. */
  checks: readonly Check[];
  results: readonly CheckResult[];
  /** The failures as findings (stable ids). */
  findings: readonly Finding[];
  framework?: { framework: Framework; rows: RequirementRow[] };
  diff?: PostureDiff;
  /** Whether the findings were saved (then `jackstop findings show <id>` works). */
  stored: boolean;
}

export const STATUS_LABEL: Record<CheckStatus | RequirementStatus, string> = {
  pass: 'pass',
  fail: 'fail',
  'could-not-check': 'could not check',
  'no-resources': 'no resources',
  'not-covered': 'not covered',
};

export function emptyCounts(): Counts {
  return { pass: 0, fail: 0, 'could-not-check': 0 };
}

/** Results per status, overall and per cloud (clouds in the snapshot's order: aws, azure, gcp). */
export function summarize(results: readonly CheckResult[]): { total: Counts; clouds: Partial<Record<Cloud, Counts>> } {
  const total = emptyCounts();
  const clouds: Partial<Record<Cloud, Counts>> = {};
  for (const r of results) {
    total[r.status]++;
    const c = clouds[r.scope.cloud] ?? emptyCounts();
    c[r.status]++;
    clouds[r.scope.cloud] = c;
  }
  const ordered: Partial<Record<Cloud, Counts>> = {};
  for (const cloud of CLOUDS) if (clouds[cloud]) ordered[cloud] = clouds[cloud];
  return { total, clouds: ordered };
}

/** The fix for one resource, in its parts, placeholders filled in. */
export interface RemediationParts {
  text: string;
  cli?: string;
  terraform?: string;
}

export function remediationParts(check: Check, resource: Resource): RemediationParts {
  // `remediationText` fills the placeholders of `remediation.text`; reuse it for each part so the
  // filling rules live in one place.
  const fill = (text: string) => remediationText({ ...check, remediation: { text } }, resource);
  return {
    text: fill(check.remediation.text),
    ...(check.remediation.cli ? { cli: fill(check.remediation.cli) } : {}),
    ...(check.remediation.terraform ? { terraform: fill(check.remediation.terraform) } : {}),
  };
}

export interface FailedCheck {
  check: Check;
  findingId: string;
  remediation: RemediationParts;
}

export interface ResourceGroup {
  resource: Resource;
  failed: FailedCheck[];
  worst: Severity;
}

const bySeverityDesc = (a: Severity, b: Severity) => severityRank(b) - severityRank(a);

/** Failed checks grouped by resource, the worst resource first, then by place and name. */
export function failingGroups(results: readonly CheckResult[]): ResourceGroup[] {
  const groups = new Map<Resource, ResourceGroup>();
  for (const r of results) {
    if (r.status !== 'fail' || !r.resource) continue;
    let g = groups.get(r.resource);
    if (!g) {
      g = { resource: r.resource, failed: [], worst: 'info' };
      groups.set(r.resource, g);
    }
    g.failed.push({
      check: r.check,
      findingId: findingId(r.check.id, r.resource.id),
      remediation: remediationParts(r.check, r.resource),
    });
    if (severityRank(r.check.severity) > severityRank(g.worst)) g.worst = r.check.severity;
  }
  const place = (x: Resource) => [x.cloud, x.account, x.region, x.type, x.name ?? x.id].join('\u0000');
  return [...groups.values()]
    .map((g) => ({ ...g, failed: g.failed.sort((a, b) => bySeverityDesc(a.check.severity, b.check.severity)) }))
    .sort((a, b) => bySeverityDesc(a.worst, b.worst) || place(a.resource).localeCompare(place(b.resource)));
}

/** "Could not check" results with the same cause in the same place, with the checks it blocked. */
export interface CouldNotCheckGroup {
  cloud: Cloud;
  account: string;
  region: string;
  resource?: Resource;
  reason: string;
  checks: string[];
}

export function couldNotCheckGroups(results: readonly CheckResult[]): CouldNotCheckGroup[] {
  const groups = new Map<string, CouldNotCheckGroup>();
  for (const r of results) {
    if (r.status !== 'could-not-check') continue;
    const reason = r.reason ?? 'unknown reason';
    const key = [r.scope.cloud, r.scope.account, r.scope.region, r.resource?.id ?? '', reason].join('\u0000');
    let g = groups.get(key);
    if (!g) {
      g = { ...r.scope, ...(r.resource ? { resource: r.resource } : {}), reason, checks: [] };
      groups.set(key, g);
    }
    if (!g.checks.includes(r.check.id)) g.checks.push(r.check.id);
  }
  return [...groups.values()];
}

/** `aws / 123456789012 / us-east-1 / aws.bedrock.guardrail / main`. */
export function resourcePath(r: Resource): string {
  return [r.cloud, r.account, r.region, r.type, r.name ?? r.id].join(' / ');
}

export function firstLine(text: string): string {
  return (text.trim().split('\n')[0] ?? '').trim();
}

/** `2024-10-17T20:11:24.000Z` → `2024-10-17 20:11:24Z`. */
export function when(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

// Terminal rendering.

export interface PostureTableOptions {
  color: boolean;
  /** Terminal width; long values are cut to fit. */
  width?: number;
}

const SEVERITY_COLOR: Record<Severity, string> = {
  critical: '\x1b[1;97;41m',
  high: '\x1b[1;31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  info: '\x1b[2m',
};
const STATUS_COLOR: Record<CheckStatus | RequirementStatus, string> = {
  pass: '\x1b[32m',
  fail: '\x1b[1;31m',
  'could-not-check': '\x1b[33m',
  'no-resources': '\x1b[2m',
  'not-covered': '\x1b[2m',
};
const BOLD = '\x1b[1m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

/**
 * Control characters from the snapshot (a resource name, an error message) shown as `?`: a value
 * must not be able to drive the reader's terminal with escape sequences.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function safe(text: string): string {
  return text.replace(CONTROL, '?');
}

function cut(text: string, max: number): string {
  const s = safe(text);
  return s.length <= max ? s : `${s.slice(0, Math.max(1, max - 1))}…`;
}

/** Word-wraps to `max` columns (a word longer than a line is split): errors are read in full, never cut. */
function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of safe(text).split(/\s+/).filter(Boolean)) {
    while (word.length > max) {
      if (line) lines.push(line);
      lines.push(word.slice(0, max));
      word = word.slice(max);
      line = '';
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= max) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Pads to `width` (left-aligned, or right-aligned for numbers) before painting, so colours keep columns. */
function cell(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** The scan as a terminal report: failed checks by resource, the summary, could-not-check, framework, diff. */
export function renderPostureTable(report: PostureReport, opts: PostureTableOptions): string {
  const width = Math.max(60, opts.width ?? 120);
  const paint = (code: string, text: string) => (opts.color && code ? `${code}${text}${RESET}` : text);
  const out: string[] = [];
  const resources = new Set(report.results.flatMap((r) => (r.resource ? [r.resource] : []))).size;
  out.push(
    paint(BOLD, `Posture of ${report.snapshot.file}`) +
      paint(
        DIM,
        ` (collected ${when(report.snapshot.collectedAt)}): ${plural(report.snapshot.accounts.length, 'account')}, ` +
          `${plural(report.checks.length, 'check')}, ${plural(resources, 'resource')} checked`,
      ),
    '',
  );

  const groups = failingGroups(report.results);
  if (groups.length === 0) out.push('No failed checks.', '');
  for (const g of groups) {
    out.push(paint(BOLD, cut(`● ${resourcePath(g.resource)}`, width)));
    if (g.resource.name && g.resource.name !== g.resource.id) out.push(paint(DIM, cut(`  ${g.resource.id}`, width)));
    for (const f of g.failed) {
      const sev = paint(SEVERITY_COLOR[f.check.severity], f.check.severity.toUpperCase().padEnd(8));
      out.push(`  ${sev} ${cut(f.check.title, width - 12)}`);
      const rows: [string, string][] = [
        ['check', f.check.id],
        ['fix', firstLine(f.remediation.text)],
      ];
      if (report.stored) rows.push(['details', `jackstop findings show ${f.findingId}`]);
      for (const [k, v] of rows) out.push(`           ${paint(DIM, k.padEnd(8))} ${cut(v, width - 21)}`);
    }
    out.push('');
  }

  // Summary: one row per cloud, then the total.
  const { total, clouds } = summarize(report.results);
  out.push(paint(BOLD, 'Summary'));
  const head = `  ${cell('cloud', 8)}${cell('pass', 7, true)}${cell('fail', 7, true)}${cell('could not check', 18, true)}`;
  out.push(paint(DIM, head));
  const row = (name: string, c: Counts) =>
    `  ${cell(name, 8)}${paint(STATUS_COLOR.pass, cell(String(c.pass), 7, true))}` +
    `${paint(c.fail ? STATUS_COLOR.fail : '', cell(String(c.fail), 7, true))}` +
    `${paint(c['could-not-check'] ? STATUS_COLOR['could-not-check'] : '', cell(String(c['could-not-check']), 18, true))}`;
  for (const [cloud, c] of Object.entries(clouds)) out.push(row(cloud, c));
  if (Object.keys(clouds).length !== 1) out.push(row('all', total));
  const bySeverity = SEVERITIES.slice()
    .reverse()
    .map((s) => [s, report.findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
  if (bySeverity) out.push(`  failed checks by severity: ${bySeverity}`);
  out.push('');

  const blocked = couldNotCheckGroups(report.results);
  if (blocked.length > 0) {
    out.push(paint(BOLD, `Could not check (${blocked.length})`));
    for (const b of blocked) {
      const where = b.resource ? resourcePath(b.resource) : [b.cloud, b.account, b.region].join(' / ');
      out.push(`  ${paint(STATUS_COLOR['could-not-check'], '?')} ${cut(where, width - 4)}`);
      for (const [i, line] of wrap(b.reason, width - 21).entries()) {
        out.push(`           ${paint(DIM, (i === 0 ? 'reason' : '').padEnd(8))} ${line}`);
      }
      out.push(`           ${paint(DIM, 'checks'.padEnd(8))} ${cut(b.checks.join(', '), width - 21)}`);
    }
    out.push('');
  }

  if (report.framework) out.push(...frameworkTable(report.framework, width, paint), '');
  if (report.diff) out.push(...diffLines(report.diff, width, paint), '');
  return `${out.join('\n')}\n`;
}

type Paint = (code: string, text: string) => string;

function frameworkTable(fw: NonNullable<PostureReport['framework']>, width: number, paint: Paint): string[] {
  const { framework, rows } = fw;
  const idWidth = Math.max(2, ...rows.map((r) => r.id.length)) + 2;
  const statusWidth = 17;
  const numbers = 7 + 7 + 17;
  const titleWidth = Math.max(20, Math.min(60, width - 2 - idWidth - statusWidth - numbers));
  const out = [paint(BOLD, `${framework.name} ${framework.version} (${framework.id})`)];
  out.push(
    paint(
      DIM,
      `  ${cell('ID', idWidth)}${cell('REQUIREMENT', titleWidth)}${cell('STATUS', statusWidth)}` +
        `${cell('PASS', 7, true)}${cell('FAIL', 7, true)}${cell('COULD NOT CHECK', 17, true)}`,
    ),
  );
  for (const r of rows) {
    out.push(
      `  ${cell(r.id, idWidth)}${cell(cut(r.title, titleWidth - 2), titleWidth)}` +
        `${paint(STATUS_COLOR[r.status], cell(STATUS_LABEL[r.status], statusWidth))}` +
        `${cell(String(r.counts.pass), 7, true)}${cell(String(r.counts.fail), 7, true)}${cell(String(r.counts['could-not-check']), 17, true)}`,
    );
  }
  const tally = new Map<RequirementStatus, number>();
  for (const r of rows) tally.set(r.status, (tally.get(r.status) ?? 0) + 1);
  out.push(
    `  ${plural(rows.length, 'requirement')}: ` + [...tally].map(([s, n]) => `${n} ${STATUS_LABEL[s]}`).join(', '),
  );
  return out;
}

function diffLines(diff: PostureDiff, width: number, paint: Paint): string[] {
  const out = [paint(BOLD, 'Since the last scan of these accounts')];
  out.push(
    `  ${diff.new.length} new, ${diff.fixed.length} fixed, ${diff.stillFailing.length} still failing, ` +
      `${diff.unknown.length} unknown (could not check now)`,
  );
  const sections: [string, string, DiffEntry[]][] = [
    ['NEW', STATUS_COLOR.fail, diff.new],
    ['FIXED', STATUS_COLOR.pass, diff.fixed],
    ['STILL FAILING', '', diff.stillFailing],
    ['UNKNOWN', STATUS_COLOR['could-not-check'], diff.unknown],
  ];
  for (const [label, color, entries] of sections) {
    for (const e of entries) {
      out.push(
        `  ${paint(color, label.padEnd(14))}${paint(SEVERITY_COLOR[e.severity], e.severity.toUpperCase().padEnd(9))}${cut(e.title, width - 25)}`,
      );
      const where = `${e.resource.name ?? e.resource.id} (${e.cloud} / ${e.account} / ${e.region})`;
      out.push(`${' '.repeat(25)}${paint(DIM, cut(where, width - 25))}`);
      for (const line of e.reason ? wrap(e.reason, width - 25) : []) out.push(`${' '.repeat(25)}${paint(DIM, line)}`);
    }
  }
  return out;
}
