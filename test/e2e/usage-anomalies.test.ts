/**
 * `jackstop usage` and `jackstop detect` on weeks of generated model use with an LLMjacking episode
 * (test/scenarios): the report names the anomalies, and detect turns them into findings carrying
 * the numbers and the key's blast radius. The built CLI, as a user runs it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateScenario } from '../scenarios/generator.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin', 'jackstop.js');
let dir: string;
let logs: string;

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'src', 'cli', 'main.js'))) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
  dir = mkdtempSync(join(tmpdir(), 'jackstop-usage-anomalies-'));
  // Three weeks of the org's normal use, then a leaked long-term key abused from 02:30 on a Saturday;
  // CloudTrail and invocation-log records mixed in one NDJSON file, as a log pipeline might deliver.
  const sc = generateScenario({
    seed: 7,
    start: '2026-10-05T00:00:00Z',
    weeks: 3,
    episode: { kind: 'new-key', start: '2026-10-24T02:30:00Z' },
  });
  logs = join(dir, 'org.ndjson');
  writeFileSync(logs, `${sc.records.map((r) => JSON.stringify(r.record)).join('\n')}\n`);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('anomalies on generated weeks of use', () => {
  it('usage reports them, about the leaked key only', () => {
    const r = run(['usage', logs, '--no-store', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { anomalies: { title: string; subject: string; firstSeen: string }[] };
    expect(report.anomalies.length).toBeGreaterThan(0);
    const about = (a: { subject: string }) => /ci-deploy|AKIAEXAMPLELEAKED004|111122223333/.test(a.subject);
    expect(report.anomalies.filter((a) => !about(a))).toEqual([]);
    expect(report.anomalies.filter((a) => a.firstSeen < '2026-10-24T02:00:00')).toEqual([]);
  });

  it('detect raises them as findings with their numbers, next to the rule findings, with the exposure', () => {
    const r = run(['detect', logs, '--no-store', '--format', 'json', '--fail-on', 'none']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      findings: {
        kind: string;
        ruleId: string;
        subject: { id: string };
        evidence: { metrics?: Record<string, number> };
        blastRadius?: { maxUsdPerDay: number };
      }[];
    };
    const anomalies = out.findings.filter((f) => f.kind === 'anomaly');
    expect(anomalies.map((f) => f.ruleId)).toContain('jackstop.anomaly.long-term-key-first-invocation');
    expect(anomalies.every((f) => f.evidence.metrics && Object.keys(f.evidence.metrics).length > 0)).toBe(true);
    const leaked = out.findings.filter((f) => f.kind === 'detection' && f.subject.id.endsWith(':user/ci-deploy'));
    expect(leaked.map((f) => f.ruleId)).toContain('jackstop.aws.bedrock.region-hopping');
    expect(leaked.every((f) => (f.blastRadius?.maxUsdPerDay ?? 0) > 1000)).toBe(true);
  });
});
