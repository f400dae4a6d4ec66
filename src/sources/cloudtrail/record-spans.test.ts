import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, test } from 'vitest';
import { rng } from '../../../bench/cloudtrail-mix.js';
import { DATASETS } from '../../../test/datasets.js';
import { type RecordSpans, recordSpans } from './record-spans.js';

const KEYS = ['Records'];
const BOM = '\ufeff';

/** The document's text without a BOM (which `JSON.parse` rejects). */
function textOf(doc: Uint8Array): string {
  const text = Buffer.from(doc.buffer, doc.byteOffset, doc.length).toString('utf8');
  return text.startsWith(BOM) ? text.slice(1) : text;
}

/** What `JSON.parse` says the records are: the top-level array, or the array under the container key. */
function parsedRecords(doc: Uint8Array, key = 'Records'): unknown[] {
  const value = JSON.parse(textOf(doc)) as unknown;
  if (Array.isArray(value)) return value;
  const records = (value as Record<string, unknown>)[key];
  if (!Array.isArray(records)) throw new Error(`no ${key} array`);
  return records;
}

function spanTexts(doc: Uint8Array, r: RecordSpans): string[] {
  if (!r.ok) throw new Error(`unexpected error result at ${r.offset}: ${r.message}`);
  const out: string[] = [];
  for (let i = 0; i < r.count; i++) {
    out.push(Buffer.from(doc.subarray(r.spans[2 * i], r.spans[2 * i + 1])).toString('utf8'));
  }
  return out;
}

const isWs = (c: string | undefined) => c === ' ' || c === '\n' || c === '\r' || c === '\t';

/** Every span parses to the same value as `JSON.parse` of the whole document gives, and has no whitespace around it. */
function expectAgrees(doc: Uint8Array, keys: readonly string[] = KEYS, key = keys[0]) {
  const expected = parsedRecords(doc, key);
  const r = recordSpans(doc, keys);
  expect(r.ok ? { count: r.count, spans: r.spans.length } : r).toEqual({
    count: expected.length,
    spans: 2 * expected.length,
  });
  const texts = spanTexts(doc, r);
  expect(texts.filter((t) => t === '' || isWs(t[0]) || isWs(t.at(-1)))).toEqual([]);
  expect(texts.map((t) => JSON.parse(t))).toEqual(expected);
  return r;
}

function expectError(doc: Uint8Array, keys: readonly string[] = KEYS) {
  let r: RecordSpans | undefined;
  expect(() => {
    r = recordSpans(doc, keys);
  }).not.toThrow();
  if (r?.ok !== false) throw new Error(`expected the error result, got ${r?.count} records`);
  expect(r.offset).toBeGreaterThanOrEqual(0);
  expect(r.offset).toBeLessThanOrEqual(doc.length);
  expect(r.message).not.toBe('');
  return r;
}

const buf = (text: string) => Buffer.from(text, 'utf8');

const tricky = [
  { eventName: 'A', s: 'brackets ] } [ { , : and "quotes" and \\ backslash \\"', t: '\\', u: '"', v: '\\\\"' },
  { eventName: 'B', nested: { list: [[], [{}], { x: [1, { y: '}' }] }] }, emoji: '🙂 é 中', empty: '' },
  'a string element with ] and }',
  '\\',
  42,
  -1.5e-7,
  null,
  true,
  false,
  [1, [2, [3, { a: [] }]]],
  {},
  [],
];

describe('recordSpans: valid documents', () => {
  test.each([
    ['Records alone', JSON.stringify({ Records: tricky })],
    [
      'Records with other keys before and after, of every kind',
      `{"a":{"Records":[9],"x":"]}"},"b":[1,[2],{"c":"["}],"n":-3.25E+2,"t":true,"f":false,"z":null,"s":"}]",` +
        `"Records":${JSON.stringify(tricky)},"after":{"Records":["no"]},"k":"\\"]"}`,
    ],
    ['a top-level array', JSON.stringify(tricky)],
    ['pretty-printed (2 spaces)', JSON.stringify({ NextToken: 'x', Records: tricky, more: [1] }, null, 2)],
    ['pretty-printed with tabs and CRLF', JSON.stringify({ Records: tricky }, null, '\t').replaceAll('\n', '\r\n')],
    [
      'whitespace everywhere JSON allows',
      ' \r\n\t{ \n"x" \t: [ 1 , 2 ] ,\r\n "Records"\n:\n[\n{ "a" : [ ] }\n,\n"s"\n,\n7\n]\n}\n\t ',
    ],
    ['a BOM before an object', BOM + JSON.stringify({ Records: tricky })],
    ['a BOM and whitespace before an array', `${BOM} \n${JSON.stringify(tricky)}\n`],
    [
      'multi-byte UTF-8 and \\u escapes',
      '{"Records":["é中🙂","\\u00e9\\u4e2d\\ud83d\\ude42",{"\\u0022k\\u005c":"\\u005c"},"\\/\\b\\f\\n\\r\\t"]}',
    ],
    [
      'backslashes right before closing quotes',
      String.raw`{"Records":["\\","\\\\","\"","\\\"","a\\",{"k\\":"v\\\\"},["\\"]]}`,
    ],
    ['an empty Records array', '{"Records":[]}'],
    ['an empty Records array with whitespace', '{ "Records" : [ \n ] , "x" : 1 }'],
    ['an empty top-level array', ' [ ] '],
    ['a top-level array of scalars', '[0,-0,1.5,-2e10,3E-2,true,false,null,"",""]'],
    ['records that are arrays', '{"Records":[[],[[]],[{"a":[{}]}]]}'],
    ['a container key first given a non-array value', '{"Records":null,"x":1,"Records":[1,{"a":2}]}'],
  ])('%s', (_name, text) => {
    expectAgrees(buf(text));
  });

  test('spans are exact byte offsets: no whitespace or commas, multi-byte characters counted in bytes', () => {
    const text = '{"é": "中", "Records" : [ {"a":1} ,\n"🙂x" ,3 , [ ] ] }';
    const r = recordSpans(buf(text), KEYS);
    const at = (s: string) => Buffer.byteLength(text.slice(0, text.indexOf(s)));
    expect(r).toEqual({
      ok: true,
      count: 4,
      container: 'Records',
      spans: Int32Array.from([
        at('{"a"'),
        at(' ,\n'),
        at('"🙂'),
        at(' ,3'),
        at('3'),
        at('3') + 1,
        at('[ ]'),
        at('[ ]') + 3,
      ]),
    });
  });

  test('the first container key (of several) whose value is an array is used; JSON.parse keeps the last', () => {
    const doc = buf('{"Events":"no","Records":[1],"Events":[2,3],"Records":[4]}');
    const r = recordSpans(doc, ['Events', 'Records']);
    expect(r.ok && { container: r.container, records: spanTexts(doc, r) }).toEqual({
      container: 'Records',
      records: ['1'],
    });
    const events = recordSpans(buf('{"Events":[2,3],"Records":[4]}'), ['Records', 'Events']);
    expect(events.ok && { container: events.container, count: events.count }).toEqual({
      container: 'Events',
      count: 2,
    });
    expectAgrees(buf('{"Events":[{"CloudTrailEvent":"{\\"a\\":[1]}"}]}'), ['Records', 'Events'], 'Events');
    const top = recordSpans(buf('[1]'), KEYS);
    expect(top.ok && top.container).toBeNull();
  });

  test('keys are compared byte for byte, and only at the top level', () => {
    expectError(buf('{"records":[1],"Records ":[2],"Record":[3],"x":{"Records":[4]}}'));
    expectAgrees(buf('{"records":[1],"Records ":[2],"Record":[3],"x":{"Records":[4]},"Records":[5]}'));
    expectAgrees(buf('{"Récords":[1],"Records":[5]}'), ['Récords'], 'Récords');
  });

  test('the document may be a view at any offset of a larger buffer', () => {
    const text = JSON.stringify({ Records: tricky });
    for (let offset = 0; offset < 9; offset++) {
      const big = Buffer.alloc(offset + Buffer.byteLength(text) + 5, 0x5d);
      big.write(text, offset);
      const doc = big.subarray(offset, offset + Buffer.byteLength(text));
      expect(doc.byteOffset % 8).toBe((big.byteOffset + offset) % 8);
      expectAgrees(doc);
    }
  });

  test('strings of every length with an escape at every place, at every alignment', () => {
    for (let pad = 0; pad < 8; pad++) {
      const items: string[] = [];
      for (let len = 0; len < 40; len++) {
        for (let at = 0; at <= len; at++) {
          for (const esc of ['\\"', '\\\\', '\\u0022', '\\n']) {
            items.push(`"${'a'.repeat(at)}${esc}${'b'.repeat(len - at)}"`);
          }
        }
        items.push(`"${'x'.repeat(len)}"`, `{"${'k'.repeat(len)}":"${'v'.repeat(len)}\\\\"}`);
      }
      expectAgrees(buf(`${' '.repeat(pad)}{"Records":[${items.join(',')}]}`));
    }
  });

  test('many records: the span array grows', () => {
    const records = Array.from({ length: 20_000 }, (_, i) => ({ i, s: `r${i}]}"` }));
    const r = expectAgrees(buf(JSON.stringify({ Records: records })));
    expect(r.ok && r.count).toBe(20_000);
  });

  test('deep nesting', () => {
    const deep = `${'['.repeat(10_000)}${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}${']'.repeat(10_000)}`;
    const r = recordSpans(buf(`{"Records":[${deep},2]}`), KEYS);
    expect(r.ok && { count: r.count, first: r.spans[1]! - r.spans[0]! }).toEqual({ count: 2, first: deep.length });
    expectError(buf(`{"Records":[${deep.slice(0, -1)}}]}`));
  });
});

describe('recordSpans: broken documents give the error result', () => {
  test.each([
    ['empty', '', 0],
    ['whitespace only', ' \n\t ', 4],
    ['a BOM only', BOM, 3],
    ['a top-level number', '1', 0],
    ['a top-level string', '"[1]"', 0],
    ['a top-level null', ' null', 1],
    ['a BOM not at the start', ` ${BOM}[1]`, 1],
    ['two BOMs', `${BOM}${BOM}[1]`, 3],
    ['an empty object', '{}', 0],
    ['no container key', '{"a":1,"b":[2]}', 0],
    ['the container key is not an array', '{"Records":{"a":[1]}}', 0],
    ['the container key only nested', '{"x":{"Records":[1]}}', 0],
    ['an escaped container key', '{"Rec\\u006frds":[1]}', 5],
    ['an escaped other key before the container', '{"a\\"b":1,"Records":[1]}', 3],
    ['an escaped other key after the container', '{"Records":[1],"a\\\\b":1}', 17],
    ['mismatched brackets in a record', '{"Records":[{"a":[1}]}', 19],
    ['mismatched brackets in another value', '{"x":[{]},"Records":[]}', 7],
    ['an unclosed record', '{"Records":[{"a":[1]]}', 20],
    ['the array not closed', '{"Records":[1}', 13],
    ['the object not closed', '{"Records":[1]', 14],
    ['an extra closer', '{"Records":[1]}}', 15],
    ['an extra closer after an array', '[[]]]', 4],
    ['an unterminated string', '{"Records":["abc]}', 12],
    ['an unterminated string (escaped quote)', '{"Records":["abc\\"]}', 12],
    ['an unterminated key', '{"Rec', 1],
    ['missing comma between records', '[{"a":1} {"b":2}]', 9],
    ['missing comma after a scalar record', '[1 2]', 3],
    ['a trailing comma', '[1,]', 3],
    ['a leading comma', '[,1]', 1],
    ['a trailing comma in the object', '{"Records":[1],}', 15],
    ['a missing colon', '{"Records" [1]}', 11],
    ['an unquoted key', '{Records:[1]}', 1],
    ['no value after a key', '{"x":,"Records":[1]}', 5],
    ['garbage after the end', '{"Records":[]} x', 15],
    ['a second document (NDJSON)', '{"Records":[1]}\n{"Records":[2]}', 16],
    ['two arrays', '[1][2]', 3],
    ['a NUL after the end', '[1]\u0000', 3],
  ])('%s', (_name, text, offset) => {
    expect(expectError(buf(text)).offset).toBe(offset);
  });

  test.each([
    ['an object', JSON.stringify({ a: ['x]'], Records: tricky, z: { Records: [1] } })],
    ['an array', JSON.stringify(tricky)],
    ['pretty with a BOM', BOM + JSON.stringify({ Records: tricky.slice(0, 3) }, null, 2)],
    ['escapes', String.raw`{"Records":["\\","\"","a\\\"b","\u005c",{"k\\":["\\"]}]}`],
  ])('%s cut at every byte offset', (_name, text) => {
    const doc = buf(text);
    expectAgrees(doc);
    for (let cut = 0; cut < doc.length; cut++) expectError(doc.subarray(0, cut));
  });
});

// ---- Fuzzing with a seeded random JSON generator -------------------------------------------------

const CHARS = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:@',
  ...'{}[]",\\/"\\"\\',
  ' ',
  '\n',
  '\t',
  '\r',
  '\b',
  '\f',
  '\u0000',
  '\u001f',
  'é',
  'ß',
  '中',
  '\u2028',
  '🙂',
  '𝄞',
];
const SHORT: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\t': '\\t',
  '\r': '\\r',
  '\b': '\\b',
  '\f': '\\f',
};
const KEY_CHARS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 {}[],:/é中🙂'];

class Gen {
  readonly #r: () => number;
  constructor(
    seed: number,
    /** No escapes in keys and no "Records" key below the top level (for the mutation fuzz's oracle). */
    readonly plainKeys = false,
  ) {
    this.#r = rng(seed);
  }
  int(n: number): number {
    return Math.floor(this.#r() * n);
  }
  chance(p: number): boolean {
    return this.#r() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  ws(): string {
    return this.chance(0.7) ? '' : this.pick([' ', '\n', '  ', '\t', '\r\n', ' \n  ']);
  }
  /** A JSON string literal, with randomly chosen escapes. */
  string(maxLength = this.chance(0.1) ? 200 : 24, chars: readonly string[] = CHARS): string {
    const escapes = chars === CHARS;
    let out = '"';
    const length = this.int(maxLength + 1);
    for (let i = 0; i < length; i++) {
      const ch = this.pick(chars);
      const code = ch.codePointAt(0) as number;
      const short = SHORT[ch];
      if (escapes && this.chance(0.15)) {
        // \u escapes, as UTF-16 code units, in either case
        const hex = Array.from(
          { length: ch.length },
          (_, j) => `\\u${ch.charCodeAt(j).toString(16).padStart(4, '0')}`,
        ).join('');
        out += this.chance(0.5) ? hex : hex.toUpperCase().replaceAll('\\U', '\\u');
      } else if (short !== undefined) out += short;
      else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
      else if (ch === '/' && escapes && this.chance(0.5)) out += '\\/';
      else out += ch;
    }
    return `${out}"`;
  }
  key(): string {
    if (this.plainKeys) return this.string(12, KEY_CHARS);
    return this.chance(0.1) ? '"Records"' : this.string(12);
  }
  number(): string {
    let s = this.chance(0.3) ? '-' : '';
    s += this.chance(0.2) ? '0' : `${1 + this.int(9)}${this.int(10 ** this.int(8))}`;
    if (this.chance(0.3)) s += `.${this.int(100000)}`;
    if (this.chance(0.2)) s += `${this.pick(['e', 'E'])}${this.pick(['', '+', '-'])}${this.int(30)}`;
    return s;
  }
  object(depth: number): string {
    const members = Array.from(
      { length: this.int(6) },
      () => `${this.ws()}${this.key()}${this.ws()}:${this.ws()}${this.value(depth + 1)}${this.ws()}`,
    );
    return `{${members.join(',') || this.ws()}}`;
  }
  array(depth: number): string {
    const items = Array.from({ length: this.int(6) }, () => `${this.ws()}${this.value(depth + 1)}${this.ws()}`);
    return `[${items.join(',') || this.ws()}]`;
  }
  value(depth: number): string {
    const k = depth > 4 ? 3 + this.int(4) : this.int(7);
    if (k === 0 || k === 1) return this.object(depth);
    if (k === 2) return this.array(depth);
    if (k === 3 || k === 4) return this.string();
    if (k === 5) return this.number();
    return this.pick(['true', 'false', 'null']);
  }
  /** Mostly objects, like CloudTrail events. */
  record(): string {
    return this.chance(0.8) ? this.object(0) : this.value(0);
  }

  /** A document and the exact byte spans of its records. */
  document(): { doc: Buffer; spans: number[] } {
    const parts: string[] = [];
    const spans: number[] = [];
    let bytes = 0;
    const add = (s: string, isRecord = false) => {
      if (isRecord) spans.push(bytes, bytes + Buffer.byteLength(s));
      parts.push(s);
      bytes += Buffer.byteLength(s);
    };
    if (this.chance(0.1)) add(BOM);
    add(this.ws());
    const records = () => {
      add(`[${this.ws()}`);
      const n = this.int(12);
      for (let i = 0; i < n; i++) {
        if (i > 0) add(`${this.ws()},${this.ws()}`);
        add(this.record(), true);
      }
      add(`${this.ws()}]`);
    };
    if (this.chance(0.15)) {
      records();
    } else {
      add(`{${this.ws()}`);
      const used = new Set(['"Records"']);
      // Another top-level member (a unique key), or '' when the key drawn is taken.
      const other = (): string => {
        const near = this.plainKeys ? ['"records"', '"Record"'] : ['"records"', '"Records "', '"Record"'];
        let key = this.pick(['"eventVersion"', '"digest"', '"NextToken"', ...near]);
        if (this.chance(0.5)) key = this.string(10, KEY_CHARS);
        if (used.has(key)) return '';
        used.add(key);
        return `${key}${this.ws()}:${this.ws()}${this.value(1)}`;
      };
      for (let i = this.int(4); i > 0; i--) {
        const member = other();
        if (member) add(`${member}${this.ws()},${this.ws()}`);
      }
      if (!this.plainKeys && this.chance(0.1)) {
        add(`"Records"${this.ws()}:${this.ws()}${this.pick(['null', '1', '"[]"', '{"Records":[1]}'])},${this.ws()}`);
      }
      add(`"Records"${this.ws()}:${this.ws()}`);
      records();
      for (let i = this.int(4); i > 0; i--) {
        const member = other();
        if (member) add(`${this.ws()},${this.ws()}${member}`);
      }
      add(`${this.ws()}}`);
    }
    add(this.ws());
    return { doc: Buffer.from(parts.join(''), 'utf8'), spans };
  }
}

describe('recordSpans: fuzzing', () => {
  test('2,000 random documents: the spans are exact and agree with JSON.parse', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const { doc, spans } = new Gen(seed).document();
      const r = expectAgrees(doc);
      expect({ seed, spans: r.ok ? Array.from(r.spans) : r }).toEqual({ seed, spans });
    }
  });

  test('random documents cut at every byte offset give the error result', () => {
    let cuts = 0;
    for (let seed = 5001; seed <= 5100; seed++) {
      const { doc } = new Gen(seed).document();
      let end = doc.length;
      while (end > 0 && isWs(String.fromCharCode(doc[end - 1] as number))) end--;
      // Checked without `expect` per cut: a few hundred thousand of them.
      const accepted: number[] = [];
      for (let cut = 0; cut < end; cut++) {
        const r = recordSpans(doc.subarray(0, cut), KEYS);
        if (r.ok || r.offset < 0 || r.offset > cut) accepted.push(cut);
      }
      expect({ seed, accepted }).toEqual({ seed, accepted: [] });
      cuts += end;
    }
    expect(cuts).toBeGreaterThan(100_000);
  });

  test('2,000 randomly damaged documents: never a throw; a document that still parses still agrees', () => {
    const damage = [...'{}[]",:\\ 1a'];
    let valid = 0;
    let rejected = 0;
    for (let seed = 10_001; seed <= 12_000; seed++) {
      const gen = new Gen(seed, true);
      const text = gen.document().doc.toString('utf8');
      let damaged = text;
      for (let k = 1 + gen.int(3); k > 0; k--) {
        const at = gen.int(damaged.length + 1);
        const op = gen.int(3);
        const ch = gen.pick(damage);
        damaged =
          op === 0
            ? damaged.slice(0, at) + damaged.slice(at + 1)
            : op === 1
              ? damaged.slice(0, at) + ch + damaged.slice(at)
              : damaged.slice(0, at) + ch + damaged.slice(at + 1);
      }
      const doc = buf(damaged);
      let expected: unknown[] | undefined;
      try {
        expected = parsedRecords(doc);
      } catch {
        expected = undefined;
      }
      let r: RecordSpans | undefined;
      expect(() => {
        r = recordSpans(doc, KEYS);
      }).not.toThrow();
      if (!r) throw new Error('no result');
      if (expected === undefined) {
        if (!r.ok) rejected++;
        continue;
      }
      valid++;
      if (!r.ok && /escape/.test(r.message)) continue;
      expect({ seed, records: spanTexts(doc, r).map((t) => JSON.parse(t)) }).toEqual({ seed, records: expected });
    }
    // Sanity of the fuzz itself (seeded, so fixed): many damaged documents still parse (damage in
    // whitespace or strings) and are checked above; the splitter rejects many of the others (it does
    // not look for damage inside records and other top-level values: the caller's JSON.parse does).
    expect(valid).toBeGreaterThan(300);
    expect(rejected).toBeGreaterThan(500);
  });
});

// ---- The shared real CloudTrail datasets ---------------------------------------------------------

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('recordSpans: the shared CloudTrail datasets', () => {
  const root = join(DATASETS, 'cloudtrail');

  test('where JSON.parse of a whole file succeeds the spans agree with it; elsewhere the error result', () => {
    const outcome: Record<string, number> = {};
    let records = 0;
    for (const file of filesUnder(root)) {
      const doc = readFileSync(file);
      let value: unknown;
      try {
        value = JSON.parse(textOf(doc));
      } catch {
        expectError(doc);
        outcome.unparsable = (outcome.unparsable ?? 0) + 1;
        continue;
      }
      const hasRecords = Array.isArray((value as { Records?: unknown } | null)?.Records);
      if (Array.isArray(value) || hasRecords) {
        const r = expectAgrees(doc);
        records += r.ok ? r.count : 0;
        const kind = Array.isArray(value) ? 'array' : 'Records';
        outcome[kind] = (outcome[kind] ?? 0) + 1;
      } else {
        expectError(doc);
        outcome[`no container: ${relative(root, file)}`] = 1;
      }
    }
    expect(outcome).toEqual({
      array: 26,
      Records: 3,
      'no container: elastic-integrations/test-converse-json.log': 1,
      unparsable: 110,
    });
    expect(records).toBe(220 + 12);
  });

  test('all the Stratus records as one compact {"Records":[…]} file, the shape of a CloudTrail S3 log', () => {
    const all = filesUnder(join(root, 'stratus-red-team')).flatMap(
      (f) => JSON.parse(readFileSync(f, 'utf8')) as unknown[],
    );
    expect(all).toHaveLength(220);
    const r = expectAgrees(buf(JSON.stringify({ Records: all })));
    expect(r.ok && r.count).toBe(220);
  });
});
