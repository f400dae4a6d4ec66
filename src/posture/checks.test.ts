import { describe, expect, it } from 'vitest';
import { type Check, loadChecks, parseCheck } from './checks.js';
import { evaluateOne } from './evaluate.js';
import type { Resource } from './snapshot.js';

const { checks, errors } = await loadChecks();

function asResource(check: Check, ex: Check['examples']['pass'][number], i: number): Resource {
  return {
    cloud: check.cloud,
    type: check.resource,
    id: ex.id ?? `${check.resource}/example-${i}`,
    account: ex.account ?? (check.cloud === 'aws' ? '111122223333' : 'example-account'),
    region: ex.region ?? 'global',
    ...(ex.name ? { name: ex.name } : {}),
    attributes: ex.attributes,
  };
}

const NOW = '2026-11-20T00:00:00.000Z';

describe('built-in posture checks', () => {
  it('all load', () => {
    expect(errors.map((e) => e.render())).toEqual([]);
    expect(checks.length).toBeGreaterThan(0);
  });

  describe.each(checks.map((c) => [c.id, c] as const))('%s', (_id, check) => {
    it('passes its pass examples', () => {
      check.examples.pass.forEach((ex, i) => {
        const r = evaluateOne(check, asResource(check, ex, i), ex.derived ?? {}, NOW);
        expect({ example: i, status: r?.status, reason: r?.reason }).toEqual({
          example: i,
          status: 'pass',
          reason: undefined,
        });
      });
    });
    it('fails its fail examples', () => {
      check.examples.fail.forEach((ex, i) => {
        const r = evaluateOne(check, asResource(check, ex, i), ex.derived ?? {}, NOW);
        expect({ example: i, status: r?.status, reason: r?.reason }).toEqual({
          example: i,
          status: 'fail',
          reason: undefined,
        });
      });
    });
    it('has a remediation with a command or Terraform, and its id names its cloud', () => {
      expect(check.remediation.cli ?? check.remediation.terraform).toBeTruthy();
      expect(check.id.split('.')[1]).toBe(check.cloud);
      expect(check.resource.split('.')[0]).toBe(check.cloud);
    });
  });
});

/** What the CLI prints for the error `fn` throws. */
function rendered(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as { render(): string }).render();
  }
  throw new Error('did not throw');
}

describe('parseCheck', () => {
  const base = `id: jackstop.aws.test.thing
title: T
cloud: aws
severity: low
resource: aws.test.thing
pass: r.ok == true
rationale: because
remediation: { text: fix it, cli: do it }
examples:
  pass: [ { attributes: { ok: true } } ]
  fail: [ { attributes: { ok: false } } ]
`;
  it('reads a valid check', () => {
    expect(parseCheck(base, 'x.yml').id).toBe('jackstop.aws.test.thing');
  });
  it('names the file and line of a schema problem', () => {
    const bad = base.replace('severity: low', 'severity: dire');
    expect(rendered(() => parseCheck(bad, 'x.yml'))).toMatch(/^x\.yml:4: invalid check: severity/);
  });
  it('names the line of an expression that does not parse', () => {
    const bad = base.replace('pass: r.ok == true', 'pass: r.ok ==');
    expect(rendered(() => parseCheck(bad, 'x.yml'))).toMatch(/^x\.yml:6: `pass` does not parse as CEL/);
  });
  it('rejects unknown keys and a check without a failing example', () => {
    expect(() => parseCheck(`${base}extra: 1\n`, 'x.yml')).toThrow(/extra/);
    expect(() => parseCheck(base.replace('fail: [ { attributes: { ok: false } } ]', 'fail: []'), 'x.yml')).toThrow(
      /examples\.fail/,
    );
  });
  it('reports bad YAML with its line', () => {
    expect(rendered(() => parseCheck('id: [\n', 'y.yml'))).toMatch(/^y\.yml:\d+: not valid YAML/);
  });
});
