import type { ColumnType } from 'kysely';

/** `bigint` columns: numbers on SQLite, strings on PostgreSQL (pg does not guess at 64-bit values). */
export type BigintColumn = ColumnType<number | string | bigint, number, number>;

/**
 * One row per finding. `data` is the whole Finding as JSON and is the source of truth; the other
 * columns are copies that queries filter and sort on. Times are normalized to `toISOString()` so text
 * comparison is time order.
 */
export interface FindingsTable {
  id: string;
  rule_id: string;
  kind: string;
  severity: string;
  severity_rank: number;
  status: string;
  subject_id: string;
  first_seen: string;
  last_seen: string;
  count: BigintColumn;
  data: string;
  created_at: string;
  updated_at: string;
}

/** Which events stand behind a finding: the unique key makes re-runs over the same logs idempotent. */
export interface FindingEventsTable {
  finding_id: string;
  event_id: string;
}

export interface RunsTable {
  id: string;
  /** As recorded. */
  started_at: string;
  finished_at: string;
  /** `startedAt` in epoch milliseconds, for ordering regardless of how the time was written. */
  started_ms: BigintColumn;
  command: string;
  /** JSON array of strings. */
  inputs: string;
  events: BigintColumn;
  bad_inputs: BigintColumn;
  findings: BigintColumn;
  new_findings: BigintColumn;
  status: string;
}

/**
 * Hourly model usage, one row per (hour, provider, account, identity, access key, model, region);
 * absent key parts are ''. `hour` is `toISOString()` with minutes zeroed, so text order is time order.
 */
export interface UsageHoursTable {
  hour: string;
  provider: string;
  account: string;
  identity: string;
  access_key_id: string;
  model: string;
  region: string;
  invocations: BigintColumn;
  errors: BigintColumn;
  input_tokens: BigintColumn;
  output_tokens: BigintColumn;
  /** USD; `double precision` (PostgreSQL may return it as a number or a string). */
  cost_usd: ColumnType<number | string, number, number>;
  /** 0 or 1. */
  estimated: number;
  /** JSON arrays of distinct strings, capped. */
  source_ips: string;
  user_agents: string;
  updated_at: string;
}

/** How far into each log file usage has been counted (see `UsageSourceMark`). */
export interface UsageSourcesTable {
  source: string;
  line: BigintColumn;
  record: BigintColumn;
  updated_at: string;
}

export interface StoreDatabase {
  findings: FindingsTable;
  finding_events: FindingEventsTable;
  runs: RunsTable;
  usage_hours: UsageHoursTable;
  usage_sources: UsageSourcesTable;
}
