/** Builders of synthetic `UsageHour` rows for the anomaly unit tests. */
import type { UsageHour } from '../../usage/index.js';

export const ACCOUNT = '111122223333';
export const ALICE = `arn:aws:iam::${ACCOUNT}:user/alice`;
export const APP = `arn:aws:sts::${ACCOUNT}:assumed-role/genai-app-role/i-0a1b2c3d`;
export const SONNET = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
export const OPUS = 'anthropic.claude-3-opus-20240229-v1:0';
export const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
export const BOTO = 'Boto3/1.35.50 md/Botocore#1.35.50 ua/2.0 os/linux#6.8.0 lang/python#3.12.3 Botocore/1.35.50';
/** A Monday, 00:00 UTC. */
export const START = Date.parse('2026-11-02T00:00:00Z');
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

export function row(over: Partial<UsageHour> & { at: number }): UsageHour {
  const { at, ...rest } = over;
  const invocations = rest.invocations ?? 10;
  return {
    hour: new Date(at).toISOString(),
    provider: 'aws',
    account: ACCOUNT,
    identity: ALICE,
    accessKeyId: 'AKIAEXAMPLEALICE0001',
    model: SONNET,
    region: 'us-east-1',
    invocations,
    errors: 0,
    inputTokens: invocations * 1500,
    outputTokens: invocations * 300,
    costUsd: invocations * (1.5 * 0.003 + 0.3 * 0.015),
    estimated: false,
    sourceIps: ['203.0.113.10'],
    userAgents: [BOTO],
    ...rest,
  };
}

/**
 * `days` days of working-hours use (Mon–Fri 08:00–17:59 UTC) from START: a few calls an hour,
 * varying deterministically so the baseline has a spread.
 */
export function workdays(days: number, over: Partial<UsageHour> = {}, from = START): UsageHour[] {
  const out: UsageHour[] = [];
  for (let d = 0; d < days; d++) {
    const weekday = new Date(from + d * DAY).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (let h = 8; h < 18; h++)
      out.push(row({ at: from + d * DAY + h * HOUR, invocations: 6 + ((d * 7 + h * 3) % 9), ...over }));
  }
  return out;
}

/** `days` days of round-the-clock application traffic, busier in the day. */
export function allDay(days: number, over: Partial<UsageHour> = {}, from = START): UsageHour[] {
  const out: UsageHour[] = [];
  for (let d = 0; d < days; d++)
    for (let h = 0; h < 24; h++) {
      const base = h >= 8 && h < 20 ? 40 : 12;
      out.push(
        row({
          at: from + d * DAY + h * HOUR,
          identity: APP,
          accessKeyId: `ASIAEXAMPLEAPP${d % 10}`,
          invocations: base + ((d * 5 + h) % 7),
          sourceIps: ['10.20.4.17'],
          ...over,
        }),
      );
    }
  return out;
}
