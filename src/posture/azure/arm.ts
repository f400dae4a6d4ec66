/**
 * ARM plumbing shared by the Azure collectors. The SDK clients make the calls (credential, retries
 * on 429 with Retry-After, paging through `nextLink`, ARM error codes), but the collectors read the
 * JSON that ARM sent rather than the SDK's models: `@azure/arm-monitor` 7 and
 * `@azure/arm-machinelearning` 2 deserialise with mappers for old API versions and drop newer
 * properties (`managedNetwork`, `kind`, `systemDatastoresAuthMode` …). The raw page bodies come from
 * each call's `onResponse` callback; the SDK's own pages are compared with them so a body we could
 * not read is an error, never an empty (passing) list.
 */
import { GLOBAL_REGION, type Resource } from '../snapshot.js';

export type Json = Record<string, unknown>;

/** What an SDK list call gives back: pages we iterate to make the requests. */
interface Paged {
  byPage(): AsyncIterableIterator<unknown[]>;
}

/** The part of the SDK's raw response the collectors read (`FullOperationResponse`). */
interface RawResponse {
  status: number;
  bodyAsText?: string | null;
}

/** `onResponse` as every generated SDK operation accepts it. */
export interface RawOptions {
  onResponse: (raw: RawResponse, flat: unknown, error?: unknown) => void;
}

/** An error with an ARM-like code, so `collectionError` records it the same way. */
export function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function pageValues(raw: RawResponse): Json[] {
  let body: unknown;
  try {
    body = JSON.parse(raw.bodyAsText ?? '');
  } catch {
    throw codedError('UnexpectedResponse', `ARM answered ${raw.status} with a body that is not JSON`);
  }
  const value = (body as { value?: unknown } | null)?.value;
  if (!Array.isArray(value)) throw codedError('UnexpectedResponse', 'ARM list response has no "value" array');
  return value.filter((v): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v));
}

/** Every item of a paged SDK list call, as ARM sent it. */
export async function listRaw(start: (options: RawOptions) => Paged): Promise<Json[]> {
  const pages: Json[][] = [];
  let unreadable: unknown;
  const onResponse = (raw: RawResponse) => {
    if (raw.status < 200 || raw.status >= 300) return;
    try {
      pages.push(pageValues(raw));
    } catch (e) {
      unreadable ??= e;
    }
  };
  const out: Json[] = [];
  for await (const page of start({ onResponse }).byPage()) {
    if (unreadable) throw unreadable;
    const raw = pages.shift();
    // The SDK read the same body: a different count means we are not reading what it read.
    if (!raw || raw.length !== page.length) {
      throw codedError('UnexpectedResponse', 'ARM list page could not be read as the SDK read it');
    }
    out.push(...raw);
  }
  if (unreadable) throw unreadable;
  return out;
}

/** The items of a non-paged SDK list call (`{value: [...]}`, e.g. diagnostic settings), as ARM sent them. */
export async function getRaw(call: (options: RawOptions) => Promise<unknown>): Promise<Json[]> {
  let values: Json[] | undefined;
  let unreadable: unknown;
  await call({
    onResponse: (raw) => {
      if (raw.status < 200 || raw.status >= 300) return;
      try {
        values = pageValues(raw);
      } catch (e) {
        unreadable = e;
      }
    },
  });
  if (unreadable) throw unreadable;
  if (!values) throw codedError('UnexpectedResponse', 'ARM list response was not seen');
  return values;
}

/** The HTTP status of an SDK error (`RestError.statusCode`). */
export function statusOf(e: unknown): number | undefined {
  const s = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

/** Resource group and name from an ARM id `/subscriptions/s/resourceGroups/rg/providers/NS/type/name`. */
export function parseArmId(id: string): { resourceGroup: string; name: string } {
  const m = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/[^/]+\/[^/]+\/([^/]+)/i.exec(id);
  if (!m) throw codedError('UnexpectedResponse', `not an ARM resource id: ${id.slice(0, 200)}`);
  return { resourceGroup: m[1]!, name: m[2]! };
}

// Small readers for untyped JSON: `null` when the API did not give a value of that kind.

export function obj(v: unknown): Json | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : null;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

export function bool(v: unknown): boolean | null {
  return typeof v === 'boolean' ? v : null;
}

export function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** ISO 8601 UTC, or null. */
export function iso(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** `eastus` for `East US` / `eastus`; `global` when the resource has none. */
export function location(v: unknown): string {
  const s = str(v);
  return s ? s.toLowerCase().replace(/\s+/g, '') : GLOBAL_REGION;
}

/** `{type, userAssignedIdentities}` from an ARM `identity`, or null when the resource has none. */
export function identityOf(v: unknown): { type: string; userAssignedIdentities: number } | null {
  const i = obj(v);
  if (!i) return null;
  return {
    type: str(i.type) ?? 'None',
    userAssignedIdentities: Object.keys(obj(i.userAssignedIdentities) ?? {}).length,
  };
}

/** Private endpoint connections: how many, and how many approved (the ones that carry traffic). */
export function privateEndpointsOf(v: unknown): { total: number; approved: number } {
  const list = arr(v);
  const approved = list.filter(
    (c) => str(obj(obj(obj(c)?.properties)?.privateLinkServiceConnectionState)?.status) === 'Approved',
  ).length;
  return { total: list.length, approved };
}

/** A snapshot resource from an ARM item (`id` and `name` as ARM gave them). */
export function armResource(
  type: string,
  item: Json,
  account: string,
  region: string,
  attributes: Record<string, unknown>,
): Resource {
  const id = str(item.id);
  if (!id) throw codedError('UnexpectedResponse', `an item of ${type} has no id`);
  const name = str(item.name);
  return { cloud: 'azure', type, id, account, region, ...(name ? { name } : {}), attributes };
}
