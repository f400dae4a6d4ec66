/**
 * @module domain
 * The shared domain types: `Event`, `Asset`, `Finding` (and `Severity`), defined once as zod
 * schemas with inferred TypeScript types. Every other folder imports them from here.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** Numeric rank for comparisons (`info` = 0 … `critical` = 4). */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Sigma `level` → our severity (Sigma has `informational` where we say `info`). */
export function severityFromSigmaLevel(level: string | undefined): Severity {
  switch (level) {
    case 'informational':
      return 'info';
    case 'low':
    case 'medium':
    case 'high':
    case 'critical':
      return level;
    default:
      return 'medium';
  }
}

/**
 * Which log a record came from: AWS CloudTrail, Bedrock model-invocation logs, the Azure activity log,
 * Azure resource (diagnostic) logs of Azure OpenAI / Cognitive Services, GCP Cloud Audit Logs, and
 * OpenAI organization audit logs.
 */
export const EventSource = z.enum([
  'aws.cloudtrail',
  'azure.activity',
  'gcp.audit',
  'aws.bedrock.invocation',
  'azure.resource',
  'openai.audit',
]);
export type EventSource = z.infer<typeof EventSource>;

/** A normalized audit event. `raw` is the untouched record: Sigma rules address raw field names. */
export const Event = z.object({
  /** Provider event id (CloudTrail `eventID`) or a content hash when the record has none. */
  id: z.string(),
  /** ISO 8601 UTC. */
  time: z.string(),
  source: EventSource,
  actor: z.object({
    /** Principal ARN / id: the identity an analyst pivots on. */
    id: z.string().optional(),
    /** e.g. IAMUser, AssumedRole, Root, AWSService. */
    type: z.string().optional(),
    name: z.string().optional(),
    accessKeyId: z.string().optional(),
    sourceIp: z.string().optional(),
    userAgent: z.string().optional(),
  }),
  action: z.object({
    /** e.g. `bedrock.amazonaws.com`. */
    service: z.string(),
    /** e.g. `InvokeModel`. */
    operation: z.string(),
    readOnly: z.boolean().optional(),
  }),
  target: z.object({
    account: z.string().optional(),
    region: z.string().optional(),
    /** Model id when the call names one (Bedrock `modelId`, Vertex resource, Azure deployment). */
    model: z.string().optional(),
    resources: z.array(z.string()).default([]),
  }),
  outcome: z.object({
    ok: z.boolean(),
    errorCode: z.string().optional(),
    errorMessage: z.string().optional(),
  }),
  raw: z.record(z.string(), z.unknown()),
});
export type Event = z.infer<typeof Event>;

export const ASSET_KINDS = [
  'account',
  'identity',
  'access-key',
  'model',
  'endpoint',
  'bucket',
  'workload',
  'image',
  'package',
  'cluster',
  'service',
] as const;
export const AssetKind = z.enum(ASSET_KINDS);
export type AssetKind = z.infer<typeof AssetKind>;

/** An inventory node. `id` is stable across runs (ARN, key id, purl …). */
export const Asset = z.object({
  id: z.string(),
  kind: AssetKind,
  name: z.string().optional(),
  attributes: z.record(z.string(), z.unknown()).default({}),
});
export type Asset = z.infer<typeof Asset>;

/** What a finding and its exports need to know about the rule (or check) that raised it. */
export const RuleMeta = z.object({
  /** The id users see: a rule's readable `name` (`jackstop.aws.bedrock.…`) when it has one, else its `id`. */
  id: z.string().min(1),
  title: z.string().min(1),
  description: z.string().optional(),
  severity: Severity,
  /** Sigma-style tags: `attack.t1496.004`, `attack.impact`, `atlas.aml.t0055`, `owasp-llm.llm10`. */
  tags: z.array(z.string()),
  references: z.array(z.string()),
  falsePositives: z.array(z.string()),
  /** Third-party Sigma rules usually have none. */
  remediation: z.string().optional(),
  author: z.string().optional(),
  /** Where the rule was defined. */
  source: z.object({ file: z.string().optional(), line: z.number().int().positive().optional() }).optional(),
});
export type RuleMeta = z.infer<typeof RuleMeta>;

export const FINDING_KINDS = [
  'detection',
  'anomaly',
  'posture',
  'vulnerability',
  'secret',
  'runtime',
  'redteam',
] as const;
export const FindingKind = z.enum(FINDING_KINDS);
export type FindingKind = z.infer<typeof FindingKind>;

export const FindingStatus = z.enum(['open', 'resolved', 'suppressed']);
export type FindingStatus = z.infer<typeof FindingStatus>;

export const Mappings = z.object({
  attack: z.array(z.string()).default([]),
  atlas: z.array(z.string()).default([]),
  owaspLlm: z.array(z.string()).default([]),
  other: z.array(z.string()).default([]),
});
export type Mappings = z.infer<typeof Mappings>;

/** What a detection finding saw, summarised for triage. Lists are distinct values, capped. */
export const Evidence = z.object({
  /** Up to EVIDENCE_EVENT_CAP event ids, oldest first. */
  eventIds: z.array(z.string()).default([]),
  eventNames: z.array(z.string()).default([]),
  models: z.array(z.string()).default([]),
  regions: z.array(z.string()).default([]),
  sourceIps: z.array(z.string()).default([]),
  userAgents: z.array(z.string()).default([]),
  accessKeyIds: z.array(z.string()).default([]),
  errorCodes: z.array(z.string()).default([]),
  /** Where the events came from (file paths / s3 keys), capped. */
  locations: z.array(z.string()).default([]),
  /** The numbers behind a statistical finding (anomalies): observed, baseline median, MAD, z-score, cost … */
  metrics: z.record(z.string(), z.number()).optional(),
});
export type Evidence = z.infer<typeof Evidence>;

/**
 * What a key or identity could cost: the models and regions it was seen invoking (or may invoke, from
 * posture data) and the most it could burn per day at the provider's default quotas.
 */
export const BlastRadius = z.object({
  models: z.array(z.string()),
  regions: z.array(z.string()),
  /** Upper bound in USD per day at default quotas; 0 when nothing reachable is priced. */
  maxUsdPerDay: z.number().nonnegative(),
  /** How the bound was computed (quota source, price basis, what was left out). */
  basis: z.string(),
});
export type BlastRadius = z.infer<typeof BlastRadius>;
export const EVIDENCE_EVENT_CAP = 50;
export const EVIDENCE_VALUE_CAP = 20;

export const Finding = z.object({
  /** Stable: hash of rule id and subject, so re-runs never duplicate. */
  id: z.string(),
  kind: FindingKind,
  ruleId: z.string(),
  title: z.string(),
  description: z.string().default(''),
  severity: Severity,
  status: FindingStatus.default('open'),
  /** What the finding is about: for detections, the identity (and key) that acted. */
  subject: z.object({
    kind: AssetKind,
    id: z.string(),
    label: z.string().optional(),
  }),
  assets: z.array(Asset).default([]),
  evidence: Evidence,
  firstSeen: z.string(),
  lastSeen: z.string(),
  count: z.number().int().nonnegative(),
  remediation: z.string().default(''),
  falsePositives: z.array(z.string()).default([]),
  references: z.array(z.string()).default([]),
  mappings: Mappings,
  /** For findings about an identity or key that invokes paid models: what it could cost. */
  blastRadius: BlastRadius.optional(),
});
export type Finding = z.infer<typeof Finding>;

/** The stable finding id: the first 32 hex chars of sha256(ruleId NUL subjectId). */
export function findingId(ruleId: string, subjectId: string): string {
  return createHash('sha256').update(ruleId).update('\0').update(subjectId).digest('hex').slice(0, 32);
}
