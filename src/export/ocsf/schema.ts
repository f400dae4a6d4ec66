/**
 * Our zod schema of OCSF 1.7.0 Detection Finding (class 2004): exactly the attributes Jackstop emits,
 * with the spec's requirements (required attributes present, `at_least_one` constraints, enum ids
 * with their captions, `type_uid` = `class_uid` × 100 + `activity_id`, timestamps as integer ms).
 * Objects are strict, so an attribute we do not model is an error rather than a silent extra.
 */
import { z } from 'zod';

export const OCSF_VERSION = '1.7.0';

/** `timestamp_t`: milliseconds since the epoch. */
const Timestamp = z.number().int().nonnegative();

/** Enum ids and their captions, as OCSF defines id/caption sibling pairs. */
type Captions = Readonly<Record<number, string>>;

export const SEVERITY_CAPTIONS: Captions = {
  0: 'Unknown',
  1: 'Informational',
  2: 'Low',
  3: 'Medium',
  4: 'High',
  5: 'Critical',
  6: 'Fatal',
  99: 'Other',
};
export const STATUS_CAPTIONS: Captions = {
  0: 'Unknown',
  1: 'New',
  2: 'In Progress',
  3: 'Suppressed',
  4: 'Resolved',
  5: 'Archived',
  6: 'Deleted',
  99: 'Other',
};
export const ACTIVITY_CAPTIONS: Captions = {
  0: 'Unknown',
  1: 'Create',
  2: 'Update',
  3: 'Close',
  99: 'Other',
};
export const ANALYTIC_TYPE_CAPTIONS: Captions = {
  0: 'Unknown',
  1: 'Rule',
  2: 'Behavioral',
  3: 'Statistical',
  4: 'Learning (ML/DL)',
  5: 'Fingerprinting',
  6: 'Tagging',
  7: 'Keyword Match',
  8: 'Regular Expressions',
  9: 'Exact Data Match',
  10: 'Partial Data Match',
  11: 'Indexed Data Match',
  99: 'Other',
};
export const ACCOUNT_TYPE_CAPTIONS: Captions = {
  10: 'AWS Account',
  11: 'GCP Project',
  13: 'Azure Subscription',
};

function idOf(captions: Captions) {
  const ids = Object.keys(captions).map(Number);
  return z.number().refine((n) => ids.includes(n), `must be one of ${ids.join(', ')}`);
}

/** Checks that `caption` is the caption of `id` (OCSF's sibling rule). */
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

const MitreRef = z.strictObject({
  uid: z.string().min(1),
  name: z.string().min(1).optional(),
  src_url: z.url().optional(),
});

const Attack = z
  .strictObject({
    tactic: MitreRef.optional(),
    technique: MitreRef.optional(),
    sub_technique: MitreRef.optional(),
  })
  .refine((a) => a.tactic || a.technique || a.sub_technique, 'needs at least one of tactic, technique, sub_technique');

const Analytic = z
  .strictObject({
    uid: z.string().min(1),
    name: z.string().min(1),
    desc: z.string().optional(),
    type_id: idOf(ANALYTIC_TYPE_CAPTIONS),
    type: z.string(),
  })
  .superRefine((a, ctx) => captionMatches(ctx, ANALYTIC_TYPE_CAPTIONS, a.type_id, a.type, ['type']));

const RelatedEvent = z.strictObject({ uid: z.string().min(1) });

const FindingInfo = z.strictObject({
  uid: z.string().min(1),
  title: z.string(),
  desc: z.string().optional(),
  types: z.array(z.string().min(1)).min(1).optional(),
  first_seen_time: Timestamp,
  last_seen_time: Timestamp,
  analytic: Analytic,
  attacks: z.array(Attack).min(1).optional(),
  related_events: z.array(RelatedEvent).min(1).optional(),
  related_events_count: z.number().int().nonnegative().optional(),
});

const Account = z
  .strictObject({
    uid: z.string().min(1),
    type_id: idOf(ACCOUNT_TYPE_CAPTIONS).optional(),
    type: z.string().optional(),
  })
  .superRefine((a, ctx) => captionMatches(ctx, ACCOUNT_TYPE_CAPTIONS, a.type_id, a.type, ['type']));

const User = z
  .strictObject({
    uid: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
    credential_uid: z.string().min(1).optional(),
    account: Account.optional(),
  })
  .refine((u) => u.uid || u.name || u.account, 'needs at least one of account, name, uid');

const Actor = z.strictObject({ user: User });

const Api = z.strictObject({ operation: z.string().min(1) });

const NetworkEndpoint = z
  .strictObject({
    ip: z.string().min(1).optional(),
    hostname: z.string().min(1).optional(),
  })
  .refine((e) => e.ip || e.hostname, 'needs ip or hostname');

const HttpRequest = z.strictObject({ user_agent: z.string() });

/** `evidences` has an `at_least_one` constraint over its artifact attributes (not `http_request`). */
const Evidence = z
  .strictObject({
    name: z.string().min(1).optional(),
    actor: Actor.optional(),
    api: Api.optional(),
    src_endpoint: NetworkEndpoint.optional(),
    http_request: HttpRequest.optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((e) => e.actor || e.api || e.src_endpoint || e.data, 'needs at least one of actor, api, src_endpoint, data');

const ResourceDetails = z.strictObject({
  uid: z.string().min(1),
  name: z.string().min(1).optional(),
  type: z.string().min(1),
  region: z.string().min(1).optional(),
  cloud_partition: z.string().min(1).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

const Remediation = z.strictObject({
  desc: z.string().min(1),
  references: z.array(z.string()).min(1).optional(),
});

const Product = z.strictObject({
  name: z.string().min(1),
  vendor_name: z.string().min(1),
  version: z.string().min(1),
  url_string: z.url().optional(),
});

const Metadata = z.strictObject({
  version: z.literal(OCSF_VERSION),
  product: Product,
  uid: z.string().min(1),
});

/** What OCSF has no attribute for, under our own names. */
const Unmapped = z.strictObject({
  kind: z.string(),
  subject: z.strictObject({ kind: z.string(), id: z.string(), label: z.string().optional() }),
  regions: z.array(z.string()).optional(),
  access_key_ids: z.array(z.string()).optional(),
  error_codes: z.array(z.string()).optional(),
  locations: z.array(z.string()).optional(),
  false_positives: z.array(z.string()).optional(),
  references: z.array(z.string()).optional(),
  owasp_llm: z.array(z.string()).optional(),
  other_mappings: z.array(z.string()).optional(),
  rule_source: z.string().optional(),
});

export const OcsfDetectionFinding = z
  .strictObject({
    activity_id: idOf(ACTIVITY_CAPTIONS),
    activity_name: z.string(),
    category_uid: z.literal(2),
    category_name: z.literal('Findings'),
    class_uid: z.literal(2004),
    class_name: z.literal('Detection Finding'),
    type_uid: z.number().int(),
    type_name: z.string(),
    severity_id: idOf(SEVERITY_CAPTIONS),
    severity: z.string(),
    status_id: idOf(STATUS_CAPTIONS),
    status: z.string(),
    time: Timestamp,
    start_time: Timestamp,
    end_time: Timestamp,
    count: z.number().int().nonnegative(),
    message: z.string(),
    is_alert: z.boolean(),
    metadata: Metadata,
    finding_info: FindingInfo,
    evidences: z.array(Evidence).min(1).optional(),
    resources: z.array(ResourceDetails).min(1).optional(),
    remediation: Remediation.optional(),
    unmapped: Unmapped,
  })
  .superRefine((f, ctx) => {
    captionMatches(ctx, ACTIVITY_CAPTIONS, f.activity_id, f.activity_name, ['activity_name']);
    captionMatches(ctx, SEVERITY_CAPTIONS, f.severity_id, f.severity, ['severity']);
    captionMatches(ctx, STATUS_CAPTIONS, f.status_id, f.status, ['status']);
    if (f.type_uid !== f.class_uid * 100 + f.activity_id) {
      ctx.addIssue({ code: 'custom', path: ['type_uid'], message: 'must be class_uid * 100 + activity_id' });
    }
    const typeName = `${f.class_name}: ${f.activity_name}`;
    if (f.type_name !== typeName) {
      ctx.addIssue({ code: 'custom', path: ['type_name'], message: `must be ${JSON.stringify(typeName)}` });
    }
    if (f.start_time > f.end_time) {
      ctx.addIssue({ code: 'custom', path: ['start_time'], message: 'must not be after end_time' });
    }
  });

export type OcsfDetectionFinding = z.infer<typeof OcsfDetectionFinding>;
