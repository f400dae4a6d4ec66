/**
 * SigmaHQ AWS rules on real CloudTrail detonations (Stratus Red Team). Each expectation is read off
 * the rule's own detection and the records, not taken from an engine run.
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { allRecords, type JsonRecord, SIGMA_DIR, stratus, stratusNames } from './datasets.testutil.js';
import { type CompiledRule, compileRule, loadRules, parseSigma, RuleSet } from './index.js';

const CLOUDTRAIL = { product: 'aws', service: 'cloudtrail' };

let byFile: Map<string, CompiledRule>;
let set: RuleSet;

beforeAll(async () => {
  const { rules } = await loadRules([path.join(SIGMA_DIR, 'cloud')]);
  const compiled = rules.map(compileRule);
  byFile = new Map(compiled.map((c) => [path.basename(c.rule.source.file!, '.yml'), c]));
  set = new RuleSet(compiled);
});

/** The Stratus techniques on which `ruleFile` fires, through the indexed rule set. */
function firesOn(ruleFile: string): string[] {
  const target = byFile.get(ruleFile);
  expect(target, ruleFile).toBeDefined();
  return stratusNames().filter((name) => stratus(name).some((r) => set.match(r, CLOUDTRAIL).includes(target!)));
}

describe('SigmaHQ AWS rules on Stratus Red Team detonations', () => {
  it('aws_cloudtrail_disable_logging (cloudtrail StopLogging/UpdateTrail/DeleteTrail) fires on the trail deletion only', () => {
    // cloudtrail-event-selectors calls PutEventSelectors, which the rule does not list.
    expect(firesOn('aws_cloudtrail_disable_logging')).toEqual(['aws.defense-evasion.cloudtrail-delete']);
  });

  it('aws_iam_backdoor_users_keys fires on every iam CreateAccessKey (its filter compares with a literal text)', () => {
    // The filter `userIdentity.arn|contains: responseElements.accessKey.userName` has no fieldref,
    // so it looks for that literal string in the ARN and never excludes anything.
    expect(firesOn('aws_iam_backdoor_users_keys')).toEqual([
      'aws.persistence.iam-backdoor-user',
      'aws.persistence.iam-create-admin-user',
    ]);
  });

  it('aws_cloudtrail_vpc_flow_logs_deleted fires on DeleteFlowLogs without an error code', () => {
    expect(firesOn('aws_cloudtrail_vpc_flow_logs_deleted')).toEqual(['aws.defense-evasion.vpc-remove-flow-logs']);
  });

  it('aws_new_lambda_layer_attached fires when UpdateFunctionConfiguration* carries layers', () => {
    expect(firesOn('aws_new_lambda_layer_attached')).toEqual(['aws.persistence.lambda-layer-extension']);
  });

  it('aws_cloudtrail_ssm_malicious_usage fires on successful ssm SendCommand', () => {
    expect(firesOn('aws_cloudtrail_ssm_malicious_usage')).toEqual([
      'aws.credential-access.ec2-steal-instance-credentials',
      'aws.execution.ssm-send-command',
    ]);
  });

  it('aws_ec2_startup_script_change does not fire: the user-data change lacks requestParameters.attribute', () => {
    const [change] = stratus('aws.execution.ec2-user-data').filter((r) => r.eventName === 'ModifyInstanceAttribute');
    expect(change?.requestParameters).toMatchObject({ userData: expect.any(String) });
    expect(firesOn('aws_ec2_startup_script_change')).toEqual([]);
    // The same record with the attribute the rule asks for does match.
    const withAttribute = { ...change, requestParameters: { attribute: 'userData', instanceId: 'i-1' } };
    expect(byFile.get('aws_ec2_startup_script_change')!.match(withAttribute)).toBe(true);
  });

  it('aws_sts_assumerole_misuse fires exactly where an assumed role issued by a Role acts', () => {
    const oracle = stratusNames().filter((name) =>
      stratus(name).some((r) => {
        const id = r.userIdentity as { type?: string; sessionContext?: { sessionIssuer?: { type?: string } } };
        return id?.type === 'AssumedRole' && id.sessionContext?.sessionIssuer?.type === 'Role';
      }),
    );
    expect(oracle.length).toBeGreaterThan(2);
    expect(firesOn('aws_sts_assumerole_misuse')).toEqual(oracle);
  });

  it('Azure and GCP rules never fire on CloudTrail records when the logsource is given', () => {
    for (const name of stratusNames()) {
      for (const r of stratus(name)) {
        for (const hit of set.match(r, CLOUDTRAIL)) expect(hit.rule.logsource.product).toBe('aws');
      }
    }
  });

  it('a cidr rule matches the zero-padded addresses of the anonymised exports', () => {
    const [parsed] = parseSigma(`title: from 211.9.16.0/24
logsource: {product: aws, service: cloudtrail}
detection:
    sel:
        sourceIPAddress|cidr: 211.9.16.0/24
    condition: sel
`);
    if (!parsed?.ok) throw new Error('parse');
    const match = compileRule(parsed.rule).match;
    const [record] = stratus('aws.persistence.iam-backdoor-user');
    expect(record?.sourceIPAddress).toBe('211.9.016.253');
    expect(match(record!)).toBe(true);
    expect(stratus('aws.defense-evasion.cloudtrail-delete').some(match)).toBe(false);
  });
});

describe('SigmaHQ Azure and GCP rules on real audit records', () => {
  let records: { azure: JsonRecord[]; gcp: JsonRecord[] };
  beforeAll(() => {
    records = allRecords();
  });

  it('azure_keyvault_modified_or_deleted fires on Key Vault write/delete operations', () => {
    const rule = byFile.get('azure_keyvault_modified_or_deleted')!;
    const hits = records.azure.filter((r) => rule.match(r));
    expect(hits.length).toBeGreaterThan(0);
    for (const r of hits) {
      const op = JSON.stringify(r.operationName ?? '').toUpperCase();
      expect(op).toContain('MICROSOFT.KEYVAULT/VAULTS');
    }
    const unrelated = records.azure.filter(
      (r) =>
        !JSON.stringify(r.operationName ?? '')
          .toUpperCase()
          .includes('KEYVAULT'),
    );
    expect(unrelated.some((r) => rule.match(r))).toBe(false);
  });
});
