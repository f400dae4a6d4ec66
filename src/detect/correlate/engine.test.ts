/**
 * Correlation conformance: each correlation type, group-by (also missing fields), aliases, window
 * boundaries (a window is [e − timespan, e], both ends inclusive), late and out-of-order events,
 * the group cap, and what a match reports. Rules are real Sigma YAML; events are plain records.
 */
import { describe, expect, it } from 'vitest';
import {
  type CompiledRule,
  compileRule,
  type DetectionRule,
  parseSigma,
  resolveCorrelations,
  type SigmaRule,
} from '../sigma/index.js';
import { CorrelationEngine, type CorrelationMatch, type CorrelationOptions } from './index.js';

const BASES = `
title: failed login
name: failed
logsource: {product: test}
detection: {s: {action: fail}, condition: s}
---
title: good login
name: success
logsource: {product: test}
detection: {s: {action: ok}, condition: s}
---
title: recon
name: recon
logsource: {product: test}
detection: {s: {action: recon}, condition: s}
`;

function rulesOf(yaml: string): SigmaRule[] {
  return parseSigma(yaml, { file: 'test.yml' }).map((r) => {
    if (!r.ok) throw new Error(r.error.render());
    return r.rule;
  });
}

const T0 = Date.parse('2025-01-01T00:00:00Z');
type Rec = Record<string, unknown> & { sec: number; id?: string };

/** A harness: the correlation plus the base rules, fed records in the given order. */
function run(correlation: string, records: Rec[], opts?: CorrelationOptions) {
  const rules = rulesOf(`${correlation}\n---\n${BASES}`);
  const { correlations, errors } = resolveCorrelations(rules);
  expect(errors).toEqual([]);
  const compiled: CompiledRule[] = rules.filter((r): r is DetectionRule => r.kind === 'detection').map(compileRule);
  const engine = new CorrelationEngine<string>(correlations, opts);
  const matches: CorrelationMatch<string>[] = [];
  records.forEach((rec, i) => {
    const hits = compiled.filter((c) => c.match(rec)).map((c) => c.rule);
    const id = rec.id ?? `e${i}`;
    matches.push(...engine.observe(hits, rec, new Date(T0 + rec.sec * 1000).toISOString(), id, id));
  });
  matches.push(...engine.flush());
  return { matches, engine, ids: matches.flatMap((m) => m.eventIds) };
}

const corr = (body: string) => `title: the correlation\nid: c1\ncorrelation:\n${body}`;

describe('event_count', () => {
  const rule = corr(
    '  type: event_count\n  rules: [failed]\n  group-by: [user]\n  timespan: 60s\n  condition: {gte: 3}\n',
  );

  it('fires when the count reaches the threshold within the timespan, per group', () => {
    const { matches } = run(rule, [
      { sec: 0, action: 'fail', user: 'a' },
      { sec: 10, action: 'fail', user: 'b' },
      { sec: 20, action: 'fail', user: 'a' },
      { sec: 30, action: 'ok', user: 'a' },
      { sec: 40, action: 'fail', user: 'a' },
    ]);
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({
      groupKey: 'user=a',
      group: { user: 'a' },
      count: 3,
      eventIds: ['e0', 'e2', 'e4'],
      first: '2025-01-01T00:00:00.000Z',
      last: '2025-01-01T00:00:40.000Z',
    });
  });

  it('includes both window ends: events exactly timespan apart share a window', () => {
    const at = (secs: number[]) =>
      run(
        rule,
        secs.map((sec) => ({ sec, action: 'fail', user: 'a' })),
      ).matches;
    expect(at([0, 30, 60])).toHaveLength(1);
    expect(at([0, 30, 61])).toHaveLength(0);
  });

  it('re-reports only new events while the condition keeps holding; never the same event twice', () => {
    const { matches, ids } = run(
      rule,
      [0, 1, 2, 3, 4].map((sec) => ({ sec, action: 'fail', user: 'a' })),
    );
    expect(matches.map((m) => m.eventIds)).toEqual([['e0', 'e1', 'e2'], ['e3'], ['e4']]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a range condition (gt + lte) holds only inside the range', () => {
    const ranged = corr(
      '  type: event_count\n  rules: [failed]\n  group-by: [user]\n  timespan: 1m\n  condition: {gt: 1, lte: 2}\n',
    );
    const { matches } = run(
      ranged,
      [0, 1, 2].map((sec) => ({ sec, action: 'fail', user: 'a' })),
    );
    expect(matches.map((m) => m.count)).toEqual([2]);
  });

  it('counts events without group-by as one group', () => {
    const global = corr('  type: event_count\n  rules: [failed]\n  timespan: 1m\n  condition: {gte: 2}\n');
    const { matches } = run(global, [
      { sec: 0, action: 'fail', user: 'a' },
      { sec: 1, action: 'fail', user: 'b' },
    ]);
    expect(matches).toHaveLength(1);
    expect(matches[0]!.groupKey).toBe('');
  });

  it('skips events that lack a group-by field (they form no group) and counts them', () => {
    const { matches, engine } = run(rule, [
      { sec: 0, action: 'fail' },
      { sec: 1, action: 'fail' },
      { sec: 2, action: 'fail', user: 'a' },
      { sec: 3, action: 'fail', user: '' },
    ]);
    expect(matches).toEqual([]);
    expect(engine.stats.missingField).toBe(3);
  });

  it('reads nested and multi-field group keys', () => {
    const two = corr(
      '  type: event_count\n  rules: [failed]\n  group-by: [who.user, host]\n  timespan: 1m\n  condition: {gte: 2}\n',
    );
    const { matches } = run(two, [
      { sec: 0, action: 'fail', who: { user: 'a' }, host: 'h1' },
      { sec: 1, action: 'fail', who: { user: 'a' }, host: 'h2' },
      { sec: 2, action: 'fail', who: { user: 'a' }, host: 'h1' },
    ]);
    expect(matches.map((m) => m.groupKey)).toEqual(['who.user=a, host=h1']);
  });
});

describe('value_count', () => {
  const rule = corr(
    '  type: value_count\n  rules: [success]\n  group-by: [user]\n  timespan: 1h\n  condition: {field: ip, gte: 3}\n',
  );

  it('counts distinct values of the field in the window', () => {
    const { matches } = run(rule, [
      { sec: 0, action: 'ok', user: 'a', ip: '1.1.1.1' },
      { sec: 10, action: 'ok', user: 'a', ip: '1.1.1.1' },
      { sec: 20, action: 'ok', user: 'a', ip: '2.2.2.2' },
      { sec: 30, action: 'ok', user: 'b', ip: '3.3.3.3' },
      { sec: 40, action: 'ok', user: 'a', ip: '3.3.3.3' },
    ]);
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({ count: 3, groupKey: 'user=a', eventIds: ['e0', 'e1', 'e2', 'e4'] });
  });

  it('forgets values that left the window', () => {
    const { matches } = run(rule, [
      { sec: 0, action: 'ok', user: 'a', ip: '1.1.1.1' },
      { sec: 1800, action: 'ok', user: 'a', ip: '2.2.2.2' },
      { sec: 3601, action: 'ok', user: 'a', ip: '3.3.3.3' },
    ]);
    expect(matches).toEqual([]);
  });

  it('skips events without the counted field', () => {
    const { matches, engine } = run(rule, [
      { sec: 0, action: 'ok', user: 'a', ip: '1.1.1.1' },
      { sec: 1, action: 'ok', user: 'a' },
      { sec: 2, action: 'ok', user: 'a', ip: '2.2.2.2' },
    ]);
    expect(matches).toEqual([]);
    expect(engine.stats.missingField).toBe(1);
  });
});

describe('temporal', () => {
  const rule = corr('  type: temporal\n  rules: [recon, failed, success]\n  group-by: [user]\n  timespan: 5m\n');

  it('fires when every referenced rule matched within the timespan, in any order', () => {
    const { matches } = run(rule, [
      { sec: 0, action: 'ok', user: 'a' },
      { sec: 10, action: 'fail', user: 'a' },
      { sec: 20, action: 'recon', user: 'b' },
      { sec: 30, action: 'recon', user: 'a' },
    ]);
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({ count: 3, eventIds: ['e0', 'e1', 'e3'] });
  });

  it('does not fire when one rule is missing or outside the window', () => {
    expect(
      run(rule, [
        { sec: 0, action: 'ok', user: 'a' },
        { sec: 10, action: 'fail', user: 'a' },
        { sec: 311, action: 'recon', user: 'a' },
      ]).matches,
    ).toEqual([]);
    expect(
      run(rule, [
        { sec: 0, action: 'ok', user: 'a' },
        { sec: 300, action: 'fail', user: 'a' },
        { sec: 300, action: 'recon', user: 'a' },
      ]).matches,
    ).toHaveLength(1);
  });

  it('a condition lowers the bar to N of the rules', () => {
    const twoOf = corr(
      '  type: temporal\n  rules: [recon, failed, success]\n  group-by: [user]\n  timespan: 5m\n  condition: {gte: 2}\n',
    );
    expect(
      run(twoOf, [
        { sec: 0, action: 'ok', user: 'a' },
        { sec: 1, action: 'recon', user: 'a' },
      ]).matches,
    ).toHaveLength(1);
  });
});

describe('temporal_ordered', () => {
  const rule = corr(
    '  type: temporal_ordered\n  rules: [recon, failed, success]\n  group-by: [user]\n  timespan: 5m\n',
  );

  it('fires only when the rules matched in the listed order', () => {
    const inOrder = run(rule, [
      { sec: 0, action: 'recon', user: 'a' },
      { sec: 10, action: 'fail', user: 'a' },
      { sec: 20, action: 'ok', user: 'a' },
    ]);
    expect(inOrder.matches).toHaveLength(1);
    expect(inOrder.matches[0]).toMatchObject({
      count: 3,
      eventIds: ['e0', 'e1', 'e2'],
      first: '2025-01-01T00:00:00.000Z',
    });
    const wrongOrder = run(rule, [
      { sec: 0, action: 'fail', user: 'a' },
      { sec: 10, action: 'recon', user: 'a' },
      { sec: 20, action: 'ok', user: 'a' },
    ]);
    expect(wrongOrder.matches).toEqual([]);
  });

  it('uses the latest possible start, so a fresh start inside the window still completes', () => {
    const { matches } = run(rule, [
      { sec: 0, action: 'recon', user: 'a' },
      { sec: 200, action: 'recon', user: 'a' },
      { sec: 250, action: 'fail', user: 'a' },
      { sec: 400, action: 'ok', user: 'a' },
    ]);
    expect(matches).toHaveLength(1);
    expect(matches[0]!.eventIds).toEqual(['e1', 'e2', 'e3']);
  });

  it('needs the whole chain within the timespan (boundary inclusive)', () => {
    const at = (okSec: number) =>
      run(rule, [
        { sec: 0, action: 'recon', user: 'a' },
        { sec: 100, action: 'fail', user: 'a' },
        { sec: okSec, action: 'ok', user: 'a' },
      ]).matches.length;
    expect(at(300)).toBe(1);
    expect(at(301)).toBe(0);
  });

  it('one event cannot fill two steps, even if it matches both rules', () => {
    const overlapping = `title: c
id: c1
correlation:
  type: temporal_ordered
  rules: [any_login, success]
  group-by: [user]
  timespan: 5m
---
title: any login
name: any_login
logsource: {product: test}
detection: {s: {action: [ok, fail]}, condition: s}`;
    const rules = rulesOf(`${overlapping}\n---\n${BASES}`);
    const { correlations } = resolveCorrelations(rules);
    const compiled = rules.filter((r): r is DetectionRule => r.kind === 'detection').map(compileRule);
    const engine = new CorrelationEngine<string>(correlations);
    const feed = (sec: number, action: string, id: string) =>
      engine.observe(
        compiled.filter((c) => c.match({ action })).map((c) => c.rule),
        { action, user: 'a' },
        new Date(T0 + sec * 1000).toISOString(),
        id,
        id,
      );
    expect(feed(0, 'ok', 'x')).toEqual([]);
    expect(feed(1, 'ok', 'y').map((m) => m.eventIds)).toEqual([['x', 'y']]);
  });
});

describe('aliases', () => {
  it('groups events of different rules by different field names', () => {
    const rule = corr(`  type: temporal
  rules: [failed, success]
  group-by: [account]
  timespan: 1m
  aliases:
    account:
      failed: target_user
      success: user
`);
    const { matches } = run(rule, [
      { sec: 0, action: 'fail', target_user: 'alice', user: 'mallory' },
      { sec: 1, action: 'ok', user: 'alice' },
    ]);
    expect(matches).toHaveLength(1);
    expect(matches[0]!.group).toEqual({ account: 'alice' });
  });
});

describe('time: late and out-of-order events, expiry and caps', () => {
  const rule = corr(
    '  type: event_count\n  rules: [failed]\n  group-by: [user]\n  timespan: 60s\n  condition: {gte: 3}\n',
  );

  it('an event within the tolerance counts in the window it belongs to', () => {
    const { matches } = run(rule, [
      { sec: 0, action: 'fail', user: 'a' },
      { sec: 100, action: 'fail', user: 'a' },
      { sec: 50, action: 'fail', user: 'a' }, // out of order by 50 s
    ]);
    // windows ending at 50 ([-10, 50]) and 100 ([40, 100]) hold 2 events each: no match
    expect(matches).toEqual([]);
    const completes = run(rule, [
      { sec: 0, action: 'fail', user: 'a' },
      { sec: 40, action: 'fail', user: 'a' },
      { sec: 100, action: 'fail', user: 'a' },
      { sec: 30, action: 'fail', user: 'a' }, // completes [−20, 40]
    ]);
    expect(completes.matches).toHaveLength(1);
    expect(completes.matches[0]!.eventIds).toEqual(['e0', 'e3', 'e1']);
  });

  it('drops and counts events older than the watermark (newest time − tolerance)', () => {
    const { matches, engine } = run(
      rule,
      [
        { sec: 1000, action: 'fail', user: 'a' },
        { sec: 0, action: 'fail', user: 'a' },
        { sec: 1, action: 'fail', user: 'a' },
        { sec: 2, action: 'fail', user: 'a' },
      ],
      { outOfOrderToleranceMs: 60_000 },
    );
    expect(matches).toEqual([]);
    expect(engine.stats.late).toBe(3);
  });

  it('expires groups by event time and keeps at most maxGroups live', () => {
    const many: Rec[] = [];
    for (let i = 0; i < 5000; i++) many.push({ sec: i * 10, action: 'fail', user: `u${i}` });
    const expired = run(rule, many, { outOfOrderToleranceMs: 0 });
    expect(expired.engine.liveGroups).toBe(0); // flushed
    const capped = run(
      rule,
      [
        { sec: 0, action: 'fail', user: 'a' },
        { sec: 1, action: 'fail', user: 'b' },
        { sec: 2, action: 'fail', user: 'c' },
        { sec: 3, action: 'fail', user: 'a' },
        { sec: 4, action: 'fail', user: 'a' },
      ],
      { maxGroups: 2 },
    );
    // `a` was evicted when `c` arrived, so its first event is forgotten
    expect(capped.matches).toEqual([]);
    expect(capped.engine.stats.evictedGroups).toBe(2);
  });

  it('keeps live groups bounded on a long stream', () => {
    const rules = rulesOf(`${rule}\n---\n${BASES}`);
    const { correlations } = resolveCorrelations(rules);
    const failed = rules.find((r): r is DetectionRule => r.kind === 'detection' && r.name === 'failed')!;
    const engine = new CorrelationEngine<null>(correlations, { outOfOrderToleranceMs: 0 });
    let peak = 0;
    for (let i = 0; i < 50_000; i++) {
      engine.observe([failed], { user: `u${i % 5000}` }, new Date(T0 + i * 100).toISOString(), `e${i}`, null);
      peak = Math.max(peak, engine.liveGroups);
    }
    // 60 s at 10 events/s: ~600 groups can be live, plus up to one sweep interval of expired ones
    expect(peak).toBeLessThan(2000);
  });

  it('caps the events held per group (the count saturates, the oldest go first)', () => {
    const { matches, engine } = run(
      rule,
      [0, 1, 2, 3].map((sec) => ({ sec, action: 'fail', user: 'a' })),
      { maxEventsPerGroup: 2 },
    );
    expect(matches).toEqual([]);
    expect(engine.stats.droppedEvents).toBe(2);
  });
});

describe('a match', () => {
  it('caps the payload sample but lists every contributing id', () => {
    const rule = corr(
      '  type: event_count\n  rules: [failed]\n  group-by: [user]\n  timespan: 1h\n  condition: {gte: 30}\n',
    );
    const { matches } = run(
      rule,
      Array.from({ length: 30 }, (_, i) => ({ sec: i, action: 'fail', user: 'a' })),
      { sampleSize: 5 },
    );
    expect(matches).toHaveLength(1);
    expect(matches[0]!.eventIds).toHaveLength(30);
    expect(matches[0]!.sample).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
  });
});
