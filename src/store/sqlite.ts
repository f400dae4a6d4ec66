import { mkdirSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { JackstopError } from '../errors.js';
import { type Backend, commonStoreError, errorCode, fullMessage } from './backend.js';
import { migrateToLatest } from './migrations.js';
import type { StoreDatabase } from './schema.js';
import type { StoreTarget } from './url.js';

/** How long a writer waits for another process's write transaction before giving up. */
const BUSY_TIMEOUT_MS = 5_000;

/**
 * better-sqlite3 waits for a lock synchronously, blocking the event loop. Two handles on the same file
 * in one process would then deadlock (the holder can never run to commit), so writers in this process
 * queue here first, per file; other processes are handled by SQLite's own busy timeout.
 */
const writeQueues = new Map<string, Promise<void>>();

async function queued<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = writeQueues.get(key) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((r) => {
    release = r;
  });
  const tail = previous.then(() => mine);
  writeQueues.set(key, tail);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (writeQueues.get(key) === tail) writeQueues.delete(key);
  }
}

let memoryStores = 0;

function describeSqliteError(e: unknown, label: string, doing: string): JackstopError {
  const common = commonStoreError(e, label);
  if (common) return common;
  const code = errorCode(e) ?? '';
  const detail = fullMessage(e);
  let message: string;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    message = `${label} is locked by another process while ${doing} (waited ${BUSY_TIMEOUT_MS / 1000} s): let the other jackstop finish and retry, or use PostgreSQL for parallel writers`;
  } else if (code === 'SQLITE_NOTADB') {
    message = `${label} is not a SQLite database: point --db at a new file or at an existing Jackstop database`;
  } else if (code.startsWith('SQLITE_CANTOPEN')) {
    message = `cannot open the SQLite database ${label}: check that the path names a file (not a folder) you can write`;
  } else if (code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM' || code === 'EACCES') {
    message = `${label} is read-only: give write permission on it and its folder, or choose another --db`;
  } else if (code === 'SQLITE_FULL') {
    message = `the disk holding ${label} is full while ${doing}: free some space and retry`;
  } else if (code.startsWith('SQLITE_CORRUPT')) {
    message = `${label} is corrupt (${detail}): restore it from a backup or move it aside and run again`;
  } else {
    message = `${doing} failed on the SQLite store ${label}: ${detail}`;
  }
  return new JackstopError('JACKSTOP_STORE_ERROR', message, { cause: e });
}

/**
 * A transaction that read before another process committed cannot upgrade to a writer: SQLite says
 * SQLITE_BUSY at once instead of waiting (the Migrator's transactions are such). Retry those; a
 * failure after the full busy timeout is real contention and is reported.
 */
async function retryWhenBusy<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    try {
      return await fn();
    } catch (e) {
      const immediate = Date.now() - started < BUSY_TIMEOUT_MS / 2;
      if (attempt >= 5 || !immediate || !errorCode(e)?.startsWith('SQLITE_BUSY')) throw e;
      await sleep(20 * attempt);
    }
  }
}

export function openSqlite(target: Extract<StoreTarget, { kind: 'sqlite' }>): Backend {
  const label = target.memory ? ':memory:' : target.path;
  if (!target.memory) {
    try {
      mkdirSync(dirname(target.path), { recursive: true });
    } catch (cause) {
      throw new JackstopError(
        'JACKSTOP_STORE_ERROR',
        `cannot create the folder ${dirname(target.path)} for the SQLite store (${errorCode(cause) ?? fullMessage(cause)}): choose another --db path`,
        { cause },
      );
    }
  }

  let raw: Database.Database | undefined;
  let key: string;
  try {
    raw = new Database(target.memory ? ':memory:' : target.path);
    // busy_timeout first, so switching to WAL also waits for other processes.
    raw.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    if (!target.memory) raw.pragma('journal_mode = WAL');
    // WAL + NORMAL: durable at checkpoints, never corrupt; the usual pairing.
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
    key = target.memory ? `:memory:#${++memoryStores}` : realpathSync(target.path);
  } catch (e) {
    raw?.close();
    throw describeSqliteError(e, label, 'opening the store');
  }

  const db = new Kysely<StoreDatabase>({ dialect: new SqliteDialect({ database: raw }) });
  return {
    kind: 'sqlite',
    db,
    label,
    migrate: () => queued(key, () => retryWhenBusy(() => migrateToLatest(db as Kysely<unknown>, undefined))),
    // Findings ids need no lock of their own: SQLite has one writer at a time anyway.
    write: (_ids, fn) =>
      queued(key, () =>
        db.connection().execute(async (conn) => {
          // IMMEDIATE takes the write lock up front: a deferred transaction that reads and then writes
          // can fail without waiting when another process committed in between.
          await sql`begin immediate`.execute(conn);
          try {
            const result = await fn(conn);
            await sql`commit`.execute(conn);
            return result;
          } catch (e) {
            try {
              await sql`rollback`.execute(conn);
            } catch {
              // Already rolled back by SQLite (e.g. after SQLITE_FULL); the original error matters.
            }
            throw e;
          }
        }),
      ),
    toStoreError: (e, doing) => describeSqliteError(e, label, doing),
    close: () => db.destroy(),
  };
}
