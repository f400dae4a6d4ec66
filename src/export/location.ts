/**
 * Evidence locations (the strings `formatLocation()` in `src/errors.ts` writes) parsed back into
 * parts, and turned into URI references that SARIF consumers accept.
 */

/** One place a finding's events came from. */
export interface EvidenceLocation {
  /** File path, S3 URI, or `-` for stdin. */
  path: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** 0-based record index within the file. */
  record?: number;
}

const RECORD_SUFFIX = /#(\d+)$/;
const LINE_COLUMN_SUFFIX = /:(\d+):(\d+)$/;
const LINE_SUFFIX = /:(\d+)$/;

/**
 * Parses `path`, `path:line`, `path:line:col`, `path#record` (and `path:line#record`), the inverse of
 * `formatLocation()`. Parsed from the end, so colons inside the path (`s3://…`, `C:\…`) stay in it.
 */
export function parseEvidenceLocation(text: string): EvidenceLocation {
  let rest = text;
  const out: Partial<EvidenceLocation> = {};
  const record = RECORD_SUFFIX.exec(rest);
  if (record && record.index > 0) {
    out.record = Number(record[1]);
    rest = rest.slice(0, record.index);
  }
  const lineColumn = LINE_COLUMN_SUFFIX.exec(rest);
  const line = lineColumn ? undefined : LINE_SUFFIX.exec(rest);
  if (lineColumn && lineColumn.index > 0) {
    out.line = Number(lineColumn[1]);
    out.column = Number(lineColumn[2]);
    rest = rest.slice(0, lineColumn.index);
  } else if (line && line.index > 0 && !isDriveOnly(rest.slice(0, line.index))) {
    out.line = Number(line[1]);
    rest = rest.slice(0, line.index);
  }
  return { path: rest, ...out };
}

/** `C` of `C:1` is a drive letter, not a file, so `C:1` is not `C` line 1. */
function isDriveOnly(path: string): boolean {
  return /^[A-Za-z]$/.test(path);
}

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const WINDOWS_DRIVE = /^[A-Za-z]:[\\/]/;
const UNC = /^\\\\[^\\]/;

/**
 * A URI reference for an evidence path: relative paths stay relative (percent-encoded), absolute
 * paths become `file://` URIs, URIs with a scheme (`s3://`, `https://`) are kept. `undefined` for
 * stdin (`-`) or an empty path, which name no artifact.
 *
 * Backslashes count as separators only in Windows drive (`C:\…`) and UNC (`\\host\…`) paths, so the
 * output does not depend on the platform that wrote it.
 */
export function artifactUri(path: string): string | undefined {
  if (path === '' || path === '-') return undefined;
  const scheme = SCHEME.exec(path);
  if (scheme) {
    const prefix = `${scheme[1]!.toLowerCase()}://`;
    return prefix + encodeUriPath(path.slice(scheme[0].length), { keepEscapes: true, keepColon: true });
  }
  if (WINDOWS_DRIVE.test(path)) {
    const drive = path.slice(0, 2).toUpperCase();
    return `file:///${drive}${encodeUriPath(path.slice(2).replaceAll('\\', '/'), { keepEscapes: false, keepColon: true })}`;
  }
  if (UNC.test(path)) {
    return `file:${encodeUriPath(path.replaceAll('\\', '/'), { keepEscapes: false, keepColon: true })}`;
  }
  if (path.startsWith('/')) {
    // `//host/x` would read as an authority; a POSIX path has none.
    return `file://${encodeUriPath(path.replace(/^\/+/, '/'), { keepEscapes: false, keepColon: true })}`;
  }
  // A colon in the first segment of a relative reference would read as a scheme, so encode colons.
  return encodeUriPath(path, { keepEscapes: false, keepColon: false });
}

/** RFC 3986 `pchar` minus `%` and `:` (handled by options), plus `/` between segments. */
const PATH_SAFE = /[A-Za-z0-9\-._~!$&'()*+,;=@/]/;

function encodeUriPath(path: string, options: { keepEscapes: boolean; keepColon: boolean }): string {
  let out = '';
  let offset = 0;
  for (const ch of path) {
    if (PATH_SAFE.test(ch) || (ch === ':' && options.keepColon)) {
      out += ch;
    } else if (ch === '%' && options.keepEscapes && /^[0-9A-Fa-f]{2}$/.test(path.slice(offset + 1, offset + 3))) {
      // Already an escape in a URI: keep it rather than encode it twice.
      out += ch;
    } else {
      out += percentEncode(ch);
    }
    offset += ch.length;
  }
  return out;
}

/** UTF-8 percent-encoding; Node encodes a lone surrogate as U+FFFD, which keeps the URI valid. */
function percentEncode(ch: string): string {
  let out = '';
  for (const byte of Buffer.from(ch, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}
