import { describe, expect, it } from 'vitest';
import { emptySnapshot, evaluateChecks, mergeSnapshot, parseCheck, type Resource } from '../../posture/index.js';
import { couldNotCheckGroups, type PostureReport, remediationParts, renderPostureTable } from './posture.js';

const CHECK = parseCheck(
  `
id: jackstop.aws.bedrock.guardrail-content
title: Guardrails filter harmful content
cloud: aws
severity: high
resource: aws.bedrock.guardrail
needs: [aws.iam.role]
pass: r.contentPolicy == true
rationale: Jailbreaks.
remediation:
  text: Add a content policy to {{name}} in {{region}} of {{account}}.
  cli: aws bedrock update-guardrail --guardrail-identifier {{id}}
examples:
  pass: [{ attributes: { contentPolicy: true } }]
  fail: [{ attributes: { contentPolicy: false } }]
`,
  'g.yml',
);

function resource(name: string, region = 'us-east-1'): Resource {
  return {
    cloud: 'aws',
    type: 'aws.bedrock.guardrail',
    id: `arn:aws:bedrock:${region}:111111111111:guardrail/${name}`,
    account: '111111111111',
    region,
    name,
    attributes: { contentPolicy: false },
  };
}

function report(resources: Resource[], failedRoles = false): PostureReport {
  const ok = (type: string, region: string) =>
    ({ cloud: 'aws', account: '111111111111', region, type, status: 'ok', count: 1 }) as const;
  const snapshot = mergeSnapshot(emptySnapshot(new Date('2025-01-01T00:00:00Z'), { name: 'J', version: '1' }), {
    accounts: [{ cloud: 'aws', id: '111111111111', regions: ['us-east-1'] }],
    collections: [
      ok('aws.bedrock.guardrail', 'us-east-1'),
      failedRoles
        ? {
            ...ok('aws.iam.role', 'global'),
            status: 'error',
            count: 0,
            error: { code: 'Throttling', message: 'Rate exceeded' },
          }
        : ok('aws.iam.role', 'global'),
    ],
    resources,
  });
  const results = evaluateChecks(snapshot, [CHECK]);
  return {
    tool: { name: 'J', version: '1' },
    generatedAt: '2025-01-01T00:00:00Z',
    snapshot: { file: 's.json', collectedAt: snapshot.collectedAt, accounts: snapshot.accounts },
    checks: [CHECK],
    results,
    findings: [],
    stored: false,
  };
}

describe('renderPostureTable', () => {
  it('never passes control characters from the snapshot to the terminal', () => {
    const text = renderPostureTable(report([resource('evil\x1b[2J\x07name')]), { color: false });
    expect(text.includes('\x1b') || text.includes('\x07')).toBe(false);
    expect(text).toContain('evil?[2J?name');
  });

  it('says so when nothing failed, and when a needed type failed, blocks the whole account', () => {
    const r = report([resource('a')], true);
    const text = renderPostureTable(r, { color: false });
    expect(text).toContain('No failed checks.');
    expect(couldNotCheckGroups(r.results)).toEqual([
      {
        cloud: 'aws',
        account: '111111111111',
        region: 'global',
        reason: 'aws.iam.role could not be collected in 111111111111/global: Throttling: Rate exceeded',
        checks: ['jackstop.aws.bedrock.guardrail-content'],
      },
    ]);
  });

  it('colours only when asked', () => {
    const r = report([resource('a')]);
    expect(renderPostureTable(r, { color: true })).toContain('\x1b[1;31mHIGH');
    expect(renderPostureTable(r, { color: false })).not.toContain('\x1b[');
  });
});

describe('remediationParts', () => {
  it('fills the placeholders of every part', () => {
    expect(remediationParts(CHECK, resource('g9', 'eu-west-3'))).toEqual({
      text: 'Add a content policy to g9 in eu-west-3 of 111111111111.',
      cli: 'aws bedrock update-guardrail --guardrail-identifier arn:aws:bedrock:eu-west-3:111111111111:guardrail/g9',
    });
  });
});
