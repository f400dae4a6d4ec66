import { beforeAll, describe, expect, it } from 'vitest';
import { CONFORMANCE_CASES, ruleYaml } from './conformance.cases.js';
import { allRecords, type JsonRecord, SIGMA_DIR } from './datasets.testutil.js';
import { type CompiledRule, compileRule, type DetectionRule, loadRules, parseSigma, RuleSet } from './index.js';
import { requiredConstraints } from './rule-set.js';

function rule(text: string, placeholders?: Record<string, string[]>): DetectionRule {
  const [r] = parseSigma(text, { placeholders });
  if (!r?.ok) throw new Error(r?.error.render());
  if (r.rule.kind !== 'detection') throw new Error('expected a detection rule');
  return r.rule;
}

function detection(det: string, logsource = 'product: aws\n    service: cloudtrail', title = 't'): DetectionRule {
  return rule(ruleYaml(det, title).replace('    product: test', `    ${logsource}`));
}

/** A compiled rule that counts how often its matcher runs. */
function counted(r: DetectionRule): CompiledRule & { calls: number } {
  const inner = compileRule(r);
  const c = {
    rule: r,
    calls: 0,
    match(record: Record<string, unknown>): boolean {
      c.calls++;
      return inner.match(record);
    },
  };
  return c;
}

function constraintsOf(det: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of requiredConstraints(detection(det).detection)) out[k] = [...v].sort();
  return out;
}

describe('requiredConstraints', () => {
  it('takes every exact value an AND of fields requires', () => {
    expect(
      constraintsOf(`
sel:
    eventSource: cloudtrail.amazonaws.com
    eventName: [StopLogging, DeleteTrail]
    userAgent|contains: x
condition: sel`),
    ).toEqual({ eventSource: ['cloudtrail.amazonaws.com'], eventName: ['deletetrail', 'stoplogging'] });
  });

  it('keeps only fields every OR branch constrains, with the union of values', () => {
    expect(
      constraintsOf(`
a:
    eventSource: iam.amazonaws.com
    eventName: CreateUser
b:
    eventSource: sts.amazonaws.com
condition: a or b`),
    ).toEqual({ eventSource: ['iam.amazonaws.com', 'sts.amazonaws.com'] });
    expect(constraintsOf('a:\n    x: 1\nb:\n    - y: 1\n    - z: 1\ncondition: a or b')).toEqual({});
  });

  it('ignores negations, keywords, wildcards, neq, all and non-string values', () => {
    expect(
      constraintsOf(`
sel:
    eventName: CreateUser
not_me:
    eventSource: iam.amazonaws.com
kw:
    - needle
wild:
    a: 'x*'
ne:
    b|neq: y
every:
    c|all: [p, q]
num:
    d: 5
nul:
    e: [x, null]
condition: sel and not not_me and kw and wild and ne and every and num and nul`),
    ).toEqual({ eventName: ['createuser'] });
  });

  it('follows 1 of / all of', () => {
    expect(constraintsOf('s1:\n    a: x\ns2:\n    a: y\n    b: z\ncondition: 1 of s*')).toEqual({ a: ['x', 'y'] });
    expect(constraintsOf('s1:\n    a: x\ns2:\n    b: z\ncondition: all of s*')).toEqual({ a: ['x'], b: ['z'] });
  });

  it('uses windash / expand alternatives when all of them are exact', () => {
    const r = rule(ruleYaml("sel:\n    a|expand: '%P%'\ncondition: sel"), { P: ['One', 'two'] });
    expect([...requiredConstraints(r.detection)]).toEqual([['a', new Set(['one', 'two'])]]);
  });
});

describe('RuleSet', () => {
  const rules = [
    detection(
      'sel:\n    eventSource: cloudtrail.amazonaws.com\n    eventName: [StopLogging, DeleteTrail]\ncondition: sel',
      undefined,
      'trail',
    ),
    detection(
      'sel:\n    eventSource: iam.amazonaws.com\n    eventName: [CreateAccessKey, CreateUser]\ncondition: sel',
      undefined,
      'key',
    ),
    detection(
      'sel:\n    eventSource: lambda.amazonaws.com\n    eventName|startswith: UpdateFunction\ncondition: sel',
      undefined,
      'lambda',
    ),
    detection('sel:\n    userIdentity.type: Root\ncondition: sel', undefined, 'root'),
    detection('kw:\n    - TruffleHog\ncondition: kw', undefined, 'keyword'),
  ];

  it('indexes on the most selective required field and keeps unconstrained rules aside', () => {
    const set = new RuleSet(rules.map(compileRule));
    expect(set.size).toBe(5);
    expect(set.index).toEqual({
      fields: [
        { field: 'eventName', rules: 2, values: 4 },
        { field: 'eventSource', rules: 1, values: 1 },
        { field: 'userIdentity.type', rules: 1, values: 1 },
      ],
      alwaysChecked: 1,
    });
  });

  it('evaluates only the candidate rules of a record', () => {
    const compiled = rules.map(counted);
    const set = new RuleSet(compiled);
    const hits = set.match({
      eventSource: 'cloudtrail.amazonaws.com',
      eventName: 'deletetrail',
      userIdentity: { type: 'IAMUser' },
    });
    expect(hits.map((h) => h.rule.title)).toEqual(['trail']);
    // The trail rule (eventName index) and the keyword rule (always checked) ran; the others did not.
    expect(compiled.map((c) => c.calls)).toEqual([1, 0, 0, 0, 1]);

    set.match({ eventSource: 'lambda.amazonaws.com', eventName: 'UpdateFunctionCode' });
    expect(compiled.map((c) => c.calls)).toEqual([1, 0, 1, 0, 2]);

    set.match({ eventName: 'GetObject', eventSource: 's3.amazonaws.com' });
    expect(compiled.map((c) => c.calls)).toEqual([1, 0, 1, 0, 3]);
  });

  it('returns each rule once, in constructor order, even when several record values hit it', () => {
    const set = new RuleSet(rules.map(compileRule));
    const record = {
      eventSource: ['cloudtrail.amazonaws.com', 'iam.amazonaws.com'],
      eventName: ['StopLogging', 'DeleteTrail', 'CreateAccessKey'],
      userIdentity: { type: 'Root' },
      userAgent: 'TruffleHog',
    };
    expect(set.match(record).map((r) => r.rule.title)).toEqual(['trail', 'key', 'root', 'keyword']);
    expect(set.match(record).map((r) => r.rule.title)).toEqual(['trail', 'key', 'root', 'keyword']);
  });

  it('filters by logsource: every field the rule sets must equal the event’s, case-insensitively', () => {
    const any = detection('sel:\n    a: 1\ncondition: sel', 'definition: anything', 'no logsource fields');
    const aws = detection('sel:\n    a: 1\ncondition: sel', 'product: AWS', 'aws');
    const trail = detection(
      'sel:\n    a: 1\ncondition: sel',
      'product: aws\n    service: cloudtrail',
      'aws cloudtrail',
    );
    const cat = detection('sel:\n    a: 1\ncondition: sel', 'product: aws\n    category: api', 'aws api');
    const azure = detection('sel:\n    a: 1\ncondition: sel', 'product: azure\n    service: activitylogs', 'azure');
    const set = new RuleSet([any, aws, trail, cat, azure].map(compileRule));
    const titles = (ls?: Parameters<RuleSet['match']>[1]): string[] => set.match({ a: 1 }, ls).map((r) => r.rule.title);
    expect(titles({ product: 'aws', service: 'cloudtrail' })).toEqual(['no logsource fields', 'aws', 'aws cloudtrail']);
    expect(titles({ product: 'AWS', service: 'CloudTrail', category: 'api' })).toEqual([
      'no logsource fields',
      'aws',
      'aws cloudtrail',
      'aws api',
    ]);
    expect(titles({ product: 'azure', service: 'activitylogs' })).toEqual(['no logsource fields', 'azure']);
    expect(titles({})).toEqual(['no logsource fields']);
    expect(titles()).toEqual(['no logsource fields', 'aws', 'aws cloudtrail', 'aws api', 'azure']);
  });

  it('handles an empty set', () => {
    expect(new RuleSet([]).match({ a: 1 })).toEqual([]);
  });
});

describe('RuleSet equals brute force on real records', () => {
  let compiled: CompiledRule[];
  let datasetRules: DetectionRule[];
  let records: JsonRecord[];

  beforeAll(async () => {
    const loaded = await loadRules([SIGMA_DIR], {
      placeholders: { Legitimate_Countries: ['US', 'DE'], Legitimate_IP_Ranges: ['10.*'] },
    });
    datasetRules = loaded.rules.filter((r): r is DetectionRule => r.kind === 'detection');
    const conformance = CONFORMANCE_CASES.map((c) => rule(ruleYaml(c.detection, c.name), c.placeholders));
    compiled = [...loaded.rules, ...conformance].map(compileRule);
    const all = allRecords();
    const base = [...all.aws, ...all.azure, ...all.gcp];
    // Variants that stress the index: case changes and array-valued fields.
    const variants = base.flatMap((r) => {
      const out: JsonRecord[] = [];
      if (typeof r.eventName === 'string') {
        out.push({ ...r, eventName: r.eventName.toUpperCase() });
        out.push({ ...r, eventName: ['Unrelated', r.eventName] });
      }
      if (typeof r.eventSource === 'string') out.push({ ...r, eventSource: r.eventSource.toUpperCase() });
      return out;
    });
    const conformanceRecords = CONFORMANCE_CASES.flatMap((c) => [...c.match, ...c.nomatch]);
    records = [...base, ...variants, ...conformanceRecords];
  });

  it('has enough data to mean something', () => {
    expect(compiled.length).toBeGreaterThan(100);
    expect(records.length).toBeGreaterThan(1500);
  });

  it('returns exactly the rules a scan of every rule returns, with and without logsource', () => {
    const set = new RuleSet(compiled);
    expect(set.index.fields[0]?.field).toBe('eventName');
    const logsources = [
      undefined,
      { product: 'aws', service: 'cloudtrail' },
      { product: 'azure', service: 'activitylogs' },
    ];
    let matches = 0;
    for (const ls of logsources) {
      for (const record of records) {
        const brute = compiled.filter(
          (c) =>
            (ls === undefined ||
              ((c.rule.logsource.product === undefined || c.rule.logsource.product.toLowerCase() === ls.product) &&
                (c.rule.logsource.service === undefined || c.rule.logsource.service.toLowerCase() === ls.service) &&
                c.rule.logsource.category === undefined)) &&
            c.match(record),
        );
        const indexed = set.match(record, ls);
        expect(indexed.map((c) => c.rule.id)).toEqual(brute.map((c) => c.rule.id));
        matches += indexed.length;
      }
    }
    expect(matches).toBeGreaterThan(100);
  });

  it('evaluates far fewer SigmaHQ cloud rules than a full scan', () => {
    const counters = datasetRules.map(counted);
    const set = new RuleSet(counters);
    expect(set.index.alwaysChecked).toBeLessThan(datasetRules.length / 5);
    for (const record of records) set.match(record);
    const evaluations = counters.reduce((n, c) => n + c.calls, 0);
    expect(evaluations).toBeLessThan((records.length * counters.length) / 5);
  });
});
