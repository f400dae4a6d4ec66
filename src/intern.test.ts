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

describe('StringPool.internFields', () => {
  it('replaces the named fields with the pooled copies in place, and leaves absent fields absent', () => {
    const pool = new StringPool();
    const first = pool.intern(['ap-', 'south-1'].join(''));
    const o: { region?: string; model?: string; id: string } = { region: `ap-south-${1}`, id: 'x' };
    expect(pool.internFields(o, ['region', 'model'])).toBe(o);
    expect(o.region).toBe(first);
    expect('model' in o).toBe(false);
  });
});
