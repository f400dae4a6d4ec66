/**
 * How detection throughput scales with the number of loaded rules. Generates the realistic CloudTrail
 * mix (`realistic-mix.ts`, seed 1; `JACKSTOP_BENCH_SCALING_EVENTS`, default 500,000) as one NDJSON file,
 * then generates 1,000 seeded Sigma rules shaped like real pack rules (below) and runs the one-thread
 * detect pass (`scanLogs` + `Detector`, prefilter on, no usage) with the first 0, 10, 100 and 1,000 of
 * them, each in its own process (peak RSS via /usr/bin/time). 0 rules is the reading floor: the
 * prefilter then skips every record but the few with non-ASCII text or JSON escapes. Prints events/s, µs per event, the share of records parsed (not
 * skipped by the prefilter), peak RSS and the per-event cost relative to 10 rules, and whether that
 * cost grows sub-linearly from 10 to 1,000 rules.
 *
 *   node --expose-gc dist/bench/scaling.bench.js
 *   node --expose-gc dist/bench/scaling.bench.js --child <rules> <ndjson> [rules.yml]   (one measurement)
 *
 * The rules are selective, as real pack rules are: 80% watch event names (or user agents, prefixes)
 * that never occur in the mix, 20% take names, sources, user-agent tokens and request parameters from
 * the first 50,000 records of the mix, restricted to event names of at most 1% of the records. Shapes:
 * `eventSource` + `eventName` list (the most common), `eventName|startswith` + `errorCode`,
 * `userAgent|contains`, `requestParameters.<field>|contains`, `sourceIPAddress|cidr` + `eventName`,
 * `userIdentity.type` + `eventName`, `selection and not filter`, `1 of selection_*`. Every generated
 * rule must parse and compile, or the run fails. The same event count gives the same file and rules.
 *
 * `JACKSTOP_BENCH_SCALING_RULES=10,100,1000` (the counts; 0 always runs), `JACKSTOP_BENCH_SCALING_RUNS`
 * (default 1; the fastest run of each count is kept), `JACKSTOP_BENCH_KEEP=1` keeps the temp dir. Node
 * flags given to this process (e.g. `--cpu-prof`) are passed on to the measured processes.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { compileRule, Detector, parseSigma, RuleSet, type SigmaRule } from '../src/detect/index.js';
import { scanLogs } from '../src/scan/index.js';
import type { ReadProgress } from '../src/sources/index.js';
import { attackRecords, rng, uuid } from './cloudtrail-mix.js';
import { realisticCloudTrailMix, SECURITY_EVENT_NAMES, serializeRecord } from './realistic-mix.js';

type Rand = () => number;
const out = (line = '') => process.stdout.write(`${line}\n`);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------
// Child: one measurement

/** What one measured process reports (one JSON line on stdout). */
interface ChildResult {
  rules: number;
  literals: number;
  unanchored: number;
  /** Rules without an exact-match constraint to index them by: checked against every parsed record. */
  unindexed: number;
  events: number;
  parsed: number;
  skipped: number;
  badInputs: number;
  matchedEvents: number;
  findings: number;
  rulesFired: number;
  /** Events matched by the rule that matched the most, distinct per rule. */
  busiestRule: number;
  loadSecs: number;
  secs: number;
}

/** The rules of a generated YAML file; throws on any rule that does not parse. */
function parseRules(text: string): SigmaRule[] {
  const rules: SigmaRule[] = [];
  for (const [i, r] of parseSigma(text).entries()) {
    if (!r.ok) throw new Error(`generated rule #${i} does not parse: ${r.error.message}`);
    rules.push(r.rule);
  }
  return rules;
}

async function child(n: number, file: string, rulesFile: string | undefined): Promise<void> {
  const t0 = process.hrtime.bigint();
  const rules = rulesFile ? parseRules(readFileSync(rulesFile, 'utf8')) : [];
  if (rules.length !== n) throw new Error(`expected ${n} rules, ${rulesFile} holds ${rules.length}`);
  const detector = new Detector(rules);
  if (detector.compileErrors.length) throw detector.compileErrors[0];
  const prefilter = detector.prefilter();
  const loadSecs = Number(process.hrtime.bigint() - t0) / 1e9;
  (globalThis as { gc?: () => void }).gc?.();
  let last: ReadProgress | undefined;
  let badInputs = 0;
  const t1 = process.hrtime.bigint();
  await scanLogs({
    inputs: [file],
    cwd: process.cwd(),
    io: {},
    onBadInput: () => {
      badInputs++;
    },
    onProgress: (p) => {
      last = p;
    },
    detector,
  });
  const findings = detector.results();
  const secs = Number(process.hrtime.bigint() - t1) / 1e9;
  const unindexed = new RuleSet(rules.flatMap((r) => (r.kind === 'detection' ? [compileRule(r)] : []))).index
    .alwaysChecked;
  const perRule = new Map<string, number>();
  for (const { finding } of findings) perRule.set(finding.ruleId, (perRule.get(finding.ruleId) ?? 0) + finding.count);
  const result: ChildResult = {
    rules: detector.ruleCount,
    literals: prefilter.literals.length,
    unanchored: prefilter.unanchored.length,
    unindexed,
    events: detector.stats.events,
    parsed: last?.records ?? 0,
    skipped: last?.skipped ?? 0,
    badInputs,
    matchedEvents: detector.stats.matchedEvents,
    findings: findings.length,
    rulesFired: perRule.size,
    busiestRule: Math.max(0, ...perRule.values()),
    loadSecs,
    secs,
  };
  out(JSON.stringify(result));
}

// ---------------------------------------------------------------------------------------------
// The input, and the vocabulary of the mix the rules draw from

/** Records the vocabulary is collected from. */
const VOCAB_RECORDS = 50_000;
/** Event names of more than this share of the sampled records are not used by "real" rules. */
const MAX_NAME_SHARE = 0.01;

interface Vocab {
  sampled: number;
  /** eventSource → eventName → records (first VOCAB_RECORDS). */
  names: Map<string, Map<string, number>>;
  /** Every event name and source in the whole file: invented ones must not be among them. */
  allNames: Set<string>;
  allSources: Set<string>;
  /** Lower-cased user agents seen (first VOCAB_RECORDS). */
  agents: Set<string>;
  /** User-agent tokens → records. */
  agentTokens: Map<string, number>;
  /** (source, name, requestParameters field, token of its value), first VOCAB_RECORDS. */
  params: { source: string; name: string; field: string; token: string }[];
  errorCodes: Map<string, number>;
}

interface Input {
  file: string;
  events: number;
  bytes: number;
  vocab: Vocab;
}

const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

function collect(v: Vocab, rec: Record<string, unknown>): void {
  const source = String(rec.eventSource);
  const name = String(rec.eventName);
  let names = v.names.get(source);
  if (!names) {
    names = new Map();
    v.names.set(source, names);
  }
  bump(names, name);
  if (typeof rec.errorCode === 'string') bump(v.errorCodes, rec.errorCode);
  if (typeof rec.userAgent === 'string') {
    const ua = rec.userAgent.toLowerCase();
    v.agents.add(ua);
    for (const t of new Set(ua.split(/[\s/()[\];,+#]+/))) {
      if (/^[a-z][a-z-]{3,}[a-z0-9]$/.test(t) && !t.includes('amazonaws')) bump(v.agentTokens, t);
    }
  }
  const params = rec.requestParameters;
  if (params && typeof params === 'object' && v.params.length < 20_000) {
    for (const [field, value] of Object.entries(params as Record<string, unknown>)) {
      if (typeof value !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(field)) continue;
      const tokens = value.split(/[^A-Za-z0-9-]+/).filter((t) => t.length >= 4 && /[A-Za-z]/.test(t));
      const token = tokens[tokens.length - 1];
      if (token) v.params.push({ source, name, field, token });
    }
  }
}

/** Writes the NDJSON file in one pass over the generator, collecting the vocabulary as it goes. */
async function generate(dir: string, total: number): Promise<Input> {
  const file = join(dir, 'mix.ndjson');
  const vocab: Vocab = {
    sampled: 0,
    names: new Map(),
    allNames: new Set(),
    allSources: new Set(),
    agents: new Set(),
    agentTokens: new Map(),
    params: [],
    errorCodes: new Map(),
  };
  const stream = createWriteStream(file);
  const escapes = rng(2);
  let buf = '';
  let events = 0;
  for (const rec of realisticCloudTrailMix({ total, seed: 1, invocations: 500 })) {
    events++;
    vocab.allNames.add(String(rec.eventName));
    vocab.allSources.add(String(rec.eventSource));
    if (vocab.sampled < VOCAB_RECORDS) {
      vocab.sampled++;
      collect(vocab, rec);
    }
    buf += `${serializeRecord(rec, escapes)}\n`;
    if (buf.length > 1 << 20) {
      if (!stream.write(buf)) await new Promise<void>((r) => stream.once('drain', () => r()));
      buf = '';
    }
  }
  stream.end(buf);
  await finished(stream);
  return { file, events, bytes: statSync(file).size, vocab };
}

// ---------------------------------------------------------------------------------------------
// Rule generation

const VERBS = [
  'Create',
  'Delete',
  'Put',
  'Update',
  'Disable',
  'Enable',
  'Modify',
  'Attach',
  'Detach',
  'Stop',
  'Start',
  'Export',
  'Import',
  'Restore',
  'Reset',
  'Revoke',
  'Authorize',
  'Associate',
  'Disassociate',
  'Register',
  'Deregister',
  'Replace',
  'Purge',
  'Rotate',
  'Cancel',
  'Accept',
  'Reject',
  'Share',
  'Unshare',
  'Transfer',
];
const NOUNS = [
  'Trail',
  'Detector',
  'AccessKey',
  'LoginProfile',
  'UserPolicy',
  'RolePolicy',
  'GroupPolicy',
  'BucketPolicy',
  'BucketAcl',
  'BucketReplication',
  'PublicAccessBlock',
  'KeyPolicy',
  'Grant',
  'Alias',
  'SecurityGroupEgress',
  'FlowLogs',
  'VpcPeeringConnection',
  'SnapshotAttribute',
  'ImageAttribute',
  'DBSnapshotAttribute',
  'DBClusterSnapshot',
  'SecretPolicy',
  'ResourcePolicy',
  'ParameterPolicy',
  'FunctionUrlConfig',
  'LayerVersionPermission',
  'EventSelectors',
  'InsightSelectors',
  'ConfigurationRecorder',
  'DeliveryChannel',
  'ConformancePack',
  'OrganizationConfigRule',
  'Member',
  'InvitationFilter',
  'Findings',
  'Guardrail',
  'GuardrailVersion',
  'ModelInvocationLoggingConfiguration',
  'ProvisionedModelThroughput',
  'FoundationModelAgreement',
  'ModelCustomizationJob',
  'ModelImportJob',
  'InferenceProfile',
  'KnowledgeBase',
  'AgentActionGroup',
  'AgentAlias',
  'DataSource',
  'ServiceSpecificCredential',
  'SAMLProvider',
  'OpenIDConnectProvider',
  'VirtualMFADevice',
  'MFADevice',
  'SSHPublicKey',
  'SigningCertificate',
  'AccountPasswordPolicy',
  'InstanceProfile',
  'LaunchTemplate',
  'SpotFleetRequest',
  'TransitGateway',
  'VpnConnection',
  'CustomerGateway',
  'HostedZone',
  'ResolverRule',
  'Certificate',
  'Repository',
  'RepositoryPolicy',
  'LifecyclePolicy',
  'Nodegroup',
  'AccessEntry',
  'Stack',
  'StackSet',
  'Workgroup',
  'DataCatalog',
  'Crawler',
  'NotebookInstance',
  'EndpointConfig',
  'UserProfile',
  'Pipeline',
];
/** Services pack rules watch that the mix does not hold (filtered against the file). */
const OTHER_SOURCES = [
  'organizations.amazonaws.com',
  'access-analyzer.amazonaws.com',
  'securityhub.amazonaws.com',
  'bedrock-agent.amazonaws.com',
  'glue.amazonaws.com',
  'athena.amazonaws.com',
  'cloudformation.amazonaws.com',
  'inspector2.amazonaws.com',
  'macie2.amazonaws.com',
  'sso.amazonaws.com',
  'identitystore.amazonaws.com',
  'ram.amazonaws.com',
];
/** Offensive tools' user agents (filtered against the agents of the mix). */
const TOOL_AGENTS = [
  'pacu',
  'kali',
  'parrot',
  'stratus-red-team',
  'scoutsuite',
  'cloudfox',
  'trufflehog',
  'weirdaal',
  's3scanner',
  'cloudsploit',
  'endgame',
  'aws-enumerator',
  'cloudbrute',
  'nuclei',
  'sqlmap',
  'masscan',
  'cloudmapper',
  'enumerate-iam',
];
const PARAM_FIELDS = ['policyArn', 'policyName', 'roleName', 'userName', 'groupName', 'bucketName', 'modelId', 'name'];
const PARAM_TOKENS = [
  'AdministratorAccess',
  'AWSCompromisedKeyQuarantine',
  'FullAccess',
  'PowerUserAccess',
  'backdoor',
  'exfil',
  'persistence',
  'anthropic',
  'claude-3-opus',
];
/**
 * Prefixes "real" `eventName|startswith` rules use: verbs that change things, as pack rules watch. Not
 * Get/List/Describe: a short read-verb literal such as `get` is in a third of the records' text and
 * would switch most of the prefilter off by itself.
 */
const WRITE_VERBS = new Set([
  'Delete',
  'Create',
  'Update',
  'Modify',
  'Attach',
  'Detach',
  'Remove',
  'Stop',
  'Disable',
  'Revoke',
  'Reset',
  'Terminate',
  'Deregister',
]);
const DENIED = ['AccessDenied', 'AccessDeniedException', 'Client.UnauthorizedOperation', 'AuthorizationError'];
const CIDRS_PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];
const CIDRS_EXTERNAL = ['185.220.100.0/22', '194.48.248.0/24', '45.155.205.0/24', '103.251.167.0/24', '83.7.128.0/17'];
const IDENTITY_TYPES = ['IAMUser', 'Root', 'FederatedUser', 'WebIdentityUser', 'SAMLUser'];
const LEVELS = ['informational', 'low', 'medium', 'high', 'critical'];
const TAGS = [
  'attack.persistence',
  'attack.privilege-escalation',
  'attack.defense-evasion',
  'attack.credential-access',
  'attack.discovery',
  'attack.exfiltration',
  'attack.impact',
];

/** The shapes, one block of ten: every 10 consecutive rules hold each in this proportion. */
const SHAPES = [
  'api',
  'api',
  'api',
  'prefixError',
  'agent',
  'params',
  'cidr',
  'identity',
  'notFilter',
  'oneOf',
] as const;
type Shape = (typeof SHAPES)[number];
/** Of every 10 rules, this many draw from the mix's vocabulary (the rest watch what never occurs). */
const REAL_PER_BLOCK = 2;

function pick<T>(r: Rand, xs: readonly T[]): T {
  if (xs.length === 0) throw new Error('nothing to pick from');
  return xs[Math.floor(r() * xs.length)]!;
}

function pickSome<T>(r: Rand, xs: readonly T[], min: number, max: number): T[] {
  const n = Math.min(xs.length, min + Math.floor(r() * (max - min + 1)));
  const pool = [...xs];
  const outList: T[] = [];
  while (outList.length < n) outList.push(pool.splice(Math.floor(r() * pool.length), 1)[0]!);
  return outList;
}

function shuffle<T>(r: Rand, xs: readonly T[]): T[] {
  return pickSome(r, xs, xs.length, xs.length);
}

/** A YAML field line (and list) at `indent`; values are JSON strings, which YAML reads as double-quoted. */
function field(indent: string, key: string, values: string | readonly string[]): string {
  if (typeof values === 'string') return `${indent}${key}: ${JSON.stringify(values)}\n`;
  if (values.length === 1) return `${indent}${key}: ${JSON.stringify(values[0])}\n`;
  return `${indent}${key}:\n${values.map((v) => `${indent}  - ${JSON.stringify(v)}\n`).join('')}`;
}

type Selection = [key: string, values: string | readonly string[]][];

/** The vocabulary rules draw from: real parts of the mix, and invented ones that never occur in it. */
class RuleVocabulary {
  /** Sources with event names of at most MAX_NAME_SHARE of the records, and those names. */
  readonly realNames = new Map<string, string[]>();
  /** Per source: write-verb prefixes (WRITE_VERBS) of its names, covering at most 2% of the records. */
  readonly realPrefixes = new Map<string, string[]>();
  readonly realSources: string[];
  readonly otherSources: string[];
  readonly agentTokens: string[];
  readonly toolAgents: string[];
  readonly params: Vocab['params'];
  readonly errorCodes: string[];
  /** Event names of the file, and those the mix may produce (security-relevant, the intrusion's): invented names are none of them. */
  readonly known: ReadonlySet<string>;
  /** The current rule's random numbers (each rule draws from its own generator). */
  r: Rand = rng(0);

  constructor(readonly v: Vocab) {
    const intrusion = attackRecords(rng(1), new Date('2026-11-20T12:00:00Z'), 1).map((x) => String(x.eventName));
    this.known = new Set([...v.allNames, ...SECURITY_EVENT_NAMES, ...intrusion]);
    for (const [source, names] of v.names) {
      const rare = [...names].filter(([, n]) => n / v.sampled <= MAX_NAME_SHARE).map(([name]) => name);
      if (rare.length) this.realNames.set(source, rare.sort());
      const prefixes = new Map<string, number>();
      for (const [name, n] of names) {
        const p = /^[A-Z][a-z]+/.exec(name)?.[0];
        if (p && WRITE_VERBS.has(p)) prefixes.set(p, (prefixes.get(p) ?? 0) + n);
      }
      const ok = [...prefixes].filter(([, n]) => n / v.sampled <= 0.02).map(([p]) => p);
      if (ok.length) this.realPrefixes.set(source, ok.sort());
    }
    this.realSources = [...this.realNames.keys()].sort();
    this.otherSources = OTHER_SOURCES.filter((s) => !v.allSources.has(s));
    // Tokens of 0.2-30% of the records: common enough to meet, not a token of every agent.
    this.agentTokens = [...v.agentTokens]
      .filter(([, n]) => n / v.sampled >= 0.002 && n / v.sampled <= 0.3)
      .map(([t]) => t)
      .sort();
    const agents = [...v.agents];
    this.toolAgents = TOOL_AGENTS.filter((t) => !agents.some((a) => a.includes(t)));
    const eligible = (source: string, name: string) => this.realNames.get(source)?.includes(name) ?? false;
    this.params = v.params.filter((p) => eligible(p.source, p.name));
    this.errorCodes = [...v.errorCodes.keys()].sort();
    for (const [what, list] of [
      ['real event names', this.realSources],
      ['user-agent tokens', this.agentTokens],
      ['tool user agents', this.toolAgents],
      ['request parameters', this.params],
      ['error codes', this.errorCodes],
    ] as const) {
      if (list.length === 0) throw new Error(`the mix yields no ${what} to build rules from`);
    }
  }

  /** An event name that never occurs in the mix. */
  inventedName(): string {
    for (;;) {
      const name = pick(this.r, VERBS) + pick(this.r, NOUNS);
      if (!this.known.has(name)) return name;
    }
  }

  /** A prefix no event name of the mix starts with. */
  inventedPrefix(): string {
    for (;;) {
      const prefix = this.inventedName();
      if (![...this.known].some((n) => n.startsWith(prefix))) return prefix;
    }
  }

  /** `eventSource` and `eventName` values: real ones from the mix, or names that never occur. */
  api(real: boolean, min = 1, max = 4): { source: string; names: string[] } {
    if (real) {
      const source = pick(this.r, this.realSources);
      return { source, names: pickSome(this.r, this.realNames.get(source)!, min, max) };
    }
    const source = this.r() < 0.3 ? pick(this.r, this.otherSources) : pick(this.r, this.realSources);
    const names = new Set<string>();
    const n = min + Math.floor(this.r() * (max - min + 1));
    while (names.size < n) names.add(this.inventedName());
    return { source, names: [...names] };
  }

  /** `eventSource` + `eventName|startswith` + `errorCode`: denied attempts at a family of calls. */
  prefixError(real: boolean): Selection {
    let source: string;
    let prefix: string;
    if (real) {
      const sources = this.realSources.filter((s) => this.realPrefixes.has(s));
      source = pick(this.r, sources);
      prefix = pick(this.r, this.realPrefixes.get(source)!);
    } else {
      source = this.api(false).source;
      prefix = this.inventedPrefix();
    }
    const codes = this.r() < 0.7 ? pickSome(this.r, DENIED, 1, 3) : pickSome(this.r, this.errorCodes, 1, 3);
    return [
      ['eventSource', source],
      ['eventName|startswith', prefix],
      ['errorCode', codes],
    ];
  }
}

interface GeneratedRule {
  shape: Shape;
  real: boolean;
  text: string;
}

function ruleText(
  i: number,
  r: Rand,
  shape: Shape,
  real: boolean,
  what: string,
  detection: [name: string, sel: Selection][],
  condition: string,
): string {
  let det = '';
  for (const [name, sel] of detection) {
    det += `  ${name}:\n`;
    for (const [key, values] of sel) det += field('    ', key, values);
  }
  const tags = pickSome(r, TAGS, 1, 2)
    .map((t) => `  - ${t}\n`)
    .join('');
  return (
    `title: ${JSON.stringify(`Scaling bench rule ${i + 1}: ${what}`)}\n` +
    `id: ${uuid(r)}\n` +
    'status: experimental\n' +
    `description: ${JSON.stringify(`Generated (${shape}, ${real ? 'vocabulary of the mix' : 'never occurs in the mix'}).`)}\n` +
    'author: jackstop scaling bench\n' +
    'date: "2026-11-23"\n' +
    `tags:\n${tags}` +
    'logsource:\n  product: aws\n  service: cloudtrail\n' +
    `detection:\n${det}  condition: ${condition}\n` +
    `level: ${pick(r, LEVELS)}\n`
  );
}

function generateRule(i: number, shape: Shape, real: boolean, voc: RuleVocabulary): GeneratedRule {
  const r = voc.r;
  const sel = (api: { source: string; names: string[] }): Selection => [
    ['eventSource', api.source],
    ['eventName', api.names],
  ];
  let detection: [string, Selection][];
  let condition = 'selection';
  let what: string;
  switch (shape) {
    case 'api': {
      const api = voc.api(real);
      detection = [['selection', sel(api)]];
      what = `${api.names.join(', ')} on ${api.source}`;
      break;
    }
    case 'prefixError': {
      const s = voc.prefixError(real);
      detection = [['selection', s]];
      what = `denied ${String(s[1]![1])}* on ${String(s[0]![1])}`;
      break;
    }
    case 'agent': {
      if (real) {
        const api = voc.api(true);
        const token = pick(r, voc.agentTokens);
        detection = [['selection', [...sel(api), ['userAgent|contains', token]]]];
        what = `${api.names.join(', ')} from ${token}`;
      } else {
        const tools = pickSome(r, voc.toolAgents, 1, 4);
        detection = [['selection', [['userAgent|contains', tools]]]];
        what = `offensive tool user agent ${tools.join(', ')}`;
      }
      break;
    }
    case 'params': {
      let s: Selection;
      if (real) {
        const p = pick(r, voc.params);
        s = [
          ['eventSource', p.source],
          ['eventName', p.name],
          [`requestParameters.${p.field}|contains`, p.token],
        ];
        what = `${p.name} with ${p.field} ~ ${p.token}`;
      } else {
        const api = voc.api(false, 1, 3);
        const f = pick(r, PARAM_FIELDS);
        const tokens = pickSome(r, PARAM_TOKENS, 1, 2);
        s = [...sel(api), [`requestParameters.${f}|contains`, tokens]];
        what = `${api.names.join(', ')} with ${f} ~ ${tokens.join(', ')}`;
      }
      detection = [['selection', s]];
      break;
    }
    case 'cidr': {
      const api = voc.api(real);
      const cidrs = real ? pickSome(r, CIDRS_PRIVATE, 1, 2) : pickSome(r, CIDRS_EXTERNAL, 1, 2);
      detection = [['selection', [...sel(api), ['sourceIPAddress|cidr', cidrs]]]];
      what = `${api.names.join(', ')} from ${cidrs.join(', ')}`;
      break;
    }
    case 'identity': {
      const api = voc.api(real);
      const type = pick(r, IDENTITY_TYPES);
      detection = [['selection', [['userIdentity.type', type], ...sel(api)]]];
      what = `${type} calling ${api.names.join(', ')}`;
      break;
    }
    case 'notFilter': {
      const api = voc.api(real);
      const kind = Math.floor(r() * 3);
      const filter: Selection =
        kind === 0
          ? [['userIdentity.type', 'AWSService']]
          : kind === 1
            ? [['userAgent|contains', pickSome(r, voc.agentTokens, 1, 2)]]
            : [['sourceIPAddress|cidr', pick(r, CIDRS_PRIVATE)]];
      detection = [
        ['selection', sel(api)],
        ['filter_expected', filter],
      ];
      condition = 'selection and not filter_expected';
      what = `${api.names.join(', ')} not from the expected callers`;
      break;
    }
    case 'oneOf': {
      const api = voc.api(real, 1, 3);
      detection = [
        ['selection_api', sel(api)],
        ['selection_denied', voc.prefixError(real)],
      ];
      condition = '1 of selection_*';
      what = `${api.names.join(', ')} or denied attempts`;
      break;
    }
  }
  return { shape, real, text: ruleText(i, r, shape, real, what, detection, condition) };
}

/**
 * `count` rules, seeded: shapes and real/invented are balanced in every block of ten, and each rule
 * draws from its own generator, so the first n rules are the same whatever `count` is.
 */
function generateRules(count: number, vocab: Vocab): GeneratedRule[] {
  const voc = new RuleVocabulary(vocab);
  const rules: GeneratedRule[] = [];
  for (let block = 0; rules.length < count; block++) {
    const r = rng((0x5ca1e + Math.imul(block, 0x9e3779b1)) >>> 0);
    const shapes = shuffle(r, SHAPES);
    const real = shuffle(
      r,
      SHAPES.map((_, k) => k < REAL_PER_BLOCK),
    );
    for (let k = 0; k < SHAPES.length && rules.length < count; k++) {
      voc.r = rng((0xb3e7c4 + Math.imul(rules.length + 1, 0x85ebca6b)) >>> 0);
      rules.push(generateRule(rules.length, shapes[k]!, real[k]!, voc));
    }
  }
  return rules;
}

/** Every rule must parse on its own and the set must compile, or the benchmark measures something else. */
function validate(rules: readonly GeneratedRule[]): void {
  const parsed: SigmaRule[] = [];
  for (const [i, g] of rules.entries()) {
    const results = parseSigma(g.text);
    const r = results[0];
    if (results.length !== 1 || !r?.ok || r.rule.kind !== 'detection') {
      const why = r && !r.ok ? r.error.message : `${results.length} results`;
      throw new Error(`generated rule #${i + 1} (${g.shape}) is invalid: ${why}\n${g.text}`);
    }
    parsed.push(r.rule);
  }
  const detector = new Detector(parsed);
  if (detector.compileErrors.length) {
    throw new Error(`generated rules do not compile: ${detector.compileErrors.map((e) => e.message).join('; ')}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Parent: the runs and the table

interface Run extends ChildResult {
  rssMb: number;
}

function measure(dir: string, n: number, file: string, rulesFile: string | undefined): Run {
  const rssFile = join(dir, 'rss.txt');
  const self = fileURLToPath(import.meta.url);
  const args = [...process.execArgv, self, '--child', String(n), file, ...(rulesFile ? [rulesFile] : [])];
  const res = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, process.execPath, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (res.status !== 0) throw new Error(`the run with ${n} rules failed (${res.status}): ${res.stdout?.slice(-2000)}`);
  const rssMb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024;
  const last = res.stdout.trim().split('\n').pop() ?? '';
  return { ...(JSON.parse(last) as ChildResult), rssMb };
}

async function main(): Promise<void> {
  const total = Number(process.env.JACKSTOP_BENCH_SCALING_EVENTS ?? 500_000);
  const counts = [
    0,
    ...(process.env.JACKSTOP_BENCH_SCALING_RULES ?? '10,100,1000')
      .split(',')
      .map(Number)
      .filter((n) => n > 0),
  ];
  const runs = Math.max(1, Number(process.env.JACKSTOP_BENCH_SCALING_RUNS ?? 1));
  const dir = mkdtempSync(join(tmpdir(), 'jackstop-bench-scaling-'));
  try {
    const t0 = Date.now();
    const input = await generate(dir, total);
    const maxRules = Math.max(...counts);
    const rules = generateRules(maxRules, input.vocab);
    validate(rules);
    out(
      `generated ${fmt(input.events)} events and ${fmt(rules.length)} rules in ${((Date.now() - t0) / 1000).toFixed(1)}s in ${dir}`,
    );
    const results: Run[] = [];
    for (const n of counts) {
      let rulesFile: string | undefined;
      if (n > 0) {
        rulesFile = join(dir, `rules-${n}.yml`);
        writeFileSync(
          rulesFile,
          rules
            .slice(0, n)
            .map((g) => g.text)
            .join('---\n'),
        );
      }
      let best: Run | undefined;
      for (let k = 0; k < runs; k++) {
        const run = measure(dir, n, input.file, rulesFile);
        if (run.events !== input.events)
          throw new Error(`the run with ${n} rules saw ${run.events} events, wrote ${input.events}`);
        if (run.badInputs > 0) throw new Error(`the run with ${n} rules reported ${run.badInputs} bad inputs`);
        if (run.parsed + run.skipped !== run.events) {
          throw new Error(`the run with ${n} rules: ${run.parsed} parsed + ${run.skipped} skipped != ${run.events}`);
        }
        if (!best || run.secs < best.secs) best = { ...run, rssMb: Math.max(run.rssMb, best?.rssMb ?? 0) };
        else best.rssMb = Math.max(best.rssMb, run.rssMb);
      }
      results.push(best!);
    }

    out();
    out(
      `scaling with rule count: ${fmt(input.events)} realistic CloudTrail events (NDJSON, ${fmt(input.bytes / 1e6)} MB), one thread` +
        (runs > 1 ? `, fastest of ${runs} runs` : ''),
    );
    const base = results.find((x) => x.rules > 0);
    out(
      'rules  literals  unanch.  unindexed   events/s  µs/event  parsed  matched  findings  peak RSS MB  load ms' +
        (base ? `  cost vs ${base.rules} rules` : ''),
    );
    const us = (x: Run) => (x.secs * 1e6) / x.events;
    const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(n > 0 && n < of / 1000 ? 3 : 1)}%`;
    for (const x of results) {
      const cost = x.rules === 0 || !base ? '-' : `×${(us(x) / us(base)).toFixed(2)}`;
      out(
        [
          String(x.rules).padStart(5),
          String(x.literals).padStart(9),
          String(x.unanchored).padStart(8),
          String(x.unindexed).padStart(11),
          fmt(x.events / x.secs).padStart(10),
          us(x).toFixed(2).padStart(9),
          pct(x.parsed, x.events).padStart(7),
          pct(x.matchedEvents, x.events).padStart(8),
          fmt(x.findings).padStart(9),
          x.rssMb.toFixed(0).padStart(12),
          (x.loadSecs * 1000).toFixed(0).padStart(8),
          cost.padStart(17),
        ].join(''),
      );
    }
    out(
      '(µs/event: the scan of the whole file, read + prefilter + parse + match + aggregate, without process start and rule loading;\n' +
        ' parsed: records the prefilter let through to JSON.parse; matched: records at least one rule matched;\n' +
        ' literals: prefilter literals of the rule set; unanch.: rules without a literal anchor, any of which turns the prefilter off;\n' +
        ' unindexed: rules with no exact-match constraint to index (e.g. only userAgent|contains), checked against every parsed record)',
    );
    const real = rules.filter((g) => g.real).length;
    const top = results[results.length - 1]!;
    out(
      `the rules are selective, as real pack rules are: ${pct(rules.length - real, rules.length)} of the ${fmt(rules.length)} watch event names, prefixes or user agents that never occur in the mix, ` +
        `the others rare names of it (<= ${100 * MAX_NAME_SHARE}% of records each); with ${fmt(top.rules)} rules, ${fmt(top.rulesFired)} fired and the busiest matched ${pct(top.busiestRule, input.events)} of the events`,
    );
    if (base && top !== base) {
      const ratio = us(top) / us(base);
      const scale = top.rules / base.rules;
      const verdict =
        ratio < scale / 4
          ? 'sub-linear'
          : ratio < scale
            ? 'sub-linear, but steeply'
            : 'NOT sub-linear (linear or worse)';
      out(
        `per-event cost from ${fmt(base.rules)} to ${fmt(top.rules)} rules: ×${ratio.toFixed(2)} for ×${fmt(scale)} the rules — ${verdict}`,
      );
      const floor = results[0]!;
      if (floor.rules === 0) {
        const above = (x: Run) => us(x) - us(floor);
        out(
          `above the 0-rule reading floor (${us(floor).toFixed(2)} µs/event): ${above(base).toFixed(2)} µs/event with ${fmt(base.rules)} rules, ` +
            `${above(top).toFixed(2)} with ${fmt(top.rules)} (×${(above(top) / Math.max(above(base), 1e-9)).toFixed(1)})`,
        );
      }
    }
  } finally {
    if (process.env.JACKSTOP_BENCH_KEEP === '1') out(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

const argv = process.argv.slice(2);
if (argv[0] === '--child') {
  const [, n, file, rulesFile] = argv;
  if (n === undefined || !file) throw new Error('usage: scaling.bench.js --child <rules> <ndjson> [rules.yml]');
  await child(Number(n), file, rulesFile);
} else {
  await main();
}
