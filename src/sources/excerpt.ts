/** Longest excerpt of bad input we keep or write anywhere, in UTF-8 bytes. */
export const MAX_EXCERPT_BYTES = 2048;

const ELLIPSIS = '…';
const ELLIPSIS_BYTES = 3;

function utf8Length(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/**
 * `text` cut to at most `maxBytes` UTF-8 bytes at a character boundary, ending in `…` when cut.
 * Bad input can carry credentials or personal data, so nothing longer ever leaves the reader.
 */
export function clipExcerpt(text: string, maxBytes = MAX_EXCERPT_BYTES): string {
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const budget = maxBytes - ELLIPSIS_BYTES;
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    const n = utf8Length(ch.codePointAt(0) ?? 0);
    if (bytes + n > budget) break;
    bytes += n;
    end += ch.length;
  }
  return text.slice(0, end) + ELLIPSIS;
}

/** The part of one long line around `column` (1-based), for an excerpt of a syntax error in a huge line. */
export function excerptAround(line: string, column: number, radius = 600): string {
  if (line.length <= radius * 2) return clipExcerpt(line);
  const start = Math.max(0, column - 1 - radius);
  const end = Math.min(line.length, column - 1 + radius);
  return clipExcerpt(`${start > 0 ? ELLIPSIS : ''}${line.slice(start, end)}${end < line.length ? ELLIPSIS : ''}`);
}
