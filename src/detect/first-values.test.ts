import { describe, expect, it } from 'vitest';
import { FirstValues } from './first-values.js';

/** A seeded shuffle (mulberry32), so a failure can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('FirstValues', () => {
  // A stream with repeats: value i % 7 at position i, plus rarer values further on.
  const stream = Array.from({ length: 60 }, (_, i) => ({ v: i % 3 === 0 ? `v${i % 7}` : `w${i % 13}`, pos: i * 10 }));

  it('in order, keeps the first distinct values and where each was first seen', () => {
    const f = new FirstValues(5);
    for (const { v, pos } of stream) f.add(v, pos);
    expect(f.values).toEqual(['v0', 'w1', 'w2', 'v3', 'w4']);
    expect(f.at).toEqual([0, 10, 20, 30, 40]);
    expect(f.full).toBe(true);
    expect(f.wants(45)).toBe(false);
    expect(f.wants(35)).toBe(true);
  });

  it('any order of adds, and any split merged in any order, gives the in-order result', () => {
    for (const cap of [1, 3, 8, 100]) {
      const inOrder = new FirstValues(cap);
      for (const { v, pos } of stream) inOrder.add(v, pos);
      for (let seed = 1; seed <= 25; seed++) {
        const mixed = shuffled(stream, seed);
        const f = new FirstValues(cap);
        for (const { v, pos } of mixed) f.add(v, pos);
        expect(f.values, `cap ${cap} seed ${seed}`).toEqual(inOrder.values);
        expect(f.at).toEqual(inOrder.at);
        // Three parts read apart, merged in a shuffled order.
        const parts = [new FirstValues(cap), new FirstValues(cap), new FirstValues(cap)];
        mixed.forEach(({ v, pos }, i) => {
          parts[i % 3]!.add(v, pos);
        });
        const merged = new FirstValues(cap);
        for (const p of shuffled(parts, seed + 100)) merged.merge(p);
        expect(merged.values).toEqual(inOrder.values);
        expect(merged.at).toEqual(inOrder.at);
      }
    }
  });

  it('ignores undefined, and a repeat at an earlier position moves the value forward', () => {
    const f = new FirstValues(3);
    f.add(undefined, 1);
    f.add('a', 50);
    f.add('b', 60);
    f.add('a', 40);
    f.add('c', 10);
    expect(f.values).toEqual(['c', 'a', 'b']);
    expect(f.at).toEqual([10, 40, 60]);
    f.add('d', 5);
    expect(f.values).toEqual(['d', 'c', 'a']);
  });
});
