import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EXACT_IDS, IdSet } from './id-set.js';

describe('IdSet', () => {
  it('counts distinct ids exactly up to EXACT_IDS, through resizes, and refuses repeats', () => {
    const set = new IdSet();
    const ids = Array.from({ length: EXACT_IDS }, () => randomUUID());
    for (const id of ids) expect(set.add(id)).toBe(true);
    expect(set.size).toBe(EXACT_IDS);
    expect(set.exact).toBe(true);
    for (const id of ids) expect(set.add(id)).toBe(false);
    expect(set.size).toBe(EXACT_IDS);
  });

  it('tells apart ids that differ in one character, and the empty id', () => {
    const set = new IdSet(1);
    for (const id of ['', 'a', 'b', 'ab', 'ba', 'e-1', 'e-2', 'E-1']) expect(set.add(id)).toBe(true);
    expect(set.size).toBe(8);
    expect(set.add('e-1')).toBe(false);
  });

  it('above EXACT_IDS estimates within 2%, and repeats do not raise the estimate', () => {
    for (const n of [5_000, 50_000, 500_000]) {
      const set = new IdSet();
      const ids = Array.from({ length: n }, (_, i) => `event-${i}-${n}`);
      for (const id of ids) set.add(id);
      expect(set.exact).toBe(false);
      const first = set.size;
      expect(Math.abs(first - n) / n, `n=${n} estimate ${first}`).toBeLessThan(0.02);
      for (let i = 0; i < ids.length; i += 3) set.add(ids[i]!);
      expect(set.size).toBe(first);
    }
  });
});
