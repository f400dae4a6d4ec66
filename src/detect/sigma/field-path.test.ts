import { describe, expect, it } from 'vitest';
import { FieldPath, fieldPath, type Leaf, MAX_DEPTH, someLeaf } from './field-path.js';

function leaves(path: string, record: unknown): Leaf[] {
  const out: Leaf[] = [];
  new FieldPath(path).someLeaf(record, (v) => {
    out.push(v);
    return false;
  });
  return out;
}

describe('FieldPath', () => {
  it('reads nested objects', () => {
    const rec = { userIdentity: { sessionContext: { sessionIssuer: { type: 'Role' } } } };
    expect(leaves('userIdentity.sessionContext.sessionIssuer.type', rec)).toEqual(['Role']);
    expect(leaves('userIdentity.sessionContext.missing', rec)).toEqual([]);
  });

  it('prefers a literal dotted key, else tries every split', () => {
    expect(leaves('a.b', { 'a.b': 1, a: { b: 2 } })).toEqual([1]);
    expect(leaves('a.b.c', { a: { 'b.c': 3 } })).toEqual([3]);
    expect(leaves('a.b.c', { 'a.b': { c: 4 } })).toEqual([4]);
    expect(leaves('a.b.c', { a: { b: { c: 5 } }, 'a.b': { c: 6 } })).toEqual([5, 6]);
  });

  it('fans out over arrays anywhere on the path', () => {
    const rec = { resources: [{ ARN: 'x' }, { ARN: ['y', 'z'] }, { other: 1 }, null, 7] };
    expect(leaves('resources.ARN', rec)).toEqual(['x', 'y', 'z']);
    expect(leaves('r', { r: [[1, [2]], 3] })).toEqual([1, 2, 3]);
  });

  it('walks every scalar below an object value', () => {
    expect(leaves('p', { p: { a: 'x', b: { c: [true, 2] }, d: null } })).toEqual(['x', true, 2]);
  });

  it('ignores inherited properties', () => {
    expect(leaves('constructor', {})).toEqual([]);
    expect(leaves('toString.name', {})).toEqual([]);
    expect(new FieldPath('__proto__').exists({})).toBe(false);
    expect(leaves('constructor', JSON.parse('{"constructor":"own"}'))).toEqual(['own']);
  });

  it('exists() sees keys with null values; someValue() sees nulls and whole objects', () => {
    const p = new FieldPath('a.b');
    expect(p.exists({ a: { b: null } })).toBe(true);
    expect(p.exists({ a: { c: 1 } })).toBe(false);
    expect(p.exists({ a: [{}, { b: 1 }] })).toBe(true);
    const seen: unknown[] = [];
    p.someValue({ a: [{ b: null }, { b: { x: 1 } }, { b: [2, 3] }] }, (v) => {
      seen.push(v);
      return false;
    });
    expect(seen).toEqual([null, { x: 1 }, 2, 3]);
  });

  it('stops early when the predicate holds', () => {
    let calls = 0;
    const hit = new FieldPath('a').someLeaf({ a: [1, 2, 3] }, (v) => {
      calls++;
      return v === 2;
    });
    expect(hit).toBe(true);
    expect(calls).toBe(2);
  });

  it('does not recurse without bound into hostile nesting', () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 10_000; i++) deep = { x: deep };
    expect(() => someLeaf(deep, () => false)).not.toThrow();
    expect(someLeaf(deep, (v) => v === 'bottom')).toBe(false); // beyond MAX_DEPTH
    let shallow: unknown = 'bottom';
    for (let i = 0; i < MAX_DEPTH - 2; i++) shallow = { x: shallow };
    expect(someLeaf(shallow, (v) => v === 'bottom')).toBe(true);
  });

  it('caches one path object per field name', () => {
    expect(fieldPath('eventName')).toBe(fieldPath('eventName'));
    expect(fieldPath('a.b').segments).toEqual(['a', 'b']);
  });
});
