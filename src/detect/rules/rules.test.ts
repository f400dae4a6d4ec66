import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { Event } from '../../domain/index.js';
import { isJackstopError } from '../../errors.js';
import { cloudTrailToEvent } from '../../events/index.js';
import { compileRule, type DetectionRule, parseSigma, type SigmaRule } from '../sigma/index.js';
import { BUILTIN_RULES_DIR, loadBuiltinRules, RuleExtras, ruleMetaOf, runRuleExamples } from './index.js';
import { loadPack, resolvePackDir } from './pack.js';

const { rules: allRules, errors } = await loadBuiltinRules();
// The Azure and GCP packs have their own checks (cloud-packs.test.ts); these are the AWS ones.
// Correlation files (a correlation plus its helper rules) have their own checks (correlations.test.ts).
const correlationFiles = new Set(allRules.filter((r) => r.kind === 'correlation').map((r) => r.source.file));
const rules = allRules.filter(
  (r): r is DetectionRule =>
    r.kind === 'detection' && r.name?.startsWith('jackstop.aws.') === true && !correlationFiles.has(r.source.file),
);
const byName = new Map(rules.map((r) => [r.name!, r]));
const named = rules.map((r) => [r.name!, r] as const);

const EXPECTED_RULES = [
  'api-key-created',
  'api-key-defense-evasion',
  'api-key-user-credentials-added',
  'api-key-user-outside-bedrock',
  'compromised-key-quarantine',
  'compromised-key-quarantine-removed',
  'cross-region-inference-long-term-key',
  'enforced-guardrail-changed',
  'enforced-guardrail-removed',
  'guardrail-deleted',
  'guardrail-updated',
  'invocation-logging-changed',
  'invocation-logging-deleted',
  'invocation-logging-read',
  'invoke-access-denied',
  'invoke-probe',
  'invoke-probe-long-term-key',
  'key-validation-recon',
  'model-access-long-term-key',
  'model-access-programmatic',
  'model-discovery-long-term-key',
  'provisioned-throughput-created',
  'scripting-user-agent',
].map((slug) => `jackstop.aws.bedrock.${slug}`);

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TAG = /^(attack\.[a-z][a-z-]*|attack\.t\d{4}(\.\d{3})?|atlas\.aml\.t\d{4}(\.\d{3})?|owasp-llm\.llm(0[1-9]|10))$/;

function examplesOf(rule: SigmaRule): { match: Record<string, unknown>[]; nomatch: Record<string, unknown>[] } {
  return RuleExtras.parse(rule.custom).examples;
}

describe('built-in pack', () => {
  it('loads every rule without errors', () => {
    expect(errors.map((e) => e.render())).toEqual([]);
    expect([...byName.keys()].sort()).toEqual(EXPECTED_RULES);
  });

  it('is found beside the loader', () => {
    expect(path.isAbsolute(BUILTIN_RULES_DIR)).toBe(true);
    expect(BUILTIN_RULES_DIR.endsWith(path.join('src', 'detect', 'rules', 'pack'))).toBe(true);
    for (const r of rules) expect(r.source.file?.startsWith(path.join(BUILTIN_RULES_DIR, 'aws'))).toBe(true);
  });

  it('has unique names, unique UUIDs and no two rules with the same detection', () => {
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length);
    expect(new Set(rules.map((r) => r.title)).size).toBe(rules.length);
    const detections = rules.map((r) => JSON.stringify([r.logsource, r.detection]));
    expect(new Set(detections).size).toBe(rules.length);
  });

  it.each(named)('%s: standard Sigma metadata', (name, rule) => {
    expect(name).toMatch(/^jackstop\.aws\.bedrock\.[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(rule.id).toMatch(UUID_V4);
    expect(rule.author).toBe('Jackstop');
    expect(['experimental', 'test', 'stable']).toContain(rule.status);
    expect(rule.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(rule.logsource).toEqual({ product: 'aws', service: 'cloudtrail' });
    expect(['informational', 'low', 'medium', 'high', 'critical']).toContain(rule.level);
    expect(rule.description?.length ?? 0).toBeGreaterThan(80);
    expect(rule.falsepositives.length).toBeGreaterThan(0);
    expect(rule.references.length).toBeGreaterThan(0);
    for (const ref of rule.references) expect(ref).toMatch(/^https:\/\/\S+$/);
    for (const tag of rule.tags) expect(tag).toMatch(TAG);
    expect(rule.tags.some((t) => /^attack\.t\d{4}/.test(t))).toBe(true);
  });

  it.each(named)('%s: valid extras and every example passes', (name, rule) => {
    const extras = RuleExtras.parse(rule.custom);
    expect(extras.examples.match.length).toBeGreaterThanOrEqual(2);
    expect(extras.examples.nomatch.length).toBeGreaterThanOrEqual(2);
    expect(extras.remediation).toMatch(/\baws [a-z0-9-]+ [a-z0-9-]+/); // at least one concrete CLI command
    const results = runRuleExamples(rule);
    expect(results).toHaveLength(extras.examples.match.length + extras.examples.nomatch.length);
    expect(results.filter((r) => !r.passed)).toEqual([]);
    for (const r of results) expect(r).toMatchObject({ rule: name, file: rule.source.file });
  });

  it.each(named)('%s: examples are complete CloudTrail records', (_name, rule) => {
    const { match, nomatch } = examplesOf(rule);
    const ids = new Set<string>();
    for (const ex of [...match, ...nomatch]) {
      expect(ex.eventVersion).toMatch(/^1\.\d{2}$/);
      expect(ex.eventTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(ex.eventSource).toMatch(/^[a-z0-9-]+\.amazonaws\.com$/);
      expect(ex.eventName).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(typeof ex.awsRegion).toBe('string');
      expect(typeof ex.sourceIPAddress).toBe('string');
      expect(typeof ex.userAgent).toBe('string');
      expect(ex.eventType).toBe('AwsApiCall');
      expect(ex.eventCategory).toBe('Management');
      expect(ex.requestID).toMatch(/^[0-9a-f-]{36}$/);
      expect(ex.eventID).toMatch(/^[0-9a-f-]{36}$/);
      expect(ex).toHaveProperty('requestParameters');
      expect(ex).toHaveProperty('responseElements');
      const identity = ex.userIdentity as Record<string, unknown>;
      expect(identity.type).toMatch(/^(IAMUser|AssumedRole|Unknown)$/);
      expect(identity.accountId).toMatch(/^\d{12}$/);
      expect(ex.recipientAccountId).toBe(identity.accountId);
      if (identity.type === 'AssumedRole') expect(identity.sessionContext).toBeTypeOf('object');
      expect(ids.has(ex.eventID as string)).toBe(false);
      ids.add(ex.eventID as string);
      // The records go through the real normalizer, like a CloudTrail file would.
      const ev = Event.parse(cloudTrailToEvent(ex));
      expect(ev.action.operation).toBe(ex.eventName);
      expect(ev.actor.id).toBe(identity.arn);
    }
  });

  it('raises one finding per probe or enablement event: long-term and other credentials are split', () => {
    const pairs = [
      ['jackstop.aws.bedrock.invoke-probe-long-term-key', 'jackstop.aws.bedrock.invoke-probe'],
      ['jackstop.aws.bedrock.model-access-long-term-key', 'jackstop.aws.bedrock.model-access-programmatic'],
    ] as const;
    const allExamples = rules.flatMap((r) => [...examplesOf(r).match, ...examplesOf(r).nomatch]);
    for (const [a, b] of pairs) {
      const ca = compileRule(byName.get(a)!);
      const cb = compileRule(byName.get(b)!);
      const both = allExamples.filter((ex) => ca.match(ex) && cb.match(ex));
      expect(both, `${a} and ${b} overlap`).toEqual([]);
      expect(allExamples.filter((ex) => ca.match(ex)).length).toBeGreaterThanOrEqual(2);
      expect(allExamples.filter((ex) => cb.match(ex)).length).toBeGreaterThanOrEqual(2);
    }
  });
});

describe('ruleMetaOf', () => {
  it('takes the name as id and maps level and remediation', () => {
    const rule = byName.get('jackstop.aws.bedrock.invocation-logging-deleted')!;
    const meta = ruleMetaOf(rule);
    expect(meta.id).toBe('jackstop.aws.bedrock.invocation-logging-deleted');
    expect(meta.title).toBe(rule.title);
    expect(meta.severity).toBe('high');
    expect(meta.remediation).toContain('aws bedrock put-model-invocation-logging-configuration');
    expect(meta.tags).toContain('attack.t1562.008');
    expect(meta.falsePositives).toEqual([...rule.falsepositives]);
    expect(meta.references).toEqual([...rule.references]);
    expect(meta.source?.file).toBe(rule.source.file);
  });

  it('falls back to the Sigma id, informational → info, no remediation for third-party rules', () => {
    const text = `title: Third party
id: 0a5177f4-6ca9-44c2-aacf-d3f3d8b6e4d2
logsource: {product: aws, service: cloudtrail}
detection:
    selection: {eventName: CreateAccessKey}
    condition: selection
level: informational
`;
    const [result] = parseSigma(text, { file: 'third-party.yml' });
    if (!result?.ok) throw new Error('fixture rule did not parse');
    const meta = ruleMetaOf(result.rule);
    expect(meta.id).toBe('0a5177f4-6ca9-44c2-aacf-d3f3d8b6e4d2');
    expect(meta.severity).toBe('info');
    expect(meta.remediation).toBeUndefined();
    expect(meta.description).toBeUndefined();
  });
});

const RULE_TEMPLATE = (over: {
  name?: string;
  id?: string;
  extras?: string;
  match?: string;
}) => `title: Test rule ${over.name ?? 'unnamed'}
id: ${over.id ?? '3f0c5b7e-1a2d-4c8e-9b6f-0d1e2f3a4b5c'}
${over.name ? `name: ${over.name}` : ''}
logsource: {product: aws, service: cloudtrail}
detection:
    selection: {eventSource: bedrock.amazonaws.com, eventName: DeleteGuardrail}
    condition: selection
level: medium
${
  over.extras ??
  `remediation: Restore the guardrail from infrastructure code and deactivate the access key with aws iam update-access-key.
examples:
    match:
        - {eventSource: bedrock.amazonaws.com, eventName: ${over.match ?? 'DeleteGuardrail'}}
        - {eventSource: bedrock.amazonaws.com, eventName: DeleteGuardrail, errorCode: AccessDenied}
    nomatch:
        - {eventSource: bedrock.amazonaws.com, eventName: UpdateGuardrail}
        - {eventSource: iam.amazonaws.com, eventName: DeleteGuardrail}`
}
`;

function parseOne(text: string): SigmaRule {
  const [result] = parseSigma(text, { file: 'inline.yml' });
  if (!result?.ok) throw new Error(`fixture rule did not parse: ${result?.ok === false ? result.error.message : ''}`);
  return result.rule;
}

describe('runRuleExamples', () => {
  it('reports an example the rule gets wrong', () => {
    const rule = parseOne(RULE_TEMPLATE({ name: 'jackstop.aws.bedrock.t', match: 'ListGuardrails' }));
    const results = runRuleExamples(rule);
    expect(results).toEqual([
      { rule: 'jackstop.aws.bedrock.t', file: 'inline.yml', kind: 'match', index: 0, passed: false },
      { rule: 'jackstop.aws.bedrock.t', file: 'inline.yml', kind: 'match', index: 1, passed: true },
      { rule: 'jackstop.aws.bedrock.t', file: 'inline.yml', kind: 'nomatch', index: 0, passed: true },
      { rule: 'jackstop.aws.bedrock.t', file: 'inline.yml', kind: 'nomatch', index: 1, passed: true },
    ]);
  });

  it('returns nothing for a rule without examples', () => {
    const rule = parseOne(RULE_TEMPLATE({ extras: '' }));
    expect(runRuleExamples(rule)).toEqual([]);
  });

  it('refuses malformed examples with an error naming the file', () => {
    const rule = parseOne(RULE_TEMPLATE({ extras: 'examples: [DeleteGuardrail]' }));
    let thrown: unknown;
    try {
      runRuleExamples(rule);
    } catch (e) {
      thrown = e;
    }
    expect(isJackstopError(thrown)).toBe(true);
    if (!isJackstopError(thrown)) return;
    expect(thrown.code).toBe('JACKSTOP_RULE_INVALID');
    expect(thrown.location?.file).toBe('inline.yml');
    expect(thrown.message).toContain('invalid examples');
  });
});

describe('loadPack', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  async function packWith(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'jackstop-pack-'));
    dirs.push(dir);
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), text);
    }
    return dir;
  }

  it('keeps the good rules and names the file of each bad one', async () => {
    const dir = await packWith({
      'aws/good.yml': RULE_TEMPLATE({ name: 'jackstop.aws.bedrock.good' }),
      'aws/no-name.yml': RULE_TEMPLATE({ id: '9b1a4a52-5d8e-4f0a-8c1b-2e3d4f5a6b7c' }),
      'aws/bad-name.yml': RULE_TEMPLATE({ name: 'Jackstop_Bad', id: '7c2e1f30-4b5a-4d6c-9e8f-0a1b2c3d4e5f' }),
      'aws/no-remediation.yml': RULE_TEMPLATE({
        name: 'jackstop.aws.bedrock.no-remediation',
        id: '5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a',
        extras: 'examples: {match: [{a: 1}, {a: 2}], nomatch: [{a: 3}, {a: 4}]}',
      }),
      'aws/one-example.yml': RULE_TEMPLATE({
        name: 'jackstop.aws.bedrock.one-example',
        id: '6e5d4c3b-2a1f-4e0d-9c8b-7a6f5e4d3c2b',
        extras: `remediation: Restore the guardrail and deactivate the key with aws iam update-access-key now.
examples: {match: [{eventName: DeleteGuardrail}], nomatch: [{a: 3}, {a: 4}]}`,
      }),
      'aws/later-copy.yml': RULE_TEMPLATE({
        name: 'jackstop.aws.bedrock.good',
        id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      }),
      'aws/broken.yml': 'title: [unclosed\n',
      'README.txt': 'not a rule',
    });
    const { rules: loaded, errors: errs } = await loadPack(dir);
    expect(loaded.map((r) => r.name)).toEqual(['jackstop.aws.bedrock.good']);
    const byFile = new Map(errs.map((e) => [path.basename(e.location?.file ?? ''), e]));
    expect([...byFile.keys()].sort()).toEqual([
      'bad-name.yml',
      'broken.yml',
      'later-copy.yml',
      'no-name.yml',
      'no-remediation.yml',
      'one-example.yml',
    ]);
    expect(byFile.get('no-name.yml')?.message).toContain('has no `name`');
    expect(byFile.get('bad-name.yml')?.message).toContain('does not follow');
    expect(byFile.get('no-remediation.yml')?.message).toContain('remediation');
    expect(byFile.get('one-example.yml')?.message).toContain('examples.match');
    expect(byFile.get('later-copy.yml')?.code).toBe('JACKSTOP_RULE_DUPLICATE');
    expect(byFile.get('later-copy.yml')?.message).toContain('good.yml');
    for (const e of errs) expect(e.render()).toContain(e.location!.file!);
  });

  it('reports a missing folder instead of crashing', async () => {
    const { rules: loaded, errors: errs } = await loadPack(path.join(os.tmpdir(), 'jackstop-no-such-pack-dir'));
    expect(loaded).toEqual([]);
    expect(errs).toHaveLength(1);
    expect(errs[0]!.code).toBe('JACKSTOP_INPUT_NOT_FOUND');
  });

  it('finds the pack from compiled code under dist/ via the package root', async () => {
    const root = await packWith({ 'package.json': '{"name":"jackstop"}', 'dist/src/detect/rules/index.js': '' });
    const url = pathToFileURL(path.join(root, 'dist', 'src', 'detect', 'rules', 'index.js')).href;
    expect(resolvePackDir(url)).toBe(path.join(root, 'src', 'detect', 'rules', 'pack'));
  });
});
