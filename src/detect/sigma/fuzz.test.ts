/**
 * Robustness: mutated SigmaHQ rules never crash the parser or the compiler. Every document either
 * becomes a rule that compiles and runs, or a JackstopError with a rule code and a line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng } from '../../../bench/cloudtrail-mix.js';
import { JackstopError } from '../../errors.js';
import { allRecords, SIGMA_DIR } from './datasets.testutil.js';
import { compileRule, parseSigma } from './index.js';

const SNIPPETS = [
  '|',
  '*',
  '?',
  '\\',
  ':',
  '- ',
  '%x%',
  '|re',
  '|cidr',
  '|base64offset',
  '|windash',
  '|all',
  '|exists',
  '|neq',
  '|fieldref',
  '|gt',
  ' and ',
  ' or not ',
  ' 1 of ',
  ' all of them',
  '(',
  ')',
  "'",
  '"',
  '{',
  '[',
  'null',
  '&a',
  '*a',
  '\n    ',
  '\n---\n',
];

function mutate(text: string, rand: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rand() * (out.length + 1));
    const kind = rand();
    if (kind < 0.4) out = out.slice(0, at) + SNIPPETS[Math.floor(rand() * SNIPPETS.length)]! + out.slice(at);
    else if (kind < 0.7) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rand() * 8));
    else {
      const lines = out.split('\n');
      const l = Math.floor(rand() * lines.length);
      lines.splice(l, 0, lines[Math.floor(rand() * lines.length)]!);
      out = lines.join('\n');
    }
  }
  return out;
}

describe('mutated rules', () => {
  const files = readdirSync(SIGMA_DIR, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => readFileSync(path.join(SIGMA_DIR, f), 'utf8'));
  const { aws } = allRecords();
  const sample = aws.slice(0, 40);

  it('never throw: each document is a working rule or a located rule error', () => {
    const rand = rng(20260805);
    let accepted = 0;
    let refused = 0;
    for (let round = 0; round < 20; round++) {
      for (const text of files) {
        const mutated = mutate(text, rand);
        const results = parseSigma(mutated, { file: 'fuzz.yml', placeholders: { x: ['a*'] } });
        for (const r of results) {
          if (r.ok) {
            const c = compileRule(r.rule);
            for (const record of sample) expect(typeof c.match(record)).toBe('boolean');
            accepted++;
          } else {
            expect(r.error).toBeInstanceOf(JackstopError);
            expect(['JACKSTOP_RULE_INVALID', 'JACKSTOP_RULE_UNSUPPORTED']).toContain(r.error.code);
            expect(r.error.location?.line, `${r.error.message}\n${mutated}`).toBeGreaterThan(0);
            expect(r.error.message).not.toMatch(/cannot be read|undefined|\[object/);
            refused++;
          }
        }
      }
    }
    // Both outcomes occur, so the mutations exercise the error paths and the happy path.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });
});
