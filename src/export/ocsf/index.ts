/**
 * @module export/ocsf
 * Findings → OCSF Detection Finding events (class_uid 2004, category Findings), pinned to OCSF
 * 1.7.0, one object per finding; `OcsfDetectionFinding` is the zod schema of what we emit.
 *
 * Mapping, in short: activity Create; `time` and `end_time` = last seen, `start_time` = first seen
 * (ms); severity info/low/medium/high/critical → 1–5; status open/suppressed/resolved → New/
 * Suppressed/Resolved; `finding_info` carries the finding id, rule as `analytic` (Rule, or
 * Statistical for anomalies), ATT&CK/ATLAS `attacks` and the event ids as `related_events`;
 * `evidences` hold the actor, API operations, source addresses and user agents (one combined
 * evidence when each has at most one value, otherwise one per value, since the finding does not
 * say which went together); `resources` hold models, the account, the subject when it is not the
 * actor, and the finding's assets; the rest is in `unmapped`.
 */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { AssetKind, Finding, FindingKind, FindingStatus, Severity } from '../../domain/index.js';
import {
  checkContext,
  checkFindings,
  describeFinding,
  type ExportContext,
  epochMs,
  mitreTags,
  type RuleMeta,
  ruleFor,
  ruleLookup,
  ruleSourceText,
} from '../context.js';
import { attacksFromTags } from './mitre.js';
import {
  ACCOUNT_TYPE_CAPTIONS,
  ACTIVITY_CAPTIONS,
  ANALYTIC_TYPE_CAPTIONS,
  OCSF_VERSION,
  OcsfDetectionFinding,
  SEVERITY_CAPTIONS,
  STATUS_CAPTIONS,
} from './schema.js';

export { OCSF_VERSION, OcsfDetectionFinding };

const PRODUCT_NAME = 'Jackstop';
const VENDOR_NAME = 'Jackstop';

const CLASS = { category_uid: 2, category_name: 'Findings', class_uid: 2004, class_name: 'Detection Finding' } as const;
const ACTIVITY_CREATE = 1;

const SEVERITY_ID: Record<Severity, number> = { info: 1, low: 2, medium: 3, high: 4, critical: 5 };
const STATUS_ID: Record<FindingStatus, number> = { open: 1, suppressed: 3, resolved: 4 };
/** Anomalies come from baselines, everything else from rules or checks. */
const ANALYTIC_TYPE_ID: Record<FindingKind, number> = {
  detection: 1,
  anomaly: 3,
  posture: 1,
  vulnerability: 1,
  secret: 1,
  runtime: 1,
  redteam: 1,
};
const AWS_ACCOUNT_TYPE_ID = 10;
/** `resources[].type` by asset kind. */
const RESOURCE_TYPE: Record<AssetKind, string> = {
  account: 'Account',
  identity: 'Identity',
  'access-key': 'Access Key',
  model: 'AI Model',
  endpoint: 'Endpoint',
  bucket: 'Bucket',
  workload: 'Workload',
  image: 'Container Image',
  package: 'Package',
  cluster: 'Cluster',
  service: 'Service',
};

type Ocsf = OcsfDetectionFinding;
type Evidence = NonNullable<Ocsf['evidences']>[number];
type Resource = NonNullable<Ocsf['resources']>[number];
type User = NonNullable<Evidence['actor']>['user'];

/** One finding as an OCSF Detection Finding. */
export function toOcsf(finding: Finding, ctx: ExportContext): OcsfDetectionFinding {
  const context = checkContext(ctx);
  const [checked] = checkFindings([finding]);
  return ocsfFromChecked(checked!, context, ruleLookup(context.rules));
}

/** Every finding, checked once, with errors naming the finding's index in the list. */
export function toOcsfList(findings: readonly Finding[], ctx: ExportContext): OcsfDetectionFinding[] {
  const context = checkContext(ctx);
  const lookup = ruleLookup(context.rules);
  return checkFindings(findings).map((f) => ocsfFromChecked(f, context, lookup));
}

function ocsfFromChecked(f: Finding, ctx: ExportContext, lookup: Map<string, RuleMeta>): Ocsf {
  const rule = ruleFor(f, lookup);
  const first = epochMs(f.firstSeen);
  const last = epochMs(f.lastSeen);
  const severityId = SEVERITY_ID[f.severity];
  const statusId = STATUS_ID[f.status];
  const analyticTypeId = ANALYTIC_TYPE_ID[f.kind];
  const attacks = attacksFromTags(mitreTags(f, rule));
  const arn = parseArn(f.subject.id);
  const account = accountOf(f, arn);
  const actor = actorUser(f, account);
  const evidences = evidencesOf(f, actor);
  const resources = resourcesOf(f, account, arn);
  const description = f.description || rule.description;
  const remediation = f.remediation || rule.remediation;
  const references = f.references.length > 0 ? f.references : rule.references;

  return {
    activity_id: ACTIVITY_CREATE,
    activity_name: ACTIVITY_CAPTIONS[ACTIVITY_CREATE]!,
    ...CLASS,
    type_uid: CLASS.class_uid * 100 + ACTIVITY_CREATE,
    type_name: `${CLASS.class_name}: ${ACTIVITY_CAPTIONS[ACTIVITY_CREATE]}`,
    severity_id: severityId,
    severity: SEVERITY_CAPTIONS[severityId]!,
    status_id: statusId,
    status: STATUS_CAPTIONS[statusId]!,
    time: last,
    start_time: first,
    end_time: last,
    count: f.count,
    message: describeFinding(f),
    is_alert: f.status === 'open',
    metadata: {
      version: OCSF_VERSION,
      product: {
        name: PRODUCT_NAME,
        vendor_name: VENDOR_NAME,
        version: ctx.tool.version,
        ...(ctx.tool.informationUri ? { url_string: ctx.tool.informationUri } : {}),
      },
      uid: eventUid(f),
    },
    finding_info: {
      uid: f.id,
      title: f.title,
      ...(description ? { desc: description } : {}),
      types: [f.kind],
      first_seen_time: first,
      last_seen_time: last,
      analytic: {
        uid: f.ruleId,
        name: rule.title,
        ...(rule.description ? { desc: rule.description } : {}),
        type_id: analyticTypeId,
        type: ANALYTIC_TYPE_CAPTIONS[analyticTypeId]!,
      },
      ...(attacks.length > 0 ? { attacks } : {}),
      ...(f.evidence.eventIds.length > 0 ? { related_events: f.evidence.eventIds.map((uid) => ({ uid })) } : {}),
      related_events_count: f.count,
    },
    ...(evidences.length > 0 ? { evidences } : {}),
    ...(resources.length > 0 ? { resources } : {}),
    ...(remediation ? { remediation: { desc: remediation, ...(references.length > 0 ? { references } : {}) } } : {}),
    unmapped: unmappedOf(f, rule, actor !== undefined && f.subject.kind === 'identity'),
  };
}

/**
 * The OCSF event's own id: the same finding in the same state gets the same uid, so re-exports
 * deduplicate downstream while an update (new last-seen or count) is a new event.
 */
function eventUid(f: Finding): string {
  return createHash('sha256').update(`${f.id}\0${f.lastSeen}\0${f.count}`).digest('hex').slice(0, 32);
}

interface Arn {
  partition: string;
  account?: string;
}

function parseArn(id: string): Arn | undefined {
  const m = /^arn:([^:]+):[^:]*:[^:]*:(\d{12})?:/.exec(id);
  if (!m) return undefined;
  return { partition: m[1]!, ...(m[2] ? { account: m[2] } : {}) };
}

interface AccountRef {
  uid: string;
  name?: string;
  aws: boolean;
}

/** The cloud account: an `account` asset, else the account in the subject's ARN. */
function accountOf(f: Finding, arn: Arn | undefined): AccountRef | undefined {
  const asset = f.assets.find((a) => a.kind === 'account');
  if (asset) return { uid: asset.id, ...(asset.name ? { name: asset.name } : {}), aws: /^\d{12}$/.test(asset.id) };
  if (arn?.account) return { uid: arn.account, aws: arn.partition.startsWith('aws') };
  return undefined;
}

function accountObject(account: AccountRef): NonNullable<User['account']> {
  return {
    uid: account.uid,
    ...(account.aws ? { type_id: AWS_ACCOUNT_TYPE_ID, type: ACCOUNT_TYPE_CAPTIONS[AWS_ACCOUNT_TYPE_ID]! } : {}),
  };
}

/** The principal that acted, when the subject is one (an identity, or an access key of one). */
function actorUser(f: Finding, account: AccountRef | undefined): User | undefined {
  const { kind, id, label } = f.subject;
  const accountPart = account ? { account: accountObject(account) } : {};
  if (kind === 'identity') {
    return { uid: id, ...(label && label !== id ? { name: label } : {}), ...accountPart };
  }
  if (kind === 'access-key') {
    const identity = f.assets.find((a) => a.kind === 'identity');
    const user: User = {
      ...(identity ? { uid: identity.id } : {}),
      ...(label && label !== id ? { name: label } : identity?.name ? { name: identity.name } : {}),
      ...accountPart,
    };
    return user.uid || user.name || user.account ? user : undefined;
  }
  return undefined;
}

function endpoint(address: string): NonNullable<Evidence['src_endpoint']> {
  // CloudTrail puts a service name (`bedrock.amazonaws.com`) where a caller is an AWS service, and
  // anonymised logs keep IPv4 quads with leading zeros, which Node's isIP rejects.
  const ipLike = isIP(address) !== 0 || /^\d{1,3}(\.\d{1,3}){3}$/.test(address);
  return ipLike ? { ip: address } : { hostname: address };
}

function evidencesOf(f: Finding, actor: User | undefined): Evidence[] {
  const ev = f.evidence;
  const keys = f.subject.kind === 'access-key' ? [f.subject.id] : actor ? ev.accessKeyIds : [];
  const actorWith = (key?: string): Evidence['actor'] =>
    actor ? { user: { ...actor, ...(key ? { credential_uid: key } : {}) } } : undefined;

  const single = ev.eventNames.length <= 1 && ev.sourceIps.length <= 1 && ev.userAgents.length <= 1 && keys.length <= 1;
  if (single) {
    const [operation] = ev.eventNames;
    const [address] = ev.sourceIps;
    const [userAgent] = ev.userAgents;
    const evidenceActor = actorWith(keys[0]);
    const combined: Evidence = {
      name: 'activity',
      ...(evidenceActor ? { actor: evidenceActor } : {}),
      ...(operation ? { api: { operation } } : {}),
      ...(address ? { src_endpoint: endpoint(address) } : {}),
      ...(userAgent !== undefined ? { http_request: { user_agent: userAgent } } : {}),
    };
    if (combined.actor || combined.api || combined.src_endpoint) return [combined];
    // A user agent alone is not one of the artifacts OCSF's at_least_one constraint accepts.
    return userAgent !== undefined ? [{ ...combined, data: { user_agent: userAgent } }] : [];
  }

  const out: Evidence[] = [];
  if (actor) {
    if (keys.length === 0) out.push({ name: 'actor', actor: actorWith()! });
    for (const key of keys) out.push({ name: 'actor', actor: actorWith(key)! });
  }
  for (const operation of ev.eventNames) out.push({ name: 'api call', api: { operation } });
  for (const address of ev.sourceIps) out.push({ name: 'source address', src_endpoint: endpoint(address) });
  for (const userAgent of ev.userAgents) {
    const owner = actorWith();
    out.push({
      name: 'user agent',
      http_request: { user_agent: userAgent },
      ...(owner ? { actor: owner } : { data: { user_agent: userAgent } }),
    });
  }
  return out;
}

function resourcesOf(f: Finding, account: AccountRef | undefined, arn: Arn | undefined): Resource[] {
  const byUid = new Map<string, Resource>();
  const add = (r: Resource) => {
    if (!byUid.has(r.uid)) byUid.set(r.uid, r);
  };
  const region = f.evidence.regions.length === 1 ? { region: f.evidence.regions[0]! } : {};
  const { kind, id, label } = f.subject;
  if (kind !== 'identity' && kind !== 'access-key') {
    add({ uid: id, ...(label ? { name: label } : {}), type: RESOURCE_TYPE[kind] });
  }
  for (const model of f.evidence.models) add({ uid: model, name: model, type: RESOURCE_TYPE.model, ...region });
  if (account) {
    add({
      uid: account.uid,
      ...(account.name ? { name: account.name } : {}),
      type: RESOURCE_TYPE.account,
      ...(arn && account.uid === arn.account ? { cloud_partition: arn.partition } : {}),
    });
  }
  for (const asset of f.assets) {
    add({
      uid: asset.id,
      ...(asset.name ? { name: asset.name } : {}),
      type: RESOURCE_TYPE[asset.kind],
      ...(Object.keys(asset.attributes).length > 0 ? { data: asset.attributes } : {}),
    });
  }
  return [...byUid.values()];
}

function unmappedOf(f: Finding, rule: RuleMeta, keysInEvidence: boolean): Ocsf['unmapped'] {
  const list = (values: readonly string[]) => (values.length > 0 ? [...values] : undefined);
  const entries = {
    kind: f.kind,
    subject: { kind: f.subject.kind, id: f.subject.id, ...(f.subject.label ? { label: f.subject.label } : {}) },
    regions: list(f.evidence.regions),
    access_key_ids: keysInEvidence ? undefined : list(f.evidence.accessKeyIds),
    error_codes: list(f.evidence.errorCodes),
    locations: list(f.evidence.locations),
    false_positives: list(f.falsePositives.length > 0 ? f.falsePositives : rule.falsePositives),
    references: list(f.references.length > 0 ? f.references : rule.references),
    owasp_llm: list(f.mappings.owaspLlm),
    other_mappings: list(f.mappings.other),
    rule_source: ruleSourceText(rule),
  };
  // Drop absent entries so the JSON has no `undefined` holes to trip strict consumers.
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined)) as Ocsf['unmapped'];
}
