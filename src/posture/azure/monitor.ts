/**
 * Azure Monitor diagnostic settings of the AI resources (accounts, ML workspaces). They live under
 * each resource (`{id}/providers/Microsoft.Insights/diagnosticSettings`), so it is one call per
 * resource. Read with API version 2021-05-01-preview, the first with category groups (`allLogs`,
 * `audit`); `@azure/arm-monitor` 7 pins 2017-05-01-preview, so a pipeline policy sets the version
 * on these calls only.
 */
import type { MonitorClient } from '@azure/arm-monitor';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { Resource } from '../snapshot.js';
import { armResource, arr, getRaw, type Json, obj, str } from './arm.js';
import { AZURE_TYPES } from './types.js';

export const DIAGNOSTIC_SETTINGS_API_VERSION = '2021-05-01-preview';

export const diagnosticSettingsApiVersion: PipelinePolicy = {
  name: 'jackstopDiagnosticSettingsApiVersion',
  sendRequest(request, next) {
    if (/\/providers\/microsoft\.insights\/diagnosticsettings(\/|\?|$)/i.test(request.url)) {
      const url = new URL(request.url);
      url.searchParams.set('api-version', DIAGNOSTIC_SETTINGS_API_VERSION);
      request.url = url.toString();
    }
    return next(request);
  },
};

/** `Microsoft.CognitiveServices/accounts` from a resource id. */
function resourceTypeOf(id: string): string | null {
  const m = /\/providers\/([^/]+)\/([^/]+)\/[^/]+$/i.exec(id);
  return m ? `${m[1]}/${m[2]}` : null;
}

export function diagnosticSettingResource(s: Json, target: Resource, subscription: string): Resource {
  const p = obj(s.properties) ?? {};
  const logs = arr(p.logs)
    .map(obj)
    .filter((l): l is Json => l !== null);
  const enabled = logs.filter((l) => l.enabled === true);
  const name = str(s.name) ?? 'unnamed';
  const item = {
    ...s,
    // ARM gives the id; build the documented one if a response lacks it.
    id: str(s.id) ?? `${target.id}/providers/Microsoft.Insights/diagnosticSettings/${name}`,
  };
  return armResource(AZURE_TYPES.diagnosticSetting, item, subscription, target.region, {
    targetResourceId: target.id,
    targetType: resourceTypeOf(target.id),
    logs: logs.map((l) => ({
      category: str(l.category),
      categoryGroup: str(l.categoryGroup),
      enabled: l.enabled === true,
    })),
    enabledLogCategories: enabled.map((l) => str(l.category)).filter((c): c is string => c !== null),
    enabledLogCategoryGroups: enabled.map((l) => str(l.categoryGroup)).filter((c): c is string => c !== null),
    metricsEnabled: arr(p.metrics).some((m) => obj(m)?.enabled === true),
    // Where the logs go (ids of the destinations, never their keys). An empty string means none.
    destinations: {
      logAnalytics: str(p.workspaceId) !== null,
      storageAccount: str(p.storageAccountId) !== null,
      eventHub: str(p.eventHubAuthorizationRuleId) !== null,
      marketplacePartner: str(p.marketplacePartnerId) !== null,
    },
    logAnalyticsWorkspaceId: str(p.workspaceId),
  });
}

export async function listDiagnosticSettings(client: MonitorClient, target: Resource, subscription: string) {
  // The resource URI goes into the path as is: without its leading slash, as in ARM's examples.
  const raw = await getRaw((options) => client.diagnosticSettings.list(target.id.replace(/^\/+/, ''), options));
  return raw.map((s) => diagnosticSettingResource(s, target, subscription));
}
