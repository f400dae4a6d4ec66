import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { formatLocation, type Location } from '../errors.js';
import { artifactUri, parseEvidenceLocation } from './location.js';

describe('parseEvidenceLocation', () => {
  it.each([
    ['logs/trail.json', { path: 'logs/trail.json' }],
    ['logs/trail.json:12', { path: 'logs/trail.json', line: 12 }],
    ['logs/trail.json:12:5', { path: 'logs/trail.json', line: 12, column: 5 }],
    ['logs/trail.json#3', { path: 'logs/trail.json', record: 3 }],
    ['logs/trail.json:7#3', { path: 'logs/trail.json', line: 7, record: 3 }],
    ['s3://my-bucket/AWSLogs/1/x.json.gz#7', { path: 's3://my-bucket/AWSLogs/1/x.json.gz', record: 7 }],
    ['C:\\logs\\trail.json:4', { path: 'C:\\logs\\trail.json', line: 4 }],
    ['-#2', { path: '-', record: 2 }],
    ['logs/#notes.json', { path: 'logs/#notes.json' }],
  ])('%s', (text, expected) => {
    expect(parseEvidenceLocation(text)).toEqual(expected);
  });

  it('is the inverse of formatLocation', () => {
    const locations: Location[] = [
      { file: 'a.json' },
      { file: 'dir/a b.json', line: 1 },
      { file: '/abs/x.ndjson', line: 10, column: 2 },
      { file: 's3://bucket/key/2024/10/01/x.json.gz', record: 0 },
      { file: 'C:\\Users\\me\\ct.json', line: 3, record: 9 },
    ];
    for (const loc of locations) {
      const parsed = parseEvidenceLocation(formatLocation(loc));
      expect({ file: parsed.path, line: parsed.line, column: parsed.column, record: parsed.record }).toEqual({
        file: loc.file,
        line: loc.line,
        column: loc.column,
        record: loc.record,
      });
    }
  });
});

describe('artifactUri', () => {
  const ajv = new AjvDraft04.default({ strict: false });
  addFormats.default(ajv);
  const isUriReference = ajv.compile({ type: 'string', format: 'uri-reference' });
  const isUri = ajv.compile({ type: 'string', format: 'uri' });

  it.each([
    ['logs/trail.json', 'logs/trail.json'],
    ['./logs/trail 1.json', './logs/trail%201.json'],
    ['a:b/c.json', 'a%3Ab/c.json'],
    ['logs/100%.json', 'logs/100%25.json'],
    ['logs/ünï cödé 🚀.json', 'logs/%C3%BCn%C3%AF%20c%C3%B6d%C3%A9%20%F0%9F%9A%80.json'],
    ['logs/a#b?.json', 'logs/a%23b%3F.json'],
  ])('keeps relative path %s relative: %s', (path, uri) => {
    expect(artifactUri(path)).toBe(uri);
    expect(isUriReference(uri)).toBe(true);
  });

  it.each([
    ['/var/log/ct.json', 'file:///var/log/ct.json'],
    ['//var/log/ct.json', 'file:///var/log/ct.json'],
    ['/tmp/a b/ü.json', 'file:///tmp/a%20b/%C3%BC.json'],
    ['C:\\logs\\a b.json', 'file:///C:/logs/a%20b.json'],
    ['c:/logs/a.json', 'file:///C:/logs/a.json'],
    ['\\\\server\\share\\ct.json', 'file://server/share/ct.json'],
    [
      's3://my-bucket/AWSLogs/123/CloudTrail/us-east-1/x.json.gz',
      's3://my-bucket/AWSLogs/123/CloudTrail/us-east-1/x.json.gz',
    ],
    ['S3://b/key with space#frag', 's3://b/key%20with%20space%23frag'],
    ['s3://b/already%20encoded', 's3://b/already%20encoded'],
    ['https://example.com/a/b', 'https://example.com/a/b'],
  ])('makes an absolute URI of %s: %s', (path, uri) => {
    expect(artifactUri(path)).toBe(uri);
    expect(isUri(uri)).toBe(true);
  });

  it('names no artifact for stdin or an empty path', () => {
    expect(artifactUri('-')).toBeUndefined();
    expect(artifactUri('')).toBeUndefined();
  });

  it('encodes a lone surrogate as U+FFFD rather than producing an invalid URI', () => {
    const uri = artifactUri('logs/bad\uD800.json')!;
    expect(uri).toBe('logs/bad%EF%BF%BD.json');
    expect(isUriReference(uri)).toBe(true);
  });

  it('the format checker it relies on rejects unencoded paths', () => {
    expect(isUriReference('logs/a b.json')).toBe(false);
    expect(isUri('/var/log/ct.json')).toBe(false);
  });
});
