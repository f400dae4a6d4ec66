import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptySnapshot, readSnapshot, SNAPSHOT_VERSION } from './snapshot.js';

const dir = mkdtempSync(join(tmpdir(), 'jackstop-snapshot-'));

function write(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

async function rendered(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as { render(): string }).render();
  }
  throw new Error('did not throw');
}

const good = emptySnapshot(new Date('2026-11-20T00:00:00Z'), { name: 'jackstop', version: '0.1.0' });
good.accounts.push({ cloud: 'aws', id: '111122223333', regions: ['us-east-1'] });
good.resources.push({
  cloud: 'aws',
  type: 'aws.bedrock.region-settings',
  id: 'arn:aws:bedrock:us-east-1:111122223333:settings',
  account: '111122223333',
  region: 'us-east-1',
  attributes: { invocationLogging: { enabled: false } },
});

describe('readSnapshot', () => {
  it('reads a valid snapshot', async () => {
    const s = await readSnapshot(write('ok.json', JSON.stringify(good, null, 2)));
    expect(s.resources).toHaveLength(1);
  });

  it('says a cut file is truncated, with where it stops', async () => {
    const text = JSON.stringify(good, null, 2);
    for (const at of [0.05, 0.3, 0.6, 0.77, 0.9, 0.99]) {
      const msg = await rendered(readSnapshot(write('cut.json', text.slice(0, Math.floor(text.length * at)))));
      expect(msg, `cut at ${at}`).toMatch(
        /cut\.json:\d+:\d+: the snapshot ends in the middle of its JSON: the file is truncated/,
      );
      expect(msg).toMatch(/JACKSTOP_INPUT_TRUNCATED/);
    }
  });

  it('names the line of malformed JSON', async () => {
    const msg = await rendered(readSnapshot(write('bad.json', '{\n  "format": "jackstop.posture-snapshot",\n  x\n}')));
    expect(msg).toMatch(/bad\.json:3:\d+: the snapshot is not valid JSON/);
  });

  it('refuses another version and another format, saying what to do', async () => {
    const v2 = await rendered(readSnapshot(write('v2.json', JSON.stringify({ ...good, version: 2 }))));
    expect(v2).toMatch(
      new RegExp(`snapshot version 2 is not supported: this Jackstop reads version ${SNAPSHOT_VERSION}`),
    );
    const other = await rendered(readSnapshot(write('other.json', JSON.stringify({ Records: [] }))));
    expect(other).toMatch(/not a posture snapshot: "format" is undefined/);
  });

  it('names the first bad path of a wrong schema', async () => {
    const bad = structuredClone(good);
    (bad.resources[0] as { type: string }).type = 'Bedrock Settings';
    const msg = await rendered(readSnapshot(write('schema.json', JSON.stringify(bad))));
    expect(msg).toMatch(/schema\.json: invalid snapshot at \.resources\[0\]\.type/);
  });

  it('says a missing file is missing', async () => {
    expect(await rendered(readSnapshot(join(dir, 'nope.json')))).toMatch(/JACKSTOP_INPUT_NOT_FOUND/);
  });
});
