import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IdSet } from './id-set.js';

describe('IdSet', () => {
  it('counts distinct ids exactly through many resizes and refuses repeats', () => {
    const set = new IdSet();
    const ids = Array.from({ length: 200_000 }, () => randomUUID());
    for (const id of ids) expect(set.add(id)).toBe(true);
    expect(set.size).toBe(200_000);
    for (let i = 0; i < ids.length; i += 97) expect(set.add(ids[i]!)).toBe(false);
    expect(set.size).toBe(200_000);
    expect(set.has(ids[123_456]!)).toBe(true);
    expect(set.has(randomUUID())).toBe(false);
  });

  it('tells apart ids that differ in one character, and the empty id', () => {
    const set = new IdSet(1);
    for (const id of ['', 'a', 'b', 'ab', 'ba', 'e-1', 'e-2', 'E-1']) expect(set.add(id)).toBe(true);
    expect(set.size).toBe(8);
    expect(set.add('e-1')).toBe(false);
    expect(set.has('')).toBe(true);
  });
});
