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

describe('IdSet union across sets (absorb)', () => {
  const ids = (n: number, tag: string) => Array.from({ length: n }, (_, i) => `${tag}-${i}`);
  const of = (list: string[]) => {
    const s = new IdSet();
    for (const id of list) s.add(id);
    return s;
  };

  it('gives the set of all ids, whatever the split and the order, exact or sketched', () => {
    for (const n of [10, EXACT_IDS, EXACT_IDS + 1, 4_000]) {
      const all = ids(n, `u${n}`);
      const whole = of(all);
      // Two overlapping parts, absorbed in both orders, and a three-way split absorbed into an empty set.
      const a = all.slice(0, Math.ceil(n * 0.6));
      const b = all.slice(Math.floor(n * 0.3));
      for (const [x, y] of [
        [a, b],
        [b, a],
      ] as const) {
        const left = of([...x]);
        left.absorb(of([...y]).state());
        expect(left.size, `n=${n}`).toBe(whole.size);
        expect(left.exact).toBe(whole.exact);
      }
      const empty = new IdSet();
      for (const part of [all.slice(2 * Math.floor(n / 3)), all.slice(0, n / 3), all.slice(n / 3)]) {
        empty.absorb(of(part).state());
      }
      expect(empty.size).toBe(whole.size);
      // Repeats refused after a union while exact.
      if (whole.exact) for (const id of all) expect(empty.add(id)).toBe(false);
      else expect(empty.add('new-id')).toBe(true);
    }
  });

  it('a union that passes EXACT_IDS becomes a sketch, as adding one by one does', () => {
    const a = of(ids(EXACT_IDS - 10, 'a'));
    a.absorb(of(ids(20, 'b')).state());
    expect(a.exact).toBe(false);
    expect(a.size).toBe(of([...ids(EXACT_IDS - 10, 'a'), ...ids(20, 'b')]).size);
  });
});
