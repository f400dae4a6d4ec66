import { describe, expect, test } from 'vitest';
import { CsvParser, type CsvRow } from './csv.js';

function parse(chunks: string[], maxRowChars = 1 << 20) {
  const parser = new CsvParser({ maxRowChars });
  const rows: CsvRow[] = [];
  for (const c of chunks) parser.push(c, rows);
  parser.end(rows);
  return { rows, error: parser.error };
}

function everySplit(text: string): string[][] {
  const all: string[][] = [[text], Array.from(text)];
  for (let i = 1; i < text.length; i++) all.push([text.slice(0, i), text.slice(i)]);
  return all;
}

describe('CsvParser', () => {
  const text =
    '"eventname","requestparameters","note"\r\n' +
    '"GetObject","{""bucketName"":""b""}","two\nlines, with comma"\r\n' +
    'plain,,"" \n' +
    '\n' +
    '"last","x","no line break at the end"';

  test('quoted fields, doubled quotes, embedded line breaks, CRLF, blank lines — under any chunking', () => {
    for (const chunks of everySplit(text)) {
      const { rows, error } = parse(chunks);
      expect(error).toBeUndefined();
      expect(rows).toEqual([
        { fields: ['eventname', 'requestparameters', 'note'], line: 1 },
        { fields: ['GetObject', '{"bucketName":"b"}', 'two\nlines, with comma'], line: 2 },
        { fields: ['plain', '', ' '], line: 4 },
        { fields: ['last', 'x', 'no line break at the end'], line: 6 },
      ]);
    }
  });

  test('a stray quote inside an unquoted field is kept as a character', () => {
    expect(parse(['a"b,c\n']).rows[0]?.fields).toEqual(['a"b', 'c']);
    expect(parse(['"a"b,c\n']).rows[0]?.fields).toEqual(['ab', 'c']);
  });

  test('a file that ends inside quotes is reported as cut, naming the row', () => {
    const { rows, error } = parse(['h1,h2\n', 'ok,1\n', '"open,2\nmore']);
    expect(rows).toHaveLength(2);
    expect(error?.line).toBe(3);
    expect(error?.message).toContain('is the file cut?');
  });

  test('a row longer than the limit stops the parser', () => {
    const { error } = parse(['h\n', `"${'x'.repeat(200)}`, 'y'.repeat(200)], 100);
    expect(error?.message).toContain('longer than 100');
    expect(error?.line).toBe(2);
  });

  test('a long file in one chunk is not mistaken for one long row', () => {
    const many = `${'a,b\n'.repeat(1000)}`;
    const { rows, error } = parse([many], 100);
    expect(error).toBeUndefined();
    expect(rows).toHaveLength(1000);
  });
});
