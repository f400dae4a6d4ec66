import { describe, expect, it } from 'vitest';
import { Finding, findingId } from '../../domain/index.js';
import type { UsageHour } from '../../usage/index.js';
import { detectAnomalies, networkOf, userAgentFamily } from './detect.js';
import { ACCOUNT, ALICE, APP, allDay, DAY, HAIKU, HOUR, OPUS, row, START, workdays } from './hours.testutil.js';
import { loadAnomalyThresholds } from './thresholds.js';

const rules = (fs: Finding[]) => fs.map((f) => f.ruleId).sort();
const only = (fs: Finding[], id: string) => fs.filter((f) => f.ruleId === `jackstop.anomaly.${id}`);

/** 3 weeks of Alice's weekday use, then the hour under test (Tuesday of week 4, 10:00 UTC). */
const history = workdays(21);
const TUE_10 = START + 22 * DAY + 10 * HOUR;
const SAT_03 = START + 26 * DAY + 3 * HOUR;

describe('quiet usage', () => {
  it('raises nothing for a usual hour', () => {
    expect(detectAnomalies(history, [row({ at: TUE_10, invocations: 12 })])).toEqual([]);
  });

  it('raises nothing over a week of the same behaviour evaluated hour by hour', () => {
    const next = workdays(7, {}, START + 21 * DAY);
    expect(detectAnomalies(history, next)).toEqual([]);
    expect(detectAnomalies(allDay(21), allDay(7, {}, START + 21 * DAY))).toEqual([]);
  });
});

describe('usage spike (identity)', () => {
  it('fires with the baseline numbers when an hour is far above the same hour of earlier weeks', () => {
    const fs = detectAnomalies(history, [row({ at: TUE_10, invocations: 400 })]);
    const [spike] = only(fs, 'usage-spike');
    expect(spike).toBeDefined();
    expect(spike!.kind).toBe('anomaly');
    expect(spike!.subject).toEqual({ kind: 'identity', id: ALICE });
    expect(spike!.id).toBe(findingId('jackstop.anomaly.usage-spike', `identity:${ALICE}`));
    const m = spike!.evidence.metrics!;
    expect(m.observed).toBeGreaterThanOrEqual(400);
    expect(m.baselineMedian).toBeGreaterThan(0);
    expect(m.baselineMedian).toBeLessThan(20);
    expect(m.zScore).toBeGreaterThan(15);
    expect(m.baselineHours).toBe(9); // 3 weeks × (hour ± 1)
    expect(spike!.description).toMatch(/baseline median of [\d.]+ \(MAD [\d.]+/);
    expect(spike!.description).toContain('same hour of the week');
    expect(spike!.firstSeen).toBe(new Date(TUE_10).toISOString());
    expect(() => Finding.parse(spike)).not.toThrow();
  });

  it('does not fire for a moderately busy hour', () => {
    expect(only(detectAnomalies(history, [row({ at: TUE_10, invocations: 40 })]), 'usage-spike')).toEqual([]);
  });

  it('grades severity by z-score', () => {
    const medium = only(detectAnomalies(history, [row({ at: TUE_10, invocations: 70 })]), 'usage-spike')[0];
    const critical = only(detectAnomalies(history, [row({ at: TUE_10, invocations: 3000 })]), 'usage-spike')[0];
    expect(medium?.severity).toBe('medium');
    expect(critical?.severity).toBe('critical');
  });

  it('uses every hour of the window before two weeks of history, and needs a week at least', () => {
    const short = workdays(10);
    const at = START + 10 * DAY + 10 * HOUR; // Thursday of week 2
    const [spike] = only(detectAnomalies(short, [row({ at, invocations: 400 })]), 'usage-spike');
    expect(spike?.description).toContain('every hour of the previous 10 day(s)');
    const tooShort = workdays(5);
    expect(
      only(detectAnomalies(tooShort, [row({ at: START + 5 * DAY + 10 * HOUR, invocations: 400 })]), 'usage-spike'),
    ).toEqual([]);
  });

  it('is per identity: another identity with the volume as usual does not count', () => {
    const busy = allDay(21);
    const fs = detectAnomalies(busy, [
      row({ at: TUE_10, identity: APP, invocations: 50, sourceIps: ['10.20.4.17'], accessKeyId: 'ASIAEXAMPLEAPP1' }),
    ]);
    expect(fs).toEqual([]);
  });
});

describe('usage spike (account)', () => {
  it('fires for the account when an identity without history burns through it', () => {
    const stranger = `arn:aws:sts::${ACCOUNT}:assumed-role/claude-session/x`;
    const fs = detectAnomalies(history, [
      row({ at: TUE_10, identity: stranger, accessKeyId: 'ASIAEXAMPLESTRANGE', invocations: 2000 }),
    ]);
    const [acct] = only(fs, 'account-usage-spike');
    expect(acct?.subject).toMatchObject({ kind: 'account', id: ACCOUNT });
    expect(acct?.evidence.metrics?.observed).toBeGreaterThanOrEqual(2000);
    // The stranger has no history of its own: no identity spike, no novelty.
    expect(only(fs, 'usage-spike')).toEqual([]);
  });

  it('does not fire for an ordinary hour of the account', () => {
    expect(only(detectAnomalies(history, [row({ at: TUE_10, invocations: 15 })]), 'account-usage-spike')).toEqual([]);
  });
});

describe('first-seen values', () => {
  it('new model: fires when a never-used model is used above the peak', () => {
    const fs = detectAnomalies(history, [
      row({ at: TUE_10, invocations: 10 }),
      row({ at: TUE_10, model: OPUS, invocations: 60 }),
    ]);
    const [f] = only(fs, 'new-model');
    expect(f?.description).toContain(OPUS);
    expect(f?.evidence.metrics?.baselinePeakHour).toBe(14);
    expect(f?.evidence.models).toContain(OPUS);
  });

  it('new model: a quiet trial is not news, and the model is known afterwards', () => {
    const trial = row({ at: TUE_10, model: HAIKU, invocations: 4 });
    expect(only(detectAnomalies(history, [trial]), 'new-model')).toEqual([]);
    const later = row({ at: TUE_10 + 2 * DAY, model: HAIKU, invocations: 30 });
    expect(only(detectAnomalies([...history, trial], [later]), 'new-model')).toEqual([]);
  });

  it('new region: fires for calls in a region the identity never used', () => {
    const fs = detectAnomalies(history, [row({ at: TUE_10, region: 'eu-west-3', invocations: 20 })]);
    expect(only(fs, 'new-region')[0]?.description).toContain('eu-west-3');
    expect(
      only(detectAnomalies(history, [row({ at: TUE_10, region: 'eu-west-3', invocations: 3 })]), 'new-region'),
    ).toEqual([]);
  });

  it('new source network: fires for a new /24, not for a neighbour in a known one', () => {
    const fs = detectAnomalies(history, [row({ at: TUE_10, sourceIps: ['194.48.248.108'], invocations: 20 })]);
    expect(only(fs, 'new-source-network')[0]?.description).toContain('194.48.248.0/24');
    expect(only(fs, 'new-source-network')[0]?.evidence.sourceIps).toEqual(['194.48.248.108']);
    const neighbour = detectAnomalies(history, [row({ at: TUE_10, sourceIps: ['203.0.113.99'], invocations: 20 })]);
    expect(only(neighbour, 'new-source-network')).toEqual([]);
  });

  it('new source network: an identity that roams over many networks is left alone', () => {
    const roaming = workdays(21).map((r, i) => ({ ...r, sourceIps: [`198.18.${i % 12}.7`] }));
    const fs = detectAnomalies(roaming, [row({ at: TUE_10, sourceIps: ['194.48.248.108'], invocations: 20 })]);
    expect(only(fs, 'new-source-network')).toEqual([]);
  });

  it('new user agent: fires for a new client product, not for an SDK upgrade', () => {
    const fs = detectAnomalies(history, [row({ at: TUE_10, userAgents: ['axios/1.7.4'], invocations: 20 })]);
    expect(only(fs, 'new-user-agent')[0]?.description).toContain('axios');
    const upgrade = detectAnomalies(history, [
      row({ at: TUE_10, userAgents: ['Boto3/1.36.2 md/Botocore#1.36.2 ua/2.0 Botocore/1.36.2'], invocations: 20 }),
    ]);
    expect(only(upgrade, 'new-user-agent')).toEqual([]);
  });

  it('a new value stays new for its first hours, so a probe does not whitelist the abuse that follows', () => {
    const probe = row({ at: TUE_10, sourceIps: ['194.48.248.108'], invocations: 2, errors: 2 });
    const abuse = row({ at: TUE_10 + HOUR, sourceIps: ['194.48.248.108'], invocations: 300 });
    const fs = detectAnomalies(history, [probe, abuse]);
    expect(only(fs, 'new-source-network')[0]?.firstSeen).toBe(new Date(TUE_10 + HOUR).toISOString());
  });
});

describe('long-term key first invocation', () => {
  const CI = `arn:aws:iam::${ACCOUNT}:user/ci-deploy`;
  it('fires for an AKIA key that never invoked in the history held', () => {
    const fs = detectAnomalies(history, [
      row({ at: SAT_03, identity: CI, accessKeyId: 'AKIAEXAMPLELEAKED004', invocations: 3, errors: 2 }),
    ]);
    const [f] = only(fs, 'long-term-key-first-invocation');
    expect(f?.subject).toEqual({ kind: 'access-key', id: 'AKIAEXAMPLELEAKED004', label: CI });
    expect(f?.severity).toBe('high');
    expect(f?.evidence.metrics).toMatchObject({ invocations: 3, errors: 2 });
    expect(f?.remediation).toContain('--user-name ci-deploy --access-key-id AKIAEXAMPLELEAKED004');
  });

  it('does not fire for session keys, for keys that invoked before, or without enough history', () => {
    expect(
      only(
        detectAnomalies(history, [row({ at: SAT_03, identity: APP, accessKeyId: 'ASIAEXAMPLE9' })]),
        'long-term-key-first-invocation',
      ),
    ).toEqual([]);
    expect(only(detectAnomalies(history, [row({ at: TUE_10 })]), 'long-term-key-first-invocation')).toEqual([]);
    const fs = detectAnomalies(workdays(3), [
      row({ at: START + 3 * DAY + 9 * HOUR, accessKeyId: 'AKIANEWKEY000000001' }),
    ]);
    expect(only(fs, 'long-term-key-first-invocation')).toEqual([]);
  });

  it('escalates when the first hour already costs a lot', () => {
    const fs = detectAnomalies(history, [
      row({ at: SAT_03, identity: CI, accessKeyId: 'AKIAEXAMPLELEAKED004', invocations: 500, costUsd: 120 }),
    ]);
    expect(only(fs, 'long-term-key-first-invocation')[0]?.severity).toBe('critical');
  });
});

describe('heavy tokens', () => {
  const heavy = (over: Partial<UsageHour> = {}) =>
    row({ at: TUE_10, model: OPUS, invocations: 20, inputTokens: 20 * 8000, outputTokens: 20 * 1500, ...over });

  it('fires when the average call exceeds the family ceiling with long completions', () => {
    const [f] = only(detectAnomalies(history, [heavy()]), 'heavy-tokens');
    expect(f?.evidence.metrics).toMatchObject({ avgTokens: 9500, avgOutputTokens: 1500, ceiling: 5000 });
  });

  it('does not fire below the ceiling, with short completions, for few calls, or for an identity that is always heavy', () => {
    expect(only(detectAnomalies(history, [heavy({ inputTokens: 20 * 3000 })]), 'heavy-tokens')).toEqual([]);
    expect(
      only(detectAnomalies(history, [heavy({ outputTokens: 20 * 200, inputTokens: 20 * 9000 })]), 'heavy-tokens'),
    ).toEqual([]);
    expect(
      only(
        detectAnomalies(history, [heavy({ invocations: 5, inputTokens: 5 * 8000, outputTokens: 5 * 1500 })]),
        'heavy-tokens',
      ),
    ).toEqual([]);
    const heavyUser = workdays(21, { model: OPUS, inputTokens: 10 * 8000, outputTokens: 10 * 1500, invocations: 10 });
    expect(only(detectAnomalies(heavyUser, [heavy()]), 'heavy-tokens')).toEqual([]);
  });

  it("does not fire for a small step above the identity's own habit", () => {
    const habit = workdays(21, { inputTokens: 10 * 2500, outputTokens: 10 * 500, invocations: 10 });
    const step = row({ at: TUE_10, invocations: 20, inputTokens: 20 * 3500, outputTokens: 20 * 700 });
    expect(only(detectAnomalies(habit, [step]), 'heavy-tokens')).toEqual([]);
    const leap = row({ at: TUE_10, invocations: 20, inputTokens: 20 * 7000, outputTokens: 20 * 1200 });
    expect(only(detectAnomalies(habit, [leap]), 'heavy-tokens')).toHaveLength(1);
  });

  it('uses the family ceiling: the same size is heavy for haiku', () => {
    const h = row({ at: TUE_10, model: HAIKU, invocations: 20, inputTokens: 20 * 2600, outputTokens: 20 * 600 });
    expect(only(detectAnomalies(history, [h]), 'heavy-tokens')[0]?.evidence.metrics?.ceiling).toBe(3000);
  });
});

describe('off-hours bursts', () => {
  it('fires for a burst in an hour of the week the identity never worked', () => {
    const [f] = only(detectAnomalies(history, [row({ at: SAT_03, invocations: 80 })]), 'off-hours-burst');
    expect(f?.description).toContain('no invocation at this hour of the week');
    expect(f?.evidence.metrics?.profile).toBe(2);
  });

  it('does not fire in usual hours, nor for a few late calls', () => {
    expect(only(detectAnomalies(history, [row({ at: TUE_10, invocations: 80 })]), 'off-hours-burst')).toEqual([]);
    expect(only(detectAnomalies(history, [row({ at: SAT_03, invocations: 8 })]), 'off-hours-burst')).toEqual([]);
    // Round-the-clock identities have no off-hours.
    expect(
      only(
        detectAnomalies(allDay(21), [row({ at: SAT_03, identity: APP, invocations: 35, sourceIps: ['10.20.4.17'] })]),
        'off-hours-burst',
      ),
    ).toEqual([]);
  });

  it('uses the daily profile with one to two weeks of history', () => {
    const [f] = only(
      detectAnomalies(workdays(10), [row({ at: START + 12 * DAY + 2 * HOUR, invocations: 80 })]),
      'off-hours-burst',
    );
    expect(f?.description).toContain('at this hour of the day');
    // Saturday 10:00 is a usual hour of the day for a weekday worker: not off-hours yet.
    expect(
      only(
        detectAnomalies(workdays(10), [row({ at: START + 12 * DAY + 10 * HOUR, invocations: 80 })]),
        'off-hours-burst',
      ),
    ).toEqual([]);
  });

  it('does not judge an identity with too little history of its own, unless told to use working hours', () => {
    const newcomer = `arn:aws:iam::${ACCOUNT}:user/newcomer`;
    const night = row({ at: SAT_03, identity: newcomer, accessKeyId: 'AKIANEWCOMER', invocations: 80 });
    const before = row({ at: SAT_03 - 2 * DAY, identity: newcomer, accessKeyId: 'AKIANEWCOMER', invocations: 1 });
    // By default: no rhythm of its own yet, so no verdict (nightly jobs would all be flagged otherwise).
    expect(only(detectAnomalies([...history, before], [night]), 'off-hours-burst')).toEqual([]);
    const defaults = loadAnomalyThresholds();
    const officeHours = { ...defaults, offHours: { ...defaults.offHours, fallbackToWorkingHours: true } };
    // With the fallback on: first seen this very hour is still too new to judge…
    expect(only(detectAnomalies(history, [night], { thresholds: officeHours }), 'off-hours-burst')).toEqual([]);
    // …but two days of history are enough to be judged by office hours.
    const [f] = only(detectAnomalies([...history, before], [night], { thresholds: officeHours }), 'off-hours-burst');
    expect(f?.description).toContain('outside working hours');
    const fridayMorning = { ...night, hour: new Date(SAT_03 - 17 * HOUR).toISOString() };
    expect(
      only(detectAnomalies([...history, before], [fridayMorning], { thresholds: officeHours }), 'off-hours-burst'),
    ).toEqual([]);
  });
});

describe('findings', () => {
  const episode = [
    row({
      at: SAT_03,
      sourceIps: ['194.48.248.108'],
      userAgents: ['axios/1.7.4'],
      model: OPUS,
      region: 'us-west-2',
      invocations: 600,
      costUsd: 140,
    }),
    row({
      at: SAT_03 + HOUR,
      sourceIps: ['194.48.248.108'],
      userAgents: ['axios/1.7.4'],
      model: OPUS,
      region: 'us-west-2',
      invocations: 700,
      costUsd: 160,
    }),
  ];

  it('one finding per anomaly and subject across hours, valid against the Finding schema, stable ids', () => {
    const fs = detectAnomalies(history, episode);
    expect(rules(fs)).toEqual(
      [
        'account-usage-spike',
        'new-model',
        'new-region',
        'new-source-network',
        'new-user-agent',
        'off-hours-burst',
        'usage-spike',
      ].map((k) => `jackstop.anomaly.${k}`),
    );
    for (const f of fs) expect(Finding.parse(f)).toEqual(f);
    const net = only(fs, 'new-source-network')[0]!;
    expect(net.count).toBe(2);
    expect(net.firstSeen).toBe(new Date(SAT_03).toISOString());
    expect(net.lastSeen).toBe(new Date(SAT_03 + HOUR).toISOString());
    expect(detectAnomalies(history, episode).map((f) => f.id)).toEqual(fs.map((f) => f.id));
  });

  it('carries a blast radius for identity findings', () => {
    const fs = detectAnomalies(history, episode);
    const spike = only(fs, 'usage-spike')[0]!;
    expect(spike.blastRadius?.models).toEqual([OPUS, 'anthropic.claude-3-5-sonnet-20240620-v1:0'].sort());
    expect(spike.blastRadius?.regions).toEqual(['us-east-1', 'us-west-2']);
    expect(spike.blastRadius?.maxUsdPerDay).toBeGreaterThan(10_000);
    expect(only(fs, 'account-usage-spike')[0]?.blastRadius).toBeUndefined();
    expect(detectAnomalies(history, episode, { blastRadius: false }).every((f) => f.blastRadius === undefined)).toBe(
      true,
    );
  });

  it('ignores hours after `now`, and drops findings below the configured severity', () => {
    expect(detectAnomalies(history, episode, { now: new Date(SAT_03 - HOUR).toISOString() })).toEqual([]);
    const t = loadAnomalyThresholds();
    const strict = { ...t, report: { ...t.report, minSeverity: 'critical' as const } };
    expect(detectAnomalies(history, episode, { thresholds: strict }).every((f) => f.severity === 'critical')).toBe(
      true,
    );
  });
});

describe('helpers', () => {
  it('networkOf masks IPv4 and IPv6 addresses and leaves other names alone', () => {
    expect(networkOf('194.48.248.108', 24, 48)).toBe('194.48.248.0/24');
    expect(networkOf('035.249.253.232', 16, 48)).toBe('35.249.0.0/16');
    expect(networkOf('2001:db8:abcd:12::1', 24, 48)).toBe('2001:db8:abcd::/48');
    expect(networkOf('bedrock.amazonaws.com', 24, 48)).toBe('bedrock.amazonaws.com');
  });

  it('userAgentFamily drops versions and keeps the product', () => {
    expect(userAgentFamily('Boto3/1.29.7 md/Botocore#1.32.7 ua/2.0')).toBe('boto3');
    expect(userAgentFamily('Python/3.11 aiohttp/3.9.5')).toBe('python aiohttp');
    expect(userAgentFamily('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/131.0')).toBe('browser');
    expect(userAgentFamily('')).toBe('(empty)');
  });
});
