import { describe, expect, it } from 'vitest';
import { cidrMatcher, parseCidr, parseIPv4, parseIPv6 } from './cidr.js';
import { parseSigmaString } from './sigma-string.js';
import { equalsAnyIgnoreCase, equalsIgnoreCase, globMatcher, stringMatcher } from './string-match.js';

const STAR = { wildcard: '*' };
const QMARK = { wildcard: '?' };

describe('parseSigmaString (wildcards and escapes, per the specification)', () => {
  it.each([
    ['plain', ['plain']],
    ['a*b', ['a', STAR, 'b']],
    ['a?b', ['a', QMARK, 'b']],
    ['a**b', ['a', STAR, 'b']],
    ['a\\*b', ['a*b']],
    ['a\\?b', ['a?b']],
    ['C:\\Windows\\x', ['C:\\Windows\\x']], // a backslash before a plain character is plain
    ['C:\\\\Windows', ['C:\\Windows']], // double backslash is one backslash
    ['a\\\\*', ['a\\', STAR]], // escaped backslash, then a wildcard
    ['a\\\\\\*', ['a\\*']], // escaped backslash, then an escaped star
    ['a\\\\\\\\', ['a\\\\']], // four backslashes: two plain ones
    ['trailing\\', ['trailing\\']],
    ['', []],
  ])('%j', (raw, want) => {
    expect(parseSigmaString(raw)).toEqual(want);
  });

  it('reads %placeholders% only when asked (the expand modifier)', () => {
    expect(parseSigmaString('%Admins%')).toEqual(['%Admins%']);
    expect(parseSigmaString('x%Admins%y', true)).toEqual(['x', { placeholder: 'Admins' }, 'y']);
    expect(parseSigmaString('\\%plain%name%', true)).toEqual(['%plain', { placeholder: 'name' }]);
    expect(parseSigmaString('100% sure', true)).toEqual(['100% sure']);
  });
});

describe('string matchers', () => {
  it('equalsIgnoreCase folds ASCII without allocating and falls back for Unicode', () => {
    expect(equalsIgnoreCase('ConsoleLogin', 'consolelogin')).toBe(true);
    expect(equalsIgnoreCase('ConsoleLogins', 'consolelogin')).toBe(false);
    expect(equalsIgnoreCase('ÄRGER', 'ärger')).toBe(true);
    expect(equalsIgnoreCase('\u0130', 'i\u0307')).toBe(true); // İ lower-cases to two code units
    expect(equalsIgnoreCase('x', 'xy')).toBe(false);
  });

  it('equalsAnyIgnoreCase buckets by length', () => {
    const p = equalsAnyIgnoreCase(['StopLogging', 'DeleteTrail', 'UpdateTrail', 'X', '\u0130x']);
    expect(['stoplogging', 'DELETETRAIL', 'updateTrail', 'x'].map(p)).toEqual([true, true, true, true]);
    expect(['StopLoggin', 'DeleteTrails', '', 'y'].map(p)).toEqual([false, false, false, false]);
    expect(p('\u0130X')).toBe(true);
  });

  it('case-insensitive startswith/endswith/contains', () => {
    const m = (op: 'startswith' | 'endswith' | 'contains', value: string) =>
      stringMatcher({ kind: 'string', op, value, pattern: [], cased: false });
    expect(m('startswith', 'Update')('updateFunction')).toBe(true);
    expect(m('startswith', 'Update')('Upd')).toBe(false);
    expect(m('endswith', '.DELETE')('buckets.delete')).toBe(true);
    expect(m('endswith', '.delete')('delete')).toBe(false);
    expect(m('endswith', 'ß')('STRASSE')).toBe(false);
    expect(m('contains', 'Browser')('S3 BROWSER 1')).toBe(true);
    expect(m('contains', 'Browser')('S3Brows')).toBe(false);
  });

  it('cased matchers do not fold case', () => {
    const eq = stringMatcher({ kind: 'string', op: 'equals', value: 'Root', pattern: [], cased: true });
    expect(eq('Root')).toBe(true);
    expect(eq('root')).toBe(false);
  });

  it('glob: anchored ends, leftmost middle pieces, ? is one character', () => {
    const g = globMatcher(['a', STAR, 'b', QMARK, 'c', STAR, 'd'] as never);
    expect(g('abxcd')).toBe(true);
    expect(g('a__b_c__b_c__d')).toBe(true);
    expect(g('abcd')).toBe(false);
    expect(g('abxce')).toBe(false);
    const only = globMatcher([QMARK, QMARK] as never);
    expect(only('ab')).toBe(true);
    expect(only('abc')).toBe(false);
    const overlap = globMatcher(['ab', STAR, 'ba'] as never);
    expect(overlap('aba')).toBe(false);
    expect(overlap('abba')).toBe(true);
  });

  it('glob on a 100 000-character value stays linear', () => {
    const g = globMatcher([STAR, 'a', STAR, 'b', STAR, 'c', STAR, 'x'] as never);
    const hay = 'abc'.repeat(33_333);
    const t0 = performance.now();
    expect(g(hay)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(200);
  });
});

describe('IP addresses and CIDR', () => {
  it('parses IPv4, reading zero-padded octets as decimal', () => {
    expect(parseIPv4('10.0.0.1')).toBe(0x0a000001);
    expect(parseIPv4('035.249.253.232')).toBe(((35 * 256 + 249) * 256 + 253) * 256 + 232);
    for (const bad of ['1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', 'a.b.c.d', '1.2.3.4 ', '', '0001.2.3.4']) {
      expect(parseIPv4(bad), bad).toBe(-1);
    }
  });

  it('parses IPv6 forms', () => {
    const g = new Uint16Array(8);
    expect(parseIPv6('2001:db8::1', g)).toBe(true);
    expect([...g]).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
    expect(parseIPv6('::', g)).toBe(true);
    expect([...g]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(parseIPv6('::ffff:10.0.0.1', g)).toBe(true);
    expect([...g]).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0a00, 1]);
    expect(parseIPv6('fe80::1%eth0', g)).toBe(true);
    expect(parseIPv6('1:2:3:4:5:6:7:8', g)).toBe(true);
    for (const bad of ['1:2:3:4:5:6:7', '1::2::3', '12345::', ':1:2', '1:2:3:4:5:6:7:8:9', 'g::1', '1:']) {
      expect(parseIPv6(bad, g), bad).toBe(false);
    }
  });

  it('matches addresses against ranges', () => {
    const inRange = (cidr: string, ip: string): boolean => {
      const c = parseCidr(cidr);
      if (typeof c === 'string') throw new Error(c);
      return cidrMatcher(c)(ip);
    };
    expect(inRange('10.0.0.0/8', '10.255.0.1')).toBe(true);
    expect(inRange('10.0.0.0/8', '11.0.0.1')).toBe(false);
    expect(inRange('10.1.2.3/8', '10.9.9.9')).toBe(true); // host bits in the rule are masked
    expect(inRange('192.168.1.7', '192.168.1.7')).toBe(true); // a bare address is /32
    expect(inRange('192.168.1.7', '192.168.1.8')).toBe(false);
    expect(inRange('0.0.0.0/0', '8.8.8.8')).toBe(true);
    expect(inRange('0.0.0.0/0', '2001:db8::1')).toBe(false);
    expect(inRange('2001:db8::/32', '2001:0db8:ffff::1')).toBe(true);
    expect(inRange('2001:db8::/33', '2001:db8:8000::1')).toBe(false);
    expect(inRange('::/0', '10.0.0.1')).toBe(true); // IPv4 as IPv4-mapped IPv6
    expect(inRange('10.0.0.0/8', '::ffff:10.0.0.1')).toBe(true);
    expect(inRange('10.0.0.0/8', 'not-an-ip')).toBe(false);
  });

  it('refuses malformed ranges with a reason', () => {
    expect(parseCidr('10.0.0.0/33')).toMatch(/prefix length/);
    expect(parseCidr('2001:db8::/129')).toMatch(/prefix length/);
    expect(parseCidr('10.0.0/8')).toMatch(/not an IPv4 or IPv6/);
    expect(parseCidr('10.0.0.0/x')).toMatch(/prefix length/);
    expect(parseCidr('example.com')).toMatch(/not an IPv4 or IPv6/);
  });
});
