import { describe, expect, it } from 'vitest';
import { isBedrockSideObject } from './cloudtrail/s3.js';
import { decodeAzureProperties, recordKind } from './kind.js';

describe('recordKind: which log a record is from, by content', () => {
  it.each([
    ['CloudTrail', { eventName: 'InvokeModel', eventSource: 'bedrock.amazonaws.com' }, 'aws.cloudtrail'],
    ['Bedrock invocation (schemaType)', { schemaType: 'ModelInvocationLog', modelId: 'm' }, 'aws.bedrock.invocation'],
    [
      'Bedrock invocation (no schemaType)',
      { modelId: 'm', operation: 'Converse', requestId: 'r', identity: { arn: 'a' } },
      'aws.bedrock.invocation',
    ],
    ['GCP audit', { protoPayload: { '@type': 'type.googleapis.com/google.cloud.audit.AuditLog' } }, 'gcp.audit'],
    [
      'GCP audit (Panther at_sign_type)',
      { protoPayload: { at_sign_type: 'type.googleapis.com/google.cloud.audit.AuditLog' } },
      'gcp.audit',
    ],
    ['GCP audit (no type)', { protoPayload: { methodName: 'SetIamPolicy' } }, 'gcp.audit'],
    ['OpenAI audit', { object: 'organization.audit_log', type: 'login.succeeded' }, 'openai.audit'],
    ['OpenAI audit (no object)', { type: 'api_key.created', effective_at: 1, actor: {} }, 'openai.audit'],
    [
      'Azure activity',
      { time: 't', operationName: 'MICROSOFT.X/Y/WRITE', category: 'Administrative' },
      'azure.activity',
    ],
    [
      'Azure activity (REST)',
      { eventTimestamp: 't', operationName: { value: 'x/write' }, category: { value: 'Policy' } },
      'azure.activity',
    ],
    [
      'Azure resource log',
      { time: 't', operationName: 'ChatCompletions_Create', category: 'RequestResponse' },
      'azure.resource',
    ],
    ['Azure resource log (Audit)', { time: 't', operationName: 'ListKey', category: 'Audit' }, 'azure.resource'],
  ])('%s', (_what, record, kind) => {
    expect(recordKind(record)).toBe(kind);
  });

  it.each([
    ['a Kubernetes object', { apiVersion: 'v1', kind: 'Pod' }],
    [
      'a non-AuditLog protoPayload',
      { protoPayload: { '@type': 'type.googleapis.com/google.cloud.audit.BigQueryAuditMetadata' } },
    ],
    ['an operationName alone', { operationName: 'x' }],
    ['half a CloudTrail event', { eventName: 'x' }],
  ])('none for %s', (_what, record) => {
    expect(recordKind(record)).toBeUndefined();
  });
});

describe('decodeAzureProperties', () => {
  it('decodes a JSON-object string, keeps everything else as it is', () => {
    const s = { properties: '{"a":1}', x: 1 };
    expect(decodeAzureProperties(s)).toEqual({ properties: { a: 1 }, x: 1 });
    expect(s.properties).toBe('{"a":1}'); // the input is not changed
    for (const v of [
      { properties: 'not json' },
      { properties: '{broken' },
      { properties: '[1]' },
      { properties: { a: 1 } },
    ]) {
      expect(decodeAzureProperties(v)).toBe(v);
    }
  });
});

describe('isBedrockSideObject: S3 objects beside invocation logs that hold no records', () => {
  it.each([
    ['AWSLogs/1/BedrockModelInvocationLogs/amazon-bedrock-logs-permission-check', true],
    ['bedrock/amazon-bedrock-logs-permission-check', true],
    ['AWSLogs/1/BedrockModelInvocationLogs/us-east-1/2025/02/11/03/data/req_input_media_00.pdf', true],
    ['AWSLogs/1/BedrockModelInvocationLogs/us-east-1/2025/02/11/03/20250211T0320Z_abc.json.gz', false],
    ['AWSLogs/1/CloudTrail/us-east-1/2025/02/11/1_CloudTrail_us-east-1_x.json.gz', false],
  ])('%s → %s', (key, side) => {
    expect(isBedrockSideObject(key)).toBe(side);
  });
});
