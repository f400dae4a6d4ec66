import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';

/**
 * Every schema change, in order, as code: nothing is read from disk at run time, so the bundled CLI
 * and the server migrate the same way. The same builder calls serve SQLite and PostgreSQL, so only
 * portable types are used (`text`, `integer`, `bigint`); JSON lives in `text`.
 */
const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('findings')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('rule_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('severity_rank', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('subject_id', 'text', (c) => c.notNull())
        .addColumn('first_seen', 'text', (c) => c.notNull())
        .addColumn('last_seen', 'text', (c) => c.notNull())
        .addColumn('count', 'bigint', (c) => c.notNull())
        .addColumn('data', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      // The list order (severity desc, last seen desc, id) and the common filters.
      await db.schema
        .createIndex('findings_order_idx')
        .on('findings')
        .columns(['severity_rank desc', 'last_seen desc', 'id'])
        .execute();
      await db.schema.createIndex('findings_rule_idx').on('findings').column('rule_id').execute();
      await db.schema.createIndex('findings_subject_idx').on('findings').column('subject_id').execute();
      await db.schema.createIndex('findings_status_idx').on('findings').column('status').execute();

      // Deferred so a batch can link events before it writes the (merged) finding rows.
      await db.schema
        .createTable('finding_events')
        .addColumn('finding_id', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('finding_events_pk', ['finding_id', 'event_id'])
        .addForeignKeyConstraint('finding_events_finding_fk', ['finding_id'], 'findings', ['id'], (fk) =>
          fk.onDelete('cascade').deferrable().initiallyDeferred(),
        )
        .execute();

      await db.schema
        .createTable('runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text', (c) => c.notNull())
        .addColumn('started_ms', 'bigint', (c) => c.notNull())
        .addColumn('command', 'text', (c) => c.notNull())
        .addColumn('inputs', 'text', (c) => c.notNull())
        .addColumn('events', 'bigint', (c) => c.notNull())
        .addColumn('bad_inputs', 'bigint', (c) => c.notNull())
        .addColumn('findings', 'bigint', (c) => c.notNull())
        .addColumn('new_findings', 'bigint', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('runs_started_idx').on('runs').columns(['started_ms desc', 'id desc']).execute();
    },
  },
  '0002_usage': {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('usage_hours')
        .addColumn('hour', 'text', (c) => c.notNull())
        .addColumn('provider', 'text', (c) => c.notNull())
        .addColumn('account', 'text', (c) => c.notNull())
        .addColumn('identity', 'text', (c) => c.notNull())
        .addColumn('access_key_id', 'text', (c) => c.notNull())
        .addColumn('model', 'text', (c) => c.notNull())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('invocations', 'bigint', (c) => c.notNull())
        .addColumn('errors', 'bigint', (c) => c.notNull())
        .addColumn('input_tokens', 'bigint', (c) => c.notNull())
        .addColumn('output_tokens', 'bigint', (c) => c.notNull())
        .addColumn('cost_usd', 'double precision', (c) => c.notNull())
        .addColumn('estimated', 'integer', (c) => c.notNull())
        .addColumn('source_ips', 'text', (c) => c.notNull())
        .addColumn('user_agents', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('usage_hours_pk', [
          'hour',
          'provider',
          'account',
          'identity',
          'access_key_id',
          'model',
          'region',
        ])
        .execute();
      // Per-identity and per-model reports over a time range.
      await db.schema.createIndex('usage_hours_identity_idx').on('usage_hours').columns(['identity', 'hour']).execute();
      await db.schema.createIndex('usage_hours_model_idx').on('usage_hours').columns(['model', 'hour']).execute();
      await db.schema
        .createTable('usage_sources')
        .addColumn('source', 'text', (c) => c.primaryKey())
        .addColumn('line', 'bigint', (c) => c.notNull())
        .addColumn('record', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS).sort();

const provider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};

/** Our own table names, so Jackstop can share a database or schema with an app that also uses Kysely. */
const MIGRATION_TABLE = 'jackstop_migration';
const MIGRATION_LOCK_TABLE = 'jackstop_migration_lock';

/**
 * The names of the migrations already applied, or `undefined` when the database has never been
 * migrated. A cheap read-only check, so opening an up-to-date database writes nothing.
 */
async function appliedMigrations(db: Kysely<unknown>, schema: string | undefined): Promise<string[] | undefined> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === MIGRATION_TABLE && (schema === undefined || t.schema === schema))) {
    return undefined;
  }
  const table = schema === undefined ? sql.table(MIGRATION_TABLE) : sql.table(`${schema}.${MIGRATION_TABLE}`);
  const { rows } = await sql<{ name: string }>`select name from ${table}`.execute(db);
  return rows.map((r) => r.name);
}

/** Migration names in the database that this build does not know: it was written by a newer Jackstop. */
export class UnknownMigrationsError extends Error {
  constructor(readonly names: string[]) {
    super(`unknown migrations ${names.join(', ')}`);
  }
}

/**
 * Brings the schema up to date. `schema` names where the migration bookkeeping lives (PostgreSQL);
 * without it, the connection's default schema is used.
 */
export async function migrateToLatest(db: Kysely<unknown>, schema: string | undefined): Promise<void> {
  const applied = await appliedMigrations(db, schema);
  if (applied) {
    const unknown = applied.filter((n) => !MIGRATION_NAMES.includes(n));
    if (unknown.length > 0) throw new UnknownMigrationsError(unknown);
    if (MIGRATION_NAMES.every((n) => applied.includes(n))) return;
  }
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    ...(schema === undefined ? {} : { migrationTableSchema: schema }),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error');
    throw failed ? new Error(`migration ${failed.migrationName} failed`, { cause: error }) : error;
  }
}
