import { describe, expect, it } from 'vitest';
import type { Finding } from '../../domain/index.js';
import type { ModelPrice } from '../../usage/index.js';
import { attachBlastRadius, blastRadius } from './blast-radius.js';
import { ALICE, APP, OPUS, row, SONNET, START } from './hours.testutil.js';

const price = (_provider: string, model: string): ModelPrice | undefined =>
  model.includes('opus')
    ? {
        provider: 'aws',
        model,
        inputPer1k: 0.015,
        outputPer1k: 0.075,
        currency: 'USD',
        source: 'test',
        asOf: '2026-01-01',
      }
    : undefined;

describe('blastRadius', () => {
  const hours = [
    row({ at: START, model: OPUS, region: 'us-east-1' }),
    row({ at: START, model: OPUS, region: 'us-west-2', accessKeyId: 'AKIAOTHER' }),
    row({ at: START, model: SONNET, region: 'us-east-1' }),
    row({ at: START, identity: APP, model: OPUS, region: 'eu-west-3' }),
  ];

  it('multiplies the default TPM quota by a day of minutes and the mean token price, per model and region', () => {
    const b = blastRadius(ALICE, hours, { priceFor: price });
    expect(b.models).toEqual([OPUS, SONNET].sort());
    expect(b.regions).toEqual(['us-east-1', 'us-west-2']);
    // Opus: 800,000 TPM × 1,440 × (0.015 + 0.075) / 2 / 1000 = $51,840 per region; two regions.
    expect(b.maxUsdPerDay).toBe(103_680);
    expect(b.basis).toContain('no price on file for anthropic.claude-3-5-sonnet-20240620-v1:0 in us-east-1');
    expect(b.basis).toContain('docs.aws.amazon.com/general/latest/gr/bedrock.html');
  });

  it('narrows to one key, adds posture-known reach, and is 0 without invocations', () => {
    expect(blastRadius(ALICE, hours, { priceFor: price, accessKeyId: 'AKIAOTHER' })).toMatchObject({
      models: [OPUS],
      regions: ['us-west-2'],
      maxUsdPerDay: 51_840,
    });
    expect(
      blastRadius(ALICE, hours, { priceFor: price, accessKeyId: 'AKIAOTHER', reachable: { regions: ['eu-west-3'] } })
        .maxUsdPerDay,
    ).toBe(103_680);
    const none = blastRadius('arn:aws:iam::1:user/nobody', hours, { priceFor: price });
    expect(none).toMatchObject({ models: [], regions: [], maxUsdPerDay: 0 });
    expect(none.basis).toContain('no model invocation');
  });

  it('uses the usage price table by default', () => {
    const b = blastRadius(ALICE, hours);
    expect(b.maxUsdPerDay).toBeGreaterThan(103_680); // Sonnet is priced there too
  });
});

describe('attachBlastRadius', () => {
  const base: Omit<Finding, 'subject' | 'id'> = {
    kind: 'detection',
    ruleId: 'r',
    title: 't',
    description: '',
    severity: 'high',
    status: 'open',
    assets: [],
    evidence: {
      eventIds: [],
      eventNames: [],
      models: [],
      regions: [],
      sourceIps: [],
      userAgents: [],
      accessKeyIds: [],
      errorCodes: [],
      locations: [],
    },
    firstSeen: '',
    lastSeen: '',
    count: 1,
    remediation: '',
    falsePositives: [],
    references: [],
    mappings: { attack: [], atlas: [], owaspLlm: [], other: [] },
  };
  it('fills identity and key findings with Bedrock activity and leaves the rest alone', () => {
    const hours = [row({ at: START, model: OPUS })];
    const fs: Finding[] = [
      { ...base, id: '1', subject: { kind: 'identity', id: ALICE } },
      { ...base, id: '2', subject: { kind: 'access-key', id: 'AKIAEXAMPLEALICE0001', label: ALICE } },
      { ...base, id: '3', subject: { kind: 'identity', id: APP } },
      { ...base, id: '4', subject: { kind: 'account', id: '111122223333' } },
    ];
    const out = attachBlastRadius(fs, hours, { priceFor: price });
    expect(out.map((f) => f.blastRadius?.maxUsdPerDay)).toEqual([51_840, 51_840, undefined, undefined]);
    expect(fs[0]!.blastRadius).toBeUndefined(); // input untouched
  });
});
