import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Log, Result, Run } from 'sarif';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DATASETS,
  findingsFromStratus,
  makeContext,
  makeFinding,
  RULE,
  sarifValidator,
} from '../../../test/fixtures/export/findings.js';
import { SEVERITIES, type Severity } from '../../domain/index.js';
import { JackstopError } from '../../errors.js';
import { toSarif } from './index.js';

let validate: ReturnType<typeof sarifValidator>;
beforeAll(() => {
  validate = sarifValidator();
});

/** Validates the log as it would be written (through JSON) and returns its only run. */
function validRun(log: Log): Run {
  const json = JSON.parse(JSON.stringify(log));
  const { valid, errors } = validate(json);
  expect(errors).toEqual([]);
  expect(valid).toBe(true);
  expect(log.runs).toHaveLength(1);
  return log.runs[0]!;
}

function onlyResult(run: Run): Result {
  expect(run.results).toHaveLength(1);
  return run.results![0]!;
}

const STRATUS_FILES = readdirSync(path.join(DATASETS, 'cloudtrail/stratus-red-team')).filter((f) =>
  f.endsWith('.json'),
);

describe('SARIF schema validity', () => {
  it('holds for zero findings, keeping the rules, the invocation and the inputs', () => {
    const run = validRun(toSarif([], makeContext()));
    expect(run.results).toEqual([]);
    expect(run.tool.driver.rules!.map((r) => r.id)).toEqual([RULE.id]);
    expect(run.invocations).toHaveLength(1);
    expect(run.artifacts).toEqual([{ location: { uri: 'logs/trail.json' }, roles: ['analysisTarget'] }]);
  });

  it('holds for one finding', () => {
    validRun(toSarif([makeFinding()], makeContext()));
  });

  it('holds for the findings of every Stratus Red Team detonation log', () => {
    const findings = STRATUS_FILES.flatMap((file) => findingsFromStratus(file, `stratus.${file}`));
    expect(findings.length).toBeGreaterThanOrEqual(STRATUS_FILES.length);
    const run = validRun(toSarif(findings, makeContext({ rules: [] })));
    expect(run.results).toHaveLength(findings.length);
    expect(run.tool.driver.rules).toHaveLength(STRATUS_FILES.length);
  });

  it('holds for every location form', () => {
    const locations = [
      'logs/trail.json',
      'logs/trail.json:12',
      'logs/trail.json:12:5',
      'logs/trail.json#3',
      'logs/trail.json:0',
      '/var/log/ct/x.json:2',
      's3://bucket/AWSLogs/123456789012/CloudTrail/us-east-1/2024/10/01/x.json.gz#7',
      'C:\\logs\\ct.json:9:1',
      '-#4',
      '-',
    ];
    const run = validRun(toSarif([makeFinding({ evidence: { locations } })], makeContext()));
    expect(run.results![0]!.relatedLocations).toHaveLength(7);
  });

  it('holds for unicode and very long values', () => {
    const long = 'λ'.repeat(20_000);
    const finding = makeFinding({
      title: `Модель вызвана 🚀 ${long}`,
      description: `説明\u2028${long}`,
      subject: { kind: 'identity', id: `arn:aws:iam::123456789012:user/${'ü'.repeat(5000)}`, label: '用户 👤' },
      evidence: {
        userAgents: [`Mozilla/5.0 ${'x'.repeat(50_000)}`],
        locations: [`logs/${'é'.repeat(3000)}.json:1`, `s3://bücket/ключ ${long}.json#0`],
        models: ['模型'],
      },
      remediation: `**Rotate** <keys> & "quotes" \\ ${long}`,
      falsePositives: ['\u0000 control \u001f chars'],
    });
    const ctx = makeContext({ rules: [{ ...RULE, title: '🚀🚀', description: long }] });
    const run = validRun(toSarif([finding], ctx));
    // No ASCII letters in the title: the name comes from the rule id.
    expect(run.tool.driver.rules![0]!.name).toBe('JackstopBedrockInvokeFromNewIp');
    expect(run.results![0]!.message.text).toContain('用户 👤');
  });

  it('the validator rejects invalid documents', () => {
    const good = JSON.parse(JSON.stringify(toSarif([makeFinding()], makeContext())));
    expect(validate(good).valid).toBe(true);

    const badLevel = structuredClone(good);
    badLevel.runs[0].results[0].level = 'critical';
    expect(validate(badLevel).valid).toBe(false);

    const noMessage = structuredClone(good);
    delete noMessage.runs[0].results[0].message;
    expect(validate(noMessage).valid).toBe(false);

    const badVersion = structuredClone(good);
    badVersion.version = '2.0.0';
    expect(validate(badVersion).valid).toBe(false);

    const badUri = structuredClone(good);
    badUri.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = 'logs/a b.json';
    expect(validate(badUri).valid).toBe(false);

    const badLine = structuredClone(good);
    badLine.runs[0].results[0].locations[0].physicalLocation.region = { startLine: 0 };
    expect(validate(badLine).valid).toBe(false);
  });
});

describe('tool and rules', () => {
  it('describes the driver and each rule for code-scanning UIs', () => {
    const run = validRun(toSarif([makeFinding()], makeContext()));
    const driver = run.tool.driver;
    expect(driver).toMatchObject({
      name: 'jackstop',
      version: '0.1.0',
      semanticVersion: '0.1.0',
      informationUri: 'https://github.com/jackstop/jackstop',
    });
    expect(driver.rules![0]).toEqual({
      id: RULE.id,
      name: 'BedrockModelInvokedFromANewIPAddress',
      shortDescription: { text: RULE.title },
      fullDescription: { text: RULE.description },
      help: {
        text: [
          RULE.description,
          'Remediation: Deactivate the access key and review the principal.',
          'False positives:\n- A developer testing from a new network.',
          'References:\n- see the runbook\n- https://attack.mitre.org/techniques/T1496/004/',
        ].join('\n\n'),
        markdown: [
          RULE.description,
          '**Remediation**\n\nDeactivate the access key and review the principal.',
          '**False positives**\n\n- A developer testing from a new network.',
          '**References**\n\n- see the runbook\n- https://attack.mitre.org/techniques/T1496/004/',
        ].join('\n\n'),
      },
      // The first reference that is a URL, not "see the runbook".
      helpUri: 'https://attack.mitre.org/techniques/T1496/004/',
      defaultConfiguration: { level: 'error' },
      properties: {
        tags: ['attack.impact', 'attack.t1496.004', 'atlas.aml.t0034', 'llmjacking', 'security'],
        'security-severity': '8.0',
        severity: 'high',
        author: 'Jackstop',
        source: 'rules/pack/bedrock-new-ip.yml',
      },
    });
  });

  it.each<[Severity, string, string]>([
    ['critical', 'error', '9.5'],
    ['high', 'error', '8.0'],
    ['medium', 'warning', '5.5'],
    ['low', 'note', '3.0'],
    ['info', 'note', '1.0'],
  ])('maps severity %s to level %s and security-severity %s', (severity, level, score) => {
    const ctx = makeContext({ rules: [{ ...RULE, severity }] });
    const run = validRun(toSarif([makeFinding({ severity })], ctx));
    expect(run.tool.driver.rules![0]!.defaultConfiguration).toEqual({ level });
    expect(run.tool.driver.rules![0]!.properties!['security-severity']).toBe(score);
    expect(onlyResult(run).level).toBe(level);
  });

  it('covers every severity the domain defines', () => {
    expect([...SEVERITIES].sort()).toEqual(['critical', 'high', 'info', 'low', 'medium']);
  });

  it('makes a rule from the finding when the context lacks it, and points ruleIndex at it', () => {
    const other = makeFinding({ ruleId: 'adhoc.rule', title: 'Ad hoc: région ünusual', severity: 'low' });
    const run = validRun(toSarif([makeFinding(), other], makeContext()));
    const rules = run.tool.driver.rules!;
    expect(rules.map((r) => r.id)).toEqual([RULE.id, 'adhoc.rule']);
    expect(rules[1]).toMatchObject({
      name: 'AdHocRegionUnusual',
      shortDescription: { text: 'Ad hoc: région ünusual' },
      defaultConfiguration: { level: 'note' },
      properties: { tags: ['attack.t1496.004', 'attack.impact', 'AML.T0034', 'security'] },
    });
    expect(run.results!.map((r) => [r.ruleId, r.ruleIndex])).toEqual([
      [RULE.id, 0],
      ['adhoc.rule', 1],
    ]);
  });

  it('leaves out helpUri when no reference is a URL and falls back to the id for a name', () => {
    const ctx = makeContext({ rules: [{ ...RULE, title: '検出', references: ['internal wiki'] }] });
    const rule = validRun(toSarif([], ctx)).tool.driver.rules![0]!;
    expect(rule.helpUri).toBeUndefined();
    expect(rule.name).toBe('JackstopBedrockInvokeFromNewIp');
  });
});

describe('results', () => {
  it('maps a finding to a result with locations, fingerprint and properties', () => {
    const f = makeFinding();
    const result = onlyResult(validRun(toSarif([f], makeContext())));
    expect(result).toEqual({
      ruleId: RULE.id,
      ruleIndex: 0,
      level: 'error',
      message: {
        text:
          'Bedrock model invoked from a new IP address: alice (arn:aws:iam::123456789012:user/alice), ' +
          '2 events from 2024-10-01T10:00:00.000Z to 2024-10-01T10:05:00.000Z; ' +
          'models: anthropic.claude-3-sonnet-20240229-v1:0; regions: us-east-1.',
      },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri: 'logs/trail.json', index: 0 } },
          logicalLocations: [
            { name: 'alice', fullyQualifiedName: 'arn:aws:iam::123456789012:user/alice', kind: 'principal' },
          ],
          properties: { record: 0 },
        },
      ],
      relatedLocations: [
        {
          id: 1,
          physicalLocation: { artifactLocation: { uri: 'logs/trail.json', index: 0 } },
          properties: { record: 1 },
        },
      ],
      partialFingerprints: { 'jackstop/v1': f.id },
      properties: {
        findingId: f.id,
        kind: 'detection',
        status: 'open',
        severity: 'high',
        count: 2,
        firstSeen: '2024-10-01T10:00:00.000Z',
        lastSeen: '2024-10-01T10:05:00.000Z',
        subject: { kind: 'identity', id: 'arn:aws:iam::123456789012:user/alice', label: 'alice' },
        models: ['anthropic.claude-3-sonnet-20240229-v1:0'],
        regions: ['us-east-1'],
        sourceIps: ['203.0.113.7'],
        userAgents: ['aws-sdk-js/3.600.0'],
        accessKeyIds: ['AKIAEXAMPLE000000001'],
        eventIds: ['e1', 'e2'],
        eventNames: ['InvokeModel'],
        errorCodes: [],
        locations: ['logs/trail.json#0', 'logs/trail.json#1'],
        tags: ['attack.impact', 'attack.t1496.004', 'atlas.aml.t0034', 'llmjacking', 'AML.T0034'],
      },
    });
  });

  it('gives regions for lines and columns, file URIs for absolute paths, and keeps s3 URIs', () => {
    const locations = ['/var/log/ct.json:12:5', 's3://trail-bucket/AWSLogs/x.json.gz#7', 'C:\\logs\\ct.json:3'];
    const result = onlyResult(validRun(toSarif([makeFinding({ evidence: { locations } })], makeContext())));
    const all = [result.locations![0]!, ...result.relatedLocations!];
    expect(
      all.map((l) => [l.physicalLocation?.artifactLocation?.uri, l.physicalLocation?.region, l.properties]),
    ).toEqual([
      ['file:///var/log/ct.json', { startLine: 12, startColumn: 5 }, undefined],
      ['s3://trail-bucket/AWSLogs/x.json.gz', undefined, { record: 7 }],
      ['file:///C:/logs/ct.json', { startLine: 3 }, undefined],
    ]);
  });

  it('keeps only the logical location when the events came from stdin', () => {
    const result = onlyResult(
      validRun(toSarif([makeFinding({ evidence: { locations: ['-#0', '-#5'] } })], makeContext())),
    );
    expect(result.locations).toEqual([
      {
        logicalLocations: [
          { name: 'alice', fullyQualifiedName: 'arn:aws:iam::123456789012:user/alice', kind: 'principal' },
        ],
      },
    ]);
    expect(result.relatedLocations).toBeUndefined();
  });

  it.each([
    ['access-key', 'credential'],
    ['model', 'model'],
    ['account', 'account'],
  ] as const)('names a %s subject with logical kind %s', (kind, logicalKind) => {
    const result = onlyResult(validRun(toSarif([makeFinding({ subject: { kind, id: 'X-1' } })], makeContext())));
    expect(result.locations![0]!.logicalLocations).toEqual([
      { name: 'X-1', fullyQualifiedName: 'X-1', kind: logicalKind },
    ]);
  });

  it('lists each artifact once, inputs first, and every artifactLocation index points at its URI', () => {
    const findings = [
      makeFinding({ evidence: { locations: ['b.json#0', 'logs/trail.json#2'] } }),
      makeFinding({ ruleId: 'r2', evidence: { locations: ['b.json:4', 'c d.json#1'] } }),
    ];
    const ctx = makeContext({
      run: { ...makeContext().run!, inputs: ['logs/trail.json', 'b.json', 'logs/trail.json', '-'] },
    });
    const run = validRun(toSarif(findings, ctx));
    expect(run.artifacts!.map((a) => a.location!.uri)).toEqual(['logs/trail.json', 'b.json', 'c%20d.json']);
    for (const result of run.results!) {
      for (const loc of [...result.locations!, ...(result.relatedLocations ?? [])]) {
        const artifact = loc.physicalLocation!.artifactLocation!;
        expect(run.artifacts![artifact.index!]!.location!.uri).toBe(artifact.uri);
      }
    }
  });

  it('marks suppressed findings as suppressed', () => {
    const result = onlyResult(validRun(toSarif([makeFinding({ status: 'suppressed' })], makeContext())));
    expect(result.suppressions).toEqual([{ kind: 'external', status: 'accepted' }]);
    expect(onlyResult(validRun(toSarif([makeFinding()], makeContext()))).suppressions).toBeUndefined();
  });

  it('keeps the same fingerprint and output for the same finding across runs', () => {
    const first = JSON.stringify(toSarif([makeFinding()], makeContext()));
    const second = JSON.stringify(toSarif([makeFinding()], makeContext()));
    expect(second).toBe(first);
    const other = onlyResult(
      toSarif([makeFinding({ subject: { kind: 'identity', id: 'arn:other' } })], makeContext()).runs[0]!,
    );
    expect(other.partialFingerprints!['jackstop/v1']).not.toBe(makeFinding().id);
  });
});

describe('invocation', () => {
  it('records start, end, success and the run summary', () => {
    const run = validRun(toSarif([], makeContext()));
    expect(run.invocations).toEqual([
      {
        executionSuccessful: true,
        startTimeUtc: '2024-10-01T11:00:00.000Z',
        endTimeUtc: '2024-10-01T11:00:02.500Z',
        properties: { events: 2, badInputs: 0, inputs: ['logs/trail.json'] },
      },
    ]);
  });

  it('warns about skipped bad input records', () => {
    const ctx = makeContext({ run: { ...makeContext().run!, badInputs: 3 } });
    const notifications = validRun(toSarif([], ctx)).invocations![0]!.toolExecutionNotifications;
    expect(notifications).toEqual([
      { level: 'warning', message: { text: '3 input records could not be read and were skipped.' } },
    ]);
  });

  it('still has an invocation without run information', () => {
    const { run: _run, ...ctx } = makeContext();
    const run = validRun(toSarif([makeFinding()], ctx));
    expect(run.invocations).toEqual([{ executionSuccessful: true }]);
    expect(run.artifacts!.map((a) => a.location!.uri)).toEqual(['logs/trail.json']);
  });
});

describe('bad input', () => {
  it('names the finding that cannot be exported', () => {
    const bad = makeFinding({ firstSeen: 'not a time' });
    expect(() => toSarif([makeFinding(), bad], makeContext())).toThrow(JackstopError);
    try {
      toSarif([makeFinding(), bad], makeContext());
    } catch (e) {
      expect((e as JackstopError).code).toBe('JACKSTOP_EXPORT_ERROR');
      expect((e as JackstopError).location).toEqual({ record: 1 });
    }
  });

  it('rejects a context whose informationUri would make the log invalid', () => {
    const ctx = makeContext({ tool: { name: 'jackstop', version: '1', informationUri: 'not a uri' } });
    expect(() => toSarif([], ctx)).toThrow(/informationUri/);
  });
});
