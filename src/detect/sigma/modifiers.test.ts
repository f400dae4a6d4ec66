import { describe, expect, it } from 'vitest';
import { applyModifiers, base64Offsets, ModifierError, type RawValue } from './modifiers.js';

const v = (value: RawValue['value'], source?: string): RawValue => ({ value, source });

function refusal(field: string | undefined, modifiers: string[], values: RawValue[]): ModifierError {
  try {
    applyModifiers(field, modifiers, values, {});
  } catch (e) {
    if (e instanceof ModifierError) return e;
    throw e;
  }
  throw new Error(`accepted ${modifiers.join('|')}`);
}

describe('base64Offsets', () => {
  it('gives the three alignment-independent renderings', () => {
    // "foobar" at byte offsets 0, 1 and 2 of a longer base64 text.
    expect(base64Offsets(Buffer.from('foobar'))).toEqual(['Zm9vYmFy', 'Zvb2Jhc', 'mb29iYX']);
    expect(base64Offsets(Buffer.from('http://'))).toEqual(['aHR0cDovL', 'h0dHA6Ly', 'odHRwOi8v']);
  });

  it('each rendering really occurs in the encoding of text that contains the value', () => {
    const pieces = base64Offsets(Buffer.from('secret-token'));
    for (const prefix of ['', 'a', 'ab', 'abc', 'abcd']) {
      for (const suffix of ['', 'z', 'zz']) {
        const encoded = Buffer.from(`${prefix}secret-token${suffix}`).toString('base64');
        expect(
          pieces.some((p) => encoded.includes(p)),
          `${prefix}|${suffix}`,
        ).toBe(true);
      }
    }
  });
});

describe('applyModifiers', () => {
  it('turns values into normalized tests', () => {
    expect(applyModifiers('f', [], [v('abc')]).values).toEqual([
      { kind: 'string', op: 'equals', value: 'abc', pattern: [], cased: false },
    ]);
    expect(applyModifiers('f', ['contains', 'cased'], [v('a*b')]).values).toEqual([
      {
        kind: 'string',
        op: 'glob',
        value: '',
        pattern: [{ wildcard: '*' }, 'a', { wildcard: '*' }, 'b', { wildcard: '*' }],
        cased: true,
      },
    ]);
    expect(applyModifiers('f', ['re', 'i', 's'], [v('^a.b$')]).values).toEqual([
      { kind: 'regex', pattern: '^a.b$', flags: 'is' },
    ]);
    expect(applyModifiers('f', [], [v(23, '0x17')]).values).toEqual([
      { kind: 'number', op: 'eq', value: 23, text: '0x17' },
    ]);
    expect(applyModifiers('f', ['gte'], [v(5)]).values).toEqual([{ kind: 'number', op: 'gte', value: 5 }]);
    expect(applyModifiers('f', [], [v(null)]).values).toEqual([{ kind: 'null' }]);
    expect(applyModifiers('f', ['exists'], [v(false)]).values).toEqual([{ kind: 'exists', value: false }]);
    expect(applyModifiers('f', ['fieldref', 'endswith'], [v('g')]).values).toEqual([
      { kind: 'fieldref', field: 'g', op: 'endswith', cased: false },
    ]);
  });

  it('keywords are searched as contains unless a match modifier says otherwise', () => {
    expect(applyModifiers(undefined, [], [v('evil')]).values[0]).toMatchObject({ op: 'contains', value: 'evil' });
    expect(applyModifiers(undefined, ['startswith'], [v('evil')]).values[0]).toMatchObject({ op: 'startswith' });
    expect(applyModifiers(undefined, [], [v(4624, '4624')]).values[0]).toMatchObject({ op: 'contains', value: '4624' });
  });

  it('records all and neq on the item', () => {
    const item = applyModifiers('f', ['contains', 'all', 'neq'], [v('a'), v('b')]);
    expect(item.match).toBe('all');
    expect(item.negate).toBe(true);
  });

  it('expands windash, base64offset and placeholders into alternatives', () => {
    const w = applyModifiers('f', ['windash'], [v('-a /b')]).values[0]!;
    expect(w.kind).toBe('anyOf');
    expect(w.kind === 'anyOf' && w.tests.length).toBe(25);
    const p = applyModifiers('f', ['expand'], [v('%A%-%B%')], { placeholders: { A: ['1', '2'], B: ['x', 'y', 'z'] } });
    const alts = p.values[0]!;
    expect(alts.kind === 'anyOf' && alts.tests.map((t) => (t.kind === 'string' ? t.value : '?'))).toEqual([
      '1-x',
      '1-y',
      '1-z',
      '2-x',
      '2-y',
      '2-z',
    ]);
  });

  it.each([
    [['bogus'], [v('x')], /unknown modifier `bogus`/, 'JACKSTOP_RULE_INVALID'],
    [['contains', 'contains'], [v('x')], /given twice/, 'JACKSTOP_RULE_INVALID'],
    [['contains', 'endswith'], [v('x')], /conflicts with `contains`/, 'JACKSTOP_RULE_INVALID'],
    [['all'], [v('x')], /at least two values/, 'JACKSTOP_RULE_INVALID'],
    [['contains'], [v(5)], /applies to a string.*quote the value/, 'JACKSTOP_RULE_INVALID'],
    [['gt'], [v('5')], /applies to a number/, 'JACKSTOP_RULE_INVALID'],
    [['re'], [v('(?<=a)b')], /invalid regular expression.*RE2/, 'JACKSTOP_RULE_INVALID'],
    [['re'], [v('a(b')], /invalid regular expression/, 'JACKSTOP_RULE_INVALID'],
    [['contains', 're'], [v('a')], /must come first/, 'JACKSTOP_RULE_INVALID'],
    [['re', 'contains'], [v('a')], /cannot follow `re`/, 'JACKSTOP_RULE_INVALID'],
    [['i'], [v('a')], /applies to a regular expression/, 'JACKSTOP_RULE_INVALID'],
    [['cidr'], [v('10.0.0.0/40')], /prefix length/, 'JACKSTOP_RULE_INVALID'],
    [['cidr'], [v('ten.0.0.0/8')], /not an IPv4 or IPv6/, 'JACKSTOP_RULE_INVALID'],
    [['contains', 'base64'], [v('a')], /cannot base64-encode a value with wildcards/, 'JACKSTOP_RULE_INVALID'],
    [['base64'], [v('a*')], /wildcards/, 'JACKSTOP_RULE_INVALID'],
    [['exists'], [v('yes')], /true or false/, 'JACKSTOP_RULE_INVALID'],
    [['exists', 'neq'], [v(true)], /cannot be combined/, 'JACKSTOP_RULE_INVALID'],
    [['fieldref'], [v('other*')], /cannot reference a value with wildcards/, 'JACKSTOP_RULE_INVALID'],
    [['contains'], [v(null)], /`null` cannot take value modifiers/, 'JACKSTOP_RULE_INVALID'],
    [['hour'], [v(3.5)], /an integer/, 'JACKSTOP_RULE_INVALID'],
    [['utf16le'], [v('cmd')], /raw bytes.*base64/, 'JACKSTOP_RULE_UNSUPPORTED'],
    [['expand'], [v('%nope%')], /placeholder %nope% has no value/, 'JACKSTOP_RULE_UNSUPPORTED'],
    [['near'], [v('x')], /Sigma 1 aggregation/, 'JACKSTOP_RULE_UNSUPPORTED'],
    [['windash'], [v('-a -b -c -d -e')], /3125 variants/, 'JACKSTOP_RULE_INVALID'],
  ] as const)('refuses %j %j', (modifiers, values, message, code) => {
    const e = refusal('f', [...modifiers], [...values]);
    expect(e.message).toMatch(message);
    expect(e.code).toBe(code);
  });

  it('refuses field-only modifiers on keywords', () => {
    for (const m of ['exists', 'cidr', 'fieldref', 'gt', 'neq']) {
      expect(refusal(undefined, [m], [v('x')]).message).toMatch(/needs a field/);
    }
  });

  it('points at the offending value of a list', () => {
    const e = refusal('f', ['re'], [v('ok'), v('(bad')]);
    expect(e.valueIndex).toBe(1);
  });
});
