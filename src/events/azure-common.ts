/** Readers for the fields Azure's activity log and resource logs share (the Azure Monitor common schema). */
import { at, type Obj, obj, str } from './fields.js';

/** A string field, or the `value` of a `{value, localizedValue}` pair (REST API and `az` output). */
export function azureValue(v: unknown): string | undefined {
  return str(v) ?? str(obj(v)?.value);
}

/** `properties` as an object: Azure writes it as an object or as a JSON-encoded string. */
export function propertiesOf(raw: Obj): Obj | undefined {
  const p = raw.properties;
  if (typeof p === 'string') {
    try {
      return obj(JSON.parse(p));
    } catch {
      return undefined;
    }
  }
  return obj(p);
}

/** The resource id, whatever its capitalisation of the key (`resourceId`, Log Analytics `ResourceId`). */
export function resourceIdOf(raw: Obj): string | undefined {
  return str(raw.resourceId) ?? str(raw.ResourceId);
}

/** The subscription of a resource id: `/subscriptions/<id>/…` (ids are written upper or lower case). */
export function subscriptionOf(resourceId: string | undefined): string | undefined {
  if (!resourceId) return undefined;
  const m = /^\/subscriptions\/([^/]+)/i.exec(resourceId);
  return m?.[1]?.toLowerCase();
}

/** The resource provider named by an operation (`Microsoft.CognitiveServices/accounts/listKeys/action`). */
export function providerOf(operation: string | undefined, resourceId: string | undefined): string | undefined {
  if (operation?.includes('/')) return operation.slice(0, operation.indexOf('/'));
  const m = resourceId ? /\/providers\/([^/]+)/i.exec(resourceId) : null;
  return m?.[1];
}

const CLAIM = {
  upn: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn',
  objectId: 'http://schemas.microsoft.com/identity/claims/objectidentifier',
  name: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
} as const;

export interface AzureCaller {
  id?: string;
  type?: string;
  name?: string;
  ip?: string;
}

/**
 * Who made the call. User principal name first (what an analyst searches for), then the caller
 * field, the object id, the application id; service principals often have only the last two.
 */
export function callerOf(raw: Obj, properties: Obj | undefined): AzureCaller {
  const claims = obj(at(raw, 'identity', 'claims')) ?? obj(raw.claims);
  const evidence = obj(at(raw, 'identity', 'authorization', 'evidence'));
  const upn = str(claims?.[CLAIM.upn]) ?? str(claims?.upn);
  const objectId = str(claims?.[CLAIM.objectId]) ?? str(claims?.oid) ?? str(properties?.objectId);
  const id =
    upn ??
    str(raw.caller) ??
    str(claims?.[CLAIM.name]) ??
    objectId ??
    str(evidence?.principalId) ??
    str(claims?.appid) ??
    str(claims?.name);
  return {
    id,
    type: str(evidence?.principalType) ?? str(claims?.idtyp),
    name: str(claims?.name) ?? upn,
    ip: str(raw.callerIpAddress) ?? str(at(raw, 'httpRequest', 'clientIpAddress')) ?? str(claims?.ipaddr),
  };
}
