import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATASETS } from '../../test/datasets.js';
import { Event } from '../domain/index.js';
import { cloudTrailToEvent, normalizeTime } from './index.js';

const STRATUS = `${DATASETS}/cloudtrail/stratus-red-team/`;

describe('normalizeTime', () => {
  it.each([
    ['2024-10-17T20:11:24Z', '2024-10-17T20:11:24.000Z'],
    ['2025-01-21 17:39:10.000000000', '2025-01-21T17:39:10.000Z'],
    ['2025-01-21 17:39:10.123456', '2025-01-21T17:39:10.123Z'],
    ['2024-07-08T17:06:49.0000000Z', '2024-07-08T17:06:49.000Z'],
    ['2024-07-08T19:06:49+02:00', '2024-07-08T17:06:49.000Z'],
  ])('%s → %s', (input, want) => {
    expect(normalizeTime(input)).toBe(want);
  });
  it('rejects values that are not times', () => {
    expect(normalizeTime('yesterday')).toBeUndefined();
    expect(normalizeTime(null)).toBeUndefined();
    expect(normalizeTime('')).toBeUndefined();
  });
});

describe('cloudTrailToEvent', () => {
  it('maps a Bedrock probe record (research §1.11 A shape)', () => {
    const ev = cloudTrailToEvent({
      eventVersion: '1.09',
      userIdentity: {
        type: 'IAMUser',
        arn: 'arn:aws:iam::123456789012:user/administrator',
        accountId: '123456789012',
        accessKeyId: 'AKIAEXAMPLE000000001',
        userName: 'administrator',
      },
      eventTime: '2024-07-08T17:06:49Z',
      eventSource: 'bedrock.amazonaws.com',
      eventName: 'InvokeModel',
      awsRegion: 'eu-west-3',
      sourceIPAddress: '198.44.136.222',
      userAgent: 'Python/3.11 aiohttp/3.9.5',
      requestParameters: { modelId: 'anthropic.claude-3-sonnet-20240229-v1:0' },
      responseElements: null,
      errorCode: 'ValidationException',
      errorMessage: 'max_tokens_to_sample: range: 1..1,000,000',
      eventID: 'd2ff79d2-cf19-4e5d-bf86-e43d065bf905',
      readOnly: true,
      recipientAccountId: '123456789012',
    });
    expect(ev).toMatchObject({
      id: 'd2ff79d2-cf19-4e5d-bf86-e43d065bf905',
      time: '2024-07-08T17:06:49.000Z',
      actor: {
        id: 'arn:aws:iam::123456789012:user/administrator',
        type: 'IAMUser',
        name: 'administrator',
        accessKeyId: 'AKIAEXAMPLE000000001',
        sourceIp: '198.44.136.222',
        userAgent: 'Python/3.11 aiohttp/3.9.5',
      },
      action: { service: 'bedrock.amazonaws.com', operation: 'InvokeModel', readOnly: true },
      target: { account: '123456789012', region: 'eu-west-3', model: 'anthropic.claude-3-sonnet-20240229-v1:0' },
      outcome: { ok: false, errorCode: 'ValidationException' },
    });
    expect(Event.safeParse(ev).success).toBe(true);
  });

  it('gives records without eventID a stable content id', () => {
    const rec = { eventSource: 's3.amazonaws.com', eventName: 'GetObject', eventTime: '2020-01-01T00:00:00Z' };
    expect(cloudTrailToEvent(rec).id).toBe(cloudTrailToEvent({ ...rec }).id);
    expect(cloudTrailToEvent(rec).id).not.toBe(cloudTrailToEvent({ ...rec, eventName: 'PutObject' }).id);
  });

  it('normalizes every real Stratus Red Team event into a valid Event', () => {
    const files = readdirSync(STRATUS).filter((f) => f.endsWith('.json'));
    let n = 0;
    for (const f of files) {
      const records = JSON.parse(readFileSync(join(STRATUS, f), 'utf8')) as Record<string, unknown>[];
      for (const r of records) {
        const ev = cloudTrailToEvent(r);
        const parsed = Event.safeParse(ev);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        expect(ev.action.operation).toBe(r.eventName);
        expect(ev.time).not.toBe(new Date(0).toISOString());
        n++;
      }
    }
    // 220 events in 26 files, per the datasets README.
    expect(n).toBe(220);
  });
});
