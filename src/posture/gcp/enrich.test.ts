import { describe, expect, it } from 'vitest';
import { loadChecks } from '../checks.js';
import { evaluateOne } from '../evaluate.js';
import type { Collection, Resource, Snapshot } from '../snapshot.js';
import { enrichGcp } from './enrich.js';

const NOW = '2026-11-20T00:00:00.000Z';
const CALLER = 'vertex-caller@proj-a.iam.gserviceaccount.com';
const CROSS = 'etl@proj-a.iam.gserviceaccount.com';
const PLAIN = 'logs-reader@proj-a.iam.gserviceaccount.com';
const COMPUTE = '111111111111-compute@developer.gserviceaccount.com';
const B_SA = 'batch@proj-b.iam.gserviceaccount.com';
const C_SA = 'orphan@proj-c.iam.gserviceaccount.com';

function res(
  type: string,
  account: string,
  id: string,
  attributes: Record<string, unknown>,
  region = 'global',
): Resource {
  return { cloud: 'gcp', type, id, account, region, name: id.split('/').pop()!, attributes };
}

function settings(account: string, bindings: { role: string; members: string[]; conditional?: boolean }[]): Resource {
  return res('gcp.project.settings', account, `projects/${account}`, {
    bindings: bindings.map((b) => ({ conditional: false, ...b })),
  });
}

function sa(account: string, email: string, disabled = false): Resource {
  return res('gcp.iam.service-account', account, `projects/${account}/serviceAccounts/${email}`, { email, disabled });
}

function key(
  account: string,
  email: string,
  keyId: string,
  over: Partial<{ disabled: boolean; serviceAccountDisabled: boolean; validBeforeTime: string }> = {},
): Resource {
  return res('gcp.iam.service-account-key', account, `projects/${account}/serviceAccounts/${email}/keys/${keyId}`, {
    serviceAccountEmail: email,
    serviceAccountDisabled: false,
    keyId,
    keyType: 'USER_MANAGED',
    validAfterTime: '2026-01-01T00:00:00.000Z',
    validBeforeTime: '9999-12-31T23:59:59.000Z',
    disabled: false,
    ...over,
  });
}

function collection(account: string, type: string, status: 'ok' | 'error'): Collection {
  return {
    cloud: 'gcp',
    account,
    region: 'global',
    type,
    status,
    count: 0,
    ...(status === 'error' ? { error: { code: 'PERMISSION_DENIED', message: 'denied' } } : {}),
  };
}

function fixture() {
  const r = {
    settingsA: settings('proj-a', [
      { role: 'roles/aiplatform.user', members: [`serviceAccount:${CALLER}`, 'group:ml@acme.example'] },
      { role: 'roles/editor', members: [`serviceAccount:${COMPUTE}`] },
      { role: 'roles/logging.viewer', members: [`serviceAccount:${PLAIN}`, `serviceAccount:${CALLER}`] },
    ]),
    // proj-a's ETL account can invoke Vertex only in proj-b.
    settingsB: settings('proj-b', [{ role: 'roles/aiplatform.admin', members: [`serviceAccount:${CROSS}`] }]),
    callerSa: sa('proj-a', CALLER),
    crossSa: sa('proj-a', CROSS),
    plainSa: sa('proj-a', PLAIN),
    bSa: sa('proj-b', B_SA),
    cSa: sa('proj-c', C_SA),
    callerKey: key('proj-a', CALLER, 'k1'),
    callerDisabledKey: key('proj-a', CALLER, 'k2', { disabled: true }),
    crossKey: key('proj-a', CROSS, 'k3'),
    plainExpiredKey: key('proj-a', PLAIN, 'k4', { validBeforeTime: '2026-06-01T00:00:00.000Z' }),
    cKey: key('proj-c', C_SA, 'k5'),
    notebook: res(
      'gcp.workbench.instance',
      'proj-a',
      'projects/proj-a/locations/us-central1-a/instances/nb',
      { serviceAccounts: [COMPUTE] },
      'us-central1-a',
    ),
    awsThing: {
      cloud: 'aws',
      type: 'aws.iam.user',
      id: 'arn:aws:iam::111122223333:user/x',
      account: '111122223333',
      region: 'global',
      attributes: {},
    } as Resource,
  };
  const snapshot: Snapshot = {
    format: 'jackstop.posture-snapshot',
    version: 1,
    collectedAt: NOW,
    tool: { name: 'jackstop', version: 'test' },
    accounts: [],
    collections: [
      collection('proj-a', 'gcp.iam.service-account-key', 'ok'),
      collection('proj-b', 'gcp.iam.service-account-key', 'error'),
      collection('proj-c', 'gcp.iam.service-account-key', 'ok'),
    ],
    resources: Object.values(r),
  };
  return { r, snapshot, d: enrichGcp(snapshot) };
}

describe('enrichGcp', () => {
  it('gives a key its account’s project roles and whether it can invoke Vertex AI', () => {
    const { r, d } = fixture();
    expect(d.get(r.callerKey)).toEqual({
      projectRoles: ['roles/aiplatform.user', 'roles/logging.viewer'],
      vertexInvokerProjects: ['proj-a'],
      canInvokeVertex: true,
    });
    expect(d.get(r.plainExpiredKey)).toEqual({
      projectRoles: ['roles/logging.viewer'],
      vertexInvokerProjects: [],
      canInvokeVertex: false,
    });
  });

  it('counts grants in every collected project, not only the account’s own', () => {
    const { r, d } = fixture();
    expect(d.get(r.crossKey)).toMatchObject({
      projectRoles: [],
      vertexInvokerProjects: ['proj-b'],
      canInvokeVertex: true,
    });
  });

  it('leaves the verdict out when the account’s own project policy was not collected and no grant is seen', () => {
    const { r, d } = fixture();
    expect(d.get(r.cKey)).toEqual({});
    expect(d.get(r.cSa)).toEqual({ userManagedKeyCount: 1, activeUserManagedKeyCount: 1 });
  });

  it('counts active user-managed keys per service account, only where keys were listed', () => {
    const { r, d } = fixture();
    expect(d.get(r.callerSa)).toMatchObject({
      userManagedKeyCount: 2,
      activeUserManagedKeyCount: 1,
      canInvokeVertex: true,
    });
    expect(d.get(r.plainSa)).toMatchObject({
      userManagedKeyCount: 1,
      activeUserManagedKeyCount: 0,
      canInvokeVertex: false,
    });
    // proj-b's key listing failed: no count rather than a false zero.
    expect(d.get(r.bSa)).toEqual({ projectRoles: [], vertexInvokerProjects: [], canInvokeVertex: false });
  });

  it('sums keys per project and names the Vertex invokers that still have active keys', () => {
    const { r, d } = fixture();
    expect(d.get(r.settingsA)).toEqual({
      userManagedKeyCount: 4,
      activeUserManagedKeyCount: 2,
      vertexInvokersWithActiveKeys: [CROSS, CALLER],
    });
    expect(d.get(r.settingsB)).toEqual({});
  });

  it('describes a Workbench instance’s service account, and ignores other clouds', () => {
    const { r, d } = fixture();
    expect(d.get(r.notebook)).toEqual({
      serviceAccountProjectRoles: ['roles/editor'],
      serviceAccountCanInvokeVertex: true,
    });
    expect(d.has(r.awsThing)).toBe(false);
  });

  it('drives the Vertex-invoker key check: fail, pass, and could-not-check without a verdict', async () => {
    const { r, d } = fixture();
    const check = (await loadChecks()).checks.find((c) => c.id === 'jackstop.gcp.iam.vertex-invoker-user-managed-key')!;
    const status = (x: Resource) => evaluateOne(check, x, d.get(x) ?? {}, NOW)?.status;
    expect(status(r.callerKey)).toBe('fail');
    expect(status(r.crossKey)).toBe('fail');
    expect(status(r.callerDisabledKey)).toBeUndefined();
    expect(status(r.plainExpiredKey)).toBeUndefined();
    expect(status(r.cKey)).toBe('could-not-check');
    const ok = key('proj-a', PLAIN, 'k6');
    expect(evaluateOne(check, ok, { canInvokeVertex: false }, NOW)?.status).toBe('pass');
  });
});
