/**
 * Azure Machine Learning (Microsoft.MachineLearningServices): workspaces (classic, Foundry hubs and
 * projects, feature stores) and their computes. Read with API version 2024-04-01 (the client's
 * own default, 2022-10-01, has no managed network). Compute properties can hold setup scripts and
 * environment variables: only the fields below are kept.
 */
import type { AzureMachineLearningWorkspaces } from '@azure/arm-machinelearning';
import type { Resource } from '../snapshot.js';
import {
  armResource,
  bool,
  identityOf,
  type Json,
  listRaw,
  location,
  obj,
  parseArmId,
  privateEndpointsOf,
  str,
} from './arm.js';
import { AZURE_TYPES } from './types.js';

export const ML_API_VERSION = '2024-04-01';

export function workspaceResource(w: Json, subscription: string): Resource {
  const p = obj(w.properties) ?? {};
  const mn = obj(p.managedNetwork);
  const enc = obj(p.encryption);
  return armResource(AZURE_TYPES.workspace, w, subscription, location(w.location), {
    kind: str(w.kind),
    sku: str(obj(w.sku)?.name),
    provisioningState: str(p.provisioningState),
    publicNetworkAccess: str(p.publicNetworkAccess),
    allowPublicAccessWhenBehindVnet: bool(p.allowPublicAccessWhenBehindVnet),
    managedNetwork: mn
      ? {
          isolationMode: str(mn.isolationMode),
          outboundRules: Object.keys(obj(mn.outboundRules) ?? {}).length,
          firewallSku: str(mn.firewallSku),
        }
      : null,
    privateEndpointConnections: privateEndpointsOf(p.privateEndpointConnections),
    encryption: enc
      ? { status: str(enc.status), keyVaultArmId: str(obj(enc.keyVaultProperties)?.keyVaultArmId) }
      : null,
    // Absent means a regular (not high business impact) workspace, the API's default.
    hbiWorkspace: p.hbiWorkspace === true,
    identity: identityOf(w.identity),
    imageBuildCompute: str(p.imageBuildCompute),
    v1LegacyMode: bool(p.v1LegacyMode),
    systemDatastoresAuthMode: str(p.systemDatastoresAuthMode),
    enableDataIsolation: bool(p.enableDataIsolation),
    hubResourceId: str(p.hubResourceId),
    storageAccount: str(p.storageAccount),
    keyVault: str(p.keyVault),
    containerRegistry: str(p.containerRegistry),
    applicationInsights: str(p.applicationInsights),
  });
}

/** What a compute keeps of its workspace. */
export interface ParentWorkspace {
  id: string;
  name: string;
  region: string;
}

export function computeResource(c: Json, parent: ParentWorkspace, subscription: string): Resource {
  const p = obj(c.properties) ?? {};
  const computeType = str(p.computeType);
  // Instance- and cluster-specific settings sit one level down, in properties.properties.
  const inner = obj(p.properties) ?? {};
  const ssh =
    computeType === 'ComputeInstance'
      ? str(obj(inner.sshSettings)?.sshPublicAccess)
      : computeType === 'AmlCompute'
        ? str(inner.remoteLoginPortPublicAccess)
        : null;
  return armResource(AZURE_TYPES.compute, c, subscription, str(c.location) ? location(c.location) : parent.region, {
    workspaceId: parent.id,
    workspaceName: parent.name,
    computeType,
    provisioningState: str(p.provisioningState),
    isAttachedCompute: bool(p.isAttachedCompute),
    disableLocalAuth: bool(p.disableLocalAuth),
    vmSize: str(inner.vmSize),
    inVirtualNetwork: str(obj(inner.subnet)?.id) !== null,
    enableNodePublicIp: bool(inner.enableNodePublicIp),
    sshPublicAccess: ssh,
    state: str(inner.state),
    authorizationType: str(inner.computeInstanceAuthorizationType),
    osImageLatest: bool(obj(inner.osImageMetadata)?.isLatestOsImageVersion),
    identity: identityOf(c.identity),
  });
}

export async function listWorkspaces(client: AzureMachineLearningWorkspaces, subscription: string) {
  const raw = await listRaw((options) => client.workspaces.listBySubscription(options));
  return raw.map((w) => workspaceResource(w, subscription));
}

export async function listComputes(client: AzureMachineLearningWorkspaces, workspace: Resource, subscription: string) {
  const { resourceGroup, name } = parseArmId(workspace.id);
  const parent = { id: workspace.id, name: workspace.name ?? name, region: workspace.region };
  const raw = await listRaw((options) => client.computeOperations.list(resourceGroup, parent.name, options));
  return raw.map((c) => computeResource(c, parent, subscription));
}
