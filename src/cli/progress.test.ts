import { Writable } from 'node:stream';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createProgressReporter } from './progress.js';

class FakeStream extends Writable {
  text = '';
  constructor(
    readonly isTTY: boolean,
    readonly columns = 120,
  ) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

// Drop the terminal control sequences, keep what a user would read.
const ESCAPES = new RegExp(`${String.fromCharCode(27)}(\\[[0-9;?]*[A-Za-z]|[78])`, 'g');
const visible = (s: string) => s.replace(ESCAPES, '');

afterEach(() => {
  vi.useRealTimers();
});

describe('createProgressReporter', () => {
  test('writes nothing when the stream is not a terminal', () => {
    const stream = new FakeStream(false);
    const progress = createProgressReporter({ stream });
    progress.update({ filesTotal: 3, filesDone: 1, bytesTotal: 300, bytesDone: 100, records: 50 });
    progress.update({ filesTotal: 3, filesDone: 3, bytesTotal: 300, bytesDone: 300, records: 150 });
    progress.stop();
    expect(stream.text).toBe('');
  });

  test('enabled: false is quiet even on a terminal', () => {
    const stream = new FakeStream(true);
    const progress = createProgressReporter({ stream, enabled: false });
    progress.update({ filesDone: 0, bytesDone: 0, records: 0 });
    progress.stop();
    expect(stream.text).toBe('');
  });

  test('on a terminal: a bar by bytes with files, events, events/s and an ETA, redrawn in place', () => {
    vi.useFakeTimers({ now: 0 });
    const stream = new FakeStream(true);
    const progress = createProgressReporter({ stream });
    progress.update({ filesTotal: 4, filesDone: 0, bytesTotal: 4000, bytesDone: 0, records: 0 });
    vi.setSystemTime(2000);
    progress.update({ filesTotal: 4, filesDone: 2, bytesTotal: 4000, bytesDone: 2000, records: 12_345 });
    vi.setSystemTime(4000);
    progress.update({ filesTotal: 4, filesDone: 4, bytesTotal: 4000, bytesDone: 4000, records: 24_000 });
    progress.stop();
    progress.stop();
    const out = visible(stream.text);
    expect(out).toContain('[------------------------]   0% | files 0/4 | 0 events | 0 events/s');
    expect(out).not.toContain('ETA 0s');
    expect(out).toMatch(/\[[^\]]{24}\] {2}50% \| files 2\/4 \| 12,345 events \| 6,173 events\/s \| ETA 2s/);
    expect(out).toMatch(/\] 100% \| files 4\/4 \| 24,000 events \| 6,000 events\/s\n$/);
    expect(stream.text).toContain('\x1b['); // redrawn with cursor moves, not appended lines
    expect(out.split('\n')).toHaveLength(2);
  });

  test('without a byte total (stdin): counts only, no bar and no ETA', () => {
    vi.useFakeTimers({ now: 0 });
    const stream = new FakeStream(true);
    const progress = createProgressReporter({ stream });
    progress.update({ filesTotal: 1, filesDone: 0, bytesDone: 10, records: 0 });
    vi.setSystemTime(1000);
    progress.update({ filesTotal: 1, filesDone: 1, bytesDone: 5000, records: 1500 });
    progress.stop();
    const out = visible(stream.text);
    expect(out).toContain('files 1/1 | 1,500 events | 1,500 events/s');
    expect(out).not.toContain('ETA');
    expect(out).not.toContain('[');
  });

  test('stop without any update writes nothing', () => {
    const stream = new FakeStream(true);
    createProgressReporter({ stream }).stop();
    expect(stream.text).toBe('');
  });
});
