import { describe, expect, it } from 'vitest';
import { ConditionError, type ConditionExpr, matchesPattern, parseCondition } from './condition.js';

/** Compact S-expression of a parsed condition, to compare trees. */
function show(e: ConditionExpr): string {
  switch (e.op) {
    case 'ref':
      return e.name;
    case 'not':
      return `(not ${show(e.arg)})`;
    case 'of':
      return `(${e.quantifier} ${e.target})`;
    default:
      return `(${e.op} ${e.args.map(show).join(' ')})`;
  }
}

describe('parseCondition', () => {
  it.each([
    ['selection', 'selection'],
    ['a and b', '(and a b)'],
    ['a or b or c', '(or a b c)'],
    ['a or b and c', '(or a (and b c))'],
    ['a and b or c', '(or (and a b) c)'],
    ['not a and b', '(and (not a) b)'],
    ['not (a and b)', '(not (and a b))'],
    ['(a or b) and not c', '(and (or a b) (not c))'],
    ['not not a', '(not (not a))'],
    ['1 of sel_* and not 1 of filter*', '(and (any sel_*) (not (any filter*)))'],
    ['all of them', '(all them)'],
    ['any of them', '(any them)'],
    ['1 of them or keywords', '(or (any them) keywords)'],
    ['A AND NOT B', '(and A (not B))'],
    ['sel_1 and Sel-2 and x.y', '(and sel_1 Sel-2 x.y)'],
    ['((a))', 'a'],
    ['  a\n  and b  ', '(and a b)'],
  ])('%j → %s', (text, want) => {
    expect(show(parseCondition(text))).toBe(want);
  });

  function error(text: string): ConditionError {
    try {
      parseCondition(text);
    } catch (e) {
      if (e instanceof ConditionError) return e;
      throw e;
    }
    throw new Error(`no error for ${text}`);
  }

  it.each([
    ['', /empty/, 0],
    ['a and', /ends too early/, 5],
    ['a b', /unexpected `b`/, 2],
    ['(a or b', /missing `\)`/, 7],
    ['a)', /unexpected `\)`/, 1],
    ['and a', /unexpected `and`/, 0],
    ['sel*', /is a pattern/, 0],
    ['2 of sel*', /only `1 of`/, 0],
    ['some of sel*', /not valid/, 0],
    ['1 of', /must be followed by `them` or a search identifier pattern/, 4],
    ['1 of and', /must be followed/, 5],
    ['a | b', /unexpected `\|`/, 2],
  ])('%j is invalid (%s)', (text, message, offset) => {
    const e = error(text);
    expect(e.message).toMatch(message);
    expect(e.code).toBe('JACKSTOP_RULE_INVALID');
    expect(e.offset).toBe(offset);
  });

  it.each([
    ['selection | count() > 10', /deprecated Sigma 1 aggregation `\| count\(\) > 10`.*event_count/],
    ['selection | count() by sourceIPAddress > 5', /count\(\) by sourceIPAddress > 5.*event_count/],
    ['sel | count(userName) by src > 5', /value_count/],
    ['sel | max(bytes) > 5', /aggregation/],
    ['selection1 | near selection2', /obsolete Sigma 1 `near`.*temporal/],
    ['(sel | count() > 1)', /aggregation/],
  ])('%j is refused as unsupported', (text, message) => {
    const e = error(text);
    expect(e.code).toBe('JACKSTOP_RULE_UNSUPPORTED');
    expect(e.message).toMatch(message);
    expect(text[e.offset]).toBe('|');
  });
});

describe('matchesPattern', () => {
  it.each([
    ['sel*', 'selection', true],
    ['sel*', 'sel', true],
    ['sel*', 'xsel', false],
    ['*_main_*', 'filter_main_ip', true],
    ['*_main_*', 'filter_optional_ip', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'acb', false],
    ['ab*ba', 'aba', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
    ['*', '_anything', true],
  ])('%s ~ %s → %s', (pattern, name, want) => {
    expect(matchesPattern(pattern, name)).toBe(want);
  });
});
