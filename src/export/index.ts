/**
 * @module export
 * Finding exporters for `jackstop detect --format json|ndjson|sarif|ocsf` (the `table` format is
 * the CLI's). `EXPORTERS` is the registry, as data; each exporter takes the findings and an
 * `ExportContext` (tool, rule metadata, run summary) and returns the whole document as a string.
 *
 * Formats:
 * - `json`: `{ "tool", "run"?, "findings": [...] }`, pretty-printed (2 spaces); findings in the
 *   domain `Finding` shape with defaults filled in.
 * - `ndjson`: one finding per line (same shape as in `json`). Zero findings give an empty string,
 *   the one output that does not end in "\n": an empty line would be a malformed record.
 * - `sarif`: one SARIF 2.1.0 log, pretty-printed; see `toSarif` (`./sarif`).
 * - `ocsf`: a pretty-printed JSON array of OCSF 1.7.0 Detection Finding objects (class 2004), one
 *   per finding, `[]` for none; see `toOcsf` (`./ocsf`). A JSON array rather than NDJSON so that
 *   `--format ocsf > file.json` is one valid JSON document like the other formats.
 *
 * Posture (`jackstop scan`) also has `toOcsfCompliance` (`./ocsf/compliance`): check results as
 * OCSF Compliance Finding objects (class 2003), passes and "could not check" included.
 *
 * Bad input (a finding that fails the domain schema, a time that is not a date, an invalid context)
 * throws `JackstopError` `JACKSTOP_EXPORT_ERROR` naming the finding's index (`location.record`)
 * and id. A finding whose rule is missing from `ctx.rules` is exported with rule metadata taken
 * from the finding itself.
 */
import type { Finding } from '../domain/index.js';
import { checkContext, checkFindings, type ExportContext } from './context.js';
import { toOcsfList } from './ocsf/index.js';
import { toSarif } from './sarif/index.js';

export type { ExportContext, RuleMeta } from './context.js';
export {
  type ComplianceExportContext,
  ComplianceResultInput,
  complianceUid,
  OcsfComplianceFinding,
  toOcsfCompliance,
} from './ocsf/compliance.js';
export { OCSF_VERSION, OcsfDetectionFinding, toOcsf } from './ocsf/index.js';
export { toSarif } from './sarif/index.js';

export type ExportFormat = 'json' | 'ndjson' | 'sarif' | 'ocsf';

export type Exporter = (findings: readonly Finding[], ctx: ExportContext) => string;

function pretty(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Every exporter by format name. */
export const EXPORTERS: Record<ExportFormat, Exporter> = {
  json: (findings, ctx) => {
    const context = checkContext(ctx);
    const checked = checkFindings(findings);
    return pretty({ tool: context.tool, ...(context.run ? { run: context.run } : {}), findings: checked });
  },
  ndjson: (findings, ctx) => {
    checkContext(ctx);
    return checkFindings(findings)
      .map((f) => `${JSON.stringify(f)}\n`)
      .join('');
  },
  sarif: (findings, ctx) => pretty(toSarif(findings, ctx)),
  ocsf: (findings, ctx) => pretty(toOcsfList(findings, ctx)),
};

export const EXPORT_FORMATS: readonly ExportFormat[] = Object.freeze(Object.keys(EXPORTERS) as ExportFormat[]);
