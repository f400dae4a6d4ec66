/** The Azure resource types the collector writes and the enricher and checks read (see README). */
export const AZURE_TYPES = {
  account: 'azure.cognitive.account',
  deployment: 'azure.cognitive.deployment',
  raiPolicy: 'azure.cognitive.rai-policy',
  diagnosticSetting: 'azure.monitor.diagnostic-setting',
  workspace: 'azure.ml.workspace',
  compute: 'azure.ml.compute',
} as const;

/**
 * Account kinds that host model deployments and content filters (Azure OpenAI, and AI Services /
 * Foundry resources, which serve OpenAI and partner models). Other kinds (Speech, Vision …) have
 * no deployments: listing them would fail or return nothing.
 */
export const DEPLOYMENT_KINDS: readonly string[] = ['OpenAI', 'AIServices'];
