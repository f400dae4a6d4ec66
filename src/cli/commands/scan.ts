import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Writable } from 'node:stream';
import { type Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { type Finding, findingId, type RuleMeta, SEVERITIES, type Severity, severityRank } from '../../domain/index.js';
import { errorMessage, JackstopError } from '../../errors.js';
import { type ComplianceResultInput, toOcsfCompliance, toSarif } from '../../export/index.js';
import {
  builtinChecksDir,
  builtinFrameworksDir,
  type Check,
  type CheckResult,
  CLOUDS,
  type Cloud,
  ENRICHERS,
  evaluateChecks,
  type Framework,
  loadChecks,
  loadFrameworks,
  mappingsOf,
  postureFindings,
  readSnapshot,
  remediationText,
  requirementTable,
  type Snapshot,
} from '../../posture/index.js';
import { DEFAULT_DB_PATH, openStore, type Store } from '../../store/index.js';
import {
  type DiffEntry,
  type PostureDiff,
  type PostureReport,
  renderPostureTable,
  summarize,
} from '../output/posture.js';
import { renderPostureHtml } from '../output/posture-html.js';
import { TOOL } from '../tool.js';
import { redactUrl } from './detect.js';

export const SCAN_FORMATS = ['table', 'json', 'sarif', 'ocsf', 'html'] as const;
export type ScanFormat = (typeof SCAN_FORMATS)[number];

export interface ScanOptions {
  /** The snapshot file (`jackstop collect -o`). */
  snapshot: string;
  /** A folder of check files to run instead of the built-in checks. */
  checks?: string;
  /** A folder of framework files instead of the built-in ones. */
  frameworks?: string;
  /** Only these clouds (default: every cloud in the snapshot). */
  clouds?: Cloud[];
  /** Add this framework's per-requirement table. */
  framework?: string;
  format: ScanFormat;
  output?: string;
  /** Store URL; undefined = the embedded SQLite file. */
  db?: string;
  /** Save the findings and record the run (default true). */
  store: boolean;
  /** Compare with the store's open posture findings of the snapshot's accounts, and resolve the fixed ones. */
  diff: boolean;
  /** Exit 1 when a failed check is at or above this severity; `none` never fails. */
  failOn: Severity | 'none';
  quiet: boolean;
  color?: boolean;
}

export interface ScanIo {
  stdout: Writable;
  stderr: Writable;
  /** Working directory for relative paths and the default store. */
  cwd?: string;
}

export interface ScanOutcome {
  exitCode: 0 | 1 | 2;
  results: CheckResult[];
  findings: Finding[];
  diff?: PostureDiff;
  /** Findings the store did not have before (when stored). */
  newFindings?: number;
}

/** `jackstop scan`, callable in-process with injected streams. */
export async function runScan(opts: ScanOptions, io: ScanIo): Promise<ScanOutcome> {
  const started = new Date();
  const cwd = io.cwd ?? process.cwd();
  const at = (p: string) => (isAbsolute(p) ? p : join(cwd, p));
  const log = (line: string) => {
    if (!opts.quiet) io.stderr.write(`${line}\n`);
  };
  if (opts.diff && !opts.store) {
    throw new JackstopError(
      'JACKSTOP_USAGE',
      '--diff compares with the findings store: it cannot be used with --no-store',
    );
  }

  // Checks: a bad file is reported and skipped, like a bad detection rule.
  const loaded = await loadChecks(opts.checks ? at(opts.checks) : builtinChecksDir());
  for (const error of loaded.errors) log(`check error: ${error.render()}`);
  const checks = loaded.checks.filter((c) => !opts.clouds || opts.clouds.includes(c.cloud));
  if (checks.length === 0) {
    throw new JackstopError(
      'JACKSTOP_USAGE',
      loaded.checks.length === 0
        ? 'no checks to run: none loaded (see the errors above)'
        : `no checks to run for ${opts.clouds?.join(', ')}`,
    );
  }

  // Frameworks: references to checks that are not loaded are errors, so a typo is seen.
  const frameworksDir = opts.frameworks ? at(opts.frameworks) : builtinFrameworksDir();
  const fw = await loadFrameworks(frameworksDir, new Set(loaded.checks.map((c) => c.id))).catch((e: unknown) => {
    throw new JackstopError('JACKSTOP_INPUT_NOT_FOUND', `cannot read the frameworks folder: ${errorMessage(e)}`, {
      location: { file: frameworksDir },
    });
  });
  for (const error of fw.errors) log(`framework error: ${error.render()}`);
  const framework = opts.framework ? fw.frameworks.find((f) => f.id === opts.framework) : undefined;
  if (opts.framework && !framework) {
    const known = fw.frameworks.map((f) => f.id).sort();
    throw new JackstopError(
      'JACKSTOP_USAGE',
      `unknown framework "${opts.framework}": known frameworks are ${known.length ? known.join(', ') : '(none)'}` +
        (fw.errors.length ? ` (${fw.errors.length} framework file(s) did not load, see above)` : ''),
    );
  }

  const snapshot = await readSnapshot(at(opts.snapshot));
  const results = evaluateChecks(snapshot, checks, { enrichers: ENRICHERS, clouds: opts.clouds });
  const findings = postureFindings(results, snapshot.collectedAt, fw.frameworks);

  // Store: diff against the open findings first, then save, then resolve what is fixed.
  let diff: PostureDiff | undefined;
  let newFindings: number | undefined;
  if (opts.store) {
    const store = await openStore(opts.db ?? join(cwd, DEFAULT_DB_PATH));
    try {
      if (opts.diff) diff = await diffPosture(store, snapshot, opts.clouds, checks, results);
      newFindings = (await store.upsertFindings(findings.map((finding) => ({ finding, eventIds: [] })))).inserted;
      for (const f of diff?.fixed ?? []) await store.setStatus(f.findingId, 'resolved');
      await store.recordRun({
        id: randomUUID(),
        startedAt: started.toISOString(),
        finishedAt: new Date().toISOString(),
        command: 'scan',
        inputs: [opts.snapshot],
        // A scan reads resources, not events; failed collections are its unreadable inputs.
        events: snapshot.resources.length,
        badInputs: snapshot.collections.filter((c) => c.status === 'error').length,
        findings: findings.length,
        newFindings,
        status: 'ok',
      });
    } finally {
      await store.close();
    }
  }

  const report: PostureReport = {
    tool: TOOL,
    generatedAt: new Date().toISOString(),
    snapshot: { file: opts.snapshot, collectedAt: snapshot.collectedAt, accounts: snapshot.accounts },
    checks,
    results,
    findings,
    ...(framework ? { framework: { framework, rows: requirementTable(framework, results) } } : {}),
    ...(diff ? { diff } : {}),
    stored: opts.store,
  };
  const text = render(report, opts, io, fw.frameworks, started);
  if (opts.output) {
    mkdirSync(dirname(at(opts.output)), { recursive: true });
    writeFileSync(at(opts.output), text);
  } else {
    io.stdout.write(text);
  }

  const { total } = summarize(results);
  log(
    `${total.pass} passed, ${total.fail} failed, ${total['could-not-check']} could not check` +
      (opts.store
        ? `; ${newFindings} new finding${newFindings === 1 ? '' : 's'}, stored in ${opts.db ? redactUrl(opts.db) : DEFAULT_DB_PATH}`
        : '') +
      (opts.output ? `; report written to ${opts.output}` : ''),
  );

  const failed =
    opts.failOn !== 'none' && findings.some((f) => severityRank(f.severity) >= severityRank(opts.failOn as Severity));
  return { exitCode: failed ? 1 : 0, results, findings, ...(diff ? { diff } : {}), newFindings };
}

function render(
  report: PostureReport,
  opts: ScanOptions,
  io: ScanIo,
  frameworks: readonly Framework[],
  started: Date,
): string {
  switch (opts.format) {
    case 'table':
      return renderPostureTable(report, {
        color:
          opts.color ?? (!opts.output && (io.stdout as { isTTY?: boolean }).isTTY === true && !process.env.NO_COLOR),
        width: (io.stdout as { columns?: number }).columns,
      });
    case 'html':
      return renderPostureHtml(report);
    case 'json':
      return `${JSON.stringify(jsonReport(report), null, 2)}\n`;
    case 'sarif': {
      // The snapshot is the file the results are about: a location code-scanning UIs accept.
      const located = report.findings.map((f) => ({ ...f, evidence: { ...f.evidence, locations: [opts.snapshot] } }));
      const log = toSarif(located, {
        tool: TOOL,
        rules: report.checks.map((c) => ruleMetaOfCheck(c, frameworks)),
        run: {
          startedAt: started.toISOString(),
          finishedAt: new Date().toISOString(),
          inputs: [opts.snapshot],
          events: report.results.length,
          badInputs: 0,
        },
      });
      return `${JSON.stringify(log, null, 2)}\n`;
    }
    case 'ocsf':
      return `${JSON.stringify(
        toOcsfCompliance(
          report.results.map((r) => complianceInput(r, frameworks)),
          { tool: TOOL, collectedAt: report.snapshot.collectedAt },
        ),
        null,
        2,
      )}\n`;
  }
}

/** The JSON document: the snapshot's identity, counts, every result, the findings, and the extras asked for. */
function jsonReport(report: PostureReport): Record<string, unknown> {
  const { total, clouds } = summarize(report.results);
  const resources = new Set(report.results.flatMap((r) => (r.resource ? [r.resource] : []))).size;
  return {
    tool: report.tool,
    snapshot: { collectedAt: report.snapshot.collectedAt, accounts: report.snapshot.accounts },
    summary: { checks: report.checks.length, resources, ...total, clouds },
    results: report.results.map((r) => ({
      check: r.check.id,
      status: r.status,
      cloud: r.scope.cloud,
      account: r.scope.account,
      region: r.scope.region,
      resource: r.resource
        ? {
            id: r.resource.id,
            type: r.resource.type,
            ...(r.resource.name !== undefined ? { name: r.resource.name } : {}),
          }
        : null,
      ...(r.reason ? { reason: r.reason } : {}),
    })),
    findings: report.findings,
    ...(report.framework
      ? {
          framework: {
            id: report.framework.framework.id,
            name: report.framework.framework.name,
            version: report.framework.framework.version,
            url: report.framework.framework.url,
            requirements: report.framework.rows,
          },
        }
      : {}),
    ...(report.diff
      ? {
          diff: {
            counts: {
              new: report.diff.new.length,
              fixed: report.diff.fixed.length,
              stillFailing: report.diff.stillFailing.length,
              unknown: report.diff.unknown.length,
            },
            ...report.diff,
          },
        }
      : {}),
  };
}

/** A check as exporters describe a rule: rationale as description, the fix (placeholders unfilled) as remediation. */
function ruleMetaOfCheck(check: Check, frameworks: readonly Framework[]): RuleMeta {
  const m = mappingsOf(check.id, frameworks);
  const fix = [check.remediation.text.trim()];
  if (check.remediation.cli) fix.push(`CLI:\n${check.remediation.cli.trim()}`);
  if (check.remediation.terraform) fix.push(`Terraform:\n${check.remediation.terraform.trim()}`);
  return {
    id: check.id,
    title: check.title,
    description: check.rationale.trim(),
    severity: check.severity,
    // Sigma-style tags, as the detection rules have them.
    tags: [
      'posture',
      check.cloud,
      ...m.owaspLlm.map((x) => `owasp-llm.${x.toLowerCase()}`),
      ...m.atlas.map((x) => `atlas.${x.toLowerCase()}`),
      ...m.other,
    ],
    references: [...check.references],
    falsePositives: [],
    remediation: fix.join('\n\n'),
    source: { file: check.source.file, line: check.source.line },
  };
}

function complianceInput(r: CheckResult, frameworks: readonly Framework[]): ComplianceResultInput {
  return {
    check: {
      id: r.check.id,
      title: r.check.title,
      description: r.check.rationale.trim(),
      severity: r.check.severity,
      references: [...r.check.references],
      equivalents: [...r.check.equivalents],
    },
    status: r.status,
    cloud: r.scope.cloud,
    account: r.scope.account,
    region: r.scope.region,
    ...(r.resource
      ? {
          resource: { id: r.resource.id, type: r.resource.type, ...(r.resource.name ? { name: r.resource.name } : {}) },
        }
      : {}),
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.status === 'fail' && r.resource ? { remediation: remediationText(r.check, r.resource) } : {}),
    frameworks: frameworks
      .map((f) => ({
        id: f.id,
        name: f.name,
        version: f.version,
        requirements: f.requirements
          .filter((q) => q.checks.includes(r.check.id))
          .map((q) => ({ id: q.id, title: q.title })),
      }))
      .filter((f) => f.requirements.length > 0),
  };
}

interface PostureAsset {
  cloud?: string;
  account?: string;
  region?: string;
  type?: string;
}

/**
 * This scan against the store's open posture findings of the snapshot's accounts (and clouds):
 * NEW fails now and was not open (nor suppressed) before; STILL FAILING was open and fails now;
 * FIXED was open and now passes, or its resource is gone; UNKNOWN was open and its check could not
 * run on it now (its collection failed), so it stays open. Findings of checks this scan did not run
 * are left alone.
 */
async function diffPosture(
  store: Store,
  snapshot: Snapshot,
  clouds: readonly Cloud[] | undefined,
  checks: readonly Check[],
  results: readonly CheckResult[],
): Promise<PostureDiff> {
  const inScope = new Set(
    snapshot.accounts.filter((a) => !clouds || clouds.includes(a.cloud)).map((a) => `${a.cloud}\0${a.id}`),
  );
  const ran = new Set(checks.map((c) => c.id));
  const assetOf = (f: Finding) => (f.assets[0]?.attributes ?? {}) as PostureAsset;
  const mine = (f: Finding) => {
    const a = assetOf(f);
    return ran.has(f.ruleId) && inScope.has(`${a.cloud}\0${a.account}`);
  };
  const open = (await store.listFindings({ kind: 'posture', status: 'open' })).filter(mine);
  const suppressed = new Set((await store.listFindings({ kind: 'posture', status: 'suppressed' })).map((f) => f.id));

  const byFinding = new Map<string, CheckResult>();
  const blockedScopes = new Map<string, CheckResult>();
  const scopeKey = (check: string, cloud: string, account: string, region: string) =>
    [check, cloud, account, region].join('\0');
  for (const r of results) {
    if (r.resource) byFinding.set(findingId(r.check.id, r.resource.id), r);
    else blockedScopes.set(scopeKey(r.check.id, r.scope.cloud, r.scope.account, r.scope.region), r);
  }

  const fromResult = (r: CheckResult): DiffEntry => ({
    findingId: findingId(r.check.id, r.resource!.id),
    check: r.check.id,
    title: r.check.title,
    severity: r.check.severity,
    ...r.scope,
    resource: { id: r.resource!.id, type: r.resource!.type, ...(r.resource!.name ? { name: r.resource!.name } : {}) },
  });
  const fromFinding = (f: Finding, reason?: string): DiffEntry => {
    const a = assetOf(f);
    return {
      findingId: f.id,
      check: f.ruleId,
      title: f.title,
      severity: f.severity,
      cloud: a.cloud ?? '',
      account: a.account ?? '',
      region: a.region ?? '',
      resource: { id: f.subject.id, type: a.type ?? '', ...(f.subject.label ? { name: f.subject.label } : {}) },
      ...(reason ? { reason } : {}),
    };
  };

  const openIds = new Set(open.map((f) => f.id));
  const diff: PostureDiff = { new: [], fixed: [], unknown: [], stillFailing: [] };
  for (const r of results) {
    if (r.status !== 'fail' || !r.resource) continue;
    const id = findingId(r.check.id, r.resource.id);
    if (openIds.has(id)) diff.stillFailing.push(fromResult(r));
    else if (!suppressed.has(id)) diff.new.push(fromResult(r));
  }
  for (const f of open) {
    const now = byFinding.get(f.id);
    if (now?.status === 'fail') continue;
    if (now?.status === 'pass') {
      diff.fixed.push(fromFinding(f));
      continue;
    }
    if (now?.status === 'could-not-check') {
      diff.unknown.push(fromFinding(f, now.reason));
      continue;
    }
    // Not evaluated now: gone (fixed), unless its scope could not be checked.
    const a = assetOf(f);
    const blocked =
      blockedScopes.get(scopeKey(f.ruleId, a.cloud ?? '', a.account ?? '', a.region ?? '')) ??
      blockedScopes.get(scopeKey(f.ruleId, a.cloud ?? '', a.account ?? '', 'global'));
    if (blocked) diff.unknown.push(fromFinding(f, blocked.reason));
    else diff.fixed.push(fromFinding(f));
  }
  return diff;
}

/** `a, b,c` → `['a', 'b', 'c']`. */
export function parseList(v: string): string[] {
  return v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `--cloud aws,gcp`. */
export function parseClouds(v: string): Cloud[] {
  const list = parseList(v);
  const bad = list.filter((c) => !(CLOUDS as readonly string[]).includes(c));
  if (list.length === 0 || bad.length > 0) {
    throw new InvalidArgumentError(`expected a comma-separated list of ${CLOUDS.join(', ')}`);
  }
  return [...new Set(list)] as Cloud[];
}

export function scanCommand(program: Command): void {
  program
    .command('scan')
    .description(
      'Check a posture snapshot (written by `jackstop collect`) offline: AI services settings that open the door to LLMjacking, poisoning or data exfiltration, with the fix for each',
    )
    .requiredOption('--snapshot <file>', 'snapshot file from `jackstop collect`')
    .option('--checks <dir>', 'run the check files in this folder instead of the built-in checks')
    .option('--frameworks <dir>', 'framework files to use instead of the built-in ones')
    .option('--cloud <clouds>', `only these clouds (${CLOUDS.join(',')})`, parseClouds)
    .option('--framework <id>', 'add the per-requirement table of this framework (owasp-llm, mitre-atlas …)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(SCAN_FORMATS).default('table' as const))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--db <url>', `findings store: a SQLite path or postgres://… (default ${DEFAULT_DB_PATH})`)
    .option('--no-store', 'do not save findings')
    .option(
      '--diff',
      'report new, fixed, still failing and unknown findings since the last scan of these accounts',
      false,
    )
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 if a failed check is at or above this severity')
        .choices([...SEVERITIES, 'none'] as const)
        .default('low' as const),
    )
    .option('-q, --quiet', 'no summary or warnings on stderr', false)
    .action(async (o) => {
      const outcome = await runScan(
        {
          snapshot: o.snapshot,
          checks: o.checks,
          frameworks: o.frameworks,
          clouds: o.cloud,
          framework: o.framework,
          format: o.format,
          output: o.output,
          db: o.db,
          store: o.store,
          diff: o.diff,
          failOn: o.failOn,
          quiet: o.quiet,
        },
        { stdout: process.stdout, stderr: process.stderr },
      );
      process.exitCode = outcome.exitCode;
    });
}
