/**
 * An incremental splitter for JSON documents too big (or too broken) to `JSON.parse` whole: it
 * finds the elements of the top-level array, or of the array under one of `containerKeys` in a
 * top-level object (`{"Records":[…]}`), and hands each element's text over as soon as it is
 * complete. It tracks only structure (brackets, strings, escapes, commas between elements); each
 * element is validated by `JSON.parse` afterwards. Memory is bounded by the largest element.
 */

export interface ScannedElement {
  /** The element's JSON text, or '' when it was larger than the limit (see `tooLarge`). */
  text: string;
  index: number;
  /** 1-based line and column where the element starts. */
  line: number;
  column: number;
  /** 0-based offset (UTF-16 code units from the document start) where the element starts. */
  offset: number;
  /** Set when the element was longer than `maxElementChars`: its text was dropped. */
  tooLarge?: number;
}

export interface ScanError {
  offset: number;
  line: number;
  column: number;
  message: string;
}

const OBJ = 0x7b; // {
const ARR = 0x5b; // [
const OBJ_END = 0x7d;
const ARR_END = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

// States of the top-level object's own level (depth 1).
const D1_KEY_OR_END = 0;
const D1_KEY = 1;
const D1_COLON = 2;
const D1_VALUE = 3;
const D1_IN_VALUE = 4;
const D1_IN_SCALAR = 5;
const D1_AFTER = 6;

// States of the target array's level.
const EL_FIRST = 0;
const EL_EXPECT = 1;
const EL_IN = 2;
const EL_IN_SCALAR = 3;
const EL_AFTER = 4;

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0xfeff;
}

function isScalarStart(c: number): boolean {
  return c === 0x2d || (c >= 0x30 && c <= 0x39) || c === 0x74 || c === 0x66 || c === 0x6e;
}

function shown(c: number): string {
  return c < 0x20 ? `U+${c.toString(16).padStart(4, '0')}` : `'${String.fromCharCode(c)}'`;
}

export class JsonElementScanner {
  /** null: elements of a top-level array; a key: the array under that key; undefined: none found (yet). */
  container: string | null | undefined;
  /** Keys of the top-level object, in order (when the document is an object). */
  readonly topKeys: string[] = [];
  error: ScanError | undefined;
  /** True once the top-level value is closed. */
  complete = false;
  elements = 0;

  readonly #containerKeys: ReadonlySet<string>;
  readonly #maxElementChars: number;
  #top = 0; // '{' or '[' once known
  #stack: number[] = [];
  #inString = false;
  #escape = false;
  #offset = 0; // absolute offset of the current chunk's start
  #line = 1;
  #lineStart = 0;
  #d1 = D1_KEY_OR_END;
  #currentKey: string | undefined;
  #targetDepth = -1;
  #el = EL_FIRST;
  // The text being captured (an element, or a top-level key), across chunks.
  #capturing = false;
  #capStart = 0; // index in the current chunk
  #capParts: string[] = [];
  #capLength = 0;
  #capTooLarge = false;
  #capIsKey = false;
  #elLine = 0;
  #elColumn = 0;
  #elOffset = 0;

  constructor(options: { containerKeys: Iterable<string>; maxElementChars: number }) {
    this.#containerKeys = new Set(options.containerKeys);
    this.#maxElementChars = options.maxElementChars;
  }

  /** Position of the next character to be read. */
  get position(): { offset: number; line: number; column: number } {
    return { offset: this.#offset, line: this.#line, column: this.#offset - this.#lineStart + 1 };
  }

  /** Feeds the next piece of text; completed elements are appended to `out`. Stops at the first error. */
  push(chunk: string, out: ScannedElement[]): void {
    if (this.error) return;
    const base = this.#offset;
    const n = chunk.length;
    let i = 0;
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (c === 0x0a) {
        this.#line++;
        this.#lineStart = base + i + 1;
      }
      if (this.#inString) {
        if (this.#escape) this.#escape = false;
        else if (c === BACKSLASH) this.#escape = true;
        else if (c === QUOTE) {
          this.#inString = false;
          this.#afterString(chunk, i, out);
        }
        continue;
      }
      const depth = this.#stack.length;
      if (depth === this.#targetDepth) {
        if (!this.#atElementLevel(chunk, i, c, out)) break;
      } else if (depth === 1 && this.#top === OBJ) {
        if (!this.#atTopObjectLevel(chunk, i, c)) break;
      } else if (depth === 0) {
        if (isWs(c)) continue;
        if (this.complete) {
          this.#fail(base + i, `unexpected ${shown(c)} after the end of the JSON document`);
          break;
        }
        if (c === OBJ || c === ARR) {
          this.#top = c;
          this.#stack.push(c);
          if (c === ARR) {
            this.container = null;
            this.#targetDepth = 1;
            this.#el = EL_FIRST;
          } else {
            this.#d1 = D1_KEY_OR_END;
          }
        } else {
          this.#fail(base + i, `expected '{' or '[' to start the JSON document, found ${shown(c)}`);
          break;
        }
      } else if (!this.#nested(i, c, out, chunk)) {
        break;
      }
    }
    if (this.#capturing) {
      this.#capAppend(chunk.slice(this.#capStart));
      this.#capStart = 0;
    }
    this.#offset = base + n;
  }

  /** Call at the end of the input: an unfinished document is an error (a cut file). */
  end(): void {
    if (this.error || this.complete) return;
    const pos = this.position;
    const what = this.#top === 0 ? 'no JSON value' : 'the JSON document is not closed';
    this.error = { ...pos, message: `unexpected end of input: ${what} (is the file cut?)` };
  }

  #fail(offset: number, message: string): void {
    this.error = { offset, line: this.#line, column: offset - this.#lineStart + 1, message };
  }

  #capBegin(i: number, isKey: boolean): void {
    this.#capturing = true;
    this.#capStart = i;
    this.#capParts = [];
    this.#capLength = 0;
    this.#capTooLarge = false;
    this.#capIsKey = isKey;
  }

  #capAppend(piece: string): void {
    if (this.#capTooLarge) {
      this.#capLength += piece.length;
      return;
    }
    this.#capLength += piece.length;
    if (this.#capLength > this.#maxElementChars) {
      this.#capTooLarge = true;
      this.#capParts = [];
      return;
    }
    this.#capParts.push(piece);
  }

  /** Ends the capture at `end` (exclusive, index in `chunk`) and returns the text ('' when too large). */
  #capEnd(chunk: string, end: number): string {
    this.#capAppend(chunk.slice(this.#capStart, end));
    this.#capturing = false;
    const text = this.#capTooLarge
      ? ''
      : this.#capParts.length === 1
        ? (this.#capParts[0] ?? '')
        : this.#capParts.join('');
    this.#capParts = [];
    return text;
  }

  #beginElement(i: number): void {
    this.#elOffset = this.#offset + i;
    this.#elLine = this.#line;
    this.#elColumn = this.#elOffset - this.#lineStart + 1;
    this.#capBegin(i, false);
  }

  #emit(chunk: string, end: number, out: ScannedElement[]): void {
    const length = this.#capLength + (end - this.#capStart);
    const text = this.#capEnd(chunk, end);
    const el: ScannedElement = {
      text,
      index: this.elements++,
      line: this.#elLine,
      column: this.#elColumn,
      offset: this.#elOffset,
    };
    if (this.#capTooLarge) el.tooLarge = length;
    out.push(el);
    this.#el = EL_AFTER;
  }

  #afterString(chunk: string, i: number, out: ScannedElement[]): void {
    const depth = this.#stack.length;
    if (this.#capturing && this.#capIsKey) {
      const raw = this.#capEnd(chunk, i + 1);
      let key: string;
      try {
        key = JSON.parse(raw) as string;
      } catch {
        key = raw.slice(1, -1);
      }
      this.#currentKey = key;
      this.topKeys.push(key);
      this.#d1 = D1_COLON;
      return;
    }
    if (depth === this.#targetDepth && this.#el === EL_IN) {
      this.#emit(chunk, i + 1, out);
      return;
    }
    if (depth === 1 && this.#top === OBJ && this.#d1 === D1_IN_VALUE) this.#d1 = D1_AFTER;
  }

  /** Inside an element or a value we skip: only brackets and strings matter. */
  #nested(i: number, c: number, out: ScannedElement[], chunk: string): boolean {
    if (c === QUOTE) {
      this.#inString = true;
    } else if (c === OBJ || c === ARR) {
      this.#stack.push(c);
    } else if (c === OBJ_END || c === ARR_END) {
      const open = this.#stack.pop();
      if ((c === OBJ_END && open !== OBJ) || (c === ARR_END && open !== ARR)) {
        this.#fail(
          this.#offset + i,
          `unexpected ${shown(c)}: it does not close the open ${open === OBJ ? "'{'" : "'['"}`,
        );
        return false;
      }
      const depth = this.#stack.length;
      if (depth === this.#targetDepth && this.#el === EL_IN) this.#emit(chunk, i + 1, out);
      else if (depth === 1 && this.#top === OBJ && this.#d1 === D1_IN_VALUE) this.#d1 = D1_AFTER;
    }
    return true;
  }

  #atTopObjectLevel(chunk: string, i: number, c: number): boolean {
    const at = this.#offset + i;
    switch (this.#d1) {
      case D1_KEY_OR_END:
      case D1_KEY:
        if (isWs(c)) return true;
        if (c === QUOTE) {
          this.#inString = true;
          this.#capBegin(i, true);
          return true;
        }
        if (c === OBJ_END && this.#d1 === D1_KEY_OR_END) return this.#closeTop();
        this.#fail(at, `expected a double-quoted property name, found ${shown(c)}`);
        return false;
      case D1_COLON:
        if (isWs(c)) return true;
        if (c === COLON) {
          this.#d1 = D1_VALUE;
          return true;
        }
        this.#fail(at, `expected ':' after a property name, found ${shown(c)}`);
        return false;
      case D1_VALUE:
        if (isWs(c)) return true;
        if (c === ARR && this.container === undefined && this.#containerKeys.has(this.#currentKey ?? '')) {
          this.container = this.#currentKey ?? null;
          this.#stack.push(ARR);
          this.#targetDepth = 2;
          this.#el = EL_FIRST;
          this.#d1 = D1_IN_VALUE;
          return true;
        }
        if (c === OBJ || c === ARR) {
          this.#stack.push(c);
          this.#d1 = D1_IN_VALUE;
          return true;
        }
        if (c === QUOTE) {
          this.#inString = true;
          this.#d1 = D1_IN_VALUE;
          return true;
        }
        if (isScalarStart(c)) {
          this.#d1 = D1_IN_SCALAR;
          return true;
        }
        this.#fail(at, `unexpected ${shown(c)}: expected a JSON value`);
        return false;
      case D1_IN_SCALAR:
        if (c === COMMA || c === OBJ_END || isWs(c)) {
          this.#d1 = D1_AFTER;
          return this.#atTopObjectLevel(chunk, i, c);
        }
        return true;
      default: // D1_AFTER
        if (isWs(c)) return true;
        if (c === COMMA) {
          this.#d1 = D1_KEY;
          return true;
        }
        if (c === OBJ_END) return this.#closeTop();
        this.#fail(at, `expected ',' or '}' after a property value, found ${shown(c)}`);
        return false;
    }
  }

  #closeTop(): boolean {
    this.#stack.pop();
    this.complete = true;
    return true;
  }

  #atElementLevel(chunk: string, i: number, c: number, out: ScannedElement[]): boolean {
    const at = this.#offset + i;
    switch (this.#el) {
      case EL_FIRST:
      case EL_EXPECT:
        if (isWs(c)) return true;
        if (c === OBJ || c === ARR) {
          this.#beginElement(i);
          this.#stack.push(c);
          this.#el = EL_IN;
          return true;
        }
        if (c === QUOTE) {
          this.#beginElement(i);
          this.#inString = true;
          this.#el = EL_IN;
          return true;
        }
        if (isScalarStart(c)) {
          this.#beginElement(i);
          this.#el = EL_IN_SCALAR;
          return true;
        }
        if (c === ARR_END && this.#el === EL_FIRST) return this.#closeTarget();
        this.#fail(
          at,
          `unexpected ${shown(c)}: expected an array element${c === ARR_END ? ' (a trailing comma?)' : ''}`,
        );
        return false;
      case EL_IN_SCALAR:
        if (c === COMMA || c === ARR_END || isWs(c)) {
          this.#emit(chunk, i, out);
          return this.#atElementLevel(chunk, i, c, out);
        }
        return true;
      case EL_IN:
        // Unreachable: inside an element the depth is above the target depth, or we are in a string.
        return true;
      default: // EL_AFTER
        if (isWs(c)) return true;
        if (c === COMMA) {
          this.#el = EL_EXPECT;
          return true;
        }
        if (c === ARR_END) return this.#closeTarget();
        this.#fail(at, `expected ',' or ']' after an array element, found ${shown(c)}`);
        return false;
    }
  }

  #closeTarget(): boolean {
    this.#stack.pop();
    this.#targetDepth = -1;
    if (this.#top === ARR) this.complete = true;
    else this.#d1 = D1_AFTER;
    return true;
  }
}
