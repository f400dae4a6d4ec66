/**
 * Facts derived from the whole Azure inventory for each resource (`d` in check expressions): which
 * diagnostic settings log an account or workspace, which content filter each deployment really
 * runs. Resource ids are compared case-insensitively, as ARM does (it returns `microsoft.insights`
 * and `resourcegroups` in some ids).
 */
import type { Resource, Snapshot } from '../snapshot.js';
import { AZURE_TYPES as T } from './types.js';

/** Log categories of an AI services account that record who called it and how (keys used, caller IPs). */
const ACCOUNT_AUDIT_CATEGORIES = new Set(['audit', 'requestresponse']);
/** Category groups that include those categories. */
const AUDIT_GROUPS = new Set(['audit', 'alllogs']);

interface Shield {
  enabled: boolean;
  blocking: boolean;
}

/** What `d.contentFilter` holds for a deployment. */
export interface DeploymentContentFilter {
  policyName: string | null;
  /** `listed`: the account lists the policy; `missing`: it names a policy the account does not list; `none`: no policy named. */
  resolution: 'listed' | 'missing' | 'none';
  policyType: string | null;
  mode: string | null;
  jailbreak: Shield | null;
  indirectAttack: Shield | null;
  /** The jailbreak (prompt shield) filter is on and blocks: the fact the content-filter check reads. */
  jailbreakBlocking: boolean;
}

const lower = (s: string) => s.toLowerCase();

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function shield(v: unknown): Shield | null {
  const s = v as { enabled?: unknown; blocking?: unknown } | null | undefined;
  if (!s || typeof s !== 'object') return null;
  return { enabled: s.enabled === true, blocking: s.blocking === true };
}

function hasDestination(setting: Resource): boolean {
  const d = setting.attributes.destinations as Record<string, unknown> | null | undefined;
  return !!d && Object.values(d).some((v) => v === true);
}

/** A setting that sends the account's audit or request logs somewhere. */
function logsAccountAudit(setting: Resource): boolean {
  if (!hasDestination(setting)) return false;
  return (
    strings(setting.attributes.enabledLogCategories).some((c) => ACCOUNT_AUDIT_CATEGORIES.has(lower(c))) ||
    strings(setting.attributes.enabledLogCategoryGroups).some((g) => AUDIT_GROUPS.has(lower(g)))
  );
}

/** A setting that sends any of the workspace's resource logs somewhere. */
function logsAnything(setting: Resource): boolean {
  if (!hasDestination(setting)) return false;
  return (
    strings(setting.attributes.enabledLogCategories).length > 0 ||
    strings(setting.attributes.enabledLogCategoryGroups).length > 0
  );
}

function group(resources: readonly Resource[], key: (r: Resource) => unknown): Map<string, Resource[]> {
  const out = new Map<string, Resource[]>();
  for (const r of resources) {
    const k = str(key(r));
    if (!k) continue;
    const list = out.get(lower(k)) ?? [];
    list.push(r);
    out.set(lower(k), list);
  }
  return out;
}

export function contentFilterOf(deployment: Resource, policies: readonly Resource[]): DeploymentContentFilter {
  const policyName = str(deployment.attributes.raiPolicyName);
  const policy = policyName ? policies.find((p) => lower(p.name ?? '') === lower(policyName)) : undefined;
  const jailbreak = policy ? shield(policy.attributes.jailbreak) : null;
  return {
    policyName,
    resolution: !policyName ? 'none' : policy ? 'listed' : 'missing',
    policyType: policy ? str(policy.attributes.policyType) : null,
    mode: policy ? str(policy.attributes.mode) : null,
    jailbreak,
    indirectAttack: policy ? shield(policy.attributes.indirectAttack) : null,
    jailbreakBlocking: jailbreak?.enabled === true && jailbreak.blocking,
  };
}

export function enrichAzure(snapshot: Snapshot): Map<Resource, Record<string, unknown>> {
  const out = new Map<Resource, Record<string, unknown>>();
  const azure = snapshot.resources.filter((r) => r.cloud === 'azure');
  for (const r of azure) out.set(r, {});
  const ofType = (type: string) => azure.filter((r) => r.type === type);

  const settingsByTarget = group(ofType(T.diagnosticSetting), (s) => s.attributes.targetResourceId);
  const policiesByAccount = group(ofType(T.raiPolicy), (p) => p.attributes.accountId);
  const deploymentsByAccount = group(ofType(T.deployment), (d) => d.attributes.accountId);
  const computesByWorkspace = group(ofType(T.compute), (c) => c.attributes.workspaceId);

  const filters = new Map<Resource, DeploymentContentFilter>();
  for (const d of ofType(T.deployment)) {
    const accountId = str(d.attributes.accountId);
    const filter = contentFilterOf(d, accountId ? (policiesByAccount.get(lower(accountId)) ?? []) : []);
    filters.set(d, filter);
    out.set(d, { contentFilter: filter });
  }

  for (const a of ofType(T.account)) {
    const settings = settingsByTarget.get(lower(a.id)) ?? [];
    const deployments = deploymentsByAccount.get(lower(a.id)) ?? [];
    out.set(a, {
      hasDiagnosticLogs: settings.some(logsAccountAudit),
      diagnosticSettingCount: settings.length,
      deploymentCount: deployments.length,
      deploymentsWithoutContentFilter: deployments
        .filter((d) => filters.get(d)?.jailbreakBlocking !== true)
        .map((d) => d.name ?? d.id)
        .sort(),
    });
  }

  for (const w of ofType(T.workspace)) {
    const settings = settingsByTarget.get(lower(w.id)) ?? [];
    out.set(w, {
      hasDiagnosticLogs: settings.some(logsAnything),
      diagnosticSettingCount: settings.length,
      computeCount: (computesByWorkspace.get(lower(w.id)) ?? []).length,
    });
  }
  return out;
}
