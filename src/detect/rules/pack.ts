import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage, JackstopError } from '../../errors.js';
import { findPackageRoot } from '../../package-root.js';
import { parseSigma, resolveCorrelations, type SigmaRule } from '../sigma/index.js';
import { CorrelationExtras, describeIssues, HelperExtras, RuleExtras } from './extras.js';

/** `jackstop.<provider>.<service>.<slug>`, e.g. `jackstop.aws.bedrock.invoke-probe`. */
export const RULE_NAME_PATTERN = /^jackstop\.[a-z0-9]+\.[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Where the pack lives. From sources (vitest, tsx) it sits beside this file; compiled code under
 * `dist/` carries no YAML, so walk up to the package root and use its `src/detect/rules/pack`.
 */
export function resolvePackDir(moduleUrl: string): string {
  const here = path.dirname(fileURLToPath(moduleUrl));
  const beside = path.join(here, 'pack');
  if (existsSync(beside)) return beside;
  const root = findPackageRoot(here);
  // No package root: loading reports the missing folder.
  return root ? path.join(root, 'src', 'detect', 'rules', 'pack') : beside;
}

async function listRuleFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/**
 * Why a parsed rule cannot be part of the pack, or undefined when it can. `role`: a rule of its
 * own, or a helper (a building block after the correlation in the same file).
 */
function packProblem(rule: SigmaRule, role: 'rule' | 'helper'): string | undefined {
  if (rule.name === undefined) return 'has no `name` (the rule id users see, e.g. jackstop.aws.bedrock.invoke-probe)';
  if (!RULE_NAME_PATTERN.test(rule.name)) {
    return `name "${rule.name}" does not follow jackstop.<provider>.<service>.<slug> (lower case, digits and dashes)`;
  }
  if (role === 'helper' && rule.kind !== 'detection')
    return 'is a correlation after the first document; a file holds one correlation';
  const schema = role === 'helper' ? HelperExtras : rule.kind === 'correlation' ? CorrelationExtras : RuleExtras;
  const extras = schema.safeParse(rule.custom);
  if (!extras.success) return `has invalid custom keys: ${describeIssues(extras.error)}`;
  return undefined;
}

/**
 * Load every `*.yml` under `dir` as a pack: one Sigma rule per file, each with a valid `name`,
 * `remediation` and `examples`, names and ids unique. Bad files become errors naming the file;
 * the other rules still load.
 */
export async function loadPack(dir: string): Promise<{ rules: SigmaRule[]; errors: JackstopError[] }> {
  const rules: SigmaRule[] = [];
  const errors: JackstopError[] = [];
  let files: string[];
  try {
    files = await listRuleFiles(dir);
  } catch (e) {
    errors.push(
      new JackstopError(
        'JACKSTOP_INPUT_NOT_FOUND',
        `cannot read the built-in rule folder (${errorMessage(e)}); reinstall jackstop or run it from a source checkout`,
        { location: { file: dir }, cause: e },
      ),
    );
    return { rules, errors };
  }
  if (files.length === 0) {
    errors.push(
      new JackstopError('JACKSTOP_INPUT_NOT_FOUND', 'the built-in rule folder holds no .yml rules', {
        location: { file: dir },
      }),
    );
  }
  const byId = new Map<string, SigmaRule>();
  const byName = new Map<string, SigmaRule>();
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      errors.push(
        new JackstopError('JACKSTOP_INPUT_NOT_FOUND', `cannot read rule file: ${errorMessage(e)}`, {
          location: { file },
          cause: e,
        }),
      );
      continue;
    }
    const parsed = parseSigma(text, { file });
    // One rule per file; or a correlation first, followed by the helper rules it is built from.
    const first = parsed[0];
    if (parsed.length > 1 && !(first?.ok && first.rule.kind === 'correlation')) {
      errors.push(
        new JackstopError(
          'JACKSTOP_RULE_INVALID',
          `a pack file holds one rule, or one correlation followed by its helper rules; this one has ${parsed.length} documents and does not start with a correlation`,
          {
            location: { file },
          },
        ),
      );
      continue;
    }
    for (const [index, result] of parsed.entries()) {
      if (!result.ok) {
        errors.push(result.error);
        continue;
      }
      const rule = result.rule;
      const location = { file, line: rule.source.line };
      const problem = packProblem(rule, index === 0 ? 'rule' : 'helper');
      if (problem) {
        errors.push(
          new JackstopError('JACKSTOP_RULE_INVALID', `built-in rule "${rule.title}" ${problem}`, { location }),
        );
        continue;
      }
      const sameId = byId.get(rule.id);
      const sameName = byName.get(rule.name!);
      const clash = sameId ?? sameName;
      if (clash) {
        const what = sameId ? `id ${rule.id}` : `name ${rule.name}`;
        errors.push(
          new JackstopError(
            'JACKSTOP_RULE_DUPLICATE',
            `built-in rule "${rule.title}" reuses the ${what} of ${clash.source.file ?? clash.title}; give it a fresh one`,
            { location },
          ),
        );
        continue;
      }
      byId.set(rule.id, rule);
      byName.set(rule.name!, rule);
      rules.push(rule);
    }
  }
  // Correlations must resolve within the pack.
  const resolution = resolveCorrelations(rules);
  errors.push(...resolution.errors);
  const unresolved = new Set(
    rules.filter((r) => r.kind === 'correlation' && !resolution.correlations.some((c) => c.rule === r)),
  );
  return { rules: rules.filter((r) => !unresolved.has(r)), errors };
}
