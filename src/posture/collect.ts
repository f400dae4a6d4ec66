/**
 * What every cloud collector shares: recording, per resource type and scope, whether a collection
 * worked (the snapshot's coverage), so a failed or throttled API call becomes "could not check" for
 * exactly the checks that read that type there.
 */
import { errorMessage } from '../errors.js';
import type { Cloud, Collection, CollectionError, Resource, SnapshotAccount } from './snapshot.js';

/** A collector's share of a snapshot. */
export interface SnapshotPart {
  accounts: SnapshotAccount[];
  collections: Collection[];
  resources: Resource[];
}

export function emptyPart(): SnapshotPart {
  return { accounts: [], collections: [], resources: [] };
}

/** The provider's error code and message, from an AWS, Azure or Google SDK error. */
export function collectionError(e: unknown, operation?: string): CollectionError {
  const err = e as {
    name?: string;
    code?: string | number;
    Code?: string;
    statusCode?: number;
    $metadata?: { httpStatusCode?: number };
  };
  const code =
    (typeof err?.code === 'string' && err.code) ||
    err?.Code ||
    (err?.name && err.name !== 'Error' ? err.name : undefined) ||
    (typeof err?.code === 'number' ? `grpc-${err.code}` : undefined) ||
    ((err?.statusCode ?? err?.$metadata?.httpStatusCode)
      ? `HTTP ${err.statusCode ?? err.$metadata?.httpStatusCode}`
      : 'Error');
  return {
    code: String(code),
    message: errorMessage(e).split('\n')[0]!.slice(0, 500),
    ...(operation ? { operation } : {}),
  };
}

/**
 * Collects one resource type in one scope: `list` returns the resources; a throw records the type
 * as failed there (with what was read before the failure kept out: a partial list is not trusted).
 * `operation` names the call for the error (`bedrock:ListGuardrails`); a list function may set
 * `current.operation` as it goes to name the call that failed.
 */
export async function collectType(
  part: SnapshotPart,
  scope: { cloud: Cloud; account: string; region: string; type: string },
  list: (current: { operation?: string }) => Promise<Resource[]>,
): Promise<Resource[]> {
  const current: { operation?: string } = {};
  try {
    const resources = await list(current);
    part.resources.push(...resources);
    part.collections.push({ ...scope, status: 'ok', count: resources.length });
    return resources;
  } catch (e) {
    part.collections.push({ ...scope, status: 'error', count: 0, error: collectionError(e, current.operation) });
    return [];
  }
}

/** Runs `fn` over `items` with at most `limit` at once (regions, subscriptions, projects). */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
