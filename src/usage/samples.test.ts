import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../../test/datasets.js';
import { azureResourceToEvent, bedrockInvocationToEvent, cloudTrailToEvent, gcpAuditToEvent } from '../events/index.js';
import { usageSampleOf } from './index.js';
import { eventAround } from './testutil.js';

const converse = JSON.parse(
  readFileSync(join(DATASETS, 'cloudtrail/elastic-integrations/test-converse-json.log'), 'utf8'),
) as Record<string, unknown>;
const vertex = readFileSync(join(DATASETS, 'cloud-audit/elastic-integrations/gcp_vertexai/test-vertexai.log'), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Research §1.11 A: the Sysdig 2024 InvokeModel probe (redacted fields filled in). */
const probe = {
  eventVersion: '1.09',
  userIdentity: {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLE',
    arn: 'arn:aws:iam::123456789012:user/leaked',
    accountId: '123456789012',
    accessKeyId: 'AKIAEXAMPLEPROBE0001',
    userName: 'leaked',
  },
  eventTime: '2024-05-06T10:00:00Z',
  eventSource: 'bedrock.amazonaws.com',
  eventName: 'InvokeModel',
  awsRegion: 'us-east-1',
  sourceIPAddress: '83.7.139.184',
  userAgent: 'Boto3/1.29.7 md/Botocore#1.32.7',
  errorCode: 'ValidationException',
  errorMessage: 'max_tokens_to_sample: range: 1..1,000,000',
  requestParameters: { modelId: 'anthropic.claude-v2' },
  responseElements: null,
  eventID: 'probe-1',
};

describe('usageSampleOf: CloudTrail', () => {
  it('reads the real Elastic Converse record', () => {
    expect(usageSampleOf(cloudTrailToEvent(converse))).toEqual({
      time: '2024-10-29T15:51:44.000Z',
      provider: 'aws',
      account: '00000000000',
      identity: 'arn:aws:sts::00000000000:assumed-role/private-ec2-instance-role/i-03cd6b2a7eb4bf3ae',
      accessKeyId: 'ACCESSKEY',
      model: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
      region: 'us-east-1',
      operation: 'Converse',
      ok: true,
      sourceIp: '216.160.83.56',
      userAgent: expect.stringMatching(/^Boto3\/1\.35\.50/),
      requestId: 'aff6f361-1ef0-4460-97af-26528a80b511',
    });
  });

  it('keeps the failed probe with its error code', () => {
    const s = usageSampleOf(cloudTrailToEvent(probe))!;
    expect(s).toMatchObject({ ok: false, errorCode: 'ValidationException', model: 'anthropic.claude-v2' });
    expect(s.accessKeyId).toBe('AKIAEXAMPLEPROBE0001');
  });

  it('takes the model from an inference-profile ARN and the region from inferenceRegion', () => {
    const s = usageSampleOf(
      cloudTrailToEvent({
        ...probe,
        eventName: 'ConverseStream',
        errorCode: undefined,
        awsRegion: 'us-east-1',
        requestParameters: {
          modelId:
            'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20241022-v2:0',
        },
        additionalEventData: { inferenceRegion: 'us-west-2' },
      }),
    )!;
    expect(s).toMatchObject({
      operation: 'ConverseStream',
      model: 'us.anthropic.claude-3-5-sonnet-20241022-v2:0',
      region: 'us-west-2',
      ok: true,
    });
  });

  it('ignores control-plane Bedrock calls and other services', () => {
    expect(usageSampleOf(cloudTrailToEvent({ ...probe, eventName: 'ListFoundationModels' }))).toBeUndefined();
    expect(usageSampleOf(cloudTrailToEvent({ ...probe, eventSource: 's3.amazonaws.com' }))).toBeUndefined();
    // An invocation without a model cannot be priced or attributed.
    expect(usageSampleOf(cloudTrailToEvent({ ...probe, requestParameters: null }))).toBeUndefined();
  });
});

describe('usageSampleOf: Bedrock model-invocation logs', () => {
  // Research §4.2, the Sysdig 2024 S3 log record (redacted fields filled in).
  const record = {
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: '2024-05-06T10:05:00Z',
    accountId: '123456789012',
    identity: { arn: 'arn:aws:iam::123456789012:user/leaked' },
    region: 'us-east-1',
    requestId: 'bea9d003-f7df-4558-8823-367349de75f2',
    operation: 'InvokeModel',
    modelId: 'anthropic.claude-v2',
    input: { inputContentType: 'application/json', inputBodyJson: { prompt: 'x' }, inputTokenCount: 16 },
    output: { outputContentType: 'application/json', outputBodyJson: { completion: 'y' }, outputTokenCount: 300 },
  };

  it('reads token counts (through the invocation-log normalizer)', () => {
    expect(usageSampleOf(bedrockInvocationToEvent(record))).toEqual({
      time: '2024-05-06T10:05:00.000Z',
      provider: 'aws',
      account: '123456789012',
      identity: 'arn:aws:iam::123456789012:user/leaked',
      model: 'anthropic.claude-v2',
      region: 'us-east-1',
      operation: 'InvokeModel',
      ok: true,
      inputTokens: 16,
      outputTokens: 300,
      requestId: 'bea9d003-f7df-4558-8823-367349de75f2',
    });
  });

  it('reads the raw shape whatever the event kind, and failures', () => {
    const s = usageSampleOf(eventAround({ ...record, errorCode: 'AccessDeniedException', output: undefined }))!;
    expect(s).toMatchObject({ ok: false, errorCode: 'AccessDeniedException', inputTokens: 16 });
    expect(s.outputTokens).toBeUndefined();
  });
});

describe('usageSampleOf: Vertex AI audit logs (real Elastic samples)', () => {
  it('counts BidiGenerateContent with the service-account key, and skips CountTokens', () => {
    const samples = vertex.map((r) => usageSampleOf(gcpAuditToEvent(r)));
    const methods = vertex.map((r) =>
      String((r.protoPayload as { methodName: string }).methodName)
        .split('.')
        .at(-1),
    );
    expect(methods.filter((m) => m === 'CountTokens').length).toBeGreaterThan(0);
    samples.forEach((s, i) => {
      if (methods[i] === 'CountTokens') expect(s).toBeUndefined();
      else expect(s).toBeDefined();
    });
    const bidi = samples.find((s) => s !== undefined)!;
    expect(bidi).toMatchObject({
      provider: 'gcp',
      account: 'elastic-abs',
      identity: 'matt-adams-gimini-live-app@elastic-abs.iam.gserviceaccount.com',
      model: 'gemini-2.0-flash-live-preview-04-09',
      region: 'us-central1',
      operation: 'BidiGenerateContent',
      sourceIp: '175.16.199.14',
    });
  });

  it('reads publisher model, project and region from a StreamRawPredict resource name', () => {
    const raw = {
      protoPayload: {
        serviceName: 'aiplatform.googleapis.com',
        methodName: 'google.cloud.aiplatform.v1.PredictionService.StreamRawPredict',
        authenticationInfo: { principalEmail: 'stolen@victim.iam.gserviceaccount.com' },
        requestMetadata: { callerIp: '203.0.113.9', callerSuppliedUserAgent: 'axios/1.7.4' },
        resourceName: 'projects/victim/locations/us-east5/publishers/anthropic/models/claude-3-opus@20240229',
      },
      timestamp: '2024-09-01T12:00:00Z',
    };
    expect(usageSampleOf(eventAround(raw, { source: 'gcp.audit' }))).toEqual({
      time: '2024-09-01T12:00:00.000Z',
      provider: 'gcp',
      account: 'victim',
      identity: 'stolen@victim.iam.gserviceaccount.com',
      model: 'claude-3-opus@20240229',
      region: 'us-east5',
      operation: 'StreamRawPredict',
      ok: true,
      sourceIp: '203.0.113.9',
      userAgent: 'axios/1.7.4',
    });
  });
});

describe('usageSampleOf: Azure OpenAI RequestResponse logs', () => {
  // Fields as listed in research §1.8 (AzureDiagnostics, category RequestResponse).
  const record = {
    time: '2024-05-01T10:00:00Z',
    resourceId:
      '/SUBSCRIPTIONS/0000AAAA-1111-2222-3333-444455556666/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.COGNITIVESERVICES/ACCOUNTS/CONTOSO-OAI',
    category: 'RequestResponse',
    operationName: 'ChatCompletions_Create',
    callerIpAddress: '81.2.69.***',
    location: 'eastus',
    resultSignature: '200',
    durationMs: 812,
    properties: {
      apiName: 'Azure OpenAI API version 2024-02-01',
      requestTime: 638500000000000000,
      requestLength: 180,
      responseTime: 638500000000100000,
      responseLength: 900,
      objectId: '',
      streamType: 'Non-Streaming',
      modelDeploymentName: 'chat-prod',
      modelName: 'gpt-4o',
      modelVersion: '2024-08-06',
    },
  };

  it('attributes API-key calls to the account key and takes model, subscription and region', () => {
    expect(usageSampleOf(azureResourceToEvent(record))).toMatchObject({
      provider: 'azure',
      account: '0000aaaa-1111-2222-3333-444455556666',
      identity: 'apikey:contoso-oai',
      model: 'gpt-4o',
      region: 'eastus',
      operation: 'ChatCompletions_Create',
      ok: true,
      sourceIp: '81.2.69.***',
    });
  });

  it('uses the caller object id when present, and a non-2xx result as the error', () => {
    const s = usageSampleOf(
      eventAround(
        { ...record, resultSignature: '429', properties: JSON.stringify({ ...record.properties, objectId: 'oid-1' }) },
        { source: 'azure.activity' },
      ),
    )!;
    expect(s).toMatchObject({ identity: 'oid-1', ok: false, errorCode: '429' });
  });

  it('ignores Audit-category records such as ListKey', () => {
    expect(usageSampleOf(eventAround({ ...record, category: 'Audit', operationName: 'ListKey' }))).toBeUndefined();
  });
});
