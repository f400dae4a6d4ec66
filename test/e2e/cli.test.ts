/**
 * The built CLI as a user runs it: a child process on `bin/jackstop.js`, real files, real exit
 * codes. (Vitest transforms sources; only the built output shows ESM/CommonJS interop problems.)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASETS } from '../datasets.js';
import { sarifValidator } from '../fixtures/export/findings.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin', 'jackstop.js');
const shared = DATASETS;
let dir: string;

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const key = 'AKIAEXAMPLEPROBE0001';
function bedrockEvent(i: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEUSER00001',
      arn: 'arn:aws:iam::123456789012:user/administrator',
      accountId: '123456789012',
      accessKeyId: key,
      userName: 'administrator',
    },
    eventTime: `2024-07-08T17:0${i}:49Z`,
    eventSource: 'bedrock.amazonaws.com',
    eventName: 'InvokeModel',
    awsRegion: 'eu-west-3',
    sourceIPAddress: '198.44.136.222',
    userAgent: 'Python/3.11 aiohttp/3.9.5',
    requestParameters: { modelId: 'anthropic.claude-v2' },
    responseElements: null,
    errorCode: 'ValidationException',
    errorMessage: 'max_tokens_to_sample: range: 1..1,000,000',
    requestID: `5c27e6bb-4918-4a75-a67f-d4df1637047${i}`,
    eventID: `d2ff79d2-cf19-4e5d-bf86-e43d065bf90${i}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '123456789012',
    eventCategory: 'Management',
    tlsDetails: { clientProvidedHostHeader: 'bedrock-runtime.eu-west-3.amazonaws.com' },
    ...over,
  };
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'src', 'cli', 'main.js'))) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
  dir = mkdtempSync(join(tmpdir(), 'jackstop-cli-'));
  writeFileSync(join(dir, 'probe.json.gz'), gzipSync(JSON.stringify({ Records: [bedrockEvent(1), bedrockEvent(2)] })));
  // Good lines around a malformed one and a record of the wrong shape.
  writeFileSync(
    join(dir, 'mixed.ndjson'),
    [
      JSON.stringify(bedrockEvent(3)),
      '{"eventName": "InvokeModel", oops',
      JSON.stringify({ hello: 'world' }),
      JSON.stringify(bedrockEvent(4)),
    ].join('\n'),
  );
  const whole = gzipSync(JSON.stringify({ Records: [bedrockEvent(5)] }));
  writeFileSync(join(dir, 'truncated.json.gz'), whole.subarray(0, whole.length - 12));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('jackstop detect', () => {
  it('finds the probe, exits 1 at the default --fail-on, and keeps findings in the default store', () => {
    const r = run(['detect', 'probe.json.gz', '--format', 'json']);
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as { findings: { ruleId: string; count: number; subject: { id: string } }[] };
    const probe = out.findings.find((f) => f.ruleId === 'jackstop.aws.bedrock.invoke-probe-long-term-key');
    expect(probe).toMatchObject({ count: 2, subject: { id: 'arn:aws:iam::123456789012:user/administrator' } });
    expect(existsSync(join(dir, '.jackstop', 'jackstop.db'))).toBe(true);
    expect(r.stderr).toMatch(/2 events read/);
  });

  it('re-running over the same logs adds no duplicate findings', () => {
    const db = join(dir, 'rerun.db');
    const first = run(['detect', 'probe.json.gz', '--db', db, '--fail-on', 'none']);
    const second = run(['detect', 'probe.json.gz', '--db', db, '--fail-on', 'none']);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    const n = Number(/(\d+) findings? /.exec(first.stderr)?.[1]);
    expect(n).toBeGreaterThan(0);
    expect(first.stderr).toContain(`${n} new`);
    expect(second.stderr).toContain('0 new');
    const listed = JSON.parse(run(['findings', 'list', '--db', db, '--format', 'json']).stdout) as {
      findings: { count: number }[];
    };
    expect(listed.findings).toHaveLength(n);
    expect(listed.findings.every((f) => f.count === 2)).toBe(true);
  });

  it('--fail-on above the worst finding exits 0', () => {
    expect(run(['detect', 'probe.json.gz', '--no-store', '--fail-on', 'critical']).code).toBe(0);
  });

  it('reads stdin', () => {
    const r = run(['detect', '-', '--no-store', '--format', 'ndjson'], JSON.stringify([bedrockEvent(6)]));
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n').length).toBeGreaterThan(0);
    expect(r.stdout).toContain('invoke-probe-long-term-key');
  });

  it('keeps bad input aside with file and line, and still reads the good records around it', () => {
    const q = join(dir, 'quarantine.ndjson');
    const r = run(['detect', 'mixed.ndjson', 'truncated.json.gz', '--no-store', '--format', 'json', '--quarantine', q]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/mixed\.ndjson:2:\d+: .*\[JACKSTOP_INPUT_MALFORMED_JSON\]/);
    // A line holding some other JSON object is not CloudTrail at all.
    expect(r.stderr).toMatch(/mixed\.ndjson:3: .*not CloudTrail.*\[JACKSTOP_INPUT_UNSUPPORTED\]/);
    expect(r.stderr).toMatch(/truncated\.json\.gz.*\[JACKSTOP_INPUT_TRUNCATED\]/);
    expect(r.stderr).toMatch(/3 bad inputs/);
    const quarantined = readFileSync(q, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { code: string });
    expect(quarantined.map((x) => x.code).sort()).toEqual([
      'JACKSTOP_INPUT_MALFORMED_JSON',
      'JACKSTOP_INPUT_TRUNCATED',
      'JACKSTOP_INPUT_UNSUPPORTED',
    ]);
    const out = JSON.parse(r.stdout) as { findings: { ruleId: string; count: number }[] };
    expect(out.findings.find((f) => f.ruleId === 'jackstop.aws.bedrock.invoke-probe-long-term-key')?.count).toBe(2);
  });

  it('a record of the wrong shape inside a Records list is kept aside with its index', () => {
    writeFileSync(join(dir, 'shape.json'), JSON.stringify({ Records: [bedrockEvent(7), 42, bedrockEvent(8)] }));
    const r = run([
      'detect',
      'shape.json',
      '--no-store',
      '--format',
      'json',
      '--quarantine',
      join(dir, 'shape-q.ndjson'),
    ]);
    expect(r.stderr).toMatch(/shape\.json#1: .*\[JACKSTOP_INPUT_WRONG_SHAPE\]/);
    const out = JSON.parse(r.stdout) as { findings: { ruleId: string; count: number }[] };
    expect(out.findings.find((f) => f.ruleId === 'jackstop.aws.bedrock.invoke-probe-long-term-key')?.count).toBe(2);
  });

  it('an invalid rule is reported with file and line, and the other rules still run', () => {
    writeFileSync(
      join(dir, 'bad-rule.yml'),
      'title: broken\nlogsource: {product: aws}\ndetection:\n  sel:\n    eventName|nosuchmod: x\n  condition: sel\n',
    );
    const r = run(['detect', 'probe.json.gz', '--no-store', '--rules', 'bad-rule.yml', '--format', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rule error: .*bad-rule\.yml:5:\d+: .*\[JACKSTOP_RULE_INVALID\]/);
    expect(r.stderr).toMatch(/1 rule error/);
  });

  it('--since/--until keep only the window', () => {
    const r = run(['detect', 'probe.json.gz', '--no-store', '--format', 'json', '--since', '2024-07-08T17:02:00Z']);
    const out = JSON.parse(r.stdout) as { findings: { ruleId: string; count: number }[] };
    expect(out.findings.find((f) => f.ruleId === 'jackstop.aws.bedrock.invoke-probe-long-term-key')?.count).toBe(1);
    const none = run(['detect', 'probe.json.gz', '--no-store', '--until', '2024-07-08', '--format', 'json']);
    expect(none.code).toBe(0);
    expect((JSON.parse(none.stdout) as { findings: unknown[] }).findings).toEqual([]);
  });

  it('writes SARIF and OCSF', () => {
    const sarif = JSON.parse(run(['detect', 'probe.json.gz', '--no-store', '-f', 'sarif']).stdout) as {
      version: string;
      runs: { results: { ruleId: string }[] }[];
    };
    expect(sarif.version).toBe('2.1.0');
    const check = sarifValidator()(sarif);
    expect(check.errors).toEqual([]);
    expect(check.valid).toBe(true);
    expect(sarif.runs[0]!.results.map((x) => x.ruleId)).toContain('jackstop.aws.bedrock.invoke-probe-long-term-key');
    const ocsf = JSON.parse(run(['detect', 'probe.json.gz', '--no-store', '-f', 'ocsf']).stdout) as {
      class_uid: number;
    }[];
    expect(ocsf.length).toBeGreaterThan(0);
    expect(ocsf.every((o) => o.class_uid === 2004)).toBe(true);
  });

  it('exits 2 on a missing input and on a bad flag', () => {
    const missing = run(['detect', 'no-such-dir', '--no-store']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no-such-dir.*\[JACKSTOP_INPUT_NOT_FOUND\]/);
    expect(run(['detect', 'probe.json.gz', '--format', 'xml']).code).toBe(2);
    expect(run(['detect', 'probe.json.gz', '--since', 'last tuesday']).code).toBe(2);
    const workers = run(['detect', 'probe.json.gz', '--workers', 'many']);
    expect(workers.code).toBe(2);
    expect(workers.stderr).toMatch(/--workers.*whole number/);
  });

  it('reports the same with worker threads and with the prefilter off as on one thread', () => {
    const report = (extra: string[]) => {
      const r = run(['detect', join(root, 'samples'), '--no-store', '--format', 'json', '--fail-on', 'none', ...extra]);
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { run: { events: number; matchedEvents: number }; findings: unknown[] };
      // The remediation text quotes the time of the run: the one thing allowed to differ.
      const findings = JSON.stringify(out.findings).replace(/TokenIssueTime[^0-9]+[0-9T:-]+Z/g, 'NOW');
      return { events: out.run.events, matched: out.run.matchedEvents, findings };
    };
    const one = report(['--workers', '0']);
    expect(one.matched).toBeGreaterThan(0);
    expect(report(['--workers', '2'])).toEqual(one);
    expect(report(['--workers', '0', '--no-prefilter'])).toEqual(one);
  });

  it.skipIf(!existsSync(shared))('runs the real shared CloudTrail logs end to end with the SigmaHQ rules', () => {
    const r = run([
      'detect',
      join(shared, 'cloudtrail'),
      '--rules',
      join(shared, 'sigma'),
      '--no-store',
      '--format',
      'json',
      '--quarantine',
      join(dir, 'shared-q.ndjson'),
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/336 events read/);
    // The 9 SigmaHQ rules that need correlation or placeholders are refused, not fatal.
    expect(r.stderr).toMatch(/9 rule errors/);
    const out = JSON.parse(r.stdout) as { findings: { ruleId: string; evidence: { locations: string[] } }[] };
    const fired = (file: string) =>
      out.findings.filter((f) => f.evidence.locations.some((l) => l.includes(file))).map((f) => f.ruleId);
    // SigmaHQ aws_cloudtrail_disable_logging (4db60cc0…) on both real CloudTrail deletions.
    expect(fired('stratus-red-team/aws.defense-evasion.cloudtrail-delete.json')).toContain(
      '4db60cc0-36fb-42b7-9b58-a5b53019fb74',
    );
    expect(fired('cloudtrail2sightings/aws.defense-evasion.cloudtrail-delete.json')).toContain(
      '4db60cc0-36fb-42b7-9b58-a5b53019fb74',
    );
  });
});

describe('jackstop rules', () => {
  it('test runs every built-in example and passes', () => {
    const r = run(['rules', 'test']);
    expect(r.code, r.stdout).toBe(0);
    const m = /(\d+) passed, (\d+) failed/.exec(r.stdout);
    expect(Number(m?.[1])).toBeGreaterThanOrEqual(23 * 4);
    expect(Number(m?.[2])).toBe(0);
  });

  it('list shows the pack and refuses unsupported SigmaHQ rules with reasons', () => {
    const r = run(['rules', 'list', '--rules', join(shared, 'sigma', 'unsupported')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('jackstop.aws.bedrock.invoke-probe');
    expect(r.stdout).toMatch(/aws_enum_listing\.yml.*count\(\) > 50/);
  });
});

describe('jackstop demo', () => {
  it('its SARIF report of the whole sample validates against the SARIF 2.1.0 schema', () => {
    const r = run(['detect', join(root, 'samples'), '--no-store', '--format', 'sarif', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { runs: { results: unknown[]; tool: { driver: { rules: unknown[] } } }[] };
    // 8 per-event findings + 5 correlations (region hopping, the enable sequence, logging check, recon, many IPs)
    expect(doc.runs[0]!.results).toHaveLength(13);
    expect(doc.runs[0]!.tool.driver.rules).toHaveLength(13);
    expect(sarifValidator()(doc)).toEqual({ valid: true, errors: [] });
  });

  it('shows the sample intrusion by the leaked key and stores it', () => {
    const r = run(['demo']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('arn:aws:iam::111122223333:user/ci-deploy');
    expect(r.stdout).toContain('AKIAEXAMPLELEAKED004');
    expect(r.stdout).toMatch(/HIGH\s+Bedrock Model Invocation Logging Deleted/);
    // The legitimate app role's Converse traffic raises nothing.
    expect(r.stdout).not.toContain('genai-app-role');
    const list = run(['findings', 'list', '--format', 'json']);
    const ids = (JSON.parse(list.stdout) as { findings: { id: string }[] }).findings.map((f) => f.id);
    const show = run(['findings', 'show', ids[0]!]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('What to do');
    // The leaked key's findings carry its blast radius: what it could burn per day.
    expect(show.stdout).toMatch(/exposure\s+up to \$[\d,]+\/day at default quotas/);
    // The same pass counted model usage into the store: the attacker's key shows up as a spender.
    const usage = JSON.parse(run(['usage', '--from-store', '--format', 'json']).stdout) as {
      topSpenders: { identity: string; costUsd: number }[];
    };
    const attacker = usage.topSpenders.find((t) => t.identity === 'arn:aws:iam::111122223333:user/ci-deploy');
    expect(attacker?.costUsd).toBeGreaterThan(0);
  });
});
