import type { Event } from '../domain/index.js';
import type { UsageSample } from './types.js';

/** A sample with defaults, for aggregation and cost tests. */
export function sample(over: Partial<UsageSample> = {}): UsageSample {
  return {
    time: '2024-10-29T15:51:44.000Z',
    provider: 'aws',
    account: '123456789012',
    identity: 'arn:aws:iam::123456789012:user/app',
    accessKeyId: 'AKIAEXAMPLE000000001',
    model: 'anthropic.claude-3-haiku-20240307-v1:0',
    region: 'us-east-1',
    operation: 'InvokeModel',
    ok: true,
    inputTokens: 1000,
    outputTokens: 1000,
    sourceIp: '198.51.100.1',
    userAgent: 'Boto3/1.35.50',
    ...over,
  };
}

/** An Event around a raw record, for shapes whose normalizer is not under test. */
export function eventAround(raw: Record<string, unknown>, over: Partial<Event> = {}): Event {
  return {
    id: 'e1',
    time: '2024-01-01T00:00:00.000Z',
    source: 'aws.cloudtrail',
    actor: {},
    action: { service: '', operation: '' },
    target: { resources: [] },
    outcome: { ok: true },
    raw,
    ...over,
  };
}
