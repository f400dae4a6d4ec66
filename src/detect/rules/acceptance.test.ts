/**
 * Acceptance of the built-in pack against real third-party data in ../shared/datasets (read in
 * place, never copied): Panther's labelled CloudTrail rule tests, the Elastic Bedrock Converse
 * sample, and the Stratus Red Team detonation logs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Detector } from '../detector.js';
import { type CompiledRule, compileRule, parseSigma, RuleSet, type SigmaRule } from '../sigma/index.js';
import { loadBuiltinRules } from './index.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

import { DATASETS } from '../../../test/datasets.js';

const PANTHER_DIR = path.join(DATASETS, 'cloudtrail/panther-rule-tests');
const SIGMAHQ_DIR = path.join(DATASETS, 'sigma/cloud/aws/cloudtrail');
const STRATUS_DIR = path.join(DATASETS, 'cloudtrail/stratus-red-team');
const ELASTIC_CONVERSE = path.join(DATASETS, 'cloudtrail/elastic-integrations/test-converse-json.log');

type Rec = Record<string, unknown>;

const pack = await loadBuiltinRules();
// Per-record rules only: correlations and their helper rules (same file) run in the Detector tests below.
const correlationFiles = new Set(pack.rules.filter((r) => r.kind === 'correlation').map((r) => r.source.file));
const packCompiled = pack.rules
  .filter((r) => r.kind === 'detection' && !correlationFiles.has(r.source.file))
  .map((r) => compileRule(r));
const packSet = new RuleSet(packCompiled);

function sigmaHqRules(): SigmaRule[] {
  const out: SigmaRule[] = [];
  for (const f of readdirSync(SIGMAHQ_DIR)
    .filter((n) => n.endsWith('.yml'))
    .sort()) {
    const file = path.join(SIGMAHQ_DIR, f);
    for (const r of parseSigma(readFileSync(file, 'utf8'), { file })) if (r.ok) out.push(r.rule);
  }
  return out;
}

/** Compiled rules by the id users see: pack rules by name, SigmaHQ rules by id. */
const compiledById = new Map<string, CompiledRule>();
for (const c of packCompiled) compiledById.set(c.rule.name!, c);
for (const r of sigmaHqRules()) {
  try {
    compiledById.set(r.id, compileRule(r));
  } catch {
    // A SigmaHQ rule the engine refuses simply cannot be used for coverage; the mapping check below says so.
  }
}

/** Names of the pack rules that fire on a record. */
function packHits(record: Rec): string[] {
  return [...new Set(packSet.match(record).map((c) => c.rule.name!))].sort();
}

// ───────────────────────────────────────────────────────────────────────────── Panther

const Coverage = z.strictObject({
  coverage: z.array(
    z.strictObject({
      // `<dir>/<file>` for Azure, GCP and OpenAI rule tests under cloud-audit/ (test/acceptance/cloud-audit.test.ts).
      file: z.string().regex(/^(?:[a-z_]+\/)?[a-z0-9_]+\.yml$/),
      panther: z.string(),
      rules: z.array(z.string()).min(1),
      reason: z.string().min(10),
      exceptions: z.array(z.strictObject({ test: z.string(), reason: z.string().min(10) })).default([]),
    }),
  ),
});
const coverage = Coverage.parse(
  parseYaml(readFileSync(path.join(HERE, 'panther-coverage.yml'), 'utf8')),
).coverage.filter((c) => !c.file.includes('/')); // the CloudTrail entries; the others are checked with their sources

const PantherFile = z.object({
  RuleID: z.string(),
  Tests: z
    .array(z.object({ Name: z.string(), ExpectedResult: z.boolean(), Log: z.record(z.string(), z.unknown()) }))
    .default([]),
});
const pantherFiles = readdirSync(PANTHER_DIR)
  .filter((f) => f.endsWith('.yml'))
  .sort()
  .map((file) => ({ file, ...PantherFile.parse(parseYaml(readFileSync(path.join(PANTHER_DIR, file), 'utf8'))) }));
const pantherByFile = new Map(pantherFiles.map((p) => [p.file, p]));

describe('Panther rule tests covered by the pack or SigmaHQ (panther-coverage.yml)', () => {
  it('maps existing Panther files to rules that exist and compile, each file once', () => {
    expect(new Set(coverage.map((c) => c.file)).size).toBe(coverage.length);
    for (const entry of coverage) {
      const panther = pantherByFile.get(entry.file);
      expect(panther, entry.file).toBeDefined();
      expect(panther?.RuleID).toBe(entry.panther);
      for (const id of entry.rules) expect(compiledById.has(id), `${entry.file}: rule ${id}`).toBe(true);
      const names = new Set(panther?.Tests.map((t) => t.Name));
      for (const ex of entry.exceptions) expect(names.has(ex.test), `${entry.file}: exception ${ex.test}`).toBe(true);
    }
  });

  it('covers the Bedrock guardrail rule with the pack guardrail rules', () => {
    const entry = coverage.find((c) => c.file === 'aws_bedrock_guardrail_update_delete.yml');
    expect(entry?.rules).toEqual(['jackstop.aws.bedrock.guardrail-deleted', 'jackstop.aws.bedrock.guardrail-updated']);
    expect(entry?.exceptions).toEqual([]);
  });

  const cases = coverage.flatMap((entry) =>
    (pantherByFile.get(entry.file)?.Tests ?? []).map((t) => {
      const exception = entry.exceptions.find((e) => e.test === t.Name);
      return { label: `${entry.panther} / ${t.Name}`, entry, test: t, exception };
    }),
  );

  it.each(cases)('$label', ({ entry, test, exception }) => {
    const hits = entry.rules.filter((id) => compiledById.get(id)?.match(test.Log));
    const expected = exception ? !test.ExpectedResult : test.ExpectedResult;
    if (expected)
      expect(hits.length, `no mapped rule matched (exception: ${exception?.reason ?? 'none'})`).toBeGreaterThan(0);
    else expect(hits, `mapped rules matched (exception: ${exception?.reason ?? 'none'})`).toEqual([]);
  });

  it('covers 10 Panther files and 26 labelled events, 4 of them as documented exceptions', () => {
    expect(coverage).toHaveLength(10);
    expect(cases).toHaveLength(26);
    expect(cases.filter((c) => c.exception)).toHaveLength(4);
    expect(cases.filter((c) => !c.exception && c.entry.rules.some((r) => r.startsWith('jackstop.')))).toHaveLength(7);
  });

  it('fires on no other event of the whole Panther corpus (333 labelled events)', () => {
    expect(pantherFiles).toHaveLength(102);
    expect(pantherFiles.flatMap((p) => p.Tests)).toHaveLength(333);
    // Every pack hit across the whole Panther corpus (covered or not), by file and test.
    const hits: Record<string, string[]> = {};
    for (const p of pantherFiles) {
      for (const t of p.Tests) {
        const fired = packHits(t.Log);
        if (fired.length > 0) hits[`${p.file} / ${t.Name}`] = fired;
      }
    }
    expect(hits).toEqual({
      // The Bedrock guardrail events: the pack's own coverage above.
      'aws_bedrock_guardrail_update_delete.yml / Guardrail Updated': ['jackstop.aws.bedrock.guardrail-updated'],
      'aws_bedrock_guardrail_update_delete.yml / Guardrail Deleted': ['jackstop.aws.bedrock.guardrail-deleted'],
      // AWS quarantining a leaked key (covered above).
      'aws_iam_compromised_key_quarantine.yml / AttachUserPolicy AWSCompromisedKeyQuarantineV2-true': [
        'jackstop.aws.bedrock.compromised-key-quarantine',
      ],
      'aws_key_compromised.yml / An AWS IAM Access Key was Compromised': [
        'jackstop.aws.bedrock.compromised-key-quarantine',
      ],
    });
  });
});

// ───────────────────────────────────────────────────────────────────────────── Elastic Converse

describe('Elastic Bedrock Converse sample (benign EC2 instance role, Boto3)', () => {
  const record = JSON.parse(readFileSync(ELASTIC_CONVERSE, 'utf8').trim()) as Rec;

  it('is the record we think it is', () => {
    expect(record.eventSource).toBe('bedrock.amazonaws.com');
    expect(record.eventName).toBe('Converse');
    expect((record.userIdentity as Rec).type).toBe('AssumedRole');
    expect(String(record.userAgent)).toMatch(/^Boto3\//);
  });

  it('raises nothing: a role session invoking a model with an AWS SDK is normal use', () => {
    expect(packHits(record)).toEqual([]);
    const detector = new Detector(pack.rules);
    detector.observe(record);
    expect(detector.results()).toEqual([]);
  });
});

// ───────────────────────────────────────────────────────────────────────────── Stratus Red Team

/**
 * Pack rules expected to fire per Stratus detonation log. None of the 26 detonations touches
 * Bedrock, so the Bedrock rules (probe, discovery, enablement, scripting user agent …) must stay
 * silent although every event carries the stratus-red-team_ user agent.
 */
const STRATUS_EXPECTED: Record<string, string[]> = {
  // GetCallerIdentity with the long-term key AKIAE18PGYHCY2CYMTFK and the stratus-red-team_ user agent:
  // the key-validation step LLMjacking checkers (and this attack simulation) start with.
  'aws.persistence.iam-create-user-login-profile.json': ['jackstop.aws.bedrock.key-validation-recon'],
};

describe('Stratus Red Team detonations (no Bedrock technique among them)', () => {
  const files = readdirSync(STRATUS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();

  it('reads all 26 detonation logs', () => {
    expect(files).toHaveLength(26);
  });

  it.each(files)('%s', (file) => {
    const events = JSON.parse(readFileSync(path.join(STRATUS_DIR, file), 'utf8')) as Rec[];
    expect(events.length).toBeGreaterThan(0);
    const fired = [...new Set(events.flatMap(packHits))].sort();
    expect(fired).toEqual(STRATUS_EXPECTED[file] ?? []);
  });
});

// ───────────────────────────────────────────────────────────────────────────── other real corpora

describe('other real CloudTrail corpora without Bedrock activity', () => {
  const CT = path.join(DATASETS, 'cloudtrail');
  const corpora: [string, () => Rec[]][] = [
    // SSRF through an EC2 reverse proxy, stolen instance-role credentials, S3 exfiltration (NDJSON).
    [
      'otrf/ec2_proxy_s3_exfiltration',
      () =>
        readFileSync(path.join(CT, 'otrf/ec2_proxy_s3_exfiltration_2020-09-14011940.json'), 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '')
          .map((l) => JSON.parse(l) as Rec),
    ],
    // Real 2022 Stratus detonations exported from Datadog ({"Records": [...]}).
    ...readdirSync(path.join(CT, 'cloudtrail2sightings')).map((f): [string, () => Rec[]] => [
      `cloudtrail2sightings/${f}`,
      () => (JSON.parse(readFileSync(path.join(CT, 'cloudtrail2sightings', f), 'utf8')) as { Records: Rec[] }).Records,
    ]),
    // Panther's compromised-root-credentials and enrichment stories (YAML `Logs:`).
    ...readdirSync(path.join(CT, 'panther-test-scenarios')).map((f): [string, () => Rec[]] => [
      `panther-test-scenarios/${f}`,
      () => (parseYaml(readFileSync(path.join(CT, 'panther-test-scenarios', f), 'utf8')) as { Logs: Rec[] }).Logs,
    ]),
  ];

  it.each(corpora)('%s: no pack rule fires', (_name, read) => {
    const events = read();
    expect(events.length).toBeGreaterThan(0);
    expect([...new Set(events.flatMap(packHits))]).toEqual([]);
  });
});

// ───────────────────────────────────────────────────────────────── Stratus aws.impact.bedrock-invoke-model

/**
 * The Stratus Bedrock detonation rebuilt from research note §1.11 D (the capture itself is held
 * back): an assumed-role ASIA session with the stratus-red-team_ user agent checks availability,
 * enables Claude 3 Sonnet through the model-access APIs, polls, then invokes it successfully.
 */
function stratusBedrockDetonation(identity?: Rec): Rec[] {
  const model = 'anthropic.claude-3-sonnet-20240229-v1:0';
  const region = 'megov-northeast-1r';
  const role: Rec = identity ?? {
    accessKeyId: 'ASIA6FTSFH98XNF7DFZB',
    accountId: '494659789341',
    arn: 'arn:aws:sts::494659789341:assumed-role/test-role/cli',
    principalId: 'AROA2N7TQQRGKJYPCLOG0:cli',
    sessionContext: {
      attributes: { creationDate: '2024-10-17T20:07:50Z', mfaAuthenticated: 'false' },
      sessionIssuer: {
        accountId: '494659789341',
        arn: 'arn:aws:iam::494659789341:role/test-role',
        principalId: 'AROA2N7TQQRGKJYPCLOG0',
        type: 'Role',
        userName: 'test-role',
      },
    },
    type: 'AssumedRole',
  };
  let n = 0;
  const event = (time: string, name: string, over: Rec): Rec => ({
    awsRegion: region,
    eventCategory: 'Management',
    eventID: `51d580ea-04f5-421c-b733-${String(++n).padStart(12, '0')}`,
    eventName: name,
    eventSource: 'bedrock.amazonaws.com',
    eventTime: time,
    eventType: 'AwsApiCall',
    eventVersion: '1.09',
    managementEvent: true,
    readOnly: true,
    recipientAccountId: '494659789341',
    requestID: `021634af-f7c2-48a2-b140-${String(n).padStart(12, '0')}`,
    requestParameters: { modelId: model },
    responseElements: null,
    sourceIPAddress: '035.249.253.232',
    tlsDetails: {
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: `bedrock.${region}.amazonaws.com`,
      tlsVersion: 'TLSv1.3',
    },
    userAgent: 'stratus-red-team_e0cb7ef1-0d48-463f-8988-277de94752b6',
    userIdentity: role,
    ...over,
  });
  const events = [
    event('2024-10-17T20:09:50Z', 'GetFoundationModelAvailability', {}),
    event('2024-10-17T20:09:50Z', 'ListFoundationModelAgreementOffers', {}),
    event('2024-10-17T20:09:50Z', 'PutUseCaseForModelAccess', { readOnly: false, requestParameters: null }),
    event('2024-10-17T20:09:51Z', 'CreateFoundationModelAgreement', {
      readOnly: false,
      responseElements: { modelId: 'anthropic.claude-3-sonnet-20240229-v1' },
    }),
    event('2024-10-17T20:09:52Z', 'PutFoundationModelEntitlement', {
      readOnly: false,
      responseElements: { status: 'SUCCESS' },
    }),
  ];
  // Nine availability polls every ten seconds, 20:10:02 to 20:11:22.
  for (let i = 0; i < 9; i++) {
    const time = new Date(Date.parse('2024-10-17T20:10:02Z') + i * 10_000).toISOString().replace('.000Z', 'Z');
    events.push(event(time, 'GetFoundationModelAvailability', {}));
  }
  events.push(
    event('2024-10-17T20:11:24Z', 'InvokeModel', {
      eventVersion: '1.10',
      tlsDetails: {
        cipherSuite: 'TLS_AES_128_GCM_SHA256',
        clientProvidedHostHeader: `bedrock-runtime.${region}.amazonaws.com`,
        tlsVersion: 'TLSv1.3',
      },
    }),
  );
  return events;
}

describe('Stratus aws.impact.bedrock-invoke-model (rebuilt from the research note)', () => {
  function findings(events: Rec[]): Record<string, { count: number; severity: string }> {
    const detector = new Detector(pack.rules);
    events.forEach((e, i) => {
      detector.observe(e, { file: 'stratus-bedrock.json', record: i });
    });
    return Object.fromEntries(
      detector.results().map((r) => [r.finding.ruleId, { count: r.finding.count, severity: r.finding.severity }]),
    );
  }

  it('has the 15 events of the capture, in order', () => {
    const events = stratusBedrockDetonation();
    expect(events).toHaveLength(15);
    expect(events.filter((e) => e.eventName === 'GetFoundationModelAvailability')).toHaveLength(10);
    expect(events.at(-1)?.eventName).toBe('InvokeModel');
    expect(events.slice(5, 14).map((e) => e.eventTime)).toEqual([
      '2024-10-17T20:10:02Z',
      '2024-10-17T20:10:12Z',
      '2024-10-17T20:10:22Z',
      '2024-10-17T20:10:32Z',
      '2024-10-17T20:10:42Z',
      '2024-10-17T20:10:52Z',
      '2024-10-17T20:11:02Z',
      '2024-10-17T20:11:12Z',
      '2024-10-17T20:11:22Z',
    ]);
  });

  it('raises the programmatic model-enablement and scripting-client findings', () => {
    expect(findings(stratusBedrockDetonation())).toEqual({
      // the whole chain in order for one key: last discovery, last enablement step, the invocation
      'jackstop.aws.bedrock.discover-enable-invoke': { count: 3, severity: 'critical' },
      'jackstop.aws.bedrock.model-access-programmatic': { count: 4, severity: 'medium' },
      'jackstop.aws.bedrock.scripting-user-agent': { count: 15, severity: 'medium' },
    });
  });

  it('raises high-severity findings when the same steps run on a long-term access key', () => {
    const user = {
      type: 'IAMUser',
      principalId: 'AIDAWVCXQ27A1H7FID62',
      arn: 'arn:aws:iam::494659789341:user/christophe',
      accountId: '494659789341',
      accessKeyId: 'AKIAE18PGYHCY2CYMTFK',
      userName: 'christophe',
    };
    expect(findings(stratusBedrockDetonation(user))).toEqual({
      'jackstop.aws.bedrock.discover-enable-invoke': { count: 3, severity: 'critical' },
      'jackstop.aws.bedrock.model-access-long-term-key': { count: 4, severity: 'high' },
      'jackstop.aws.bedrock.model-discovery-long-term-key': { count: 10, severity: 'low' },
      'jackstop.aws.bedrock.scripting-user-agent': { count: 15, severity: 'medium' },
    });
  });
});
