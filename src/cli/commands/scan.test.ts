import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { Log } from 'sarif';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sarifValidator } from '../../../test/fixtures/export/findings.js';
import { findingId } from '../../domain/index.js';
import { JackstopError } from '../../errors.js';
import { OcsfComplianceFinding } from '../../export/index.js';
import { type Collection, emptySnapshot, mergeSnapshot, type Resource, type Snapshot } from '../../posture/index.js';
import { openStore } from '../../store/index.js';
import { main } from '../main.js';
import { runScan, type ScanOptions } from './scan.js';

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

const ACCOUNT = '111111111111';
const OTHER = '222222222222';

/** A tiny check set of our own, so these tests do not depend on the built-in checks. */
const CHECKS: Record<string, string> = {
  'logging.yml': `
id: jackstop.aws.bedrock.invocation-logging
title: Bedrock model invocation logging is on
cloud: aws
severity: high
resource: aws.bedrock.region-settings
pass: has(r.invocationLogging) && r.invocationLogging.enabled == true
rationale: Without invocation logs an LLMjacker's prompts and token counts are invisible.
remediation:
  text: Turn on model invocation logging in {{region}} of {{account}}.
  cli: aws bedrock put-model-invocation-logging-configuration --region {{region}} --logging-config '{}'
  terraform: |
    resource "aws_bedrock_model_invocation_logging_configuration" "this" {}
examples:
  pass: [{ attributes: { invocationLogging: { enabled: true } } }]
  fail: [{ attributes: { invocationLogging: { enabled: false } } }]
`,
  'guardrail.yml': `
id: jackstop.aws.bedrock.guardrail-content
title: Guardrails filter harmful content
cloud: aws
severity: medium
resource: aws.bedrock.guardrail
pass: r.contentPolicy == true
rationale: A guardrail without a content policy lets anything through.
remediation:
  text: Add a content policy to guardrail {{name}}.
references: [https://docs.aws.amazon.com/bedrock/latest/userguide/guardrails.html]
examples:
  pass: [{ attributes: { contentPolicy: true } }]
  fail: [{ attributes: { contentPolicy: false } }]
`,
  'kb.yml': `
id: jackstop.aws.bedrock.kb-encrypted
title: Knowledge bases are encrypted with a customer key
cloud: aws
severity: low
resource: aws.bedrock.knowledge-base
pass: r.kmsKey != null
rationale: Poisoning and exfiltration of the retrieval corpus.
remediation:
  text: Use a customer managed key.
examples:
  pass: [{ attributes: { kmsKey: k } }]
  fail: [{ attributes: { kmsKey: null } }]
`,
  'root.yml': `
id: jackstop.aws.iam.root-mfa
title: The root user has MFA
cloud: aws
severity: critical
resource: aws.iam.account-summary
pass: r.rootMfa == true
rationale: Root can enable every model.
remediation:
  text: Enable MFA on root.
examples:
  pass: [{ attributes: { rootMfa: true } }]
  fail: [{ attributes: { rootMfa: false } }]
`,
  'azure.yml': `
id: jackstop.azure.cognitive.local-auth
title: Azure OpenAI keys are disabled
cloud: azure
severity: critical
resource: azure.cognitive.account
pass: r.disableLocalAuth == true
rationale: Keys leak.
remediation:
  text: Disable local auth on {{name}}.
examples:
  pass: [{ attributes: { disableLocalAuth: true } }]
  fail: [{ attributes: { disableLocalAuth: false } }]
`,
};

const FRAMEWORK = `
id: owasp-llm
name: OWASP Top 10 for LLM Applications
version: "2025"
url: https://genai.owasp.org/llm-top-10/
requirements:
  - id: LLM01
    title: Prompt Injection
  - id: LLM02
    title: Sensitive Information Disclosure
    checks: [jackstop.aws.bedrock.guardrail-content]
  - id: LLM03
    title: Supply Chain
    checks: [jackstop.aws.iam.root-mfa]
  - id: LLM04
    title: Data and Model Poisoning
    checks: [jackstop.aws.bedrock.kb-encrypted]
  - id: LLM06
    title: Excessive Agency
    checks: [jackstop.azure.cognitive.local-auth]
  - id: LLM10
    title: Unbounded Consumption
    checks: [jackstop.aws.bedrock.invocation-logging]
`;

function region(account: string, r: string, enabled: boolean): Resource {
  return {
    cloud: 'aws',
    type: 'aws.bedrock.region-settings',
    id: `arn:aws:bedrock:${r}:${account}:settings`,
    account,
    region: r,
    name: r,
    attributes: { invocationLogging: { enabled } },
  };
}

function guardrail(r: string, name: string, contentPolicy: boolean): Resource {
  return {
    cloud: 'aws',
    type: 'aws.bedrock.guardrail',
    id: `arn:aws:bedrock:${r}:${ACCOUNT}:guardrail/${name}`,
    account: ACCOUNT,
    region: r,
    name,
    attributes: { contentPolicy },
  };
}

function ok(account: string, r: string, type: string, count: number): Collection {
  return { cloud: 'aws', account, region: r, type, status: 'ok', count };
}

function snapshotOf(collectedAt: string, account: string, resources: Resource[], failed: Collection[] = []): Snapshot {
  const regions = ['us-east-1', 'eu-west-1'];
  const collections: Collection[] = [
    ok(account, 'global', 'aws.iam.account-summary', 1),
    ...regions.flatMap((r) => [
      ok(account, r, 'aws.bedrock.region-settings', 1),
      ...(failed.some((f) => f.region === r && f.type === 'aws.bedrock.guardrail')
        ? []
        : [
            ok(
              account,
              r,
              'aws.bedrock.guardrail',
              resources.filter((x) => x.region === r && x.type === 'aws.bedrock.guardrail').length,
            ),
          ]),
    ]),
    ...failed,
  ];
  const root: Resource = {
    cloud: 'aws',
    type: 'aws.iam.account-summary',
    id: `arn:aws:iam::${account}:root`,
    account,
    region: 'global',
    attributes: { rootMfa: true },
  };
  return mergeSnapshot(emptySnapshot(new Date(collectedAt), { name: 'Jackstop', version: 'test' }), {
    accounts: [{ cloud: 'aws', id: account, regions }],
    collections,
    resources: [root, ...resources],
  });
}

/** A: logging off in eu-west-1, two guardrails without a content policy. */
const A = snapshotOf('2025-01-01T00:00:00Z', ACCOUNT, [
  region(ACCOUNT, 'us-east-1', true),
  region(ACCOUNT, 'eu-west-1', false),
  guardrail('us-east-1', 'g1', false),
  guardrail('eu-west-1', 'g2', false),
]);
/** B: eu-west-1 fixed, us-east-1 now off (new), guardrails unreadable in eu-west-1 (g2 unknown), g1 still failing. */
const B = snapshotOf(
  '2025-01-02T00:00:00Z',
  ACCOUNT,
  [region(ACCOUNT, 'us-east-1', false), region(ACCOUNT, 'eu-west-1', true), guardrail('us-east-1', 'g1', false)],
  [
    {
      cloud: 'aws',
      account: ACCOUNT,
      region: 'eu-west-1',
      type: 'aws.bedrock.guardrail',
      status: 'error',
      count: 0,
      error: { code: 'AccessDeniedException', message: 'not authorized', operation: 'bedrock:ListGuardrails' },
    },
  ],
);
/** Another account, with a failure that must never be touched by diffs of ACCOUNT. */
const C = snapshotOf('2025-01-01T00:00:00Z', OTHER, [region(OTHER, 'us-east-1', false)]);

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jackstop-scan-'));
  mkdirSync(file('checks'));
  for (const [name, text] of Object.entries(CHECKS)) writeFileSync(file(`checks/${name}`), text);
  mkdirSync(file('frameworks'));
  writeFileSync(file('frameworks/owasp-llm.yml'), FRAMEWORK);
  for (const [name, s] of Object.entries({ A, B, C })) writeFileSync(file(`${name}.json`), JSON.stringify(s));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function scan(over: Partial<ScanOptions> & { snapshot: string }) {
  const stdout = new Sink();
  const stderr = new Sink();
  const outcome = await runScan(
    {
      checks: 'checks',
      frameworks: 'frameworks',
      format: 'table',
      store: false,
      diff: false,
      failOn: 'low',
      quiet: false,
      color: false,
      ...over,
    },
    { stdout, stderr, cwd: dir },
  );
  return { outcome, stdout: stdout.text, stderr: stderr.text };
}

const idOf = (check: string, resource: Resource) => findingId(check, resource.id);
const LOGGING = 'jackstop.aws.bedrock.invocation-logging';
const GUARDRAIL = 'jackstop.aws.bedrock.guardrail-content';

describe('jackstop scan: table', () => {
  it('groups failed checks by resource with severity, title and the first line of the fix', async () => {
    const { outcome, stdout } = await scan({ snapshot: 'A.json' });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.findings.map((f) => f.id).sort()).toEqual(
      [
        idOf(LOGGING, region(ACCOUNT, 'eu-west-1', false)),
        idOf(GUARDRAIL, guardrail('us-east-1', 'g1', false)),
        idOf(GUARDRAIL, guardrail('eu-west-1', 'g2', false)),
      ].sort(),
    );
    // The worst resource first: the high logging failure before the medium guardrails.
    const header = `● aws / ${ACCOUNT} / eu-west-1 / aws.bedrock.region-settings / eu-west-1`;
    expect(stdout).toContain(header);
    const block = stdout.slice(stdout.indexOf(header));
    expect(block).toMatch(/^ {2}HIGH {5}Bedrock model invocation logging is on$/m);
    expect(block).toContain(`fix      Turn on model invocation logging in eu-west-1 of ${ACCOUNT}.`);
    expect(stdout.indexOf(header)).toBeLessThan(stdout.indexOf('aws.bedrock.guardrail / g1'));
    expect(stdout).toMatch(/MEDIUM +Guardrails filter harmful content/);
    expect(stdout).not.toContain('us-east-1 / aws.bedrock.region-settings'); // passing resources are not listed
  });

  it('summarises pass / fail / could not check per cloud and lists what could not be checked', async () => {
    const { stdout } = await scan({ snapshot: 'B.json' });
    // B: logging 1 pass 1 fail; guardrail 1 fail + eu-west-1 blocked; kb never collected; root passes.
    expect(stdout).toMatch(/^ {2}aws +2 +2 +2$/m);
    expect(stdout).toContain('Could not check (2)');
    // Reasons are wrapped, never cut.
    const unwrapped = stdout.replace(/\n {20}/g, ' ');
    expect(unwrapped).toContain(
      `aws.bedrock.guardrail could not be collected in ${ACCOUNT}/eu-west-1 calling bedrock:ListGuardrails: AccessDeniedException: not authorized`,
    );
    expect(stdout).toContain('aws.bedrock.knowledge-base was not collected');
    expect(stdout).toMatch(/checks +jackstop\.aws\.bedrock\.guardrail-content/);
  });

  it('prints the per-requirement table of --framework', async () => {
    const { stdout } = await scan({ snapshot: 'B.json', framework: 'owasp-llm' });
    const row = (id: string) => stdout.split('\n').find((l) => l.trimStart().startsWith(`${id} `)) ?? '';
    expect(row('LLM01')).toMatch(/Prompt Injection +not covered +0 +0 +0$/);
    expect(row('LLM02')).toMatch(/fail +0 +1 +1$/);
    expect(row('LLM03')).toMatch(/pass +1 +0 +0$/);
    expect(row('LLM04')).toMatch(/could not check +0 +0 +1$/);
    expect(row('LLM06')).toMatch(/no resources +0 +0 +0$/);
    expect(row('LLM10')).toMatch(/fail +1 +1 +0$/);
  });

  it('rejects an unknown framework, naming the known ones', async () => {
    const err = await scan({ snapshot: 'A.json', framework: 'nist-csf' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JackstopError);
    expect((err as JackstopError).code).toBe('JACKSTOP_USAGE');
    expect((err as JackstopError).message).toContain('known frameworks are owasp-llm');
  });

  it('--cloud keeps only that cloud, --fail-on sets the exit code', async () => {
    const azure = await scan({ snapshot: 'A.json', clouds: ['azure'] });
    expect(azure.outcome.results).toEqual([]);
    expect(azure.outcome.exitCode).toBe(0);
    expect((await scan({ snapshot: 'A.json', failOn: 'high' })).outcome.exitCode).toBe(1);
    expect((await scan({ snapshot: 'A.json', failOn: 'critical' })).outcome.exitCode).toBe(0);
    expect((await scan({ snapshot: 'A.json', failOn: 'none' })).outcome.exitCode).toBe(0);
  });
});

describe('jackstop scan: bad snapshots', () => {
  it('names a truncated or wrong-version snapshot with a JackstopError', async () => {
    const text = JSON.stringify(A, null, 2);
    writeFileSync(file('cut.json'), text.slice(0, text.length / 2));
    writeFileSync(file('v2.json'), JSON.stringify({ ...A, version: 2 }));
    const cut = (await scan({ snapshot: 'cut.json' }).catch((e: unknown) => e)) as JackstopError;
    expect(cut.code).toBe('JACKSTOP_INPUT_TRUNCATED');
    const v2 = (await scan({ snapshot: 'v2.json' }).catch((e: unknown) => e)) as JackstopError;
    expect(v2.code).toBe('JACKSTOP_SNAPSHOT_INVALID');
    expect(v2.message).toContain('version 2 is not supported');
  });

  it('through the CLI: one line on stderr and exit 2', async () => {
    writeFileSync(file('v2.json'), JSON.stringify({ ...A, version: 2 }));
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    const before = process.exitCode;
    try {
      await main(['node', 'jackstop', 'scan', '--snapshot', file('v2.json'), '--no-store', '-q']);
      expect(process.exitCode).toBe(2);
    } finally {
      spy.mockRestore();
      process.exitCode = before;
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^jackstop: .*v2\.json: snapshot version 2 is not supported.*\[JACKSTOP_SNAPSHOT_INVALID\]\n$/,
    );
  });

  it('--diff needs the store', async () => {
    const err = (await scan({ snapshot: 'A.json', diff: true }).catch((e: unknown) => e)) as JackstopError;
    expect(err.code).toBe('JACKSTOP_USAGE');
  });
});

describe('jackstop scan: formats', () => {
  it('json: snapshot, summary, every result, the findings and the framework', async () => {
    const { stdout } = await scan({ snapshot: 'B.json', format: 'json', framework: 'owasp-llm' });
    const doc = JSON.parse(stdout);
    expect(doc.tool.name).toBe('Jackstop');
    expect(doc.snapshot).toEqual({ collectedAt: B.collectedAt, accounts: B.accounts });
    expect(doc.summary).toMatchObject({ checks: 5, pass: 2, fail: 2, 'could-not-check': 2 });
    expect(doc.summary.clouds).toEqual({ aws: { pass: 2, fail: 2, 'could-not-check': 2 } });
    expect(doc.results).toHaveLength(6);
    expect(doc.results).toContainEqual({
      check: GUARDRAIL,
      status: 'could-not-check',
      cloud: 'aws',
      account: ACCOUNT,
      region: 'eu-west-1',
      resource: null,
      reason: expect.stringContaining('AccessDeniedException'),
    });
    expect(doc.results).toContainEqual({
      check: LOGGING,
      status: 'fail',
      cloud: 'aws',
      account: ACCOUNT,
      region: 'us-east-1',
      resource: { id: region(ACCOUNT, 'us-east-1', false).id, type: 'aws.bedrock.region-settings', name: 'us-east-1' },
    });
    expect(doc.findings.map((f: { ruleId: string }) => f.ruleId).sort()).toEqual([GUARDRAIL, LOGGING]);
    expect(doc.framework.id).toBe('owasp-llm');
    expect(doc.framework.requirements.map((r: { status: string }) => r.status)).toEqual([
      'not-covered',
      'fail',
      'pass',
      'could-not-check',
      'no-resources',
      'fail',
    ]);
    expect(doc.diff).toBeUndefined();
  });

  it('sarif: a valid log with one rule per check, the fix as help, results on the failed checks', async () => {
    const { stdout } = await scan({ snapshot: 'A.json', format: 'sarif' });
    const log = JSON.parse(stdout) as Log;
    const { valid, errors } = sarifValidator()(log);
    expect(errors).toEqual([]);
    expect(valid).toBe(true);
    const run = log.runs[0]!;
    expect(run.tool.driver.rules!.map((r) => r.id).sort()).toEqual(
      [
        LOGGING,
        GUARDRAIL,
        'jackstop.aws.bedrock.kb-encrypted',
        'jackstop.aws.iam.root-mfa',
        'jackstop.azure.cognitive.local-auth',
      ].sort(),
    );
    const rule = run.tool.driver.rules!.find((r) => r.id === LOGGING)!;
    expect(rule.help!.text).toContain('Turn on model invocation logging in {{region}}');
    expect(rule.help!.text).toContain('aws bedrock put-model-invocation-logging-configuration');
    expect(run.results).toHaveLength(3);
    expect(run.results!.every((r) => r.locations![0]!.physicalLocation?.artifactLocation?.uri === 'A.json')).toBe(true);
  });

  it('ocsf: one Compliance Finding per result, valid against the schema', async () => {
    const { stdout, outcome } = await scan({ snapshot: 'B.json', format: 'ocsf', frameworks: 'frameworks' });
    const events = JSON.parse(stdout) as unknown[];
    expect(events).toHaveLength(outcome.results.length);
    for (const ev of events) {
      const parsed = OcsfComplianceFinding.safeParse(ev);
      expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
    }
    const statuses = events.map((e) => (e as OcsfComplianceFinding).compliance.status).sort();
    expect(statuses).toEqual(['Fail', 'Fail', 'Pass', 'Pass', 'Warning', 'Warning']);
    const logging = events.find(
      (e) =>
        (e as OcsfComplianceFinding).compliance.control === LOGGING &&
        (e as OcsfComplianceFinding).compliance.status === 'Fail',
    ) as OcsfComplianceFinding;
    expect(logging.compliance.requirements).toEqual(['owasp-llm LLM10 - Unbounded Consumption']);
    expect(logging.remediation!.desc).toContain('Turn on model invocation logging in us-east-1');
  });

  it('html: a page written to -o with the results', async () => {
    const { stdout, stderr } = await scan({ snapshot: 'A.json', format: 'html', output: 'out/report.html' });
    expect(stdout).toBe('');
    expect(stderr).toContain('report written to out/report.html');
    const html = readFileSync(file('out/report.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('Bedrock model invocation logging is on');
  });
});

describe('jackstop scan: store and --diff', () => {
  it('reports exactly the new, fixed, unknown and still failing findings, and resolves the fixed', async () => {
    const db = file('diff.db');
    const stored = { store: true, db, diff: true, format: 'json' as const };
    // Another account first: its open finding is out of scope for every diff below.
    await scan({ ...stored, snapshot: 'C.json', diff: false });

    const first = await scan({ ...stored, snapshot: 'A.json' });
    const ids = (entries: { findingId: string }[]) => entries.map((e) => e.findingId).sort();
    const logEu = idOf(LOGGING, region(ACCOUNT, 'eu-west-1', false));
    const logUs = idOf(LOGGING, region(ACCOUNT, 'us-east-1', false));
    const g1 = idOf(GUARDRAIL, guardrail('us-east-1', 'g1', false));
    const g2 = idOf(GUARDRAIL, guardrail('eu-west-1', 'g2', false));
    expect(ids(first.outcome.diff!.new)).toEqual([logEu, g1, g2].sort());
    expect(first.outcome.diff!.fixed).toEqual([]);
    expect(first.outcome.newFindings).toBe(3);

    const second = await scan({ ...stored, snapshot: 'B.json' });
    const d = second.outcome.diff!;
    expect(ids(d.new)).toEqual([logUs]);
    expect(ids(d.fixed)).toEqual([logEu]);
    expect(ids(d.unknown)).toEqual([g2]);
    expect(d.unknown[0]!.reason).toContain('AccessDeniedException');
    expect(ids(d.stillFailing)).toEqual([g1]);
    // The same in the JSON document.
    const doc = JSON.parse(second.stdout);
    expect(doc.diff.counts).toEqual({ new: 1, fixed: 1, stillFailing: 1, unknown: 1 });
    expect(doc.diff.fixed[0]).toMatchObject({
      findingId: logEu,
      check: LOGGING,
      account: ACCOUNT,
      region: 'eu-west-1',
    });

    const third = await scan({ ...stored, snapshot: 'B.json' });
    expect(third.outcome.diff!.new).toEqual([]);
    expect(third.outcome.diff!.fixed).toEqual([]);
    expect(ids(third.outcome.diff!.unknown)).toEqual([g2]);
    expect(ids(third.outcome.diff!.stillFailing)).toEqual([logUs, g1].sort());

    const store = await openStore(db);
    try {
      expect((await store.getFinding(logEu))?.status).toBe('resolved');
      expect((await store.getFinding(g2))?.status).toBe('open');
      expect((await store.getFinding(logUs))?.status).toBe('open');
      const other = idOf(LOGGING, region(OTHER, 'us-east-1', false));
      expect((await store.getFinding(other))?.status).toBe('open');
      const runs = await store.listRuns();
      expect(runs.map((r) => r.command)).toEqual(['scan', 'scan', 'scan', 'scan']);
      expect(runs[0]).toMatchObject({ inputs: ['B.json'], findings: 2, newFindings: 0, badInputs: 1 });
    } finally {
      await store.close();
    }
  });

  it('the table shows the diff too', async () => {
    const db = file('diff-table.db');
    await scan({ store: true, db, snapshot: 'A.json', diff: true });
    const { stdout, stderr } = await scan({ store: true, db, snapshot: 'B.json', diff: true });
    expect(stdout).toContain('1 new, 1 fixed, 1 still failing, 1 unknown (could not check now)');
    const NL = '\n' + ' '.repeat(25);
    expect(stdout).toContain(
      `  NEW           HIGH     Bedrock model invocation logging is on${NL}us-east-1 (aws / ${ACCOUNT} / us-east-1)\n`,
    );
    expect(stdout).toContain(
      `  FIXED         HIGH     Bedrock model invocation logging is on${NL}eu-west-1 (aws / ${ACCOUNT} / eu-west-1)\n`,
    );
    expect(stdout).toContain(
      `  UNKNOWN       MEDIUM   Guardrails filter harmful content${NL}g2 (aws / ${ACCOUNT} / eu-west-1)${NL}aws.bedrock.guardrail could not be collected`,
    );
    expect(stdout).toContain(
      `  STILL FAILING MEDIUM   Guardrails filter harmful content${NL}g1 (aws / ${ACCOUNT} / us-east-1)\n`,
    );
    expect(stdout).toContain('jackstop findings show');
    expect(stderr).toContain(`1 new finding, stored in ${db}`);
  });
});
