import { describe, expect, it } from 'vitest';
import { JackstopError } from '../errors.js';
import { parseDuration, parseTimeArg } from './time-range.js';

describe('parseTimeArg', () => {
  const now = Date.parse('2026-11-23T12:00:00Z');
  it.each([
    ['24h', '2026-11-22T12:00:00.000Z'],
    ['7d', '2026-11-16T12:00:00.000Z'],
    ['2w', '2026-11-09T12:00:00.000Z'],
    ['30m', '2026-11-23T11:30:00.000Z'],
    ['2024-10-17', '2024-10-17T00:00:00.000Z'],
    ['2024-10-17T20:00:00Z', '2024-10-17T20:00:00.000Z'],
  ])('%s', (value, want) => {
    expect(parseTimeArg('--since', value, now).toISOString()).toBe(want);
  });
  it('refuses what is not a time, naming the flag', () => {
    expect(() => parseTimeArg('--until', 'last tuesday', now)).toThrow(/--until "last tuesday" is not a time/);
    expect(() => parseTimeArg('--until', 'last tuesday', now)).toThrow(JackstopError);
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
  ])('%s', (value, ms) => {
    expect(parseDuration('--late-tolerance', value)).toBe(ms);
  });
  it('refuses other forms', () => {
    expect(() => parseDuration('--late-tolerance', '5 minutes')).toThrow(
      /--late-tolerance "5 minutes" is not a duration/,
    );
    expect(() => parseDuration('--late-tolerance', '-5m')).toThrow(JackstopError);
  });
});
