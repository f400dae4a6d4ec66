import { describe, expect, test } from 'vitest';
import { findJsonSyntaxError, lineAt, lineColumn } from './json-syntax.js';

/** V8 says "at position N" for some errors: where it does, we must agree. */
function v8Position(text: string): number | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    const m = /at position (\d+)/.exec((e as Error).message);
    return m ? Number(m[1]) : -1;
  }
}

function valid(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('findJsonSyntaxError', () => {
  test.each([
    ['{"a":1}', undefined],
    ['  [1, 2.5e-3, -0, "x\\u00e9\\n", true, false, null, {}, []]  ', undefined],
    ['{"a":1,}', 7],
    ['[1,2', 4],
    ['{"a" 1}', 5],
    ['{"a":tru}', 8],
    ["{'a':1}", 1],
    ['[01]', 2],
    ['[1.]', 3],
    ['["a\nb"]', 3],
    ['["\\x"]', 3],
    ['{"a":1} x', 8],
    ['', 0],
    ['[1]]', 3],
    ['{"a":[1,2}', 9],
  ])('%j → %s', (text, offset) => {
    const err = findJsonSyntaxError(text);
    expect(err?.offset).toBe(offset);
    expect(err === undefined).toBe(valid(text));
  });

  test('messages say what was expected', () => {
    expect(findJsonSyntaxError('{"a":1 "b":2}')?.message).toBe(
      "expected ',' or '}' after a property value, found '\"'",
    );
    expect(findJsonSyntaxError('[1,]')?.message).toContain('trailing comma');
    expect(findJsonSyntaxError('{"a":')?.message).toContain('unexpected end of input');
    expect(findJsonSyntaxError("{'a':1}")?.message).toContain('double-quoted property name');
  });

  test('agrees with JSON.parse on thousands of mutated CloudTrail-like documents', () => {
    const base = JSON.stringify(
      {
        Records: [
          { eventName: 'InvokeModel', eventSource: 'bedrock.amazonaws.com', n: -1.5e3, ok: true, none: null },
          { eventName: 'Converse', requestParameters: { modelId: 'anthropic.claude', list: [1, 2, 3] }, s: 'a"b\\c' },
        ],
      },
      null,
      1,
    );
    const junk = ['', ',', '}', ']', '{', '[', '"', ':', 'x', '\\', ' ', '\n', '0', 'e', '-', '.', 't'];
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let invalid = 0;
    for (let k = 0; k < 3000; k++) {
      const at = rand(base.length);
      const cut = rand(3);
      const text = base.slice(0, at) + junk[rand(junk.length)] + base.slice(at + cut);
      const err = findJsonSyntaxError(text);
      expect(err === undefined, text).toBe(valid(text));
      if (err) {
        invalid++;
        const pos = v8Position(text);
        if (pos !== undefined && pos >= 0) expect(err.offset, text).toBe(pos);
      }
    }
    expect(invalid).toBeGreaterThan(1000);
  });

  test('deep nesting does not overflow the stack', () => {
    const deep = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(findJsonSyntaxError(deep)).toBeUndefined();
    expect(findJsonSyntaxError(`${deep}]`)?.offset).toBe(400_000);
  });
});

describe('lineColumn / lineAt', () => {
  const text = 'ab\ncde\r\n\nfg';
  test.each([
    [0, 1, 1],
    [2, 1, 3],
    [3, 2, 1],
    [5, 2, 3],
    [8, 3, 1],
    [9, 4, 1],
    [10, 4, 2],
  ])('offset %i → line %i column %i', (offset, line, column) => {
    expect(lineColumn(text, offset)).toEqual({ line, column });
  });
  test('the line around an offset, without its line break', () => {
    expect(lineAt(text, 4)).toBe('cde');
    expect(lineAt(text, 10)).toBe('fg');
    expect(lineAt(text, 0)).toBe('ab');
  });
});
