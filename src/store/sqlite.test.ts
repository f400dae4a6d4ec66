import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { findingId } from '../domain/index.js';
import { DEFAULT_DB_PATH, openStore, type Store } from './index.js';
import { MIGRATION_NAMES } from './migrations.js';
import { makeFinding, runStoreContract, storeError } from './store.case.test.js';

const root = mkdtempSync(join(tmpdir(), 'jackstop-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
const freshPath = () => join(root, `db-${++n}`, 'jackstop.db');
const pathOf = new WeakMap<Store, string>();

runStoreContract(
  'sqlite file',
  async () => {
    const path = freshPath();
    const s = await openStore(path);
    pathOf.set(s, path);
    return s;
  },
  {
    openSame: async (s) => {
      const path = pathOf.get(s)!;
      const again = await openStore(`sqlite:${path}`);
      pathOf.set(again, path);
      return again;
    },
  },
);

runStoreContract('sqlite :memory:', () => openStore(':memory:'));

const upsert = (ruleId: string, subject: string, events: string[]) => ({
  finding: makeFinding(ruleId, subject, { count: events.length }),
  eventIds: events,
});

describe('SQLite store', () => {
  it('defaults to .jackstop/jackstop.db under the working folder, creating the folders', async () => {
    const cwd = join(root, 'default-location');
    mkdirSync(cwd);
    const before = process.cwd();
    process.chdir(cwd);
    try {
      const s = await openStore();
      expect(s.kind).toBe('sqlite');
      await s.upsertFindings([upsert('r', 'a', ['e1'])]);
      await s.close();
    } finally {
      process.chdir(before);
    }
    expect(DEFAULT_DB_PATH).toBe('.jackstop/jackstop.db');
    expect(existsSync(join(cwd, '.jackstop', 'jackstop.db'))).toBe(true);
  });

  it('accepts sqlite: and file: URLs and creates missing folders', async () => {
    const a = join(root, 'urls', 'deep', 'x', 'a.db');
    const s1 = await openStore(`sqlite://${a}`);
    await s1.upsertFindings([upsert('r', 'a', ['e1'])]);
    await s1.close();
    const s2 = await openStore(`file://${a}`);
    expect(await s2.listFindings()).toHaveLength(1);
    await s2.close();
  });

  it('uses WAL with a busy timeout, and leaves a database that passes integrity_check', async () => {
    const path = freshPath();
    const s = await openStore(path);
    await s.upsertFindings([upsert('r', 'a', ['e1'])]);
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      const tables = raw.prepare(`select name from sqlite_master where type = 'table' order by name`).pluck().all();
      expect(tables).toEqual(
        expect.arrayContaining(['findings', 'finding_events', 'runs', 'jackstop_migration', 'jackstop_migration_lock']),
      );
    } finally {
      raw.close();
      await s.close();
    }
  });

  it('concurrent openStore calls on one new file do not corrupt it', async () => {
    const path = freshPath();
    const handles = await Promise.all(Array.from({ length: 6 }, () => openStore(path)));
    const results = await Promise.all(
      handles.map((h, i) =>
        h.upsertFindings(
          Array.from({ length: 200 }, (_, j) => upsert('r.concurrent', `user-${(i * 100 + j) % 700}`, [`e-${i}-${j}`])),
        ),
      ),
    );
    // Subjects 0..699, each written once or twice: 700 distinct findings, 1200 writes.
    expect(results.reduce((x, r) => x + r.inserted, 0)).toBe(700);
    expect(results.reduce((x, r) => x + r.updated, 0)).toBe(500);
    await Promise.all(handles.map((h) => h.close()));
    const raw = new Database(path, { readonly: true });
    try {
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(raw.prepare('select count(*) from findings').pluck().get()).toBe(700);
      expect(raw.prepare('select sum(count) from findings').pluck().get()).toBe(1200);
      expect(raw.prepare('select count(*) from jackstop_migration').pluck().get()).toBe(MIGRATION_NAMES.length);
    } finally {
      raw.close();
    }
  });

  it('waits for another process holding the write lock instead of failing', async () => {
    const path = freshPath();
    const s = await openStore(path);
    // A worker thread has its own SQLite connection, like another jackstop process would.
    const worker = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const Database = require(workerData.module);
       const db = new Database(workerData.path);
       db.exec('begin immediate');
       db.prepare("insert into runs values ('held', 'x', 'x', 0, 'detect', '[]', 0, 0, 0, 0, 'ok')").run();
       parentPort.postMessage('locked');
       setTimeout(() => { db.exec('commit'); db.close(); parentPort.postMessage('released'); }, 400);`,
      { eval: true, workerData: { path, module: createRequire(import.meta.url).resolve('better-sqlite3') } },
    );
    const messages: string[] = [];
    worker.on('message', (m: string) => messages.push(m));
    await new Promise<void>((resolve) => worker.once('message', () => resolve()));
    const started = Date.now();
    expect(await s.upsertFindings([upsert('r', 'a', ['e1'])])).toEqual({ inserted: 1, updated: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    await new Promise((resolve) => worker.once('exit', resolve));
    expect(messages).toEqual(['locked', 'released']);
    expect((await s.listRuns()).map((r) => r.id)).toEqual(['held']);
    await s.close();
  });

  it('says when the file is not a SQLite database', async () => {
    const path = join(root, 'not-a-db.txt');
    writeFileSync(path, 'this is a text file, not a database, and it is long enough to have a header\n'.repeat(20));
    const e = await storeError(openStore(path));
    expect(e.message).toContain(`${path} is not a SQLite database`);
  });

  it('says when the path is a folder or its folder cannot be created', async () => {
    const dir = join(root, 'a-folder');
    mkdirSync(dir);
    expect((await storeError(openStore(dir))).message).toMatch(/cannot open the SQLite database .*a-folder/);
    const file = join(root, 'plain-file');
    writeFileSync(file, '');
    expect((await storeError(openStore(join(file, 'sub', 'x.db')))).message).toMatch(
      /cannot create the folder .*plain-file\/sub/,
    );
  });

  it('refuses a database written by a newer Jackstop', async () => {
    const path = freshPath();
    await (await openStore(path)).close();
    const raw = new Database(path);
    raw.prepare(`insert into jackstop_migration (name, timestamp) values ('9999_future', 'now')`).run();
    raw.close();
    const e = await storeError(openStore(path));
    expect(e.message).toMatch(/written by a newer Jackstop .*9999_future.*upgrade Jackstop/);
  });

  it('reports a finding row edited into nonsense by id', async () => {
    const path = freshPath();
    const s = await openStore(path);
    await s.upsertFindings([upsert('r', 'a', ['e1'])]);
    const id = findingId('r', 'a');
    const raw = new Database(path);
    raw.prepare('update findings set data = ? where id = ?').run('{not json', id);
    raw.close();
    expect((await storeError(s.getFinding(id))).message).toContain(`finding ${id} in ${path} is not valid JSON`);
    const raw2 = new Database(path);
    raw2.prepare('update findings set data = ? where id = ?').run('{"id":"x"}', id);
    raw2.close();
    expect((await storeError(s.listFindings())).message).toMatch(/does not match the Finding schema/);
    await s.close();
  });

  it('rejects unknown URL schemes without echoing the password', async () => {
    const e = await storeError(openStore('mysql://root:hunter22@db/x'));
    expect(e.message).toContain('unsupported store URL scheme "mysql:"');
    expect(e.message).not.toContain('hunter22');
  });
});
