/**
 * The prefilter never rejects a record a rule matches: checked against full evaluation on every
 * shared log record with every shared SigmaHQ rule and the built-in pack, on the conformance table,
 * and on a fuzzed corpus (rules made from record values, records with non-ASCII text, every JSON
 * spelling of the same record). It also has to reject something, or it would prove nothing.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng } from '../../../bench/cloudtrail-mix.js';
import { loadBuiltinRules } from '../rules/index.js';
import { CONFORMANCE_CASES, ruleYaml } from './conformance.cases.js';
import { allRecords, type JsonRecord, SIGMA_DIR } from './datasets.testutil.js';
import { type CompiledRule, compileRule, type DetectionRule, loadRules, parseSigma, type SigmaRule } from './index.js';
import { isSafeLiteral, recordPrefilter, regexLiteral } from './prefilter.js';

/** JSON with every character a producer may escape escaped: non-ASCII and, at random, ASCII letters and `/`. */
function escapedJson(record: unknown, rand: () => number, all = false): string {
  const hex = (c: number) => `\\u${c.toString(16).padStart(4, '0')}`;
  return JSON.stringify(record).replace(/"(?:[^"\\]|\\.)*"/g, (s) => {
    let out = '"';
    for (let i = 1; i < s.length - 1; i++) {
      const c = s.charCodeAt(i);
      if (s[i] === '\\') {
        out += s.slice(i, i + 2);
        i++;
      } else if (c > 0x7f || (all && /[a-z]/i.test(s[i]!)) || rand() < 0.02) out += hex(c);
      else if (s[i] === '/' && rand() < 0.5) out += '\\/';
      else out += s[i];
    }
    return `${out}"`;
  });
}

/** Every spelling of a record the prefilter may meet: compact, pretty-printed, escaped. */
function spellings(record: unknown, rand: () => number): string[] {
  return [
    JSON.stringify(record),
    JSON.stringify(record, null, 2),
    escapedJson(record, rand),
    escapedJson(record, rand, true),
  ];
}

function detectionRules(rules: readonly SigmaRule[]): DetectionRule[] {
  return rules.filter((r): r is DetectionRule => r.kind === 'detection');
}

function sharedRules(): Promise<DetectionRule[]> {
  return Promise.all([loadBuiltinRules(), loadRules([path.join(SIGMA_DIR, 'cloud')])]).then(([builtin, shared]) => [
    ...detectionRules(builtin.rules),
    ...detectionRules(shared.rules),
  ]);
}

/** For each record any rule matches: the prefilter of that rule alone, and of all rules, pass every spelling. */
function checkNoFalseNegative(
  rules: readonly DetectionRule[],
  records: readonly unknown[],
  rand: () => number,
): { matched: number; rejected: number; ruleRejected: number } {
  const all = recordPrefilter(rules);
  const single = new Map<DetectionRule, ReturnType<typeof recordPrefilter>>();
  const compiled: [DetectionRule, CompiledRule][] = rules.map((r) => [r, compileRule(r)]);
  let matched = 0;
  let rejected = 0;
  let ruleRejected = 0;
  const own = (rule: DetectionRule) => {
    let pre = single.get(rule);
    if (!pre) {
      pre = recordPrefilter([rule]);
      single.set(rule, pre);
    }
    return pre;
  };
  for (const record of records) {
    const texts = spellings(record, rand);
    let any = false;
    for (const [rule, c] of compiled) {
      if (!c.match(record as JsonRecord)) {
        if (!own(rule).test(texts[0]!)) ruleRejected++;
        continue;
      }
      any = true;
      matched++;
      for (const t of texts) {
        expect(own(rule).test(t), `${rule.title} matches but its prefilter rejects:\n${t.slice(0, 400)}`).toBe(true);
        expect(all.test(t), `${rule.title} matches but the combined prefilter rejects`).toBe(true);
        const bytes = Buffer.from(`xx${t}yy`);
        expect(own(rule).testBytes(bytes, 2, bytes.length - 2), `${rule.title}: bytes`).toBe(true);
      }
    }
    if (!any && !all.test(texts[0]!)) {
      rejected++;
      // Bytes and text agree; a rejected record is rejected as bytes too.
      const bytes = Buffer.from(texts[0]!);
      expect(all.testBytes(bytes, 0, bytes.length)).toBe(false);
    }
  }
  return { matched, rejected, ruleRejected };
}

describe('record prefilter', () => {
  it('never rejects a record a shared SigmaHQ or built-in rule matches, and rejects most others', async () => {
    const rules = await sharedRules();
    expect(rules.length).toBeGreaterThan(100);
    const { aws, azure, gcp } = allRecords();
    const records = [...aws, ...azure, ...gcp];
    expect(records.length).toBeGreaterThan(900);
    const { matched, rejected } = checkNoFalseNegative(rules, records, rng(1));
    expect(matched).toBeGreaterThan(100);
    // The rules are anchored: records no rule matches are mostly skipped without parsing.
    expect(recordPrefilter(rules).unanchored.map((r) => r.title)).toEqual([]);
    expect(rejected).toBeGreaterThan(150);
  });

  it('passes every record of the conformance table that its rule matches', () => {
    const rand = rng(2);
    let checked = 0;
    for (const c of CONFORMANCE_CASES) {
      const parsed = parseSigma(ruleYaml(c.detection, c.name), { placeholders: c.placeholders });
      for (const p of parsed) {
        if (!p.ok || p.rule.kind !== 'detection') continue;
        const rule = p.rule;
        const compiled = compileRule(rule);
        const pre = recordPrefilter([rule]);
        for (const record of c.match) {
          if (!compiled.match(record)) continue;
          for (const t of spellings(record, rand)) {
            expect(pre.test(t), `${c.name}: ${t}`).toBe(true);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('holds on a fuzzed corpus: rules made from record values, records with non-ASCII and escapes', () => {
    const rand = rng(20261123);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const { aws } = allRecords();
    const base = aws.slice(0, 400);
    const ODD = ['É', 'ß', 'K', 'İ', 'ſ', 'ı', '東京', '😀', '\n', '"', '\\', '/', '*', '?', '1e3'];
    const mutateValue = (s: string): string => {
      const r = rand();
      if (r < 0.3) return s.toUpperCase();
      if (r < 0.5) {
        const at = Math.floor(rand() * (s.length + 1));
        return s.slice(0, at) + pick(ODD) + s.slice(at);
      }
      if (r < 0.6) return s.replace(/k/gi, 'K');
      return s;
    };
    const mutate = (v: unknown): unknown => {
      if (typeof v === 'string') return rand() < 0.15 ? mutateValue(v) : v;
      if (typeof v === 'number') return rand() < 0.1 ? String(v) : v;
      if (Array.isArray(v)) return v.map(mutate);
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mutate(x)]));
      return v;
    };
    const records = base.map((r) => (rand() < 0.7 ? mutate(r) : r)) as JsonRecord[];

    const leaves = (v: unknown, at: string, out: [string, string][]): void => {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out.push([at, String(v)]);
      else if (Array.isArray(v)) for (const x of v) leaves(x, at, out);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) leaves(x, at ? `${at}.${k}` : k, out);
    };
    const sigmaString = (s: string) => JSON.stringify(s.replace(/[*?\\]/g, (c) => `\\${c}`));
    const valueSpec = (value: string): { mods: string; text: string } => {
      const r = rand();
      const from = Math.floor(rand() * value.length);
      const to = from + 1 + Math.floor(rand() * (value.length - from));
      const part = value.slice(from, to);
      const cased = rand() < 0.2 ? '|cased' : '';
      const flip = rand() < 0.5 ? part.toUpperCase() : part;
      if (r < 0.3)
        return { mods: cased, text: sigmaString(cased ? value : rand() < 0.5 ? value.toLowerCase() : value) };
      if (r < 0.55) return { mods: `|contains${cased}`, text: sigmaString(cased ? part : flip) };
      if (r < 0.7) return { mods: `|startswith${cased}`, text: sigmaString(value.slice(0, to)) };
      if (r < 0.85) return { mods: `|endswith${cased}`, text: sigmaString(value.slice(from)) };
      // A glob: the value with a wildcard in it.
      const glob = `${sigmaString(value.slice(0, from)).slice(1, -1)}*${sigmaString(value.slice(to)).slice(1, -1)}`;
      return { mods: '', text: `"${glob}"` };
    };

    const rules: DetectionRule[] = [];
    for (let i = 0; i < 600; i++) {
      const src = pick(records);
      const fields: [string, string][] = [];
      leaves(src, '', fields);
      const sel = (name: string) => {
        const lines: string[] = [`    ${name}:`];
        const n = 1 + Math.floor(rand() * 3);
        for (let k = 0; k < n; k++) {
          const [field, value] = pick(fields);
          if (!value) continue;
          if (rand() < 0.15) {
            lines.push(`        ${JSON.stringify(`${field}|contains|all`)}:`);
            lines.push(`            - ${valueSpec(value).text}`, `            - ${valueSpec(value).text}`);
          } else {
            const spec = valueSpec(value);
            lines.push(`        ${JSON.stringify(field + spec.mods)}:`);
            lines.push(`            - ${spec.text}`);
            if (rand() < 0.3) lines.push(`            - ${valueSpec(pick(fields)[1] || 'x').text}`);
          }
        }
        return lines.join('\n');
      };
      const conditions = ['a', 'a and b', 'a or b', 'a and not b', '1 of sel*', 'all of sel*', 'keywords or a'];
      const condition = pick(conditions);
      const body = [sel(condition.includes('sel') ? 'sel1' : 'a'), sel(condition.includes('sel') ? 'sel2' : 'b')];
      if (condition.includes('keywords'))
        body.push(`    keywords:\n        - ${valueSpec(pick(fields)[1] || 'x').text}`);
      const yaml = `title: fuzz ${i}\nlogsource:\n    product: aws\ndetection:\n${body.join('\n')}\n    condition: ${condition}\n`;
      for (const p of parseSigma(yaml)) {
        if (p.ok && p.rule.kind === 'detection') rules.push(p.rule);
        else if (!p.ok && process.env.SHOW) console.log(p.error.message, yaml);
      }
    }
    expect(rules.length).toBeGreaterThan(400);
    const { matched, ruleRejected } = checkNoFalseNegative(rules, records, rand);
    expect(matched).toBeGreaterThan(500);
    expect(ruleRejected).toBeGreaterThan(10_000);
  });

  it('says why a rule cannot be anchored, and then passes everything', () => {
    const [p] = parseSigma(ruleYaml('sel:\n    eventName: x\ncondition: not sel'));
    if (!p?.ok || p.rule.kind !== 'detection') throw new Error('rule did not parse');
    const pre = recordPrefilter([p.rule]);
    expect(pre.unanchored).toHaveLength(1);
    expect(pre.test('{"eventName":"y"}')).toBe(true);
  });

  it('searches the most selective field of an AND, case-insensitively, and honours escape triggers', () => {
    const [p] = parseSigma(
      ruleYaml(
        'sel:\n    eventSource: iam.amazonaws.com\n    eventName: CreateUser\n    userAgent|contains: x\ncondition: sel',
      ),
    );
    if (!p?.ok || p.rule.kind !== 'detection') throw new Error('rule did not parse');
    const other = parseSigma(ruleYaml('sel:\n    eventName: DeleteUser\ncondition: sel'))[0];
    if (!other?.ok || other.rule.kind !== 'detection') throw new Error('rule did not parse');
    const pre = recordPrefilter([p.rule, other.rule]);
    // Whole values are searched with their quotes: "createuser" is rarer than createuser.
    expect(pre.literals).toEqual(['"createuser"', '"deleteuser"']);
    expect(pre.test('{"eventName":"CREATEUSER"}')).toBe(true);
    expect(pre.test('{"eventSource":"iam.amazonaws.com","eventName":"ListUsers"}')).toBe(false);
    expect(pre.test('{"eventName":"\\u0043reateUser"}')).toBe(true);
    expect(pre.test('{"eventName":"Créate"}')).toBe(true);
  });

  it('quotes whole values, but not where a JSON true, false or null could be the match', () => {
    for (const [detection, record] of [
      ['sel:\n    readOnly|startswith: fal\ncondition: sel', { readOnly: false }],
      ['sel:\n    managementEvent|endswith: ue\ncondition: sel', { managementEvent: true }],
      ['sel:\n    responseElements: "null"\ncondition: sel', { responseElements: 'null' }],
      ['sel:\n    eventName: ConsoleLogin\ncondition: sel', { eventName: 'consolelogin' }],
    ] as const) {
      const [p] = parseSigma(ruleYaml(detection));
      if (!p?.ok || p.rule.kind !== 'detection') throw new Error(`rule did not parse: ${detection}`);
      expect(compileRule(p.rule).match(record), detection).toBe(true);
      expect(recordPrefilter([p.rule]).test(JSON.stringify(record)), detection).toBe(true);
    }
  });

  it('finds the text every match of a regex contains', () => {
    // The bodies of escapes are not text: `\x41` is "A", `\pN` a digit of any script, `\101` octal "A".
    for (const [pattern, literal] of [
      ['.+:assumed-role/aws:.+', ':assumed-role/aws:'],
      ['^arn:aws:iam::\\d+:user/x', 'arn:aws:iam::'],
      ['colou?r-name', 'r-name'],
      ['(?i)Evil(Corp)?Tool', 'Evil'],
      ['ab[cd]efgh{2}i', 'efg'],
      ['a\\.b\\.com', 'a.b.com'],
      ['one|two', undefined],
      ['\\w+\\s\\d', undefined],
      ['ab\\x41cd', 'ab'],
      ['ab\\x{41}cdef', 'cdef'],
      ['abc\\pNde', 'abc'],
      ['ab\\p{Greek}cde', 'cde'],
      ['abc\\101de', 'abc'],
      ['\\Qa.b\\E', undefined],
    ] as const) {
      expect(regexLiteral(pattern), pattern).toBe(literal);
    }
    for (const [pattern, text] of [
      ['.+:assumed-role/aws:.+', 'arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1'],
      ['colou?r-name', 'color-name'],
      ['(?i)Evil(Corp)?Tool', 'eviltool'],
    ] as const) {
      expect(new RegExp(pattern.replace('(?i)', ''), 'i').test(text)).toBe(true);
      expect(text.toLowerCase()).toContain(regexLiteral(pattern)!.toLowerCase());
    }
  });

  it('accepts only safe extra literals', () => {
    expect(isSafeLiteral('bedrock.amazonaws.com')).toBe(true);
    expect(isSafeLiteral('Bedrock')).toBe(false);
    expect(isSafeLiteral('a"b')).toBe(false);
    expect(isSafeLiteral('1000')).toBe(false);
    expect(() => recordPrefilter([], ['x\\y'])).toThrow(/not a safe prefilter literal/);
  });

  it('covers every shared rule file', () => {
    // Guards the first test against a moved dataset: it must have run over the real rule files.
    const files = readdirSync(path.join(SIGMA_DIR, 'cloud'), { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.yml'),
    );
    expect(files.length).toBeGreaterThan(60);
  });
});
