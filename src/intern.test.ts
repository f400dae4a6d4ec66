import { describe, expect, it } from 'vitest';
import { StringPool } from './intern.js';

describe('StringPool', () => {
  it('returns the first copy of equal strings, passes undefined through, and stays within its capacity', () => {
    const pool = new StringPool(3);
    const a = pool.intern(['us-', 'east-1'].join(''));
    expect(pool.intern(`us-east-${1}`)).toBe(a);
    expect(pool.intern(undefined)).toBeUndefined();
    for (const s of ['b', 'c', 'd', 'e']) pool.intern(s);
    expect(pool.size).toBeLessThanOrEqual(3);
    expect(pool.intern('us-east-1')).toBe('us-east-1');
  });
});
