import { describe, expect, it } from 'vitest';
import {
  costOf,
  hourOf,
  PriceBook,
  parsePrices,
  USAGE_VALUE_CAP,
  UsageAggregator,
  UsageIngest,
  usageSampleOf,
} from './index.js';
import { eventAround, sample } from './testutil.js';

const book = new PriceBook(
  parsePrices(
    't.yml',
    `prices:
  - { provider: aws, model: 'm-*', inputPer1k: 0.003, outputPer1k: 0.015, source: 'https://e.com', asOf: '2025-01-01', ref: a }
`,
  ),
);

describe('costOf', () => {
  it('is exact from tokens', () => {
    expect(costOf(sample({ model: 'm-1', inputTokens: 2000, outputTokens: 1000 }), book)).toEqual({
      usd: 0.021,
      basis: 'tokens',
    });
  });
  it('estimates from the assumed size of the call kind when the log has no tokens', () => {
    const chat = costOf(sample({ model: 'm-1', inputTokens: undefined, outputTokens: undefined }), book);
    // chat: 1000 in + 300 out (operations.yml)
    expect(chat).toMatchObject({ usd: 0.0075, basis: 'estimated-from-invocations' });
    expect(chat.note).toMatch(/1000 input \+ 300 output tokens per chat call/);
    const stream = costOf(
      sample({ model: 'm-1', operation: 'ConverseStream', inputTokens: undefined, outputTokens: undefined }),
      book,
    );
    expect(stream).toMatchObject({ usd: 0.018, basis: 'estimated-from-invocations' });
  });
  it('charges nothing for failed calls and says when a model is unpriced', () => {
    expect(costOf(sample({ model: 'm-1', ok: false, errorCode: 'ValidationException' }), book).usd).toBe(0);
    expect(costOf(sample({ model: 'other' }), book)).toMatchObject({ usd: 0, basis: 'unpriced' });
  });
  it('uses the built-in table by default', () => {
    // claude-3-haiku: $0.00025 / $0.00125 per 1k.
    expect(costOf(sample({ inputTokens: 1000, outputTokens: 1000 })).usd).toBeCloseTo(0.0015, 9);
  });
});

describe('UsageAggregator', () => {
  it('sums per hour × account × identity × key × model × region', () => {
    const a = new UsageAggregator(book);
    a.observe(sample({ model: 'm-1', time: '2024-10-29T15:01:00Z' }));
    a.observe(sample({ model: 'm-1', time: '2024-10-29T15:59:59Z', ok: false, errorCode: 'X' }));
    a.observe(sample({ model: 'm-1', time: '2024-10-29T16:00:00Z', inputTokens: undefined, outputTokens: undefined }));
    a.observe(sample({ model: 'm-1', time: '2024-10-29T15:30:00Z', region: 'us-west-2' }));
    const hours = a.hours();
    expect(hours.map((h) => [h.hour, h.region, h.invocations, h.errors])).toEqual([
      ['2024-10-29T15:00:00.000Z', 'us-east-1', 2, 1],
      ['2024-10-29T15:00:00.000Z', 'us-west-2', 1, 0],
      ['2024-10-29T16:00:00.000Z', 'us-east-1', 1, 0],
    ]);
    expect(hours[0]).toMatchObject({ inputTokens: 2000, outputTokens: 2000, costUsd: 0.018, estimated: false });
    expect(hours[2]).toMatchObject({ inputTokens: 0, costUsd: 0.0075, estimated: true });
  });
  it('keeps distinct IPs and user agents, capped', () => {
    const a = new UsageAggregator(book);
    for (let i = 0; i < 30; i++) a.observe(sample({ model: 'm-1', sourceIp: `203.0.113.${i % 25}`, userAgent: 'ua' }));
    const [h] = a.hours();
    expect(h!.invocations).toBe(30);
    expect(h!.sourceIps).toHaveLength(USAGE_VALUE_CAP);
    expect(h!.sourceIps[0]).toBe('203.0.113.0');
    expect(h!.userAgents).toEqual(['ua']);
  });
  it('hourOf zeroes minutes and rejects non-times', () => {
    expect(hourOf('2024-10-29T15:51:44.123Z')).toBe('2024-10-29T15:00:00.000Z');
    expect(() => hourOf('yesterday')).toThrow(/not a time/);
  });
});

describe('UsageIngest watermarks', () => {
  const raw = (i: number) => ({
    eventSource: 'bedrock.amazonaws.com',
    eventName: 'InvokeModel',
    requestParameters: { modelId: 'm-1' },
    n: i,
  });
  const ev = (i: number) =>
    eventAround(raw(i), {
      time: `2024-10-29T15:0${i}:00.000Z`,
      actor: { id: 'arn:aws:iam::1:user/a' },
      action: { service: 'bedrock.amazonaws.com', operation: 'InvokeModel' },
      target: { model: 'm-1', resources: [] },
    });

  it('counts a file once across passes, and only records after the mark', () => {
    const first = new UsageIngest({ book });
    for (let i = 1; i <= 3; i++) first.observe(ev(i), { file: '/logs/a.ndjson', line: i });
    expect(first.stats).toEqual({ records: 3, alreadyCounted: 0, invocations: 3 });
    const marks = first.marks();
    expect(marks).toEqual([{ source: '/logs/a.ndjson', line: 3, record: 0 }]);

    // The file grew by two lines; the second pass starts from the stored mark.
    const second = new UsageIngest({ book, marks });
    for (let i = 1; i <= 5; i++) second.observe(ev(i), { file: '/logs/a.ndjson', line: i });
    expect(second.stats).toEqual({ records: 5, alreadyCounted: 3, invocations: 2 });
    expect(second.hours()[0]!.invocations).toBe(2);
    // The report side still sees everything read.
    expect(second.all.hours()[0]!.invocations).toBe(5);
    expect(second.marks()).toEqual([
      { source: '/logs/a.ndjson', line: 5, record: 0, previous: { line: 3, record: 0 } },
    ]);
  });
  it('keeps every read call in `all` and the new ones in `hours()`, as two separate aggregations would', () => {
    const reads: [number, string][] = [
      [1, '/l/new.ndjson'],
      [2, '/l/new.ndjson'],
      [1, '/l/old.ndjson'], // counted by an earlier run: from here on the two views differ
      [3, '/l/new.ndjson'],
      [2, '/l/old.ndjson'],
      [4, '/l/old.ndjson'], // past the old mark
      [5, '/l/new.ndjson'],
    ];
    const ingest = new UsageIngest({ book, marks: [{ source: '/l/old.ndjson', line: 3, record: 0 }] });
    const all = new UsageAggregator(book);
    const fresh = new UsageAggregator(book);
    for (const [i, file] of reads) {
      const counted = ingest.observe(ev(i), { file, line: i });
      const s = usageSampleOf(ev(i))!;
      all.observe(s);
      if (counted) fresh.observe(s);
    }
    expect(ingest.stats).toEqual({ records: 7, alreadyCounted: 2, invocations: 5 });
    expect(ingest.all.hours()).toEqual(all.hours());
    expect(ingest.hours()).toEqual(fresh.hours());
    expect(ingest.all.hours()[0]!.invocations).toBe(7);
    expect(ingest.hours()[0]!.invocations).toBe(5);
  });
  it('orders JSON-list records by (line, record), and always counts stdin', () => {
    const ingest = new UsageIngest({ book, marks: [{ source: '/l/b.json', line: 0, record: 4 }] });
    ingest.observe(ev(1), { file: '/l/b.json', record: 4 });
    ingest.observe(ev(2), { file: '/l/b.json', record: 5 });
    ingest.observe(ev(3), { file: '-', line: 1 });
    ingest.observe(ev(3), { file: '-', line: 1 });
    expect(ingest.stats).toEqual({ records: 4, alreadyCounted: 1, invocations: 3 });
  });
  it('moves marks over records that are not invocations too', () => {
    const ingest = new UsageIngest({ book });
    ingest.observe(undefined, { file: '/l/c.json', record: 0 });
    ingest.observe(eventAround({ eventSource: 's3.amazonaws.com' }), { file: '/l/c.json', record: 1 });
    expect(ingest.stats.invocations).toBe(0);
    expect(ingest.marks()).toEqual([{ source: '/l/c.json', line: 0, record: 1 }]);
  });
});

describe('one call logged twice (CloudTrail and model invocation logging)', () => {
  const trail = sample({
    model: 'm-1',
    requestId: 'req-1',
    accessKeyId: 'AKIAEXAMPLE000000001',
    sourceIp: '194.48.248.108',
    userAgent: 'axios/1.7.4',
    inputTokens: undefined,
    outputTokens: undefined,
  });
  const invocationLog = sample({
    model: 'm-1',
    requestId: 'req-1',
    accessKeyId: undefined,
    sourceIp: undefined,
    userAgent: undefined,
    inputTokens: 2000,
    outputTokens: 1000,
  });

  it.each([
    ['CloudTrail first', [trail, invocationLog]],
    ['invocation log first', [invocationLog, trail]],
  ])('counts it once, priced from its tokens (%s)', (_, order) => {
    const agg = new UsageAggregator(book);
    for (const s of order) agg.observe(s);
    const rows = agg.hours();
    expect(rows.reduce((n, r) => n + r.invocations, 0)).toBe(1);
    expect(rows.reduce((n, r) => n + r.costUsd, 0)).toBeCloseTo(0.021, 9);
    expect(rows.reduce((n, r) => n + r.inputTokens, 0)).toBe(2000);
    expect(rows.flatMap((r) => r.sourceIps)).toEqual(['194.48.248.108']);
    expect(agg.duplicates).toBe(1);
  });

  it('keeps the key CloudTrail saw when the token-bearing record comes second', () => {
    const agg = new UsageAggregator(book);
    agg.observe(trail);
    agg.observe(invocationLog);
    expect(agg.hours()).toMatchObject([{ accessKeyId: 'AKIAEXAMPLE000000001', invocations: 1 }]);
  });

  it('counts different requests, and the same id far apart in time, separately', () => {
    const agg = new UsageAggregator(book);
    agg.observe(trail);
    agg.observe({ ...trail, requestId: 'req-2' });
    const later = new Date(Date.parse(trail.time) + 3 * 3_600_000).toISOString();
    agg.observe({ ...invocationLog, time: later });
    expect(agg.hours().reduce((n, r) => n + r.invocations, 0)).toBe(3);
    expect(agg.duplicates).toBe(0);
  });
});
