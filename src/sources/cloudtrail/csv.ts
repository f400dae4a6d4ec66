/**
 * A streaming CSV parser (RFC 4180, as Athena and CloudTrail Lake write it): comma separated,
 * fields optionally in double quotes, `""` for a quote inside quotes, line breaks allowed inside
 * quoted fields, CRLF or LF row ends. Text is fed in chunks of any size (a chunk may end anywhere,
 * even between the two quotes of `""`). Like most readers it is lenient where RFC 4180 is silent:
 * a stray quote inside an unquoted field is kept as a character.
 */

export interface CsvRow {
  fields: string[];
  /** 1-based line where the row starts. */
  line: number;
}

export interface CsvError {
  line: number;
  message: string;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

export class CsvParser {
  error: CsvError | undefined;
  #fields: string[] = [];
  #field = '';
  #inQuotes = false;
  /** The previous chunk ended on a quote inside a quoted field: `""` or the closing quote? */
  #quotePending = false;
  #afterQuoted = false;
  #skipLf = false;
  #line = 1;
  #rowLine = 1;
  #rowChars = 0;
  readonly #maxRowChars: number;

  constructor(options: { maxRowChars: number }) {
    this.#maxRowChars = options.maxRowChars;
  }

  push(chunk: string, out: CsvRow[]): void {
    if (this.error) return;
    const n = chunk.length;
    let seg = 0; // start of the unconsumed run of ordinary characters
    let lastRowEnd = -1;
    let i = 0;
    if (this.#quotePending) {
      this.#quotePending = false;
      if (n > 0 && chunk.charCodeAt(0) === QUOTE) {
        this.#field += '"';
        i = 1;
        seg = 1;
      } else {
        this.#inQuotes = false;
        this.#afterQuoted = true;
      }
    }
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (this.#skipLf) {
        this.#skipLf = false;
        if (c === LF) {
          seg = i + 1;
          continue;
        }
      }
      if (this.#inQuotes) {
        if (c === LF) this.#line++;
        if (c !== QUOTE) continue;
        this.#field += chunk.slice(seg, i);
        if (i + 1 >= n) {
          this.#quotePending = true;
          seg = n;
          break;
        }
        if (chunk.charCodeAt(i + 1) === QUOTE) {
          this.#field += '"';
          i++;
        } else {
          this.#inQuotes = false;
          this.#afterQuoted = true;
        }
        seg = i + 1;
        continue;
      }
      if (c === COMMA) {
        this.#field += chunk.slice(seg, i);
        this.#endField();
        seg = i + 1;
      } else if (c === LF || c === CR) {
        this.#field += chunk.slice(seg, i);
        this.#endRow(out);
        this.#line++;
        this.#rowLine = this.#line;
        if (c === CR) this.#skipLf = true;
        seg = i + 1;
        lastRowEnd = seg;
      } else if (c === QUOTE && this.#field === '' && seg === i && !this.#afterQuoted) {
        this.#inQuotes = true;
        seg = i + 1;
      }
    }
    if (seg < n) this.#field += chunk.slice(seg, n);
    this.#rowChars = lastRowEnd >= 0 ? n - lastRowEnd : this.#rowChars + n;
    if (this.#rowChars > this.#maxRowChars) {
      this.error = {
        line: this.#rowLine,
        message: `a CSV row longer than ${this.#maxRowChars} characters (an unbalanced quote?)`,
      };
    }
  }

  /** Call at the end of the input; flushes the last row (a file need not end with a line break). */
  end(out: CsvRow[]): void {
    if (this.error) return;
    if (this.#quotePending) {
      this.#quotePending = false;
      this.#inQuotes = false;
    }
    if (this.#inQuotes) {
      this.error = {
        line: this.#rowLine,
        message: `the file ends inside a quoted field of the row starting at line ${this.#rowLine} (is the file cut?)`,
      };
      return;
    }
    this.#endRow(out);
  }

  #endField(): void {
    this.#fields.push(this.#field);
    this.#field = '';
    this.#afterQuoted = false;
  }

  #endRow(out: CsvRow[]): void {
    const blank = this.#fields.length === 0 && this.#field === '' && !this.#afterQuoted;
    this.#endField();
    if (!blank) out.push({ fields: this.#fields, line: this.#rowLine });
    this.#fields = [];
  }
}
