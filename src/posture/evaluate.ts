/**
 * Runs checks over a snapshot. Each check gives, per resource of its type, pass or fail; where the
 * collection it depends on failed (its own resource type, or a type in `needs`), it gives one
 * "could not check" per failed scope instead, with the provider's error — never a silent pass.
 * Where a cloud's collector never tried the check's resource type in an account, that account is
 * "could not check" too.
 */
import { errorMessage } from '../errors.js';
import type { Check, CheckContext } from './checks.js';
import { type Cloud, type Collection, GLOBAL_REGION, type Resource, type Snapshot } from './snapshot.js';

export type CheckStatus = 'pass' | 'fail' | 'could-not-check';

export interface Scope {
  cloud: Cloud;
  account: string;
  region: string;
}

export interface CheckResult {
  check: Check;
  status: CheckStatus;
  scope: Scope;
  /** The resource evaluated; absent for a scope that could not be checked. */
  resource?: Resource;
  /** Why it could not be checked (the failed collection), or the expression's error. */
  reason?: string;
}

/** Facts a cloud derives for each resource from the rest of the inventory (who can invoke what …). */
export type Enricher = (snapshot: Snapshot) => Map<Resource, Record<string, unknown>>;

export interface EvaluateOptions {
  /** Derived facts per cloud (`d` in check expressions). */
  enrichers?: Partial<Record<Cloud, Enricher>>;
  /** Only these checks' clouds' accounts … (all by default). */
  clouds?: readonly Cloud[];
}

const EMPTY: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

function scopeKey(account: string, region: string): string {
  return `${account}\u0000${region}`;
}

function describeFailure(c: Collection): string {
  const e = c.error;
  const op = e?.operation ? ` calling ${e.operation}` : '';
  return `${c.type} could not be collected in ${c.account}/${c.region}${op}: ${e ? `${e.code}: ${e.message}` : 'unknown error'}`;
}

/** Collections by cloud and type, for coverage questions. */
class Coverage {
  readonly #failed = new Map<string, Map<string, Collection>>();
  readonly #tried = new Map<string, Set<string>>();

  constructor(collections: readonly Collection[]) {
    for (const c of collections) {
      const typeKey = c.type;
      let tried = this.#tried.get(typeKey);
      if (!tried) {
        tried = new Set();
        this.#tried.set(typeKey, tried);
      }
      tried.add(c.account);
      if (c.status !== 'error') continue;
      let failed = this.#failed.get(typeKey);
      if (!failed) {
        failed = new Map();
        this.#failed.set(typeKey, failed);
      }
      failed.set(scopeKey(c.account, c.region), c);
    }
  }

  tried(type: string, account: string): boolean {
    return this.#tried.get(type)?.has(account) ?? false;
  }

  /** The failed collection of `type` that covers (account, region): the region's own, or the account's global one. */
  failure(type: string, account: string, region: string): Collection | undefined {
    const failed = this.#failed.get(type);
    if (!failed) return undefined;
    return failed.get(scopeKey(account, region)) ?? failed.get(scopeKey(account, GLOBAL_REGION));
  }

  /** Every failed scope of `type` in `account`. */
  failuresIn(type: string, account: string): Collection[] {
    const failed = this.#failed.get(type);
    if (!failed) return [];
    return [...failed.values()].filter((c) => c.account === account);
  }
}

/** Runs `checks` over `snapshot`. Results come check by check, in the order of the checks, then of the inventory. */
export function evaluateChecks(
  snapshot: Snapshot,
  checks: readonly Check[],
  opts: EvaluateOptions = {},
): CheckResult[] {
  const coverage = new Coverage(snapshot.collections);
  const byType = new Map<string, Resource[]>();
  for (const r of snapshot.resources) {
    let list = byType.get(r.type);
    if (!list) {
      list = [];
      byType.set(r.type, list);
    }
    list.push(r);
  }
  const derived = new Map<Cloud, Map<Resource, Record<string, unknown>>>();
  for (const [cloud, enrich] of Object.entries(opts.enrichers ?? {}) as [Cloud, Enricher][]) {
    if (snapshot.accounts.some((a) => a.cloud === cloud)) derived.set(cloud, enrich(snapshot));
  }
  const results: CheckResult[] = [];
  for (const check of checks) {
    if (opts.clouds && !opts.clouds.includes(check.cloud)) continue;
    const types = [check.resource, ...check.needs];
    const accounts = snapshot.accounts.filter((a) => a.cloud === check.cloud);
    // Scopes whose input is missing: one "could not check" each.
    const blocked = new Set<string>();
    for (const account of accounts) {
      const never = types.find((t) => !coverage.tried(t, account.id));
      if (never) {
        results.push({
          check,
          status: 'could-not-check',
          scope: { cloud: check.cloud, account: account.id, region: GLOBAL_REGION },
          reason: `${never} was not collected in ${account.id} (the snapshot has no collection of it)`,
        });
        blocked.add(scopeKey(account.id, '*'));
        continue;
      }
      for (const t of types) {
        for (const c of coverage.failuresIn(t, account.id)) {
          const key = scopeKey(account.id, c.region);
          if (blocked.has(key)) continue;
          blocked.add(key);
          results.push({
            check,
            status: 'could-not-check',
            scope: { cloud: check.cloud, account: account.id, region: c.region },
            reason: describeFailure(c),
          });
        }
      }
    }
    const cloudDerived = derived.get(check.cloud);
    for (const resource of byType.get(check.resource) ?? []) {
      if (
        blocked.has(scopeKey(resource.account, '*')) ||
        blocked.has(scopeKey(resource.account, resource.region)) ||
        blocked.has(scopeKey(resource.account, GLOBAL_REGION))
      ) {
        continue;
      }
      const result = evaluateOne(check, resource, cloudDerived?.get(resource) ?? EMPTY, snapshot.collectedAt);
      if (result) results.push(result);
    }
  }
  return results;
}

/** One check on one resource: undefined when `applies` says it does not apply. */
export function evaluateOne(
  check: Check,
  resource: Resource,
  derived: Record<string, unknown>,
  now: string,
): CheckResult | undefined {
  const scope: Scope = { cloud: resource.cloud, account: resource.account, region: resource.region };
  const ctx: CheckContext = {
    r: resource.attributes,
    d: derived,
    resource: {
      id: resource.id,
      type: resource.type,
      name: resource.name ?? '',
      account: resource.account,
      region: resource.region,
    },
    now,
  };
  try {
    if (check.evaluateApplies && check.evaluateApplies(ctx) !== true) return undefined;
    const ok = check.evaluatePass(ctx);
    if (typeof ok !== 'boolean') {
      return {
        check,
        status: 'could-not-check',
        scope,
        resource,
        reason: `the check gave ${typeof ok}, not true or false`,
      };
    }
    return { check, status: ok ? 'pass' : 'fail', scope, resource };
  } catch (e) {
    // A resource missing a field the check reads (an older API, a partial read): say so, never pass.
    return {
      check,
      status: 'could-not-check',
      scope,
      resource,
      reason: `the check could not be evaluated on this resource: ${errorMessage(e).split('\n')[0]}`,
    };
  }
}

/** Counts per status, for summaries. */
export function countResults(results: readonly CheckResult[]): Record<CheckStatus, number> {
  const out: Record<CheckStatus, number> = { pass: 0, fail: 0, 'could-not-check': 0 };
  for (const r of results) out[r.status]++;
  return out;
}
