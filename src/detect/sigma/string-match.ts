/**
 * String comparisons for Sigma values, built once per rule value.
 *
 * Case-insensitive means: both sides through `toLowerCase()`. The needle is lowered at compile
 * time; the record value is compared character by character with an ASCII fold and only lowered
 * (one allocation) when it holds non-ASCII characters, so the common CloudTrail comparison
 * (`eventName` equals one of a few names) allocates nothing.
 */
import type { GlobToken, StringTest } from './ast.js';

export type StringPredicate = (hay: string) => boolean;

/** Lower-case an ASCII code; other codes are returned unchanged. */
function foldAscii(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function hasNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return true;
  return false;
}

/** `hay.toLowerCase() === needle` for a lower-case needle, allocation-free for ASCII hays. */
export function equalsIgnoreCase(hay: string, needle: string): boolean {
  // Lower-casing never shortens a string; it only lengthens it for a few characters (U+0130).
  if (hay.length > needle.length) return false;
  if (hay.length < needle.length) return hasNonAscii(hay) && hay.toLowerCase() === needle;
  for (let i = 0; i < hay.length; i++) {
    const c = hay.charCodeAt(i);
    if (c > 127) return hay.toLowerCase() === needle;
    if (foldAscii(c) !== needle.charCodeAt(i)) return false;
  }
  return true;
}

function startsWithIgnoreCase(hay: string, needle: string): boolean {
  for (let i = 0; i < needle.length; i++) {
    if (i >= hay.length) return hasNonAscii(hay) && hay.toLowerCase().startsWith(needle);
    const c = hay.charCodeAt(i);
    if (c > 127) return hay.toLowerCase().startsWith(needle);
    if (foldAscii(c) !== needle.charCodeAt(i)) return false;
  }
  return true;
}

function endsWithIgnoreCase(hay: string, needle: string): boolean {
  const offset = hay.length - needle.length;
  if (offset < 0) return hasNonAscii(hay) && hay.toLowerCase().endsWith(needle);
  for (let i = needle.length - 1; i >= 0; i--) {
    const c = hay.charCodeAt(offset + i);
    if (c > 127) return hay.toLowerCase().endsWith(needle);
    if (foldAscii(c) !== needle.charCodeAt(i)) return false;
  }
  return true;
}

/** A run of pattern tokens between two `*`: literal text and `?` (one UTF-16 code unit). */
interface Chunk {
  readonly length: number;
  /** Literal text when the chunk has no `?` (then `indexOf` finds it). */
  readonly text: string | undefined;
  readonly tokens: readonly (string | null)[];
}

function chunkOf(tokens: readonly GlobToken[]): Chunk {
  const parts: (string | null)[] = [];
  let length = 0;
  let literal = true;
  for (const t of tokens) {
    if (typeof t === 'string') {
      parts.push(t);
      length += t.length;
    } else {
      parts.push(null);
      length += 1;
      literal = false;
    }
  }
  return { length, text: literal ? parts.join('') : undefined, tokens: parts };
}

function chunkAt(hay: string, at: number, chunk: Chunk): boolean {
  if (at < 0 || at + chunk.length > hay.length) return false;
  let p = at;
  for (const t of chunk.tokens) {
    if (t === null) {
      p++;
    } else {
      if (!hay.startsWith(t, p)) return false;
      p += t.length;
    }
  }
  return true;
}

function findChunk(hay: string, from: number, limit: number, chunk: Chunk): number {
  if (chunk.text !== undefined) {
    const i = hay.indexOf(chunk.text, from);
    return i >= 0 && i + chunk.length <= limit ? i : -1;
  }
  for (let s = from; s + chunk.length <= limit; s++) if (chunkAt(hay, s, chunk)) return s;
  return -1;
}

/**
 * A wildcard matcher. The pattern is cut at each `*`; the first and last pieces are anchored, the
 * middle ones are found left to right (leftmost match is always safe between stars), so a match
 * costs at most one scan per piece.
 */
export function globMatcher(pattern: readonly GlobToken[]): StringPredicate {
  const pieces: GlobToken[][] = [[]];
  for (const t of pattern) {
    if (typeof t !== 'string' && t.wildcard === '*') pieces.push([]);
    else pieces[pieces.length - 1]!.push(t);
  }
  const chunks = pieces.map(chunkOf);
  if (chunks.length === 1) {
    const only = chunks[0]!;
    return (hay) => hay.length === only.length && chunkAt(hay, 0, only);
  }
  const first = chunks[0]!;
  const last = chunks[chunks.length - 1]!;
  const middle = chunks.slice(1, -1).filter((c) => c.length > 0);
  const minLength = chunks.reduce((n, c) => n + c.length, 0);
  return (hay) => {
    if (hay.length < minLength) return false;
    if (first.length > 0 && !chunkAt(hay, 0, first)) return false;
    const end = hay.length - last.length;
    if (last.length > 0 && !chunkAt(hay, end, last)) return false;
    let pos = first.length;
    for (const c of middle) {
      const at = findChunk(hay, pos, end, c);
      if (at < 0) return false;
      pos = at + c.length;
    }
    return true;
  };
}

function lowerPattern(pattern: readonly GlobToken[]): GlobToken[] {
  return pattern.map((t) => (typeof t === 'string' ? t.toLowerCase() : t));
}

/** Compile one string test. */
export function stringMatcher(t: StringTest): StringPredicate {
  if (t.cased) {
    const v = t.value;
    switch (t.op) {
      case 'equals':
        return (hay) => hay === v;
      case 'startswith':
        return (hay) => hay.startsWith(v);
      case 'endswith':
        return (hay) => hay.endsWith(v);
      case 'contains':
        return v === '' ? () => true : (hay) => hay.includes(v);
      case 'glob':
        return globMatcher(t.pattern);
    }
  }
  const v = t.value.toLowerCase();
  switch (t.op) {
    case 'equals':
      return (hay) => equalsIgnoreCase(hay, v);
    case 'startswith':
      return (hay) => startsWithIgnoreCase(hay, v);
    case 'endswith':
      return (hay) => endsWithIgnoreCase(hay, v);
    case 'contains':
      return v === '' ? () => true : (hay) => hay.toLowerCase().includes(v);
    case 'glob': {
      const glob = globMatcher(lowerPattern(t.pattern));
      return (hay) => glob(hay.toLowerCase());
    }
  }
}

/**
 * Case-insensitive equality against many needles (a long `eventName` list): candidates are
 * bucketed by length, so a value is compared with few of them.
 */
export function equalsAnyIgnoreCase(needles: readonly string[]): StringPredicate {
  const lowered = [...new Set(needles.map((n) => n.toLowerCase()))];
  const byLength = new Map<number, string[]>();
  let maxLength = 0;
  for (const n of lowered) {
    const list = byLength.get(n.length);
    if (list) list.push(n);
    else byLength.set(n.length, [n]);
    maxLength = Math.max(maxLength, n.length);
  }
  const all = new Set(lowered);
  return (hay) => {
    const bucket = byLength.get(hay.length);
    if (bucket) {
      for (let i = 0; i < bucket.length; i++) if (equalsIgnoreCase(hay, bucket[i]!)) return true;
    }
    // A shorter value can only lower-case to a needle through non-ASCII expansion (U+0130).
    return hay.length < maxLength && hasNonAscii(hay) && all.has(hay.toLowerCase());
  };
}
