import type { Kysely, Selectable } from 'kysely';
import { z } from 'zod';
import {
  Finding,
  FindingKind,
  FindingStatus,
  type FindingStatus as FindingStatusType,
  Severity,
  severityRank,
} from '../domain/index.js';
import { JackstopError } from '../errors.js';
import { addDistinct, mergeUsageHour, type UsageHour, type UsageSourceMark, usageKey } from '../usage/index.js';
import type { Backend } from './backend.js';
import { mergeFinding, normalizeNew, timeMs } from './merge.js';
import type { StoreDatabase, UsageHoursTable } from './schema.js';
import type { FindingFilter, FindingUpsert, RunRecord, Store, UsageFilter } from './types.js';

/**
 * Statement sizes. SQLite allows 32 766 bound values per statement and PostgreSQL 65 535; a finding
 * row binds 13, a link row 2, so these stay well under both.
 */
const ROWS_PER_FINDING_INSERT = 500;
const ROWS_PER_LINK_INSERT = 5_000;
const IDS_PER_QUERY = 1_000;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A time that sorts as text: the column copies of first/last seen. */
function sortableTime(iso: string): string {
  return new Date(timeMs(iso)).toISOString();
}

const isoTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), { message: 'not an ISO 8601 time' });

const UpsertItem = z.object({
  finding: Finding.extend({ firstSeen: isoTime, lastSeen: isoTime }),
  eventIds: z.array(z.string().min(1, 'an event id is empty')),
});

const Run = z.object({
  id: z.string().min(1),
  startedAt: isoTime,
  finishedAt: isoTime,
  command: z.string(),
  inputs: z.array(z.string()),
  events: z.number().int().nonnegative(),
  badInputs: z.number().int().nonnegative(),
  findings: z.number().int().nonnegative(),
  newFindings: z.number().int().nonnegative(),
  status: z.enum(['ok', 'error']),
});

const Filter = z.object({
  minSeverity: Severity.optional(),
  kind: FindingKind.optional(),
  status: FindingStatus.optional(),
  ruleId: z.string().optional(),
  subjectId: z.string().optional(),
  since: isoTime.optional(),
  until: isoTime.optional(),
  limit: z.number().int().nonnegative().optional(),
  offset: z.number().int().nonnegative().optional(),
});

const UsageRow = z.object({
  hour: isoTime,
  provider: z.enum(['aws', 'azure', 'gcp']),
  account: z.string(),
  identity: z.string().min(1, 'the identity is empty'),
  accessKeyId: z.string(),
  model: z.string().min(1, 'the model is empty'),
  region: z.string(),
  invocations: z.number().int().nonnegative(),
  errors: z.number().int().nonnegative(),
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  costUsd: z.number().finite().nonnegative(),
  estimated: z.boolean(),
  sourceIps: z.array(z.string()),
  userAgents: z.array(z.string()),
});

const Mark = z.object({
  source: z.string().min(1),
  line: z.number().int().nonnegative(),
  record: z.number().int().nonnegative(),
  previous: z.object({ line: z.number().int().nonnegative(), record: z.number().int().nonnegative() }).optional(),
});

const UsageFilterSchema = z.object({
  since: isoTime.optional(),
  until: isoTime.optional(),
  identity: z.string().optional(),
  model: z.string().optional(),
  account: z.string().optional(),
});

/** Hours as stored: `toISOString()` of the start of the hour. */
function storedHour(iso: string): string {
  const ms = timeMs(iso);
  return new Date(ms - (ms % 3_600_000)).toISOString();
}

const ROWS_PER_USAGE_INSERT = 500;

function issues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');
}

/** Incoming findings folded by id: one batch may report the same finding twice. */
interface Pending {
  finding: Finding;
  eventIds: Set<string>;
}

export class KyselyStore implements Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly #backend: Backend;
  #closed = false;

  constructor(backend: Backend) {
    this.#backend = backend;
    this.kind = backend.kind;
  }

  /** Runs an operation with one error vocabulary: driver failures become JACKSTOP_STORE_ERROR. */
  async #guard<T>(doing: string, fn: (db: Kysely<StoreDatabase>) => Promise<T>): Promise<T> {
    this.#assertOpen(doing);
    try {
      return await fn(this.#backend.db);
    } catch (e) {
      throw this.#backend.toStoreError(e, doing);
    }
  }

  #assertOpen(doing: string): void {
    if (this.#closed) {
      throw new JackstopError(
        'JACKSTOP_STORE_ERROR',
        `the store ${this.#backend.label} is closed (while ${doing}): open it again`,
      );
    }
  }

  /** The stored JSON, checked: a row edited by hand gets a clear message, not a crash further on. */
  #parseRow(id: string, data: string): Finding {
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch (cause) {
      throw new JackstopError(
        'JACKSTOP_STORE_ERROR',
        `finding ${id} in ${this.#backend.label} is not valid JSON: was the database edited by hand? Resolve or delete that row`,
        { cause },
      );
    }
    const parsed = Finding.safeParse(json);
    if (!parsed.success) {
      throw new JackstopError(
        'JACKSTOP_STORE_ERROR',
        `finding ${id} in ${this.#backend.label} does not match the Finding schema (${issues(parsed.error)}): was the database edited by hand?`,
      );
    }
    return parsed.data;
  }

  async migrate(): Promise<void> {
    return this.#guard('migrating the schema', () => this.#backend.migrate());
  }

  async upsertFindings(batch: readonly FindingUpsert[]): Promise<{ inserted: number; updated: number }> {
    this.#assertOpen('saving findings');
    const pending = new Map<string, Pending>();
    batch.forEach((item, index) => {
      const parsed = UpsertItem.safeParse(item);
      if (!parsed.success) {
        const id = (item as { finding?: { id?: unknown } } | undefined)?.finding?.id;
        throw new JackstopError(
          'JACKSTOP_STORE_ERROR',
          `cannot save finding #${index}${typeof id === 'string' ? ` (${id})` : ''}: ${issues(parsed.error)}`,
          { location: { record: index } },
        );
      }
      const { finding, eventIds } = parsed.data;
      const seen = pending.get(finding.id);
      if (seen) {
        for (const e of eventIds) seen.eventIds.add(e);
        const merged = mergeFinding(seen.finding, finding);
        seen.finding = { ...merged, count: Math.max(seen.finding.count, finding.count) };
      } else {
        pending.set(finding.id, { finding: normalizeNew(finding), eventIds: new Set(eventIds) });
      }
    });
    if (pending.size === 0) return { inserted: 0, updated: 0 };
    const ids = [...pending.keys()].sort();

    return this.#guard('saving findings', () =>
      this.#backend.write(ids, async (trx) => {
        const stored = new Map<string, Finding>();
        for (const part of chunks(ids, IDS_PER_QUERY)) {
          const rows = await trx.selectFrom('findings').select(['id', 'data']).where('id', 'in', part).execute();
          for (const r of rows) stored.set(r.id, this.#parseRow(r.id, r.data));
        }

        const links: { finding_id: string; event_id: string }[] = [];
        for (const [id, p] of pending) for (const e of p.eventIds) links.push({ finding_id: id, event_id: e });
        for (const part of chunks(links, ROWS_PER_LINK_INSERT)) {
          await trx
            .insertInto('finding_events')
            .values(part)
            .onConflict((oc) => oc.columns(['finding_id', 'event_id']).doNothing())
            .execute();
        }

        const linked = new Map<string, number>();
        for (const part of chunks(ids, IDS_PER_QUERY)) {
          const rows = await trx
            .selectFrom('finding_events')
            .select(['finding_id', (eb) => eb.fn.countAll().as('n')])
            .where('finding_id', 'in', part)
            .groupBy('finding_id')
            .execute();
          for (const r of rows) linked.set(r.finding_id, Number(r.n));
        }

        const now = new Date().toISOString();
        const rows = ids.map((id) => {
          const p = pending.get(id)!;
          const before = stored.get(id);
          const merged = before ? mergeFinding(before, p.finding) : p.finding;
          // Count is the number of distinct events ever linked; findings without events (posture
          // checks) keep the count their producer gave. A producer links at most a capped number of
          // events per finding, so for the noisiest findings the count a run measured (or the
          // stored one) can be larger: the largest of the three is a lower bound, exact for one
          // run and for re-reads of the same logs.
          const linkedCount = linked.get(id);
          const count =
            linkedCount === undefined ? p.finding.count : Math.max(linkedCount, p.finding.count, before?.count ?? 0);
          const finding: Finding = { ...merged, count };
          return {
            id,
            rule_id: finding.ruleId,
            kind: finding.kind,
            severity: finding.severity,
            severity_rank: severityRank(finding.severity),
            status: finding.status,
            subject_id: finding.subject.id,
            first_seen: sortableTime(finding.firstSeen),
            last_seen: sortableTime(finding.lastSeen),
            count: finding.count,
            data: JSON.stringify(finding),
            created_at: now,
            updated_at: now,
          };
        });
        for (const part of chunks(rows, ROWS_PER_FINDING_INSERT)) {
          await trx
            .insertInto('findings')
            .values(part)
            .onConflict((oc) =>
              oc.column('id').doUpdateSet((eb) => ({
                rule_id: eb.ref('excluded.rule_id'),
                kind: eb.ref('excluded.kind'),
                severity: eb.ref('excluded.severity'),
                severity_rank: eb.ref('excluded.severity_rank'),
                status: eb.ref('excluded.status'),
                subject_id: eb.ref('excluded.subject_id'),
                first_seen: eb.ref('excluded.first_seen'),
                last_seen: eb.ref('excluded.last_seen'),
                count: eb.ref('excluded.count'),
                data: eb.ref('excluded.data'),
                updated_at: eb.ref('excluded.updated_at'),
              })),
            )
            .execute();
        }
        return { inserted: ids.length - stored.size, updated: stored.size };
      }),
    );
  }

  async getFinding(id: string): Promise<Finding | undefined> {
    return this.#guard('reading a finding', async (db) => {
      const row = await db.selectFrom('findings').select(['id', 'data']).where('id', '=', id).executeTakeFirst();
      return row ? this.#parseRow(row.id, row.data) : undefined;
    });
  }

  async listFindings(filter: FindingFilter = {}): Promise<Finding[]> {
    const parsed = Filter.safeParse(filter);
    if (!parsed.success) {
      throw new JackstopError('JACKSTOP_USAGE', `invalid findings filter: ${issues(parsed.error)}`);
    }
    const f = parsed.data;
    return this.#guard('listing findings', async (db) => {
      let q = db.selectFrom('findings').select(['id', 'data']);
      if (f.minSeverity !== undefined) q = q.where('severity_rank', '>=', severityRank(f.minSeverity));
      if (f.kind !== undefined) q = q.where('kind', '=', f.kind);
      if (f.status !== undefined) q = q.where('status', '=', f.status);
      if (f.ruleId !== undefined) q = q.where('rule_id', '=', f.ruleId);
      if (f.subjectId !== undefined) q = q.where('subject_id', '=', f.subjectId);
      if (f.since !== undefined) q = q.where('last_seen', '>=', sortableTime(f.since));
      if (f.until !== undefined) q = q.where('first_seen', '<', sortableTime(f.until));
      q = q.orderBy('severity_rank', 'desc').orderBy('last_seen', 'desc').orderBy('id', 'asc');
      // SQLite accepts OFFSET only after a LIMIT; -1 there means "no limit".
      if (f.limit !== undefined) q = q.limit(f.limit);
      else if (f.offset !== undefined && this.kind === 'sqlite') q = q.limit(-1);
      if (f.offset !== undefined) q = q.offset(f.offset);
      const rows = await q.execute();
      return rows.map((r) => this.#parseRow(r.id, r.data));
    });
  }

  async setStatus(id: string, status: FindingStatusType): Promise<boolean> {
    const parsed = FindingStatus.safeParse(status);
    if (!parsed.success) {
      throw new JackstopError(
        'JACKSTOP_USAGE',
        `invalid finding status "${String(status)}": use one of ${FindingStatus.options.join(', ')}`,
      );
    }
    return this.#guard('changing a finding status', () =>
      this.#backend.write([id], async (trx) => {
        const row = await trx.selectFrom('findings').select(['id', 'data']).where('id', '=', id).executeTakeFirst();
        if (!row) return false;
        const finding: Finding = { ...this.#parseRow(row.id, row.data), status: parsed.data };
        await trx
          .updateTable('findings')
          .set({ status: parsed.data, data: JSON.stringify(finding), updated_at: new Date().toISOString() })
          .where('id', '=', id)
          .execute();
        return true;
      }),
    );
  }

  async recordRun(run: RunRecord): Promise<void> {
    const parsed = Run.safeParse(run);
    if (!parsed.success) {
      throw new JackstopError('JACKSTOP_STORE_ERROR', `cannot record run ${String(run?.id)}: ${issues(parsed.error)}`);
    }
    const r = parsed.data;
    const row = {
      id: r.id,
      started_at: r.startedAt,
      finished_at: r.finishedAt,
      started_ms: timeMs(r.startedAt),
      command: r.command,
      inputs: JSON.stringify(r.inputs),
      events: r.events,
      bad_inputs: r.badInputs,
      findings: r.findings,
      new_findings: r.newFindings,
      status: r.status,
    };
    return this.#guard('recording a run', () =>
      this.#backend.write([], async (trx) => {
        const { id: _id, ...rest } = row;
        await trx
          .insertInto('runs')
          .values(row)
          .onConflict((oc) => oc.column('id').doUpdateSet(rest))
          .execute();
      }),
    );
  }

  async listRuns(limit?: number): Promise<RunRecord[]> {
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0)) {
      throw new JackstopError('JACKSTOP_USAGE', `invalid run limit ${limit}: use a whole number of 0 or more`);
    }
    return this.#guard('listing runs', async (db) => {
      let q = db.selectFrom('runs').selectAll().orderBy('started_ms', 'desc').orderBy('id', 'desc');
      if (limit !== undefined) q = q.limit(limit);
      const rows = await q.execute();
      return rows.map((r) => ({
        id: r.id,
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        command: r.command,
        inputs: z.array(z.string()).parse(JSON.parse(r.inputs)),
        // bigint columns arrive as strings from PostgreSQL.
        events: Number(r.events),
        badInputs: Number(r.bad_inputs),
        findings: Number(r.findings),
        newFindings: Number(r.new_findings),
        status: r.status === 'error' ? 'error' : 'ok',
      }));
    });
  }

  async upsertUsage(
    hours: readonly UsageHour[],
    opts: { marks?: readonly UsageSourceMark[] } = {},
  ): Promise<{ inserted: number; updated: number }> {
    this.#assertOpen('saving usage');
    const pending = new Map<string, UsageHour>();
    hours.forEach((h, index) => {
      const parsed = UsageRow.safeParse(h);
      if (!parsed.success) {
        throw new JackstopError('JACKSTOP_STORE_ERROR', `cannot save usage row #${index}: ${issues(parsed.error)}`, {
          location: { record: index },
        });
      }
      const row: UsageHour = { ...parsed.data, hour: storedHour(parsed.data.hour), sourceIps: [], userAgents: [] };
      addDistinct(row.sourceIps, parsed.data.sourceIps);
      addDistinct(row.userAgents, parsed.data.userAgents);
      const key = usageKey(row);
      const prior = pending.get(key);
      pending.set(key, prior ? mergeUsageHour(prior, row) : row);
    });
    const marks = (opts.marks ?? []).map((m, index) => {
      const parsed = Mark.safeParse(m);
      if (!parsed.success) {
        throw new JackstopError('JACKSTOP_STORE_ERROR', `cannot save usage mark #${index}: ${issues(parsed.error)}`);
      }
      return parsed.data;
    });
    if (pending.size === 0 && marks.length === 0) return { inserted: 0, updated: 0 };
    const keys = [...pending.keys()].sort();
    const lockIds = ['usage:sources', ...marks.map((m) => `usage:${m.source}`)];

    return this.#guard('saving usage', () =>
      this.#backend.write(lockIds, async (trx) => {
        // Watermarks first: a pass that started from a mark someone else has since moved must not add.
        for (const part of chunks(marks, IDS_PER_QUERY)) {
          const rows = await trx
            .selectFrom('usage_sources')
            .selectAll()
            .where(
              'source',
              'in',
              part.map((m) => m.source),
            )
            .execute();
          const stored = new Map(rows.map((r) => [r.source, { line: Number(r.line), record: Number(r.record) }]));
          for (const m of part) {
            const now = stored.get(m.source);
            const same =
              now === undefined
                ? m.previous === undefined
                : m.previous?.line === now.line && m.previous.record === now.record;
            if (!same) {
              throw new JackstopError(
                'JACKSTOP_STORE_ERROR',
                `another run counted usage from ${m.source} while this one read it (nothing saved, so nothing is counted twice): run again`,
              );
            }
          }
        }
        const now = new Date().toISOString();
        for (const m of marks) {
          await trx
            .insertInto('usage_sources')
            .values({ source: m.source, line: m.line, record: m.record, updated_at: now })
            .onConflict((oc) => oc.column('source').doUpdateSet({ line: m.line, record: m.record, updated_at: now }))
            .execute();
        }

        // Read-merge-write: the IP and user-agent lists need a capped union, which SQL cannot do portably.
        const stored = new Map<string, UsageHour>();
        const rows = [...pending.values()];
        for (const part of chunks(rows, 200)) {
          let q = trx.selectFrom('usage_hours').selectAll();
          q = q.where((eb) =>
            eb.or(
              part.map((r) =>
                eb.and([
                  eb('hour', '=', r.hour),
                  eb('provider', '=', r.provider),
                  eb('account', '=', r.account),
                  eb('identity', '=', r.identity),
                  eb('access_key_id', '=', r.accessKeyId),
                  eb('model', '=', r.model),
                  eb('region', '=', r.region),
                ]),
              ),
            ),
          );
          for (const found of await q.execute()) {
            const h = this.#usageRow(found);
            stored.set(usageKey(h), h);
          }
        }
        const out = keys.map((key) => {
          const incoming = pending.get(key)!;
          const before = stored.get(key);
          const h = before ? mergeUsageHour(before, incoming) : incoming;
          return {
            hour: h.hour,
            provider: h.provider,
            account: h.account,
            identity: h.identity,
            access_key_id: h.accessKeyId,
            model: h.model,
            region: h.region,
            invocations: h.invocations,
            errors: h.errors,
            input_tokens: h.inputTokens,
            output_tokens: h.outputTokens,
            cost_usd: h.costUsd,
            estimated: h.estimated ? 1 : 0,
            source_ips: JSON.stringify(h.sourceIps),
            user_agents: JSON.stringify(h.userAgents),
            updated_at: now,
          };
        });
        for (const part of chunks(out, ROWS_PER_USAGE_INSERT)) {
          await trx
            .insertInto('usage_hours')
            .values(part)
            .onConflict((oc) =>
              oc
                .columns(['hour', 'provider', 'account', 'identity', 'access_key_id', 'model', 'region'])
                .doUpdateSet((eb) => ({
                  invocations: eb.ref('excluded.invocations'),
                  errors: eb.ref('excluded.errors'),
                  input_tokens: eb.ref('excluded.input_tokens'),
                  output_tokens: eb.ref('excluded.output_tokens'),
                  cost_usd: eb.ref('excluded.cost_usd'),
                  estimated: eb.ref('excluded.estimated'),
                  source_ips: eb.ref('excluded.source_ips'),
                  user_agents: eb.ref('excluded.user_agents'),
                  updated_at: eb.ref('excluded.updated_at'),
                })),
            )
            .execute();
        }
        return { inserted: keys.length - stored.size, updated: stored.size };
      }),
    );
  }

  #usageRow(r: Omit<Selectable<UsageHoursTable>, 'updated_at'>): UsageHour {
    const list = (text: string, what: string): string[] => {
      const parsed = z.array(z.string()).safeParse(
        (() => {
          try {
            return JSON.parse(text);
          } catch {
            return undefined;
          }
        })(),
      );
      if (!parsed.success) {
        throw new JackstopError(
          'JACKSTOP_STORE_ERROR',
          `usage row ${r.hour} ${r.identity} ${r.model} in ${this.#backend.label} has invalid ${what}: was the database edited by hand?`,
        );
      }
      return parsed.data;
    };
    const provider = r.provider === 'azure' || r.provider === 'gcp' ? r.provider : 'aws';
    return {
      hour: r.hour,
      provider,
      account: r.account,
      identity: r.identity,
      accessKeyId: r.access_key_id,
      model: r.model,
      region: r.region,
      invocations: Number(r.invocations),
      errors: Number(r.errors),
      inputTokens: Number(r.input_tokens),
      outputTokens: Number(r.output_tokens),
      costUsd: Number(r.cost_usd),
      estimated: Number(r.estimated) !== 0,
      sourceIps: list(r.source_ips, 'source IPs'),
      userAgents: list(r.user_agents, 'user agents'),
    };
  }

  async listUsage(filter: UsageFilter = {}): Promise<UsageHour[]> {
    const parsed = UsageFilterSchema.safeParse(filter);
    if (!parsed.success) {
      throw new JackstopError('JACKSTOP_USAGE', `invalid usage filter: ${issues(parsed.error)}`);
    }
    const f = parsed.data;
    return this.#guard('listing usage', async (db) => {
      let q = db.selectFrom('usage_hours').selectAll();
      if (f.since !== undefined) q = q.where('hour', '>=', storedHour(f.since));
      if (f.until !== undefined) q = q.where('hour', '<', new Date(timeMs(f.until)).toISOString());
      if (f.identity !== undefined) q = q.where('identity', '=', f.identity);
      if (f.model !== undefined) q = q.where('model', '=', f.model);
      if (f.account !== undefined) q = q.where('account', '=', f.account);
      q = q
        .orderBy('hour')
        .orderBy('provider')
        .orderBy('account')
        .orderBy('identity')
        .orderBy('access_key_id')
        .orderBy('model')
        .orderBy('region');
      const rows = await q.execute();
      return rows.map((r) => this.#usageRow(r));
    });
  }

  async usageMarks(sources: readonly string[]): Promise<UsageSourceMark[]> {
    if (sources.length === 0) return [];
    return this.#guard('reading usage marks', async (db) => {
      const out: UsageSourceMark[] = [];
      for (const part of chunks([...new Set(sources)], IDS_PER_QUERY)) {
        const rows = await db.selectFrom('usage_sources').selectAll().where('source', 'in', part).execute();
        for (const r of rows) out.push({ source: r.source, line: Number(r.line), record: Number(r.record) });
      }
      return out.sort((a, b) => (a.source < b.source ? -1 : 1));
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#backend.close();
  }
}
