import { describe, expect, it } from 'vitest';
import { findingId } from '../../domain/index.js';
import { JackstopError } from '../../errors.js';
import { type ComplianceResultInput, OcsfComplianceFinding, toOcsfCompliance } from './compliance.js';

const CTX = { tool: { name: 'Jackstop', version: '0.1.0' }, collectedAt: '2025-01-02T03:04:05Z' };
const ARN = 'arn:aws:bedrock:us-east-1:123456789012:guardrail/abc';

function result(over: Partial<ComplianceResultInput> = {}): ComplianceResultInput {
  return {
    check: {
      id: 'jackstop.aws.bedrock.guardrail-pii',
      title: 'Guardrails filter PII',
      description: 'Prompts carry PII.',
      severity: 'high',
      references: ['https://docs.aws.amazon.com/bedrock/'],
      equivalents: ['prowler:bedrock_guardrail_sensitive_information_filter_enabled'],
    },
    status: 'fail',
    cloud: 'aws',
    account: '123456789012',
    region: 'us-east-1',
    resource: { id: ARN, type: 'aws.bedrock.guardrail', name: 'main' },
    remediation: 'Add a sensitive information filter to main.',
    frameworks: [
      {
        id: 'owasp-llm',
        name: 'OWASP Top 10 for LLM Applications',
        version: '2025',
        requirements: [{ id: 'LLM02', title: 'Sensitive Information Disclosure' }],
      },
    ],
    ...over,
  };
}

/** Emits, and checks each object as a consumer reading the JSON would see it. */
function emit(results: ComplianceResultInput[]) {
  const out = toOcsfCompliance(results, CTX);
  for (const o of out) {
    const parsed = OcsfComplianceFinding.safeParse(JSON.parse(JSON.stringify(o)));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  }
  return out;
}

describe('toOcsfCompliance', () => {
  it('maps a failure to a Compliance Finding with the class, compliance, cloud and remediation', () => {
    const [o] = emit([result()]);
    expect(o).toEqual({
      activity_id: 1,
      activity_name: 'Create',
      category_uid: 2,
      category_name: 'Findings',
      class_uid: 2003,
      class_name: 'Compliance Finding',
      type_uid: 200301,
      type_name: 'Compliance Finding: Create',
      severity_id: 4,
      severity: 'High',
      status_id: 1,
      status: 'New',
      time: Date.UTC(2025, 0, 2, 3, 4, 5),
      message: 'Guardrails filter PII: fail on main (123456789012/us-east-1)',
      metadata: {
        version: '1.7.0',
        product: { name: 'Jackstop', vendor_name: 'Jackstop', version: '0.1.0' },
        uid: expect.stringMatching(/^[0-9a-f]{32}$/),
        profiles: ['cloud'],
      },
      finding_info: {
        uid: findingId('jackstop.aws.bedrock.guardrail-pii', ARN),
        title: 'Guardrails filter PII',
        desc: 'Prompts carry PII.',
        types: ['posture'],
        analytic: {
          uid: 'jackstop.aws.bedrock.guardrail-pii',
          name: 'Guardrails filter PII',
          type_id: 1,
          type: 'Rule',
        },
      },
      compliance: {
        standards: ['OWASP Top 10 for LLM Applications (2025)'],
        requirements: ['owasp-llm LLM02 - Sensitive Information Disclosure'],
        control: 'jackstop.aws.bedrock.guardrail-pii',
        desc: 'Guardrails filter PII',
        status_id: 3,
        status: 'Fail',
        status_code: 'fail',
      },
      cloud: {
        provider: 'AWS',
        region: 'us-east-1',
        account: { uid: '123456789012', type_id: 10, type: 'AWS Account' },
      },
      resources: [
        { uid: ARN, name: 'main', type: 'aws.bedrock.guardrail', region: 'us-east-1', cloud_partition: 'aws' },
      ],
      remediation: {
        desc: 'Add a sensitive information filter to main.',
        references: ['https://docs.aws.amazon.com/bedrock/'],
      },
      unmapped: {
        kind: 'posture',
        resource_type: 'aws.bedrock.guardrail',
        equivalents: ['prowler:bedrock_guardrail_sensitive_information_filter_enabled'],
      },
    });
  });

  it.each([
    ['pass', 1, 'Pass', 1, 'Informational'],
    ['fail', 3, 'Fail', 4, 'High'],
    ['could-not-check', 2, 'Warning', 4, 'High'],
  ] as const)('maps %s to compliance status %i %s, severity %i', (status, id, caption, sev, sevCaption) => {
    const [o] = emit([result({ status, ...(status === 'could-not-check' ? { reason: 'AccessDenied' } : {}) })]);
    expect([o!.compliance.status_id, o!.compliance.status]).toEqual([id, caption]);
    expect([o!.severity_id, o!.severity]).toEqual([sev, sevCaption]);
    // Only failures are workflow items with a fix to apply.
    expect(o!.status_id).toBe(status === 'fail' ? 1 : undefined);
    expect(o!.remediation !== undefined).toBe(status === 'fail');
  });

  it('describes a whole scope that could not be checked, with the reason and no resource', () => {
    const [o] = emit([
      result({
        status: 'could-not-check',
        cloud: 'azure',
        account: '00000000-0000-0000-0000-000000000001',
        region: 'global',
        resource: undefined,
        reason: 'azure.cognitive.account could not be collected: AuthorizationFailed',
        frameworks: [],
      }),
    ]);
    expect(o!.resources).toBeUndefined();
    expect(o!.compliance).toMatchObject({
      standards: ['Jackstop posture checks'],
      status_id: 2,
      status_detail: 'azure.cognitive.account could not be collected: AuthorizationFailed',
    });
    expect(o!.compliance.requirements).toBeUndefined();
    expect(o!.cloud).toEqual({
      provider: 'Azure',
      region: 'global',
      account: { uid: '00000000-0000-0000-0000-000000000001', type_id: 13, type: 'Azure Subscription' },
    });
    expect(o!.finding_info.uid).toBe(
      findingId('jackstop.aws.bedrock.guardrail-pii', 'azure:00000000-0000-0000-0000-000000000001:global'),
    );
  });

  it('names a GCP project as the account and the project', () => {
    const [o] = emit([
      result({
        cloud: 'gcp',
        account: 'my-proj',
        resource: { id: 'projects/my-proj/locations/us-central1/endpoints/1', type: 'gcp.vertex.endpoint' },
      }),
    ]);
    expect(o!.cloud).toEqual({
      provider: 'GCP',
      region: 'us-east-1',
      account: { uid: 'my-proj', type_id: 11, type: 'GCP Project' },
      project_uid: 'my-proj',
    });
    expect(o!.resources![0]).not.toHaveProperty('cloud_partition');
  });

  it('gives a new event uid when the result changes, the same when it does not', () => {
    const a = emit([result()])[0]!.metadata.uid;
    expect(emit([result()])[0]!.metadata.uid).toBe(a);
    expect(emit([result({ status: 'pass' })])[0]!.metadata.uid).not.toBe(a);
  });

  it('throws a JackstopError naming the bad result', () => {
    const bad = { ...result(), status: 'maybe' } as unknown as ComplianceResultInput;
    expect(() => toOcsfCompliance([result(), bad], CTX)).toThrow(JackstopError);
    expect(() => toOcsfCompliance([result(), bad], CTX)).toThrow(/result #1: status/);
    expect(() => toOcsfCompliance([result()], { ...CTX, collectedAt: 'yesterday' })).toThrow(/not a date-time/);
  });
});

describe('the schema', () => {
  const good = () => JSON.parse(JSON.stringify(toOcsfCompliance([result()], CTX)[0]));
  const issues = (value: unknown) => {
    const parsed = OcsfComplianceFinding.safeParse(value);
    return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts what we emit', () => {
    expect(issues(good())).toEqual([]);
  });

  // biome-ignore lint/suspicious/noExplicitAny: the cases reach into parsed JSON to break it.
  it.each<[string, (o: Record<string, any>) => void, string]>([
    ['the Detection Finding class', (o) => (o.class_uid = 2004), 'class_uid'],
    ['a type_uid of another class', (o) => (o.type_uid = 200401), 'type_uid'],
    ['no compliance object', (o) => delete o.compliance, 'compliance'],
    ['a compliance status outside the enum', (o) => (o.compliance.status_id = 4), 'compliance.status_id'],
    ['a compliance caption that does not match', (o) => (o.compliance.status = 'Pass'), 'compliance.status'],
    ['no standards', (o) => (o.compliance.standards = []), 'compliance.standards'],
    ['a cloud without provider', (o) => delete o.cloud.provider, 'cloud.provider'],
    ['the cloud profile not declared', (o) => (o.metadata.profiles = ['host']), 'metadata.profiles'],
    ['a severity caption that does not match', (o) => (o.severity = 'Low'), 'severity'],
    ['a status without its id', (o) => delete o.status_id, 'status'],
    ['no time', (o) => delete o.time, 'time'],
    ['an attribute we do not model', (o) => (o.raw_data = '{}'), 'raw_data'],
  ])('rejects %s', (_name, mutate, where) => {
    const value = good();
    mutate(value);
    const found = issues(value);
    expect(found.length).toBeGreaterThan(0);
    expect(found.join('\n')).toContain(where);
  });
});
