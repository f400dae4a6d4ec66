import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JackstopError } from '../errors.js';

export const DEFAULT_DB_PATH = '.jackstop/jackstop.db';

export type StoreTarget =
  | { kind: 'sqlite'; memory: true }
  | { kind: 'sqlite'; memory: false; path: string }
  | {
      kind: 'postgres';
      /** Connection string for pg, without our own `schema` parameter. */
      connectionString: string;
      schema: string | undefined;
      /** For messages: the URL without its password. */
      label: string;
      host: string;
      port: number;
      database: string;
      user: string;
      /** So messages can be scrubbed of it even when a driver echoes it. */
      password: string;
    };

/** An unquoted PostgreSQL identifier: we create the schema, so keep it to names that need no quoting rules. */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

function usage(message: string): JackstopError {
  return new JackstopError('JACKSTOP_STORE_ERROR', message);
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`, even when the rest does not parse. */
export function redactPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password === '') return url;
    u.password = '***';
    return u.toString();
  } catch {
    // Not a URL we can parse: still hide anything between "user:" and "@".
    return url.replace(/(\/\/[^:/@\s]*:)[^@\s]*@/, '$1***@');
  }
}

/**
 * Where the store lives. `undefined` → SQLite at DEFAULT_DB_PATH under `cwd`; `:memory:` →
 * in-memory SQLite; `sqlite:PATH`, `sqlite://PATH`, `file:` URLs and plain paths → SQLite;
 * `postgres://` / `postgresql://` → PostgreSQL (`?schema=NAME` or `schema` picks the schema).
 */
export function parseStoreUrl(url: string | undefined, schema: string | undefined, cwd: string): StoreTarget {
  if (url === undefined) return { kind: 'sqlite', memory: false, path: resolve(cwd, DEFAULT_DB_PATH) };
  const trimmed = url.trim();
  if (trimmed === '') throw usage('the store location is empty: give a SQLite file path or a postgres:// URL');
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return parsePostgres(trimmed, schema);

  let path = trimmed;
  if (/^sqlite:/i.test(path)) {
    path = path.slice('sqlite:'.length);
    if (path.startsWith('//')) path = path.slice(2);
    if (path === '') throw usage(`no path after "sqlite:" in ${trimmed}: write sqlite:./jackstop.db`);
  } else if (/^file:/i.test(path)) {
    try {
      path = fileURLToPath(path);
    } catch (cause) {
      throw new JackstopError('JACKSTOP_STORE_ERROR', `${trimmed} is not a valid file: URL`, { cause });
    }
  } else if (/^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(path)) {
    const scheme = path.slice(0, path.indexOf(':'));
    throw usage(
      `unsupported store URL scheme "${scheme}:" in ${redactPassword(trimmed)}: use a SQLite file path or postgres://user@host:5432/db`,
    );
  }
  if (path === ':memory:') return { kind: 'sqlite', memory: true };
  return { kind: 'sqlite', memory: false, path: isAbsolute(path) ? path : resolve(cwd, path) };
}

function parsePostgres(raw: string, schemaOption: string | undefined): StoreTarget {
  let u: URL;
  try {
    u = new URL(raw);
  } catch (cause) {
    throw new JackstopError(
      'JACKSTOP_STORE_ERROR',
      `${redactPassword(raw)} is not a valid PostgreSQL URL: write postgres://user:password@host:5432/database`,
      { cause },
    );
  }
  const fromUrl = u.searchParams.get('schema') ?? undefined;
  u.searchParams.delete('schema');
  const schema = schemaOption ?? fromUrl;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw usage(
      `PostgreSQL schema name "${schema}" is not allowed: use letters, digits and _ (not starting with a digit), at most 63 characters`,
    );
  }
  const host = decodeURIComponent(u.hostname.replace(/^\[|\]$/g, '')) || 'localhost';
  const port = u.port === '' ? 5432 : Number(u.port);
  const database = decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username) || 'postgres';
  const user = decodeURIComponent(u.username);
  const password = decodeURIComponent(u.password);
  const safe = new URL(u.toString());
  if (safe.password !== '') safe.password = '***';
  return {
    kind: 'postgres',
    connectionString: u.toString(),
    schema,
    label: safe.toString() + (schema === undefined ? '' : ` (schema ${schema})`),
    host,
    port,
    database,
    user,
    password,
  };
}
