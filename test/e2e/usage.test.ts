/**
 * `jackstop usage` as a user runs it: the built bin in a child process, real files, a real store.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATASETS } from '../datasets.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'bin', 'jackstop.js');
let dir: string;

function run(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A leaked key streaming Claude from two IPs over two hours, plus one probe. */
function invoke(i: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      arn: 'arn:aws:iam::123456789012:user/leaked',
      accountId: '123456789012',
      accessKeyId: 'AKIAEXAMPLELEAKED001',
    },
    eventTime: `2024-07-08T${i < 3 ? '17' : '18'}:0${i}:49Z`,
    eventSource: 'bedrock.amazonaws.com',
    eventName: 'InvokeModelWithResponseStream',
    awsRegion: 'us-east-1',
    sourceIPAddress: i % 2 ? '194.48.248.108' : '83.7.139.184',
    userAgent: 'Python/3.11 aiohttp/3.9.5',
    requestParameters: { modelId: 'anthropic.claude-3-opus-20240229-v1:0' },
    responseElements: null,
    eventID: `usage-e2e-${i}`,
    readOnly: true,
    recipientAccountId: '123456789012',
    ...over,
  };
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist', 'src', 'cli', 'commands', 'usage.js'))) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  }
  dir = mkdtempSync(join(tmpdir(), 'jackstop-usage-'));
  const records = [0, 1, 2, 3, 4].map((i) => invoke(i));
  records.push(invoke(5, { eventName: 'InvokeModel', errorCode: 'ValidationException', eventID: 'usage-e2e-probe' }));
  writeFileSync(join(dir, 'trail.json'), JSON.stringify({ Records: records }));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Claude 3 Opus: $0.015 / $0.075 per 1k; streaming calls assumed 3000 in + 600 out → $0.09 each.
const PER_STREAMING_CALL = 0.09;

describe('jackstop usage', () => {
  it('reports per identity with the estimate basis, a trend and top spenders, and stores the hours', () => {
    const r = run(['usage', 'trail.json', '--db', 'u.db', '--no-progress']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/6 invocations, 1 failed, \$0\.45 ~ \(estimated\)/);
    expect(r.stdout).toMatch(/arn:aws:iam::123456789012:user\/leaked\s+6\s+1\s+—\s+\$0\.45 ~\s+[▁-█·]+/);
    expect(r.stdout).toMatch(/Top spenders\n {2}1\. arn:aws:iam::123456789012:user\/leaked/);
    expect(r.stderr).toMatch(/6 records read, 6 model invocations.*6 new invocations stored in u\.db/);
  });

  it('re-running over the same logs adds nothing to the store', () => {
    const again = run(['usage', 'trail.json', '--db', 'u.db', '-q']);
    expect(again.code).toBe(0);
    const stored = run(['usage', '--from-store', '--db', 'u.db', '--format', 'json', '-q']);
    expect(stored.code).toBe(0);
    const report = JSON.parse(stored.stdout);
    expect(report.totals).toMatchObject({ invocations: 6, errors: 1, basis: 'estimated' });
    expect(report.totals.costUsd).toBeCloseTo(5 * PER_STREAMING_CALL, 6);
    expect(report.hours).toEqual(['2024-07-08T17:00:00.000Z', '2024-07-08T18:00:00.000Z']);
    expect(report.byIdentity[0].sourceIps).toEqual(['83.7.139.184', '194.48.248.108']);
    // --since applies to what the store holds.
    const late = JSON.parse(
      run(['usage', '--from-store', '--db', 'u.db', '-f', 'json', '-q', '--since', '2024-07-08T18:00:00Z']).stdout,
    );
    expect(late.totals.invocations).toBe(3);
  });

  it('writes a self-contained HTML report whose chart data equals the aggregates', () => {
    const r = run(['usage', 'trail.json', '--no-store', '-f', 'json', '--html', 'out/report.html', '-q']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=/);
    const data = JSON.parse(/<script id="usage-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!);
    expect(data.hours).toEqual(report.hours);
    expect(data.costPerHourByIdentity).toEqual([{ name: 'arn:aws:iam::123456789012:user/leaked', data: [0.27, 0.18] }]);
    expect(data.costByModel).toEqual([{ name: 'anthropic.claude-3-opus-20240229-v1:0', value: 0.45, invocations: 6 }]);
  });

  it('reads the shared Vertex AI and Converse samples', () => {
    const r = run([
      'usage',
      join(DATASETS, 'cloudtrail/elastic-integrations/test-converse-json.log'),
      join(DATASETS, 'cloud-audit/elastic-integrations/gcp_vertexai/test-vertexai.log'),
      '--no-store',
      '-f',
      'json',
      '-q',
    ]);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.byModel.map((m: { name: string }) => m.name).sort()).toEqual([
      'anthropic.claude-3-5-sonnet-20240620-v1:0',
      'gemini-2.0-flash-live-preview-04-09',
    ]);
  });

  it('fails with exit 2 and a clear message on a missing input, and without inputs', () => {
    const missing = run(['usage', 'nope.json', '--db', 'u2.db']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.json/);
    const none = run(['usage']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/give log files.*--from-store \[JACKSTOP_USAGE\]/);
  });
});
