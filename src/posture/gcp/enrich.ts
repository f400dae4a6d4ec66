/**
 * Facts derived from the whole GCP inventory for each resource (`d` in check expressions): which
 * project roles a service account holds (from the collected project IAM policies), whether it can
 * invoke Vertex AI models, and how many user-managed keys it and its project have.
 *
 * A fact is left out when its input is missing (no policy collected for the account's project), so
 * a check reading it gives "could not check" rather than a pass. Roles granted on folders, the
 * organization, or through custom roles are not seen: `canInvokeVertex` can miss such grants.
 */
import type { Resource, Snapshot } from '../snapshot.js';
import { VERTEX_INVOKER_ROLES } from './normalize.js';

export { VERTEX_INVOKER_ROLES };

interface Binding {
  role: string;
  members: string[];
}

function bindingsOf(settings: Resource): Binding[] | undefined {
  const b = settings.attributes.bindings;
  if (!Array.isArray(b)) return undefined;
  return b.filter(
    (x): x is Binding =>
      typeof x === 'object' && x !== null && typeof x.role === 'string' && Array.isArray((x as Binding).members),
  );
}

/** A key that can still authenticate: enabled, its account enabled, not expired at `now`. */
function activeKey(k: Resource, now: number): boolean {
  const a = k.attributes;
  if (a.disabled === true || a.serviceAccountDisabled === true) return false;
  const until = typeof a.validBeforeTime === 'string' ? Date.parse(a.validBeforeTime) : Number.NaN;
  return Number.isNaN(until) || until > now;
}

export function enrichGcp(snapshot: Snapshot): Map<Resource, Record<string, unknown>> {
  const out = new Map<Resource, Record<string, unknown>>();
  const gcp = snapshot.resources.filter((r) => r.cloud === 'gcp');
  const now = Date.parse(snapshot.collectedAt);
  const policies = new Map<string, Binding[]>();
  for (const r of gcp) {
    if (r.type !== 'gcp.project.settings') continue;
    const b = bindingsOf(r);
    if (b) policies.set(r.account, b);
  }
  // Key counts mean something only where the keys were listed without error.
  const keysListed = new Set<string>();
  const keysFailed = new Set<string>();
  for (const c of snapshot.collections) {
    if (c.cloud !== 'gcp' || c.type !== 'gcp.iam.service-account-key') continue;
    (c.status === 'ok' ? keysListed : keysFailed).add(c.account);
  }
  const keysKnown = (account: string) => keysListed.has(account) && !keysFailed.has(account);
  const keysBySa = new Map<string, Resource[]>();
  for (const r of gcp) {
    if (r.type !== 'gcp.iam.service-account-key') continue;
    const email = r.attributes.serviceAccountEmail;
    if (typeof email !== 'string') continue;
    const list = keysBySa.get(email) ?? [];
    list.push(r);
    keysBySa.set(email, list);
  }

  /** Roles of `serviceAccount:<email>` in every collected project policy, and the Vertex verdict. */
  function roleFacts(email: string, ownProject: string): Record<string, unknown> {
    const member = `serviceAccount:${email}`;
    const facts: Record<string, unknown> = {};
    const own = policies.get(ownProject);
    if (own) facts.projectRoles = [...new Set(own.filter((b) => b.members.includes(member)).map((b) => b.role))].sort();
    // A service account can be granted roles in other projects; every collected policy counts.
    const invokerProjects: string[] = [];
    for (const [project, bindings] of policies) {
      const invoker = bindings.some(
        (b) => (VERTEX_INVOKER_ROLES as readonly string[]).includes(b.role) && b.members.includes(member),
      );
      if (invoker) invokerProjects.push(project);
    }
    invokerProjects.sort();
    // True needs one grant anywhere; false needs the account's own project policy at least.
    if (invokerProjects.length > 0 || own) {
      facts.vertexInvokerProjects = invokerProjects;
      facts.canInvokeVertex = invokerProjects.length > 0;
    }
    return facts;
  }

  const keyCounts = new Map<string, { total: number; active: number; accounts: Set<string> }>();
  for (const r of gcp) {
    let d: Record<string, unknown> = {};
    if (r.type === 'gcp.iam.service-account-key') {
      const email = r.attributes.serviceAccountEmail;
      if (typeof email === 'string') d = roleFacts(email, r.account);
      const c = keyCounts.get(r.account) ?? { total: 0, active: 0, accounts: new Set<string>() };
      c.total++;
      if (activeKey(r, now)) {
        c.active++;
        if (d.canInvokeVertex === true && typeof email === 'string') c.accounts.add(email);
      }
      keyCounts.set(r.account, c);
    } else if (r.type === 'gcp.iam.service-account') {
      const email = r.attributes.email;
      if (typeof email === 'string') {
        const keys = keysBySa.get(email) ?? [];
        d = {
          ...roleFacts(email, r.account),
          ...(keysKnown(r.account)
            ? {
                userManagedKeyCount: keys.length,
                activeUserManagedKeyCount: keys.filter((k) => activeKey(k, now)).length,
              }
            : {}),
        };
      }
    } else if (r.type === 'gcp.workbench.instance') {
      const sas = Array.isArray(r.attributes.serviceAccounts) ? (r.attributes.serviceAccounts as unknown[]) : [];
      const email = typeof sas[0] === 'string' ? sas[0] : undefined;
      if (email) {
        const f = roleFacts(email, r.account);
        d = {
          ...(f.projectRoles ? { serviceAccountProjectRoles: f.projectRoles } : {}),
          ...(f.canInvokeVertex !== undefined ? { serviceAccountCanInvokeVertex: f.canInvokeVertex } : {}),
        };
      }
    }
    out.set(r, d);
  }
  // Per project, once every key has been counted.
  for (const r of gcp) {
    if (r.type !== 'gcp.project.settings') continue;
    if (!keysKnown(r.account)) continue;
    const c = keyCounts.get(r.account);
    out.set(r, {
      userManagedKeyCount: c?.total ?? 0,
      activeUserManagedKeyCount: c?.active ?? 0,
      vertexInvokersWithActiveKeys: [...(c?.accounts ?? [])].sort(),
    });
  }
  return out;
}
