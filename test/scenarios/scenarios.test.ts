/**
 * Acceptance of issue 3 (anomalies): weeks of generated quiet usage raise no anomaly; the same
 * baseline with an LLMjacking episode is found within the episode's first hour, with a $ figure.
 * Raw records go the whole way: normalizeEvent → usageSampleOf → UsageAggregator → detectAnomalies.
 */
import { describe, expect, it } from 'vitest';
import { detectAnomalies } from '../../src/detect/anomaly/index.js';
import type { Finding } from '../../src/domain/index.js';
import { normalizeEvent } from '../../src/events/index.js';
import { UsageAggregator, type UsageHour, usageSampleOf } from '../../src/usage/index.js';
import { type EpisodeOptions, generateScenario, type Scenario } from './generator.js';

const START = '2026-10-05T00:00:00Z'; // a Monday
const WEEKS = 5;
const HOUR = 3_600_000;
/** Saturday of week 5, 02:30 UTC: nobody but the nightly jobs is at work. */
const EPISODE_START = '2026-11-07T02:30:00Z';

function hoursOf(sc: Scenario, until = Number.POSITIVE_INFINITY): UsageHour[] {
  const agg = new UsageAggregator();
  for (const rec of sc.records) {
    if (Date.parse(rec.time) >= until) break;
    const s = usageSampleOf(normalizeEvent(rec.kind, rec.record));
    if (s) agg.observe(s);
  }
  return agg.hours();
}

/** The first week is history; every later hour is evaluated in turn, as an hourly job would. */
function evaluate(hours: readonly UsageHour[]): Finding[] {
  const cut = Date.parse(START) + 7 * 24 * HOUR;
  return detectAnomalies(
    hours.filter((h) => Date.parse(h.hour) < cut),
    hours.filter((h) => Date.parse(h.hour) >= cut),
  );
}

const scenario = (episode?: EpisodeOptions) => generateScenario({ seed: 7, start: START, weeks: WEEKS, episode });

describe('generated scenarios', () => {
  const baseline = scenario();

  it('the generator is seeded, mixes both logs and spans the weeks asked for', () => {
    const again = scenario();
    expect(again.records.length).toBe(baseline.records.length);
    expect(again.records[1000]).toEqual(baseline.records[1000]);
    const kinds = new Set(baseline.records.map((r) => r.kind));
    expect(kinds).toEqual(new Set(['aws.cloudtrail', 'aws.bedrock.invocation']));
    expect(baseline.records[0]!.time < '2026-10-05T02:00:00Z').toBe(true);
    expect(baseline.records.at(-1)!.time > '2026-11-08T20:00:00Z').toBe(true);
    expect(generateScenario({ seed: 8, start: START, weeks: 1 }).records[50]).not.toEqual(baseline.records[50]);
  });

  it(`${WEEKS} weeks of quiet baseline raise no anomaly`, () => {
    const hours = hoursOf(baseline);
    expect(hours.length).toBeGreaterThan(2000);
    expect(evaluate(hours).map((f) => `${f.ruleId} ${f.subject.id}: ${f.description}`)).toEqual([]);
  });

  for (const kind of ['new-key', 'stolen-key'] as const) {
    it(`a ${kind} episode is found within its first hour, with its cost`, () => {
      const sc = scenario({ kind, start: EPISODE_START });
      const ep = sc.episode!;
      const firstHourEnd = Date.parse(ep.start) + HOUR;
      // Only the records of the episode's first hour (and everything before) are known.
      const findings = evaluate(hoursOf(sc, firstHourEnd));
      const aboutEpisode = findings.filter(
        (f) => f.subject.id === ep.identity || f.subject.id === ep.accessKeyId || f.subject.kind === 'account',
      );
      expect(aboutEpisode.length).toBeGreaterThan(0);
      for (const f of aboutEpisode) {
        expect(Date.parse(f.firstSeen)).toBeLessThan(firstHourEnd);
        expect(Date.parse(f.firstSeen)).toBeGreaterThanOrEqual(Date.parse(ep.start) - HOUR);
      }
      // Nothing but the episode is flagged.
      expect(findings.filter((f) => !aboutEpisode.includes(f)).map((f) => f.ruleId)).toEqual([]);
      const rules = new Set(aboutEpisode.map((f) => f.ruleId.replace('jackstop.anomaly.', '')));
      if (kind === 'new-key') expect(rules).toContain('long-term-key-first-invocation');
      else
        for (const r of ['usage-spike', 'new-source-network', 'new-user-agent', 'off-hours-burst'])
          expect(rules).toContain(r);
      expect(rules).toContain('account-usage-spike');
      // The $ estimate: what the first hour cost (the episode starts at :30, so about half an hour of
      // abuse: ~$90 at the invocation logs' token counts, each call counted once), and what the key
      // could burn per day.
      const costed = aboutEpisode.filter((f) => (f.evidence.metrics?.costUsd ?? 0) > 50);
      expect(costed.length).toBeGreaterThan(0);
      const withRadius = aboutEpisode.find((f) => f.blastRadius);
      expect(withRadius?.blastRadius?.maxUsdPerDay).toBeGreaterThan(10_000);
      expect(withRadius?.blastRadius?.regions).toEqual(expect.arrayContaining(['us-east-1', 'us-west-2']));
    });
  }

  it('with the invocation log off for the attacker, the cost is an estimate from CloudTrail counts', () => {
    const sc = scenario({ kind: 'stolen-key', start: EPISODE_START, invocationLogs: false });
    const findings = evaluate(hoursOf(sc, Date.parse(sc.episode!.start) + HOUR));
    const spike = findings.find((f) => f.ruleId === 'jackstop.anomaly.usage-spike');
    expect(spike?.description).toContain('partly estimated from invocation counts');
    expect(spike?.evidence.metrics?.costUsd).toBeGreaterThan(20);
  });
});
