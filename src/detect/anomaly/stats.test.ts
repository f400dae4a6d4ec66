import { describe, expect, it } from 'vitest';
import { mad, median, robustZ } from './stats.js';

describe('robust statistics', () => {
  it('median and MAD', () => {
    expect(median([])).toBe(0);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(mad([1, 1, 2, 2, 4, 6, 9])).toBe(1);
  });

  it('robust z resists an outlier in the baseline and uses the floor for a flat one', () => {
    const s = robustZ(100, [10, 11, 9, 10, 12, 10, 500], 1);
    expect(s.median).toBe(10);
    expect(s.z).toBeGreaterThan(40);
    const flat = robustZ(30, [0, 0, 0, 0], 5);
    expect(flat).toMatchObject({ median: 0, mad: 0, scale: 5, z: 6 });
  });
});
