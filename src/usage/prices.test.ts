import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JackstopError } from '../errors.js';
import { dataFile } from './data.js';
import { defaultPriceBook, lookupIds, PriceBook, parsePrices, priceFor } from './index.js';
import { operations } from './operations.js';

const file = dataFile('prices.yml');
const text = readFileSync(file, 'utf8');

function rejects(yaml: string): JackstopError {
  try {
    parsePrices('bad.yml', yaml);
  } catch (e) {
    expect(e).toBeInstanceOf(JackstopError);
    return e as JackstopError;
  }
  throw new Error('expected the table to be rejected');
}

const entry = (over: string) =>
  `prices:\n  - { provider: aws, model: m, inputPer1k: 0.1, outputPer1k: 0.2, source: 'https://example.com/p', asOf: '2025-01-01', ref: m${over} }\n`;

describe('prices.yml', () => {
  const entries = parsePrices(file);

  it('validates, and every entry has an https source and a date', () => {
    expect(entries.length).toBeGreaterThan(80);
    for (const e of entries) {
      expect(e.source).toMatch(/^https:\/\//);
      expect(e.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('covers the families the issue names', () => {
    const has = (provider: string, model: string) => priceFor(provider as 'aws', model) !== undefined;
    expect(has('aws', 'anthropic.claude-3-5-sonnet-20240620-v1:0')).toBe(true);
    expect(has('aws', 'meta.llama3-1-70b-instruct-v1:0')).toBe(true);
    expect(has('aws', 'amazon.titan-text-express-v1')).toBe(true);
    expect(has('aws', 'amazon.nova-pro-v1:0')).toBe(true);
    expect(has('aws', 'mistral.mistral-large-2407-v1:0')).toBe(true);
    expect(has('aws', 'cohere.command-r-plus-v1:0')).toBe(true);
    for (const m of ['gpt-4o', 'gpt-4.1', 'gpt-4o-mini', 'gpt-35-turbo']) expect(has('azure', m)).toBe(true);
    expect(has('gcp', 'gemini-1.5-pro-002')).toBe(true);
    expect(has('gcp', 'claude-3-opus@20240229')).toBe(true);
  });

  it('matches figures of the source (litellm per-token × 1000)', () => {
    // Spot checks against values read from the pinned litellm file.
    expect(priceFor('aws', 'anthropic.claude-v2:1')).toMatchObject({ inputPer1k: 0.008, outputPer1k: 0.024 });
    expect(priceFor('aws', 'anthropic.claude-3-opus-20240229-v1:0')).toMatchObject({
      inputPer1k: 0.015,
      outputPer1k: 0.075,
    });
    expect(priceFor('azure', 'gpt-4o-2024-11-20')).toMatchObject({ inputPer1k: 0.00275, outputPer1k: 0.011 });
    expect(priceFor('gcp', 'gemini-2.0-flash')).toMatchObject({ inputPer1k: 0.0001, outputPer1k: 0.0004 });
  });

  it('operations.yml validates and documents every assumed size', () => {
    const o = operations();
    for (const k of Object.values(o.kinds)) expect(k.rationale.length).toBeGreaterThan(20);
    expect(o.operations.aws.InvokeModelWithResponseStream).toBe('streaming-chat');
  });

  it('the committed file is what the schema reads (anchors resolve)', () => {
    expect(text).toContain('&litellm');
    expect(entries.every((e) => e.source.includes('19a1f629eb6fafde70968ef4815463eb08143aac'))).toBe(true);
  });
});

describe('prices schema', () => {
  it('rejects a missing source, naming the file and line', () => {
    const e = rejects(
      'prices:\n  - provider: aws\n    model: m\n    inputPer1k: 1\n    outputPer1k: 1\n    asOf: 2025-01-01\n    ref: x\n',
    );
    expect(e.code).toBe('JACKSTOP_RULE_INVALID');
    expect(e.message).toMatch(/source/);
    expect(e.location).toMatchObject({ file: 'bad.yml', line: 2 });
  });
  it('rejects a non-https source, a bad date, a negative price and unknown keys', () => {
    expect(rejects(entry('').replace("'https://example.com/p'", "'http://example.com/p'")).message).toMatch(/source/);
    expect(rejects(entry('').replace("'2025-01-01'", "'Jan 2025'")).message).toMatch(/asOf/);
    expect(rejects(entry('').replace('inputPer1k: 0.1', 'inputPer1k: -1')).message).toMatch(/inputPer1k/);
    expect(rejects(entry(', per1M: 3')).message).toMatch(/per1M|unrecognized/i);
  });
  it('rejects duplicates and broken YAML', () => {
    const dup = entry('') + entry('').replace('prices:\n', '');
    expect(rejects(dup).message).toMatch(/duplicate price for aws m/);
    const e = rejects('prices: [ {provider: aws');
    expect(e.message).toMatch(/not valid YAML/);
    expect(e.location?.line).toBe(1);
  });
});

describe('price lookup', () => {
  const book = new PriceBook(
    parsePrices(
      't.yml',
      `prices:
  - { provider: aws, model: 'anthropic.claude-3-5-sonnet-*', inputPer1k: 3, outputPer1k: 15, source: 'https://e.com', asOf: '2025-01-01', ref: a }
  - { provider: aws, model: 'anthropic.claude-3-5-sonnet-20241022-v2:0', inputPer1k: 4, outputPer1k: 16, source: 'https://e.com', asOf: '2025-01-01', ref: b }
  - { provider: aws, model: 'anthropic.claude-3-5-sonnet-*', region: 'eu-*', inputPer1k: 5, outputPer1k: 17, source: 'https://e.com', asOf: '2025-01-01', ref: c }
  - { provider: aws, model: 'apac.anthropic.claude-3-5-sonnet-*', inputPer1k: 6, outputPer1k: 18, source: 'https://e.com', asOf: '2025-01-01', ref: d }
`,
    ),
  );
  it('prefers the exact id over a pattern', () => {
    expect(book.priceFor('aws', 'anthropic.claude-3-5-sonnet-20241022-v2:0')?.inputPer1k).toBe(4);
    expect(book.priceFor('aws', 'anthropic.claude-3-5-sonnet-20240620-v1:0')?.inputPer1k).toBe(3);
  });
  it('prefers an entry for the region, and falls back to the region-less one', () => {
    expect(book.priceFor('aws', 'anthropic.claude-3-5-sonnet-20240620-v1:0', 'eu-central-1')?.inputPer1k).toBe(5);
    expect(book.priceFor('aws', 'anthropic.claude-3-5-sonnet-20240620-v1:0', 'us-east-1')?.inputPer1k).toBe(3);
  });
  it('looks profile ids and ARNs up as written, then by the bare model id', () => {
    expect(lookupIds('aws', 'arn:aws:bedrock:us-east-1:1:inference-profile/us.anthropic.x-v1:0')).toEqual([
      'arn:aws:bedrock:us-east-1:1:inference-profile/us.anthropic.x-v1:0',
      'us.anthropic.x-v1:0',
      'anthropic.x-v1:0',
    ]);
    expect(book.priceFor('aws', 'apac.anthropic.claude-3-5-sonnet-20240620-v1:0')?.inputPer1k).toBe(6);
    expect(book.priceFor('aws', 'us.anthropic.claude-3-5-sonnet-20240620-v1:0')?.inputPer1k).toBe(3);
    expect(priceFor('aws', 'global.anthropic.claude-haiku-4-5-20251001-v1:0')?.inputPer1k).toBe(0.001);
    expect(priceFor('aws', 'apac.anthropic.claude-haiku-4-5-20251001-v1:0')?.inputPer1k).toBe(0.0011);
  });
  it('returns undefined for an unknown model or another provider: never a guess', () => {
    expect(book.priceFor('aws', 'anthropic.claude-9')).toBeUndefined();
    expect(book.priceFor('gcp', 'anthropic.claude-3-5-sonnet-20240620-v1:0')).toBeUndefined();
    expect(priceFor('aws', 'stability.stable-diffusion-xl-v1')).toBeUndefined();
  });
  it('gives the full ModelPrice with source and date', () => {
    expect(defaultPriceBook().priceFor('azure', 'gpt-4o')).toEqual({
      provider: 'azure',
      model: 'gpt-4o',
      inputPer1k: 0.0025,
      outputPer1k: 0.01,
      currency: 'USD',
      source: expect.stringContaining('BerriAI/litellm'),
      asOf: '2026-11-23',
    });
  });
});
