/**
 * @module errors
 * One error family for the whole product. Every error has a stable `code` (for scripts and tests),
 * a message that says what to do, and where the bad input was (file, line, record index).
 */

export interface Location {
  /** File path, S3 URI, or `-` for stdin. */
  file?: string;
  /** 1-based line number. */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** 0-based index of the record within the file (for JSON arrays and `Records` lists). */
  record?: number;
}

export const ERROR_CODES = [
  'JACKSTOP_INPUT_NOT_FOUND',
  'JACKSTOP_INPUT_MALFORMED_JSON',
  'JACKSTOP_INPUT_TRUNCATED',
  'JACKSTOP_INPUT_WRONG_SHAPE',
  'JACKSTOP_INPUT_UNSUPPORTED',
  'JACKSTOP_INPUT_TOO_LARGE',
  'JACKSTOP_INPUT_UNREADABLE',
  'JACKSTOP_S3_ERROR',
  'JACKSTOP_RULE_INVALID',
  'JACKSTOP_RULE_UNSUPPORTED',
  'JACKSTOP_RULE_DUPLICATE',
  'JACKSTOP_STORE_ERROR',
  'JACKSTOP_USAGE',
  'JACKSTOP_EXPORT_ERROR',
  'JACKSTOP_SNAPSHOT_INVALID',
  'JACKSTOP_CHECK_INVALID',
  'JACKSTOP_COLLECT_ERROR',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class JackstopError extends Error {
  readonly code: ErrorCode;
  readonly location: Location | undefined;

  constructor(code: ErrorCode, message: string, options: { location?: Location; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'JackstopError';
    this.code = code;
    this.location = options.location;
  }

  /** `file:line:column` or `file#record`, for messages. */
  where(): string {
    return formatLocation(this.location);
  }

  /** One line for a terminal: `file:12: message [CODE]`. */
  render(): string {
    const at = this.where();
    return `${at ? `${at}: ` : ''}${this.message} [${this.code}]`;
  }

  toJSON(): Record<string, unknown> {
    return { code: this.code, message: this.message, location: this.location };
  }
}

export function formatLocation(loc: Location | undefined): string {
  if (!loc?.file) return '';
  let s = loc.file;
  if (loc.line !== undefined) {
    s += `:${loc.line}`;
    if (loc.column !== undefined) s += `:${loc.column}`;
  }
  if (loc.record !== undefined) s += `#${loc.record}`;
  return s;
}

export function isJackstopError(e: unknown): e is JackstopError {
  return e instanceof JackstopError;
}

/** The message of any thrown value. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
