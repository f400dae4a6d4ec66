/**
 * Our zod schema of OCSF 1.7.0 Compliance Finding (class 2003, category 2 Findings), with the
 * `cloud` profile: exactly the attributes Jackstop emits, with the spec's requirements (the class's
 * required attributes — activity, category, class, type, severity, time, metadata, finding_info,
 * compliance; `cloud.provider` under the cloud profile), enum ids with their captions (the
 * `compliance.status_id` enum is 0 Unknown, 1 Pass, 2 Warning — "did not yield a result due to
 * missing information" —, 3 Fail, 99 Other), and `type_uid` = `class_uid` × 100 + `activity_id`.
 * Objects are strict, like the Detection Finding schema beside it, so an attribute we do not model
 * is an error rather than a silent extra.
 */
import { z } from 'zod';
import {
  ACCOUNT_TYPE_CAPTIONS,
  ACTIVITY_CAPTIONS,
  ANALYTIC_TYPE_CAPTIONS,
  OCSF_VERSION,
  SEVERITY_CAPTIONS,
  STATUS_CAPTIONS,
} from './schema.js';

type Captions = Readonly<Record<number, string>>;

/** `compliance.status_id`: the result of the check itself (not the finding's workflow status). */
export const COMPLIANCE_STATUS_CAPTIONS: Captions = {
  0: 'Unknown',
  1: 'Pass',
  2: 'Warning',
  3: 'Fail',
  99: 'Other',
};

const Timestamp = z.number().int().nonnegative();

function idOf(captions: Captions) {
  const ids = Object.keys(captions).map(Number);
  return z.number().refine((n) => ids.includes(n), `must be one of ${ids.join(', ')}`);
}

function captionMatches(
  ctx: z.RefinementCtx,
  captions: Captions,
  id: number | undefined,
  caption: string | undefined,
  path: string[],
): void {
  if (id === undefined || caption === undefined) return;
  if (captions[id] !== caption) {
    ctx.addIssue({ code: 'custom', path, message: `must be ${JSON.stringify(captions[id])} for id ${id}` });
  }
}

const Compliance = z
  .strictObject({
    /** Recommended in 1.7 (required up to 1.3): we always give at least one. */
    standards: z.array(z.string().min(1)).min(1),
    requirements: z.array(z.string().min(1)).min(1).optional(),
    control: z.string().min(1),
    desc: z.string().min(1).optional(),
    status_id: idOf(COMPLIANCE_STATUS_CAPTIONS),
    status: z.string(),
    status_code: z.string().min(1).optional(),
    status_detail: z.string().min(1).optional(),
  })
  .superRefine((c, ctx) => captionMatches(ctx, COMPLIANCE_STATUS_CAPTIONS, c.status_id, c.status, ['status']));

const Analytic = z
  .strictObject({
    uid: z.string().min(1),
    name: z.string().min(1),
    desc: z.string().optional(),
    type_id: idOf(ANALYTIC_TYPE_CAPTIONS),
    type: z.string(),
  })
  .superRefine((a, ctx) => captionMatches(ctx, ANALYTIC_TYPE_CAPTIONS, a.type_id, a.type, ['type']));

const FindingInfo = z.strictObject({
  uid: z.string().min(1),
  title: z.string().min(1),
  desc: z.string().optional(),
  types: z.array(z.string().min(1)).min(1).optional(),
  analytic: Analytic,
});

const Account = z
  .strictObject({
    uid: z.string().min(1),
    type_id: idOf(ACCOUNT_TYPE_CAPTIONS).optional(),
    type: z.string().optional(),
  })
  .superRefine((a, ctx) => captionMatches(ctx, ACCOUNT_TYPE_CAPTIONS, a.type_id, a.type, ['type']));

/** The cloud profile's `cloud` object: `provider` is required. */
const Cloud = z.strictObject({
  provider: z.string().min(1),
  region: z.string().min(1).optional(),
  account: Account.optional(),
  project_uid: z.string().min(1).optional(),
});

const ResourceDetails = z.strictObject({
  uid: z.string().min(1),
  name: z.string().min(1).optional(),
  type: z.string().min(1),
  region: z.string().min(1).optional(),
  cloud_partition: z.string().min(1).optional(),
});

const Remediation = z.strictObject({
  desc: z.string().min(1),
  references: z.array(z.string()).min(1).optional(),
});

const Metadata = z.strictObject({
  version: z.literal(OCSF_VERSION),
  product: z.strictObject({
    name: z.string().min(1),
    vendor_name: z.string().min(1),
    version: z.string().min(1),
    url_string: z.url().optional(),
  }),
  uid: z.string().min(1),
  /** The profiles applied: `cloud` adds the required `cloud` object. */
  profiles: z.array(z.string().min(1)).min(1),
});

const Unmapped = z.strictObject({
  kind: z.literal('posture'),
  resource_type: z.string().optional(),
  equivalents: z.array(z.string()).optional(),
});

export const OcsfComplianceFinding = z
  .strictObject({
    activity_id: idOf(ACTIVITY_CAPTIONS),
    activity_name: z.string(),
    category_uid: z.literal(2),
    category_name: z.literal('Findings'),
    class_uid: z.literal(2003),
    class_name: z.literal('Compliance Finding'),
    type_uid: z.number().int(),
    type_name: z.string(),
    severity_id: idOf(SEVERITY_CAPTIONS),
    severity: z.string(),
    status_id: idOf(STATUS_CAPTIONS).optional(),
    status: z.string().optional(),
    time: Timestamp,
    message: z.string(),
    metadata: Metadata,
    finding_info: FindingInfo,
    compliance: Compliance,
    cloud: Cloud,
    resources: z.array(ResourceDetails).min(1).optional(),
    remediation: Remediation.optional(),
    unmapped: Unmapped,
  })
  .superRefine((f, ctx) => {
    captionMatches(ctx, ACTIVITY_CAPTIONS, f.activity_id, f.activity_name, ['activity_name']);
    captionMatches(ctx, SEVERITY_CAPTIONS, f.severity_id, f.severity, ['severity']);
    captionMatches(ctx, STATUS_CAPTIONS, f.status_id, f.status, ['status']);
    if ((f.status_id === undefined) !== (f.status === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['status'], message: 'status and status_id go together' });
    }
    if (f.type_uid !== f.class_uid * 100 + f.activity_id) {
      ctx.addIssue({ code: 'custom', path: ['type_uid'], message: 'must be class_uid * 100 + activity_id' });
    }
    const typeName = `${f.class_name}: ${f.activity_name}`;
    if (f.type_name !== typeName) {
      ctx.addIssue({ code: 'custom', path: ['type_name'], message: `must be ${JSON.stringify(typeName)}` });
    }
    if (!f.metadata.profiles.includes('cloud')) {
      ctx.addIssue({
        code: 'custom',
        path: ['metadata', 'profiles'],
        message: 'the cloud object needs the cloud profile',
      });
    }
  });

export type OcsfComplianceFinding = z.infer<typeof OcsfComplianceFinding>;
