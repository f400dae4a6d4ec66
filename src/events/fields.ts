/** Small readers shared by the normalizers: raw records bend every field, so each read is tolerant. */
import { createHash } from 'node:crypto';

export type Obj = Record<string, unknown>;

/** A non-empty string, else undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** A finite number, also when written as text (`"200"`). */
export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** A stable id for records without one: the same record always gets the same id. */
export function contentId(raw: Obj): string {
  return createHash('sha1').update(JSON.stringify(raw)).digest('hex');
}

/** `obj.a.b.c`, or undefined as soon as a step is missing. */
export function at(root: unknown, ...path: string[]): unknown {
  let cur: unknown = root;
  for (const key of path) {
    const o = obj(cur);
    if (!o || !Object.hasOwn(o, key)) return undefined;
    cur = o[key];
  }
  return cur;
}
