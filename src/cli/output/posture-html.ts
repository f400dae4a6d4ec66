/**
 * `jackstop scan --format html`: the posture report as one self-contained HTML page — inline CSS,
 * no scripts, no external assets — that can be mailed, attached to a ticket or opened offline.
 * Every value from the snapshot (resource names, ids, error messages) is HTML-escaped: a resource
 * may be named by anyone who can create one in the account.
 */
import type { Severity } from '../../domain/index.js';
import type { CheckStatus, RequirementStatus } from '../../posture/index.js';
import {
  type Counts,
  couldNotCheckGroups,
  type DiffEntry,
  failingGroups,
  type PostureReport,
  resourcePath,
  STATUS_LABEL,
  summarize,
  when,
} from './posture.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content and attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const e = escapeHtml;

const CSS = `
:root{--fg:#1f2933;--muted:#616e7c;--line:#e4e7eb;--bg:#f5f7fa;--card:#fff;--pass:#1f7a4d;--fail:#c62828;--cnc:#b26a00;
--critical:#7b1020;--high:#c62828;--medium:#c76a00;--low:#0b7285;--info:#616e7c}
*{box-sizing:border-box}
body{margin:0;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1180px;margin:0 auto;padding:24px 28px 48px}
header.top h1{margin:0 0 4px;font-size:24px}
.meta{color:var(--muted);margin:0}
h2{font-size:18px;margin:32px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
code,pre{font-family:SFMono-Regular,Consolas,"Liberation Mono",Menlo,monospace;font-size:12.5px}
code{background:#eef1f4;padding:1px 5px;border-radius:4px;word-break:break-all}
pre{background:#1e2530;color:#e6edf3;padding:12px 14px;border-radius:6px;white-space:pre-wrap;overflow-wrap:anywhere;margin:6px 0 10px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:14px;margin-top:20px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 16px}
.card h3{margin:0 0 8px;font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted)}
.stats{display:flex;gap:18px}
.stat b{display:block;font-size:26px;line-height:1.1}
.stat span{color:var(--muted);font-size:12px}
.pass b,.status-pass{color:var(--pass)}.fail b,.status-fail{color:var(--fail)}.cnc b,.status-could-not-check{color:var(--cnc)}
.status-no-resources,.status-not-covered{color:var(--muted)}
.card .accounts{margin:8px 0 0;color:var(--muted);font-size:12px}
.badge{display:inline-block;min-width:70px;text-align:center;padding:2px 8px;border-radius:10px;font-size:11px;font-weight:700;text-transform:uppercase;color:#fff;letter-spacing:.04em}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}.sev-medium{background:var(--medium)}.sev-low{background:var(--low)}.sev-info{background:var(--info)}
.resource{background:var(--card);border:1px solid var(--line);border-left:4px solid var(--line);border-radius:8px;margin:0 0 14px;padding:14px 18px}
.resource.worst-critical{border-left-color:var(--critical)}.resource.worst-high{border-left-color:var(--high)}.resource.worst-medium{border-left-color:var(--medium)}.resource.worst-low{border-left-color:var(--low)}
.resource h3{margin:0;font-size:16px}
.where{color:var(--muted);margin:2px 0 6px;font-size:12.5px}
.check{border-top:1px solid var(--line);padding:12px 0 4px;margin-top:10px}
.check-head{display:flex;align-items:baseline;gap:10px;flex-wrap:wrap}
.check-head strong{font-size:14.5px}
.check p{margin:6px 0}
.why{color:var(--muted)}
.label{font-size:11px;font-weight:700;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:10px 0 0}
table{width:100%;border-collapse:collapse;background:var(--card);border:1px solid var(--line);border-radius:8px;overflow:hidden}
th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#eef1f4;font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
td.n{text-align:right;font-variant-numeric:tabular-nums}
td code{word-break:normal;white-space:nowrap}
.diff-new{color:var(--fail);font-weight:700}.diff-fixed{color:var(--pass);font-weight:700}.diff-unknown{color:var(--cnc);font-weight:700}.diff-still{font-weight:700}
.none{color:var(--muted);font-style:italic}
footer{margin-top:40px;color:var(--muted);font-size:12px}
@media print{body{background:#fff}.resource,.card,table{break-inside:avoid}}
`;

const SEVERITY_LABEL: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

function badge(s: Severity): string {
  return `<span class="badge sev-${s}">${SEVERITY_LABEL[s]}</span>`;
}

function status(s: CheckStatus | RequirementStatus): string {
  return `<span class="status-${s}">${e(STATUS_LABEL[s])}</span>`;
}

function card(title: string, c: Counts, extra = ''): string {
  return `<div class="card"><h3>${e(title)}</h3><div class="stats">
<div class="stat pass"><b>${c.pass}</b><span>pass</span></div>
<div class="stat fail"><b>${c.fail}</b><span>fail</span></div>
<div class="stat cnc"><b>${c['could-not-check']}</b><span>could not check</span></div>
</div>${extra}</div>`;
}

/** The whole page. */
export function renderPostureHtml(report: PostureReport): string {
  const { total, clouds } = summarize(report.results);
  const parts: string[] = [];
  const accounts = report.snapshot.accounts;

  parts.push(`<header class="top"><h1>AI security posture</h1>
<p class="meta">Snapshot <code>${e(report.snapshot.file)}</code>, collected ${e(when(report.snapshot.collectedAt))}
 · ${accounts.length} account${accounts.length === 1 ? '' : 's'} · ${report.checks.length} check${report.checks.length === 1 ? '' : 's'}
 · ${report.findings.length} failed</p></header>`);

  const cards = [card('All clouds', total)];
  for (const [cloud, c] of Object.entries(clouds)) {
    const ids = accounts.filter((a) => a.cloud === cloud).map((a) => (a.name ? `${a.name} (${a.id})` : a.id));
    cards.push(card(cloud, c, `<p class="accounts">${ids.map(e).join(', ')}</p>`));
  }
  parts.push(`<section class="cards">${cards.join('\n')}</section>`);

  if (report.diff) parts.push(diffSection(report.diff));
  if (report.framework) parts.push(frameworkSection(report.framework));

  const groups = failingGroups(report.results);
  parts.push(`<h2>Failed checks by resource (${groups.length} resource${groups.length === 1 ? '' : 's'})</h2>`);
  if (groups.length === 0) parts.push('<p class="none">No failed checks.</p>');
  for (const g of groups) {
    const r = g.resource;
    const checks = g.failed.map((f) => {
      const fix = f.remediation;
      return `<div class="check"><div class="check-head">${badge(f.check.severity)}<strong>${e(f.check.title)}</strong><code>${e(f.check.id)}</code></div>
<p class="why">${e(f.check.rationale.trim())}</p>
<p class="label">Fix</p><p>${e(fix.text)}</p>
${fix.cli ? `<p class="label">CLI</p><pre>${e(fix.cli)}</pre>` : ''}
${fix.terraform ? `<p class="label">Terraform</p><pre>${e(fix.terraform)}</pre>` : ''}
${report.stored ? `<p class="where">Finding <code>${e(f.findingId)}</code> · <code>jackstop findings show ${e(f.findingId)}</code></p>` : ''}</div>`;
    });
    parts.push(`<article class="resource worst-${g.worst}"><h3>${e(r.name ?? r.id)}</h3>
<p class="where">${e(r.cloud)} · ${e(r.account)} · ${e(r.region)} · ${e(r.type)}${r.name && r.name !== r.id ? ` · <code>${e(r.id)}</code>` : ''}</p>
${checks.join('\n')}</article>`);
  }

  const blocked = couldNotCheckGroups(report.results);
  parts.push(`<h2>Could not check (${blocked.length})</h2>`);
  if (blocked.length === 0) {
    parts.push('<p class="none">Every check had what it needed.</p>');
  } else {
    const rows = blocked.map(
      (b) =>
        `<tr><td>${e(b.resource ? resourcePath(b.resource) : [b.cloud, b.account, b.region].join(' / '))}</td><td>${e(b.reason)}</td><td>${b.checks.map((c) => `<code>${e(c)}</code>`).join(' ')}</td></tr>`,
    );
    parts.push(
      `<table><thead><tr><th>Where</th><th>Reason</th><th>Checks</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    );
  }

  parts.push(
    `<footer>Generated by ${e(report.tool.name)} ${e(report.tool.version)} at ${e(when(report.generatedAt))}. ` +
      'A check that could not read its input is reported as could not check, never as a pass.</footer>',
  );

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(`${report.tool.name} posture — ${report.snapshot.file}`)}</title><style>${CSS}</style></head>
<body><main>
${parts.join('\n')}
</main></body></html>
`;
}

function frameworkSection(fw: NonNullable<PostureReport['framework']>): string {
  const rows = fw.rows.map(
    (r) =>
      `<tr><td><code>${e(r.id)}</code></td><td>${e(r.title)}</td><td>${status(r.status)}</td><td class="n">${r.counts.pass}</td><td class="n">${r.counts.fail}</td><td class="n">${r.counts['could-not-check']}</td></tr>`,
  );
  const f = fw.framework;
  return `<h2>${e(f.name)} ${e(f.version)} <code>${e(f.id)}</code></h2>
<table><thead><tr><th>Requirement</th><th>Title</th><th>Status</th><th>Pass</th><th>Fail</th><th>Could not check</th></tr></thead>
<tbody>${rows.join('')}</tbody></table>`;
}

function diffSection(diff: NonNullable<PostureReport['diff']>): string {
  const sections: [string, string, DiffEntry[]][] = [
    ['New', 'diff-new', diff.new],
    ['Fixed', 'diff-fixed', diff.fixed],
    ['Still failing', 'diff-still', diff.stillFailing],
    ['Unknown', 'diff-unknown', diff.unknown],
  ];
  const rows = sections.flatMap(([label, cls, entries]) =>
    entries.map(
      (x) =>
        `<tr><td class="${cls}">${label}</td><td>${badge(x.severity)}</td><td>${e(x.title)}<br><code>${e(x.check)}</code></td>` +
        `<td>${e(x.resource.name ?? x.resource.id)}<br><span class="where">${e(`${x.cloud} / ${x.account} / ${x.region}`)}</span>` +
        `${x.reason ? `<br><span class="where">${e(x.reason)}</span>` : ''}</td></tr>`,
    ),
  );
  return `<h2>Since the last scan</h2>
<section class="cards">
<div class="card"><h3>New</h3><div class="stats"><div class="stat fail"><b>${diff.new.length}</b></div></div></div>
<div class="card"><h3>Fixed</h3><div class="stats"><div class="stat pass"><b>${diff.fixed.length}</b></div></div></div>
<div class="card"><h3>Still failing</h3><div class="stats"><div class="stat"><b>${diff.stillFailing.length}</b></div></div></div>
<div class="card"><h3>Unknown (could not check now)</h3><div class="stats"><div class="stat cnc"><b>${diff.unknown.length}</b></div></div></div>
</section>
${rows.length ? `<table style="margin-top:14px"><thead><tr><th>Change</th><th>Severity</th><th>Check</th><th>Resource</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : ''}`;
}
