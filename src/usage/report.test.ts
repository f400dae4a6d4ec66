import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  buildUsageReport,
  chartData,
  PriceBook,
  parsePrices,
  renderUsageHtml,
  renderUsageText,
  sparkline,
  UsageAggregator,
  type UsageHour,
} from './index.js';
import { sample } from './testutil.js';

const book = new PriceBook(
  parsePrices(
    't.yml',
    `prices:
  - { provider: aws, model: 'm-*', inputPer1k: 1, outputPer1k: 1, source: 'https://e.com', asOf: '2025-01-01', ref: a }
`,
  ),
);

/** A quiet app identity for three hours, and an attacker key burning in the last hour. */
function rows(): UsageHour[] {
  const a = new UsageAggregator(book);
  for (const h of ['10', '11', '12'])
    a.observe(sample({ model: 'm-small', time: `2024-10-29T${h}:10:00Z`, inputTokens: 100, outputTokens: 100 }));
  for (let i = 0; i < 5; i++) {
    a.observe(
      sample({
        identity: 'arn:aws:iam::123456789012:user/leaked',
        accessKeyId: 'AKIALEAKED',
        model: 'm-big',
        region: 'eu-west-3',
        operation: 'InvokeModelWithResponseStream',
        time: `2024-10-29T12:2${i}:00Z`,
        inputTokens: undefined,
        outputTokens: undefined,
        sourceIp: '194.48.248.108',
      }),
    );
  }
  a.observe(sample({ model: 'mystery.model-v1', time: '2024-10-29T12:30:00Z' }));
  return a.hours();
}

describe('buildUsageReport', () => {
  const r = buildUsageReport(rows());

  it('totals, per identity, model and region, with the cost basis', () => {
    expect(r.hours).toEqual(['2024-10-29T10:00:00.000Z', '2024-10-29T11:00:00.000Z', '2024-10-29T12:00:00.000Z']);
    expect(r.totals).toMatchObject({ invocations: 9, errors: 0, basis: 'partly estimated' });
    // app: 3 × 0.2 USD; leaked: 5 streaming calls × (3000 + 600) tokens × 1 USD/1k; mystery model unpriced.
    expect(r.totals.costUsd).toBeCloseTo(0.6 + 18, 6);
    const [top, app] = r.byIdentity;
    expect(top).toMatchObject({
      name: 'arn:aws:iam::123456789012:user/leaked',
      invocations: 5,
      basis: 'estimated',
      accessKeyIds: ['AKIALEAKED'],
      regions: ['eu-west-3'],
      sourceIps: ['194.48.248.108'],
      costByHour: [0, 0, 18],
    });
    expect(app).toMatchObject({ invocations: 4, basis: 'partly estimated', costByHour: [0.2, 0.2, 0.2] });
    expect(r.byModel.map((g) => g.name)).toEqual(['m-big', 'm-small', 'mystery.model-v1']);
    expect(r.byRegion.map((g) => [g.name, g.invocations])).toEqual([
      ['eu-west-3', 5],
      ['us-east-1', 4],
    ]);
    expect(r.topSpenders[0]).toMatchObject({ identity: 'arn:aws:iam::123456789012:user/leaked', share: 0.968 });
  });

  it('lists unpriced models with their invocations', () => {
    // m-* exist only in the test book: the report checks the built-in table.
    expect(r.unpriced).toEqual(
      expect.arrayContaining([{ provider: 'aws', model: 'mystery.model-v1', invocations: 1 }]),
    );
  });

  it('is empty for no rows', () => {
    expect(buildUsageReport([])).toMatchObject({
      hours: [],
      totals: { invocations: 0, basis: 'none' },
      byIdentity: [],
    });
  });
});

describe('sparkline', () => {
  it('scales to the largest bucket, marks empty buckets, and buckets long series', () => {
    expect(sparkline([0, 1, 2, 4, 8])).toBe('·▂▃▅█');
    expect(sparkline([1, 1, 0, 0, 5, 5], 3)).toBe('▂·█');
    expect(sparkline([])).toBe('');
  });
});

describe('renderUsageText', () => {
  it('shows totals, each identity with a trend, top spenders and unpriced models', () => {
    const text = renderUsageText(buildUsageReport(rows()));
    expect(text).toMatch(/9 invocations, 0 failed, \$18\.60 ≈ \(partly estimated\)/);
    expect(text).toMatch(/arn:aws:iam::123456789012:user\/leaked\s+5\s+0\s+—\s+\$18\.00 ~\s+··█/);
    expect(text).toMatch(/1\. arn:aws:iam::123456789012:user\/leaked {2}\$18\.00 ~ \(97%\)/);
    expect(text).toMatch(/aws mystery\.model-v1: 1 invocations/);
    expect(renderUsageText(buildUsageReport([]))).toBe('No model invocations.\n');
  });
});

describe('renderUsageHtml', () => {
  const report = buildUsageReport(rows());
  const html = renderUsageHtml(report, { generatedAt: '2024-10-30T00:00:00.000Z' });

  it('is self-contained: echarts inlined, nothing loaded from elsewhere', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/i);
    expect(html.length).toBeGreaterThan(900_000); // the minified echarts build
    expect(html).toContain('id="cost-per-hour"');
    expect(html).toContain('id="cost-by-model"');
  });

  it('embeds chart data equal to the aggregates', () => {
    const json = /<script id="usage-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!;
    const data = JSON.parse(json);
    expect(data).toEqual(chartData(report));
    const sum = data.costPerHourByIdentity
      .flatMap((s: { data: number[] }) => s.data)
      .reduce((a: number, b: number) => a + b, 0);
    expect(sum).toBeCloseTo(report.totals.costUsd, 6);
    expect(
      data.costByModel.map((m: { value: number }) => m.value).reduce((a: number, b: number) => a + b, 0),
    ).toBeCloseTo(report.totals.costUsd, 6);
  });

  it("the page's own script gives echarts a stacked series per identity and a pie by model", () => {
    const script = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!).at(-1)!;
    const options: Record<string, unknown>[] = [];
    const data = /<script id="usage-data" type="application\/json">(.*?)<\/script>/s.exec(html)![1]!;
    runInNewContext(script, {
      document: { getElementById: (id: string) => (id === 'usage-data' ? { textContent: data } : { id }) },
      window: { addEventListener: () => {} },
      echarts: { init: () => ({ setOption: (o: Record<string, unknown>) => options.push(o), resize() {} }) },
      JSON,
    });
    expect(options).toHaveLength(2);
    const bars = options[0]!.series as { name: string; stack: string; data: number[] }[];
    expect(bars.map((s) => [s.name, s.stack, s.data])).toEqual(
      report.byIdentity.map((g) => [g.name, 'cost', g.costByHour]),
    );
    expect((options[1]!.series as { data: unknown[] }[])[0]!.data).toHaveLength(report.byModel.length);
  });

  it('escapes names so a hostile identity cannot inject markup', () => {
    const evil = buildUsageReport([{ ...rows()[0]!, identity: '</script><img src=x onerror=alert(1)>' }]);
    const page = renderUsageHtml(evil);
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;/script&gt;&lt;img src=x');
  });
});
