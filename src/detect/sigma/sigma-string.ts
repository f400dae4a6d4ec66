/**
 * Sigma string values: wildcards (`*`, `?`), their backslash escapes, and `%placeholder%` names
 * (only when the `expand` modifier asks for them).
 *
 * Escapes, per the specification: `\*`, `\?` and `\\` stand for the plain character; a backslash
 * before anything else is itself plain. So `\\*` is a backslash then a wildcard, `\\\*` a backslash
 * then a plain star, and `\\\\` two plain backslashes.
 */
import type { GlobToken } from './ast.js';

export interface Placeholder {
  readonly placeholder: string;
}

export type StringPart = GlobToken | Placeholder;

const STAR = Object.freeze({ wildcard: '*' as const });
const QMARK = Object.freeze({ wildcard: '?' as const });

export function isWildcard(p: StringPart): p is { readonly wildcard: '*' | '?' } {
  return typeof p === 'object' && 'wildcard' in p;
}

export function isPlaceholder(p: StringPart): p is Placeholder {
  return typeof p === 'object' && 'placeholder' in p;
}

/** Split a rule string into literal text, wildcards and (if `placeholders`) placeholders. */
export function parseSigmaString(raw: string, placeholders = false): StringPart[] {
  const parts: StringPart[] = [];
  let text = '';
  const flush = (): void => {
    if (text !== '') parts.push(text);
    text = '';
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\') {
      const next = raw[i + 1];
      if (next === '*' || next === '?' || next === '\\' || (placeholders && next === '%')) {
        text += next;
        i++;
      } else {
        text += '\\';
      }
    } else if (c === '*') {
      flush();
      if (!isStar(parts[parts.length - 1])) parts.push(STAR); // `**` is the same as `*`
    } else if (c === '?') {
      flush();
      parts.push(QMARK);
    } else if (c === '%' && placeholders) {
      const end = raw.indexOf('%', i + 1);
      const name = end > i + 1 ? raw.slice(i + 1, end) : '';
      if (name !== '' && !/\s/.test(name)) {
        flush();
        parts.push(Object.freeze({ placeholder: name }));
        i = end;
      } else {
        text += c;
      }
    } else {
      text += c;
    }
  }
  flush();
  return parts;
}

function isStar(p: StringPart | undefined): boolean {
  return p !== undefined && isWildcard(p) && p.wildcard === '*';
}

/** Append parts, merging adjacent literals and collapsing `**`. */
export function concatParts(...lists: (readonly StringPart[])[]): StringPart[] {
  const out: StringPart[] = [];
  for (const list of lists) {
    for (const p of list) {
      const last = out[out.length - 1];
      if (typeof p === 'string') {
        if (p === '') continue;
        if (typeof last === 'string') out[out.length - 1] = last + p;
        else out.push(p);
      } else if (isStar(p) && isStar(last)) {
        // `**` ≡ `*`
      } else {
        out.push(p);
      }
    }
  }
  return out;
}

export function hasWildcards(parts: readonly StringPart[]): boolean {
  return parts.some(isWildcard);
}

export function hasPlaceholders(parts: readonly StringPart[]): boolean {
  return parts.some(isPlaceholder);
}

/** The literal text of parts that hold no wildcard or placeholder. */
export function plainText(parts: readonly StringPart[]): string {
  let s = '';
  for (const p of parts) if (typeof p === 'string') s += p;
  return s;
}

export const WILDCARD_STAR = STAR;
