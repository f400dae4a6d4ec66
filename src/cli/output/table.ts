import type { Finding, Severity } from '../../domain/index.js';

export interface TableOptions {
  color: boolean;
  /** Terminal width; long values are cut to fit. */
  width?: number;
}

const SEVERITY_COLOR: Record<Severity, string> = {
  critical: '\x1b[1;97;41m',
  high: '\x1b[1;31m',
  medium: '\x1b[33m',
  low: '\x1b[36m',
  info: '\x1b[2m',
};
const BOLD = '\x1b[1m';
const DIM = '\x1b[2m';
const RESET = '\x1b[0m';

function paint(on: boolean, code: string, text: string): string {
  return on ? `${code}${text}${RESET}` : text;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

function list(values: readonly string[], max = 4): string {
  if (values.length === 0) return '—';
  const shown = values.slice(0, max).join(', ');
  return values.length > max ? `${shown} (+${values.length - max} more)` : shown;
}

/** `2024-10-17T20:11:24.000Z` → `2024-10-17 20:11:24Z` (easier to scan in a terminal). */
function when(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Findings grouped by identity, most severe identity first: what a responder reads top to
 * bottom to decide which key to disable.
 */
export function renderFindingsTable(findings: readonly Finding[], opts: TableOptions): string {
  if (findings.length === 0) return 'No findings.\n';
  const width = Math.max(60, opts.width ?? 120);
  const bySubject = new Map<string, Finding[]>();
  for (const f of findings) {
    const group = bySubject.get(f.subject.id);
    if (group) group.push(f);
    else bySubject.set(f.subject.id, [f]);
  }
  const out: string[] = [];
  for (const [subject, group] of bySubject) {
    // ISO 8601 UTC strings sort as times.
    const first = group.map((f) => f.firstSeen).sort()[0]!;
    const last = group
      .map((f) => f.lastSeen)
      .sort()
      .at(-1)!;
    const keys = [...new Set(group.flatMap((f) => f.evidence.accessKeyIds))];
    const matches = group.reduce((n, f) => n + f.count, 0);
    out.push(
      paint(opts.color, BOLD, `● ${subject}`) +
        (keys.length ? `  key ${list(keys, 3)}` : '') +
        paint(
          opts.color,
          DIM,
          `\n  ${group.length} finding${group.length === 1 ? '' : 's'}, ${matches} rule match${matches === 1 ? '' : 'es'}, ${when(first)} → ${when(last)}`,
        ),
    );
    for (const f of group) {
      const sev = paint(opts.color, SEVERITY_COLOR[f.severity], f.severity.toUpperCase().padEnd(8));
      out.push(`  ${sev} ${cut(f.title, width - 12)}`);
      const e = f.evidence;
      const rows: [string, string][] = [
        ['rule', f.ruleId],
        ['events', `${f.count} (${list(e.eventNames, 5)}), ${when(f.firstSeen)} → ${when(f.lastSeen)}`],
        ['models', list(e.models)],
        ['regions', list(e.regions)],
        ['IPs', list(e.sourceIps)],
        ['agents', list(e.userAgents, 2)],
      ];
      if (e.errorCodes.length) rows.push(['errors', list(e.errorCodes)]);
      if (f.blastRadius) rows.push(['exposure', exposure(f.blastRadius)]);
      if (f.mappings.attack.length || f.mappings.atlas.length)
        rows.push(['maps to', [...f.mappings.attack, ...f.mappings.atlas].join(', ')]);
      if (f.remediation) rows.push(['fix', firstLine(f.remediation)]);
      rows.push(['details', `jackstop findings show ${f.id}`]);
      for (const [k, v] of rows) {
        if (v === '—' && k !== 'models') continue;
        out.push(`           ${paint(opts.color, DIM, k.padEnd(8))} ${cut(v, width - 21)}`);
      }
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.replace(/^[-*\d.)\s]+/, '');
}

/** Everything about one finding, remediation in full: what `jackstop findings show` prints. */
export function renderFindingDetail(f: Finding, opts: TableOptions): string {
  const e = f.evidence;
  const rows: [string, string][] = [
    ['id', f.id],
    ['severity', f.severity],
    ['status', f.status],
    ['rule', f.ruleId],
    ['subject', `${f.subject.id}${f.subject.label ? ` (${f.subject.label})` : ''}`],
    ['seen', `${when(f.firstSeen)} → ${when(f.lastSeen)}, ${f.count} event${f.count === 1 ? '' : 's'}`],
    ['events', e.eventNames.join(', ') || '—'],
    ['models', e.models.join(', ') || '—'],
    ['regions', e.regions.join(', ') || '—'],
    ['IPs', e.sourceIps.join(', ') || '—'],
    ['agents', e.userAgents.join('\n') || '—'],
    ['keys', e.accessKeyIds.join(', ') || '—'],
    ['exposure', f.blastRadius ? `${exposure(f.blastRadius)}\n${f.blastRadius.basis}` : '—'],
    ['errors', e.errorCodes.join(', ') || '—'],
    ['from', e.locations.join('\n') || '—'],
    ['event ids', e.eventIds.join(', ') || '—'],
    ['ATT&CK', f.mappings.attack.join(', ') || '—'],
    ['ATLAS', f.mappings.atlas.join(', ') || '—'],
    ['OWASP LLM', f.mappings.owaspLlm.join(', ') || '—'],
  ];
  const pad = (text: string) => text.split('\n').join(`\n${' '.repeat(12)}`);
  const out = [paint(opts.color, BOLD, f.title), ''];
  for (const [k, v] of rows) out.push(`${paint(opts.color, DIM, k.padEnd(11))} ${pad(v)}`);
  if (f.description) out.push('', paint(opts.color, BOLD, 'What it means'), f.description.trim());
  if (f.remediation) out.push('', paint(opts.color, BOLD, 'What to do'), f.remediation.trim());
  if (f.falsePositives.length)
    out.push('', paint(opts.color, BOLD, 'Known false positives'), ...f.falsePositives.map((p) => `- ${p}`));
  if (f.references.length) out.push('', paint(opts.color, BOLD, 'References'), ...f.references.map((r) => `- ${r}`));
  return `${out.join('\n')}\n`;
}

/** The most a key could cost per day, in one phrase: what makes a finding urgent. */
function exposure(b: NonNullable<Finding['blastRadius']>): string {
  const usd = b.maxUsdPerDay >= 100 ? Math.round(b.maxUsdPerDay).toLocaleString('en-US') : b.maxUsdPerDay.toFixed(2);
  return `up to $${usd}/day at default quotas (${b.models.length} model${b.models.length === 1 ? '' : 's'} × ${b.regions.length} region${b.regions.length === 1 ? '' : 's'} reached)`;
}
