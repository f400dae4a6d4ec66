/**
 * Where JSON text first breaks the grammar (RFC 8259), and why. `JSON.parse` only says "at position
 * N" for some errors (and never a line), so on failure we validate the text again to point at the
 * exact line and column. Runs only on the error path; iterative, so deep nesting cannot overflow.
 */

export interface JsonSyntaxError {
  /** 0-based offset (UTF-16 code units) of the first character that cannot be valid JSON. */
  offset: number;
  message: string;
}

const OBJECT = 0;
const ARRAY = 1;
const VALUE = 0;
const KEY = 1;
const AFTER = 2;

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** A short, printable name for the character at `i`. */
function describe(text: string, i: number): string {
  if (i >= text.length) return 'end of input';
  const c = text.charCodeAt(i);
  if (c < 0x20) return `control character U+${c.toString(16).padStart(4, '0').toUpperCase()}`;
  return `'${text[i]}'`;
}

class Failure {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

/** End offset (after the closing quote) of the string starting at `i` (which holds `"`). */
function scanString(text: string, i: number): number {
  const n = text.length;
  let j = i + 1;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c === 0x5c) {
      const e = text.charCodeAt(j + 1);
      if (e === 0x75) {
        for (let k = 2; k < 6; k++) {
          if (!isHex(text.charCodeAt(j + k))) throw new Failure(j + k, 'invalid \\u escape: expected 4 hex digits');
        }
        j += 6;
        continue;
      }
      // " \ / b f n r t
      if (
        e === 0x22 ||
        e === 0x5c ||
        e === 0x2f ||
        e === 0x62 ||
        e === 0x66 ||
        e === 0x6e ||
        e === 0x72 ||
        e === 0x74
      ) {
        j += 2;
        continue;
      }
      if (j + 1 >= n) break;
      throw new Failure(j + 1, `invalid escape '\\${text[j + 1]}' in string`);
    }
    if (c < 0x20) throw new Failure(j, `unescaped ${describe(text, j)} in string (a line break inside a value?)`);
    j++;
  }
  throw new Failure(i, 'unterminated string: the closing quote is missing');
}

function scanNumber(text: string, i: number): number {
  let j = i;
  if (text.charCodeAt(j) === 0x2d) j++;
  if (text.charCodeAt(j) === 0x30) {
    j++;
  } else if (isDigit(text.charCodeAt(j))) {
    while (isDigit(text.charCodeAt(j))) j++;
  } else {
    throw new Failure(j, `invalid number: expected a digit, found ${describe(text, j)}`);
  }
  if (text.charCodeAt(j) === 0x2e) {
    j++;
    if (!isDigit(text.charCodeAt(j))) throw new Failure(j, 'invalid number: expected a digit after the decimal point');
    while (isDigit(text.charCodeAt(j))) j++;
  }
  const e = text.charCodeAt(j);
  if (e === 0x65 || e === 0x45) {
    j++;
    const s = text.charCodeAt(j);
    if (s === 0x2b || s === 0x2d) j++;
    if (!isDigit(text.charCodeAt(j))) throw new Failure(j, 'invalid number: expected a digit in the exponent');
    while (isDigit(text.charCodeAt(j))) j++;
  }
  return j;
}

/** Whether the last significant character before `i` is a comma (`[1,]`, `{"a":1,}`). */
function afterComma(text: string, i: number): boolean {
  let j = i - 1;
  while (j >= 0 && isWs(text.charCodeAt(j))) j--;
  return text.charCodeAt(j) === 0x2c;
}

const LITERALS: Record<string, string> = { t: 'true', f: 'false', n: 'null' };

/** The first syntax error in `text`, or undefined when it is one valid JSON value. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const n = text.length;
  const stack: number[] = [];
  let i = 0;
  let state = VALUE;
  const skipWs = () => {
    while (i < n && isWs(text.charCodeAt(i))) i++;
  };
  try {
    skipWs();
    if (i >= n) return { offset: i, message: 'no JSON value: the text is empty' };
    for (;;) {
      if (state === VALUE) {
        skipWs();
        if (i >= n) throw new Failure(i, 'unexpected end of input: a value is missing (is the file cut?)');
        const c = text.charCodeAt(i);
        if (c === 0x7b) {
          i++;
          skipWs();
          if (text.charCodeAt(i) === 0x7d) {
            i++;
            state = AFTER;
          } else {
            stack.push(OBJECT);
            state = KEY;
          }
        } else if (c === 0x5b) {
          i++;
          skipWs();
          if (text.charCodeAt(i) === 0x5d) {
            i++;
            state = AFTER;
          } else {
            stack.push(ARRAY);
          }
        } else if (c === 0x22) {
          i = scanString(text, i);
          state = AFTER;
        } else if (c === 0x2d || isDigit(c)) {
          i = scanNumber(text, i);
          state = AFTER;
        } else {
          const word = LITERALS[text[i] ?? ''];
          if (word !== undefined) {
            let k = 1;
            while (k < word.length && text[i + k] === word[k]) k++;
            if (k < word.length) throw new Failure(i + k, `unexpected ${describe(text, i + k)} in '${word}'`);
            i += word.length;
            state = AFTER;
          } else {
            const hint =
              c === 0x27 ? ' (JSON strings need double quotes)' : afterComma(text, i) ? ' (a trailing comma?)' : '';
            throw new Failure(i, `unexpected ${describe(text, i)}: expected a JSON value${hint}`);
          }
        }
      } else if (state === KEY) {
        skipWs();
        if (text.charCodeAt(i) !== 0x22) {
          if (i >= n) throw new Failure(i, 'unexpected end of input: a property name is missing (is the file cut?)');
          const hint = text.charCodeAt(i) === 0x7d && afterComma(text, i) ? ' (a trailing comma?)' : '';
          throw new Failure(i, `expected a double-quoted property name, found ${describe(text, i)}${hint}`);
        }
        i = scanString(text, i);
        skipWs();
        if (text.charCodeAt(i) !== 0x3a)
          throw new Failure(i, `expected ':' after a property name, found ${describe(text, i)}`);
        i++;
        state = VALUE;
      } else {
        skipWs();
        const top = stack[stack.length - 1];
        if (top === undefined) {
          if (i < n) throw new Failure(i, `unexpected ${describe(text, i)} after the end of the JSON value`);
          return undefined;
        }
        const c = text.charCodeAt(i);
        if (c === 0x2c) {
          i++;
          state = top === OBJECT ? KEY : VALUE;
        } else if ((top === OBJECT && c === 0x7d) || (top === ARRAY && c === 0x5d)) {
          i++;
          stack.pop();
        } else if (i >= n) {
          throw new Failure(
            i,
            `unexpected end of input: expected ',' or '${top === OBJECT ? '}' : ']'}' (is the file cut?)`,
          );
        } else {
          throw new Failure(
            i,
            top === OBJECT
              ? `expected ',' or '}' after a property value, found ${describe(text, i)}`
              : `expected ',' or ']' after an array element, found ${describe(text, i)}`,
          );
        }
      }
    }
  } catch (e) {
    if (e instanceof Failure) return { offset: e.offset, message: e.message };
    throw e;
  }
}

/** 1-based line and column of `offset` in `text` (lines end at `\n`). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  let nl = text.indexOf('\n');
  while (nl !== -1 && nl < offset) {
    line++;
    lineStart = nl + 1;
    nl = text.indexOf('\n', lineStart);
  }
  return { line, column: offset - lineStart + 1 };
}

/** The whole line that holds `offset`, without its line break. */
export function lineAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  let end = text.indexOf('\n', offset);
  if (end === -1) end = text.length;
  if (end > start && text.charCodeAt(end - 1) === 0x0d) end--;
  return text.slice(start, end);
}
