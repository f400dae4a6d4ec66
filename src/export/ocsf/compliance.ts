/**
 * @module export/ocsf/compliance
 * Posture check results → OCSF 1.7.0 Compliance Finding events (class_uid 2003, category Findings),
 * one per result — passes and "could not check" included, since a compliance record says what was
 * evaluated, not only what failed. `OcsfComplianceFinding` is the zod schema of what we emit.
 *
 * Mapping, in short: activity Create; `time` = the snapshot's collection time (ms);
 * `compliance.status_id` pass/fail/could-not-check → 1 Pass / 3 Fail / 2 Warning (OCSF: "did not
 * yield a result due to missing information"), with the reason in `status_detail`;
 * `compliance.standards` = the frameworks that cite the check (Jackstop's own check set when none),
 * `requirements` = their requirements, `control` = the check id. Severity: the check's for fail and
 * could-not-check, Informational for a pass (nothing to act on). The finding's workflow `status_id`
 * (New) is set for failures only. `cloud` (cloud profile) carries provider, account and region;
 * `resources` the evaluated resource; `remediation` the filled-in fix for a failure.
 *
 * The input is a plain shape (`ComplianceResultInput`), not the posture module's types: exporters
 * depend on the domain only.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { findingId, Severity } from '../../domain/index.js';
import { JackstopError } from '../../errors.js';
import { epochMs } from '../context.js';
import { COMPLIANCE_STATUS_CAPTIONS, OcsfComplianceFinding } from './compliance-schema.js';
import {
  ACCOUNT_TYPE_CAPTIONS,
  ACTIVITY_CAPTIONS,
  ANALYTIC_TYPE_CAPTIONS,
  OCSF_VERSION,
  SEVERITY_CAPTIONS,
  STATUS_CAPTIONS,
} from './schema.js';

export { OcsfComplianceFinding };

export const ComplianceResultInput = z.object({
  check: z.object({
    id: z.string().min(1),
    title: z.string().min(1),
    description: z.string().optional(),
    severity: Severity,
    references: z.array(z.string()).default([]),
    equivalents: z.array(z.string()).default([]),
  }),
  status: z.enum(['pass', 'fail', 'could-not-check']),
  cloud: z.enum(['aws', 'azure', 'gcp']),
  account: z.string().min(1),
  region: z.string().min(1),
  /** Absent when a whole scope could not be checked. */
  resource: z.object({ id: z.string().min(1), type: z.string().min(1), name: z.string().optional() }).optional(),
  reason: z.string().optional(),
  /** The fix, placeholders filled in (failures). */
  remediation: z.string().optional(),
  /** Frameworks citing the check, with the requirements it covers. */
  frameworks: z
    .array(
      z.object({
        id: z.string().min(1),
        name: z.string().min(1),
        version: z.string().optional(),
        requirements: z.array(z.object({ id: z.string().min(1), title: z.string().min(1) })),
      }),
    )
    .default([]),
});
export type ComplianceResultInput = z.input<typeof ComplianceResultInput>;
type Checked = z.output<typeof ComplianceResultInput>;

export interface ComplianceExportContext {
  tool: { name: string; version: string; informationUri?: string };
  /** ISO 8601: when the snapshot was collected (the time the results describe). */
  collectedAt: string;
}

const CLASS = {
  category_uid: 2,
  category_name: 'Findings',
  class_uid: 2003,
  class_name: 'Compliance Finding',
} as const;
const ACTIVITY_CREATE = 1;
const SEVERITY_ID: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
const COMPLIANCE_STATUS_ID: Record<Checked['status'], number> = { pass: 1, 'could-not-check': 2, fail: 3 };
const STATUS_NEW = 1;
const ANALYTIC_RULE = 1;
const PROVIDER: Record<Checked['cloud'], string> = { aws: 'AWS', azure: 'Azure', gcp: 'GCP' };
/** OCSF account type ids: AWS Account, Azure Subscription, GCP Project. */
const ACCOUNT_TYPE_ID: Record<Checked['cloud'], number> = { aws: 10, azure: 13, gcp: 11 };

/** Every result as a Compliance Finding; a bad input names its index. */
export function toOcsfCompliance(
  results: readonly ComplianceResultInput[],
  ctx: ComplianceExportContext,
): OcsfComplianceFinding[] {
  const time = epochMs(ctx.collectedAt);
  if (Number.isNaN(time)) {
    throw new JackstopError(
      'JACKSTOP_EXPORT_ERROR',
      `Cannot export: the collection time ${JSON.stringify(ctx.collectedAt)} is not a date-time.`,
    );
  }
  return results.map((r, index) => {
    const parsed = ComplianceResultInput.safeParse(r);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new JackstopError(
        'JACKSTOP_EXPORT_ERROR',
        `Cannot export result #${index}: ${issue.path.join('.') || '(top level)'}: ${issue.message}.`,
        { location: { record: index }, cause: parsed.error },
      );
    }
    return complianceFinding(parsed.data, ctx, time);
  });
}

/** The finding's uid: the posture finding id for a resource, a scope id otherwise (stable across scans). */
export function complianceUid(r: Pick<Checked, 'check' | 'cloud' | 'account' | 'region' | 'resource'>): string {
  return findingId(r.check.id, r.resource?.id ?? `${r.cloud}:${r.account}:${r.region}`);
}

function complianceFinding(r: Checked, ctx: ComplianceExportContext, time: number): OcsfComplianceFinding {
  const severityId = r.status === 'pass' ? SEVERITY_ID.info : SEVERITY_ID[r.check.severity];
  const statusId = COMPLIANCE_STATUS_ID[r.status];
  const uid = complianceUid(r);
  const standards = r.frameworks.map((f) => (f.version ? `${f.name} (${f.version})` : f.name));
  const requirements = r.frameworks.flatMap((f) => f.requirements.map((q) => `${f.id} ${q.id} - ${q.title}`));
  const where = r.resource
    ? `${r.resource.name ?? r.resource.id} (${r.account}/${r.region})`
    : `${r.account}/${r.region}`;
  const accountTypeId = ACCOUNT_TYPE_ID[r.cloud];
  const partition = r.resource ? /^arn:([^:]+):/.exec(r.resource.id)?.[1] : undefined;

  return {
    activity_id: ACTIVITY_CREATE,
    activity_name: ACTIVITY_CAPTIONS[ACTIVITY_CREATE]!,
    ...CLASS,
    type_uid: CLASS.class_uid * 100 + ACTIVITY_CREATE,
    type_name: `${CLASS.class_name}: ${ACTIVITY_CAPTIONS[ACTIVITY_CREATE]}`,
    severity_id: severityId,
    severity: SEVERITY_CAPTIONS[severityId]!,
    ...(r.status === 'fail' ? { status_id: STATUS_NEW, status: STATUS_CAPTIONS[STATUS_NEW]! } : {}),
    time,
    message: `${r.check.title}: ${COMPLIANCE_STATUS_CAPTIONS[statusId]!.toLowerCase()} on ${where}${r.reason ? ` (${r.reason})` : ''}`,
    metadata: {
      version: OCSF_VERSION,
      product: {
        name: ctx.tool.name,
        vendor_name: ctx.tool.name,
        version: ctx.tool.version,
        ...(ctx.tool.informationUri ? { url_string: ctx.tool.informationUri } : {}),
      },
      // Same result of the same check on the same thing at the same time: same event.
      uid: createHash('sha256').update(`${uid}\0${r.status}\0${time}`).digest('hex').slice(0, 32),
      profiles: ['cloud'],
    },
    finding_info: {
      uid,
      title: r.check.title,
      ...(r.check.description ? { desc: r.check.description } : {}),
      types: ['posture'],
      analytic: {
        uid: r.check.id,
        name: r.check.title,
        type_id: ANALYTIC_RULE,
        type: ANALYTIC_TYPE_CAPTIONS[ANALYTIC_RULE]!,
      },
    },
    compliance: {
      standards: standards.length > 0 ? standards : [`${ctx.tool.name} posture checks`],
      ...(requirements.length > 0 ? { requirements } : {}),
      control: r.check.id,
      desc: r.check.title,
      status_id: statusId,
      status: COMPLIANCE_STATUS_CAPTIONS[statusId]!,
      status_code: r.status,
      ...(r.reason ? { status_detail: r.reason } : {}),
    },
    cloud: {
      provider: PROVIDER[r.cloud],
      region: r.region,
      account: { uid: r.account, type_id: accountTypeId, type: ACCOUNT_TYPE_CAPTIONS[accountTypeId]! },
      ...(r.cloud === 'gcp' ? { project_uid: r.account } : {}),
    },
    ...(r.resource
      ? {
          resources: [
            {
              uid: r.resource.id,
              ...(r.resource.name ? { name: r.resource.name } : {}),
              type: r.resource.type,
              region: r.region,
              ...(partition ? { cloud_partition: partition } : {}),
            },
          ],
        }
      : {}),
    ...(r.status === 'fail' && r.remediation
      ? {
          remediation: {
            desc: r.remediation,
            ...(r.check.references.length > 0 ? { references: [...r.check.references] } : {}),
          },
        }
      : {}),
    unmapped: {
      kind: 'posture',
      ...(r.resource ? { resource_type: r.resource.type } : {}),
      ...(r.check.equivalents.length > 0 ? { equivalents: [...r.check.equivalents] } : {}),
    },
  };
}
