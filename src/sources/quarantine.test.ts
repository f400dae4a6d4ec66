import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { JackstopError } from '../errors.js';
import { clipExcerpt, excerptAround, MAX_EXCERPT_BYTES } from './excerpt.js';
import { Quarantine } from './index.js';

const dir = mkdtempSync(join(tmpdir(), 'jackstop-quarantine-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('Quarantine', () => {
  test('nothing is created until the first bad input; then one NDJSON line each, in a new folder', async () => {
    const path = join(dir, 'deep', 'er', 'run.ndjson');
    const q = new Quarantine(path);
    expect(q.path).toBe(path);
    expect(q.count).toBe(0);
    expect(existsSync(join(dir, 'deep'))).toBe(false);

    q.add({
      error: new JackstopError('JACKSTOP_INPUT_MALFORMED_JSON', 'invalid JSON on this line', {
        location: { file: 'logs/a.ndjson', line: 4, column: 12 },
      }),
      excerpt: '{"eventName": oops}',
    });
    q.add({
      error: new JackstopError('JACKSTOP_INPUT_NOT_FOUND', 'no such file or directory: x', { location: { file: 'x' } }),
    });
    q.add({ error: new JackstopError('JACKSTOP_S3_ERROR', 'cannot list s3://b/') });
    expect(q.count).toBe(3);
    await q.close();

    expect(lines(path)).toEqual([
      {
        code: 'JACKSTOP_INPUT_MALFORMED_JSON',
        message: 'invalid JSON on this line',
        location: { file: 'logs/a.ndjson', line: 4, column: 12 },
        excerpt: '{"eventName": oops}',
      },
      { code: 'JACKSTOP_INPUT_NOT_FOUND', message: 'no such file or directory: x', location: { file: 'x' } },
      { code: 'JACKSTOP_S3_ERROR', message: 'cannot list s3://b/', location: {} },
    ]);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  test('never writes an excerpt longer than 2 KiB, however long the one it is given', async () => {
    const path = join(dir, 'long.ndjson');
    const q = new Quarantine(path);
    const secret = `{"secretAccessKey":"${'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'.repeat(200)}"}`;
    q.add({ error: new JackstopError('JACKSTOP_INPUT_WRONG_SHAPE', 'not a CloudTrail event'), excerpt: secret });
    q.add({ error: new JackstopError('JACKSTOP_INPUT_WRONG_SHAPE', 'multibyte'), excerpt: '🙂é'.repeat(2000) });
    await q.close();
    const [first, second] = lines(path);
    for (const entry of [first, second]) {
      const excerpt = entry?.excerpt as string;
      expect(Buffer.byteLength(excerpt)).toBeLessThanOrEqual(MAX_EXCERPT_BYTES);
      expect(Buffer.byteLength(excerpt)).toBeGreaterThan(MAX_EXCERPT_BYTES - 8);
      expect(excerpt.endsWith('…')).toBe(true);
    }
    expect(String(first?.excerpt).startsWith('{"secretAccessKey":"wJalrXUtnFEMI')).toBe(true);
    expect(second?.excerpt as string).not.toContain('\uFFFD');
  });

  test('an add after close appends to the same file', async () => {
    const path = join(dir, 'reopen.ndjson');
    const q = new Quarantine(path);
    q.add({ error: new JackstopError('JACKSTOP_INPUT_TRUNCATED', 'one') });
    await q.close();
    q.add({ error: new JackstopError('JACKSTOP_INPUT_TRUNCATED', 'two') });
    await q.close();
    expect(lines(path).map((l) => l.message)).toEqual(['one', 'two']);
    expect(q.count).toBe(2);
  });
});

describe('excerpts', () => {
  test('short text is unchanged; long text is cut at a character boundary with an ellipsis', () => {
    expect(clipExcerpt('abc')).toBe('abc');
    expect(clipExcerpt('a'.repeat(2048))).toBe('a'.repeat(2048));
    expect(clipExcerpt('a'.repeat(2049))).toBe(`${'a'.repeat(2045)}…`);
    expect(clipExcerpt('é'.repeat(10), 9)).toBe('ééé…');
  });

  test('the part of a long line around a column', () => {
    const long = `${'x'.repeat(5000)}ERROR${'y'.repeat(5000)}`;
    const around = excerptAround(long, 5001, 10);
    expect(around).toBe(`…${'x'.repeat(10)}ERROR${'y'.repeat(5)}…`);
  });
});
