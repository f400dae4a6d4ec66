/**
 * @module store
 * The findings store: one `Store` interface over SQLite (embedded default, better-sqlite3) and
 * PostgreSQL (shared, for scale-out), written once with Kysely. `openStore(url)` picks the backend
 * from the URL and migrates the schema. Re-running over the same logs never duplicates: findings are
 * keyed by their stable id and linked to the distinct events behind them, so `count` only grows
 * with new events. Also records CLI/server runs for the history view, and hourly model usage
 * (`upsertUsage`/`listUsage`, idempotent across re-runs through per-file watermarks).
 */
import { JackstopError } from '../errors.js';
import type { Backend } from './backend.js';
import { KyselyStore } from './kysely-store.js';
import { openPostgres } from './postgres.js';
import { openSqlite } from './sqlite.js';
import { parseStoreUrl } from './url.js';

export type { FindingFilter, FindingUpsert, RunRecord, Store, UsageFilter } from './types.js';
export { DEFAULT_DB_PATH } from './url.js';

import type { Store } from './types.js';

/**
 * Opens (and migrates) a store. `undefined` → SQLite at ./.jackstop/jackstop.db (folders created);
 * a path, `sqlite:PATH` or `:memory:` → SQLite; `postgres://…` / `postgresql://…` → PostgreSQL, where
 * `opts.schema` or a `?schema=NAME` parameter selects (and creates) the schema to use; SQLite ignores it.
 * Fails with JACKSTOP_STORE_ERROR, saying what to do, when the database cannot be opened or migrated.
 */
export async function openStore(url?: string, opts: { schema?: string } = {}): Promise<Store> {
  const target = parseStoreUrl(url, opts.schema, process.cwd());
  const backend: Backend = target.kind === 'postgres' ? await openPostgres(target) : openSqlite(target);
  const store = new KyselyStore(backend);
  try {
    await store.migrate();
  } catch (e) {
    await store.close().catch(() => {});
    throw e instanceof JackstopError ? e : backend.toStoreError(e, 'migrating the schema');
  }
  return store;
}
