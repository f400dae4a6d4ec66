import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from './index.js';
import { makeFinding, runStoreContract, storeError } from './store.case.test.js';

const PG_URL = process.env.JACKSTOP_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const shownUrl = (() => {
  try {
    const u = new URL(PG_URL);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable JACKSTOP_TEST_PG)';
  }
})();

/** Undefined when PostgreSQL answers, else why not. */
async function probe(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query('select 1');
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message || e.name : String(e);
  } finally {
    await client.end().catch(() => {});
  }
}

const unreachable = await probe();
const inCi = process.env.CI === 'true';
if (unreachable && !inCi) {
  console.warn(
    `Skipping the PostgreSQL store tests: cannot reach ${shownUrl} (${unreachable}). Start PostgreSQL or set JACKSTOP_TEST_PG.`,
  );
}

if (unreachable !== undefined && inCi) {
  it(`PostgreSQL is reachable at ${shownUrl} (required when CI=true)`, () => {
    throw new Error(`CI=true but PostgreSQL at ${shownUrl} is unreachable: ${unreachable}`);
  });
}

// Each store gets a fresh schema of its own; all are dropped at the end of the run.
const runTag = `jackstop_test_${process.pid}_${Date.now().toString(36)}`;
const schemas: string[] = [];
const schemaOf = new WeakMap<Store, string>();

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  if (unreachable) return;
  await admin(async (c) => {
    for (const s of schemas) await c.query(`drop schema if exists "${s}" cascade`);
  });
});

async function freshStore(): Promise<Store> {
  const schema = `${runTag}_${schemas.length}`;
  schemas.push(schema);
  const s = await openStore(PG_URL, { schema });
  schemaOf.set(s, schema);
  return s;
}

describe.skipIf(unreachable !== undefined)('PostgreSQL store', () => {
  runStoreContract('postgres', freshStore, {
    openSame: async (s) => {
      const schema = schemaOf.get(s)!;
      const again = await openStore(PG_URL, { schema });
      schemaOf.set(again, schema);
      return again;
    },
  });

  it('takes the schema from ?schema= and creates it', async () => {
    const schema = `${runTag}_param`;
    schemas.push(schema);
    const url = new URL(PG_URL);
    url.searchParams.set('schema', schema);
    const s = await openStore(url.toString());
    expect(s.kind).toBe('postgres');
    await s.upsertFindings([{ finding: makeFinding('r', 'a'), eventIds: ['e1'] }]);
    await s.close();
    const tables = await admin(async (c) => {
      const r = await c.query<{ table_name: string }>(
        'select table_name from information_schema.tables where table_schema = $1 order by table_name',
        [schema],
      );
      return r.rows.map((x) => x.table_name);
    });
    expect(tables).toEqual([
      'finding_events',
      'findings',
      'jackstop_migration',
      'jackstop_migration_lock',
      'runs',
      'usage_hours',
      'usage_sources',
    ]);
    const count = await admin(
      async (c) => (await c.query<{ n: string }>(`select count(*) as n from "${schema}".findings`)).rows[0]?.n,
    );
    expect(count).toBe('1');
  });

  it('prefers the schema option over the URL parameter', async () => {
    const chosen = `${runTag}_option`;
    const ignored = `${runTag}_ignored`;
    schemas.push(chosen, ignored);
    const url = new URL(PG_URL);
    url.searchParams.set('schema', ignored);
    const s = await openStore(url.toString(), { schema: chosen });
    await s.close();
    const found = await admin(async (c) => {
      const r = await c.query<{ nspname: string }>('select nspname from pg_namespace where nspname = any($1)', [
        [chosen, ignored],
      ]);
      return r.rows.map((x) => x.nspname);
    });
    expect(found).toEqual([chosen]);
  });

  it('says a missing database does not exist and how to create it', async () => {
    const url = new URL(PG_URL);
    url.pathname = `/jackstop_missing_${process.pid}`;
    const e = await storeError(openStore(url.toString()));
    expect(e.message).toContain(`database "jackstop_missing_${process.pid}" does not exist`);
    expect(e.message).toContain('createdb');
  });

  it('rejects a schema name that would need quoting', async () => {
    const e = await storeError(openStore(PG_URL, { schema: 'x"; drop table findings; --' }));
    expect(e.message).toMatch(/schema name .* is not allowed/);
  });
});

// These need no server: they check what happens when there is none.
describe('PostgreSQL store without a server', () => {
  it('says it cannot connect, names host and port, and never shows the password', async () => {
    const e = await storeError(openStore('postgres://jack:s3cr3t-pw@127.0.0.1:1/jackstop'));
    expect(e.message).toContain('cannot connect to PostgreSQL at 127.0.0.1:1: is it running?');
    expect(e.message).toContain('postgres://jack:***@127.0.0.1:1/jackstop');
    for (const text of [e.message, e.render(), JSON.stringify(e.toJSON())]) expect(text).not.toContain('s3cr3t-pw');
  });

  it('rejects an unparsable URL without echoing it raw', async () => {
    const e = await storeError(openStore('postgres://user:pa55word@[bad host/db'));
    expect(e.message).toContain('postgres://user:***@[bad host/db is not a valid PostgreSQL URL');
    expect(e.message).not.toContain('pa55word');
  });
});
