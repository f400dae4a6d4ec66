/**
 * Posture checks are data: one YAML file per check under `checks/<cloud>/`, validated by `CheckDoc`,
 * with its logic as CEL expressions (Common Expression Language, the language of Kubernetes
 * admission policies) evaluated over one resource at a time. A file that does not validate, or whose
 * expressions do not parse, is reported naming the file and line and is not loaded; the others are.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Environment } from '@marcbachmann/cel-js';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { Severity } from '../domain/index.js';
import { errorMessage, JackstopError } from '../errors.js';
import { findPackageRoot } from '../package-root.js';
import { Cloud, RESOURCE_TYPE_PATTERN } from './snapshot.js';

/** `jackstop.<cloud>.<service>.<slug>`, like the detection pack's rule names. */
export const CHECK_ID_PATTERN = /^jackstop\.(aws|azure|gcp)\.[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$/;

const ResourceType = z.string().regex(RESOURCE_TYPE_PATTERN, 'a resource type such as aws.bedrock.guardrail');

/** A resource as a check example gives it: attributes, and optionally where it lives. */
const ExampleResource = z.object({
  id: z.string().optional(),
  name: z.string().optional(),
  region: z.string().optional(),
  account: z.string().optional(),
  attributes: z.record(z.string(), z.unknown()),
  /** What the cloud's enricher derives from the rest of the inventory (see `Enricher`). */
  derived: z.record(z.string(), z.unknown()).optional(),
});
export type ExampleResource = z.infer<typeof ExampleResource>;

export const CheckDoc = z.strictObject({
  id: z.string().regex(CHECK_ID_PATTERN, 'jackstop.<cloud>.<service>.<slug> (lower case, digits and dashes)'),
  title: z.string().min(1),
  cloud: Cloud,
  severity: Severity,
  /** The resource type evaluated: one result per resource of this type. */
  resource: ResourceType,
  /** Other resource types the result depends on (through `d`, the enricher's derived facts): their failure means "could not check". */
  needs: z.array(ResourceType).default([]),
  /** CEL: which resources the check applies to (default all). Others are not evaluated. */
  applies: z.string().min(1).optional(),
  /** CEL: true when the resource passes. */
  pass: z.string().min(1),
  /** Why a failure matters: LLMjacking, poisoning, exfiltration … */
  rationale: z.string().min(1),
  remediation: z.strictObject({
    text: z.string().min(1),
    cli: z.string().min(1).optional(),
    terraform: z.string().min(1).optional(),
  }),
  references: z.array(z.url()).default([]),
  /** Equivalent checks of other tools (`prowler:bedrock_guardrails_configured`, `checkov:CKV_AWS_373`). */
  equivalents: z.array(z.string().regex(/^[a-z]+:\S+$/)).default([]),
  /** At least one passing and one failing resource: the check's own tests. */
  examples: z.strictObject({
    pass: z.array(ExampleResource).min(1),
    fail: z.array(ExampleResource).min(1),
  }),
});
export type CheckDoc = z.infer<typeof CheckDoc>;

/** What an expression sees: the resource's attributes (`r`), derived facts (`d`), the resource itself and the collection time. */
export interface CheckContext {
  r: Record<string, unknown>;
  d: Record<string, unknown>;
  resource: { id: string; type: string; name: string; account: string; region: string };
  /** ISO 8601 time of the collection (ages are measured from it, so a scan is repeatable). */
  now: string;
}

type Evaluator = (ctx: CheckContext) => unknown;

export interface Check extends CheckDoc {
  source: { file: string; line: number };
  readonly evaluateApplies: Evaluator | undefined;
  readonly evaluatePass: Evaluator;
}

const MS_PER_DAY = 86_400_000;

function toMs(s: string): number {
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new Error(`not a time: ${JSON.stringify(s)}`);
  return ms;
}

/**
 * The CEL environment checks run in. Beyond standard CEL: `daysBetween(from, to)` (ISO 8601
 * strings, fractional days, negative when `to` is earlier) for key ages and last use.
 */
function celEnvironment(): Environment {
  return new Environment({ unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: false })
    .registerVariable('r', 'map')
    .registerVariable('d', 'map')
    .registerVariable('resource', 'map')
    .registerVariable('now', 'string')
    .registerFunction(
      'daysBetween(string, string): double',
      (from: string, to: string) => (toMs(to) - toMs(from)) / MS_PER_DAY,
    );
}

const ENV = celEnvironment();

function compile(expr: string, what: string): Evaluator {
  let program: (ctx: CheckContext) => unknown;
  try {
    program = ENV.parse(expr) as unknown as (ctx: CheckContext) => unknown;
  } catch (e) {
    throw new Error(`${what} does not parse as CEL: ${errorMessage(e).split('\n')[0]}`);
  }
  return (ctx) => program(ctx);
}

/** Builds a check from a validated document (the expressions are parsed here). */
export function compileCheck(doc: CheckDoc, source: { file: string; line: number }): Check {
  return {
    ...doc,
    source,
    evaluateApplies: doc.applies === undefined ? undefined : compile(doc.applies, '`applies`'),
    evaluatePass: compile(doc.pass, '`pass`'),
  };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const at = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
  return `${at ? `${at.replace(/^\./, '')}: ` : ''}${issue.message}`;
}

/** Parses one check file's text. Throws `JACKSTOP_CHECK_INVALID` naming the file and line. */
export function parseCheck(text: string, file: string): Check {
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    throw new JackstopError('JACKSTOP_CHECK_INVALID', `not valid YAML: ${err.message.split('\n')[0]}`, {
      location: { file, line: lineOf(text, err.pos[0]) },
    });
  }
  const parsed = CheckDoc.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const node = doc.getIn(issue.path as (string | number)[], true) as { range?: [number, number] } | undefined;
    const line = node?.range ? lineOf(text, node.range[0]) : 1;
    throw new JackstopError('JACKSTOP_CHECK_INVALID', `invalid check: ${describeIssue(issue)}`, {
      location: { file, line },
    });
  }
  try {
    return compileCheck(parsed.data, { file, line: 1 });
  } catch (e) {
    const key = /^`(\w+)`/.exec(errorMessage(e))?.[1];
    const node = key ? (doc.get(key, true) as { range?: [number, number] } | undefined) : undefined;
    throw new JackstopError('JACKSTOP_CHECK_INVALID', errorMessage(e), {
      location: { file, line: node?.range ? lineOf(text, node.range[0]) : 1 },
    });
  }
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** Where the built-in checks live (beside this file in sources; under the package root from `dist/`). */
export function builtinChecksDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const beside = path.join(here, 'checks');
  if (existsSync(beside)) return beside;
  const root = findPackageRoot(here);
  return root ? path.join(root, 'src', 'posture', 'checks') : beside;
}

/**
 * Loads every `*.yml` under `dir`. Bad files become errors naming file and line; duplicate ids are
 * errors too (the later file is not loaded).
 */
export async function loadChecks(
  dir: string = builtinChecksDir(),
): Promise<{ checks: Check[]; errors: JackstopError[] }> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch((e: unknown) => {
    throw new JackstopError('JACKSTOP_INPUT_NOT_FOUND', `cannot read the checks folder: ${errorMessage(e)}`, {
      location: { file: dir },
    });
  });
  const files = entries
    .filter((e) => e.isFile() && /\.ya?ml$/i.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  const checks: Check[] = [];
  const errors: JackstopError[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    try {
      const check = parseCheck(await readFile(file, 'utf8'), file);
      const earlier = seen.get(check.id);
      if (earlier) {
        errors.push(
          new JackstopError('JACKSTOP_CHECK_INVALID', `check id ${check.id} is already used by ${earlier}`, {
            location: { file, line: 1 },
          }),
        );
        continue;
      }
      seen.set(check.id, file);
      checks.push(check);
    } catch (e) {
      errors.push(
        e instanceof JackstopError
          ? e
          : new JackstopError('JACKSTOP_CHECK_INVALID', errorMessage(e), { location: { file } }),
      );
    }
  }
  return { checks, errors };
}
