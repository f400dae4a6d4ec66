/**
 * Acceptance for the Azure, GCP, OpenAI and Bedrock-invocation sources, end to end: the shared
 * real samples (../shared/datasets/cloud-audit, read in place, never copied: the Elastic ones are
 * ELv2) are read by `readLogs`, normalized to valid Events, and run through the Detector with the
 * built-in pack and SigmaHQ's shared Azure and GCP rules (with our Sigma field maps). Which rule
 * fires on which file is asserted and explained. Panther's labelled Azure/GCP tests are checked
 * against the coverage claimed in src/detect/rules/panther-coverage.yml.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Detector } from '../../src/detect/index.js';
import { loadBuiltinRules } from '../../src/detect/rules/index.js';
import { applyFieldMapping, compileRule, loadRules, type SigmaRule } from '../../src/detect/sigma/index.js';
import { Event, type EventSource } from '../../src/domain/index.js';
import { normalizeEvent, SIGMA_FIELD_MAPS, SIGMA_LOGSOURCE } from '../../src/events/index.js';
import { type BadInput, type RawRecord, readLogs, recordKind } from '../../src/sources/index.js';
import { DATASETS } from '../datasets.js';

type Rec = Record<string, unknown>;
const CLOUD = path.join(DATASETS, 'cloud-audit');
const PANTHER = path.join(CLOUD, 'panther-rule-tests');

const pack = await loadBuiltinRules();
const sigmaHq = await loadRules([path.join(DATASETS, 'sigma/cloud/azure'), path.join(DATASETS, 'sigma/cloud/gcp')]);
const RULES: SigmaRule[] = [...pack.rules, ...sigmaHq.rules];

async function readAll(inputs: string[]): Promise<{ records: RawRecord[]; bad: BadInput[] }> {
  const records: RawRecord[] = [];
  const bad: BadInput[] = [];
  for await (const batch of readLogs(inputs, { onBadInput: (b) => bad.push(b) })) records.push(...batch);
  return { records, bad };
}

function detect(records: readonly RawRecord[]) {
  const detector = new Detector(RULES, { fieldMaps: SIGMA_FIELD_MAPS });
  expect(detector.compileErrors.map((e) => e.render())).toEqual([]);
  for (const r of records) detector.observe(r.record, r.location, r.kind);
  return detector.results().map((d) => d.finding);
}

const rel = (file: string | undefined) => path.relative(CLOUD, file ?? '');

describe('the shared cloud-audit samples, read end to end', async () => {
  const { records, bad } = await readAll([CLOUD]);

  it('reads every log record with its kind, and explains every file it cannot read', () => {
    const byFile: Record<string, string[]> = {};
    for (const r of records) {
      const file = rel(r.location.file);
      byFile[file] = [...(byFile[file] ?? []), r.kind ?? 'aws.cloudtrail'];
    }
    expect(byFile).toEqual({
      // NDJSON, 3 lines (the last without a line break): listKeys + two ResourceHealth events.
      'elastic-integrations/azure_activitylogs/test-activitylogs-raw.log': Array(3).fill('azure.activity'),
      'elastic-integrations/gcp_audit/test-iamcredentials-googleapis-com.log': ['gcp.audit'],
      'elastic-integrations/gcp_vertexai/test-vertexai.log': Array(4).fill('gcp.audit'),
    });
    // Panther's files are YAML test cases, not logs: one clear error per file, nothing else.
    const badByDir: Record<string, number> = {};
    for (const b of bad) {
      expect(b.error.code).toBe('JACKSTOP_INPUT_UNSUPPORTED');
      expect(b.error.message).toContain('a YAML file');
      const dir = path.dirname(rel(b.error.location?.file));
      badByDir[dir] = (badByDir[dir] ?? 0) + 1;
    }
    expect(badByDir).toEqual({
      'panther-rule-tests/azure_activity_rules': 44,
      'panther-rule-tests/gcp_audit_rules': 42,
      'panther-rule-tests/openai_rules': 5,
    });
  });

  it('normalizes every record to a valid Event with the actor, action, target and outcome of the log', () => {
    const events = records.map((r) => Event.parse(normalizeEvent(r.kind ?? 'aws.cloudtrail', r.record)));
    const [listKeys, health1, health2, token, count1, , bidiFailed, bidi] = events;
    // Azure: a service principal (no UPN) listing Event Hub keys; the object id is the identity.
    expect(listKeys).toMatchObject({
      source: 'azure.activity',
      actor: { id: '8a4de8b5-095c-47d0-a96f-a75130c61d53', type: 'ServicePrincipal', sourceIp: '81.2.69.144' },
      action: {
        service: 'MICROSOFT.EVENTHUB',
        operation: 'MICROSOFT.EVENTHUB/NAMESPACES/AUTHORIZATIONRULES/LISTKEYS/ACTION',
        readOnly: false,
      },
      target: { account: '8a4de8b5-095c-47d0-a96f-a75130c61d53', region: 'global' },
      outcome: { ok: true },
    });
    // The two ResourceHealth records differ only in responseBody/requestBody being a JSON string or an object.
    expect({ ...health1, id: '', raw: {} }).toEqual({ ...health2, id: '', raw: {} });
    expect(health1?.time).toBe('2025-10-17T11:50:07.220Z');
    // GCP: workload identity federation minting a token; no email, the principal subject is the actor.
    expect(token?.actor).toMatchObject({ type: 'WorkloadIdentity', sourceIp: '175.16.199.45' });
    expect(token?.action).toEqual({
      service: 'iamcredentials.googleapis.com',
      operation: 'GenerateAccessToken',
      readOnly: true,
    });
    expect(token?.target.account).toBe('project-id');
    // Vertex AI: the publisher model and region come from the resource name.
    expect(count1?.target).toMatchObject({
      account: 'elastic-abs',
      region: 'us-central1',
      model: 'gemini-2.0-flash-exp',
    });
    expect(count1?.actor).toMatchObject({ id: 'pc.cf@elastic.co', type: 'User' });
    expect(count1?.actor.accessKeyId).toBeUndefined();
    // A user-managed service-account key: its id is the key an analyst disables.
    expect(bidi?.actor).toMatchObject({
      id: 'matt-adams-gimini-live-app@elastic-abs.iam.gserviceaccount.com',
      type: 'ServiceAccount',
      accessKeyId: '094619204aafa3e1265fc9188025479a7a961397',
      userAgent: 'Python/3.12 websockets/14.2,gzip(gfe)',
    });
    expect(bidi?.outcome).toEqual({ ok: true });
    // status.code 10 is gRPC ABORTED.
    expect(bidiFailed?.outcome).toEqual({
      ok: false,
      errorCode: 'ABORTED',
      errorMessage: 'The operation was aborted.',
    });
  });

  it('raises exactly the findings the samples justify', () => {
    const findings = detect(records);
    expect(findings.map((f) => [f.ruleId, f.subject.id, f.count])).toEqual([
      // The two BidiGenerateContent calls (one aborted, one not) were made with the user-managed key
      // 094619…: Vertex inference with a key file is what a leaked key looks like. The CountTokens calls
      // by two users (no key), the workload-identity token and the Azure Event Hub listKeys (not
      // Cognitive Services; no SigmaHQ Azure rule lists Event Hub keys) raise nothing.
      [
        'jackstop.gcp.vertex.invoke-service-account-key',
        'matt-adams-gimini-live-app@elastic-abs.iam.gserviceaccount.com',
        2,
      ],
    ]);
    const [f] = findings;
    expect(f?.evidence).toMatchObject({
      accessKeyIds: ['094619204aafa3e1265fc9188025479a7a961397'],
      models: ['gemini-2.0-flash-live-preview-04-09'],
      regions: ['us-central1'],
      errorCodes: ['ABORTED'],
    });
    expect(f?.remediation).toContain(
      'gcloud iam service-accounts keys disable 094619204aafa3e1265fc9188025479a7a961397',
    );
  });
});

// ───────────────────────────────────────────────────────────────────────────── Panther

const PantherFile = z.object({
  RuleID: z.string(),
  Tests: z.array(z.object({ Name: z.string(), ExpectedResult: z.boolean(), Log: z.record(z.string(), z.unknown()) })),
});
const DIRS = {
  azure_activity_rules: 'azure.activity',
  gcp_audit_rules: 'gcp.audit',
  openai_rules: 'openai.audit',
} as const;
const panther = Object.entries(DIRS).flatMap(([dir, kind]) =>
  readdirSync(path.join(PANTHER, dir))
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => ({
      file: `${dir}/${f}`,
      kind: kind as EventSource,
      ...PantherFile.parse(parseYaml(readFileSync(path.join(PANTHER, dir, f), 'utf8'))),
    })),
);
const pantherTests = panther.flatMap((p) => p.Tests.map((t) => ({ ...t, file: p.file, kind: p.kind })));

/** Rules with the source's field map applied, compiled, by the id users see (pack: name; SigmaHQ: id). */
function compiledFor(kind: EventSource) {
  const map = SIGMA_FIELD_MAPS[kind];
  const ls = SIGMA_LOGSOURCE[kind];
  return RULES.filter(
    (r) => r.kind === 'detection' && r.logsource.product === ls.product && r.logsource.service === ls.service,
  ).map((r) => ({ id: r.name ?? r.id, compiled: compileRule(map ? applyFieldMapping(r, map) : r) }));
}

describe('Panther Azure, GCP and OpenAI rule tests', () => {
  it('are 91 files and 292 labelled events', () => {
    expect(panther).toHaveLength(91);
    expect(pantherTests).toHaveLength(292);
  });

  it('are recognised as their log by content and normalize to valid Events, except 5 GCP records Panther reshaped', () => {
    const unrecognised: string[] = [];
    const noAction: string[] = [];
    for (const t of pantherTests) {
      const kind = recordKind(t.Log);
      if (kind !== t.kind) {
        unrecognised.push(`${t.file} / ${t.Name}`);
        continue;
      }
      const ev = Event.parse(normalizeEvent(kind, t.Log));
      expect(ev.source).toBe(kind);
      if (`${ev.action.service}${ev.action.operation}` === '') noAction.push(`${t.file} / ${t.Name}`);
    }
    // Panther moved this entry's methodName and serviceName under protoPayload.metadata: still an
    // AuditLog (its type says so), but one that names no action.
    expect(noAction).toEqual(['gcp_audit_rules/gcp_user_added_to_iap_protected_service.yml / other']);
    // Panther stores these with lower-cased keys (`protopayload`, `insertid`) or keeps only
    // authorizationInfo: no longer Cloud Audit Logs entries as GCP writes them.
    expect(unrecognised).toEqual([
      'gcp_audit_rules/gcp_firewall_rule_modified.yml / appengine.firewall.update-should-alert',
      'gcp_audit_rules/gcp_firewall_rule_modified.yml / compute.non-update.firewall.method-should-not-alert',
      'gcp_audit_rules/gcp_firewall_rule_modified.yml / appengine.compute.non-update.firewall.method-should-not-alert',
      'gcp_audit_rules/gcp_iam_roles_update_privilege_escalation.yml / Test-876cde',
      'gcp_audit_rules/gcp_iam_roles_update_privilege_escalation.yml / Test-ffdf6',
    ]);
  });

  const Coverage = z.object({
    coverage: z.array(
      z.object({
        file: z.string(),
        panther: z.string(),
        rules: z.array(z.string()).min(1),
        exceptions: z.array(z.object({ test: z.string(), reason: z.string().min(10) })).default([]),
      }),
    ),
  });
  const coverage = Coverage.parse(
    parseYaml(readFileSync(new URL('../../src/detect/rules/panther-coverage.yml', import.meta.url), 'utf8')),
  ).coverage.filter((c) => c.file.includes('/'));
  const byFile = new Map(panther.map((p) => [p.file, p]));
  const cases = coverage.flatMap((entry) => {
    const p = byFile.get(entry.file);
    const rules = new Map(compiledFor(p?.kind ?? 'azure.activity').map((r) => [r.id, r.compiled]));
    return (p?.Tests ?? []).map((t) => ({
      label: `${entry.panther} / ${t.Name}`,
      rules: entry.rules.map((id) => rules.get(id)),
      test: t,
      exception: entry.exceptions.find((e) => e.test === t.Name),
    }));
  });

  it('coverage entries name existing files, their Panther rule, rules that exist for that log, and real tests', () => {
    expect(coverage).toHaveLength(6);
    for (const entry of coverage) {
      const p = byFile.get(entry.file);
      expect(p?.RuleID, entry.file).toBe(entry.panther);
      const ids = new Set(compiledFor(p!.kind).map((r) => r.id));
      for (const id of entry.rules) expect(ids.has(id), `${entry.file}: ${id}`).toBe(true);
      const names = new Set(p?.Tests.map((t) => t.Name));
      for (const ex of entry.exceptions) expect(names.has(ex.test), `${entry.file}: ${ex.test}`).toBe(true);
    }
    expect(cases).toHaveLength(23);
    expect(cases.filter((c) => c.exception)).toHaveLength(3);
  });

  it.each(cases)('$label', ({ rules, test, exception }) => {
    const hit = rules.some((c) => c?.match(test.Log));
    expect(hit, exception?.reason ?? 'as Panther labels it').toBe(
      exception ? !test.ExpectedResult : test.ExpectedResult,
    );
  });

  it('the pack fires on no other Panther event of these logs', () => {
    const hits: string[] = [];
    for (const t of pantherTests) {
      const rules = compiledFor(t.kind).filter((r) => r.id.startsWith('jackstop.'));
      for (const r of rules) if (r.compiled.match(t.Log)) hits.push(`${t.file} / ${t.Name}: ${r.id}`);
    }
    expect(hits).toEqual([
      'gcp_audit_rules/gcp_service_account_or_keys_created.yml / Created Service Account Key: jackstop.gcp.vertex.service-account-key-created',
    ]);
  });
});

// ───────────────────────────────────────────────────────────────────────────── delivered formats

describe('formats as the providers deliver them', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'jackstop-cloud-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, data: string | Buffer) => {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, data);
    return file;
  };
  const SUB = '6f1c2a8e-4b7d-4e39-9a51-3c0d8e2f7b14';
  const ACCOUNT = `/SUBSCRIPTIONS/${SUB}/RESOURCEGROUPS/AI-PROD/PROVIDERS/MICROSOFT.COGNITIVESERVICES/ACCOUNTS/CONTOSO-OPENAI`;

  it('Azure {"records": […]} (storage account / Event Hub), gzip, properties as a JSON string; a bad element is named by index', async () => {
    const listKeys = {
      time: '2025-02-11T03:19:40.2519438Z',
      resourceId: ACCOUNT,
      operationName: 'MICROSOFT.COGNITIVESERVICES/ACCOUNTS/LISTKEYS/ACTION',
      category: 'Administrative',
      resultType: 'Success',
      callerIpAddress: '194.48.248.108',
      identity: { claims: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn': 'svc-ci@contoso.com' } },
      properties: JSON.stringify({ statusCode: 'OK', message: 'Microsoft.CognitiveServices/accounts/listKeys/action' }),
    };
    const probe = {
      time: '2025-02-11T03:58:01.1234567Z',
      resourceId: ACCOUNT,
      category: 'RequestResponse',
      operationName: 'ChatCompletions_Create',
      resultSignature: '200',
      callerIpAddress: '81.2.69.***',
      correlationId: 'f1a3b5c7-d9e1-4f2a-8b4c-6d8e0f2a4b68',
      location: 'eastus',
      properties: JSON.stringify({
        requestLength: 58,
        responseLength: 396,
        modelDeploymentName: 'gpt4o',
        modelName: 'gpt-4o',
      }),
    };
    const file = write(
      'insights-activity-logs/PT1H.json.gz',
      gzipSync(JSON.stringify({ records: [listKeys, 42, probe] })),
    );
    const { records, bad } = await readAll([file]);
    expect(records.map((r) => [r.kind, r.location.record])).toEqual([
      ['azure.activity', 0],
      ['azure.resource', 2],
    ]);
    // The JSON-string properties are decoded so rules can address properties.<field>.
    expect(records[1]?.record.properties).toEqual(JSON.parse(probe.properties));
    expect(bad.map((b) => [b.error.code, b.error.location?.record])).toEqual([['JACKSTOP_INPUT_WRONG_SHAPE', 1]]);
    const probeEvent = normalizeEvent('azure.resource', records[1]!.record);
    expect(probeEvent).toMatchObject({
      actor: { sourceIp: '81.2.69.***' },
      action: { operation: 'ChatCompletions_Create' },
      target: { account: SUB.toLowerCase(), region: 'eastus', model: 'gpt-4o' },
      outcome: { ok: true },
    });
    expect(detect(records).map((f) => [f.ruleId, f.subject.id])).toEqual([
      ['jackstop.azure.openai.account-keys-listed', 'svc-ci@contoso.com'],
      // SigmaHQ "Rare Subscription-level Operations In Azure" lists Cognitive Services listKeys among its
      // keywords (case-insensitive, any field): the shared rule agrees with ours on this event.
      ['c1182e02-49a3-481c-b3de-0fadc4091488', 'svc-ci@contoso.com'],
      // A 58-byte chat completion: the key-probe shape. Key calls carry no principal; the masked IP is the subject.
      ['jackstop.azure.openai.chat-probe', 'ip:81.2.69.***'],
    ]);
  });

  it('Bedrock invocation logs from S3 keys (NDJSON .json.gz): token counts stay in the raw record', async () => {
    const inv = (i: number, extra: Rec) => ({
      schemaType: 'ModelInvocationLog',
      schemaVersion: '1.0',
      timestamp: `2025-02-11T03:2${i}:00Z`,
      accountId: '418295730164',
      identity: { arn: 'arn:aws:iam::418295730164:user/svc-reporting' },
      region: 'us-east-1',
      requestId: `bea9d003-f7df-4558-8823-36734900000${i}`,
      operation: 'InvokeModel',
      modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
      ...extra,
    });
    const lines = [
      inv(1, { input: { inputTokenCount: 16 }, output: { outputTokenCount: 300 } }),
      inv(2, { errorCode: 'ValidationException' }),
    ];
    const file = write(
      'AWSLogs/418295730164/BedrockModelInvocationLogs/us-east-1/2025/02/11/03/20250211T032000000Z_abc.json.gz',
      gzipSync(lines.map((l) => JSON.stringify(l)).join('\n')),
    );
    const { records, bad } = await readAll([file]);
    expect(bad).toEqual([]);
    expect(records.map((r) => [r.kind, r.location.line])).toEqual([
      ['aws.bedrock.invocation', 1],
      ['aws.bedrock.invocation', 2],
    ]);
    const [ok, failed] = records.map((r) => Event.parse(normalizeEvent('aws.bedrock.invocation', r.record)));
    expect(ok).toMatchObject({
      time: '2025-02-11T03:21:00.000Z',
      actor: { id: 'arn:aws:iam::418295730164:user/svc-reporting', type: 'IAMUser', name: 'svc-reporting' },
      action: { service: 'bedrock.amazonaws.com', operation: 'InvokeModel' },
      target: { account: '418295730164', region: 'us-east-1', model: 'anthropic.claude-3-5-sonnet-20240620-v1:0' },
      outcome: { ok: true },
      raw: { input: { inputTokenCount: 16 }, output: { outputTokenCount: 300 } },
    });
    expect(failed?.outcome).toEqual({ ok: false, errorCode: 'ValidationException' });
  });

  it('OpenAI audit-log API pages ({"object": "list", "data": […]}) and GCP `gcloud logging read --format=json` arrays', async () => {
    const page = {
      object: 'list',
      data: [
        {
          id: 'audit_log-1',
          type: 'api_key.created',
          effective_at: 1739244000,
          project: { id: 'proj_abc', name: 'prod' },
          actor: {
            type: 'session',
            session: {
              user: { id: 'user-1', email: 'dana@acme.example' },
              ip_address: '198.51.100.7',
              user_agent: 'curl/8.5.0',
            },
          },
          'api_key.created': { id: 'key_XYZ', data: { scopes: ['all'] } },
        },
        {
          id: 'audit_log-2',
          type: 'login.failed',
          effective_at: 1739244060,
          actor: {
            type: 'session',
            session: { user: { id: 'user-1', email: 'dana@acme.example' }, ip_address: '198.51.100.7' },
          },
          'login.failed': { error_code: 'invalid_credentials', error_message: 'Invalid username or password' },
        },
      ],
      first_id: 'audit_log-1',
      last_id: 'audit_log-2',
      has_more: false,
    };
    const openai = write('openai/audit.json', JSON.stringify(page));
    const vertexLines = readFileSync(path.join(CLOUD, 'elastic-integrations/gcp_vertexai/test-vertexai.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Rec);
    const gcp = write('gcp/logging-read.json', JSON.stringify(vertexLines, null, 2));
    const { records, bad } = await readAll([openai, gcp]);
    expect(bad).toEqual([]);
    expect(records.map((r) => `${path.basename(r.location.file ?? '')}#${r.location.record} ${r.kind}`)).toEqual([
      'logging-read.json#0 gcp.audit',
      'logging-read.json#1 gcp.audit',
      'logging-read.json#2 gcp.audit',
      'logging-read.json#3 gcp.audit',
      'audit.json#0 openai.audit',
      'audit.json#1 openai.audit',
    ]);
    const [created, failed] = records.slice(4).map((r) => Event.parse(normalizeEvent('openai.audit', r.record)));
    expect(created).toMatchObject({
      time: '2025-02-11T03:20:00.000Z',
      actor: { id: 'dana@acme.example', sourceIp: '198.51.100.7', userAgent: 'curl/8.5.0' },
      action: { service: 'api.openai.com', operation: 'api_key.created' },
      target: { account: 'proj_abc', resources: ['key_XYZ'] },
      outcome: { ok: true },
    });
    expect(failed?.outcome).toEqual({
      ok: false,
      errorCode: 'invalid_credentials',
      errorMessage: 'Invalid username or password',
    });
  });

  it('a JSON object that is no known log names what was looked for', async () => {
    const file = write('other/thing.json', JSON.stringify({ apiVersion: 'v1', kind: 'Pod' }));
    const { records, bad } = await readAll([file]);
    expect(records).toEqual([]);
    expect(bad[0]?.error.message).toContain('Azure activity or resource log, GCP audit log or OpenAI audit log');
  });
});
