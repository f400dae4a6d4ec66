import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SIGMA_DIR } from './datasets.testutil.js';
import { compileRule, loadRules } from './index.js';

const rel = (f: string | undefined): string => path.relative(SIGMA_DIR, f ?? '');

describe('loadRules on the SigmaHQ cloud rules', () => {
  it('loads and compiles every rule, and refuses exactly the unsupported ones with the reason', async () => {
    const { rules, errors } = await loadRules([SIGMA_DIR]);
    const refused = Object.fromEntries(errors.map((e) => [rel(e.location?.file), [e.code, e.message]]));
    const aggregation =
      /deprecated Sigma 1 aggregation `\| count\(\)[^`]*`; rewrite it as a Sigma correlation rule \(type: event_count\)/;
    expect(refused).toEqual({
      'placeholder/aws_cloudtrail_console_login_success_from_susp_locations.yml': [
        'JACKSTOP_RULE_UNSUPPORTED',
        expect.stringMatching(/placeholder %Legitimate_Countries% has no value/),
      ],
      'unsupported/aws_ec2_download_userdata.yml': ['JACKSTOP_RULE_UNSUPPORTED', expect.stringMatching(aggregation)],
      'unsupported/aws_enum_backup.yml': ['JACKSTOP_RULE_UNSUPPORTED', expect.stringMatching(aggregation)],
      'unsupported/aws_enum_listing.yml': ['JACKSTOP_RULE_UNSUPPORTED', expect.stringMatching(aggregation)],
      'unsupported/aws_enum_network.yml': ['JACKSTOP_RULE_UNSUPPORTED', expect.stringMatching(aggregation)],
      'unsupported/aws_enum_storage.yml': ['JACKSTOP_RULE_UNSUPPORTED', expect.stringMatching(aggregation)],
      'unsupported/aws_macic_evasion.yml': [
        'JACKSTOP_RULE_UNSUPPORTED',
        expect.stringMatching(/`\| count\(\) by sourceIPAddress > 5`/),
      ],
      'unsupported/aws_lambda_function_created_or_invoked.yml': [
        'JACKSTOP_RULE_UNSUPPORTED',
        expect.stringMatching(/obsolete Sigma 1 `near` operator.*type: temporal/),
      ],
      'unsupported/aws_ses_messaging_enabled.yml': [
        'JACKSTOP_RULE_UNSUPPORTED',
        expect.stringMatching(/`timeframe` belongs to Sigma 1 aggregations and multi-event conditions/),
      ],
    });
    // Every refusal points into the file: the `|` of the aggregation, the `timeframe` key …
    for (const e of errors) expect(e.location?.line).toBeGreaterThan(1);
    expect(errors.find((e) => rel(e.location?.file) === 'unsupported/aws_enum_listing.yml')?.location).toMatchObject({
      line: 18,
      column: 36,
    });

    expect(rules.length).toBe(37 + 23 + 11);
    const byProvider = (p: string) => rules.filter((r) => r.kind === 'detection' && r.logsource.product === p).length;
    expect([byProvider('aws'), byProvider('azure'), byProvider('gcp')]).toEqual([37, 23, 11]);
    for (const r of rules) expect(() => compileRule(r), r.source.file).not.toThrow();
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
  });

  it('loads the placeholder rule once its placeholders have values', async () => {
    const file = path.join(SIGMA_DIR, 'placeholder/aws_cloudtrail_console_login_success_from_susp_locations.yml');
    const { rules, errors } = await loadRules([file], {
      placeholders: { Legitimate_Countries: ['US', 'DE'], Legitimate_IP_Ranges: ['203.0.113.*'] },
    });
    expect(errors).toEqual([]);
    const match = compileRule(rules[0]!).match;
    const login = { eventName: 'ConsoleLogin', responseElements: { ConsoleLogin: 'Success' } };
    expect(match({ ...login, src_country: 'FR', src_ip: '198.51.100.7' })).toBe(true);
    expect(match({ ...login, src_country: 'US', src_ip: '198.51.100.7' })).toBe(false);
    expect(match({ ...login, src_country: 'FR', src_ip: '203.0.113.9' })).toBe(false);
    expect(match({ ...login, responseElements: { ConsoleLogin: 'Failure' }, src_country: 'FR' })).toBe(false);
  });
});

describe('loadRules on files and directories', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'jackstop-sigma-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const rule = (title: string, id?: string): string =>
    `title: ${title}\n${id ? `id: ${id}\n` : ''}logsource: {product: aws}\ndetection: {s: {a: 1}, condition: s}\n`;

  mkdirSync(path.join(root, 'rules/nested/deeper'), { recursive: true });
  writeFileSync(path.join(root, 'rules/b.yml'), rule('B', 'id-b'));
  writeFileSync(path.join(root, 'rules/a.yaml'), rule('A', 'id-a'));
  writeFileSync(path.join(root, 'rules/notes.txt'), 'not a rule');
  writeFileSync(path.join(root, 'rules/nested/deeper/c.YML'), `${rule('C', 'id-c')}---\n${rule('C2', 'id-b')}`);
  writeFileSync(path.join(root, 'rules/nested/broken.yml'), 'title: [unclosed\n');
  writeFileSync(path.join(root, 'single.rule'), rule('Single'));
  symlinkSync(path.join(root, 'rules'), path.join(root, 'rules/nested/loop'));

  it('walks directories recursively in name order, reads *.yml/*.yaml only, and follows symlinks once', async () => {
    const { rules, errors } = await loadRules([path.join(root, 'rules')]);
    expect(rules.map((r) => r.title)).toEqual(['A', 'B', 'C']);
    expect(rules[0]!.source).toEqual({ file: path.join(root, 'rules/a.yaml'), line: 1 });
    expect(errors.map((e) => [e.code, path.relative(root, e.location?.file ?? '')])).toEqual([
      ['JACKSTOP_RULE_INVALID', 'rules/nested/broken.yml'],
      ['JACKSTOP_RULE_DUPLICATE', 'rules/nested/deeper/c.YML'],
    ]);
    expect(errors[1]!.message).toMatch(/rule id id-b \('C2'\) is already used by 'B' in .*b\.yml:1/);
    expect(errors[1]!.location?.line).toBe(6);
  });

  it('reads a file given directly whatever its extension, and reports missing paths', async () => {
    const missing = path.join(root, 'nope');
    const { rules, errors } = await loadRules([path.join(root, 'single.rule'), missing]);
    expect(rules.map((r) => r.title)).toEqual(['Single']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'JACKSTOP_INPUT_NOT_FOUND', location: { file: missing } });
  });

  it('does not load the same file twice when paths overlap', async () => {
    const { rules, errors } = await loadRules([path.join(root, 'rules/a.yaml'), path.join(root, 'rules/a.yaml')]);
    expect(rules).toHaveLength(1);
    expect(errors).toEqual([]);
  });
});
