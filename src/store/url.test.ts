import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JackstopError } from '../errors.js';
import { DEFAULT_DB_PATH, parseStoreUrl, redactPassword } from './url.js';

const cwd = '/work/project';

function fails(url: string, schema?: string): string {
  try {
    parseStoreUrl(url, schema, cwd);
  } catch (e) {
    expect(e).toBeInstanceOf(JackstopError);
    expect((e as JackstopError).code).toBe('JACKSTOP_STORE_ERROR');
    return (e as JackstopError).message;
  }
  throw new Error(`expected ${url} to be rejected`);
}

describe('parseStoreUrl', () => {
  it('defaults to the SQLite file under the working folder', () => {
    expect(parseStoreUrl(undefined, undefined, cwd)).toEqual({
      kind: 'sqlite',
      memory: false,
      path: resolve(cwd, DEFAULT_DB_PATH),
    });
  });

  it.each([
    ['findings.db', resolve(cwd, 'findings.db')],
    ['./data/f.db', resolve(cwd, 'data/f.db')],
    ['/var/lib/jackstop/f.db', '/var/lib/jackstop/f.db'],
    ['sqlite:rel.db', resolve(cwd, 'rel.db')],
    ['sqlite://rel/x.db', resolve(cwd, 'rel/x.db')],
    ['sqlite:///abs/x.db', '/abs/x.db'],
    ['SQLITE:/abs/y.db', '/abs/y.db'],
    ['file:///abs/z.db', '/abs/z.db'],
    ['  spaced.db  ', resolve(cwd, 'spaced.db')],
  ])('%s is a SQLite file at %s', (url, path) => {
    expect(parseStoreUrl(url, undefined, cwd)).toEqual({ kind: 'sqlite', memory: false, path });
  });

  it.each([':memory:', 'sqlite::memory:'])('%s is in-memory SQLite', (url) => {
    expect(parseStoreUrl(url, 'ignored_for_sqlite', cwd)).toEqual({ kind: 'sqlite', memory: true });
  });

  it('splits a PostgreSQL URL and removes our schema parameter', () => {
    const t = parseStoreUrl(
      'postgresql://jack:p%40ss%3Aw0rd@db.example:6543/prod?sslmode=require&schema=jk',
      undefined,
      cwd,
    );
    expect(t).toEqual({
      kind: 'postgres',
      connectionString: 'postgresql://jack:p%40ss%3Aw0rd@db.example:6543/prod?sslmode=require',
      schema: 'jk',
      label: 'postgresql://jack:***@db.example:6543/prod?sslmode=require (schema jk)',
      host: 'db.example',
      port: 6543,
      database: 'prod',
      user: 'jack',
      password: 'p@ss:w0rd',
    });
  });

  it('fills PostgreSQL defaults and lets the option override the URL schema', () => {
    const t = parseStoreUrl('postgres://alice@[::1]?schema=from_url', 'from_option', cwd);
    expect(t).toMatchObject({
      host: '::1',
      port: 5432,
      database: 'alice',
      user: 'alice',
      password: '',
      schema: 'from_option',
    });
    expect(t.kind === 'postgres' && t.label).toBe('postgres://alice@[::1] (schema from_option)');
  });

  it('rejects empty locations, unknown schemes and unsafe schema names', () => {
    expect(fails('  ')).toMatch(/empty/);
    expect(fails('sqlite:')).toMatch(/no path after "sqlite:"/);
    expect(fails('mongodb://u:topsecret@h/db')).toBe(
      'unsupported store URL scheme "mongodb:" in mongodb://u:***@h/db: use a SQLite file path or postgres://user@host:5432/db',
    );
    expect(fails('postgres://h/db?schema=1abc')).toMatch(/schema name "1abc" is not allowed/);
    expect(fails('postgres://h/db', 'a-b')).toMatch(/schema name "a-b" is not allowed/);
    expect(fails('postgres://h/db', 'x'.repeat(64))).toMatch(/at most 63/);
  });
});

describe('redactPassword', () => {
  it('hides the password, parsable or not, and leaves the rest', () => {
    expect(redactPassword('postgres://u:secret@h:5432/db?x=1')).toBe('postgres://u:***@h:5432/db?x=1');
    expect(redactPassword('postgres://u@h/db')).toBe('postgres://u@h/db');
    expect(redactPassword('postgres://u:secret@[bad/db')).toBe('postgres://u:***@[bad/db');
    expect(redactPassword('/plain/path.db')).toBe('/plain/path.db');
  });
});
