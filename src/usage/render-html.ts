import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { errorMessage, JackstopError } from '../errors.js';
import { formatUsd } from './render-text.js';
import type { UsageReport } from './report.js';

/** echarts' minified browser build, inlined so the report opens offline. */
function echartsSource(): string {
  try {
    const require = createRequire(import.meta.url);
    const pkg = require.resolve('echarts/package.json');
    return readFileSync(pkg.replace(/package\.json$/, 'dist/echarts.min.js'), 'utf8');
  } catch (e) {
    throw new JackstopError(
      'JACKSTOP_EXPORT_ERROR',
      `cannot read echarts' browser build for the HTML report (${errorMessage(e)}): reinstall jackstop`,
    );
  }
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON that is safe inside <script>: no `</script>`, no HTML comment openers, no line separators. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** At most this many identities get their own series in the stacked chart; the rest are summed. */
const STACKED_SERIES = 12;

/** The data the charts draw, embedded as JSON in the page (tests read it back). */
export function chartData(r: UsageReport) {
  const shown = r.byIdentity.slice(0, STACKED_SERIES);
  const rest = r.byIdentity.slice(STACKED_SERIES);
  const series = shown.map((g) => ({ name: g.name, data: g.costByHour }));
  if (rest.length) {
    series.push({
      name: `${rest.length} other identities`,
      data: r.hours.map((_, i) => Math.round(rest.reduce((s, g) => s + (g.costByHour[i] ?? 0), 0) * 1e6) / 1e6),
    });
  }
  return {
    hours: r.hours,
    costPerHourByIdentity: series,
    costByModel: r.byModel.map((g) => ({ name: g.name, value: g.costUsd, invocations: g.invocations })),
  };
}

/** A self-contained HTML report: cost per hour stacked by identity, cost by model, and the tables. */
export function renderUsageHtml(r: UsageReport, opts: { title?: string; generatedAt?: string } = {}): string {
  const title = opts.title ?? 'Jackstop model usage';
  const data = chartData(r);
  const rows = r.byIdentity
    .map(
      (g) =>
        `<tr><td>${escapeHtml(g.name)}</td><td>${escapeHtml(g.accounts.join(', '))}</td><td>${escapeHtml(g.accessKeyIds.join(', '))}</td>` +
        `<td>${escapeHtml(g.models.join(', '))}</td><td>${escapeHtml(g.regions.join(', '))}</td>` +
        `<td class="n">${g.invocations}</td><td class="n">${g.errors}</td><td class="n">${g.inputTokens}</td><td class="n">${g.outputTokens}</td>` +
        `<td class="n">${escapeHtml(formatUsd(g.costUsd))}</td><td>${g.basis}</td></tr>`,
    )
    .join('\n');
  const unpriced = r.unpriced.length
    ? `<h2>Unpriced models</h2><p>Counted, cost unknown (add them to the price table):</p><ul>${r.unpriced
        .map((u) => `<li>${escapeHtml(`${u.provider} ${u.model}`)}: ${u.invocations} invocations</li>`)
        .join('')}</ul>`
    : '';
  const anomalies = r.anomalies?.length
    ? `<h2>Anomalies</h2><table><thead><tr><th>severity</th><th>what</th><th>who</th><th>when</th><th>why</th></tr></thead><tbody>${r.anomalies
        .map(
          (a) =>
            `<tr><td>${escapeHtml(a.severity)}</td><td>${escapeHtml(a.title)}</td><td>${escapeHtml(a.subject)}</td><td>${escapeHtml(a.firstSeen)}</td><td>${escapeHtml(a.description)}</td></tr>`,
        )
        .join('')}</tbody></table>`
    : '';
  const t = r.totals;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1d2433; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
.chart { width: 100%; height: 360px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #dde; padding: 4px 8px; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
.summary { color: #445; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="summary" id="summary">${escapeHtml(`${r.hours[0] ?? ''} → ${r.hours.at(-1) ?? ''}`)}: ${t.invocations} invocations, ${t.errors} failed,
${escapeHtml(formatUsd(t.costUsd))} (${t.basis})${opts.generatedAt ? ` · generated ${escapeHtml(opts.generatedAt)}` : ''}</p>
<h2>Cost per hour by identity (USD)</h2>
<div id="cost-per-hour" class="chart"></div>
<h2>Cost by model (USD)</h2>
<div id="cost-by-model" class="chart"></div>
<h2>Identities</h2>
<table id="identities">
<thead><tr><th>identity</th><th>accounts</th><th>keys</th><th>models</th><th>regions</th><th>calls</th><th>errors</th><th>tokens in</th><th>tokens out</th><th>cost</th><th>basis</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
${anomalies}
${unpriced}
<p class="summary">“estimated”: the logs carry no token counts, so cost is invocations × an assumed call size (src/usage/operations.yml) × the model's price (src/usage/prices.yml, each price with its source and date).</p>
<script id="usage-data" type="application/json">${scriptJson(data)}</script>
<script>${echartsSource().replace(/<\/script/gi, '<\\/script')}</script>
<script>
(function () {
  var data = JSON.parse(document.getElementById('usage-data').textContent);
  var hourly = echarts.init(document.getElementById('cost-per-hour'));
  hourly.setOption({
    tooltip: { trigger: 'axis' },
    legend: { type: 'scroll', top: 0 },
    grid: { top: 40, left: 60, right: 20, bottom: 60 },
    xAxis: { type: 'category', data: data.hours.map(function (h) { return h.slice(0, 13).replace('T', ' ') + 'h'; }) },
    yAxis: { type: 'value', name: 'USD' },
    dataZoom: [{ type: 'inside' }, { type: 'slider' }],
    series: data.costPerHourByIdentity.map(function (s) {
      return { name: s.name, type: 'bar', stack: 'cost', emphasis: { focus: 'series' }, data: s.data };
    })
  });
  var models = echarts.init(document.getElementById('cost-by-model'));
  models.setOption({
    tooltip: { trigger: 'item', formatter: function (p) { return p.name + ': $' + p.value + ' (' + p.data.invocations + ' calls)'; } },
    series: [{ type: 'pie', radius: ['35%', '70%'], data: data.costByModel }]
  });
  window.addEventListener('resize', function () { hourly.resize(); models.resize(); });
})();
</script>
</body>
</html>
`;
}
