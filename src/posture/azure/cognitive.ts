/**
 * Azure AI services (Microsoft.CognitiveServices): accounts of every kind, and for the kinds that
 * serve models their deployments and content filters (RAI policies). Only `read` operations: never
 * `listKeys`. Attributes are picked one by one from ARM's JSON; nothing is copied wholesale, since
 * accounts carry properties that can hold secrets (`apiProperties.qnaAzureSearchEndpointKey`,
 * `migrationToken`).
 */
import type { CognitiveServicesManagementClient } from '@azure/arm-cognitiveservices';
import type { Resource } from '../snapshot.js';
import {
  armResource,
  arr,
  bool,
  identityOf,
  iso,
  type Json,
  listRaw,
  location,
  num,
  obj,
  parseArmId,
  privateEndpointsOf,
  str,
} from './arm.js';
import { AZURE_TYPES } from './types.js';

function hostOf(url: unknown): string | null {
  const s = str(url);
  if (!s) return null;
  try {
    return new URL(s).host;
  } catch {
    return null;
  }
}

/** True for an IP rule that lets every address in (`0.0.0.0/0`, `0.0.0.0`). */
function isAllIps(rule: unknown): boolean {
  const v = str(obj(rule)?.value);
  return v === '0.0.0.0/0' || v === '0.0.0.0';
}

export function accountResource(a: Json, subscription: string): Resource {
  const p = obj(a.properties) ?? {};
  const acls = obj(p.networkAcls);
  const enc = obj(p.encryption);
  const kv = obj(enc?.keyVaultProperties);
  return armResource(AZURE_TYPES.account, a, subscription, location(a.location), {
    kind: str(a.kind),
    sku: str(obj(a.sku)?.name),
    provisioningState: str(p.provisioningState),
    // The host only: it names the account, it is not a credential.
    endpointHost: hostOf(p.endpoint),
    customSubDomainName: str(p.customSubDomainName),
    // Absent means keys are accepted (the API's default).
    disableLocalAuth: p.disableLocalAuth === true,
    publicNetworkAccess: str(p.publicNetworkAccess),
    networkAcls: acls
      ? {
          defaultAction: str(acls.defaultAction),
          bypass: str(acls.bypass),
          ipRules: arr(acls.ipRules).length,
          virtualNetworkRules: arr(acls.virtualNetworkRules).length,
          allowsAllIps: arr(acls.ipRules).some(isAllIps),
        }
      : null,
    privateEndpointConnections: privateEndpointsOf(p.privateEndpointConnections),
    encryption: enc
      ? { keySource: str(enc.keySource), keyVaultUri: str(kv?.keyVaultUri), keyName: str(kv?.keyName) }
      : null,
    identity: identityOf(a.identity),
    restrictOutboundNetworkAccess: p.restrictOutboundNetworkAccess === true,
    allowedFqdns: arr(p.allowedFqdnList).filter((f): f is string => typeof f === 'string'),
    dynamicThrottlingEnabled: bool(p.dynamicThrottlingEnabled),
    allowProjectManagement: bool(p.allowProjectManagement),
    createdAt: iso(p.dateCreated),
  });
}

/** What a sub-resource keeps of its account. */
export interface ParentAccount {
  id: string;
  name: string;
  kind: string | null;
  region: string;
}

export function parentOf(account: Resource): ParentAccount {
  return {
    id: account.id,
    name: account.name ?? parseArmId(account.id).name,
    kind: (account.attributes.kind as string | null | undefined) ?? null,
    region: account.region,
  };
}

export function deploymentResource(d: Json, parent: ParentAccount, subscription: string): Resource {
  const p = obj(d.properties) ?? {};
  const model = obj(p.model) ?? {};
  const sku = obj(d.sku);
  // Deployments made before SKUs existed carry their capacity in scaleSettings.
  const legacyCapacity = num(obj(p.scaleSettings)?.capacity);
  return armResource(AZURE_TYPES.deployment, d, subscription, parent.region, {
    accountId: parent.id,
    accountName: parent.name,
    accountKind: parent.kind,
    model: {
      format: str(model.format),
      name: str(model.name),
      version: str(model.version),
      publisher: str(model.publisher),
    },
    sku: sku
      ? { name: str(sku.name), capacity: num(sku.capacity) }
      : legacyCapacity !== null
        ? { name: null, capacity: legacyCapacity }
        : null,
    raiPolicyName: str(p.raiPolicyName),
    versionUpgradeOption: str(p.versionUpgradeOption),
    provisioningState: str(p.provisioningState),
    currentCapacity: num(p.currentCapacity),
    dynamicThrottlingEnabled: bool(p.dynamicThrottlingEnabled),
  });
}

/** `Indirect Attack` and `IndirectAttack` are the same filter (portal and ARM spell it both ways). */
function filterKey(name: unknown): string {
  return (str(name) ?? '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** A prompt-shield filter's state, or null when the policy does not list it. */
function shield(filters: Json[], key: string): { enabled: boolean; blocking: boolean } | null {
  const matching = filters.filter((f) => filterKey(f.name) === key);
  if (matching.length === 0) return null;
  return {
    enabled: matching.some((f) => f.enabled === true),
    blocking: matching.some((f) => f.enabled === true && f.blocking === true),
  };
}

export function raiPolicyResource(r: Json, parent: ParentAccount, subscription: string): Resource {
  const p = obj(r.properties) ?? {};
  const filters = arr(p.contentFilters)
    .map(obj)
    .filter((f): f is Json => f !== null);
  return armResource(AZURE_TYPES.raiPolicy, r, subscription, parent.region, {
    accountId: parent.id,
    accountName: parent.name,
    policyType: str(p.type),
    mode: str(p.mode),
    basePolicyName: str(p.basePolicyName),
    contentFilters: filters.map((f) => ({
      name: str(f.name),
      severityThreshold: str(f.severityThreshold),
      blocking: bool(f.blocking),
      enabled: bool(f.enabled),
      source: str(f.source),
    })),
    jailbreak: shield(filters, 'jailbreak'),
    indirectAttack: shield(filters, 'indirectattack'),
    customBlocklists: arr(p.customBlocklists).length,
  });
}

export async function listAccounts(client: CognitiveServicesManagementClient, subscription: string) {
  const raw = await listRaw((options) => client.accounts.list(options));
  return raw.map((a) => accountResource(a, subscription));
}

export async function listDeployments(
  client: CognitiveServicesManagementClient,
  parent: ParentAccount,
  subscription: string,
) {
  const { resourceGroup } = parseArmId(parent.id);
  const raw = await listRaw((options) => client.deployments.list(resourceGroup, parent.name, options));
  return raw.map((d) => deploymentResource(d, parent, subscription));
}

export async function listRaiPolicies(
  client: CognitiveServicesManagementClient,
  parent: ParentAccount,
  subscription: string,
) {
  const { resourceGroup } = parseArmId(parent.id);
  const raw = await listRaw((options) => client.raiPolicies.list(resourceGroup, parent.name, options));
  return raw.map((r) => raiPolicyResource(r, parent, subscription));
}
