/**
 * The one contract every Store backend passes. Imported by sqlite.test.ts and postgres.test.ts
 * (vitest.config excludes `*.case.test.ts` from direct runs).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EVIDENCE_EVENT_CAP,
  EVIDENCE_VALUE_CAP,
  Evidence,
  type Finding,
  type FindingKind,
  findingId,
  type Severity,
} from '../domain/index.js';
import { JackstopError } from '../errors.js';
import type { UsageHour } from '../usage/index.js';
import type { FindingUpsert, RunRecord, Store } from './index.js';

export interface StoreContractOptions {
  /** A second, independent handle on the same database as `store` (absent for `:memory:`). */
  openSame?: (store: Store) => Promise<Store>;
}

const range = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);

/** Awaits a promise that must reject with a store error, and returns the error for more checks. */
export async function storeError(p: Promise<unknown>): Promise<JackstopError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(JackstopError);
  expect((e as JackstopError).code).toBe('JACKSTOP_STORE_ERROR');
  return e as JackstopError;
}

export function makeFinding(
  ruleId: string,
  subjectId: string,
  over: Partial<Omit<Finding, 'evidence'>> & { evidence?: Partial<Finding['evidence']> } = {},
): Finding {
  const { evidence, ...rest } = over;
  return {
    id: findingId(ruleId, subjectId),
    kind: 'detection',
    ruleId,
    title: `${ruleId} seen`,
    description: '',
    severity: 'medium',
    status: 'open',
    subject: { kind: 'identity', id: subjectId },
    assets: [],
    evidence: Evidence.parse(evidence ?? {}),
    firstSeen: '2024-05-01T10:00:00Z',
    lastSeen: '2024-05-01T11:00:00Z',
    count: 1,
    remediation: '',
    falsePositives: [],
    references: [],
    mappings: { attack: [], atlas: [], owaspLlm: [], other: [] },
    ...rest,
  };
}

/** A finding as a detector reports it: evidence sample and count follow the event ids. */
function reported(f: Finding, eventIds: string[]): FindingUpsert {
  return {
    finding: {
      ...f,
      count: eventIds.length,
      evidence: { ...f.evidence, eventIds: eventIds.slice(0, EVIDENCE_EVENT_CAP) },
    },
    eventIds,
  };
}

async function expectJackstopError(p: Promise<unknown> | (() => unknown), code: string, text: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a JackstopError').toBeInstanceOf(JackstopError);
  expect((caught as JackstopError).code).toBe(code);
  expect((caught as JackstopError).message).toMatch(text);
}

function run(id: string, startedAt: string, over: Partial<RunRecord> = {}): RunRecord {
  return {
    id,
    startedAt,
    finishedAt: startedAt,
    command: 'detect',
    inputs: ['logs/a.json.gz'],
    events: 10,
    badInputs: 0,
    findings: 1,
    newFindings: 1,
    status: 'ok',
    ...over,
  };
}

function usageRow(over: Partial<UsageHour> = {}): UsageHour {
  return {
    hour: '2024-10-29T15:00:00.000Z',
    provider: 'aws',
    account: '123456789012',
    identity: 'arn:aws:iam::123456789012:user/app',
    accessKeyId: 'AKIAEXAMPLE000000001',
    model: 'anthropic.claude-3-haiku-20240307-v1:0',
    region: 'us-east-1',
    invocations: 10,
    errors: 1,
    inputTokens: 1000,
    outputTokens: 500,
    costUsd: 0.125,
    estimated: false,
    sourceIps: ['198.51.100.1'],
    userAgents: ['Boto3/1.35.50'],
    ...over,
  };
}

export function runStoreContract(
  name: string,
  makeStore: () => Promise<Store>,
  options: StoreContractOptions = {},
): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    const extra: Store[] = [];

    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
      for (const s of extra.splice(0)) await s.close();
    });

    async function another(): Promise<Store> {
      const s = await options.openSame!(store);
      extra.push(s);
      return s;
    }

    describe('schema', () => {
      it('migrate() again is a no-op that keeps the data', async () => {
        const f = makeFinding('r.migrate', 'alice');
        await store.upsertFindings([reported(f, ['e1', 'e2'])]);
        await store.migrate();
        await store.migrate();
        expect(await store.getFinding(f.id)).toEqual({
          ...f,
          count: 2,
          evidence: { ...f.evidence, eventIds: ['e1', 'e2'] },
        });
        expect(await store.listFindings()).toHaveLength(1);
        expect(['sqlite', 'postgres']).toContain(store.kind);
      });
    });

    describe('upsertFindings', () => {
      it('round-trips every field of a finding', async () => {
        const f = makeFinding('llmjacking.invoke-from-new-ip', 'arn:aws:iam::123456789012:user/ci', {
          kind: 'anomaly',
          title: 'Bedrock invoked from a new IP',
          description: 'First InvokeModel from 203.0.113.7 in 90 days.',
          severity: 'critical',
          subject: { kind: 'identity', id: 'arn:aws:iam::123456789012:user/ci', label: 'ci' },
          assets: [
            { id: 'arn:aws:iam::123456789012:user/ci', kind: 'identity', name: 'ci', attributes: { mfa: false, n: 3 } },
            { id: 'AKIAEXAMPLE', kind: 'access-key', attributes: { nested: { list: [1, 'two', null] } } },
          ],
          evidence: {
            eventIds: ['e1', 'e2', 'e3'],
            eventNames: ['InvokeModel', 'ListFoundationModels'],
            models: ['anthropic.claude-3-sonnet'],
            regions: ['us-east-1', 'eu-west-1'],
            sourceIps: ['203.0.113.7'],
            userAgents: ['python-requests/2.31 ünïcödé'],
            accessKeyIds: ['AKIAEXAMPLE'],
            errorCodes: ['AccessDenied'],
            locations: ['s3://trail/2024/05/01/x.json.gz#3'],
          },
          firstSeen: '2024-05-01T10:00:00Z',
          lastSeen: '2024-05-01T12:30:00.123Z',
          count: 3,
          remediation: 'Rotate the key.',
          falsePositives: ['new office'],
          references: ['https://example.org/llmjacking'],
          mappings: { attack: ['t1496.004'], atlas: ['AML.T0055'], owaspLlm: ['LLM10'], other: ['cis.1.4'] },
        });
        expect(await store.upsertFindings([{ finding: f, eventIds: ['e1', 'e2', 'e3'] }])).toEqual({
          inserted: 1,
          updated: 0,
        });
        expect(await store.getFinding(f.id)).toEqual(f);
        expect(await store.listFindings()).toEqual([f]);
        expect(await store.getFinding('no-such-id')).toBeUndefined();
      });

      it('re-upserting the same finding and events updates it and leaves count unchanged', async () => {
        const f = makeFinding('r.rerun', 'bob', { evidence: { models: ['m1'] } });
        const batch = [reported(f, ['e1', 'e2', 'e3'])];
        expect(await store.upsertFindings(batch)).toEqual({ inserted: 1, updated: 0 });
        const first = await store.getFinding(f.id);
        expect(await store.upsertFindings(batch)).toEqual({ inserted: 0, updated: 1 });
        expect(await store.upsertFindings(batch)).toEqual({ inserted: 0, updated: 1 });
        const again = await store.getFinding(f.id);
        expect(again).toEqual(first);
        expect(again?.count).toBe(3);
        expect(await store.listFindings()).toHaveLength(1);
      });

      it('new events raise count, move lastSeen and merge evidence', async () => {
        const f = makeFinding('r.grow', 'carol', {
          firstSeen: '2024-05-01T10:00:00Z',
          lastSeen: '2024-05-01T11:00:00Z',
          evidence: { models: ['m1'], regions: ['us-east-1'] },
        });
        await store.upsertFindings([reported(f, ['e1', 'e2', 'e3'])]);
        const later = makeFinding('r.grow', 'carol', {
          firstSeen: '2024-05-02T09:00:00Z',
          lastSeen: '2024-05-02T10:00:00Z',
          evidence: { models: ['m2', 'm1'], regions: ['us-east-1'] },
        });
        expect(await store.upsertFindings([reported(later, ['e3', 'e4', 'e5'])])).toEqual({ inserted: 0, updated: 1 });
        const got = await store.getFinding(f.id);
        expect(got?.count).toBe(5);
        expect(got?.firstSeen).toBe('2024-05-01T10:00:00Z');
        expect(got?.lastSeen).toBe('2024-05-02T10:00:00Z');
        expect(got?.evidence.eventIds).toEqual(['e1', 'e2', 'e3', 'e4', 'e5']);
        expect(got?.evidence.models).toEqual(['m1', 'm2']);
        expect(got?.evidence.regions).toEqual(['us-east-1']);
      });

      it('older events widen firstSeen and go first in the evidence', async () => {
        const f = makeFinding('r.backfill', 'dave', {
          firstSeen: '2024-05-10T00:00:00Z',
          lastSeen: '2024-05-11T00:00:00Z',
        });
        await store.upsertFindings([reported(f, ['new1', 'new2'])]);
        const older = makeFinding('r.backfill', 'dave', {
          firstSeen: '2024-05-01T00:00:00Z',
          lastSeen: '2024-05-02T00:00:00Z',
        });
        await store.upsertFindings([reported(older, ['old1'])]);
        const got = await store.getFinding(f.id);
        expect(got).toMatchObject({ firstSeen: '2024-05-01T00:00:00Z', lastSeen: '2024-05-11T00:00:00Z', count: 3 });
        expect(got?.evidence.eventIds).toEqual(['old1', 'new1', 'new2']);
      });

      it('caps merged evidence lists as the domain says', async () => {
        const models1 = range('model-', 0, 15);
        const models2 = [...range('model-', 10, 15), ...range('model-', 15, 25)];
        const f = makeFinding('r.cap', 'erin', { evidence: { models: models1 } });
        await store.upsertFindings([reported(f, range('a', 0, 40))]);
        const g = makeFinding('r.cap', 'erin', {
          lastSeen: '2024-05-03T00:00:00Z',
          evidence: { models: models2 },
        });
        await store.upsertFindings([reported(g, range('b', 0, 30))]);
        const got = await store.getFinding(f.id);
        expect(got?.count).toBe(70);
        expect(got?.evidence.eventIds).toEqual([...range('a', 0, 40), ...range('b', 0, EVIDENCE_EVENT_CAP - 40)]);
        expect(got?.evidence.models).toEqual(range('model-', 0, EVIDENCE_VALUE_CAP));
      });

      it('counts every distinct event, not only the capped evidence sample', async () => {
        const f = makeFinding('r.many', 'frank');
        await store.upsertFindings([reported(f, range('e', 0, 120))]);
        expect((await store.getFinding(f.id))?.count).toBe(120);
        expect((await store.getFinding(f.id))?.evidence.eventIds).toHaveLength(EVIDENCE_EVENT_CAP);
        await store.upsertFindings([reported(f, range('e', 60, 150))]);
        expect((await store.getFinding(f.id))?.count).toBe(150);
      });

      it('folds one finding reported twice in a batch and reports exact inserted/updated counts', async () => {
        const a = makeFinding('r.fold', 'a');
        const b = makeFinding('r.fold', 'b');
        const c = makeFinding('r.fold', 'c');
        expect(
          await store.upsertFindings([reported(a, ['e1']), reported(b, ['e2']), reported(a, ['e3', 'e1'])]),
        ).toEqual({ inserted: 2, updated: 0 });
        expect((await store.getFinding(a.id))?.count).toBe(2);
        expect(await store.upsertFindings([reported(a, ['e4']), reported(c, ['e5']), reported(c, ['e6'])])).toEqual({
          inserted: 1,
          updated: 1,
        });
        expect((await store.getFinding(a.id))?.count).toBe(3);
        expect((await store.getFinding(c.id))?.count).toBe(2);
        expect(await store.upsertFindings([])).toEqual({ inserted: 0, updated: 0 });
      });

      it('keeps the count of findings that have no events (posture checks)', async () => {
        const p = makeFinding('posture.bucket-public', 'arn:aws:s3:::b', { kind: 'posture', count: 1 });
        expect(await store.upsertFindings([{ finding: p, eventIds: [] }])).toEqual({ inserted: 1, updated: 0 });
        expect(await store.upsertFindings([{ finding: p, eventIds: [] }])).toEqual({ inserted: 0, updated: 1 });
        expect(await store.getFinding(p.id)).toEqual(p);
      });

      it('takes descriptive fields from the latest report', async () => {
        const f = makeFinding('r.evolve', 'gina', {
          title: 'v1',
          severity: 'low',
          subject: { kind: 'identity', id: 'gina', label: 'Gina' },
        });
        await store.upsertFindings([reported(f, ['e1'])]);
        const g = makeFinding('r.evolve', 'gina', {
          title: 'v2',
          severity: 'critical',
          remediation: 'new advice',
          assets: [{ id: 'AKIA2', kind: 'access-key', attributes: {} }],
        });
        await store.upsertFindings([reported(g, ['e1'])]);
        const got = await store.getFinding(f.id);
        expect(got).toMatchObject({ title: 'v2', severity: 'critical', remediation: 'new advice', count: 1 });
        // The label learnt earlier is not forgotten because a later report lacks it.
        expect(got?.subject).toEqual({ kind: 'identity', id: 'gina', label: 'Gina' });
        expect(got?.assets).toEqual([{ id: 'AKIA2', kind: 'access-key', attributes: {} }]);
        expect(await store.listFindings({ minSeverity: 'critical' })).toHaveLength(1);
      });

      it('rejects an invalid finding with the index of the bad item and saves nothing', async () => {
        const good = makeFinding('r.valid', 'h');
        const bad = { ...makeFinding('r.valid', 'i'), severity: 'severe' } as unknown as Finding;
        await expectJackstopError(
          store.upsertFindings([reported(good, ['e1']), reported(bad, ['e2'])]),
          'JACKSTOP_STORE_ERROR',
          /finding #1 .*severity/,
        );
        const badTime = makeFinding('r.valid', 'j', { lastSeen: 'yesterday' });
        await expectJackstopError(
          store.upsertFindings([reported(badTime, ['e3'])]),
          'JACKSTOP_STORE_ERROR',
          /finding #0 .*lastSeen/,
        );
        await expectJackstopError(
          store.upsertFindings([{ finding: good, eventIds: [''] }]),
          'JACKSTOP_STORE_ERROR',
          /event id is empty/,
        );
        expect(await store.listFindings()).toEqual([]);
      });

      it('saves a batch of 5 000 findings in one call', async () => {
        const batch: FindingUpsert[] = [];
        for (let i = 0; i < 5_000; i++) {
          const f = makeFinding('r.bulk', `user-${i}`, {
            severity: (['info', 'low', 'medium', 'high', 'critical'] as const)[i % 5],
            lastSeen: `2024-05-01T11:${String(i % 60).padStart(2, '0')}:00Z`,
          });
          batch.push(reported(f, [`ev-${i}-a`, `ev-${i}-b`, 'ev-shared']));
        }
        expect(await store.upsertFindings(batch)).toEqual({ inserted: 5_000, updated: 0 });
        const all = await store.listFindings();
        expect(all).toHaveLength(5_000);
        expect(all.every((f) => f.count === 3)).toBe(true);
        expect(await store.listFindings({ minSeverity: 'critical' })).toHaveLength(1_000);
        expect(await store.upsertFindings(batch)).toEqual({ inserted: 0, updated: 5_000 });
        expect((await store.listFindings()).reduce((n, f) => n + f.count, 0)).toBe(15_000);
      });
    });

    describe('listFindings', () => {
      // Ids are hashes, so the tie order (by id) is whatever sorting them says.
      const A = makeFinding('r.order', 'A', { severity: 'critical', lastSeen: '2024-05-01T12:00:00Z' });
      const B = makeFinding('r.order', 'B', { severity: 'high', lastSeen: '2024-05-03T00:00:00Z' });
      const C = makeFinding('r.order', 'C', { severity: 'high', lastSeen: '2024-05-03T00:00:00Z' });
      const D = makeFinding('r.order', 'D', { severity: 'high', lastSeen: '2024-05-02T23:30:00Z' });
      // 23:00 UTC written with an offset: sorts by time, not by text.
      const G = makeFinding('r.other', 'G', { severity: 'high', lastSeen: '2024-05-03T01:00:00+02:00' });
      const E = makeFinding('r.order', 'E', {
        severity: 'low',
        kind: 'posture',
        firstSeen: '2024-05-05T00:00:00Z',
        lastSeen: '2024-05-05T00:00:00Z',
      });
      const F = makeFinding('r.order', 'F', { severity: 'info', lastSeen: '2024-05-04T00:00:00Z' });
      const [firstTie, secondTie] = [B, C].sort((x, y) => (x.id < y.id ? -1 : 1));
      const expected = [A, firstTie!, secondTie!, D, G, E, F];
      const ids = (fs: Finding[]) => fs.map((f) => f.subject.id);

      beforeEach(async () => {
        await store.upsertFindings([F, E, G, D, C, B, A].map((f, i) => reported(f, [`ev-${i}`])));
      });

      it('orders by severity, then newest lastSeen, then id', async () => {
        expect(ids(await store.listFindings())).toEqual(ids(expected));
      });

      it('applies the severity threshold', async () => {
        expect(ids(await store.listFindings({ minSeverity: 'high' }))).toEqual(ids(expected.slice(0, 5)));
        expect(ids(await store.listFindings({ minSeverity: 'low' }))).toEqual(ids(expected.slice(0, 6)));
        expect(ids(await store.listFindings({ minSeverity: 'info' }))).toEqual(ids(expected));
        expect(ids(await store.listFindings({ minSeverity: 'critical' }))).toEqual(['A']);
      });

      it('filters by kind, rule, subject, status and time', async () => {
        expect(ids(await store.listFindings({ kind: 'posture' as FindingKind }))).toEqual(['E']);
        expect(ids(await store.listFindings({ ruleId: 'r.other' }))).toEqual(['G']);
        expect(ids(await store.listFindings({ subjectId: 'D' }))).toEqual(['D']);
        expect(await store.listFindings({ subjectId: 'nobody' })).toEqual([]);
        await store.setStatus(D.id, 'resolved');
        expect(ids(await store.listFindings({ status: 'resolved' }))).toEqual(['D']);
        expect(ids(await store.listFindings({ status: 'open', minSeverity: 'high' }))).toEqual(
          ids([A, firstTie!, secondTie!, G]),
        );
        // since: still active at or after; until: started before.
        expect(ids(await store.listFindings({ since: '2024-05-03T00:00:00Z' }))).toEqual(
          ids([firstTie!, secondTie!, E, F]),
        );
        expect(ids(await store.listFindings({ since: '2024-05-03T02:00:00+02:00' }))).toEqual(
          ids([firstTie!, secondTie!, E, F]),
        );
        expect(ids(await store.listFindings({ until: '2024-05-05T00:00:00Z' }))).toEqual(
          ids(expected.filter((f) => f !== E)),
        );
        expect(
          ids(
            await store.listFindings({
              since: '2024-05-02T23:00:00Z',
              until: '2024-05-05T00:00:00Z',
              minSeverity: 'high',
            }),
          ),
        ).toEqual(ids([firstTie!, secondTie!, D, G]));
      });

      it('pages with limit and offset in the same order', async () => {
        const pages: Finding[] = [];
        for (let offset = 0; offset < 7; offset += 3) pages.push(...(await store.listFindings({ limit: 3, offset })));
        expect(ids(pages)).toEqual(ids(expected));
        expect(ids(await store.listFindings({ offset: 5 }))).toEqual(ids(expected.slice(5)));
        expect(ids(await store.listFindings({ limit: 2 }))).toEqual(ids(expected.slice(0, 2)));
        expect(await store.listFindings({ limit: 0 })).toEqual([]);
      });

      it('rejects invalid filters with a usage error', async () => {
        await expectJackstopError(
          () => store.listFindings({ minSeverity: 'severe' as Severity }),
          'JACKSTOP_USAGE',
          /minSeverity/,
        );
        await expectJackstopError(() => store.listFindings({ since: 'last tuesday' }), 'JACKSTOP_USAGE', /since/);
        await expectJackstopError(() => store.listFindings({ limit: -1 }), 'JACKSTOP_USAGE', /limit/);
        await expectJackstopError(() => store.listFindings({ offset: 1.5 }), 'JACKSTOP_USAGE', /offset/);
      });
    });

    describe('status', () => {
      const f = makeFinding('r.status', 'ivan', {
        firstSeen: '2024-05-01T10:00:00Z',
        lastSeen: '2024-05-01T11:00:00Z',
      });
      const newer = makeFinding('r.status', 'ivan', {
        firstSeen: '2024-05-02T10:00:00Z',
        lastSeen: '2024-05-02T11:00:00Z',
      });
      const older = makeFinding('r.status', 'ivan', {
        firstSeen: '2024-04-01T10:00:00Z',
        lastSeen: '2024-04-01T11:00:00Z',
      });

      it('changes status and reports unknown ids', async () => {
        await store.upsertFindings([reported(f, ['e1'])]);
        expect(await store.setStatus(f.id, 'suppressed')).toBe(true);
        expect((await store.getFinding(f.id))?.status).toBe('suppressed');
        expect(await store.setStatus(f.id, 'open')).toBe(true);
        expect((await store.getFinding(f.id))?.status).toBe('open');
        expect(await store.setStatus('no-such-id', 'resolved')).toBe(false);
        await expectJackstopError(
          () => store.setStatus(f.id, 'closed' as 'open'),
          'JACKSTOP_USAGE',
          /invalid finding status "closed"/,
        );
      });

      it('a resolved finding stays resolved on a re-run and reopens on newer events only', async () => {
        await store.upsertFindings([reported(f, ['e1', 'e2'])]);
        await store.setStatus(f.id, 'resolved');
        await store.upsertFindings([reported(f, ['e1', 'e2'])]);
        expect((await store.getFinding(f.id))?.status).toBe('resolved');
        await store.upsertFindings([reported(older, ['e0'])]);
        expect(await store.getFinding(f.id)).toMatchObject({ status: 'resolved', count: 3 });
        await store.upsertFindings([reported(newer, ['e3'])]);
        expect(await store.getFinding(f.id)).toMatchObject({
          status: 'open',
          count: 4,
          lastSeen: '2024-05-02T11:00:00Z',
        });
      });

      it('a suppressed finding stays suppressed when newer events arrive', async () => {
        await store.upsertFindings([reported(f, ['e1'])]);
        await store.setStatus(f.id, 'suppressed');
        await store.upsertFindings([reported(newer, ['e2'])]);
        expect(await store.getFinding(f.id)).toMatchObject({ status: 'suppressed', count: 2 });
        expect(ids(await store.listFindings({ status: 'suppressed' }))).toEqual(['ivan']);
      });
      const ids = (fs: Finding[]) => fs.map((x) => x.subject.id);
    });

    describe('runs', () => {
      it('records runs and lists them newest first', async () => {
        const r1 = run('run-1', '2024-05-01T10:00:00Z');
        const r2 = run('run-2', '2024-05-03T10:00:00Z', {
          finishedAt: '2024-05-03T10:05:00.250Z',
          command: 'detect',
          inputs: ['s3://bucket/AWSLogs/', '-'],
          events: 5_000_000_000, // beyond 32 bits: bigint columns must come back as numbers
          badInputs: 7,
          findings: 12,
          newFindings: 3,
          status: 'error',
        });
        // 2024-05-02T08:00Z written with an offset: ordered by time, not text.
        const r3 = run('run-3', '2024-05-02T10:00:00+02:00', { inputs: [] });
        await store.recordRun(r1);
        await store.recordRun(r2);
        await store.recordRun(r3);
        expect(await store.listRuns()).toEqual([r2, r3, r1]);
        expect(await store.listRuns(2)).toEqual([r2, r3]);
        expect(await store.listRuns(0)).toEqual([]);
        const again = { ...r1, status: 'error' as const, events: 11 };
        await store.recordRun(again);
        expect(await store.listRuns()).toEqual([r2, r3, again]);
      });

      it('rejects an invalid run record', async () => {
        await expectJackstopError(
          () => store.recordRun(run('bad', '2024-05-01T10:00:00Z', { events: -1 })),
          'JACKSTOP_STORE_ERROR',
          /run bad: events/,
        );
        await expectJackstopError(() => store.listRuns(-2), 'JACKSTOP_USAGE', /run limit/);
        expect(await store.listRuns()).toEqual([]);
      });
    });

    describe('usage', () => {
      it('round-trips hourly rows, including large counts and fractional cost', async () => {
        const row = usageRow({ invocations: 5_000_000_000, inputTokens: 6_000_000_000, costUsd: 1234.5678 });
        const other = usageRow({
          hour: '2024-10-29T16:00:00.000Z',
          provider: 'gcp',
          account: 'p',
          accessKeyId: '',
          region: '',
        });
        expect(await store.upsertUsage([other, row])).toEqual({ inserted: 2, updated: 0 });
        expect(await store.listUsage()).toEqual([row, other]);
      });

      it('merges rows with the same key: sums, OR of estimated, capped union of IPs and agents', async () => {
        await store.upsertUsage([usageRow({ sourceIps: range('10.0.0.', 0, 15) })]);
        await store.upsertUsage([
          usageRow({
            invocations: 5,
            errors: 0,
            inputTokens: 10,
            outputTokens: 20,
            costUsd: 0.5,
            estimated: true,
            sourceIps: range('10.0.0.', 10, 30),
            userAgents: ['curl/8'],
          }),
        ]);
        const [merged] = await store.listUsage();
        expect(merged).toMatchObject({
          invocations: 15,
          errors: 1,
          inputTokens: 1010,
          outputTokens: 520,
          estimated: true,
        });
        expect(merged!.costUsd).toBeCloseTo(0.625, 9);
        expect(merged!.sourceIps).toEqual(range('10.0.0.', 0, 20));
        expect(merged!.userAgents).toEqual(['Boto3/1.35.50', 'curl/8']);
        // Rows of one batch with the same key fold too; a time inside the hour is stored as the hour.
        await store.upsertUsage([
          usageRow({ hour: '2024-10-29T17:20:00Z', invocations: 1 }),
          usageRow({ hour: '2024-10-29T17:00:00.000Z', invocations: 2 }),
        ]);
        expect((await store.listUsage({ since: '2024-10-29T17:00:00Z' })).map((r) => [r.hour, r.invocations])).toEqual([
          ['2024-10-29T17:00:00.000Z', 3],
        ]);
      });

      it('filters by time, identity, model and account', async () => {
        await store.upsertUsage([
          usageRow({ hour: '2024-10-29T14:00:00.000Z' }),
          usageRow({ hour: '2024-10-29T15:00:00.000Z', identity: 'eve' }),
          usageRow({ hour: '2024-10-29T16:00:00.000Z', model: 'amazon.nova-pro-v1:0', account: '999' }),
        ]);
        const hours = async (f: Parameters<Store['listUsage']>[0]) =>
          (await store.listUsage(f)).map((r) => r.hour.slice(11, 13));
        expect(await hours({ since: '2024-10-29T15:30:00Z' })).toEqual(['15', '16']);
        expect(await hours({ until: '2024-10-29T16:00:00Z' })).toEqual(['14', '15']);
        expect(await hours({ identity: 'eve' })).toEqual(['15']);
        expect(await hours({ model: 'amazon.nova-pro-v1:0' })).toEqual(['16']);
        expect(await hours({ account: '123456789012' })).toEqual(['14', '15']);
        await expectJackstopError(store.listUsage({ since: 'soon' }), 'JACKSTOP_USAGE', /usage filter: since/);
      });

      it('saves watermarks with the rows, and refuses a pass that raced another', async () => {
        const mark = { source: '/logs/a.json', line: 0, record: 9 };
        await store.upsertUsage([usageRow()], { marks: [mark] });
        expect(await store.usageMarks(['/logs/a.json', '/logs/none.json'])).toEqual([mark]);
        // A second pass that also started from "no mark" counted the same records: nothing is saved.
        await expectJackstopError(
          store.upsertUsage([usageRow()], { marks: [{ ...mark, record: 12 }] }),
          'JACKSTOP_STORE_ERROR',
          /another run counted usage from \/logs\/a\.json/,
        );
        expect((await store.listUsage())[0]!.invocations).toBe(10);
        // A pass that started from the stored mark moves it on.
        await store.upsertUsage([usageRow({ invocations: 2 })], {
          marks: [{ ...mark, record: 12, previous: { line: 0, record: 9 } }],
        });
        expect(await store.usageMarks(['/logs/a.json'])).toEqual([{ ...mark, record: 12 }]);
        expect((await store.listUsage())[0]!.invocations).toBe(12);
      });

      it('rejects invalid rows with their index and saves nothing', async () => {
        await expectJackstopError(
          store.upsertUsage([usageRow(), usageRow({ invocations: -1 })]),
          'JACKSTOP_STORE_ERROR',
          /usage row #1: invocations/,
        );
        await expectJackstopError(store.upsertUsage([usageRow({ hour: 'later' })]), 'JACKSTOP_STORE_ERROR', /#0: hour/);
        expect(await store.listUsage()).toEqual([]);
      });
    });

    describe('lifecycle', () => {
      it('fails clearly after close, and close is idempotent', async () => {
        const s = await makeStore();
        await s.close();
        await s.close();
        await expectJackstopError(s.listFindings(), 'JACKSTOP_STORE_ERROR', /is closed/);
        await expectJackstopError(s.upsertFindings([]), 'JACKSTOP_STORE_ERROR', /is closed/);
      });

      if (!options.openSame) return;

      it('close then reopen keeps findings, statuses and runs', async () => {
        const f = makeFinding('r.persist', 'judy', { severity: 'high' });
        await store.upsertFindings([reported(f, ['e1', 'e2'])]);
        await store.setStatus(f.id, 'resolved');
        await store.recordRun(run('run-p', '2024-05-01T10:00:00Z'));
        const reopened = await another();
        await store.close();
        expect(await reopened.getFinding(f.id)).toMatchObject({ status: 'resolved', count: 2 });
        expect(await reopened.listRuns()).toEqual([run('run-p', '2024-05-01T10:00:00Z')]);
        // The link table survived too: the same events do not count twice.
        expect(await reopened.upsertFindings([reported(f, ['e2', 'e3'])])).toEqual({ inserted: 0, updated: 1 });
        expect((await reopened.getFinding(f.id))?.count).toBe(3);
        store = await another(); // so afterEach has an open store to close
      });

      it('concurrent writers on the same database lose no events', async () => {
        const handles = [store, await another(), await another()];
        const shared = makeFinding('r.concurrent', 'shared');
        const results = await Promise.all(
          handles.flatMap((h, i) =>
            [0, 1, 2].map((j) =>
              h.upsertFindings([
                reported(shared, range(`h${i}-b${j}-`, 0, 20)),
                reported(makeFinding('r.concurrent', `own-${i}-${j}`), [`x-${i}-${j}`]),
                reported(makeFinding('r.concurrent', `common-${j}`), [`c-${i}-${j}`]),
              ]),
            ),
          ),
        );
        const inserted = results.reduce((n, r) => n + r.inserted, 0);
        const updated = results.reduce((n, r) => n + r.updated, 0);
        // shared once + 9 own + 3 common findings, each written 27 times in total.
        expect(inserted).toBe(1 + 9 + 3);
        expect(inserted + updated).toBe(27);
        expect((await store.getFinding(shared.id))?.count).toBe(9 * 20);
        expect((await handles[2]!.getFinding(findingId('r.concurrent', 'common-1')))?.count).toBe(3);
        expect(await handles[1]!.listFindings()).toHaveLength(13);
      });
    });
  });
}
