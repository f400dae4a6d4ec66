import type { Kysely } from 'kysely';
import { errorMessage, JackstopError } from '../errors.js';
import { UnknownMigrationsError } from './migrations.js';
import type { StoreDatabase } from './schema.js';

/** What differs between SQLite and PostgreSQL; everything else is one Kysely codebase (kysely-store.ts). */
export interface Backend {
  readonly kind: 'sqlite' | 'postgres';
  readonly db: Kysely<StoreDatabase>;
  /** Where the data lives, for messages: a path or a URL without its password. */
  readonly label: string;
  migrate(): Promise<void>;
  /**
   * Runs `fn` in one write transaction. Writers touching the same finding ids are serialized, so a
   * read-merge-write of a finding never loses another writer's events.
   */
  write<T>(findingIds: readonly string[], fn: (trx: Kysely<StoreDatabase>) => Promise<T>): Promise<T>;
  /** A driver error as a JackstopError that says what to do; `doing` is e.g. "saving findings". */
  toStoreError(e: unknown, doing: string): JackstopError;
  close(): Promise<void>;
}

/** The driver's error code (`SQLITE_BUSY`, `ECONNREFUSED`, `3D000` …), looking inside AggregateErrors too. */
export function errorCode(e: unknown): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && code !== '') return code;
  if (e instanceof AggregateError) {
    for (const inner of e.errors) {
      const c = errorCode(inner);
      if (c) return c;
    }
  }
  const cause = (e as { cause?: unknown }).cause;
  return cause === undefined || cause === e ? undefined : errorCode(cause);
}

/** The message of an error and of its causes: Kysely's migrator wraps the real reason. */
export function fullMessage(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur !== undefined && depth < 5; depth++) {
    const m = errorMessage(cur);
    if (m && !parts.includes(m)) parts.push(m);
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join(': ');
}

/** Errors both backends describe the same way, or undefined. */
export function commonStoreError(e: unknown, label: string): JackstopError | undefined {
  if (e instanceof JackstopError) return e;
  if (e instanceof UnknownMigrationsError) {
    return new JackstopError(
      'JACKSTOP_STORE_ERROR',
      `${label} was written by a newer Jackstop (unknown schema migrations: ${e.names.join(', ')}): upgrade Jackstop or use another database`,
      { cause: e },
    );
  }
  return undefined;
}
