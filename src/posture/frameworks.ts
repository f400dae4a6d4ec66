/**
 * Compliance frameworks as data: one YAML file per framework under `frameworks/`, each requirement
 * listing the checks that cover it. The files are the only place a check is tied to a framework:
 * findings' mappings and the per-requirement table (`jackstop scan --framework`) are derived from them.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { Mappings } from '../domain/index.js';
import { errorMessage, JackstopError } from '../errors.js';
import { findPackageRoot } from '../package-root.js';
import type { CheckResult, CheckStatus } from './evaluate.js';

export const FrameworkDoc = z.strictObject({
  /** `owasp-llm`, `mitre-atlas`, `eu-ai-act`, `cis-aws`, `nist-ai-rmf` … */
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
  name: z.string().min(1),
  version: z.string().min(1),
  url: z.url(),
  requirements: z
    .array(
      z.strictObject({
        id: z.string().min(1),
        title: z.string().min(1),
        description: z.string().optional(),
        /** Check ids (`jackstop.aws.bedrock.…`); empty: the requirement is not covered by any check. */
        checks: z.array(z.string()).default([]),
      }),
    )
    .min(1),
});
export type Framework = z.infer<typeof FrameworkDoc> & { source: string };

/** Requirement status: fail beats could-not-check beats pass; `no-resources` when nothing was in scope. */
export type RequirementStatus = CheckStatus | 'no-resources' | 'not-covered';

export interface RequirementRow {
  id: string;
  title: string;
  status: RequirementStatus;
  checks: string[];
  counts: Record<CheckStatus, number>;
}

export function builtinFrameworksDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const beside = path.join(here, 'frameworks');
  if (existsSync(beside)) return beside;
  const root = findPackageRoot(here);
  return root ? path.join(root, 'src', 'posture', 'frameworks') : beside;
}

export function parseFramework(text: string, file: string): Framework {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new JackstopError('JACKSTOP_CHECK_INVALID', `not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`, {
      location: { file, line: text.slice(0, doc.errors[0]!.pos[0]).split('\n').length },
    });
  }
  const parsed = FrameworkDoc.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new JackstopError(
      'JACKSTOP_CHECK_INVALID',
      `invalid framework at ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
      { location: { file } },
    );
  }
  return { ...parsed.data, source: file };
}

/** Every framework file; `knownChecks` (when given) makes a reference to an unknown check an error. */
export async function loadFrameworks(
  dir: string = builtinFrameworksDir(),
  knownChecks?: ReadonlySet<string>,
): Promise<{ frameworks: Framework[]; errors: JackstopError[] }> {
  const names = (await readdir(dir)).filter((f) => /\.ya?ml$/i.test(f)).sort();
  const frameworks: Framework[] = [];
  const errors: JackstopError[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const fw = parseFramework(await readFile(file, 'utf8'), file);
      const unknown = knownChecks
        ? fw.requirements.flatMap((r) => r.checks.filter((c) => !knownChecks.has(c)).map((c) => `${r.id}: ${c}`))
        : [];
      if (unknown.length > 0) {
        errors.push(
          new JackstopError(
            'JACKSTOP_CHECK_INVALID',
            `framework ${fw.id} names unknown checks (${unknown.join(', ')})`,
            {
              location: { file },
            },
          ),
        );
        continue;
      }
      frameworks.push(fw);
    } catch (e) {
      errors.push(
        e instanceof JackstopError
          ? e
          : new JackstopError('JACKSTOP_CHECK_INVALID', errorMessage(e), { location: { file } }),
      );
    }
  }
  return { frameworks, errors };
}

/**
 * A check's mappings, from every framework that cites it: OWASP LLM and MITRE ATLAS in their own
 * lists (`LLM10`, `AML.T0040`), the rest as `framework:requirement` (`eu-ai-act:art-15`).
 */
export function mappingsOf(checkId: string, frameworks: readonly Framework[]): Mappings {
  const m: Mappings = { attack: [], atlas: [], owaspLlm: [], other: [] };
  for (const fw of frameworks) {
    for (const req of fw.requirements) {
      if (!req.checks.includes(checkId)) continue;
      if (fw.id === 'owasp-llm') m.owaspLlm.push(req.id);
      else if (fw.id === 'mitre-atlas') m.atlas.push(req.id);
      else m.other.push(`${fw.id}:${req.id}`);
    }
  }
  return m;
}

/** One row per requirement, from a scan's results. */
export function requirementTable(fw: Framework, results: readonly CheckResult[]): RequirementRow[] {
  const byCheck = new Map<string, Record<CheckStatus, number>>();
  for (const r of results) {
    let c = byCheck.get(r.check.id);
    if (!c) {
      c = { pass: 0, fail: 0, 'could-not-check': 0 };
      byCheck.set(r.check.id, c);
    }
    c[r.status]++;
  }
  return fw.requirements.map((req) => {
    const counts: Record<CheckStatus, number> = { pass: 0, fail: 0, 'could-not-check': 0 };
    for (const id of req.checks) {
      const c = byCheck.get(id);
      if (!c) continue;
      counts.pass += c.pass;
      counts.fail += c.fail;
      counts['could-not-check'] += c['could-not-check'];
    }
    const status: RequirementStatus =
      req.checks.length === 0
        ? 'not-covered'
        : counts.fail > 0
          ? 'fail'
          : counts['could-not-check'] > 0
            ? 'could-not-check'
            : counts.pass > 0
              ? 'pass'
              : 'no-resources';
    return { id: req.id, title: req.title, status, checks: [...req.checks], counts };
  });
}
