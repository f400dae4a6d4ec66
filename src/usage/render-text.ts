import { type CostBasis, sparkline, type UsageGroup, type UsageReport } from './report.js';

export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

function basisMark(b: CostBasis): string {
  return b === 'tokens' ? '' : b === 'estimated' ? ' ~' : b === 'partly estimated' ? ' ≈' : '';
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

function n(v: number): string {
  return v.toLocaleString('en-US');
}

function table(title: string, groups: readonly UsageGroup[], opts: { trend: boolean; width: number }): string[] {
  const nameWidth = Math.max(12, Math.min(60, opts.width - 70));
  const out = [title];
  out.push(
    `  ${'name'.padEnd(nameWidth)} ${'calls'.padStart(9)} ${'errors'.padStart(7)} ${'tokens in/out'.padStart(17)} ${'cost'.padStart(12)}${opts.trend ? '  trend (cost per hour)' : ''}`,
  );
  for (const g of groups) {
    const tokens = g.inputTokens || g.outputTokens ? `${n(g.inputTokens)}/${n(g.outputTokens)}` : '—';
    out.push(
      `  ${cut(g.name, nameWidth).padEnd(nameWidth)} ${n(g.invocations).padStart(9)} ${n(g.errors).padStart(7)} ${tokens.padStart(17)} ${(formatUsd(g.costUsd) + basisMark(g.basis)).padStart(12)}` +
        (opts.trend ? `  ${sparkline(g.costByHour, 32)}` : ''),
    );
  }
  return out;
}

/** The terminal report: totals, per identity (with a sparkline), model and region, top spenders. */
export function renderUsageText(r: UsageReport, opts: { width?: number } = {}): string {
  const width = Math.max(100, opts.width ?? 120);
  if (r.totals.invocations === 0) return 'No model invocations.\n';
  const t = r.totals;
  const out: string[] = [];
  out.push(
    `Model usage ${r.hours[0]?.replace(':00:00.000Z', 'Z')} → ${r.hours.at(-1)?.replace(':00:00.000Z', 'Z')} (${r.hours.length} h): ` +
      `${n(t.invocations)} invocations, ${n(t.errors)} failed, ${formatUsd(t.costUsd)}${basisMark(t.basis)} (${t.basis})`,
  );
  out.push('');
  out.push(...table('By identity', r.byIdentity, { trend: true, width }));
  out.push('');
  out.push(...table('By model', r.byModel, { trend: false, width }));
  out.push('');
  out.push(...table('By region', r.byRegion, { trend: false, width }));
  out.push('');
  out.push('Top spenders');
  r.topSpenders.forEach((s, i) => {
    out.push(`  ${i + 1}. ${s.identity}  ${formatUsd(s.costUsd)}${basisMark(s.basis)} (${Math.round(s.share * 100)}%)`);
  });
  if (r.anomalies?.length) {
    out.push('');
    out.push('Anomalies');
    for (const a of r.anomalies) {
      out.push(
        `  ${a.severity.toUpperCase().padEnd(8)} ${a.title} — ${a.subject} (${a.firstSeen.replace(/:00\.000Z$/, 'Z')})`,
      );
      out.push(`           ${cut(a.description.split('\n')[0] ?? '', width - 12)}`);
    }
  }
  if (r.unpriced.length) {
    out.push('');
    out.push('Unpriced models (counted, cost unknown: add them to the price table)');
    for (const u of r.unpriced) out.push(`  ${u.provider} ${u.model}: ${n(u.invocations)} invocations`);
  }
  out.push('');
  out.push('~ estimated from invocation counts (no token counts in these logs); ≈ partly estimated');
  return `${out.join('\n')}\n`;
}
