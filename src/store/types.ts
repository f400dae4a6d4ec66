import type { Finding, FindingKind, FindingStatus, Severity } from '../domain/index.js';
import type { UsageHour, UsageSourceMark } from '../usage/index.js';

/** One finding from a run plus every event id behind it in that run. */
export interface FindingUpsert {
  finding: Finding;
  /** All event ids behind this finding in this run (not only the capped evidence sample). */
  eventIds: readonly string[];
}

export interface FindingFilter {
  /** Only findings at or above this severity. */
  minSeverity?: Severity;
  kind?: FindingKind;
  status?: FindingStatus;
  ruleId?: string;
  subjectId?: string;
  /** ISO 8601: only findings still active at or after this time (`lastSeen >= since`). */
  since?: string;
  /** ISO 8601: only findings that started before this time (`firstSeen < until`). */
  until?: string;
  limit?: number;
  offset?: number;
}

/** One CLI or server run, for the history view. */
export interface RunRecord {
  id: string;
  startedAt: string;
  finishedAt: string;
  command: string;
  inputs: string[];
  events: number;
  badInputs: number;
  findings: number;
  newFindings: number;
  status: 'ok' | 'error';
}

export interface UsageFilter {
  /** ISO 8601: rows of hours at or after this time (the hour containing `since` included). */
  since?: string;
  /** ISO 8601: rows of hours starting before this time. */
  until?: string;
  identity?: string;
  model?: string;
  account?: string;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Idempotent: runs all pending migrations. */
  migrate(): Promise<void>;
  /**
   * Inserts new findings and merges known ones (same id) in one transaction: count is the number of
   * distinct linked events, first/last seen widen, evidence lists are unioned and capped.
   */
  upsertFindings(batch: readonly FindingUpsert[]): Promise<{ inserted: number; updated: number }>;
  getFinding(id: string): Promise<Finding | undefined>;
  /** Ordered by severity (most severe first), then lastSeen (newest first), then id. */
  listFindings(filter?: FindingFilter): Promise<Finding[]>;
  /** False when no finding has this id. */
  setStatus(id: string, status: FindingStatus): Promise<boolean>;
  /** Saves a run; recording the same id again replaces it. */
  recordRun(run: RunRecord): Promise<void>;
  /** Newest first; all runs when `limit` is undefined. */
  listRuns(limit?: number): Promise<RunRecord[]>;
  /**
   * Adds hourly usage in one transaction: rows with the same key sum their counts and cost, OR their
   * `estimated` flag and union their IPs and user agents (capped). Re-running over the same logs is
   * made idempotent by `opts.marks`: the per-file watermarks of the pass that produced `hours`
   * (`UsageIngest`), saved in the same transaction. Marks only move forward; a mark behind the stored
   * one means another run counted further already, and the whole call is rejected as stale.
   */
  upsertUsage(
    hours: readonly UsageHour[],
    opts?: { marks?: readonly UsageSourceMark[] },
  ): Promise<{ inserted: number; updated: number }>;
  /** Ordered by hour, then provider, account, identity, key, model, region. */
  listUsage(filter?: UsageFilter): Promise<UsageHour[]>;
  /** The stored watermarks of these sources (absent when never counted). */
  usageMarks(sources: readonly string[]): Promise<UsageSourceMark[]>;
  /** Idempotent. Every other method fails with JACKSTOP_STORE_ERROR afterwards. */
  close(): Promise<void>;
}
