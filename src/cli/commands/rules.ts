import type { Writable } from 'node:stream';
import { type Command, Option } from '@commander-js/extra-typings';
import { loadBuiltinRules, loadRules, ruleMetaOf, runRuleExamples, type SigmaRule } from '../../detect/index.js';
import type { JackstopError } from '../../errors.js';

export interface RulesSelection {
  rules: string[];
  builtin: boolean;
}

async function selectRules(sel: RulesSelection): Promise<{ rules: SigmaRule[]; errors: JackstopError[] }> {
  const rules: SigmaRule[] = [];
  const errors: JackstopError[] = [];
  for (const loaded of [
    sel.builtin ? await loadBuiltinRules() : undefined,
    sel.rules.length ? await loadRules(sel.rules) : undefined,
  ]) {
    if (!loaded) continue;
    rules.push(...loaded.rules);
    errors.push(...loaded.errors);
  }
  return { rules, errors };
}

/** `jackstop rules list`: every rule with id, level, title and source; refused rules with the reason. */
export async function runRulesList(
  sel: RulesSelection & { format: 'table' | 'json' },
  io: { stdout: Writable; stderr: Writable },
): Promise<number> {
  const { rules, errors } = await selectRules(sel);
  const metas = rules.map(ruleMetaOf).sort((a, b) => a.id.localeCompare(b.id));
  if (sel.format === 'json') {
    io.stdout.write(`${JSON.stringify({ rules: metas, errors: errors.map((e) => ({ ...e.toJSON() })) }, null, 2)}\n`);
  } else {
    const idWidth = Math.min(60, Math.max(4, ...metas.map((m) => m.id.length)));
    io.stdout.write(`${'RULE'.padEnd(idWidth)}  ${'SEVERITY'.padEnd(8)}  TITLE\n`);
    for (const m of metas) io.stdout.write(`${m.id.padEnd(idWidth)}  ${m.severity.padEnd(8)}  ${m.title}\n`);
    io.stdout.write(`\n${metas.length} rules loaded, ${errors.length} refused\n`);
    for (const e of errors) io.stdout.write(`refused: ${e.render()}\n`);
  }
  return errors.length > 0 ? 1 : 0;
}

/** `jackstop rules test`: run every rule's positive and negative examples. Exit 1 on any failure. */
export async function runRulesTest(sel: RulesSelection, io: { stdout: Writable; stderr: Writable }): Promise<number> {
  const { rules, errors } = await selectRules(sel);
  let passed = 0;
  let failed = 0;
  let withoutExamples = 0;
  for (const rule of rules) {
    const id = ruleMetaOf(rule).id;
    const results = runRuleExamples(rule, rules);
    if (results.length === 0) {
      withoutExamples++;
      continue;
    }
    for (const r of results) {
      if (r.passed) passed++;
      else {
        failed++;
        io.stdout.write(
          `FAIL ${id}: ${r.kind} example #${r.index + 1} ${r.kind === 'match' ? 'did not match' : 'matched'} (${rule.source.file ?? ''})\n`,
        );
      }
    }
  }
  for (const e of errors) io.stdout.write(`refused: ${e.render()}\n`);
  io.stdout.write(
    `${rules.length} rules, ${withoutExamples} without examples, ${errors.length} refused\n${passed} passed, ${failed} failed\n`,
  );
  return failed > 0 || errors.length > 0 ? 1 : 0;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function rulesCommand(program: Command): void {
  const rules = program.command('rules').description('List and test detection rules');
  rules
    .command('list')
    .description('List the rules that would run (built-in pack plus --rules)')
    .option('-r, --rules <path>', 'add Sigma rules from a file or folder (repeatable)', collect, [] as string[])
    .option('--no-builtin', 'leave out the built-in pack')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(['table', 'json'] as const)
        .default('table' as const),
    )
    .action(async (o) => {
      process.exitCode = await runRulesList(o, { stdout: process.stdout, stderr: process.stderr });
    });
  rules
    .command('test')
    .description("Run each rule's example events: positives must match, negatives must not")
    .option('-r, --rules <path>', 'add Sigma rules from a file or folder (repeatable)', collect, [] as string[])
    .option('--no-builtin', 'leave out the built-in pack')
    .action(async (o) => {
      process.exitCode = await runRulesTest(o, { stdout: process.stdout, stderr: process.stderr });
    });
}
