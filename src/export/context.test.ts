import { describe, expect, it } from 'vitest';
import { makeContext, makeFinding } from '../../test/fixtures/export/findings.js';
import type { Finding } from '../domain/index.js';
import { JackstopError } from '../errors.js';
import {
  checkContext,
  checkFindings,
  describeFinding,
  type ExportContext,
  mitreTags,
  ruleFor,
  ruleLookup,
  ruleMetaFromFinding,
} from './context.js';

function thrown(fn: () => unknown): JackstopError {
  try {
    fn();
  } catch (e) {
    if (e instanceof JackstopError) return e;
    throw new Error(`expected a JackstopError, got ${String(e)}`);
  }
  throw new Error('expected a JackstopError, nothing was thrown');
}

describe('describeFinding', () => {
  it('says what happened, who, how many events, when, models and regions', () => {
    expect(describeFinding(makeFinding())).toBe(
      'Bedrock model invoked from a new IP address: alice (arn:aws:iam::123456789012:user/alice), ' +
        '2 events from 2024-10-01T10:00:00.000Z to 2024-10-01T10:05:00.000Z; ' +
        'models: anthropic.claude-3-sonnet-20240229-v1:0; regions: us-east-1.',
    );
  });

  it('says "1 event at" for one event and names the subject once when the label is the id', () => {
    const f = makeFinding({
      subject: { kind: 'access-key', id: 'AKIAEXAMPLE000000001', label: 'AKIAEXAMPLE000000001' },
      count: 1,
      firstSeen: '2024-10-01T12:00:00+02:00',
      lastSeen: '2024-10-01T10:00:00Z',
      evidence: { models: [], regions: [] },
    });
    expect(describeFinding(f)).toBe(
      'Bedrock model invoked from a new IP address: AKIAEXAMPLE000000001, 1 event at 2024-10-01T10:00:00.000Z.',
    );
  });

  it('reads a time without a zone as UTC, whatever the machine zone', () => {
    const f = makeFinding({ firstSeen: '2024-10-01T10:00:00', lastSeen: '2024-10-01T10:05:00.250' });
    expect(describeFinding(f)).toContain('from 2024-10-01T10:00:00.000Z to 2024-10-01T10:05:00.250Z');
  });

  it('shortens long lists', () => {
    const models = Array.from({ length: 8 }, (_, i) => `model-${i}`);
    const text = describeFinding(makeFinding({ evidence: { models, regions: [] } }));
    expect(text).toContain('models: model-0, model-1, model-2, model-3, model-4 and 3 more.');
  });
});

describe('checkFindings', () => {
  it('fills the domain defaults', () => {
    const raw = { ...makeFinding() } as Partial<Finding>;
    delete raw.status;
    delete raw.assets;
    const [checked] = checkFindings([raw as Finding]);
    expect(checked!.status).toBe('open');
    expect(checked!.assets).toEqual([]);
  });

  it('names the bad finding by index and id', () => {
    const bad = { ...makeFinding(), severity: 'severe' } as unknown as Finding;
    const error = thrown(() => checkFindings([makeFinding(), bad]));
    expect(error.code).toBe('JACKSTOP_EXPORT_ERROR');
    expect(error.location).toEqual({ record: 1 });
    expect(error.message).toContain(`finding #1 (id ${bad.id})`);
    expect(error.message).toContain('severity');
  });

  it('rejects a time that is not a date', () => {
    const bad = makeFinding({ lastSeen: 'yesterday' });
    const error = thrown(() => checkFindings([bad]));
    expect(error.location).toEqual({ record: 0 });
    expect(error.message).toContain('lastSeen "yesterday" is not a date-time');
  });

  it('rejects something that is not a list', () => {
    const error = thrown(() => checkFindings('nope' as unknown as Finding[]));
    expect(error.message).toContain('must be an array');
  });
});

describe('checkContext', () => {
  it('accepts a complete context and one without run', () => {
    expect(checkContext(makeContext()).tool.name).toBe('jackstop');
    const { run: _run, ...withoutRun } = makeContext();
    expect(checkContext(withoutRun).run).toBeUndefined();
  });

  it.each<[string, ExportContext, string]>([
    ['a missing version', { ...makeContext(), tool: { name: 'jackstop' } as ExportContext['tool'] }, 'tool.version'],
    [
      'a relative informationUri',
      { ...makeContext(), tool: { name: 'j', version: '1', informationUri: 'jackstop.dev' } },
      'tool.informationUri: is not an absolute URL',
    ],
    [
      'a run start that is not a date',
      { ...makeContext(), run: { ...makeContext().run!, startedAt: 'soon' } },
      'run.startedAt: is not a date-time',
    ],
    [
      'a rule with an unknown severity',
      { ...makeContext(), rules: [{ ...makeContext().rules[0]!, severity: 'urgent' as 'high' }] },
      'rules.0.severity',
    ],
  ])('rejects %s', (_name, ctx, expected) => {
    const error = thrown(() => checkContext(ctx));
    expect(error.code).toBe('JACKSTOP_EXPORT_ERROR');
    expect(error.message).toContain(expected);
  });
});

describe('rule metadata', () => {
  it('takes the context rule when there is one, the first of repeated ids', () => {
    const ctx = makeContext();
    const copy = { ...ctx.rules[0]!, title: 'second copy' };
    const lookup = ruleLookup([...ctx.rules, copy]);
    expect(ruleFor(makeFinding(), lookup).title).toBe(ctx.rules[0]!.title);
  });

  it('builds rule metadata from a finding whose rule the context lacks', () => {
    const f = makeFinding({ ruleId: 'unknown.rule', remediation: '', description: '' });
    expect(ruleFor(f, ruleLookup([]))).toEqual({
      id: 'unknown.rule',
      title: f.title,
      severity: 'high',
      tags: ['attack.t1496.004', 'attack.impact', 'AML.T0034'],
      references: f.references,
      falsePositives: f.falsePositives,
    });
    expect(ruleMetaFromFinding(makeFinding()).remediation).toBe('Deactivate the access key and review the principal.');
  });

  it('collects ATT&CK tags from rule and mappings, namespacing bare mapping entries', () => {
    const f = makeFinding({
      mappings: { attack: ['T1078.004', 'initial-access', 'attack.impact'], atlas: ['AML.T0012'] },
    });
    const rule = { ...makeContext().rules[0]!, tags: ['attack.impact', 'llmjacking'] };
    expect(mitreTags(f, rule)).toEqual([
      'attack.impact',
      'llmjacking',
      'attack.T1078.004',
      'attack.initial-access',
      'AML.T0012',
    ]);
  });
});
