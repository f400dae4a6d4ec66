/**
 * The pack's correlation rules: each file is a correlation followed by its helper rules; every
 * scenario passes; helpers stay silent; the demo sample raises the region-hopping and sequence
 * findings; and a loosened correlation fails its own near misses.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Event } from '../../domain/index.js';
import { cloudTrailToEvent } from '../../events/index.js';
import { Detector } from '../detector.js';
import { type CorrelationRule, type DetectionRule, parseSigma } from '../sigma/index.js';
import { CorrelationExtras, HelperExtras, loadBuiltinRules, runRuleExamples } from './index.js';

const { rules: allRules, errors } = await loadBuiltinRules();
const correlations = allRules.filter((r): r is CorrelationRule => r.kind === 'correlation');
const correlationFiles = new Set(correlations.map((r) => r.source.file));
const helpers = allRules.filter(
  (r): r is DetectionRule => r.kind === 'detection' && correlationFiles.has(r.source.file),
);

const EXPECTED = [
  'discover-enable-invoke',
  'invoke-error-burst',
  'invoke-many-source-ips',
  'key-validation-then-invoke',
  'logging-check-then-invoke',
  'region-hopping',
].map((s) => `jackstop.aws.bedrock.${s}`);

describe('built-in correlations', () => {
  it('load without errors, each with its helpers resolved', () => {
    expect(errors.map((e) => e.render())).toEqual([]);
    expect(correlations.map((c) => c.name).sort()).toEqual(EXPECTED);
    for (const h of helpers) expect(h.name).toMatch(/^jackstop\.aws\.bedrock\.helper-/);
    const referenced = new Set(correlations.flatMap((c) => c.rules));
    for (const h of helpers) expect(referenced.has(h.name!), h.name).toBe(true);
  });

  it.each(correlations.map((c) => [c.name!, c] as const))('%s: metadata, extras and every scenario', (name, rule) => {
    expect(rule.groupBy.length).toBeGreaterThan(0); // always per key or per principal, never global
    expect(rule.generate).toBe(false);
    expect(rule.tags.some((t) => /^attack\.t\d{4}/.test(t))).toBe(true);
    expect(rule.description?.length ?? 0).toBeGreaterThan(80);
    const extras = CorrelationExtras.parse(rule.custom);
    expect(extras.remediation).toMatch(/\baws [a-z0-9-]+ [a-z0-9-]+/);
    const results = runRuleExamples(rule, allRules);
    expect(results).toHaveLength(extras.examples.match.length + extras.examples.nomatch.length);
    expect(results.filter((r) => !r.passed)).toEqual([]);
    for (const r of results) expect(r).toMatchObject({ rule: name, file: rule.source.file });
  });

  it.each(helpers.map((h) => [h.name!, h] as const))(
    '%s: helper examples pass and are complete CloudTrail records',
    (_n, rule) => {
      const extras = HelperExtras.parse(rule.custom);
      const results = runRuleExamples(rule);
      expect(results.length).toBe(extras.examples.match.length + extras.examples.nomatch.length);
      expect(results.filter((r) => !r.passed)).toEqual([]);
      for (const ex of [...extras.examples.match, ...extras.examples.nomatch]) {
        const ev = Event.parse(cloudTrailToEvent(ex));
        expect(ev.action.operation).toBe(ex.eventName);
      }
    },
  );

  it('scenario records are complete CloudTrail records with unique event ids', () => {
    const ids = new Set<string>();
    for (const c of correlations) {
      const { match, nomatch } = CorrelationExtras.parse(c.custom).examples;
      for (const rec of [...match, ...nomatch].flat()) {
        const ev = Event.parse(cloudTrailToEvent(rec));
        expect(ev.actor.accessKeyId).toMatch(/^AKIA/);
        expect(ids.has(ev.id), `${c.name}: ${ev.id}`).toBe(false);
        ids.add(ev.id);
      }
    }
  });

  it('a loosened correlation fails its own near misses (the scenarios test the condition)', () => {
    const burst = correlations.find((c) => c.name === 'jackstop.aws.bedrock.invoke-error-burst')!;
    const text = readFileSync(burst.source.file!, 'utf8')
      .replace('gte: 5', 'gte: 4')
      .replace('timespan: 10m', 'timespan: 1h');
    const loosened = parseSigma(text, { file: burst.source.file! }).map((r) => (r.ok ? r.rule : undefined)!);
    const results = runRuleExamples(loosened[0]!, loosened);
    expect(results.filter((r) => !r.passed).map((r) => `${r.kind}#${r.index}`)).toEqual(['nomatch#0', 'nomatch#1']);
  });

  it('helpers raise no finding of their own; the correlation does', () => {
    const hop = correlations.find((c) => c.name === 'jackstop.aws.bedrock.region-hopping')!;
    const scenario = CorrelationExtras.parse(hop.custom).examples.match[0]!;
    const detector = new Detector(allRules);
    for (const rec of scenario) detector.observe(rec);
    const ids = detector.results().map((f) => f.finding.ruleId);
    expect(ids).toContain('jackstop.aws.bedrock.region-hopping');
    expect(ids.filter((id) => id.includes('.helper-'))).toEqual([]);
  });
});

describe('the demo sample (samples/cloudtrail)', () => {
  const root = fileURLToPath(new URL('../../../samples/cloudtrail/', import.meta.url));
  const files = readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json.gz'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();

  it('raises region hopping and the discovery → enablement → invocation sequence for the leaked key only', () => {
    expect(files.length).toBeGreaterThan(0);
    const detector = new Detector(allRules);
    for (const file of files) {
      const { Records } = JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as {
        Records: Record<string, unknown>[];
      };
      Records.forEach((rec, i) => {
        detector.observe(rec, { file, record: i });
      });
    }
    const found = detector.results().filter((f) => correlations.some((c) => c.name === f.finding.ruleId));
    const leaked = 'arn:aws:iam::111122223333:user/ci-deploy';
    // Only the intrusion: no correlation finding about the benign identities of the sample.
    expect(new Set(found.map((f) => f.finding.subject.id))).toEqual(new Set([leaked]));
    const byRule = new Map(found.map((f) => [f.finding.ruleId, f.finding]));
    const hop = byRule.get('jackstop.aws.bedrock.region-hopping');
    expect(hop?.evidence.regions).toEqual(['us-east-1', 'us-west-2', 'eu-west-3', 'ap-northeast-1']);
    expect(hop?.evidence.eventNames).toEqual(['ListFoundationModels', 'GetFoundationModelAvailability']);
    expect(hop?.severity).toBe('high');
    const sequence = byRule.get('jackstop.aws.bedrock.discover-enable-invoke');
    expect(sequence?.severity).toBe('critical');
    // The chain with the latest start: the last discovery and enablement steps before the invocations.
    expect(sequence?.evidence.eventNames).toEqual([
      'GetFoundationModelAvailability',
      'PutFoundationModelEntitlement',
      'InvokeModelWithResponseStream',
    ]);
    expect(sequence?.evidence.accessKeyIds).toHaveLength(1);
    expect(sequence?.remediation).toContain(`--access-key-id ${sequence?.evidence.accessKeyIds[0]}`);
    expect([...byRule.keys()].sort()).toEqual([
      'jackstop.aws.bedrock.discover-enable-invoke',
      'jackstop.aws.bedrock.invoke-many-source-ips',
      'jackstop.aws.bedrock.key-validation-then-invoke',
      'jackstop.aws.bedrock.logging-check-then-invoke',
      'jackstop.aws.bedrock.region-hopping',
    ]); // two refused invocations are too few for invoke-error-burst
    expect(detector.stats.correlation).toMatchObject({ late: 0, evictedGroups: 0, droppedEvents: 0 });
  });
});
