import { describe, expect, test } from 'vitest';
import { JsonElementScanner, type ScannedElement } from './json-scanner.js';

const KEYS = ['Records', 'Events', 'QueryResultRows'];

function scan(chunks: string[], maxElementChars = 1 << 20) {
  const scanner = new JsonElementScanner({ containerKeys: KEYS, maxElementChars });
  const out: ScannedElement[] = [];
  for (const c of chunks) scanner.push(c, out);
  scanner.end();
  return { scanner, out };
}

/** Every way of cutting `text` in two, plus one-character chunks. */
function splits(text: string): string[][] {
  const all: string[][] = [[text], Array.from(text)];
  for (let i = 1; i < text.length; i++) all.push([text.slice(0, i), text.slice(i)]);
  return all;
}

const tricky = [
  { eventName: 'A', eventSource: 's', s: 'brackets ] } [ { and "quotes" and \\ backslash \\"' },
  { eventName: 'B', nested: { list: [[], [{}], { x: [1, { y: '}' }] }] }, emoji: '🙂 é' },
  'a string element',
  42,
  null,
  [1, [2, [3]]],
];

describe('JsonElementScanner', () => {
  test.each([
    ['top-level array', JSON.stringify(tricky), null],
    ['Records with keys around it', `{"a":{"Records":[9]},"Records":${JSON.stringify(tricky)},"z":"]"}`, 'Records'],
    ['pretty Events', JSON.stringify({ NextToken: 'x', Events: tricky }, null, 2), 'Events'],
    [
      'QueryResultRows',
      JSON.stringify({ QueryStatus: 'FINISHED', QueryResultRows: [[{ a: '1' }], [{ b: '2' }]] }),
      'QueryResultRows',
    ],
  ])('%s: elements are found whatever the chunking', (_name, text, container) => {
    const expected = (JSON.parse(text) as Record<string, unknown[]>)[container ?? ''] ?? JSON.parse(text);
    for (const chunks of splits(text)) {
      const { scanner, out } = scan(chunks);
      expect(scanner.error).toBeUndefined();
      expect(scanner.complete).toBe(true);
      expect(scanner.container).toBe(container);
      expect(out.map((e) => JSON.parse(e.text))).toEqual(expected);
      expect(out.map((e) => e.index)).toEqual(out.map((_, i) => i));
    }
  });

  test('element positions: line, column and offset of the first character', () => {
    const text = '{\n "Records": [\n  {"a": 1},\n  "x",\n    7\n ]\n}';
    const { out } = scan([text]);
    expect(out.map(({ line, column, offset }) => ({ line, column, offset }))).toEqual([
      { line: 3, column: 3, offset: text.indexOf('{"a"') },
      { line: 4, column: 3, offset: text.indexOf('"x"') },
      { line: 5, column: 5, offset: text.indexOf('7') },
    ]);
  });

  test('the top-level keys are collected; a container key whose value is not a list is not a container', () => {
    const { scanner, out } = scan(['{"Records": null, "digestStartTime": "t", "x\\"y": [1]}']);
    expect(scanner.container).toBeUndefined();
    expect(scanner.topKeys).toEqual(['Records', 'digestStartTime', 'x"y']);
    expect(out).toEqual([]);
    expect(scanner.complete).toBe(true);
  });

  test('only the first container is split', () => {
    const { scanner, out } = scan(['{"Events":[{"CloudTrailEvent":"{}"}],"Records":[1,2]}']);
    expect(scanner.container).toBe('Events');
    expect(out).toHaveLength(1);
  });

  test.each([
    ['[{"a":1} {"b":2}]', "expected ',' or ']' after an array element, found '{'", 1, 10],
    ['[{"a":1},]', 'expected an array element (a trailing comma?)', 1, 10],
    ['[{"a":1}]\n x', "unexpected 'x' after the end of the JSON document", 2, 2],
    ['[{"a":[1}]', "unexpected '}': it does not close the open '['", 1, 9],
    ['{"Records":[1] "x":2}', "expected ',' or '}' after a property value", 1, 16],
    ['{"Records" [1]}', "expected ':' after a property name", 1, 12],
    ['{Records:[1]}', 'expected a double-quoted property name', 1, 2],
    ['x', "expected '{' or '[' to start the JSON document", 1, 1],
  ])('structural error in %j', (text, message, line, column) => {
    const { scanner } = scan([text]);
    expect(scanner.error?.message).toContain(message);
    expect(scanner.error).toMatchObject({ line, column });
  });

  test('elements before a structural error are still handed over', () => {
    const { scanner, out } = scan(['[{"a":1},{"b":2} {"c":3}]']);
    expect(out.map((e) => e.text)).toEqual(['{"a":1}', '{"b":2}']);
    expect(scanner.error).toBeDefined();
  });

  test('a cut document is an error at end(), with everything complete before the cut', () => {
    const { scanner, out } = scan(['{"Records":[{"a":1},{"b":2},{"c":']);
    expect(out).toHaveLength(2);
    expect(scanner.error?.message).toContain('unexpected end of input');
    const empty = scan(['   ']);
    expect(empty.scanner.error?.message).toContain('no JSON value');
  });

  test('an element longer than the limit is reported by size, its text dropped, and scanning goes on', () => {
    const big = 'x'.repeat(500);
    const text = JSON.stringify([{ a: 1 }, { big }, { c: 3 }]);
    for (const chunks of [[text], text.match(/.{1,7}/gs) ?? []]) {
      const { scanner, out } = scan(chunks, 100);
      expect(scanner.error).toBeUndefined();
      expect(out.map((e) => e.tooLarge)).toEqual([undefined, JSON.stringify({ big }).length, undefined]);
      expect(out[1]?.text).toBe('');
      expect(JSON.parse(out[2]?.text ?? '')).toEqual({ c: 3 });
    }
  });
});
