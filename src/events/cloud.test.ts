/**
 * The Bedrock-invocation, Azure, GCP and OpenAI normalizers on real records: the shared Elastic
 * samples (read in place: ELv2) and Panther's labelled rule-test logs, plus the documented shapes
 * the samples do not show (Azure REST output, Bedrock ModelInvocationLog from the research note).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DATASETS } from '../../test/datasets.js';
import { Event } from '../domain/index.js';
import { isJackstopError } from '../errors.js';
import {
  azureActivityToEvent,
  azureResourceToEvent,
  bedrockInvocationToEvent,
  gcpAuditToEvent,
  NORMALIZERS,
  normalizeEvent,
  openAiAuditToEvent,
  parseFieldMap,
  SIGMA_FIELD_MAPS,
  SIGMA_LOGSOURCE,
  vertexModelOf,
} from './index.js';

type Rec = Record<string, unknown>;
const CLOUD = path.join(DATASETS, 'cloud-audit');

function ndjson(rel: string): Rec[] {
  return readFileSync(path.join(CLOUD, rel), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Rec);
}

function pantherLog(rel: string, name: string): Rec {
  const file = parseYaml(readFileSync(path.join(CLOUD, 'panther-rule-tests', rel), 'utf8')) as {
    Tests: { Name: string; Log: Rec }[];
  };
  const test = file.Tests.find((t) => t.Name === name);
  if (!test) throw new Error(`${rel}: no test ${name}`);
  return test.Log;
}

describe('registry', () => {
  it('has a normalizer and a Sigma logsource for every source kind', () => {
    expect(Object.keys(NORMALIZERS).sort()).toEqual(Object.keys(SIGMA_LOGSOURCE).sort());
    expect(SIGMA_LOGSOURCE['azure.activity']).toEqual({ product: 'azure', service: 'activitylogs' });
    expect(SIGMA_LOGSOURCE['gcp.audit']).toEqual({ product: 'gcp', service: 'gcp.audit' });
    expect(normalizeEvent('gcp.audit', ndjson('elastic-integrations/gcp_vertexai/test-vertexai.log')[0]!).source).toBe(
      'gcp.audit',
    );
  });
});

describe('Azure activity log', () => {
  it('Elastic sample: a service principal listing Event Hub keys (identity from the claims, subscription from the resource id)', () => {
    const [raw] = ndjson('elastic-integrations/azure_activitylogs/test-activitylogs-raw.log');
    const ev = Event.parse(azureActivityToEvent(raw!));
    expect(ev).toMatchObject({
      time: '2019-10-24T00:13:46.355Z',
      actor: { id: '8a4de8b5-095c-47d0-a96f-a75130c61d53', type: 'ServicePrincipal', sourceIp: '81.2.69.144' },
      action: { operation: 'MICROSOFT.EVENTHUB/NAMESPACES/AUTHORIZATIONRULES/LISTKEYS/ACTION', readOnly: false },
      target: { account: '8a4de8b5-095c-47d0-a96f-a75130c61d53', region: 'global' },
      outcome: { ok: true },
    });
    expect(ev.id).toMatch(/^[0-9a-f]{40}$/); // no event id in exports: a content hash, stable across runs
    expect(azureActivityToEvent(raw!).id).toBe(ev.id);
  });

  it('Panther sample: a failed listKeys is a failure with its result signature as the error code', () => {
    const raw = pantherLog('azure_activity_rules/azure_storage_account_keys_listed.yml', 'Failed Key Listing');
    expect(azureActivityToEvent(raw).outcome).toEqual({ ok: false, errorCode: '403', errorMessage: undefined });
    const ok = azureActivityToEvent(
      pantherLog('azure_activity_rules/azure_storage_account_keys_listed.yml', 'Storage Account Keys Listed'),
    );
    expect(ok.actor).toMatchObject({ id: 'denethor@lotr.com', name: 'denethor@lotr.com', sourceIp: '1.1.1.1' });
    expect(ok.target).toMatchObject({ account: '12345678-1234-1234-1234-123456789abc', region: 'eastus' });
  });

  it('REST API / az monitor activity-log list shape: {value} pairs, caller, httpRequest, eventDataId', () => {
    const ev = azureActivityToEvent({
      eventDataId: 'c0ffee00-1111-4222-8333-944455556666',
      eventTimestamp: '2025-02-11T03:52:31.4Z',
      caller: 'dana.kim@contoso.com',
      httpRequest: { clientIpAddress: '203.0.113.24' },
      operationName: {
        value: 'Microsoft.CognitiveServices/accounts/deployments/write',
        localizedValue: 'Create deployment',
      },
      status: { value: 'Failed' },
      subStatus: { value: 'Conflict' },
      category: { value: 'Administrative' },
      resourceId:
        '/subscriptions/6f1c2a8e-4b7d-4e39-9a51-3c0d8e2f7b14/resourceGroups/ai/providers/Microsoft.CognitiveServices/accounts/contoso-openai/deployments/gpt-4o',
      subscriptionId: '6f1c2a8e-4b7d-4e39-9a51-3c0d8e2f7b14',
    });
    expect(ev).toMatchObject({
      id: 'c0ffee00-1111-4222-8333-944455556666',
      time: '2025-02-11T03:52:31.400Z',
      actor: { id: 'dana.kim@contoso.com', sourceIp: '203.0.113.24' },
      action: {
        service: 'Microsoft.CognitiveServices',
        operation: 'Microsoft.CognitiveServices/accounts/deployments/write',
      },
      target: { account: '6f1c2a8e-4b7d-4e39-9a51-3c0d8e2f7b14', model: 'contoso-openai/gpt-4o' },
      outcome: { ok: false, errorCode: 'Conflict' },
    });
  });
});

describe('Azure OpenAI resource logs (RequestResponse)', () => {
  const base = {
    time: '2025-02-11T03:58:01.1234567Z',
    resourceId:
      '/SUBSCRIPTIONS/6F1C2A8E-4B7D-4E39-9A51-3C0D8E2F7B14/RESOURCEGROUPS/AI/PROVIDERS/MICROSOFT.COGNITIVESERVICES/ACCOUNTS/CONTOSO-OPENAI',
    category: 'RequestResponse',
    operationName: 'ChatCompletions_Create',
    resultSignature: '200',
    callerIpAddress: '81.2.69.***',
    correlationId: 'f1a3b5c7-d9e1-4f2a-8b4c-6d8e0f2a4b68',
    location: 'eastus',
  };

  it('takes the model name, keeps the masked IP, and reads properties given as an object or a JSON string', () => {
    const props = { requestLength: 58, modelDeploymentName: 'gpt4o-prod', modelName: 'gpt-4o', objectId: '' };
    const a = azureResourceToEvent({ ...base, properties: props });
    const b = azureResourceToEvent({ ...base, properties: JSON.stringify(props) });
    expect({ ...a, raw: {} }).toEqual({ ...b, raw: {} });
    expect(Event.parse(a)).toMatchObject({
      id: 'f1a3b5c7-d9e1-4f2a-8b4c-6d8e0f2a4b68',
      actor: { sourceIp: '81.2.69.***' },
      action: { service: 'MICROSOFT.COGNITIVESERVICES', operation: 'ChatCompletions_Create' },
      target: { account: '6f1c2a8e-4b7d-4e39-9a51-3c0d8e2f7b14', region: 'eastus', model: 'gpt-4o' },
      outcome: { ok: true },
    });
    expect(a.actor.id).toBeUndefined(); // a key call: no principal
    expect(a.target.resources[1]).toMatch(/\/deployments\/gpt4o-prod$/);
  });

  it('an HTTP 4xx result is a failure; an Entra ID caller is identified by its object id', () => {
    const ev = azureResourceToEvent({ ...base, resultSignature: '401', properties: { objectId: '4a8c1e2d-7b3f' } });
    expect(ev.outcome).toMatchObject({ ok: false, errorCode: '401' });
    expect(ev.actor.id).toBe('4a8c1e2d-7b3f');
  });
});

describe('GCP Cloud Audit Logs', () => {
  const vertex = ndjson('elastic-integrations/gcp_vertexai/test-vertexai.log');

  it('Elastic Vertex AI sample: the user-managed key, the publisher model, region and project', () => {
    const ev = Event.parse(gcpAuditToEvent(vertex[3]!));
    expect(ev).toMatchObject({
      id: 'swloqme85uqe',
      time: '2025-05-03T10:42:01.526Z',
      actor: {
        id: 'matt-adams-gimini-live-app@elastic-abs.iam.gserviceaccount.com',
        type: 'ServiceAccount',
        accessKeyId: '094619204aafa3e1265fc9188025479a7a961397',
        sourceIp: '175.16.199.30',
      },
      action: {
        service: 'aiplatform.googleapis.com',
        operation: 'google.cloud.aiplatform.v1beta1.LlmBidiService.BidiGenerateContent',
        readOnly: true,
      },
      target: { account: 'elastic-abs', region: 'us-central1', model: 'gemini-2.0-flash-live-preview-04-09' },
      outcome: { ok: true },
    });
    expect(gcpAuditToEvent(vertex[2]!).outcome).toEqual({
      ok: false,
      errorCode: 'ABORTED',
      errorMessage: 'The operation was aborted.',
    });
  });

  it('Panther samples: `callerIP` spelling, space-separated times, a denied permission without status', () => {
    const created = gcpAuditToEvent(
      pantherLog('gcp_audit_rules/gcp_service_account_or_keys_created.yml', 'Created Service Account Key'),
    );
    expect(created).toMatchObject({
      time: '2023-03-09T15:50:36.148Z',
      actor: { id: 'staging@company.io', type: 'User', sourceIp: '1.2.3.4' },
      action: {
        service: 'iam.googleapis.com',
        operation: 'google.iam.admin.v1.CreateServiceAccountKey',
        readOnly: false,
      },
      target: { account: 'gcp-project1' },
    });
    const denied = gcpAuditToEvent(pantherLog('gcp_audit_rules/gcp_iam_service_account_key_create.yml', 'fail'));
    expect(denied.outcome).toEqual({ ok: false, errorCode: 'PERMISSION_DENIED', errorMessage: undefined });
    expect(denied.time).toBe('2024-01-19T13:47:18.279Z');
  });

  it('finds the Vertex model in publisher, endpoint and request names', () => {
    expect(vertexModelOf('projects/p/locations/us-east5/publishers/anthropic/models/claude-3-5-sonnet@20240620')).toBe(
      'claude-3-5-sonnet@20240620',
    );
    expect(vertexModelOf(undefined, 'projects/p/locations/europe-west4/endpoints/123456:predict')).toBe(
      'endpoints/123456',
    );
    expect(vertexModelOf('projects/p')).toBeUndefined();
  });
});

describe('Bedrock model-invocation log', () => {
  it('the documented ModelInvocationLog: identity ARN, model, region, account; tokens stay in raw', () => {
    const raw = {
      schemaType: 'ModelInvocationLog',
      schemaVersion: '1.0',
      timestamp: '2024-05-06T17:11:23Z',
      accountId: '418295730164',
      identity: { arn: 'arn:aws:sts::418295730164:assumed-role/app-role/i-03cd6b2a7eb4bf3ae' },
      region: 'us-east-1',
      requestId: 'bea9d003-f7df-4558-8823-367349de75f2',
      operation: 'InvokeModel',
      modelId: 'anthropic.claude-v2',
      input: { inputContentType: 'application/json', inputTokenCount: 16 },
      output: { outputContentType: 'application/json', outputTokenCount: 300 },
    };
    const ev = Event.parse(bedrockInvocationToEvent(raw));
    expect(ev).toMatchObject({
      id: 'bea9d003-f7df-4558-8823-367349de75f2',
      time: '2024-05-06T17:11:23.000Z',
      actor: { id: raw.identity.arn, type: 'AssumedRole', name: 'i-03cd6b2a7eb4bf3ae' },
      action: { service: 'bedrock.amazonaws.com', operation: 'InvokeModel', readOnly: true },
      target: { account: '418295730164', region: 'us-east-1', model: 'anthropic.claude-v2', resources: [] },
      outcome: { ok: true },
    });
    expect(bedrockInvocationToEvent(raw).raw).toBe(raw); // untouched, so usage reads the token counts from it
    expect(bedrockInvocationToEvent({ ...raw, errorCode: 'AccessDeniedException' }).outcome).toMatchObject({
      ok: false,
      errorCode: 'AccessDeniedException',
    });
  });
});

describe('OpenAI organization audit log', () => {
  it('Panther samples: session actor with IP and user agent; login.failed with its error code', () => {
    const created = openAiAuditToEvent(
      pantherLog(
        'openai_rules/openai_api_key_anomalous_activity.yml',
        'API key with elevated permissions - Alert HIGH',
      ),
    );
    expect(Event.parse(created)).toMatchObject({
      id: 'audit_log-test002',
      time: '2023-12-18T00:00:00.000Z',
      actor: { id: 'contractor@external.com', type: 'session', sourceIp: '192.0.2.100', userAgent: 'curl/7.68.0' },
      action: { service: 'api.openai.com', operation: 'api_key.created' },
      target: { resources: ['key-suspicious001'] },
      outcome: { ok: true },
    });
    const failed = openAiAuditToEvent(pantherLog('openai_rules/openai_login_failed.yml', 'Failed login'));
    expect(failed.outcome).toEqual({
      ok: false,
      errorCode: 'invalid_credentials',
      errorMessage: 'Invalid username or password',
    });
  });

  it('an API-key actor: the key is the access key, its service account the identity', () => {
    const ev = openAiAuditToEvent({
      id: 'audit_log-9',
      type: 'project.updated',
      effective_at: 1739244000,
      actor: {
        type: 'api_key',
        api_key: { id: 'key_abc', type: 'service_account', service_account: { id: 'svc_acct_1' } },
      },
    });
    expect(ev.actor).toMatchObject({ id: 'svc_acct_1', type: 'api_key', accessKeyId: 'key_abc' });
  });
});

describe('Sigma field maps (data)', () => {
  it('map every field SigmaHQ’s GCP rules use that raw Cloud Audit Logs do not have', async () => {
    const dir = path.join(DATASETS, 'sigma/cloud/gcp/audit');
    const { readdirSync } = await import('node:fs');
    const fields = new Set<string>();
    for (const f of readdirSync(dir)) {
      const text = readFileSync(path.join(dir, f), 'utf8');
      for (const m of text.matchAll(/^\s{8}([A-Za-z_.]+)(?:\|[a-z|]+)?:/gm)) fields.add(m[1]!);
    }
    const map = SIGMA_FIELD_MAPS['gcp.audit']!;
    const unmapped = [...fields].filter((f) => !(f in map));
    expect(unmapped).toEqual([]);
    expect(map['gcp.audit.method_name']).toBe('protoPayload.methodName');
    expect(map['data.protoPayload.logName']).toBe('logName');
  });

  it('reject a malformed map, naming the file', () => {
    const bad = (data: unknown) => {
      try {
        parseFieldMap(data, 'x.sigma-fields.json');
      } catch (e) {
        if (isJackstopError(e)) return `${e.code} ${e.where()} ${e.message}`;
        throw e;
      }
      return 'accepted';
    };
    expect(bad({ description: 'd', fields: { a: 'b' } })).toBe('accepted');
    expect(bad({ fields: { a: 'b' } })).toMatch(
      /^JACKSTOP_RULE_INVALID x\.sigma-fields\.json invalid Sigma field map: description/,
    );
    expect(bad({ description: 'd', fields: { a: 'b c' } })).toContain('fields.a');
    expect(bad({ description: 'd', fields: { a: 'a' } })).toContain('"a" maps to itself');
    expect(bad({ description: 'd', fields: {}, extra: 1 })).toContain('invalid Sigma field map');
  });
});
