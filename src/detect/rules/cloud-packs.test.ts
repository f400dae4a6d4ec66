/**
 * The Azure and GCP parts of the built-in pack: same standards as the AWS rules (rules.test.ts),
 * with examples that are complete records of the log each rule reads and that the real normalizer
 * turns into a valid Event.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Event, type EventSource } from '../../domain/index.js';
import { normalizeEvent, SIGMA_LOGSOURCE } from '../../events/index.js';
import { compileRule, type DetectionRule } from '../sigma/index.js';
import { BUILTIN_RULES_DIR, loadBuiltinRules, RuleExtras, ruleMetaOf, runRuleExamples } from './index.js';

const { rules: all, errors } = await loadBuiltinRules();
const cloud = all.filter(
  (r): r is DetectionRule => r.kind === 'detection' && /^jackstop\.(azure|gcp)\./.test(r.name ?? ''),
);
const named = cloud.map((r) => [r.name!, r] as const);

const EXPECTED = [
  'jackstop.azure.openai.account-key-regenerated',
  'jackstop.azure.openai.account-keys-listed',
  'jackstop.azure.openai.chat-probe',
  'jackstop.azure.openai.content-filter-changed',
  'jackstop.azure.openai.deployment-created',
  'jackstop.azure.openai.diagnostic-settings-deleted',
  'jackstop.gcp.vertex.api-enabled',
  'jackstop.gcp.vertex.data-access-logs-disabled',
  'jackstop.gcp.vertex.invoke-service-account-key',
  'jackstop.gcp.vertex.service-account-key-created',
];

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const TAG = /^(attack\.[a-z][a-z-]*|attack\.t\d{4}(\.\d{3})?|atlas\.aml\.t\d{4}(\.\d{3})?|owasp-llm\.llm(0[1-9]|10))$/;

/** The source kind whose records a rule reads, from its logsource. */
function kindOf(rule: DetectionRule): EventSource {
  const found = Object.entries(SIGMA_LOGSOURCE).find(
    ([, ls]) => ls.product === rule.logsource.product && ls.service === rule.logsource.service,
  );
  if (!found) throw new Error(`no source kind for ${JSON.stringify(rule.logsource)}`);
  return found[0] as EventSource;
}

describe('built-in Azure and GCP pack', () => {
  it('loads every rule without errors', () => {
    expect(errors.map((e) => e.render())).toEqual([]);
    expect(cloud.map((r) => r.name).sort()).toEqual(EXPECTED);
  });

  it('keeps each provider in its own folder and has unique ids, titles and detections across the whole pack', () => {
    for (const r of cloud) {
      const provider = r.name!.split('.')[1]!;
      expect(r.source.file?.startsWith(path.join(BUILTIN_RULES_DIR, provider))).toBe(true);
    }
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
    expect(new Set(all.map((r) => r.title)).size).toBe(all.length);
  });

  it.each(named)('%s: standard Sigma metadata for its provider', (name, rule) => {
    const azure = name.startsWith('jackstop.azure.');
    expect(name).toMatch(azure ? /^jackstop\.azure\.openai\.[a-z0-9-]+$/ : /^jackstop\.gcp\.vertex\.[a-z0-9-]+$/);
    expect(rule.id).toMatch(UUID_V4);
    expect(rule.author).toBe('Jackstop');
    expect(rule.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(rule.logsource.product).toBe(azure ? 'azure' : 'gcp');
    expect(rule.description?.length ?? 0).toBeGreaterThan(80);
    expect(rule.falsepositives.length).toBeGreaterThan(0);
    for (const ref of rule.references) expect(ref).toMatch(/^https:\/\/\S+$/);
    for (const tag of rule.tags) expect(tag).toMatch(TAG);
    expect(rule.tags.some((t) => /^attack\.t\d{4}/.test(t))).toBe(true);
    expect(ruleMetaOf(rule).id).toBe(name);
  });

  it.each(named)('%s: remediation with real CLI commands, every example passes', (name, rule) => {
    const extras = RuleExtras.parse(rule.custom);
    expect(extras.remediation).toMatch(
      name.startsWith('jackstop.azure.') ? /\baz [a-z-]+ [a-z-]+/ : /\bgcloud [a-z-]+ /,
    );
    const results = runRuleExamples(rule);
    expect(results).toHaveLength(extras.examples.match.length + extras.examples.nomatch.length);
    expect(results.filter((r) => !r.passed)).toEqual([]);
  });

  it.each(named)('%s: examples are records of its log that normalize to a valid Event', (_name, rule) => {
    const { match, nomatch } = RuleExtras.parse(rule.custom).examples;
    const kind = kindOf(rule);
    const ids = new Set<string>();
    for (const ex of [...match, ...nomatch]) {
      const ev = Event.parse(normalizeEvent(kind, ex));
      expect(ev.source).toBe(kind);
      expect(ev.time).not.toBe(new Date(0).toISOString());
      expect(ev.action.operation).not.toBe('');
      expect(ev.target.account).toBeTruthy();
      expect(ev.actor.id ?? ev.actor.sourceIp).toBeTruthy();
      expect(ids.has(ev.id), `duplicate example id ${ev.id}`).toBe(false);
      ids.add(ev.id);
    }
  });

  it('no Azure or GCP rule matches another provider’s examples', () => {
    const examples = all.flatMap((r) => {
      const ex = RuleExtras.safeParse(r.custom);
      return ex.success ? [...ex.data.examples.match, ...ex.data.examples.nomatch].map((e) => ({ r, e })) : [];
    });
    for (const rule of cloud) {
      const compiled = compileRule(rule);
      const provider = rule.name!.split('.')[1];
      const foreign = examples.filter(({ r, e }) => r.name?.split('.')[1] !== provider && compiled.match(e));
      expect(foreign.map(({ r }) => r.name)).toEqual([]);
    }
  });
});
