import { describe, expect, it } from 'vitest';
import { emptySnapshot, type Resource, type Snapshot } from '../snapshot.js';
import { enrichAzure } from './enrich.js';
import { AZURE_TYPES as T } from './types.js';

const SUB = '00000000-1111-2222-3333-444444444444';
const acct = (name: string) =>
  `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/${name}`;
const WS = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws`;

function res(type: string, id: string, name: string, attributes: Record<string, unknown>): Resource {
  return { cloud: 'azure', type, id, account: SUB, region: 'eastus', name, attributes };
}

const NO_DESTINATION = { logAnalytics: false, storageAccount: false, eventHub: false, marketplacePartner: false };
function setting(
  target: string,
  name: string,
  logs: { categories?: string[]; groups?: string[] },
  destinations: Partial<typeof NO_DESTINATION> = { logAnalytics: true },
): Resource {
  return res(T.diagnosticSetting, `${target}/providers/microsoft.insights/diagnosticSettings/${name}`, name, {
    targetResourceId: target,
    enabledLogCategories: logs.categories ?? [],
    enabledLogCategoryGroups: logs.groups ?? [],
    metricsEnabled: true,
    destinations: { ...NO_DESTINATION, ...destinations },
  });
}

const account = (name: string) => res(T.account, acct(name), name, { kind: 'OpenAI' });
const deployment = (accountName: string, name: string, raiPolicyName: string | null) =>
  res(T.deployment, `${acct(accountName)}/deployments/${name}`, name, { accountId: acct(accountName), raiPolicyName });
const policy = (accountName: string, name: string, jailbreak: unknown, indirectAttack: unknown = null) =>
  res(T.raiPolicy, `${acct(accountName)}/raiPolicies/${name}`, name, {
    accountId: acct(accountName),
    policyType: 'UserManaged',
    mode: 'Blocking',
    jailbreak,
    indirectAttack,
  });

function snapshotOf(resources: Resource[]): Snapshot {
  const s = emptySnapshot(new Date('2026-01-01T00:00:00Z'), { name: 'jackstop', version: 'test' });
  s.accounts.push({ cloud: 'azure', id: SUB, regions: ['global'] });
  s.resources.push(...resources);
  return s;
}

function derivedOf(resources: Resource[]) {
  const d = enrichAzure(snapshotOf(resources));
  return (r: Resource) => d.get(r) ?? {};
}

describe('enrichAzure: diagnostic logs', () => {
  it('an account logs when a setting sends Audit or RequestResponse (or the audit / allLogs group) somewhere', () => {
    const cases: [string, Resource[], boolean][] = [
      ['audit group to Log Analytics', [setting(acct('a'), 's', { groups: ['audit'] })], true],
      ['allLogs group to storage', [setting(acct('a'), 's', { groups: ['allLogs'] }, { storageAccount: true })], true],
      [
        'RequestResponse to Event Hubs',
        [setting(acct('a'), 's', { categories: ['RequestResponse'] }, { eventHub: true })],
        true,
      ],
      ['Trace only', [setting(acct('a'), 's', { categories: ['Trace'] })], false],
      ['metrics only', [setting(acct('a'), 's', {})], false],
      [
        'audit logs but no destination',
        [setting(acct('a'), 's', { categories: ['Audit'] }, { logAnalytics: false })],
        false,
      ],
      ['a setting on another account', [setting(acct('b'), 's', { groups: ['audit'] })], false],
      ['no setting', [], false],
    ];
    for (const [what, settings, expected] of cases) {
      const a = account('a');
      const d = derivedOf([a, account('b'), ...settings]);
      expect({ what, hasDiagnosticLogs: d(a).hasDiagnosticLogs }).toEqual({ what, hasDiagnosticLogs: expected });
    }
  });

  it('matches the target id case-insensitively, as ARM does', () => {
    const a = account('Prod');
    const d = derivedOf([a, setting(acct('Prod').toLowerCase(), 's', { categories: ['audit'] })]);
    expect(d(a)).toMatchObject({ hasDiagnosticLogs: true, diagnosticSettingCount: 1 });
  });

  it('a workspace logs when any log category or group goes somewhere', () => {
    const w = res(T.workspace, WS, 'ws', { kind: 'Default' });
    const c = res(T.compute, `${WS}/computes/ci`, 'ci', { workspaceId: WS });
    expect(derivedOf([w, c, setting(WS, 's', { categories: ['AmlComputeJobEvent'] })])(w)).toEqual({
      hasDiagnosticLogs: true,
      diagnosticSettingCount: 1,
      computeCount: 1,
    });
    expect(derivedOf([w, setting(WS, 's', {})])(w)).toMatchObject({ hasDiagnosticLogs: false, computeCount: 0 });
  });
});

describe('enrichAzure: content filters', () => {
  it('resolves each deployment to the policy its account lists', () => {
    const blocking = deployment('a', 'chat', 'Strict');
    const annotate = deployment('a', 'mini', 'annotate');
    const missing = deployment('a', 'old', 'deleted-policy');
    const none = deployment('a', 'ada', null);
    // Same policy name on another account must not count for account a.
    const foreign = deployment('a', 'foreign', 'only-on-b');
    const d = derivedOf([
      account('a'),
      account('b'),
      blocking,
      annotate,
      missing,
      none,
      foreign,
      policy('a', 'strict', { enabled: true, blocking: true }, { enabled: true, blocking: false }),
      policy('a', 'annotate', { enabled: true, blocking: false }),
      policy('b', 'only-on-b', { enabled: true, blocking: true }),
    ]);
    expect(d(blocking).contentFilter).toEqual({
      policyName: 'Strict',
      resolution: 'listed',
      policyType: 'UserManaged',
      mode: 'Blocking',
      jailbreak: { enabled: true, blocking: true },
      indirectAttack: { enabled: true, blocking: false },
      jailbreakBlocking: true,
    });
    expect(d(annotate).contentFilter).toMatchObject({ resolution: 'listed', jailbreakBlocking: false });
    expect(d(missing).contentFilter).toMatchObject({
      resolution: 'missing',
      jailbreak: null,
      jailbreakBlocking: false,
    });
    expect(d(none).contentFilter).toMatchObject({ policyName: null, resolution: 'none', jailbreakBlocking: false });
    expect(d(foreign).contentFilter).toMatchObject({ resolution: 'missing', jailbreakBlocking: false });
  });

  it('a disabled jailbreak filter does not block even if marked blocking', () => {
    const dep = deployment('a', 'chat', 'p');
    const d = derivedOf([account('a'), dep, policy('a', 'p', { enabled: false, blocking: true })]);
    expect(d(dep).contentFilter).toMatchObject({ jailbreakBlocking: false });
  });

  it('counts an account deployments and names the ones without a blocking jailbreak filter', () => {
    const a = account('a');
    const d = derivedOf([
      a,
      deployment('a', 'zeta', 'strict'),
      deployment('a', 'beta', null),
      deployment('a', 'alpha', 'annotate'),
      deployment('b', 'other', null),
      policy('a', 'strict', { enabled: true, blocking: true }),
      policy('a', 'annotate', { enabled: true, blocking: false }),
    ]);
    expect(d(a)).toMatchObject({ deploymentCount: 3, deploymentsWithoutContentFilter: ['alpha', 'beta'] });
  });

  it('derives nothing for other clouds', () => {
    const aws: Resource = {
      cloud: 'aws',
      type: 'aws.bedrock.guardrail',
      id: 'arn:x',
      account: '1',
      region: 'us-east-1',
      attributes: {},
    };
    const derived = enrichAzure({ ...snapshotOf([account('a')]), resources: [aws, account('a')] });
    expect(derived.has(aws)).toBe(false);
  });
});
