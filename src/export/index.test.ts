import { describe, expect, it } from 'vitest';
import { makeContext, makeFinding, sarifValidator } from '../../test/fixtures/export/findings.js';
import { Finding } from '../domain/index.js';
import { JackstopError } from '../errors.js';
import { EXPORT_FORMATS, EXPORTERS, type ExportFormat, OcsfDetectionFinding } from './index.js';

const findings = () => [
  makeFinding(),
  makeFinding({
    ruleId: 'second.rule',
    title: 'Line\u2028separator, "quotes", emoji 🚀 and\nnewline',
    subject: { kind: 'identity', id: 'arn:aws:iam::123456789012:user/bob', label: 'bob' },
  }),
];

describe('EXPORTERS', () => {
  it('offers json, ndjson, sarif and ocsf, and nothing else', () => {
    expect(EXPORT_FORMATS).toEqual(['json', 'ndjson', 'sarif', 'ocsf']);
    expect(Object.keys(EXPORTERS).sort()).toEqual([...EXPORT_FORMATS].sort());
    expect(Object.isFrozen(EXPORT_FORMATS)).toBe(true);
  });

  it.each(['json', 'ndjson', 'sarif', 'ocsf'] as ExportFormat[])(
    '%s returns a whole document ending in a newline',
    (format) => {
      const out = EXPORTERS[format](findings(), makeContext());
      expect(out.endsWith('\n')).toBe(true);
      expect(out.endsWith('\n\n')).toBe(false);
    },
  );

  it.each(['json', 'ndjson', 'sarif', 'ocsf'] as ExportFormat[])(
    '%s names the bad finding with a JackstopError',
    (format) => {
      const bad = { ...makeFinding(), kind: 'guess' } as unknown as Finding;
      try {
        EXPORTERS[format]([makeFinding(), makeFinding(), bad], makeContext());
        expect.unreachable('should have thrown');
      } catch (e) {
        expect(e).toBeInstanceOf(JackstopError);
        expect((e as JackstopError).code).toBe('JACKSTOP_EXPORT_ERROR');
        expect((e as JackstopError).location).toEqual({ record: 2 });
        expect((e as JackstopError).message).toContain('kind');
      }
    },
  );
});

describe('json', () => {
  it('writes tool, run and the findings, pretty-printed', () => {
    const out = EXPORTERS.json(findings(), makeContext());
    expect(out).toContain('\n  "tool": {');
    const doc = JSON.parse(out);
    expect(Object.keys(doc)).toEqual(['tool', 'run', 'findings']);
    expect(doc.tool).toEqual(makeContext().tool);
    expect(doc.run).toEqual(makeContext().run);
    expect(doc.findings).toEqual(JSON.parse(JSON.stringify(findings())));
    for (const f of doc.findings) expect(Finding.safeParse(f).success).toBe(true);
  });

  it('leaves out run when there is none and writes an empty list for no findings', () => {
    const { run: _run, ...ctx } = makeContext();
    expect(JSON.parse(EXPORTERS.json([], ctx))).toEqual({ tool: ctx.tool, findings: [] });
  });
});

describe('ndjson', () => {
  it('writes one finding per line, even with line separators in the text', () => {
    const out = EXPORTERS.ndjson(findings(), makeContext());
    const lines = out.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(2);
    const parsed = lines.map((line) => Finding.parse(JSON.parse(line)));
    expect(parsed.map((f) => f.id)).toEqual(findings().map((f) => f.id));
    expect(parsed[1]!.title).toBe(findings()[1]!.title);
  });

  it('writes nothing for no findings, since an empty line is not a record', () => {
    expect(EXPORTERS.ndjson([], makeContext())).toBe('');
  });

  it('still checks the context', () => {
    const ctx = { ...makeContext(), tool: { name: '', version: '1' } };
    expect(() => EXPORTERS.ndjson([], ctx)).toThrow(/tool\.name/);
  });
});

describe('sarif', () => {
  it('writes a valid SARIF log, also for no findings', () => {
    const validate = sarifValidator();
    for (const list of [findings(), []]) {
      const doc = JSON.parse(EXPORTERS.sarif(list, makeContext()));
      expect(validate(doc)).toEqual({ valid: true, errors: [] });
      expect(doc.runs[0].results).toHaveLength(list.length);
    }
  });
});

describe('ocsf', () => {
  it('writes a JSON array with one valid Detection Finding per finding', () => {
    const doc = JSON.parse(EXPORTERS.ocsf(findings(), makeContext()));
    expect(Array.isArray(doc)).toBe(true);
    expect(doc).toHaveLength(2);
    for (const event of doc) expect(OcsfDetectionFinding.safeParse(event).success).toBe(true);
    expect(doc.map((e: OcsfDetectionFinding) => e.finding_info.uid)).toEqual(findings().map((f) => f.id));
  });

  it('writes an empty array for no findings', () => {
    expect(EXPORTERS.ocsf([], makeContext())).toBe('[]\n');
  });
});
