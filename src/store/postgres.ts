import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { JackstopError } from '../errors.js';
import { type Backend, commonStoreError, errorCode, fullMessage } from './backend.js';
import { migrateToLatest } from './migrations.js';
import type { StoreDatabase } from './schema.js';
import type { StoreTarget } from './url.js';

type PostgresTarget = Extract<StoreTarget, { kind: 'postgres' }>;

const CONNECT_TIMEOUT_MS = 10_000;
/** First key of our two-part advisory locks ("JKST"), so they never meet another application's. */
const LOCK_CLASS = 0x4a4b5354;

/** The password must never reach a message, even if a driver echoes the URL or the password. */
function scrub(text: string, t: PostgresTarget): string {
  let out = text.replaceAll(t.connectionString, t.label);
  if (t.password.length >= 3) out = out.replaceAll(t.password, '***');
  return out;
}

function describePostgresError(e: unknown, t: PostgresTarget, doing: string): JackstopError {
  const common = commonStoreError(e, t.label);
  if (common) return common;
  const code = errorCode(e) ?? '';
  const detail = fullMessage(e);
  const at = `${t.host}:${t.port}`;
  let message: string;
  if (code === 'ECONNREFUSED') {
    message = `cannot connect to PostgreSQL at ${at}: is it running? Start it, or fix the URL given with --db (${t.label})`;
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    message = `cannot find the PostgreSQL host "${t.host}": check the host name in ${t.label}`;
  } else if (code === 'ETIMEDOUT' || /timeout exceeded when trying to connect/i.test(detail)) {
    message = `PostgreSQL at ${at} did not answer within ${CONNECT_TIMEOUT_MS / 1000} s: check the host, the port and any firewall in between`;
  } else if (code === '28P01' || code === '28000') {
    message = `PostgreSQL at ${at} refused user "${t.user}" (${detail}): check the user and password in the URL`;
  } else if (code === '3D000') {
    message = `database "${t.database}" does not exist on PostgreSQL at ${at}: create it (createdb ${t.database}) or fix the URL`;
  } else if (code === '42501') {
    message = `user "${t.user}" lacks a permission while ${doing} (${detail}): grant it CREATE on the database or schema, or pick a schema it owns with ?schema=NAME`;
  } else if (code === '57P01' || code === '57P03' || code === 'ECONNRESET' || /connection terminated/i.test(detail)) {
    message = `PostgreSQL at ${at} closed the connection while ${doing} (${detail}): check that the server is up and retry`;
  } else {
    message = `${doing} failed on the PostgreSQL store ${t.label}: ${detail}`;
  }
  return new JackstopError('JACKSTOP_STORE_ERROR', scrub(message, t), { cause: e });
}

/**
 * Creates the schema when missing. Checked first because CREATE SCHEMA needs CREATE on the database
 * even when the schema exists; and IF NOT EXISTS can still collide when two processes race (the loser
 * just uses it).
 */
async function ensureSchema(db: Kysely<StoreDatabase>, schema: string): Promise<void> {
  const { rows } = await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(db);
  if (rows.length > 0) return;
  try {
    await db.schema.createSchema(schema).ifNotExists().execute();
  } catch (e) {
    const code = errorCode(e);
    if (code !== '23505' && code !== '42P06') throw e;
  }
}

export async function openPostgres(t: PostgresTarget): Promise<Backend> {
  const pool = new pg.Pool({
    connectionString: t.connectionString,
    max: 10,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 10_000,
  });
  // An idle client losing its server emits here; without a listener Node would crash. The next query
  // reports the problem to the caller instead.
  pool.on('error', () => {});
  const schema = t.schema;
  const db = new Kysely<StoreDatabase>({
    dialect: new PostgresDialect({
      pool,
      ...(schema === undefined
        ? {}
        : {
            onCreateConnection: async (conn) => {
              // The name was checked against a plain-identifier pattern in url.ts.
              await conn.executeQuery(CompiledQuery.raw(`set search_path to "${schema}"`));
            },
          }),
    }),
  });

  let migrationSchema: string;
  try {
    if (schema !== undefined) await ensureSchema(db, schema);
    const { rows } = await sql<{ name: string | null }>`select current_schema() as name`.execute(db);
    const current = rows[0]?.name ?? undefined;
    if (current === undefined) {
      throw new JackstopError(
        'JACKSTOP_STORE_ERROR',
        `PostgreSQL at ${t.host}:${t.port} has no schema to create tables in (search_path names none that exist): add ?schema=jackstop to the URL`,
      );
    }
    migrationSchema = schema ?? current;
  } catch (e) {
    await db.destroy().catch(() => {});
    throw describePostgresError(e, t, 'connecting');
  }

  return {
    kind: 'postgres',
    db,
    label: t.label,
    migrate: () => migrateToLatest(db as Kysely<unknown>, migrationSchema),
    write: (findingIds, fn) =>
      db.transaction().execute(async (trx) => {
        if (findingIds.length > 0) {
          // Transaction-scoped locks per finding, taken in one sorted pass so two writers never
          // deadlock; they make the read-merge-write of a finding atomic across workers.
          await sql`select pg_advisory_xact_lock(${sql.lit(LOCK_CLASS)}, k)
            from (select distinct hashtext(id) as k from unnest(${[...findingIds]}::text[]) as t(id) order by k) as keys`.execute(
            trx,
          );
        }
        return fn(trx);
      }),
    toStoreError: (e, doing) => describePostgresError(e, t, doing),
    close: () => db.destroy(),
  };
}
