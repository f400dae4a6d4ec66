import { describe, expect, it } from 'vitest';
import { EVIDENCE_EVENT_CAP, EVIDENCE_VALUE_CAP, Evidence, type Finding, type FindingStatus } from '../domain/index.js';
import { mergeEvidence, mergeFinding, normalizeNew } from './merge.js';

const emptyEvidence: Evidence = Evidence.parse({});

function finding(over: Partial<Finding> = {}): Finding {
  return {
    id: 'f1',
    kind: 'detection',
    ruleId: 'r1',
    title: 't',
    description: '',
    severity: 'high',
    status: 'open',
    subject: { kind: 'identity', id: 'u1' },
    assets: [],
    evidence: emptyEvidence,
    firstSeen: '2024-05-01T10:00:00Z',
    lastSeen: '2024-05-01T12:00:00Z',
    count: 1,
    remediation: '',
    falsePositives: [],
    references: [],
    mappings: { attack: [], atlas: [], owaspLlm: [], other: [] },
    ...over,
  };
}

const n = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

describe('mergeEvidence', () => {
  it('keeps distinct values in order and caps every list', () => {
    const a: Evidence = { ...emptyEvidence, eventIds: n('a', 45), regions: ['r1', 'r2'], locations: n('loc', 25) };
    const b: Evidence = { ...emptyEvidence, eventIds: ['a3', ...n('b', 10)], regions: ['r2', 'r3'], errorCodes: ['X'] };
    const m = mergeEvidence(a, b);
    expect(m.eventIds).toEqual([...n('a', 45), ...n('b', EVIDENCE_EVENT_CAP - 45)]);
    expect(m.regions).toEqual(['r1', 'r2', 'r3']);
    expect(m.locations).toEqual(n('loc', EVIDENCE_VALUE_CAP));
    expect(m.errorCodes).toEqual(['X']);
    expect(Object.keys(m).sort()).toEqual(Object.keys(emptyEvidence).sort());
  });

  it('normalizes a single list (new findings) the same way', () => {
    const f = normalizeNew(finding({ evidence: { ...emptyEvidence, models: ['m', 'm', ...n('x', 30)] } }));
    expect(f.evidence.models).toEqual(['m', ...n('x', EVIDENCE_VALUE_CAP - 1)]);
  });
});

describe('mergeFinding', () => {
  const stored = finding({
    title: 'old title',
    subject: { kind: 'identity', id: 'u1', label: 'Uma' },
    assets: [
      { id: 'u1', kind: 'identity', attributes: { v: 1 } },
      { id: 'AKIA1', kind: 'access-key', attributes: {} },
    ],
    evidence: { ...emptyEvidence, eventIds: ['e1'] },
    count: 7,
  });

  it('widens the time span by instant, not by text', () => {
    // 2024-05-01T13:00+02:00 is 11:00Z: earlier than the stored lastSeen though it sorts later as text.
    const m = mergeFinding(
      stored,
      finding({ firstSeen: '2024-05-01T09:00:00Z', lastSeen: '2024-05-01T13:00:00+02:00' }),
    );
    expect(m.firstSeen).toBe('2024-05-01T09:00:00Z');
    expect(m.lastSeen).toBe('2024-05-01T12:00:00Z');
  });

  it('takes descriptive fields from the incoming report and unions assets', () => {
    const m = mergeFinding(
      stored,
      finding({
        title: 'new title',
        severity: 'critical',
        assets: [
          { id: 'u1', kind: 'identity', attributes: { v: 2 } },
          { id: 'AKIA2', kind: 'access-key', attributes: {} },
        ],
        evidence: { ...emptyEvidence, eventIds: ['e2'] },
      }),
    );
    expect(m).toMatchObject({ title: 'new title', severity: 'critical', count: 7 });
    expect(m.subject.label).toBe('Uma');
    expect(m.assets).toEqual([
      { id: 'u1', kind: 'identity', attributes: { v: 2 } },
      { id: 'AKIA1', kind: 'access-key', attributes: {} },
      { id: 'AKIA2', kind: 'access-key', attributes: {} },
    ]);
    expect(m.evidence.eventIds).toEqual(['e1', 'e2']);
  });

  it.each<[FindingStatus, string, FindingStatus]>([
    ['resolved', '2024-05-02T00:00:00Z', 'open'],
    ['resolved', '2024-05-01T12:00:00Z', 'resolved'],
    ['resolved', '2024-04-01T00:00:00Z', 'resolved'],
    ['suppressed', '2024-05-02T00:00:00Z', 'suppressed'],
    ['open', '2024-04-01T00:00:00Z', 'open'],
  ])('a %s finding seen again up to %s becomes %s', (before, lastSeen, after) => {
    const incoming = finding({ firstSeen: lastSeen, lastSeen, status: 'open' });
    expect(mergeFinding({ ...stored, status: before }, incoming).status).toBe(after);
  });
});
