/**
 * A realistic, seeded CloudTrail mix for the throughput benchmark: who calls (assumed roles, AWS
 * services, CI users with long-term keys, federated and web-identity users, other accounts,
 * anonymous S3 readers, rarely root), which services and APIs (about 25 services, S3/KMS/STS/EC2 in
 * front), with errors, a tail of large records, a little non-ASCII text and, through
 * `serializeRecord`, a few records whose JSON uses escapes. The shares (`REALISTIC_MIX`, documented
 * in MIX.md) are an assumption modelled on typical AWS accounts, not measured from a customer.
 * The LLMjacking intrusion of `cloudtrail-mix.ts` is woven in once, in the middle of the time range.
 *
 * Fast by construction: identities, IPs, user agents and resource names are drawn once into pools,
 * each record is one object literal plus a few small request/response objects, shared parts
 * (userIdentity, tlsDetails) are shared objects, and the event time string is cached per second.
 */
import { ACCOUNT, attackRecords, iamUserIdentity, LEAKED_KEY, rng } from './cloudtrail-mix.js';

type Rec = Record<string, unknown>;
type Rand = () => number;

/** Target shares of the mix (fractions of all records). Assumed, modelled on typical AWS accounts. */
export const REALISTIC_MIX = {
  /** userIdentity.type; 'Anonymous' is `{type: 'AWSAccount', accountId: 'ANONYMOUS_PRINCIPAL'}` (S3). */
  identityTypes: {
    AssumedRole: 0.55,
    AWSService: 0.2,
    IAMUser: 0.15,
    WebIdentityUser: 0.02,
    SAMLUser: 0.01,
    FederatedUser: 0.01,
    AWSAccount: 0.02,
    Anonymous: 0.039,
    Root: 0.001,
  },
  /** eventSource. */
  services: {
    's3.amazonaws.com': 0.3,
    'kms.amazonaws.com': 0.15,
    'sts.amazonaws.com': 0.1,
    'ec2.amazonaws.com': 0.1,
    'bedrock.amazonaws.com': 0.08,
    'iam.amazonaws.com': 0.03,
    'logs.amazonaws.com': 0.031,
    'monitoring.amazonaws.com': 0.03,
    'lambda.amazonaws.com': 0.025,
    'ssm.amazonaws.com': 0.025,
    'dynamodb.amazonaws.com': 0.025,
    'secretsmanager.amazonaws.com': 0.02,
    'sqs.amazonaws.com': 0.015,
    'ecr.amazonaws.com': 0.015,
    'sns.amazonaws.com': 0.01,
    'ecs.amazonaws.com': 0.01,
    'eks.amazonaws.com': 0.005,
    'elasticloadbalancing.amazonaws.com': 0.005,
    'rds.amazonaws.com': 0.005,
    'config.amazonaws.com': 0.004,
    'cloudtrail.amazonaws.com': 0.003,
    'sagemaker.amazonaws.com': 0.003,
    'guardduty.amazonaws.com': 0.003,
    'route53.amazonaws.com': 0.003,
    'signin.amazonaws.com': 0.001,
  },
  /** Records with an errorCode. */
  errors: 0.04,
  /** Of the errors: access denied, as each service spells it (AccessDenied, AccessDeniedException, Client.UnauthorizedOperation, AuthorizationError). */
  accessDeniedOfErrors: 0.6,
  /** Records of 8-60 KB as JSON (the rest mostly 0.6-2 KB). */
  large: 0.01,
  /** Records with non-ASCII text (an S3 key, a tag or description, a user agent). */
  nonAscii: 0.001,
  /** Records `serializeRecord` writes with JSON escapes (\uXXXX, \/) instead of plain characters. */
  escaped: 0.0005,
  /** Upper bound of the security-relevant event names (`SECURITY_EVENT_NAMES`) together. */
  securityRelevantMax: 0.005,
} as const;

/** Event names SigmaHQ-style AWS rules watch; the mix keeps them rare (REALISTIC_MIX.securityRelevantMax). */
export const SECURITY_EVENT_NAMES: ReadonlySet<string> = new Set([
  'ConsoleLogin',
  'GetSigninToken',
  'StopLogging',
  'DeleteTrail',
  'UpdateTrail',
  'PutEventSelectors',
  'CreateAccessKey',
  'CreateUser',
  'CreateLoginProfile',
  'UpdateLoginProfile',
  'AttachUserPolicy',
  'PutUserPolicy',
  'AddUserToGroup',
  'AttachRolePolicy',
  'DeleteUserPolicy',
  'CreateServiceSpecificCredential',
  'GetAccountAuthorizationDetails',
  'UpdateSAMLProvider',
  'GetSessionToken',
  'AuthorizeSecurityGroupIngress',
  'RevokeSecurityGroupIngress',
  'ImportKeyPair',
  'ModifyInstanceAttribute',
  'CreateRoute',
  'DeleteFlowLogs',
  'DisableEbsEncryptionByDefault',
  'GetPasswordData',
  'PutBucketVersioning',
  'PutBucketPolicy',
  'PutBucketAcl',
  'DeleteBucket',
  'DeleteDetector',
  'UpdateDetector',
  'CreateIPSet',
  'StopConfigurationRecorder',
  'DeleteDeliveryChannel',
  'SendCommand',
  'ScheduleKeyDeletion',
  'DisableKey',
  'CreateFunctionUrlConfig',
  'UpdateFunctionConfiguration20150331v2',
  'CreateCluster',
  'DeleteCluster',
  'ModifyDBInstance',
  'AuthorizeDBSecurityGroupIngress',
  'RestoreDBInstanceFromDBSnapshot',
  'ModifyDBSnapshotAttribute',
  'PutModelInvocationLoggingConfiguration',
  'UpdateGuardrail',
  'DeleteGuardrail',
  'CreateFoundationModelAgreement',
  'PutUseCaseForModelAccess',
]);

/** The REALISTIC_MIX.identityTypes key a record counts under. */
export function identityClass(rec: Record<string, unknown>): string {
  const ui = rec.userIdentity as Rec | undefined;
  if (ui?.type === 'AWSAccount' && ui.accountId === 'ANONYMOUS_PRINCIPAL') return 'Anonymous';
  return String(ui?.type ?? 'none');
}

// ---------------------------------------------------------------------------------------------
// Small fast helpers

const HEX = '0123456789abcdef';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

const LOWER = Array.from(HEX, (ch) => ch.charCodeAt(0));
const UPPER = Array.from(HEX.toUpperCase(), (ch) => ch.charCodeAt(0));
const codes: number[] = [];
/** `n` random hex digits (upper-case with `upper`), built as one flat string. */
function hex(r: Rand, n: number, upper = false): string {
  const t = upper ? UPPER : LOWER;
  codes.length = n;
  for (let i = 0; i < n; i += 8) {
    const x = (r() * 4294967296) >>> 0;
    for (let j = 0; j < 8 && i + j < n; j++) codes[i + j] = t[(x >>> (28 - 4 * j)) & 15]!;
  }
  return String.fromCharCode(...codes);
}
const B32 = Array.from(ALNUM, (ch) => ch.charCodeAt(0));
/** `n` random upper-case base-32 characters (access key and role IDs), six per draw. */
function b32(r: Rand, n: number): string {
  codes.length = n;
  for (let i = 0; i < n; i += 6) {
    const x = (r() * 1073741824) >>> 0;
    for (let j = 0; j < 6 && i + j < n; j++) codes[i + j] = B32[(x >>> (25 - 5 * j)) & 31]!;
  }
  return String.fromCharCode(...codes);
}
function chars(r: Rand, alphabet: string, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[(r() * alphabet.length) | 0];
  return s;
}
/** A random (v4) UUID: request and event IDs. */
function uid(r: Rand): string {
  const a = (r() * 4294967296) >>> 0;
  const b = (r() * 4294967296) >>> 0;
  const c = (r() * 4294967296) >>> 0;
  const d = (r() * 4294967296) >>> 0;
  const h = LOWER;
  return String.fromCharCode(
    h[a >>> 28]!,
    h[(a >>> 24) & 15]!,
    h[(a >>> 20) & 15]!,
    h[(a >>> 16) & 15]!,
    h[(a >>> 12) & 15]!,
    h[(a >>> 8) & 15]!,
    h[(a >>> 4) & 15]!,
    h[a & 15]!,
    45,
    h[b >>> 28]!,
    h[(b >>> 24) & 15]!,
    h[(b >>> 20) & 15]!,
    h[(b >>> 16) & 15]!,
    45,
    52,
    h[(b >>> 8) & 15]!,
    h[(b >>> 4) & 15]!,
    h[b & 15]!,
    45,
    h[8 | ((c >>> 28) & 3)]!,
    h[(c >>> 24) & 15]!,
    h[(c >>> 20) & 15]!,
    h[(c >>> 16) & 15]!,
    45,
    h[(c >>> 12) & 15]!,
    h[(c >>> 8) & 15]!,
    h[(c >>> 4) & 15]!,
    h[c & 15]!,
    h[d >>> 28]!,
    h[(d >>> 24) & 15]!,
    h[(d >>> 20) & 15]!,
    h[(d >>> 16) & 15]!,
    h[(d >>> 12) & 15]!,
    h[(d >>> 8) & 15]!,
    h[(d >>> 4) & 15]!,
    h[d & 15]!,
  );
}
const int = (r: Rand, n: number) => (r() * n) | 0;
function pick<T>(r: Rand, a: readonly T[]): T {
  return a[(r() * a.length) | 0]!;
}
/** Skewed pick: low indexes are the heavy hitters. */
function skew<T>(r: Rand, a: readonly T[]): T {
  return a[(r() * r() * a.length) | 0]!;
}
/** Picks from `a` near `fav` (an actor's favourite resources), so callers keep to a few. */
function near<T>(r: Rand, a: readonly T[], fav: number): T {
  return a[(fav + ((r() * r() * 4) | 0)) % a.length]!;
}

/** Cumulative-weight sampler: binary search over a Float64Array. */
class Sampler<T> {
  readonly items: T[];
  private readonly cum: Float64Array;
  readonly total: number;
  constructor(entries: [T, number][]) {
    const kept = entries.filter(([, w]) => w > 0);
    this.items = kept.map(([x]) => x);
    this.cum = new Float64Array(kept.length);
    let t = 0;
    kept.forEach(([, w], i) => {
      t += w;
      this.cum[i] = t;
    });
    this.total = t;
  }
  sample(u: number): T {
    const x = u * this.total;
    const c = this.cum;
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    return this.items[lo]!;
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** CloudTrail's response date style: "Nov 20, 2026, 7:05:12 AM". */
function ctDate(ms: number): string {
  const d = new Date(ms);
  const h = d.getUTCHours();
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  const ss = String(d.getUTCSeconds()).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${h % 12 || 12}:${mm}:${ss} ${h < 12 ? 'AM' : 'PM'}`;
}

// ---------------------------------------------------------------------------------------------
// Static vocabulary

const ACCOUNTS: [string, number][] = [
  [ACCOUNT, 78],
  ['444455556666', 10],
  ['777788889999', 8],
  ['210987654321', 4],
];
const EXTERNAL_ACCOUNTS = ['999988887777', '123456789012', '555566667777', '864209753124'];
const REGIONS: [string, number][] = [
  ['us-east-1', 50],
  ['us-west-2', 17],
  ['eu-west-1', 11],
  ['us-east-2', 6],
  ['eu-central-1', 6],
  ['ap-southeast-2', 3],
  ['ap-northeast-1', 3],
  ['ca-central-1', 2],
  ['ap-south-1', 1],
  ['sa-east-1', 1],
];
const APPS = [
  'checkout',
  'payments',
  'orders',
  'catalog',
  'search',
  'recommendations',
  'inventory',
  'billing',
  'notifications',
  'auth',
  'profile',
  'media',
  'reporting',
  'analytics',
  'etl',
  'ingest',
  'feature-store',
  'genai-chat',
  'rag-indexer',
  'summarizer',
  'support-bot',
  'fraud-scoring',
  'pricing',
  'shipping',
  'returns',
  'ledger',
  'audit',
  'exports',
  'thumbnailer',
  'scheduler',
  'webhooks',
  'gateway',
  'graphql',
  'cms',
  'crm-sync',
  'email',
  'sms',
  'geo',
  'ml-training',
  'ml-inference',
  'data-lake',
  'backup',
  'observability',
  'tenant-admin',
  'partner-api',
];
const GENAI_APPS = new Set(['genai-chat', 'rag-indexer', 'summarizer', 'support-bot', 'ml-inference', 'search']);
const PEOPLE = [
  'maria',
  'james',
  'wei',
  'priya',
  'olu',
  'sofia',
  'lucas',
  'hana',
  'ahmed',
  'elena',
  'noah',
  'aisha',
  'tomas',
  'yuki',
  'daniel',
  'fatima',
  'liam',
  'chloe',
  'mateo',
  'ines',
  'arjun',
  'sara',
  'kenji',
  'nina',
  'omar',
  'leah',
  'pablo',
  'zoe',
  'ivan',
  'mia',
];
const SURNAMES = ['garcia', 'smith', 'chen', 'patel', 'okafor', 'rossi', 'martin', 'kim', 'hassan', 'novak', 'silva'];
const BEDROCK_MODELS: [string, number][] = [
  ['anthropic.claude-3-5-sonnet-20240620-v1:0', 20],
  ['us.anthropic.claude-3-7-sonnet-20250219-v1:0', 18],
  ['anthropic.claude-3-haiku-20240307-v1:0', 16],
  ['us.anthropic.claude-sonnet-4-20250514-v1:0', 10],
  ['amazon.titan-embed-text-v2:0', 14],
  ['cohere.embed-english-v3', 5],
  ['amazon.nova-lite-v1:0', 6],
  ['meta.llama3-1-70b-instruct-v1:0', 4],
  ['mistral.mistral-large-2407-v1:0', 2],
  ['amazon.nova-pro-v1:0', 5],
];
const BROWSERS = [
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
  'Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
];
const S3_CONSOLE =
  '[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.750 Linux/5.10.226-192.879.amzn2int.x86_64 OpenJDK_64-Bit_Server_VM/25.432-b06 java/1.8.0_432 vendor/Oracle_Corporation cfg/retry-mode/standard]';
const ANON_AGENTS = [
  ...BROWSERS,
  'curl/8.5.0',
  'python-requests/2.32.3',
  'Wget/1.21.4',
  'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  'Go-http-client/1.1',
];

// ---------------------------------------------------------------------------------------------
// Actors (who calls) and resource pools, drawn once per generator from the seed

type Who = 'app' | 'genai' | 'human' | 'ci' | 'slr' | 'sse';

interface Actor {
  ui: Rec;
  /** ARN used in AccessDenied messages. */
  arn: string;
  acct: string;
  ips: string[];
  uas: string[];
  home: string;
  /** 0: no tlsDetails (service to service), 1: TLSv1.2, 2: TLSv1.3. */
  tls: number;
  /** Index of this actor's favourite resources in the pools. */
  fav: number;
  vpce?: string;
  human?: boolean;
  /** A person's browser user agent (console calls). */
  browser?: string;
  name: string;
  /** The identity as ConsoleLogin records it (no access key), made on first use. */
  login?: Rec;
}

interface Pools {
  ar: Record<Who, Actor[]>;
  iamHuman: Actor[];
  iamCi: Actor[];
  iamApp: Actor[];
  svc: Actor[];
  svcBy: Map<string, Actor>;
  web: Actor[];
  saml: Actor[];
  fed: Actor[];
  xacct: Actor[];
  anon: Actor;
  root: Actor[];
  buckets: string[];
  publicBuckets: string[];
  logBuckets: string[];
  keyIds: string[];
  instances: string[];
  amis: string[];
  sgs: string[];
  subnets: string[];
  vpcs: string[];
  tables: string[];
  queues: string[];
  topics: string[];
  secrets: string[];
  params: string[];
  functions: string[];
  logGroups: string[];
  repos: string[];
  roles: string[];
  users: string[];
  dbs: string[];
  zones: [string, string][];
  targetGroups: string[];
  endpoints: string[];
  detector: string;
  token: string;
}

function weighted<T>(r: Rand, entries: [T, number][]): T {
  let t = 0;
  for (const [, w] of entries) t += w;
  let x = r() * t;
  for (const [v, w] of entries) {
    x -= w;
    if (x < 0) return v;
  }
  return entries[entries.length - 1]![0];
}

function publicIp(r: Rand, firsts: readonly number[]): string {
  return `${pick(r, firsts)}.${int(r, 256)}.${int(r, 256)}.${1 + int(r, 254)}`;
}
const AWS_FIRST = [3, 18, 34, 35, 44, 52, 54, 13, 15, 16, 100];
const ISP_FIRST = [
  2, 5, 24, 37, 46, 73, 77, 81, 82, 86, 89, 90, 91, 93, 95, 98, 109, 151, 176, 178, 188, 201, 213, 217,
];
const GH_FIRST = [4, 13, 20, 40, 52];
function ispIp(r: Rand): string {
  if (r() < 0.12)
    return `2a02:${hex(r, 3)}:${hex(r, 4)}:${hex(r, 4)}:${hex(r, 4)}:${hex(r, 4)}:${hex(r, 4)}:${hex(r, 4)}`;
  return publicIp(r, ISP_FIRST);
}

function botoUA(r: Rand): string {
  const v = `1.${34 + int(r, 3)}.${int(r, 60)}`;
  const py = pick(r, ['3.9.20', '3.11.10', '3.12.7', '3.10.12']);
  const k = pick(r, ['5.10.227-219.884.amzn2.x86_64', '6.1.112-122.189.amzn2023.x86_64', '6.8.0-1016-aws']);
  const exec = pick(r, ['', '', ' exec-env/AWS_Lambda_python3.12', ' exec-env/AWS_ECS_FARGATE']);
  return `Boto3/${v} md/Botocore#${v} ua/2.0 os/linux#${k} md/arch#x86_64 lang/python#${py} md/pyimpl#CPython${exec} cfg/retry-mode#legacy Botocore/${v}`;
}
function cliUA(r: Rand, cmd: string): string {
  const os = pick(r, [
    'os/linux#6.8.0-1016-aws md/arch#x86_64',
    'os/macos#24.1.0 md/arch#arm64',
    'os/windows#10 md/arch#amd64',
  ]);
  return `aws-cli/2.${17 + int(r, 6)}.${int(r, 50)} md/awscrt#0.22.0 ua/2.0 ${os} lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#${cmd}`;
}
function goUA(r: Rand): string {
  return `aws-sdk-go-v2/1.32.${int(r, 8)} ua/2.1 os/linux lang/go#1.23.${int(r, 4)} md/GOOS#linux md/GOARCH#amd64 api/${pick(r, ['s3', 'sts', 'dynamodb', 'sqs', 'kms'])}#1.${40 + int(r, 30)}.${int(r, 9)} m/E,g`;
}
function jsUA(r: Rand): string {
  return `aws-sdk-js/3.${650 + int(r, 60)}.0 ua/2.1 os/linux#5.10.227-219.884.amzn2.x86_64 lang/js md/nodejs#20.${15 + int(r, 4)}.${int(r, 3)} api/${pick(r, ['s3', 'bedrock-runtime', 'dynamodb', 'sqs', 'secrets-manager', 'sns'])}#3.${650 + int(r, 60)}.0 m/E`;
}
function javaUA(r: Rand): string {
  return `aws-sdk-java/2.28.${int(r, 20)} Linux/5.10.227-219.884.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.13+11-LTS Java/17.0.13 vendor/Amazon.com_Inc. md/internal exec-env/AWS_ECS_FARGATE io/sync http/Apache cfg/retry-mode/legacy`;
}
function terraformUA(r: Rand): string {
  const p = `5.${70 + int(r, 10)}.0`;
  return `APN/1.0 HashiCorp/1.0 Terraform/1.9.${int(r, 8)} (+https://www.terraform.io) terraform-provider-aws/${p} (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.4 ua/2.0 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64 api/${pick(r, ['ec2', 'iam', 's3', 'lambda', 'ecs'])}#1.${150 + int(r, 40)}.0`;
}
const ECS_AGENT = 'aws-sdk-go/1.55.5 (go1.22.7; linux; amd64) amazon-ecs-agent/1.88.0 (3fcd5e6f)';
const SSM_AGENT = 'aws-sdk-go/1.55.5 (go1.22.8; linux; amd64) amazon-ssm-agent/3.3.1142.0';
const DOCKER =
  'docker/27.3.1 go/go1.22.7 git-commit/41ca978 kernel/6.1.112-122.189.amzn2023.x86_64 os/linux arch/amd64 UpstreamClient(Docker-Client/27.3.1 \\(linux\\))';

function appUA(r: Rand): string {
  return weighted<() => string>(r, [
    [() => botoUA(r), 40],
    [() => jsUA(r), 22],
    [() => goUA(r), 15],
    [() => javaUA(r), 15],
    [() => cliUA(r, pick(r, ['s3.cp', 's3.sync', 'sts.get-caller-identity'])), 8],
  ])();
}

function isoAgo(base: number, r: Rand, hours: number): string {
  return new Date(base - Math.floor(r() * hours * 3_600_000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function makePools(r: Rand, startMs: number): Pools {
  const acct = () => weighted(r, ACCOUNTS);
  const region = () => weighted(r, REGIONS);
  const roleId = () => `AROA${chars(r, ALNUM, 17)}`;
  const asia = () => `ASIA${chars(r, ALNUM, 16)}`;
  let fav = 0;
  const nextFav = () => (fav += 7);
  const tls = () => (r() < 0.8 ? 2 : 1);

  const ar: Record<Who, Actor[]> = { app: [], genai: [], human: [], ci: [], slr: [], sse: [] };
  const roles: string[] = [];

  function assumed(
    a: string,
    roleName: string,
    path: string,
    session: string,
    extra: { ec2?: boolean; web?: string; invokedBy?: string },
  ): { ui: Rec; arn: string } {
    const rid = roleId();
    const arn = `arn:aws:sts::${a}:assumed-role/${roleName}/${session}`;
    const sessionContext: Rec = {
      sessionIssuer: {
        type: 'Role',
        principalId: rid,
        arn: `arn:aws:iam::${a}:role/${path}${roleName}`,
        accountId: a,
        userName: roleName,
      },
      webIdFederationData: extra.web ? { federatedProvider: extra.web, attributes: {} } : {},
      attributes: { creationDate: isoAgo(startMs, r, 12), mfaAuthenticated: 'false' },
    };
    if (extra.ec2) sessionContext.ec2RoleDelivery = '2.0';
    const ui: Rec = {
      type: 'AssumedRole',
      principalId: `${rid}:${session}`,
      arn,
      accountId: a,
      accessKeyId: asia(),
      sessionContext,
    };
    if (extra.invokedBy) ui.invokedBy = extra.invokedBy;
    return { ui, arn };
  }

  // Workload roles: EC2 instance profiles, ECS tasks, Lambda functions, EKS pods (IRSA).
  const functions: string[] = [];
  const natIps = Array.from({ length: 24 }, () => publicIp(r, AWS_FIRST));
  for (const app of APPS) {
    for (const env of ['prod', 'staging', 'dev']) {
      if (env !== 'prod' && r() < 0.45) continue;
      const a = env === 'prod' ? ACCOUNT : env === 'staging' ? '444455556666' : acct();
      const home = app.startsWith('ml') || app === 'data-lake' ? 'us-west-2' : region();
      const kind = weighted(r, [
        ['ec2', 30],
        ['ecs', 30],
        ['lambda', 25],
        ['eks', 15],
      ] as [string, number][]);
      const roleName =
        kind === 'lambda'
          ? `${app}-${env}-lambda-role`
          : kind === 'ecs'
            ? `${app}-${env}-task-role`
            : kind === 'eks'
              ? `${app}-${env}-irsa`
              : `${app}-${env}-ec2-role`;
      roles.push(roleName);
      const n = kind === 'lambda' ? 1 + int(r, 4) : 1 + int(r, 8);
      const ua = appUA(r);
      const priv = r() < 0.35;
      const vpce = priv ? `vpce-0${hex(r, 16)}` : undefined;
      const nat = pick(r, natIps);
      for (let i = 0; i < n; i++) {
        const session =
          kind === 'ec2'
            ? `i-0${hex(r, 16)}`
            : kind === 'ecs'
              ? hex(r, 32)
              : kind === 'lambda'
                ? `${app}-${env}-${pick(r, ['handler', 'worker', 'consumer', 'api', 'cron', 'resize', 'sync'])}${i ? `-${i}` : ''}`
                : `botocore-session-${1_700_000_000 + int(r, 90_000_000)}`;
        if (kind === 'lambda') functions.push(session);
        const web =
          kind === 'eks'
            ? `arn:aws:iam::${a}:oidc-provider/oidc.eks.${home}.amazonaws.com/id/${hex(r, 32, true)}`
            : undefined;
        const { ui, arn } = assumed(a, roleName, '', session, { ec2: kind === 'ec2', web });
        const ips =
          kind === 'lambda'
            ? Array.from({ length: 6 + int(r, 18) }, () => publicIp(r, AWS_FIRST))
            : priv
              ? [`10.${int(r, 64)}.${int(r, 256)}.${1 + int(r, 254)}`]
              : kind === 'ecs'
                ? [nat, publicIp(r, AWS_FIRST)]
                : [nat];
        const actor: Actor = {
          ui,
          arn,
          acct: a,
          ips,
          uas: [r() < 0.85 ? ua : appUA(r)],
          home,
          tls: tls(),
          fav: nextFav(),
          vpce,
          name: session,
        };
        ar.app.push(actor);
        if (GENAI_APPS.has(app)) ar.genai.push(actor);
        // The same role seen through a service acting for it (SSE-KMS from S3, secrets, SQS, Lambda env).
        if (r() < 0.5) {
          const via = weighted(r, [
            ['s3.amazonaws.com', 50],
            ['secretsmanager.amazonaws.com', 15],
            ['sqs.amazonaws.com', 10],
            ['lambda.amazonaws.com', 10],
            ['dynamodb.amazonaws.com', 15],
          ] as [string, number][]);
          ar.sse.push({
            ui: { ...ui, invokedBy: via },
            arn,
            acct: a,
            ips: [via],
            uas: [via],
            home,
            tls: 0,
            fav: actor.fav,
            name: session,
          });
        }
      }
    }
  }

  // People through IAM Identity Center (console and CLI), with home and mobile IPs.
  for (let i = 0; i < 140; i++) {
    const p = pick(r, PEOPLE);
    const email = `${p}.${pick(r, SURNAMES)}@example.com`;
    const set = weighted(r, [
      ['AdministratorAccess', 10],
      ['PowerUserAccess', 15],
      ['ReadOnlyAccess', 25],
      ['DeveloperAccess', 30],
      ['DataScientist', 10],
      ['BillingAccess', 2],
      ['SecurityAudit', 6],
      ['SupportUser', 2],
    ] as [string, number][]);
    const roleName = `AWSReservedSSO_${set}_${hex(r, 16)}`;
    const a = acct();
    const { ui, arn } = assumed(a, roleName, 'aws-reserved/sso.amazonaws.com/', email, {});
    ar.human.push({
      ui,
      arn,
      acct: a,
      ips: Array.from({ length: 2 + int(r, 7) }, () => ispIp(r)),
      uas: [cliUA(r, pick(r, ['s3.ls', 'ec2.describe-instances', 'logs.tail', 'sso.login']))],
      browser: pick(r, BROWSERS),
      home: r() < 0.7 ? 'us-east-1' : region(),
      tls: 2,
      fav: nextFav(),
      human: true,
      name: email,
    });
  }

  // Deployment roles: GitHub Actions OIDC, Terraform, CodeBuild.
  for (let i = 0; i < 24; i++) {
    const a = acct();
    const kind = pick(r, ['github', 'terraform', 'codebuild']);
    const roleName =
      kind === 'github'
        ? `github-actions-${pick(r, APPS)}`
        : kind === 'terraform'
          ? 'terraform-apply'
          : 'codebuild-deploy';
    const session =
      kind === 'github'
        ? 'GitHubActions'
        : kind === 'terraform'
          ? `terraform-${hex(r, 8)}`
          : `AWSCodeBuild-${hex(r, 8)}`;
    const { ui, arn } = assumed(a, roleName, '', session, {});
    ar.ci.push({
      ui,
      arn,
      acct: a,
      ips: Array.from({ length: 4 + int(r, 20) }, () => publicIp(r, GH_FIRST)),
      uas: [kind === 'terraform' ? terraformUA(r) : r() < 0.5 ? cliUA(r, 'ecr.get-login-password') : botoUA(r)],
      home: 'us-east-1',
      tls: 2,
      fav: nextFav(),
      name: session,
    });
  }

  // Service-linked roles, calling for a service (sourceIPAddress and userAgent are the service).
  const slr: [string, string, string][] = [
    ['AWSServiceRoleForConfig', 'AWSConfig-Describe', 'config.amazonaws.com'],
    ['AWSServiceRoleForAutoScaling', 'AutoScaling', 'autoscaling.amazonaws.com'],
    ['AWSServiceRoleForECS', 'ECS', 'ecs.amazonaws.com'],
    ['AWSServiceRoleForElasticLoadBalancing', 'ElasticLoadBalancing', 'elasticloadbalancing.amazonaws.com'],
    ['AWSServiceRoleForAmazonGuardDuty', 'GuardDuty', 'guardduty.amazonaws.com'],
    ['AWSServiceRoleForAccessAnalyzer', 'access-analyzer', 'access-analyzer.amazonaws.com'],
    ['AWSServiceRoleForSecurityHub', 'securityhub', 'securityhub.amazonaws.com'],
    ['AWSServiceRoleForTrustedAdvisor', 'TrustedAdvisor', 'trustedadvisor.amazonaws.com'],
    ['AWSServiceRoleForAmazonEKS', 'EKS', 'eks.amazonaws.com'],
    ['AWSServiceRoleForRDS', 'RDS', 'rds.amazonaws.com'],
    ['AWSServiceRoleForAmazonSSM', 'SSM', 'ssm.amazonaws.com'],
  ];
  for (const [a] of ACCOUNTS) {
    for (const [roleName, session, svc] of slr) {
      const { ui, arn } = assumed(a, roleName, `aws-service-role/${svc}/`, session, { invokedBy: svc });
      ar.slr.push({
        ui,
        arn,
        acct: a,
        ips: [svc],
        uas: [svc],
        home: 'us-east-1',
        tls: 0,
        fav: nextFav(),
        name: session,
      });
    }
  }

  // IAM users with long-term keys: CI, integrations, a few people from before Identity Center.
  const users: string[] = [];
  const iamUser = (name: string, a: string, ips: string[], uas: string[], human = false): Actor => {
    const key = name === 'ci-deploy' ? LEAKED_KEY : `AKIA${chars(r, ALNUM, 16)}`;
    const base = iamUserIdentity(name, key);
    const ui = a === ACCOUNT ? base : { ...base, arn: `arn:aws:iam::${a}:user/${name}`, accountId: a };
    users.push(name);
    return { ui, arn: ui.arn as string, acct: a, ips, uas, home: 'us-east-1', tls: 2, fav: nextFav(), human, name };
  };
  const iamCi = [
    iamUser(
      'ci-deploy',
      ACCOUNT,
      Array.from({ length: 30 }, () => publicIp(r, GH_FIRST)),
      [cliUA(r, 's3.sync')],
    ),
    ...['gitlab-runner', 'jenkins', 'terraform-ci', 'circleci', 'buildkite-agent', 'release-bot', 'artifact-sync'].map(
      (n) =>
        iamUser(
          n,
          acct(),
          Array.from({ length: 3 + int(r, 25) }, () => publicIp(r, GH_FIRST)),
          [n.includes('terraform') ? terraformUA(r) : r() < 0.5 ? cliUA(r, 's3.cp') : botoUA(r), DOCKER],
        ),
    ),
  ];
  const iamApp = [
    'datadog-integration',
    'splunk-addon',
    'grafana-cloudwatch',
    'backup-svc',
    'legacy-app',
    'mobile-uploads',
    'partner-sftp',
    'email-sender',
    'chatbot-svc',
    'bi-exporter',
    'snowflake-loader',
    'fivetran',
    'prowler-scanner',
    'sumo-collector',
    'wordpress-media',
    'crm-integration',
    'vendor-readonly',
    'qa-automation',
    'data-science-notebook',
    'cost-explorer-export',
  ].map((n) =>
    iamUser(
      n,
      r() < 0.8 ? ACCOUNT : acct(),
      Array.from({ length: 1 + int(r, 6) }, () => publicIp(r, r() < 0.5 ? AWS_FIRST : ISP_FIRST)),
      [r() < 0.4 ? botoUA(r) : r() < 0.5 ? javaUA(r) : goUA(r)],
    ),
  );
  const iamHuman = Array.from({ length: 14 }, () => {
    const p = `${pick(r, PEOPLE)}.${pick(r, SURNAMES)}`;
    const u = iamUser(
      p,
      ACCOUNT,
      Array.from({ length: 2 + int(r, 5) }, () => ispIp(r)),
      [cliUA(r, 's3.ls')],
      true,
    );
    u.browser = pick(r, BROWSERS);
    return u;
  });

  // AWS services acting in their own name.
  const svc = [
    'lambda.amazonaws.com',
    'ecs-tasks.amazonaws.com',
    'ec2.amazonaws.com',
    'cloudtrail.amazonaws.com',
    'config.amazonaws.com',
    'logs.amazonaws.com',
    'delivery.logs.amazonaws.com',
    'events.amazonaws.com',
    'sns.amazonaws.com',
    'apigateway.amazonaws.com',
    'states.amazonaws.com',
    'pods.eks.amazonaws.com',
    'scheduler.amazonaws.com',
    'rds.amazonaws.com',
    'backup.amazonaws.com',
    'monitoring.amazonaws.com',
    's3.amazonaws.com',
  ].map(
    (s): Actor => ({
      ui: { type: 'AWSService', invokedBy: s },
      arn: s,
      acct: ACCOUNT,
      ips: [s],
      uas: [s],
      home: '',
      tls: 0,
      fav: nextFav(),
      name: s,
    }),
  );

  // EKS service accounts and GitHub workflows through web identity; people through SAML.
  const web: Actor[] = [];
  for (let i = 0; i < 40; i++) {
    const a = acct();
    const github = r() < 0.35;
    const home = region();
    const provider = github
      ? `arn:aws:iam::${a}:oidc-provider/token.actions.githubusercontent.com`
      : `arn:aws:iam::${a}:oidc-provider/oidc.eks.${home}.amazonaws.com/id/${hex(r, 32, true)}`;
    const app = pick(r, APPS);
    const sub = github
      ? `repo:acme/${app}:ref:refs/heads/main`
      : `system:serviceaccount:${app}:${app}-${pick(r, ['sa', 'worker', 'controller'])}`;
    web.push({
      ui: {
        type: 'WebIdentityUser',
        principalId: `${provider.split(':oidc-provider/')[1]}:sts.amazonaws.com:${sub}`,
        userName: sub,
        identityProvider: provider,
      },
      arn: provider,
      acct: a,
      ips: github ? Array.from({ length: 8 }, () => publicIp(r, GH_FIRST)) : [pick(r, natIps)],
      uas: [github ? jsUA(r) : botoUA(r)],
      home,
      tls: 2,
      fav: nextFav(),
      name: sub,
    });
  }
  const samlProvider = chars(r, B64, 27) + '=';
  const saml = Array.from({ length: 60 }, (): Actor => {
    const email = `${pick(r, PEOPLE)}.${pick(r, SURNAMES)}@example.com`;
    return {
      ui: {
        type: 'SAMLUser',
        principalId: `${samlProvider}:${email}`,
        userName: email,
        identityProvider: samlProvider,
      },
      arn: email,
      acct: acct(),
      ips: Array.from({ length: 1 + int(r, 4) }, () => ispIp(r)),
      uas: [pick(r, BROWSERS)],
      home: 'us-east-1',
      tls: 2,
      fav: nextFav(),
      name: email,
    };
  });
  const fed = Array.from({ length: 30 }, (): Actor => {
    const name = `${pick(r, ['tenant', 'upload', 'partner'])}-${hex(r, 6)}`;
    const issuer = pick(r, iamApp);
    const a = issuer.acct;
    return {
      ui: {
        type: 'FederatedUser',
        principalId: `${a}:${name}`,
        arn: `arn:aws:sts::${a}:federated-user/${name}`,
        accountId: a,
        accessKeyId: asia(),
        sessionContext: {
          sessionIssuer: {
            type: 'IAMUser',
            principalId: (issuer.ui as Rec).principalId,
            arn: issuer.arn,
            accountId: a,
            userName: issuer.name,
          },
          webIdFederationData: {},
          attributes: { creationDate: isoAgo(startMs, r, 12), mfaAuthenticated: 'false' },
        },
      },
      arn: `arn:aws:sts::${a}:federated-user/${name}`,
      acct: a,
      ips: Array.from({ length: 1 + int(r, 3) }, () => ispIp(r)),
      uas: [issuer.uas[0]!],
      home: issuer.home,
      tls: 2,
      fav: nextFav(),
      name,
    };
  });
  // Other accounts (vendors, partners, the organisation's tooling account) calling into these.
  const xacct = Array.from({ length: 24 }, (): Actor => {
    const ext = pick(r, EXTERNAL_ACCOUNTS);
    const role = r() < 0.7;
    const principalId = role
      ? `${roleId()}:${pick(r, ['sync', 'reader', 'replication', hex(r, 12)])}`
      : `AIDA${chars(r, ALNUM, 17)}`;
    return {
      ui: { type: 'AWSAccount', principalId, accountId: ext },
      arn: `arn:aws:iam::${ext}:root`,
      acct: ACCOUNT,
      ips: Array.from({ length: 1 + int(r, 4) }, () => publicIp(r, AWS_FIRST)),
      uas: [r() < 0.5 ? javaUA(r) : botoUA(r)],
      home: region(),
      tls: 2,
      fav: nextFav(),
      name: principalId,
    };
  });
  const anon: Actor = {
    ui: { type: 'AWSAccount', principalId: '', accountId: 'ANONYMOUS_PRINCIPAL' },
    arn: 'anonymous',
    acct: ACCOUNT,
    ips: Array.from({ length: 3000 }, () => (r() < 0.5 ? ispIp(r) : publicIp(r, [...ISP_FIRST, ...AWS_FIRST]))),
    uas: ANON_AGENTS,
    home: 'us-east-1',
    tls: 2,
    fav: 0,
    name: 'anonymous',
  };
  const root = ACCOUNTS.map(
    ([a]): Actor => ({
      ui: { type: 'Root', principalId: a, arn: `arn:aws:iam::${a}:root`, accountId: a, accessKeyId: asia() },
      arn: `arn:aws:iam::${a}:root`,
      acct: a,
      ips: [ispIp(r), ispIp(r)],
      uas: [pick(r, BROWSERS)],
      browser: pick(r, BROWSERS),
      home: 'us-east-1',
      tls: 2,
      fav: nextFav(),
      human: true,
      name: 'root',
    }),
  );

  const buckets: string[] = [];
  for (const app of APPS)
    for (const env of ['prod', 'staging', 'dev']) if (env === 'prod' || r() < 0.5) buckets.push(`acme-${app}-${env}`);
  buckets.push('acme-data-lake-raw', 'acme-data-lake-curated', 'acme-ml-artifacts', 'acme-terraform-state');
  const pools: Pools = {
    ar,
    iamHuman,
    iamCi,
    iamApp,
    svc,
    svcBy: new Map(svc.map((a) => [a.name, a])),
    web,
    saml,
    fed,
    xacct,
    anon,
    root,
    buckets,
    publicBuckets: ['acme-public-assets', 'acme-website-prod', 'acme-downloads', 'acme-docs-site'],
    logBuckets: ['acme-org-cloudtrail-logs', 'acme-config-history', 'acme-vpc-flow-logs', 'acme-alb-access-logs'],
    keyIds: Array.from({ length: 60 }, () => `${hex(r, 8)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 4)}-${hex(r, 12)}`),
    instances: Array.from({ length: 600 }, () => `i-0${hex(r, 16)}`),
    amis: Array.from({ length: 20 }, () => `ami-0${hex(r, 16)}`),
    sgs: Array.from({ length: 80 }, () => `sg-0${hex(r, 16)}`),
    subnets: Array.from({ length: 40 }, () => `subnet-0${hex(r, 16)}`),
    vpcs: Array.from({ length: 6 }, () => `vpc-0${hex(r, 16)}`),
    tables: APPS.flatMap((a) => [
      `${a}-${pick(r, ['items', 'sessions', 'events', 'state'])}-prod`,
      `${a}-cache-staging`,
    ]),
    queues: APPS.flatMap((a) => [`${a}-jobs-prod`, `${a}-events-prod`, `${a}-jobs-prod-dlq`]),
    topics: APPS.map((a) => `${a}-notifications`),
    secrets: APPS.flatMap((a) => [`prod/${a}/db-credentials`, `prod/${a}/api-key`, `staging/${a}/db-credentials`]),
    params: APPS.flatMap((a) => ['db-host', 'feature-flags', 'log-level', 'endpoint'].map((k) => `/prod/${a}/${k}`)),
    functions,
    logGroups: [...functions.map((f) => `/aws/lambda/${f}`), ...APPS.map((a) => `/ecs/${a}-prod`)],
    repos: APPS.map((a) => `acme/${a}`),
    roles,
    users,
    dbs: APPS.slice(0, 20).map((a) => `${a}-prod-db`),
    zones: [
      ['Z0123456789ABCDEFGHIJ', 'example.com'],
      ['Z1029384756QWERTYUIOP', 'internal.example.com'],
      ['Z5647382910ZXCVBNMASD', 'api.example.com'],
      ['Z0987654321POIUYTREWQ', 'example.net'],
    ],
    targetGroups: APPS.map((a) => `${a}-prod-tg/${hex(r, 16)}`),
    endpoints: ['fraud-xgb-prod', 'recs-two-tower', 'embed-bge-large', 'churn-model-v7'],
    detector: hex(r, 32),
    token: chars(r, B64, 4096),
  };
  return pools;
}

// ---------------------------------------------------------------------------------------------
// Events: per service, the APIs, their weights and how their records look

interface Ctx {
  r: Rand;
  p: Pools;
  a: Actor;
  region: string;
  acct: string;
  /** eventTime string and milliseconds. */
  t: string;
  ms: number;
  failed: boolean;
  /** Scratch values a request builder leaves for the response/resources/host builders (bucket, key, ARN). */
  v1: string;
  v2: string;
}

type ErrKind = 0 | 1 | 2 | 3; // denied, not found, throttled, invalid
type ErrDef = [code: string, message: (c: Ctx, ev: Ev) => string];

interface Svc {
  src: string;
  /** IAM action prefix. */
  iam: string;
  /** Endpoint prefix (`${host}.${region}.amazonaws.com`), or a fixed host for global services. */
  host: string;
  global?: boolean;
  ver: string;
  errs: [ErrDef, ErrDef, ErrDef, ErrDef];
  hosts: Map<string, string>;
  /** Reached through VPC endpoints by workloads in private subnets. */
  vpce?: boolean;
}

interface Ev {
  svc: Svc;
  name: string;
  ro: boolean;
  data?: boolean;
  who: Who[];
  req?: (c: Ctx) => unknown;
  resp?: (c: Ctx) => unknown;
  add?: (c: Ctx) => Rec | null;
  res?: (c: Ctx) => Rec[] | null;
  host?: (c: Ctx) => string;
  /** errorMessage without errorCode (ConsoleLogin failures); sets c.failed. */
  fail?: (c: Ctx) => string | null;
  /** Error probability multiplier (0: never fails). */
  errMul: number;
  /** Error codes specific to this API (overrides the service's). */
  errs?: Partial<Record<ErrKind, ErrDef>>;
  type?: string;
  /** userAgent override (agents with their own user agent: SSM, ECS, docker). */
  ua?: (c: Ctx) => string;
  /** Always from a browser (ConsoleLogin). */
  console?: boolean;
  /** S3-style request ID (16 upper-case hex digits). */
  s3id?: boolean;
  /** For AWSService callers: which services make this call. */
  by?: string[];
  /** Only in the classes that name it (AssumeRoleWithSAML, GetSessionToken...), never in default service mixes. */
  only?: boolean;
}

const denyMsg = (c: Ctx, ev: Ev) =>
  `User: ${c.a.arn} is not authorized to perform: ${ev.svc.iam}:${ev.name} because no identity-based policy allows the ${ev.svc.iam}:${ev.name} action`;
const fixed = (m: string) => () => m;

function svcDef(
  src: string,
  iam: string,
  errs: [string, string | ((c: Ctx, ev: Ev) => string)][],
  o: { host?: string; global?: boolean; ver?: string; vpce?: boolean } = {},
): Svc {
  const e = errs.map(([code, m]) => [code, typeof m === 'string' ? fixed(m) : m] as ErrDef);
  return {
    src,
    iam,
    host: o.host ?? src.split('.')[0]!,
    global: o.global,
    ver: o.ver ?? '1.09',
    errs: e as Svc['errs'],
    hosts: new Map(),
    vpce: o.vpce,
  };
}

const THROTTLE = 'Rate exceeded';
const S3 = svcDef(
  's3.amazonaws.com',
  's3',
  [
    ['AccessDenied', 'Access Denied'],
    ['NoSuchKey', 'The specified key does not exist.'],
    ['SlowDown', 'Please reduce your request rate.'],
    ['InvalidRange', 'The requested range is not satisfiable'],
  ],
  { vpce: true },
);
const KMS = svcDef(
  'kms.amazonaws.com',
  'kms',
  [
    ['AccessDeniedException', denyMsg],
    ['NotFoundException', (c) => `Key 'arn:aws:kms:${c.region}:${c.acct}:key/${pick(c.r, c.p.keyIds)}' does not exist`],
    [
      'ThrottlingException',
      'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.',
    ],
    [
      'ValidationException',
      "1 validation error detected: Value at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1",
    ],
  ],
  { vpce: true },
);
const STS = svcDef(
  'sts.amazonaws.com',
  'sts',
  [
    [
      'AccessDenied',
      (c, ev) =>
        `User: ${c.a.arn} is not authorized to perform: sts:${ev.name} on resource: arn:aws:iam::${c.acct}:role/${pick(c.r, c.p.roles)}`,
    ],
    ['ExpiredTokenException', 'The security token included in the request is expired'],
    ['Throttling', THROTTLE],
    [
      'ValidationError',
      "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
    ],
  ],
  { vpce: true },
);
const EC2 = svcDef('ec2.amazonaws.com', 'ec2', [
  [
    'Client.UnauthorizedOperation',
    (c, ev) =>
      ev.ro
        ? `You are not authorized to perform this operation. User: ${c.a.arn} is not authorized to perform: ec2:${ev.name} because no identity-based policy allows the ec2:${ev.name} action`
        : `You are not authorized to perform this operation. User: ${c.a.arn} is not authorized to perform: ec2:${ev.name} on resource: arn:aws:ec2:${c.region}:${c.acct}:instance/* because no identity-based policy allows the ec2:${ev.name} action. Encoded authorization failure message: ${c.p.token.substr((c.r() * 2000) | 0, 900)}`,
  ],
  ['Client.InvalidInstanceID.NotFound', (c) => `The instance ID '${pick(c.r, c.p.instances)}' does not exist`],
  ['Client.RequestLimitExceeded', 'Request limit exceeded.'],
  ['Client.InvalidParameterValue', 'Value (  ) for parameter groupId is invalid. The value cannot be empty'],
]);
const BEDROCK = svcDef(
  'bedrock.amazonaws.com',
  'bedrock',
  [
    ['AccessDeniedException', "You don't have access to the model with the specified model ID."],
    ['ResourceNotFoundException', 'Model not found for the given modelId.'],
    ['ThrottlingException', 'Too many requests, please wait before trying again.'],
    ['ValidationException', 'Input is too long for requested model.'],
  ],
  { vpce: true },
);
const IAM = svcDef(
  'iam.amazonaws.com',
  'iam',
  [
    ['AccessDenied', denyMsg],
    ['NoSuchEntityException', (c) => `The role with name ${pick(c.r, c.p.roles)} cannot be found.`],
    ['Throttling', THROTTLE],
    [
      'ValidationError',
      "1 validation error detected: Value at 'maxItems' failed to satisfy constraint: Member must have value less than or equal to 1000",
    ],
  ],
  { host: 'iam.amazonaws.com', global: true, ver: '1.08' },
);
const LAMBDA = svcDef('lambda.amazonaws.com', 'lambda', [
  ['AccessDeniedException', denyMsg],
  [
    'ResourceNotFoundException',
    (c) => `Function not found: arn:aws:lambda:${c.region}:${c.acct}:function:${pick(c.r, c.p.functions)}`,
  ],
  ['TooManyRequestsException', 'Rate Exceeded.'],
  ['InvalidParameterValueException', 'Unzipped size must be smaller than 262144000 bytes'],
]);
const LOGS = svcDef(
  'logs.amazonaws.com',
  'logs',
  [
    ['AccessDeniedException', denyMsg],
    ['ResourceNotFoundException', 'The specified log group does not exist.'],
    ['ThrottlingException', THROTTLE],
    [
      'InvalidParameterException',
      "Query's end date and time is either before the log groups creation time or exceeds the log groups log retention settings",
    ],
  ],
  { vpce: true },
);
const MONITORING = svcDef('monitoring.amazonaws.com', 'cloudwatch', [
  ['AccessDenied', denyMsg],
  ['ResourceNotFound', 'No alarm found'],
  ['Throttling', THROTTLE],
  ['InvalidParameterValue', 'The parameter StartTime must be less than the parameter EndTime.'],
]);
const DYNAMODB = svcDef(
  'dynamodb.amazonaws.com',
  'dynamodb',
  [
    ['AccessDeniedException', denyMsg],
    ['ResourceNotFoundException', 'Requested resource not found'],
    ['ThrottlingException', 'Throughput exceeds the current capacity of your table or index.'],
    ['ValidationException', 'The provided key element does not match the schema'],
  ],
  { vpce: true },
);
const SQS = svcDef(
  'sqs.amazonaws.com',
  'sqs',
  [
    ['AccessDenied', 'Access to the resource https://sqs.us-east-1.amazonaws.com/ is denied.'],
    ['AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.'],
    ['ThrottlingException', THROTTLE],
    ['InvalidParameterValue', 'Value for parameter WaitTimeSeconds is invalid. Reason: Must be &gt;= 0 and &lt;= 20.'],
  ],
  { vpce: true },
);
const SNS = svcDef('sns.amazonaws.com', 'sns', [
  ['AuthorizationError', denyMsg],
  ['NotFound', 'Topic does not exist'],
  ['Throttling', THROTTLE],
  ['InvalidParameter', 'Invalid parameter: Message too long'],
]);
const SECRETS = svcDef(
  'secretsmanager.amazonaws.com',
  'secretsmanager',
  [
    ['AccessDenied', denyMsg],
    ['ResourceNotFoundException', "Secrets Manager can't find the specified secret."],
    ['ThrottlingException', THROTTLE],
    ['InvalidRequestException', "You can't perform this operation on the secret because it was marked for deletion."],
  ],
  { vpce: true },
);
const SSM = svcDef(
  'ssm.amazonaws.com',
  'ssm',
  [
    ['AccessDeniedException', denyMsg],
    ['ParameterNotFound', 'An error occurred (ParameterNotFound) when calling the GetParameter operation: '],
    ['ThrottlingException', THROTTLE],
    ['ValidationException', 'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).'],
  ],
  { vpce: true },
);
const ECR = svcDef(
  'ecr.amazonaws.com',
  'ecr',
  [
    ['AccessDeniedException', denyMsg],
    [
      'RepositoryNotFoundException',
      (c) => `The repository with name '${pick(c.r, c.p.repos)}' does not exist in the registry with id '${c.acct}'`,
    ],
    ['ThrottlingException', THROTTLE],
    [
      'InvalidParameterException',
      "Invalid parameter at 'imageTag' failed to satisfy constraint: 'must satisfy regular expression '[a-zA-Z0-9-_.]+''",
    ],
  ],
  { host: 'api.ecr', vpce: true },
);
const ECS = svcDef('ecs.amazonaws.com', 'ecs', [
  ['AccessDeniedException', denyMsg],
  ['ClusterNotFoundException', 'Cluster not found.'],
  ['ThrottlingException', THROTTLE],
  ['InvalidParameterException', 'Tasks cannot be empty.'],
]);
const EKS = svcDef('eks.amazonaws.com', 'eks', [
  ['AccessDeniedException', denyMsg],
  ['ResourceNotFoundException', 'No cluster found for name: legacy-eks.'],
  ['ThrottlingException', THROTTLE],
  ['InvalidParameterException', 'The role with name eks-node cannot be found.'],
]);
const CLOUDTRAIL = svcDef('cloudtrail.amazonaws.com', 'cloudtrail', [
  ['AccessDenied', denyMsg],
  [
    'TrailNotFoundException',
    (c) => `Unknown trail: arn:aws:cloudtrail:${c.region}:${c.acct}:trail/management-events for the user: ${c.acct}`,
  ],
  ['ThrottlingException', THROTTLE],
  ['InvalidLookupAttributesException', 'You cannot specify more than one lookup attribute.'],
]);
const SIGNIN = svcDef(
  'signin.amazonaws.com',
  'signin',
  [
    ['AccessDenied', denyMsg],
    ['AccessDenied', denyMsg],
    ['AccessDenied', denyMsg],
    ['AccessDenied', denyMsg],
  ],
  { host: 'signin.aws.amazon.com', global: true, ver: '1.09' },
);
const SAGEMAKER = svcDef(
  'sagemaker.amazonaws.com',
  'sagemaker',
  [
    ['AccessDeniedException', denyMsg],
    ['ValidationException', 'Could not find endpoint "churn-model-v6".'],
    ['ThrottlingException', THROTTLE],
    [
      'ValidationException',
      "1 validation error detected: Value null at 'endpointName' failed to satisfy constraint: Member must not be null",
    ],
  ],
  { host: 'api.sagemaker' },
);
const GUARDDUTY = svcDef('guardduty.amazonaws.com', 'guardduty', [
  ['AccessDeniedException', denyMsg],
  ['BadRequestException', 'The request is rejected because the input detectorId is not owned by the current account.'],
  ['TooManyRequestsException', THROTTLE],
  [
    'BadRequestException',
    'The request is rejected because an invalid or out-of-range value is specified as an input parameter.',
  ],
]);
const CONFIG = svcDef('config.amazonaws.com', 'config', [
  ['AccessDeniedException', denyMsg],
  [
    'NoSuchConfigRuleException',
    "The ConfigRule 's3-bucket-logging-enabled' provided in the request is invalid. Please check the configRule name.",
  ],
  ['ThrottlingException', THROTTLE],
  ['ValidationException', 'Value for ResultToken is invalid.'],
]);
const ROUTE53 = svcDef(
  'route53.amazonaws.com',
  'route53',
  [
    ['AccessDenied', denyMsg],
    ['NoSuchHostedZone', 'No hosted zone found with ID: Z0000000000000000000'],
    ['ThrottlingException', THROTTLE],
    [
      'InvalidInput',
      'Invalid XML ; cvc-maxLength-valid: Value with length = 33 is not facet-valid with respect to maxLength 32',
    ],
  ],
  { host: 'route53.amazonaws.com', global: true, ver: '1.08' },
);
const ELB = svcDef('elasticloadbalancing.amazonaws.com', 'elasticloadbalancing', [
  ['AccessDenied', denyMsg],
  ['TargetGroupNotFound', 'One or more target groups not found'],
  ['Throttling', THROTTLE],
  ['ValidationError', 'A target group ARN must be specified'],
]);
const RDS = svcDef('rds.amazonaws.com', 'rds', [
  ['AccessDenied', denyMsg],
  ['DBInstanceNotFoundFault', 'DBInstance legacy-reporting-db not found.'],
  ['Throttling', THROTTLE],
  ['InvalidParameterValue', 'Invalid database identifier:  '],
]);

function hostOf(c: Ctx, s: Svc): string {
  if (s.global) return s.host;
  let h = s.hosts.get(c.region);
  if (!h) {
    h = `${s.host}.${c.region}.amazonaws.com`;
    s.hosts.set(c.region, h);
  }
  return h;
}

function e(svc: Svc, name: string, o: Partial<Ev> = {}): Ev {
  return {
    ...o,
    svc,
    name,
    ro:
      o.ro ??
      /^(Get|List|Describe|Head|Lookup|BatchGet|BatchCheck|Query|Scan|Filter|Search|Check|Discover|Select|Invoke|Converse|Apply|Decrypt|Encrypt|Generate|Assume)/.test(
        name,
      ),
    who: o.who ?? ['app'],
    errMul: o.errMul ?? 1,
  };
}

// Request/response builders shared by several APIs.
const keyArn = (c: Ctx) => `arn:aws:kms:${c.region}:${c.acct}:key/${near(c.r, c.p.keyIds, c.a.fav)}`;
const kmsRes = (c: Ctx): Rec[] => [{ accountId: c.acct, type: 'AWS::KMS::Key', ARN: keyArn(c) }];
const roleArnOf = (c: Ctx) => `arn:aws:iam::${c.acct}:role/${near(c.r, c.p.roles, c.a.fav)}`;
const expiry = (c: Ctx) => ctDate(c.ms + 3_600_000);
const sessionToken = (c: Ctx) => `IQoJb3JpZ2luX2Vj${c.p.token.substr((c.r() * 3000) | 0, 620 + ((c.r() * 400) | 0))}`;
const s3ReqId = (r: Rand) => hex(r, 16, true);
const amzId2 = (c: Ctx) => c.p.token.substr((c.r() * 3900) | 0, 76);

function s3Key(c: Ctx, bucket: string): string {
  const r = c.r;
  const t = c.t;
  const x = r();
  if (bucket.includes('data-lake') || bucket.includes('etl') || bucket.includes('analytics'))
    return `${pick(r, ['raw', 'curated', 'events'])}/dt=${t.slice(0, 10)}/hour=${t.slice(11, 13)}/part-${String(int(r, 99999)).padStart(5, '0')}-${hex(r, 8)}-${hex(r, 4)}.c000.snappy.parquet`;
  if (x < 0.3)
    return `uploads/${t.slice(0, 4)}/${t.slice(5, 7)}/${hex(r, 8)}-${hex(r, 4)}.${pick(r, ['jpg', 'png', 'pdf', 'json'])}`;
  if (x < 0.55)
    return `${pick(r, ['tenants', 'users', 'accounts'])}/${int(r, 90000) + 10000}/${pick(r, ['profile.json', 'settings.json', 'avatar.webp', 'invoice.pdf', 'export.csv'])}`;
  if (x < 0.75) return `batch/${t.slice(0, 10)}/${hex(r, 12)}.json.gz`;
  if (x < 0.9)
    return `models/${pick(r, ['v12', 'v13', 'v14'])}/${pick(r, ['model.tar.gz', 'config.json', 'tokenizer.json', 'embeddings.npy'])}`;
  return `cache/${hex(r, 2)}/${hex(r, 2)}/${hex(r, 32)}`;
}
function publicKey(c: Ctx): string {
  const r = c.r;
  const x = r();
  if (x < 0.4)
    return `static/${pick(r, ['js', 'css'])}/${pick(r, ['main', 'vendor', 'runtime', 'app'])}.${hex(r, 8)}.${x < 0.25 ? 'js' : 'css'}`;
  if (x < 0.75)
    return `images/${pick(r, ['products', 'banners', 'blog'])}/${int(r, 20000)}${pick(r, ['.webp', '.jpg', '@2x.png'])}`;
  if (x < 0.9)
    return `docs/${pick(r, ['v1', 'v2', 'latest'])}/${pick(r, ['index.html', 'api.html', 'getting-started.html', 'search-index.json'])}`;
  return `downloads/${pick(r, ['agent', 'cli', 'sdk'])}-${int(r, 5)}.${int(r, 20)}.${int(r, 10)}-${pick(r, ['linux-amd64.tar.gz', 'darwin-arm64.zip', 'windows-x64.msi'])}`;
}

const s3Host = (c: Ctx, bucket: string) => `${bucket}.s3.${c.region}.amazonaws.com`;
const TLS13 = 'TLS_AES_128_GCM_SHA256';

function s3Add(c: Ctx, inBytes: number, outBytes: number): Rec {
  if (c.a === c.p.anon) {
    return { CipherSuite: TLS13, bytesTransferredIn: inBytes, 'x-amz-id-2': amzId2(c), bytesTransferredOut: outBytes };
  }
  return {
    SignatureVersion: 'SigV4',
    CipherSuite: TLS13,
    bytesTransferredIn: inBytes,
    AuthenticationMethod: 'AuthHeader',
    'x-amz-id-2': amzId2(c),
    bytesTransferredOut: outBytes,
  };
}

/** Log delivery by an AWS service into a log bucket: the key layout each service uses. */
function logObject(c: Ctx): void {
  const r = c.r;
  const t = c.t;
  const ymd = t.slice(0, 10).replaceAll('-', '');
  const stamp = `${ymd}T${t.slice(11, 13)}${t.slice(14, 16)}Z`;
  const day = t.slice(0, 10).replaceAll('-', '/');
  const acct = c.acct;
  switch (c.a.name) {
    case 'cloudtrail.amazonaws.com':
      c.v1 = c.p.logBuckets[0]!;
      c.v2 = `AWSLogs/${acct}/CloudTrail/${c.region}/${day}/${acct}_CloudTrail_${c.region}_${stamp}_${chars(r, ALNUM, 16)}.json.gz`;
      return;
    case 'config.amazonaws.com':
      c.v1 = c.p.logBuckets[1]!;
      c.v2 = `AWSLogs/${acct}/Config/${c.region}/${day}/ConfigHistory/${acct}_Config_${c.region}_ConfigHistory_AWS::EC2::Instance_${stamp}_${stamp}_1.json.gz`;
      return;
    default:
      c.v1 = c.p.logBuckets[2]!;
      c.v2 = `AWSLogs/${acct}/vpcflowlogs/${c.region}/${day}/${acct}_vpcflowlogs_${c.region}_fl-0${hex(r, 16)}_${stamp}_${hex(r, 8)}.log.gz`;
  }
}

function chooseObject(c: Ctx): void {
  const a = c.a;
  if (a === c.p.anon) {
    c.v1 = pick(c.r, c.p.publicBuckets);
    c.v2 = publicKey(c);
  } else if (a.ui.type === 'AWSService') logObject(c);
  else {
    c.v1 = near(c.r, c.p.buckets, a.fav);
    c.v2 = s3Key(c, c.v1);
  }
}

const objectRes = (c: Ctx): Rec[] => [
  { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${c.v1}/${c.v2}` },
  { accountId: c.acct, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${c.v1}` },
];
const bucketRes = (c: Ctx): Rec[] => [{ accountId: c.acct, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${c.v1}` }];
const s3HostV1 = (c: Ctx) => s3Host(c, c.v1);
const NO_SUCH_BUCKET: ErrDef = ['NoSuchBucket', fixed('The specified bucket does not exist')];

/** An S3 object-level data event. */
function s3Object(o: { write?: boolean; head?: boolean; keyFn?: (c: Ctx) => string } = {}): Partial<Ev> {
  return {
    data: true,
    s3id: true,
    ro: !o.write,
    req: (c) => {
      chooseObject(c);
      if (o.keyFn) c.v2 = o.keyFn(c);
      const req: Rec = { bucketName: c.v1, Host: s3Host(c, c.v1), key: c.v2 };
      if (o.write && c.r() < 0.4) req['x-amz-server-side-encryption'] = 'aws:kms';
      return req;
    },
    resp: o.write
      ? (c) =>
          c.a.ui.type === 'AWSService'
            ? null
            : {
                'x-amz-server-side-encryption': 'aws:kms',
                'x-amz-server-side-encryption-aws-kms-key-id': keyArn(c),
                'x-amz-server-side-encryption-bucket-key-enabled': 'true',
              }
      : undefined,
    add: (c) =>
      c.failed
        ? s3Add(c, 0, 243)
        : s3Add(c, o.write ? 1000 + ((c.r() * 5e6) | 0) : 0, o.write || o.head ? 0 : 200 + ((c.r() * c.r() * 2e7) | 0)),
    res: objectRes,
    host: s3HostV1,
    errs: o.write ? { 1: NO_SUCH_BUCKET } : undefined,
  };
}
/** An S3 bucket-level call: `sub` is the sub-resource query parameter (acl, policy, versioning...). */
function s3Bucket(sub: string | null, o: Partial<Ev> & { extra?: (c: Ctx) => Rec } = {}): Partial<Ev> {
  const { extra, ...rest } = o;
  return {
    s3id: true,
    req: (c) => {
      c.v1 =
        c.a.ui.type === 'AWSService'
          ? c.p.logBuckets[c.a.name === 'config.amazonaws.com' ? 1 : 0]!
          : near(c.r, c.p.buckets, c.a.fav);
      const req: Rec = { bucketName: c.v1, Host: s3Host(c, c.v1) };
      if (sub) req[sub] = '';
      if (extra) Object.assign(req, extra(c));
      return req;
    },
    add: (c) => s3Add(c, 0, 0),
    res: bucketRes,
    host: s3HostV1,
    errs: { 1: NO_SUCH_BUCKET },
    ...rest,
  };
}

const S3_EVENTS: [string, number, Partial<Ev>][] = [
  ['GetObject', 50, { ...s3Object(), who: ['app', 'app', 'app', 'app', 'app', 'human', 'ci'] }],
  [
    'PutObject',
    19,
    {
      ...s3Object({ write: true }),
      who: ['app', 'app', 'app', 'ci'],
      by: ['cloudtrail.amazonaws.com', 'config.amazonaws.com', 'delivery.logs.amazonaws.com'],
    },
  ],
  ['HeadObject', 12, { ...s3Object({ head: true }), who: ['app', 'app', 'ci'] }],
  [
    'ListObjects',
    6,
    {
      data: true,
      s3id: true,
      who: ['app', 'app', 'human', 'ci'],
      req: (c) => {
        chooseObject(c);
        return {
          'list-type': '2',
          bucketName: c.v1,
          'encoding-type': 'url',
          prefix: c.v2.slice(0, c.v2.indexOf('/') + 1),
          Host: s3Host(c, c.v1),
        };
      },
      add: (c) => s3Add(c, 0, 0),
      res: bucketRes,
      host: s3HostV1,
      errs: { 1: NO_SUCH_BUCKET },
    },
  ],
  ['DeleteObject', 3, { ...s3Object({ write: true }), resp: undefined, ro: false }],
  ['CopyObject', 1, { ...s3Object({ write: true }) }],
  ['CreateMultipartUpload', 1, { ...s3Object({ write: true }) }],
  ['UploadPart', 2, { ...s3Object({ write: true }), resp: undefined }],
  ['CompleteMultipartUpload', 1, { ...s3Object({ write: true }) }],
  ['GetBucketLocation', 2, { ...s3Bucket('location'), who: ['app', 'human', 'slr'] }],
  [
    'ListBuckets',
    0.4,
    {
      s3id: true,
      who: ['human', 'slr', 'human'],
      req: () => ({ Host: 's3.amazonaws.com' }),
      add: (c) => s3Add(c, 0, 0),
      host: () => 's3.amazonaws.com',
    },
  ],
  [
    'GetBucketAcl',
    0.5,
    { ...s3Bucket('acl'), who: ['slr', 'human'], by: ['cloudtrail.amazonaws.com', 'config.amazonaws.com'] },
  ],
  ['GetBucketPolicy', 0.4, { ...s3Bucket('policy'), who: ['slr', 'human'] }],
  ['GetBucketVersioning', 0.3, { ...s3Bucket('versioning'), who: ['slr', 'human'] }],
  [
    'GetBucketEncryption',
    0.3,
    {
      ...s3Bucket('encryption'),
      who: ['slr', 'human'],
      errs: {
        1: [
          'ServerSideEncryptionConfigurationNotFoundError',
          fixed('The server side encryption configuration was not found'),
        ],
      },
    },
  ],
  [
    'GetBucketTagging',
    0.3,
    {
      ...s3Bucket('tagging'),
      who: ['slr', 'human'],
      errs: { 1: ['NoSuchTagSet', fixed('The TagSet does not exist')] },
    },
  ],
  ['GetBucketPublicAccessBlock', 0.3, { ...s3Bucket('publicAccessBlock'), who: ['slr', 'human'] }],
  ['GetBucketLogging', 0.2, { ...s3Bucket('logging'), who: ['slr'] }],
];

// KMS: encryption contexts as each caller sets them.
function encryptionContext(c: Ctx): Rec | null {
  const r = c.r;
  const by = (c.a.ui.invokedBy as string | undefined) ?? (c.a.ui.type === 'AWSService' ? c.a.name : '');
  switch (by) {
    case '':
      return r() < 0.6
        ? null
        : { app: near(r, APPS, c.a.fav), purpose: pick(r, ['session', 'token', 'pii', 'export']) };
    case 's3.amazonaws.com':
      return { 'aws:s3:arn': `arn:aws:s3:::${near(r, c.p.buckets, c.a.fav)}` };
    case 'secretsmanager.amazonaws.com':
      return {
        SecretARN: `arn:aws:secretsmanager:${c.region}:${c.acct}:secret:${near(r, c.p.secrets, c.a.fav)}-${chars(r, B64.slice(0, 52), 6)}`,
        SecretVersionId: uid(r),
      };
    case 'sqs.amazonaws.com':
      return { 'aws:sqs:arn': `arn:aws:sqs:${c.region}:${c.acct}:${near(r, c.p.queues, c.a.fav)}` };
    case 'lambda.amazonaws.com':
      return {
        'aws:lambda:FunctionArn': `arn:aws:lambda:${c.region}:${c.acct}:function:${near(r, c.p.functions, c.a.fav)}`,
      };
    case 'dynamodb.amazonaws.com':
      return { 'aws:dynamodb:tableName': near(r, c.p.tables, c.a.fav), 'aws:dynamodb:subscriberId': c.acct };
    case 'cloudtrail.amazonaws.com':
      return {
        'aws:cloudtrail:arn': `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-trail`,
        'aws:s3:arn': `arn:aws:s3:::acme-org-cloudtrail-logs/AWSLogs/${c.acct}/CloudTrail/${c.region}/${c.t.slice(0, 10).replaceAll('-', '/')}/${c.acct}_CloudTrail_${c.region}_${hex(r, 8)}.json.gz`,
      };
    case 'logs.amazonaws.com':
      return { 'aws:logs:arn': `arn:aws:logs:${c.region}:${c.acct}:log-group:${near(r, c.p.logGroups, c.a.fav)}` };
    case 'rds.amazonaws.com':
      return { 'aws:rds:db-id': `db-${chars(r, ALNUM, 26)}` };
    default:
      return {
        'aws:backup:source-resource': `arn:aws:dynamodb:${c.region}:${c.acct}:table/${near(r, c.p.tables, c.a.fav)}`,
      };
  }
}
const KMS_BY = ['cloudtrail.amazonaws.com', 'logs.amazonaws.com', 'rds.amazonaws.com', 'backup.amazonaws.com'];
const KMS_EVENTS: [string, number, Partial<Ev>][] = [
  [
    'Decrypt',
    55,
    {
      who: ['app', 'app', 'sse', 'sse', 'sse', 'ci'],
      by: KMS_BY,
      req: (c) => {
        const ec = encryptionContext(c);
        return ec
          ? { encryptionContext: ec, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' }
          : { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
      },
      res: kmsRes,
    },
  ],
  [
    'GenerateDataKey',
    30,
    {
      who: ['app', 'sse', 'sse', 'sse'],
      by: KMS_BY,
      req: (c) => {
        const ec = encryptionContext(c);
        const keyId = c.a.tls === 0 ? keyArn(c) : `alias/${near(c.r, APPS, c.a.fav)}`;
        return ec ? { keyId, encryptionContext: ec, keySpec: 'AES_256' } : { keyId, keySpec: 'AES_256' };
      },
      res: kmsRes,
    },
  ],
  ['Encrypt', 4, { req: (c) => ({ keyId: keyArn(c), encryptionAlgorithm: 'SYMMETRIC_DEFAULT' }), res: kmsRes }],
  ['DescribeKey', 5, { who: ['human', 'slr', 'ci', 'app'], req: (c) => ({ keyId: keyArn(c) }), res: kmsRes }],
  ['ListAliases', 2, { who: ['human', 'slr', 'ci'], req: () => ({ limit: 100 }) }],
  ['ListKeys', 1, { who: ['slr', 'human'], req: () => ({ limit: 1000 }) }],
  ['GetKeyPolicy', 1, { who: ['slr'], req: (c) => ({ keyId: keyArn(c), policyName: 'default' }), res: kmsRes }],
  ['GetKeyRotationStatus', 1, { who: ['slr'], req: (c) => ({ keyId: keyArn(c) }), res: kmsRes }],
  ['GenerateDataKeyWithoutPlaintext', 1, { req: (c) => ({ keyId: keyArn(c), keySpec: 'AES_256' }), res: kmsRes }],
];

// STS.
const ASSUME_BY = [
  'lambda.amazonaws.com',
  'lambda.amazonaws.com',
  'lambda.amazonaws.com',
  'ecs-tasks.amazonaws.com',
  'ecs-tasks.amazonaws.com',
  'ec2.amazonaws.com',
  'pods.eks.amazonaws.com',
  'events.amazonaws.com',
  'states.amazonaws.com',
  'scheduler.amazonaws.com',
  'apigateway.amazonaws.com',
  'config.amazonaws.com',
];
function sessionNameFor(c: Ctx): string {
  const r = c.r;
  switch (c.a.name) {
    case 'lambda.amazonaws.com':
      return near(r, c.p.functions, (r() * 1e6) | 0);
    case 'ecs-tasks.amazonaws.com':
      return hex(r, 32);
    case 'ec2.amazonaws.com':
      return pick(r, c.p.instances);
    case 'pods.eks.amazonaws.com':
      return `eks-prod-eks-${pick(r, APPS)}-${hex(r, 8)}`;
    default:
      if (c.a.ui.type === 'AWSService') return `${c.a.name.split('.')[0]}-${hex(r, 12)}`;
      return c.a.ui.type === 'AWSAccount'
        ? pick(r, ['replication', 'vendor-audit', 'sync'])
        : `botocore-session-${1_730_000_000 + int(r, 9_000_000)}`;
  }
}
function credentials(c: Ctx): Rec {
  return { accessKeyId: `ASIA${b32(c.r, 16)}`, sessionToken: sessionToken(c), expiration: expiry(c) };
}
const roleRes = (c: Ctx): Rec[] => [{ accountId: c.v1.split(':')[4], type: 'AWS::IAM::Role', ARN: c.v1 }];
const assumedUser = (c: Ctx): Rec => ({
  assumedRoleId: `AROA${b32(c.r, 17)}:${c.v2}`,
  arn: `arn:aws:sts::${c.v1.split(':')[4]}:assumed-role/${c.v1.slice(c.v1.lastIndexOf('/') + 1)}/${c.v2}`,
});
const stsHost = (c: Ctx) => (c.a.tls === 1 ? 'sts.amazonaws.com' : `sts.${c.region}.amazonaws.com`);
const STS_EVENTS: [string, number, Partial<Ev>][] = [
  [
    'AssumeRole',
    45,
    {
      who: ['app', 'ci', 'ci', 'human'],
      by: ASSUME_BY,
      host: stsHost,
      req: (c) => {
        const type = c.a.ui.type;
        const target =
          type === 'AWSService' || type === 'AWSAccount' ? c.acct : c.r() < 0.5 ? c.acct : weighted(c.r, ACCOUNTS);
        c.v1 = `arn:aws:iam::${target}:role/${near(c.r, c.p.roles, c.a.fav + ((c.r() * 5) | 0))}`;
        c.v2 = sessionNameFor(c);
        return type === 'AWSService'
          ? { roleArn: c.v1, roleSessionName: c.v2 }
          : { roleArn: c.v1, roleSessionName: c.v2, durationSeconds: 3600 };
      },
      resp: (c) => ({ credentials: credentials(c), assumedRoleUser: assumedUser(c) }),
      res: roleRes,
      errMul: 0.5,
    },
  ],
  ['GetCallerIdentity', 55, { who: ['app', 'ci', 'human', 'app'], host: stsHost }],
  [
    'AssumeRoleWithWebIdentity',
    0,
    {
      only: true,
      host: stsHost,
      req: (c) => {
        c.v1 = `arn:aws:iam::${c.acct}:role/${near(c.r, c.p.roles, c.a.fav)}`;
        c.v2 = c.a.name.startsWith('repo:')
          ? 'GitHubActions'
          : `botocore-session-${1_730_000_000 + int(c.r, 9_000_000)}`;
        return { roleArn: c.v1, roleSessionName: c.v2, durationSeconds: 3600 };
      },
      resp: (c) => ({
        credentials: credentials(c),
        subjectFromWebIdentityToken: c.a.name,
        assumedRoleUser: assumedUser(c),
        provider: c.a.ui.identityProvider,
        audience: 'sts.amazonaws.com',
      }),
      res: roleRes,
    },
  ],
  [
    'AssumeRoleWithSAML',
    0,
    {
      only: true,
      host: () => 'sts.amazonaws.com',
      req: (c) => {
        c.v1 = `arn:aws:iam::${c.acct}:role/${pick(c.r, ['okta-admin', 'okta-developer', 'okta-readonly', 'okta-data'])}`;
        c.v2 = c.a.name;
        return {
          sAMLAssertionID: `_${hex(c.r, 32)}`,
          roleSessionName: c.v2,
          principalArn: `arn:aws:iam::${c.acct}:saml-provider/Okta`,
          roleArn: c.v1,
          durationSeconds: 43200,
        };
      },
      resp: (c) => ({
        credentials: credentials(c),
        assumedRoleUser: assumedUser(c),
        packedPolicySize: 0,
        subject: c.a.name,
        subjectType: 'unspecified',
        issuer: 'http://www.okta.com/exk1a2b3c4d5e6f7g8h9',
        audience: 'https://signin.aws.amazon.com/saml',
        nameQualifier: c.a.ui.identityProvider,
      }),
      res: roleRes,
    },
  ],
];

// EC2: mostly Describe*, a few changes.
const ec2Filter = (name: string, value: string): Rec => ({
  filterSet: { items: [{ name, valueSet: { items: [{ value }] } }] },
});
const ec2Ok = (c: Ctx): Rec => ({ requestId: uid(c.r), _return: true });
const EC2_WHO: Who[] = ['app', 'slr', 'slr', 'human', 'ci', 'app'];
const EC2_EVENTS: [string, number, Partial<Ev>][] = [
  [
    'DescribeInstances',
    20,
    {
      req: (c) =>
        c.r() < 0.5
          ? { instancesSet: { items: [{ instanceId: near(c.r, c.p.instances, c.a.fav) }] }, filterSet: {} }
          : { maxResults: 1000, instancesSet: {}, ...ec2Filter('instance-state-name', 'running') },
    },
  ],
  [
    'DescribeInstanceStatus',
    8,
    {
      req: (c) => ({
        instancesSet: { items: [{ instanceId: near(c.r, c.p.instances, c.a.fav) }] },
        filterSet: {},
        includeAllInstances: false,
      }),
    },
  ],
  [
    'DescribeSecurityGroups',
    8,
    {
      req: (c) => ({
        securityGroupSet: {},
        securityGroupIdSet: { items: [{ groupId: near(c.r, c.p.sgs, c.a.fav) }] },
        filterSet: {},
      }),
    },
  ],
  [
    'DescribeVolumes',
    6,
    { req: (c) => ({ volumeSet: {}, ...ec2Filter('attachment.instance-id', near(c.r, c.p.instances, c.a.fav)) }) },
  ],
  [
    'DescribeSnapshots',
    4,
    { req: () => ({ snapshotSet: {}, ownersSet: { items: [{ owner: 'self' }] }, sharedUsersSet: {}, filterSet: {} }) },
  ],
  ['DescribeSubnets', 6, { req: (c) => ({ subnetSet: {}, ...ec2Filter('vpc-id', pick(c.r, c.p.vpcs)) }) }],
  ['DescribeVpcs', 4, { req: () => ({ vpcSet: {}, filterSet: {} }) }],
  [
    'DescribeNetworkInterfaces',
    8,
    { req: (c) => ({ networkInterfaceIdSet: {}, ...ec2Filter('subnet-id', near(c.r, c.p.subnets, c.a.fav)) }) },
  ],
  [
    'DescribeImages',
    4,
    {
      req: (c) => ({
        executableBySet: {},
        imagesSet: { items: [{ imageId: pick(c.r, c.p.amis) }] },
        ownersSet: {},
        includeDeprecated: false,
      }),
    },
  ],
  ['DescribeTags', 6, { req: (c) => ec2Filter('resource-id', near(c.r, c.p.instances, c.a.fav)) }],
  ['DescribeRegions', 3, { req: () => ({ regionSet: {}, allRegions: false }) }],
  [
    'DescribeAvailabilityZones',
    4,
    { req: () => ({ availabilityZoneSet: {}, availabilityZoneIdSet: {}, allAvailabilityZones: false }) },
  ],
  [
    'DescribeLaunchTemplateVersions',
    3,
    { req: (c) => ({ launchTemplateId: `lt-0${hex(c.r, 16)}`, versionSet: { items: [{ version: '$Latest' }] } }) },
  ],
  ['DescribeAddresses', 2, { req: () => ({ publicIpsSet: {}, allocationIdsSet: {}, filterSet: {} }) }],
  ['DescribeRouteTables', 3, { req: (c) => ({ routeTableIdSet: {}, ...ec2Filter('vpc-id', pick(c.r, c.p.vpcs)) }) }],
  ['DescribeKeyPairs', 1, { req: () => ({ keySet: {}, keyPairIdSet: {}, filterSet: {} }) }],
  [
    'DescribeInstanceTypes',
    2,
    {
      req: (c) => ({
        instanceTypeSet: {
          items: [{ instanceType: pick(c.r, ['m7i.large', 'c7g.xlarge', 't3.medium', 'g5.2xlarge']) }],
        },
        filterSet: {},
      }),
    },
  ],
  [
    'DescribeAccountAttributes',
    2,
    { req: () => ({ accountAttributeNameSet: { items: [{ attributeName: 'supported-platforms' }] }, filterSet: {} }) },
  ],
  [
    'CreateTags',
    1.5,
    {
      who: ['slr', 'ci'],
      req: (c) => ({
        resourcesSet: { items: [{ resourceId: pick(c.r, c.p.instances) }] },
        tagSet: { items: [{ key: 'aws:ecs:clusterName', value: 'prod-cluster' }] },
      }),
      resp: ec2Ok,
    },
  ],
  [
    'CreateNetworkInterface',
    1,
    {
      who: ['slr'],
      req: (c) => ({
        subnetId: near(c.r, c.p.subnets, c.a.fav),
        description: 'AWS Lambda VPC ENI-' + near(c.r, c.p.functions, c.a.fav),
        groupSet: { items: [{ groupId: near(c.r, c.p.sgs, c.a.fav) }] },
        privateIpAddressesSet: {},
        ipv6AddressCount: 0,
        clientToken: uid(c.r),
      }),
      resp: (c) => ({
        requestId: uid(c.r),
        networkInterface: {
          networkInterfaceId: `eni-0${hex(c.r, 16)}`,
          subnetId: near(c.r, c.p.subnets, c.a.fav),
          vpcId: pick(c.r, c.p.vpcs),
          availabilityZone: `${c.region}a`,
          ownerId: c.acct,
          requesterId: 'AROAEXAMPLELAMBDA0001',
          requesterManaged: true,
          status: 'pending',
          macAddress: `0a:${hex(c.r, 2)}:${hex(c.r, 2)}:${hex(c.r, 2)}:${hex(c.r, 2)}:${hex(c.r, 2)}`,
          privateIpAddress: `10.${int(c.r, 64)}.${int(c.r, 256)}.${int(c.r, 256)}`,
          sourceDestCheck: true,
          interfaceType: 'lambda',
          groupSet: { items: [{ groupId: near(c.r, c.p.sgs, c.a.fav), groupName: 'lambda-default' }] },
          tagSet: {},
        },
      }),
    },
  ],
  [
    'DeleteNetworkInterface',
    1,
    { who: ['slr'], req: (c) => ({ networkInterfaceId: `eni-0${hex(c.r, 16)}` }), resp: ec2Ok },
  ],
  [
    'CreateVolume',
    0.3,
    { who: ['slr'], req: (c) => ({ size: 100, zone: `${c.region}b`, volumeType: 'gp3', encrypted: true }) },
  ],
  [
    'CreateSnapshot',
    0.4,
    { who: ['slr', 'ci'], req: (c) => ({ volumeId: `vol-0${hex(c.r, 16)}`, description: 'Created by AWS Backup' }) },
  ],
  ['DeleteSnapshot', 0.3, { who: ['slr'], req: (c) => ({ snapshotId: `snap-0${hex(c.r, 16)}` }), resp: ec2Ok }],
  [
    'StartInstances',
    0.2,
    { who: ['human', 'ci'], req: (c) => ({ instancesSet: { items: [{ instanceId: pick(c.r, c.p.instances) }] } }) },
  ],
  [
    'StopInstances',
    0.2,
    {
      who: ['human', 'ci'],
      req: (c) => ({ instancesSet: { items: [{ instanceId: pick(c.r, c.p.instances) }] }, force: false }),
    },
  ],
  [
    'TerminateInstances',
    0.3,
    { who: ['slr'], req: (c) => ({ instancesSet: { items: [{ instanceId: pick(c.r, c.p.instances) }] } }) },
  ],
  [
    'ModifyNetworkInterfaceAttribute',
    0.3,
    {
      who: ['slr'],
      req: (c) => ({
        networkInterfaceId: `eni-0${hex(c.r, 16)}`,
        attachment: { attachmentId: `eni-attach-0${hex(c.r, 16)}`, deleteOnTermination: true },
      }),
      resp: ec2Ok,
    },
  ],
];

// Bedrock: runtime inference from GenAI workloads, a little control-plane browsing.
const MODEL = new Sampler(BEDROCK_MODELS);
const runtimeHost = (c: Ctx) => `bedrock-runtime.${c.region}.amazonaws.com`;
function modelFor(c: Ctx): string {
  const m = MODEL.sample(c.r());
  return m.startsWith('us.') && c.region.startsWith('eu') ? `eu.${m.slice(3)}` : m;
}
const invoke: Partial<Ev> = {
  who: ['genai'],
  host: runtimeHost,
  req: (c) => {
    c.v1 = modelFor(c);
    return { modelId: c.v1 };
  },
  add: (c) =>
    c.v1.charCodeAt(2) === 46
      ? {
          inferenceRegion: c.v1.startsWith('eu.')
            ? pick(c.r, ['eu-west-1', 'eu-central-1', 'eu-west-3'])
            : pick(c.r, ['us-east-1', 'us-east-2', 'us-west-2']),
        }
      : null,
};
const BEDROCK_EVENTS: [string, number, Partial<Ev>][] = [
  ['Converse', 30, invoke],
  ['InvokeModel', 26, invoke],
  ['ConverseStream', 15, invoke],
  ['InvokeModelWithResponseStream', 12, invoke],
  [
    'ApplyGuardrail',
    3,
    {
      ...invoke,
      req: (c) => ({ guardrailIdentifier: `${hex(c.r, 12)}`, guardrailVersion: 'DRAFT', source: 'INPUT' }),
      add: undefined,
    },
  ],
  [
    'ListFoundationModels',
    4,
    { who: ['human', 'genai', 'ci'], req: (c) => (c.r() < 0.5 ? null : { byOutputModality: 'TEXT' }) },
  ],
  [
    'GetFoundationModel',
    3,
    { who: ['genai', 'human'], req: (c) => ({ modelIdentifier: modelFor(c).replace(/^(us|eu)\./, '') }) },
  ],
  ['ListInferenceProfiles', 2, { who: ['human', 'genai'], req: () => ({ maxResults: 100 }) }],
  [
    'GetInferenceProfile',
    1,
    { who: ['genai'], req: () => ({ inferenceProfileIdentifier: 'us.anthropic.claude-3-7-sonnet-20250219-v1:0' }) },
  ],
];

// IAM: reads from scanners, consoles and Terraform plans.
const userNameReq = (c: Ctx) => ({ userName: near(c.r, c.p.users, c.a.fav) });
const roleNameReq = (c: Ctx) => ({ roleName: near(c.r, c.p.roles, c.a.fav) });
const AWS_POLICIES = [
  'ReadOnlyAccess',
  'AmazonS3ReadOnlyAccess',
  'AWSLambdaBasicExecutionRole',
  'AmazonBedrockFullAccess',
  'CloudWatchAgentServerPolicy',
];
const policyArn = (c: Ctx) =>
  c.r() < 0.5
    ? `arn:aws:iam::aws:policy/${pick(c.r, AWS_POLICIES)}`
    : `arn:aws:iam::${c.acct}:policy/${near(c.r, APPS, c.a.fav)}-access`;
const IAM_WHO: Who[] = ['slr', 'slr', 'human', 'ci', 'ci', 'app'];
const IAM_EVENTS: [string, number, Partial<Ev>][] = [
  ['ListRoles', 10, { req: () => null }],
  ['GetRole', 15, { req: roleNameReq }],
  ['ListAttachedRolePolicies', 10, { req: roleNameReq }],
  ['ListRolePolicies', 8, { req: roleNameReq }],
  ['GetRolePolicy', 5, { req: (c) => ({ roleName: near(c.r, c.p.roles, c.a.fav), policyName: 'inline-access' }) }],
  ['GetPolicy', 8, { req: (c) => ({ policyArn: policyArn(c) }) }],
  ['GetPolicyVersion', 8, { req: (c) => ({ policyArn: policyArn(c), versionId: `v${1 + int(c.r, 6)}` }) }],
  ['ListPolicies', 4, { req: () => ({ scope: 'Local', onlyAttached: false, policyUsageFilter: 'PermissionsPolicy' }) }],
  ['ListUsers', 4, { req: () => null }],
  ['ListAccessKeys', 5, { req: userNameReq }],
  ['GetAccountSummary', 2, { req: () => null }],
  ['ListInstanceProfilesForRole', 4, { req: roleNameReq }],
  ['GenerateCredentialReport', 1, { req: () => null }],
  ['GetCredentialReport', 1, { req: () => null }],
  ['ListMFADevices', 3, { req: userNameReq }],
  ['GetUser', 3, { req: userNameReq }],
  ['ListGroupsForUser', 2, { req: userNameReq }],
  ['ListAttachedUserPolicies', 2, { req: userNameReq }],
  ['ListUserPolicies', 2, { req: userNameReq }],
  ['ListAccountAliases', 2, { req: () => null }],
  ['GetAccessKeyLastUsed', 3, { req: (c) => ({ accessKeyId: `AKIA${b32(c.r, 16)}` }) }],
  ['ListEntitiesForPolicy', 1, { req: (c) => ({ policyArn: policyArn(c) }) }],
  ['ListOpenIDConnectProviders', 0.5, { req: () => null }],
];

// Lambda (API names carry their version suffix, as CloudTrail records them).
const fnArn = (c: Ctx) => `arn:aws:lambda:${c.region}:${c.acct}:function:${near(c.r, c.p.functions, c.a.fav)}`;
const fnReq = (c: Ctx) => ({ functionName: near(c.r, c.p.functions, c.a.fav) });
const LAMBDA_EVENTS: [string, number, Partial<Ev>][] = [
  [
    'Invoke',
    30,
    {
      data: true,
      ro: false,
      by: [
        'events.amazonaws.com',
        'apigateway.amazonaws.com',
        's3.amazonaws.com',
        'sns.amazonaws.com',
        'scheduler.amazonaws.com',
      ],
      req: (c) => {
        c.v1 = fnArn(c);
        return { functionName: c.v1, invocationType: c.a.ui.type === 'AWSService' ? 'Event' : 'RequestResponse' };
      },
      add: () => ({ functionVersion: '$LATEST' }),
      res: (c) => [{ accountId: c.acct, type: 'AWS::Lambda::Function', ARN: c.v1 }],
    },
  ],
  ['GetFunction20150331v2', 15, { who: ['ci', 'human', 'slr'], req: fnReq }],
  ['ListFunctions20150331', 10, { who: ['human', 'slr', 'ci'], req: () => null }],
  ['GetFunctionConfiguration20150331v2', 10, { who: ['app', 'ci', 'slr'], req: fnReq }],
  [
    'UpdateFunctionCode20150331v2',
    4,
    {
      who: ['ci'],
      req: (c) => ({
        functionName: near(c.r, c.p.functions, c.a.fav),
        s3Bucket: 'acme-ml-artifacts',
        s3Key: `lambda/${hex(c.r, 12)}.zip`,
        publish: true,
        dryRun: false,
      }),
      resp: (c) => ({
        functionName: near(c.r, c.p.functions, c.a.fav),
        functionArn: fnArn(c),
        runtime: 'python3.12',
        codeSize: 1000 + int(c.r, 5e6),
        version: String(1 + int(c.r, 300)),
        lastUpdateStatus: 'InProgress',
        state: 'Active',
      }),
    },
  ],
  ['GetPolicy20150331v2', 5, { who: ['slr'], req: fnReq }],
  ['ListEventSourceMappings20150331', 5, { who: ['slr', 'ci'], req: fnReq }],
  ['ListTags20170331', 5, { who: ['slr', 'ci'], req: (c) => ({ resource: fnArn(c) }) }],
  ['GetFunctionCodeSigningConfig', 3, { who: ['ci'], req: fnReq }],
  ['PublishVersion20150331', 2, { who: ['ci'], req: fnReq }],
];

// CloudWatch Logs and metrics.
const lgReq = (c: Ctx) => ({ logGroupName: near(c.r, c.p.logGroups, c.a.fav) });
const LOGS_EVENTS: [string, number, Partial<Ev>][] = [
  [
    'CreateLogStream',
    25,
    {
      by: ['delivery.logs.amazonaws.com', 'lambda.amazonaws.com'],
      req: (c) => ({
        logGroupName: near(c.r, c.p.logGroups, c.a.fav),
        logStreamName: `${c.t.slice(0, 10).replaceAll('-', '/')}/[$LATEST]${hex(c.r, 32)}`,
      }),
      ro: false,
    },
  ],
  [
    'DescribeLogGroups',
    15,
    { who: ['slr', 'human', 'ci'], req: (c) => (c.r() < 0.5 ? null : { logGroupNamePrefix: '/aws/lambda/' }) },
  ],
  [
    'DescribeLogStreams',
    15,
    { who: ['human', 'app'], req: (c) => ({ ...lgReq(c), orderBy: 'LastEventTime', descending: true, limit: 50 }) },
  ],
  [
    'FilterLogEvents',
    10,
    {
      who: ['human'],
      req: (c) => ({
        ...lgReq(c),
        startTime: c.ms - 3_600_000,
        endTime: c.ms,
        filterPattern: pick(c.r, ['ERROR', '"Exception"', '{ $.level = "error" }', 'timeout']),
      }),
    },
  ],
  [
    'StartQuery',
    8,
    {
      who: ['human', 'app'],
      ro: true,
      req: (c) => ({
        logGroupNames: [near(c.r, c.p.logGroups, c.a.fav)],
        startTime: Math.floor(c.ms / 1000) - 3600,
        endTime: Math.floor(c.ms / 1000),
        queryString: 'fields @timestamp, @message | filter @message like /ERROR/ | sort @timestamp desc | limit 100',
      }),
    },
  ],
  ['GetQueryResults', 12, { who: ['human', 'app'], req: (c) => ({ queryId: uid(c.r) }) }],
  ['CreateLogGroup', 2, { who: ['app', 'ci'], req: lgReq }],
  ['PutRetentionPolicy', 1, { who: ['ci'], req: (c) => ({ ...lgReq(c), retentionInDays: 30 }) }],
  ['DescribeSubscriptionFilters', 3, { who: ['slr'], req: lgReq }],
  [
    'ListTagsForResource',
    3,
    {
      who: ['slr', 'ci'],
      req: (c) => ({
        resourceArn: `arn:aws:logs:${c.region}:${c.acct}:log-group:${near(c.r, c.p.logGroups, c.a.fav)}`,
      }),
    },
  ],
  [
    'GetLogEvents',
    5,
    { who: ['human', 'app'], req: (c) => ({ ...lgReq(c), logStreamName: hex(c.r, 32), startFromHead: false }) },
  ],
  ['DescribeMetricFilters', 3, { who: ['slr'], req: lgReq }],
];
function metricQuery(c: Ctx, i: number): Rec {
  const r = c.r;
  const x = i % 5;
  const [ns, metric, dim, pool] =
    x === 0
      ? ['AWS/EC2', 'CPUUtilization', 'InstanceId', c.p.instances]
      : x === 1
        ? ['AWS/Lambda', 'Duration', 'FunctionName', c.p.functions]
        : x === 2
          ? ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', c.p.queues]
          : x === 3
            ? ['AWS/DynamoDB', 'ConsumedReadCapacityUnits', 'TableName', c.p.tables]
            : ['AWS/ApplicationELB', 'TargetResponseTime', 'TargetGroup', c.p.targetGroups];
  return {
    id: `m${i}`,
    metricStat: {
      metric: { namespace: ns, metricName: metric, dimensions: [{ name: dim, value: pick(r, pool) }] },
      period: 60,
      stat: pick(r, ['Average', 'Sum', 'Maximum', 'p99']),
    },
    returnData: true,
  };
}
const MONITORING_EVENTS: [string, number, Partial<Ev>][] = [
  [
    'GetMetricData',
    40,
    {
      who: ['app', 'human', 'slr'],
      req: (c) => ({
        metricDataQueries: Array.from({ length: 1 + int(c.r, 3) }, (_, i) => metricQuery(c, i + int(c.r, 5))),
        startTime: ctDate(c.ms - 900_000),
        endTime: ctDate(c.ms),
      }),
    },
  ],
  [
    'DescribeAlarms',
    20,
    {
      who: ['slr', 'human', 'app'],
      req: (c) => (c.r() < 0.5 ? null : { alarmNamePrefix: near(c.r, APPS, c.a.fav), maxRecords: 100 }),
    },
  ],
  [
    'ListMetrics',
    15,
    { who: ['app', 'slr'], req: (c) => ({ namespace: pick(c.r, ['AWS/EC2', 'AWS/Lambda', 'AWS/RDS', 'CWAgent']) }) },
  ],
  [
    'GetMetricStatistics',
    15,
    {
      who: ['app', 'slr'],
      req: (c) => ({
        namespace: 'AWS/EC2',
        metricName: 'CPUUtilization',
        dimensions: [{ name: 'InstanceId', value: near(c.r, c.p.instances, c.a.fav) }],
        startTime: ctDate(c.ms - 600_000),
        endTime: ctDate(c.ms),
        period: 300,
        statistics: ['Average'],
      }),
    },
  ],
  [
    'PutMetricAlarm',
    2,
    {
      who: ['ci', 'slr'],
      req: (c) => ({
        alarmName: `${near(c.r, APPS, c.a.fav)}-5xx-high`,
        metricName: 'HTTPCode_Target_5XX_Count',
        namespace: 'AWS/ApplicationELB',
        statistic: 'Sum',
        period: 60,
        evaluationPeriods: 5,
        threshold: 10,
        comparisonOperator: 'GreaterThanThreshold',
      }),
    },
  ],
  ['DescribeAlarmHistory', 3, { who: ['human'], req: () => ({ historyItemType: 'StateUpdate', maxRecords: 50 }) }],
  [
    'ListTagsForResource',
    3,
    {
      who: ['slr'],
      req: (c) => ({ resourceARN: `arn:aws:cloudwatch:${c.region}:${c.acct}:alarm:${pick(c.r, APPS)}-5xx-high` }),
    },
  ],
  ['GetDashboard', 2, { who: ['human'], req: (c) => ({ dashboardName: `${near(c.r, APPS, c.a.fav)}-overview` }) }],
];

// SSM: the agent's heartbeat, parameters, a little browsing.
const paramReq = (c: Ctx) => ({ name: near(c.r, c.p.params, c.a.fav), withDecryption: c.r() < 0.6 });
const SSM_EVENTS: [string, number, Partial<Ev>][] = [
  [
    'UpdateInstanceInformation',
    30,
    {
      ro: false,
      ua: () => SSM_AGENT,
      req: (c) => ({
        instanceId: near(c.r, c.p.instances, c.a.fav),
        agentVersion: '3.3.1142.0',
        agentStatus: 'Active',
        platformType: 'Linux',
        platformName: 'Amazon Linux',
        platformVersion: '2023',
        iPAddress: `10.${int(c.r, 64)}.${int(c.r, 256)}.${int(c.r, 256)}`,
        computerName: `ip-10-${int(c.r, 64)}-${int(c.r, 256)}-${int(c.r, 256)}.ec2.internal`,
        agentName: 'amazon-ssm-agent',
        availabilityZone: `${c.region}a`,
        availabilityZoneId: 'use1-az2',
      }),
    },
  ],
  [
    'ListInstanceAssociations',
    10,
    { ua: () => SSM_AGENT, req: (c) => ({ instanceId: near(c.r, c.p.instances, c.a.fav), maxResults: 50 }) },
  ],
  ['GetParameter', 25, { req: paramReq }],
  [
    'GetParameters',
    12,
    {
      req: (c) => ({
        names: [near(c.r, c.p.params, c.a.fav), near(c.r, c.p.params, c.a.fav + 1)],
        withDecryption: true,
      }),
    },
  ],
  [
    'GetParametersByPath',
    8,
    { req: (c) => ({ path: `/prod/${near(c.r, APPS, c.a.fav)}/`, recursive: true, withDecryption: true }) },
  ],
  ['DescribeInstanceInformation', 4, { who: ['human', 'slr'], req: () => ({ maxResults: 50 }) }],
  ['DescribeParameters', 3, { who: ['human', 'slr'], req: () => ({ maxResults: 50 }) }],
  [
    'GetDocument',
    2,
    { ua: () => SSM_AGENT, req: () => ({ name: 'AWS-RunPatchBaseline', documentVersion: '$DEFAULT' }) },
  ],
  [
    'PutParameter',
    0.5,
    {
      who: ['ci'],
      req: (c) => ({ name: near(c.r, c.p.params, c.a.fav), type: 'String', overwrite: true, tier: 'Standard' }),
      resp: () => ({ version: 7, tier: 'Standard' }),
    },
  ],
];

// DynamoDB: table management and (where enabled) item-level data events.
const tableArn = (c: Ctx) => `arn:aws:dynamodb:${c.region}:${c.acct}:table/${c.v1}`;
const tableRes = (c: Ctx): Rec[] => [{ accountId: c.acct, type: 'AWS::DynamoDB::Table', ARN: tableArn(c) }];
const tableReq = (c: Ctx) => {
  c.v1 = near(c.r, c.p.tables, c.a.fav);
  return { tableName: c.v1 };
};
const itemKey = (c: Ctx): Rec => ({
  pk: `${pick(c.r, ['TENANT', 'USER', 'ORDER', 'SESSION'])}#${int(c.r, 1e7)}`,
  sk: `${pick(c.r, ['META', 'ITEM', 'EVENT'])}#${hex(c.r, 8)}`,
});
const item = (read: boolean): Partial<Ev> => ({
  data: true,
  ro: read,
  req: (c) => {
    c.v1 = near(c.r, c.p.tables, c.a.fav);
    return { tableName: c.v1, key: itemKey(c), ...(read ? { consistentRead: false } : {}) };
  },
  res: tableRes,
});
const DYNAMODB_EVENTS: [string, number, Partial<Ev>][] = [
  ['DescribeTable', 30, { who: ['app', 'slr', 'ci'], req: tableReq, res: tableRes }],
  ['ListTables', 8, { who: ['slr', 'human'], req: () => null }],
  ['DescribeTimeToLive', 5, { who: ['ci', 'slr'], req: tableReq, res: tableRes }],
  ['DescribeContinuousBackups', 5, { who: ['slr', 'ci'], req: tableReq, res: tableRes }],
  [
    'ListTagsOfResource',
    4,
    {
      who: ['slr', 'ci'],
      req: (c) => {
        c.v1 = near(c.r, c.p.tables, c.a.fav);
        return { resourceArn: tableArn(c) };
      },
      res: tableRes,
    },
  ],
  ['GetItem', 20, item(true)],
  ['PutItem', 10, item(false)],
  ['UpdateItem', 6, item(false)],
  ['DeleteItem', 1, item(false)],
  [
    'Query',
    12,
    {
      data: true,
      req: (c) => {
        c.v1 = near(c.r, c.p.tables, c.a.fav);
        return { tableName: c.v1, keyConditionExpression: 'pk = :pk', limit: 100, scanIndexForward: false };
      },
      res: tableRes,
    },
  ],
];

// SQS and SNS.
const queueRes = (c: Ctx): Rec[] => [
  { accountId: c.acct, type: 'AWS::SQS::Queue', ARN: `arn:aws:sqs:${c.region}:${c.acct}:${c.v1}` },
];
const queueReq = (extra?: (c: Ctx) => Rec) => (c: Ctx) => {
  c.v1 = near(c.r, c.p.queues, c.a.fav);
  const req: Rec = { queueUrl: `https://sqs.${c.region}.amazonaws.com/${c.acct}/${c.v1}` };
  if (extra) Object.assign(req, extra(c));
  return req;
};
const SQS_EVENTS: [string, number, Partial<Ev>][] = [
  [
    'GetQueueAttributes',
    30,
    { who: ['app', 'slr'], req: queueReq(() => ({ attributeNames: ['All'] })), res: queueRes },
  ],
  ['ListQueues', 10, { who: ['slr', 'human'], req: (c) => ({ queueNamePrefix: near(c.r, APPS, c.a.fav) }) }],
  ['GetQueueUrl', 10, { req: (c) => ({ queueName: near(c.r, c.p.queues, c.a.fav) }) }],
  ['ListQueueTags', 3, { who: ['slr', 'ci'], req: queueReq(), res: queueRes }],
  [
    'SendMessage',
    25,
    {
      data: true,
      ro: false,
      by: ['sns.amazonaws.com', 'events.amazonaws.com', 's3.amazonaws.com'],
      req: queueReq(() => ({})),
      res: queueRes,
    },
  ],
  [
    'ReceiveMessage',
    15,
    { data: true, ro: true, req: queueReq(() => ({ maxNumberOfMessages: 10, waitTimeSeconds: 20 })), res: queueRes },
  ],
  [
    'DeleteMessage',
    10,
    {
      data: true,
      ro: false,
      req: queueReq(() => ({ receiptHandle: 'HIDDEN_DUE_TO_SECURITY_REASONS' })),
      res: queueRes,
    },
  ],
];
const topicArn = (c: Ctx) => `arn:aws:sns:${c.region}:${c.acct}:${near(c.r, c.p.topics, c.a.fav)}`;
const SNS_EVENTS: [string, number, Partial<Ev>][] = [
  [
    'Publish',
    50,
    {
      data: true,
      ro: false,
      by: ['events.amazonaws.com', 'monitoring.amazonaws.com', 'backup.amazonaws.com'],
      req: (c) => {
        c.v1 = topicArn(c);
        return { topicArn: c.v1 };
      },
      resp: (c) => ({ messageId: uid(c.r) }),
      res: (c) => [{ accountId: c.acct, type: 'AWS::SNS::Topic', ARN: c.v1 }],
    },
  ],
  ['ListTopics', 10, { who: ['slr', 'human'], req: () => null }],
  ['GetTopicAttributes', 20, { who: ['app', 'slr'], req: (c) => ({ topicArn: topicArn(c) }) }],
  ['ListSubscriptionsByTopic', 10, { who: ['slr', 'ci'], req: (c) => ({ topicArn: topicArn(c) }) }],
  ['ListTagsForResource', 5, { who: ['slr'], req: (c) => ({ resourceArn: topicArn(c) }) }],
  [
    'Subscribe',
    1,
    {
      who: ['ci'],
      ro: false,
      req: (c) => ({
        topicArn: topicArn(c),
        protocol: 'sqs',
        endpoint: `arn:aws:sqs:${c.region}:${c.acct}:${near(c.r, c.p.queues, c.a.fav)}`,
        returnSubscriptionArn: true,
      }),
    },
  ],
];

// Secrets Manager, ECR, ECS, EKS.
const secretReq = (c: Ctx) => ({
  secretId:
    c.r() < 0.5
      ? near(c.r, c.p.secrets, c.a.fav)
      : `arn:aws:secretsmanager:${c.region}:${c.acct}:secret:${near(c.r, c.p.secrets, c.a.fav)}-${hex(c.r, 6)}`,
});
const SECRETS_EVENTS: [string, number, Partial<Ev>][] = [
  ['GetSecretValue', 80, { req: secretReq }],
  ['DescribeSecret', 10, { who: ['app', 'slr', 'ci'], req: secretReq }],
  ['ListSecrets', 5, { who: ['human', 'slr'], req: () => ({ maxResults: 100 }) }],
  ['GetResourcePolicy', 2, { who: ['slr'], req: secretReq }],
  [
    'PutSecretValue',
    1,
    {
      who: ['ci'],
      req: (c) => ({ ...secretReq(c), clientRequestToken: uid(c.r) }),
      resp: (c) => ({
        aRN: `arn:aws:secretsmanager:${c.region}:${c.acct}:secret:${near(c.r, c.p.secrets, c.a.fav)}`,
        versionId: uid(c.r),
        versionStages: ['AWSCURRENT'],
      }),
    },
  ],
];
const repoReq = (c: Ctx) => ({ registryId: c.acct, repositoryName: near(c.r, c.p.repos, c.a.fav) });
const repoRes = (c: Ctx): Rec[] => [
  {
    accountId: c.acct,
    type: 'AWS::ECR::Repository',
    ARN: `arn:aws:ecr:${c.region}:${c.acct}:repository/${near(c.r, c.p.repos, c.a.fav)}`,
  },
];
const pullUA = (c: Ctx) => (c.a.ui.type === 'IAMUser' || c.a.name === 'GitHubActions' ? DOCKER : ECS_AGENT);
const ECR_EVENTS: [string, number, Partial<Ev>][] = [
  ['GetAuthorizationToken', 25, { who: ['app', 'ci', 'ci'], ua: pullUA, req: (c) => ({ registryIds: [c.acct] }) }],
  [
    'BatchGetImage',
    20,
    {
      who: ['app', 'ci'],
      ua: pullUA,
      req: (c) => ({
        ...repoReq(c),
        imageIds: [{ imageTag: pick(c.r, ['latest', 'prod', `v1.${int(c.r, 90)}.${int(c.r, 9)}`]) }],
        acceptedMediaTypes: [
          'application/vnd.docker.distribution.manifest.v2+json',
          'application/vnd.oci.image.manifest.v1+json',
        ],
      }),
      res: repoRes,
    },
  ],
  [
    'GetDownloadUrlForLayer',
    30,
    {
      who: ['app', 'ci'],
      ua: pullUA,
      req: (c) => ({ ...repoReq(c), layerDigest: `sha256:${hex(c.r, 64)}` }),
      res: repoRes,
    },
  ],
  [
    'BatchCheckLayerAvailability',
    8,
    {
      who: ['ci'],
      ua: pullUA,
      req: (c) => ({ ...repoReq(c), layerDigests: [`sha256:${hex(c.r, 64)}`] }),
      res: repoRes,
    },
  ],
  [
    'DescribeImages',
    5,
    { who: ['ci', 'slr', 'human'], req: (c) => ({ ...repoReq(c), maxResults: 100 }), res: repoRes },
  ],
  ['DescribeRepositories', 4, { who: ['ci', 'slr', 'human'], req: () => null }],
  ['InitiateLayerUpload', 2, { who: ['ci'], ua: pullUA, ro: false, req: repoReq, res: repoRes }],
  [
    'CompleteLayerUpload',
    2,
    {
      who: ['ci'],
      ua: pullUA,
      ro: false,
      req: (c) => ({ ...repoReq(c), uploadId: uid(c.r), layerDigests: [`sha256:${hex(c.r, 64)}`] }),
      res: repoRes,
    },
  ],
  [
    'ListImages',
    3,
    { who: ['ci', 'slr'], req: (c) => ({ ...repoReq(c), filter: { tagStatus: 'TAGGED' } }), res: repoRes },
  ],
];
const cluster = (c: Ctx) => pick(c.r, ['prod-cluster', 'prod-cluster', 'staging-cluster', 'batch-cluster']);
const ECS_EVENTS: [string, number, Partial<Ev>][] = [
  [
    'DiscoverPollEndpoint',
    25,
    {
      ua: () => ECS_AGENT,
      req: (c) => ({
        containerInstance: `arn:aws:ecs:${c.region}:${c.acct}:container-instance/${cluster(c)}/${hex(c.r, 32)}`,
        cluster: cluster(c),
      }),
    },
  ],
  [
    'SubmitTaskStateChange',
    10,
    {
      ro: false,
      ua: () => ECS_AGENT,
      req: (c) => ({
        cluster: cluster(c),
        task: `arn:aws:ecs:${c.region}:${c.acct}:task/${cluster(c)}/${hex(c.r, 32)}`,
        status: 'RUNNING',
      }),
      resp: () => ({ acknowledgment: 'true' }),
    },
  ],
  [
    'SubmitContainerStateChange',
    8,
    {
      ro: false,
      ua: () => ECS_AGENT,
      req: (c) => ({
        cluster: cluster(c),
        task: hex(c.r, 32),
        containerName: near(c.r, APPS, c.a.fav),
        status: 'RUNNING',
      }),
      resp: () => ({ acknowledgment: 'true' }),
    },
  ],
  [
    'DescribeServices',
    12,
    {
      who: ['slr', 'ci', 'human'],
      req: (c) => ({ cluster: cluster(c), services: [`${near(c.r, APPS, c.a.fav)}-svc`] }),
    },
  ],
  ['DescribeTasks', 10, { who: ['slr', 'app', 'human'], req: (c) => ({ cluster: cluster(c), tasks: [hex(c.r, 32)] }) }],
  [
    'ListTasks',
    8,
    {
      who: ['slr', 'app'],
      req: (c) => ({ cluster: cluster(c), serviceName: `${near(c.r, APPS, c.a.fav)}-svc`, desiredStatus: 'RUNNING' }),
    },
  ],
  ['DescribeClusters', 6, { who: ['slr', 'human'], req: (c) => ({ clusters: [cluster(c)], include: ['SETTINGS'] }) }],
  [
    'DescribeTaskDefinition',
    5,
    { who: ['ci', 'slr'], req: (c) => ({ taskDefinition: `${near(c.r, APPS, c.a.fav)}:${1 + int(c.r, 200)}` }) },
  ],
  ['ListServices', 4, { who: ['slr', 'ci'], req: (c) => ({ cluster: cluster(c), maxResults: 100 }) }],
  [
    'UpdateService',
    1,
    {
      who: ['ci'],
      req: (c) => ({
        cluster: cluster(c),
        service: `${near(c.r, APPS, c.a.fav)}-svc`,
        taskDefinition: `${near(c.r, APPS, c.a.fav)}:${1 + int(c.r, 200)}`,
        forceNewDeployment: false,
      }),
    },
  ],
  [
    'DescribeContainerInstances',
    4,
    { who: ['slr'], req: (c) => ({ cluster: cluster(c), containerInstances: [hex(c.r, 32)] }) },
  ],
  ['ListContainerInstances', 3, { who: ['slr'], req: (c) => ({ cluster: cluster(c), status: 'ACTIVE' }) }],
];
const eksName = (c: Ctx) => pick(c.r, ['prod-eks', 'prod-eks', 'staging-eks', 'ml-eks']);
const EKS_EVENTS: [string, number, Partial<Ev>][] = [
  ['DescribeCluster', 60, { who: ['app', 'ci', 'human', 'slr'], req: (c) => ({ name: eksName(c) }) }],
  ['ListClusters', 15, { who: ['human', 'slr'], req: () => null }],
  ['ListNodegroups', 10, { who: ['ci', 'slr'], req: (c) => ({ name: eksName(c) }) }],
  [
    'DescribeNodegroup',
    10,
    {
      who: ['ci', 'slr'],
      req: (c) => ({ name: eksName(c), nodegroupName: `${pick(c.r, ['general', 'gpu', 'spot'])}-ng` }),
    },
  ],
  ['ListAddons', 3, { who: ['ci'], req: (c) => ({ name: eksName(c) }) }],
  [
    'DescribeAddon',
    2,
    {
      who: ['ci'],
      req: (c) => ({
        name: eksName(c),
        addonName: pick(c.r, ['vpc-cni', 'coredns', 'kube-proxy', 'aws-ebs-csi-driver']),
      }),
    },
  ],
];

// Governance and the rest.
const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-trail`;
const CLOUDTRAIL_EVENTS: [string, number, Partial<Ev>][] = [
  [
    'LookupEvents',
    35,
    {
      who: ['human', 'app'],
      req: (c) => ({
        startTime: ctDate(c.ms - 86_400_000),
        endTime: ctDate(c.ms),
        lookupAttributes: [
          {
            attributeKey: 'EventName',
            attributeValue: pick(c.r, ['ConsoleLogin', 'RunInstances', 'CreateUser', 'AssumeRole']),
          },
        ],
        maxResults: 50,
      }),
    },
  ],
  ['DescribeTrails', 25, { who: ['slr', 'human'], req: () => ({ trailNameList: [], includeShadowTrails: true }) }],
  ['GetTrailStatus', 20, { who: ['slr', 'human'], req: () => ({ name: TRAIL_ARN }) }],
  ['GetEventSelectors', 10, { who: ['slr'], req: () => ({ trailName: TRAIL_ARN }) }],
  ['ListTrails', 5, { who: ['slr', 'human'], req: () => null }],
  ['GetInsightSelectors', 3, { who: ['slr'], req: () => ({ trailName: TRAIL_ARN }) }],
];
const CONSOLE_LOGIN: Partial<Ev> = {
  ro: false,
  who: ['human'],
  errMul: 0,
  console: true,
  type: 'AwsConsoleSignIn',
  fail: (c) => (c.r() < 0.08 ? 'Failed authentication' : null),
  resp: (c) => ({ ConsoleLogin: c.failed ? 'Failure' : 'Success' }),
  add: (c) => ({
    LoginTo:
      'https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_5f4d3c2b1a098765',
    MobileVersion: 'No',
    MFAUsed: c.a.ui.type === 'AssumedRole' ? 'No' : c.r() < 0.85 ? 'Yes' : 'No',
  }),
};
const SIGNIN_EVENTS: [string, number, Partial<Ev>][] = [
  ['ConsoleLogin', 80, CONSOLE_LOGIN],
  [
    'SwitchRole',
    12,
    {
      ro: false,
      who: ['human'],
      errMul: 0,
      console: true,
      type: 'AwsConsoleSignIn',
      resp: () => ({ SwitchRole: 'Success' }),
    },
  ],
  [
    'CheckMfa',
    8,
    {
      ro: false,
      who: ['human'],
      errMul: 0,
      console: true,
      type: 'AwsConsoleSignIn',
      resp: () => ({ CheckMfa: 'Success' }),
      only: true,
    },
  ],
];
const epName = (c: Ctx) => pick(c.r, c.p.endpoints);
const SAGEMAKER_EVENTS: [string, number, Partial<Ev>][] = [
  [
    'ListEndpoints',
    15,
    { who: ['human', 'slr', 'app'], req: () => ({ sortBy: 'CreationTime', sortOrder: 'Descending', maxResults: 50 }) },
  ],
  ['DescribeEndpoint', 25, { who: ['app', 'ci', 'slr'], req: (c) => ({ endpointName: epName(c) }) }],
  ['DescribeEndpointConfig', 5, { who: ['ci'], req: (c) => ({ endpointConfigName: `${epName(c)}-config` }) }],
  ['ListTrainingJobs', 10, { who: ['human', 'app'], req: () => ({ maxResults: 20, sortBy: 'CreationTime' }) }],
  [
    'DescribeTrainingJob',
    15,
    { who: ['app', 'human'], req: (c) => ({ trainingJobName: `${epName(c)}-${c.t.slice(0, 10)}-${hex(c.r, 6)}` }) },
  ],
  ['ListModels', 8, { who: ['human', 'slr'], req: () => null }],
  [
    'DescribeNotebookInstance',
    5,
    { who: ['human'], req: (c) => ({ notebookInstanceName: `ds-${pick(c.r, PEOPLE)}` }) },
  ],
  ['ListNotebookInstances', 5, { who: ['human'], req: () => null }],
  ['DescribeModel', 5, { who: ['ci'], req: (c) => ({ modelName: `${epName(c)}-model` }) }],
  ['ListDomains', 3, { who: ['human', 'slr'], req: () => null }],
];
const detReq = (c: Ctx) => ({ detectorId: c.p.detector });
const GUARDDUTY_EVENTS: [string, number, Partial<Ev>][] = [
  ['ListDetectors', 20, { who: ['slr', 'human'], req: () => null }],
  ['GetDetector', 15, { who: ['slr', 'human'], req: detReq }],
  [
    'ListFindings',
    25,
    {
      who: ['app', 'human'],
      req: (c) => ({
        ...detReq(c),
        findingCriteria: { criterion: { 'service.archived': { eq: ['false'] } } },
        maxResults: 50,
      }),
    },
  ],
  [
    'GetFindings',
    25,
    { who: ['app', 'human'], req: (c) => ({ ...detReq(c), findingIds: [hex(c.r, 32), hex(c.r, 32)] }) },
  ],
  [
    'GetFindingsStatistics',
    5,
    { who: ['human'], req: (c) => ({ ...detReq(c), findingStatisticTypes: ['COUNT_BY_SEVERITY'] }) },
  ],
  ['DescribeMalwareScans', 5, { who: ['slr'], req: detReq }],
  ['ListIPSets', 2, { who: ['slr'], req: detReq }],
  ['GetAdministratorAccount', 3, { who: ['slr'], req: detReq }],
];
const CONFIG_EVENTS: [string, number, Partial<Ev>][] = [
  [
    'PutEvaluations',
    40,
    {
      ro: false,
      req: (c) => ({
        evaluations: [
          {
            complianceResourceType: 'AWS::S3::Bucket',
            complianceResourceId: near(c.r, c.p.buckets, c.a.fav),
            complianceType: pick(c.r, ['COMPLIANT', 'COMPLIANT', 'NON_COMPLIANT']),
            orderingTimestamp: ctDate(c.ms - 60_000),
          },
        ],
        resultToken: 'HIDDEN_DUE_TO_SECURITY_REASONS',
        testMode: false,
      }),
      resp: () => ({ failedEvaluations: [] }),
    },
  ],
  ['DescribeConfigRules', 15, { who: ['slr', 'human'], req: () => null }],
  [
    'DescribeComplianceByConfigRule',
    10,
    { who: ['human', 'slr'], req: () => ({ complianceTypes: ['NON_COMPLIANT'] }) },
  ],
  ['DescribeConfigurationRecorders', 8, { who: ['slr'], req: () => null }],
  ['DescribeConfigurationRecorderStatus', 8, { who: ['slr'], req: () => null }],
  [
    'GetComplianceDetailsByConfigRule',
    8,
    {
      who: ['human'],
      req: () => ({
        configRuleName: 's3-bucket-server-side-encryption-enabled',
        complianceTypes: ['NON_COMPLIANT'],
        limit: 100,
      }),
    },
  ],
  ['DescribeDeliveryChannels', 5, { who: ['slr'], req: () => null }],
  [
    'SelectResourceConfig',
    3,
    {
      who: ['human'],
      req: () => ({
        expression: "SELECT resourceId, resourceType WHERE resourceType = 'AWS::EC2::Instance'",
        limit: 100,
      }),
    },
  ],
];
const zoneReq = (c: Ctx) => ({ hostedZoneId: pick(c.r, c.p.zones)[0] });
const ROUTE53_EVENTS: [string, number, Partial<Ev>][] = [
  ['ListHostedZones', 15, { who: ['slr', 'human', 'ci'], req: () => null }],
  ['GetHostedZone', 15, { who: ['ci', 'app'], req: (c) => ({ id: pick(c.r, c.p.zones)[0] }) }],
  ['ListResourceRecordSets', 35, { who: ['app', 'ci'], req: zoneReq }],
  [
    'ChangeResourceRecordSets',
    10,
    {
      who: ['app', 'ci'],
      req: (c) => ({
        ...zoneReq(c),
        changeBatch: {
          changes: [
            {
              action: 'UPSERT',
              resourceRecordSet: {
                name: `${near(c.r, APPS, c.a.fav)}.${pick(c.r, c.p.zones)[1]}`,
                type: 'TXT',
                tTL: 300,
                resourceRecords: [{ value: '"heritage=external-dns,external-dns/owner=prod-eks"' }],
              },
            },
          ],
        },
      }),
      resp: (c) => ({
        changeInfo: { id: `/change/C${hex(c.r, 20, true)}`, status: 'PENDING', submittedAt: ctDate(c.ms) },
      }),
    },
  ],
  ['GetChange', 15, { who: ['app', 'ci'], req: (c) => ({ id: `C${hex(c.r, 20, true)}` }) }],
  [
    'ListTagsForResource',
    5,
    { who: ['slr'], req: (c) => ({ resourceType: 'hostedzone', resourceId: pick(c.r, c.p.zones)[0] }) },
  ],
  ['ListHealthChecks', 5, { who: ['slr'], req: () => null }],
];
const tgArn = (c: Ctx) =>
  `arn:aws:elasticloadbalancing:${c.region}:${c.acct}:targetgroup/${near(c.r, c.p.targetGroups, c.a.fav)}`;
const ELB_EVENTS: [string, number, Partial<Ev>][] = [
  ['DescribeTargetHealth', 40, { who: ['slr', 'app'], req: (c) => ({ targetGroupArn: tgArn(c) }) }],
  ['DescribeLoadBalancers', 15, { who: ['slr', 'app', 'human'], req: () => ({ pageSize: 400 }) }],
  ['DescribeTargetGroups', 15, { who: ['slr', 'app'], req: (c) => ({ targetGroupArns: [tgArn(c)] }) }],
  [
    'DescribeListeners',
    8,
    {
      who: ['app', 'ci'],
      req: (c) => ({
        loadBalancerArn: `arn:aws:elasticloadbalancing:${c.region}:${c.acct}:loadbalancer/app/${near(c.r, APPS, c.a.fav)}-alb/${hex(c.r, 16)}`,
      }),
    },
  ],
  ['DescribeTags', 8, { who: ['slr', 'app'], req: (c) => ({ resourceArns: [tgArn(c)] }) }],
  [
    'RegisterTargets',
    5,
    {
      who: ['slr', 'app'],
      req: (c) => ({
        targetGroupArn: tgArn(c),
        targets: [{ id: `10.${int(c.r, 64)}.${int(c.r, 256)}.${int(c.r, 256)}`, port: 8080 }],
      }),
    },
  ],
  [
    'DeregisterTargets',
    5,
    {
      who: ['slr', 'app'],
      req: (c) => ({
        targetGroupArn: tgArn(c),
        targets: [{ id: `10.${int(c.r, 64)}.${int(c.r, 256)}.${int(c.r, 256)}`, port: 8080 }],
      }),
    },
  ],
  ['DescribeRules', 4, { who: ['app'], req: () => ({ pageSize: 100 }) }],
];
const dbReq = (c: Ctx) => ({ dBInstanceIdentifier: near(c.r, c.p.dbs, c.a.fav) });
const RDS_EVENTS: [string, number, Partial<Ev>][] = [
  ['DescribeDBInstances', 35, { who: ['slr', 'app', 'human'], req: (c) => (c.r() < 0.5 ? null : dbReq(c)) }],
  ['DescribeDBClusters', 15, { who: ['slr', 'human'], req: () => null }],
  ['DescribeDBSnapshots', 10, { who: ['slr'], req: (c) => ({ ...dbReq(c), snapshotType: 'automated' }) }],
  [
    'ListTagsForResource',
    10,
    {
      who: ['slr', 'ci'],
      req: (c) => ({ resourceName: `arn:aws:rds:${c.region}:${c.acct}:db:${near(c.r, c.p.dbs, c.a.fav)}` }),
    },
  ],
  ['DescribeDBLogFiles', 5, { who: ['app'], req: dbReq }],
  ['DescribeEvents', 5, { who: ['slr'], req: () => ({ duration: 60 }) }],
  ['DescribeDBParameterGroups', 5, { who: ['ci'], req: () => null }],
  ['DescribePendingMaintenanceActions', 5, { who: ['slr'], req: () => null }],
  ['DescribeDBEngineVersions', 3, { who: ['ci'], req: () => ({ engine: 'postgres', engineVersion: '16.4' }) }],
];

const SERVICE_EVENTS: [Svc, Who[], [string, number, Partial<Ev>][]][] = [
  [S3, ['app'], S3_EVENTS],
  [KMS, ['app'], KMS_EVENTS],
  [STS, ['app'], STS_EVENTS],
  [EC2, EC2_WHO, EC2_EVENTS],
  [BEDROCK, ['genai'], BEDROCK_EVENTS],
  [IAM, IAM_WHO, IAM_EVENTS],
  [LAMBDA, ['app'], LAMBDA_EVENTS],
  [LOGS, ['app'], LOGS_EVENTS],
  [MONITORING, ['app'], MONITORING_EVENTS],
  [SSM, ['app'], SSM_EVENTS],
  [DYNAMODB, ['app'], DYNAMODB_EVENTS],
  [SQS, ['app'], SQS_EVENTS],
  [SNS, ['app'], SNS_EVENTS],
  [SECRETS, ['app'], SECRETS_EVENTS],
  [ECR, ['app'], ECR_EVENTS],
  [ECS, ['app'], ECS_EVENTS],
  [EKS, ['app'], EKS_EVENTS],
  [CLOUDTRAIL, ['human'], CLOUDTRAIL_EVENTS],
  [SIGNIN, ['human'], SIGNIN_EVENTS],
  [SAGEMAKER, ['app'], SAGEMAKER_EVENTS],
  [GUARDDUTY, ['slr'], GUARDDUTY_EVENTS],
  [CONFIG, ['app'], CONFIG_EVENTS],
  [ROUTE53, ['app'], ROUTE53_EVENTS],
  [ELB, ['slr'], ELB_EVENTS],
  [RDS, ['slr'], RDS_EVENTS],
];
/** eventSource -> its events with their default weights. */
const EVENTS = new Map<string, [Ev, number][]>(
  SERVICE_EVENTS.map(([svc, who, rows]) => [
    svc.src,
    rows.map(([name, w, o]) => [e(svc, name, { who, ...o }), w] as [Ev, number]),
  ]),
);
function evOf(src: string, name: string): Ev {
  const ev = EVENTS.get(src)?.find(([x]) => x.name === name)?.[0];
  if (!ev) throw new Error(`no event ${src} ${name}`);
  return ev;
}

// ---------------------------------------------------------------------------------------------
// Rare security-relevant calls, large records and non-ASCII text

/** Rare calls, with their share of all records and the identity class making them. */
const RARE: [Ev, number, Cls][] = [];
function rare(svc: Svc, name: string, share: number, cls: Cls, o: Partial<Ev> = {}): void {
  RARE.push([e(svc, name, { who: ['human', 'ci'], ro: false, errMul: 2, ...o }), share, cls]);
}
const sgReq = (c: Ctx) => ({
  groupId: near(c.r, c.p.sgs, c.a.fav),
  ipPermissions: {
    items: [
      {
        ipProtocol: 'tcp',
        fromPort: pick(c.r, [443, 5432, 22, 8080]),
        toPort: pick(c.r, [443, 5432, 22, 8080]),
        groups: {},
        ipRanges: { items: [{ cidrIp: pick(c.r, ['10.0.0.0/16', '172.31.0.0/16', '203.0.113.0/24']) }] },
        ipv6Ranges: {},
        prefixListIds: {},
      },
    ],
  },
});
const newKey = (c: Ctx) => ({
  accessKey: {
    userName: near(c.r, c.p.users, c.a.fav),
    accessKeyId: `AKIA${b32(c.r, 16)}`,
    status: 'Active',
    createDate: ctDate(c.ms),
  },
});
const bucketOnly = (c: Ctx) => {
  c.v1 = near(c.r, c.p.buckets, c.a.fav);
  return { bucketName: c.v1, Host: s3Host(c, c.v1) };
};
const rareS3 = (sub: string | null, extra?: (c: Ctx) => Rec): Partial<Ev> => ({
  ...s3Bucket(sub, { extra }),
  ro: false,
});
rare(EC2, 'AuthorizeSecurityGroupIngress', 0.0002, 'AR', {
  req: sgReq,
  resp: (c) => ({
    requestId: uid(c.r),
    _return: true,
    securityGroupRuleSet: {
      items: [
        {
          groupOwnerId: c.acct,
          groupId: near(c.r, c.p.sgs, c.a.fav),
          securityGroupRuleId: `sgr-0${hex(c.r, 16)}`,
          isEgress: false,
          ipProtocol: 'tcp',
          fromPort: 443,
          toPort: 443,
          cidrIpv4: '10.0.0.0/16',
        },
      ],
    },
  }),
});
rare(EC2, 'RevokeSecurityGroupIngress', 0.0001, 'AR', { req: sgReq, resp: ec2Ok });
rare(EC2, 'CreateSecurityGroup', 0.0001, 'AR', {
  req: (c) => ({
    groupName: `${near(c.r, APPS, c.a.fav)}-sg-${hex(c.r, 4)}`,
    groupDescription: 'Managed by Terraform',
    vpcId: pick(c.r, c.p.vpcs),
  }),
  resp: (c) => ({ requestId: uid(c.r), _return: true, groupId: `sg-0${hex(c.r, 16)}` }),
});
rare(EC2, 'ImportKeyPair', 0.00001, 'AR', {
  req: (c) => ({ keyName: `${pick(c.r, PEOPLE)}-laptop`, publicKeyMaterial: '<sensitiveDataRemoved>' }),
  resp: (c) => ({
    requestId: uid(c.r),
    keyName: 'laptop',
    keyFingerprint: hex(c.r, 32).replace(/(..)(?!$)/g, '$1:'),
    keyPairId: `key-0${hex(c.r, 16)}`,
  }),
});
rare(EC2, 'CreateKeyPair', 0.00002, 'AR', { req: (c) => ({ keyName: `bastion-${hex(c.r, 4)}`, keyType: 'ed25519' }) });
rare(EC2, 'ModifyInstanceAttribute', 0.00005, 'AR', {
  req: (c) => ({ instanceId: pick(c.r, c.p.instances), disableApiTermination: { value: true } }),
  resp: ec2Ok,
});
rare(EC2, 'CreateRoute', 0.00003, 'AR', {
  req: (c) => ({
    routeTableId: `rtb-0${hex(c.r, 16)}`,
    destinationCidrBlock: '10.50.0.0/16',
    transitGatewayId: `tgw-0${hex(c.r, 16)}`,
  }),
  resp: ec2Ok,
});
rare(EC2, 'DeleteFlowLogs', 0.000005, 'AR', {
  req: (c) => ({ flowLogIds: { items: [{ flowLogId: `fl-0${hex(c.r, 16)}` }] } }),
});
rare(EC2, 'DisableEbsEncryptionByDefault', 0.000002, 'AR', { req: () => ({}) });
rare(EC2, 'GetPasswordData', 0.00001, 'AR', { ro: true, req: (c) => ({ instanceId: pick(c.r, c.p.instances) }) });
rare(EC2, 'RunInstances', 0.0002, 'AR', {
  who: ['slr', 'slr', 'ci'],
  req: (c) => ({
    instancesSet: { items: [{ imageId: pick(c.r, c.p.amis), minCount: 1, maxCount: 1 }] },
    launchTemplate: { launchTemplateId: `lt-0${hex(c.r, 16)}`, version: '7' },
    subnetId: near(c.r, c.p.subnets, c.a.fav),
    clientToken: uid(c.r),
  }),
});
rare(IAM, 'CreateAccessKey', 0.00004, 'AR', { req: userNameReq, resp: newKey });
rare(IAM, 'CreateAccessKey', 0.00001, 'IAM', { req: userNameReq, resp: newKey });
rare(IAM, 'DeleteAccessKey', 0.00003, 'AR', {
  req: (c) => ({ userName: near(c.r, c.p.users, c.a.fav), accessKeyId: `AKIA${b32(c.r, 16)}` }),
});
rare(IAM, 'UpdateAccessKey', 0.00002, 'AR', {
  req: (c) => ({ userName: near(c.r, c.p.users, c.a.fav), accessKeyId: `AKIA${b32(c.r, 16)}`, status: 'Inactive' }),
});
rare(IAM, 'CreateUser', 0.00002, 'AR', {
  req: (c) => ({ userName: `svc-${near(c.r, APPS, c.a.fav)}`, path: '/' }),
  resp: (c) => ({
    user: {
      path: '/',
      userName: `svc-${near(c.r, APPS, c.a.fav)}`,
      userId: `AIDA${b32(c.r, 17)}`,
      arn: `arn:aws:iam::${c.acct}:user/svc-${near(c.r, APPS, c.a.fav)}`,
      createDate: ctDate(c.ms),
    },
  }),
});
rare(IAM, 'AttachUserPolicy', 0.00002, 'AR', {
  req: (c) => ({ userName: near(c.r, c.p.users, c.a.fav), policyArn: policyArn(c) }),
});
rare(IAM, 'PutUserPolicy', 0.00001, 'AR', {
  req: (c) => ({
    userName: near(c.r, c.p.users, c.a.fav),
    policyName: 's3-upload',
    policyDocument:
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject"],"Resource":"arn:aws:s3:::acme-uploads/*"}]}',
  }),
});
rare(IAM, 'UpdateLoginProfile', 0.00001, 'AR', {
  req: (c) => ({ userName: near(c.r, c.p.users, c.a.fav), passwordResetRequired: true }),
});
rare(IAM, 'CreateLoginProfile', 0.00001, 'AR', {
  req: (c) => ({ userName: near(c.r, c.p.users, c.a.fav), passwordResetRequired: true }),
  resp: (c) => ({
    loginProfile: { userName: near(c.r, c.p.users, c.a.fav), createDate: ctDate(c.ms), passwordResetRequired: true },
  }),
});
rare(IAM, 'CreateRole', 0.00005, 'AR', {
  who: ['ci'],
  req: (c) => ({
    roleName: `${near(c.r, APPS, c.a.fav)}-${hex(c.r, 4)}-role`,
    assumeRolePolicyDocument:
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
  }),
});
rare(IAM, 'AttachRolePolicy', 0.00008, 'AR', {
  who: ['ci'],
  req: (c) => ({ roleName: near(c.r, c.p.roles, c.a.fav), policyArn: policyArn(c) }),
});
rare(IAM, 'DetachRolePolicy', 0.00003, 'AR', {
  who: ['ci'],
  req: (c) => ({ roleName: near(c.r, c.p.roles, c.a.fav), policyArn: policyArn(c) }),
});
rare(IAM, 'UpdateAssumeRolePolicy', 0.00001, 'AR', {
  who: ['ci'],
  req: (c) => ({
    roleName: near(c.r, c.p.roles, c.a.fav),
    policyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::${c.acct}:root"},"Action":"sts:AssumeRole"}]}`,
  }),
});
rare(IAM, 'AddUserToGroup', 0.00001, 'AR', {
  req: (c) => ({ groupName: 'developers', userName: near(c.r, c.p.users, c.a.fav) }),
});
rare(IAM, 'CreateServiceSpecificCredential', 0.000003, 'AR', {
  req: (c) => ({ userName: near(c.r, c.p.users, c.a.fav), serviceName: 'bedrock.amazonaws.com' }),
});
rare(IAM, 'GetAccountAuthorizationDetails', 0.00001, 'AR', {
  who: ['slr', 'human'],
  ro: true,
  req: () => ({ filter: ['User', 'Role', 'Group', 'LocalManagedPolicy'] }),
});
rare(STS, 'GetSessionToken', 0.0001, 'IAM', {
  who: ['human', 'ci'],
  ro: true,
  host: stsHost,
  req: () => ({ durationSeconds: 43200 }),
  resp: (c) => ({ credentials: credentials(c) }),
});
rare(STS, 'GetFederationToken', 0.00002, 'IAM', {
  who: ['app'],
  ro: true,
  req: (c) => ({ name: `tenant-${hex(c.r, 6)}`, durationSeconds: 3600 }),
  resp: (c) => ({
    credentials: credentials(c),
    federatedUser: { federatedUserId: `${c.acct}:tenant`, arn: `arn:aws:sts::${c.acct}:federated-user/tenant` },
  }),
});
rare(
  S3,
  'PutBucketVersioning',
  0.00002,
  'AR',
  rareS3('versioning', () => ({
    VersioningConfiguration: { Status: 'Enabled', xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
  })),
);
rare(S3, 'DeleteBucket', 0.00001, 'AR', rareS3(null));
rare(
  S3,
  'PutBucketPolicy',
  0.00003,
  'AR',
  rareS3('policy', (c) => ({
    bucketPolicy: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: [`arn:aws:s3:::${c.v1}`, `arn:aws:s3:::${c.v1}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    },
  })),
);
rare(S3, 'PutBucketAcl', 0.00002, 'AR', rareS3('acl'));
rare(
  S3,
  'PutBucketPublicAccessBlock',
  0.00002,
  'AR',
  rareS3('publicAccessBlock', () => ({
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
      xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
    },
  })),
);
rare(S3, 'CreateBucket', 0.00003, 'AR', {
  ...rareS3(null),
  req: (c) => ({
    ...bucketOnly(c),
    CreateBucketConfiguration: { LocationConstraint: c.region, xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/' },
  }),
});
const trailReq = () => ({ name: TRAIL_ARN });
rare(CLOUDTRAIL, 'StopLogging', 0.000002, 'AR', { req: trailReq });
rare(CLOUDTRAIL, 'DeleteTrail', 0.000001, 'AR', {
  req: (c) => ({ name: `arn:aws:cloudtrail:${c.region}:${c.acct}:trail/test-trail` }),
});
rare(CLOUDTRAIL, 'PutEventSelectors', 0.000005, 'AR', {
  req: () => ({
    trailName: TRAIL_ARN,
    eventSelectors: [
      {
        readWriteType: 'All',
        includeManagementEvents: true,
        dataResources: [{ type: 'AWS::S3::Object', values: ['arn:aws:s3'] }],
        excludeManagementEventSources: [],
      },
    ],
  }),
});
rare(CLOUDTRAIL, 'UpdateTrail', 0.000005, 'AR', {
  req: () => ({ name: TRAIL_ARN, isMultiRegionTrail: true, enableLogFileValidation: true }),
});
rare(CLOUDTRAIL, 'StartLogging', 0.000003, 'AR', { req: trailReq });
rare(GUARDDUTY, 'DeleteDetector', 0.000001, 'AR', { req: detReq });
rare(GUARDDUTY, 'UpdateDetector', 0.000005, 'AR', {
  req: (c) => ({ ...detReq(c), findingPublishingFrequency: 'FIFTEEN_MINUTES' }),
});
rare(GUARDDUTY, 'CreateIPSet', 0.000001, 'AR', {
  req: (c) => ({
    ...detReq(c),
    name: 'office-ips',
    format: 'TXT',
    location: 'https://s3.amazonaws.com/acme-security/office-ips.txt',
    activate: true,
  }),
});
rare(CONFIG, 'StopConfigurationRecorder', 0.000002, 'AR', { req: () => ({ configurationRecorderName: 'default' }) });
rare(CONFIG, 'DeleteDeliveryChannel', 0.000001, 'AR', { req: () => ({ deliveryChannelName: 'default' }) });
rare(SSM, 'SendCommand', 0.00005, 'AR', {
  req: (c) => ({
    instanceIds: [pick(c.r, c.p.instances)],
    documentName: 'AWS-RunPatchBaseline',
    parameters: 'HIDDEN_DUE_TO_SECURITY_REASONS',
    interactive: false,
  }),
});
rare(SSM, 'StartSession', 0.00005, 'AR', {
  who: ['human'],
  req: (c) => ({ target: pick(c.r, c.p.instances) }),
  resp: (c) => ({
    sessionId: `${c.a.name}-${hex(c.r, 17)}`,
    tokenValue: 'Value hidden due to security reasons.',
    streamUrl: `wss://ssmmessages.${c.region}.amazonaws.com/v1/data-channel/${hex(c.r, 17)}`,
  }),
});
rare(KMS, 'ScheduleKeyDeletion', 0.000005, 'AR', {
  req: (c) => ({ keyId: keyArn(c), pendingWindowInDays: 30 }),
  res: kmsRes,
});
rare(KMS, 'DisableKey', 0.000005, 'AR', { req: (c) => ({ keyId: keyArn(c) }), res: kmsRes });
rare(KMS, 'CreateKey', 0.00001, 'AR', {
  who: ['ci'],
  req: () => ({ keyUsage: 'ENCRYPT_DECRYPT', keySpec: 'SYMMETRIC_DEFAULT', origin: 'AWS_KMS', multiRegion: false }),
});
rare(LAMBDA, 'CreateFunction20150331', 0.00002, 'AR', {
  who: ['ci'],
  req: (c) => ({
    functionName: `${near(c.r, APPS, c.a.fav)}-${hex(c.r, 4)}`,
    runtime: 'python3.12',
    role: roleArnOf(c),
    handler: 'app.handler',
    code: {},
    timeout: 30,
    memorySize: 512,
    publish: true,
    environment: {},
  }),
});
rare(LAMBDA, 'UpdateFunctionConfiguration20150331v2', 0.00005, 'AR', {
  who: ['ci'],
  req: (c) => ({ functionName: near(c.r, c.p.functions, c.a.fav), timeout: 60, memorySize: 1024, environment: {} }),
});
rare(LAMBDA, 'AddPermission20150331v2', 0.00002, 'AR', {
  who: ['ci'],
  req: (c) => ({
    functionName: near(c.r, c.p.functions, c.a.fav),
    statementId: `AllowExecutionFromAPIGateway-${hex(c.r, 8)}`,
    action: 'lambda:InvokeFunction',
    principal: 'apigateway.amazonaws.com',
  }),
});
rare(LAMBDA, 'CreateFunctionUrlConfig', 0.000005, 'AR', {
  who: ['ci'],
  req: (c) => ({ functionName: near(c.r, c.p.functions, c.a.fav), authType: 'AWS_IAM' }),
});
rare(EKS, 'CreateCluster', 0.000002, 'AR', {
  who: ['ci'],
  req: () => ({ name: 'sandbox-eks', version: '1.31', roleArn: 'arn:aws:iam::111122223333:role/eks-cluster-role' }),
});
rare(EKS, 'DeleteCluster', 0.000001, 'AR', { who: ['ci'], req: () => ({ name: 'sandbox-eks' }) });
rare(RDS, 'ModifyDBInstance', 0.00002, 'AR', {
  who: ['ci', 'human'],
  req: (c) => ({ ...dbReq(c), dBInstanceClass: 'db.r7g.large', applyImmediately: false }),
});
rare(RDS, 'CreateDBSnapshot', 0.00003, 'AR', {
  who: ['slr', 'ci'],
  req: (c) => ({ ...dbReq(c), dBSnapshotIdentifier: `manual-${c.t.slice(0, 10)}-${hex(c.r, 6)}` }),
});
rare(RDS, 'AuthorizeDBSecurityGroupIngress', 0.000001, 'AR', {
  req: () => ({ dBSecurityGroupName: 'default', cIDRIP: '10.0.0.0/16' }),
});
rare(RDS, 'RestoreDBInstanceFromDBSnapshot', 0.000002, 'AR', {
  req: (c) => ({
    dBInstanceIdentifier: `restore-${hex(c.r, 6)}`,
    dBSnapshotIdentifier: `rds:${near(c.r, c.p.dbs, c.a.fav)}-${c.t.slice(0, 10)}`,
    publiclyAccessible: false,
  }),
});
rare(RDS, 'ModifyDBSnapshotAttribute', 0.000002, 'AR', {
  req: (c) => ({
    dBSnapshotIdentifier: `manual-${hex(c.r, 6)}`,
    attributeName: 'restore',
    valuesToAdd: ['444455556666'],
  }),
});
rare(BEDROCK, 'GetModelInvocationLoggingConfiguration', 0.00001, 'AR', { ro: true, who: ['human', 'slr'] });
rare(BEDROCK, 'PutModelInvocationLoggingConfiguration', 0.000002, 'AR', {
  who: ['ci'],
  req: (c) => ({
    loggingConfig: {
      s3Config: { bucketName: 'acme-bedrock-invocation-logs', keyPrefix: c.acct },
      textDataDeliveryEnabled: true,
      imageDataDeliveryEnabled: false,
      embeddingDataDeliveryEnabled: false,
    },
  }),
});
rare(BEDROCK, 'UpdateGuardrail', 0.000003, 'AR', {
  who: ['ci'],
  req: (c) => ({
    guardrailIdentifier: hex(c.r, 12),
    name: 'support-bot-guardrail',
    blockedInputMessaging: 'HIDDEN_DUE_TO_SECURITY_REASONS',
    blockedOutputsMessaging: 'HIDDEN_DUE_TO_SECURITY_REASONS',
  }),
});
rare(BEDROCK, 'DeleteGuardrail', 0.000001, 'AR', { who: ['ci'], req: (c) => ({ guardrailIdentifier: hex(c.r, 12) }) });
rare(BEDROCK, 'PutUseCaseForModelAccess', 0.000001, 'AR', { who: ['human'] });
rare(BEDROCK, 'CreateFoundationModelAgreement', 0.000001, 'AR', {
  who: ['human'],
  req: () => ({ offerToken: 'HIDDEN_DUE_TO_SECURITY_REASONS', modelId: 'anthropic.claude-sonnet-4-20250514-v1:0' }),
});
rare(SIGNIN, 'GetSigninToken', 0.000005, 'AR', {
  ...CONSOLE_LOGIN,
  fail: undefined,
  resp: () => ({ GetSigninToken: 'Success' }),
  add: undefined,
  type: 'AwsConsoleSignIn',
});

/** Records of 8-60 KB: size drawn once per record, skewed to the small end. */
const bigTarget = (c: Ctx) => 8_400 + Math.floor(48_600 * c.r() ** 2.2);
function policyDocument(c: Ctx, bytes: number): string {
  const statements: Rec[] = [];
  const services = ['s3', 'dynamodb', 'sqs', 'kms', 'logs', 'secretsmanager', 'ssm', 'bedrock', 'ecr'];
  let size = 40;
  for (let i = 0; size < bytes; i++) {
    const svc = services[i % services.length]!;
    const actions = ['Get*', 'List*', 'Describe*', 'Put*', 'Update*', 'Delete*']
      .slice(0, 2 + (i % 4))
      .map((x) => `${svc}:${x}`);
    const st = {
      Sid: `Allow${svc.toUpperCase()}${i}`,
      Effect: 'Allow',
      Action: actions,
      Resource: Array.from(
        { length: 2 + (i % 5) },
        (_, j) =>
          `arn:aws:${svc}:${c.region}:${c.acct}:${svc === 's3' ? '' : 'resource/'}${APPS[(i + j) % APPS.length]}-prod/*`,
      ),
      Condition: { StringEquals: { 'aws:ResourceTag/team': APPS[i % APPS.length], 'aws:RequestedRegion': [c.region] } },
    };
    size += JSON.stringify(st).length * 1.15;
    statements.push(st);
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}
function instanceItem(c: Ctx, i: number): Rec {
  const r = c.r;
  const id = `i-0${hex(r, 16)}`;
  const ip = `10.${int(r, 64)}.${int(r, 256)}.${int(r, 256)}`;
  const eni = `eni-0${hex(r, 16)}`;
  const sg = near(r, c.p.sgs, c.a.fav);
  return {
    instanceId: id,
    imageId: pick(r, c.p.amis),
    currentInstanceBootMode: 'uefi',
    instanceState: { code: 0, name: 'pending' },
    privateDnsName: `ip-${ip.replaceAll('.', '-')}.ec2.internal`,
    amiLaunchIndex: i,
    productCodes: {},
    instanceType: 'm7g.xlarge',
    launchTime: c.ms,
    placement: { availabilityZone: `${c.region}a`, tenancy: 'default' },
    monitoring: { state: 'disabled' },
    subnetId: near(r, c.p.subnets, c.a.fav),
    vpcId: pick(r, c.p.vpcs),
    privateIpAddress: ip,
    stateReason: { code: 'pending', message: 'pending' },
    architecture: 'arm64',
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    blockDeviceMapping: {},
    virtualizationType: 'hvm',
    clientToken: uid(r),
    tagSet: {
      items: [
        { key: 'aws:autoscaling:groupName', value: `${near(r, APPS, c.a.fav)}-asg` },
        { key: 'aws:ec2launchtemplate:id', value: `lt-0${hex(r, 16)}` },
        { key: 'Name', value: `${near(r, APPS, c.a.fav)}-worker` },
        { key: 'aws:ec2launchtemplate:version', value: '7' },
      ],
    },
    groupSet: { items: [{ groupId: sg, groupName: 'app-workers' }] },
    sourceDestCheck: true,
    hypervisor: 'xen',
    networkInterfaceSet: {
      items: [
        {
          networkInterfaceId: eni,
          subnetId: near(r, c.p.subnets, c.a.fav),
          vpcId: pick(r, c.p.vpcs),
          ownerId: c.acct,
          status: 'in-use',
          macAddress: `0e:${hex(r, 2)}:${hex(r, 2)}:${hex(r, 2)}:${hex(r, 2)}:${hex(r, 2)}`,
          privateIpAddress: ip,
          privateDnsName: `ip-${ip.replaceAll('.', '-')}.ec2.internal`,
          sourceDestCheck: true,
          interfaceType: 'interface',
          groupSet: { items: [{ groupId: sg, groupName: 'app-workers' }] },
          attachment: {
            attachmentId: `eni-attach-0${hex(r, 16)}`,
            deviceIndex: 0,
            networkCardIndex: 0,
            status: 'attaching',
            attachTime: c.ms,
            deleteOnTermination: true,
          },
          privateIpAddressesSet: {
            item: [
              { privateIpAddress: ip, privateDnsName: `ip-${ip.replaceAll('.', '-')}.ec2.internal`, primary: true },
            ],
          },
          ipv6AddressesSet: {},
          tagSet: {},
        },
      ],
    },
    ebsOptimized: true,
    enaSupport: true,
    cpuOptions: { coreCount: 4, threadsPerCore: 1 },
    capacityReservationSpecification: { capacityReservationPreference: 'open' },
    enclaveOptions: { enabled: false },
    metadataOptions: {
      state: 'pending',
      httpTokens: 'required',
      httpPutResponseHopLimit: 2,
      httpEndpoint: 'enabled',
      httpProtocolIpv4: 'enabled',
      httpProtocolIpv6: 'disabled',
      instanceMetadataTags: 'disabled',
    },
    maintenanceOptions: { autoRecovery: 'default' },
    privateDnsNameOptions: {
      hostnameType: 'ip-name',
      enableResourceNameDnsARecord: false,
      enableResourceNameDnsAAAARecord: false,
    },
  };
}
const LARGE: [Ev, number][] = [
  [
    e(MONITORING, 'GetMetricData', {
      who: ['app', 'app', 'slr'],
      errMul: 0,
      req: (c) => {
        const n = Math.max(20, Math.floor((bigTarget(c) - 1000) / 219));
        const q = Array.from({ length: n }, (_, i) => metricQuery(c, i));
        return {
          metricDataQueries: q,
          startTime: ctDate(c.ms - 10_800_000),
          endTime: ctDate(c.ms),
          scanBy: 'TimestampDescending',
        };
      },
    }),
    35,
  ],
  [
    e(EC2, 'DescribeInstances', {
      who: ['slr', 'app', 'ci'],
      errMul: 0,
      req: (c) => {
        const n = Math.floor((bigTarget(c) - 1180) / 37);
        const items = Array.from({ length: n }, (_, i) => ({
          instanceId: c.p.instances[(c.a.fav + i) % c.p.instances.length],
        }));
        return {
          instancesSet: { items },
          filterSet: {
            items: [{ name: 'instance-state-name', valueSet: { items: [{ value: 'running' }, { value: 'pending' }] } }],
          },
        };
      },
    }),
    20,
  ],
  [
    e(EC2, 'DescribeSecurityGroups', {
      who: ['slr', 'ci'],
      errMul: 0,
      req: (c) => {
        const n = Math.floor((bigTarget(c) - 1050) / 35);
        const items = Array.from({ length: n }, () => ({ groupId: `sg-0${hex(c.r, 16)}` }));
        return { securityGroupSet: {}, securityGroupIdSet: { items }, filterSet: {} };
      },
    }),
    5,
  ],
  [
    e(DYNAMODB, 'BatchGetItem', {
      data: true,
      errMul: 0,
      req: (c) => {
        c.v1 = near(c.r, c.p.tables, c.a.fav);
        const n = Math.floor((bigTarget(c) - 1220) / 45);
        const keys = Array.from({ length: n }, () => itemKey(c));
        return { requestItems: { [c.v1]: { keys, consistentRead: false } }, returnConsumedCapacity: 'TOTAL' };
      },
      res: tableRes,
    }),
    12,
  ],
  [
    e(ECS, 'RegisterTaskDefinition', {
      who: ['ci'],
      errMul: 0,
      req: (c) => {
        const app = near(c.r, APPS, c.a.fav);
        const n = Math.floor((bigTarget(c) - 1220) / 54);
        const environment = Array.from({ length: n }, (_, i) => ({
          name: `${app.toUpperCase().replaceAll('-', '_')}_SETTING_${i}`,
          value: `${pick(c.r, ['true', 'false', 'info', '30', 'https://api.example.com/v2'])}`,
        }));
        return {
          family: `${app}-prod`,
          taskRoleArn: `arn:aws:iam::${c.acct}:role/${app}-prod-task-role`,
          executionRoleArn: `arn:aws:iam::${c.acct}:role/ecsTaskExecutionRole`,
          networkMode: 'awsvpc',
          containerDefinitions: [
            {
              name: app,
              image: `${c.acct}.dkr.ecr.${c.region}.amazonaws.com/acme/${app}:${hex(c.r, 7)}`,
              cpu: 1024,
              memory: 2048,
              portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }],
              essential: true,
              environment,
              secrets: [
                {
                  name: 'DB_PASSWORD',
                  valueFrom: `arn:aws:secretsmanager:${c.region}:${c.acct}:secret:prod/${app}/db-credentials`,
                },
              ],
              logConfiguration: {
                logDriver: 'awslogs',
                options: {
                  'awslogs-group': `/ecs/${app}-prod`,
                  'awslogs-region': c.region,
                  'awslogs-stream-prefix': app,
                },
              },
            },
          ],
          requiresCompatibilities: ['FARGATE'],
          cpu: '1024',
          memory: '2048',
        };
      },
      resp: (c) => ({
        taskDefinition: {
          taskDefinitionArn: `arn:aws:ecs:${c.region}:${c.acct}:task-definition/${near(c.r, APPS, c.a.fav)}-prod:${1 + int(c.r, 300)}`,
          revision: 1 + int(c.r, 300),
          status: 'ACTIVE',
          registeredAt: ctDate(c.ms),
          registeredBy: c.a.arn,
        },
      }),
    }),
    8,
  ],
  [
    e(ECR, 'PutImage', {
      who: ['ci'],
      errMul: 0,
      ua: () => DOCKER,
      req: (c) => {
        const n = Math.max(8, Math.floor((bigTarget(c) - 1950) / 350));
        const manifest = JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
          config: {
            mediaType: 'application/vnd.docker.container.image.v1+json',
            size: 7000 + int(c.r, 9000),
            digest: `sha256:${hex(c.r, 64)}`,
          },
          layers: Array.from({ length: n }, () => ({
            mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
            size: int(c.r, 9e7),
            digest: `sha256:${hex(c.r, 64)}`,
          })),
        });
        c.v1 = manifest;
        c.v2 = near(c.r, c.p.repos, c.a.fav);
        return {
          repositoryName: c.v2,
          imageTag: hex(c.r, 7),
          imageManifest: manifest,
          imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        };
      },
      resp: (c) => ({
        image: {
          registryId: c.acct,
          repositoryName: c.v2,
          imageId: { imageDigest: `sha256:${hex(c.r, 64)}`, imageTag: hex(c.r, 7) },
          imageManifest: c.v1,
          imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        },
      }),
    }),
    8,
  ],
  [
    e(ROUTE53, 'ChangeResourceRecordSets', {
      who: ['app', 'ci'],
      errMul: 0,
      req: (c) => {
        const [zone, domain] = pick(c.r, c.p.zones);
        const n = Math.floor((bigTarget(c) - 700) / 152);
        const changes = Array.from({ length: n }, () => ({
          action: 'UPSERT',
          resourceRecordSet: {
            name: `${pick(c.r, APPS)}-${hex(c.r, 4)}.${domain}`,
            type: 'A',
            tTL: 60,
            resourceRecords: [{ value: `10.${int(c.r, 64)}.${int(c.r, 256)}.${int(c.r, 256)}` }],
          },
        }));
        return { hostedZoneId: zone, changeBatch: { changes } };
      },
      resp: (c) => ({
        changeInfo: { id: `/change/C${hex(c.r, 20, true)}`, status: 'PENDING', submittedAt: ctDate(c.ms) },
      }),
    }),
    5,
  ],
  [
    e(EC2, 'RunInstances', {
      who: ['slr', 'slr', 'ci'],
      errMul: 0,
      req: (c) => ({
        instancesSet: { items: [{ imageId: pick(c.r, c.p.amis), minCount: 1, maxCount: 1 }] },
        userData: '<sensitiveDataRemoved>',
        blockDeviceMapping: {},
        monitoring: { enabled: false },
        disableApiTermination: false,
        disableApiStop: false,
        clientToken: uid(c.r),
        launchTemplate: { launchTemplateId: `lt-0${hex(c.r, 16)}`, version: '7' },
      }),
      resp: (c) => {
        const n = Math.max(3, Math.round((bigTarget(c) - 1500) / 2457));
        return {
          requestId: uid(c.r),
          reservationId: `r-0${hex(c.r, 16)}`,
          ownerId: c.acct,
          requesterId: '940372691376',
          groupSet: {},
          instancesSet: { items: Array.from({ length: n }, (_, i) => instanceItem(c, i)) },
        };
      },
    }),
    4,
  ],
  ...(['PutRolePolicy', 'CreatePolicy', 'CreatePolicyVersion'] as const).map((name, i): [Ev, number] => [
    e(IAM, name, {
      who: ['ci'],
      errMul: 0,
      ro: false,
      req: (c) => {
        const doc = policyDocument(c, bigTarget(c) - 1000);
        const app = near(c.r, APPS, c.a.fav);
        if (name === 'PutRolePolicy')
          return { roleName: `${app}-prod-task-role`, policyName: `${app}-inline`, policyDocument: doc };
        if (name === 'CreatePolicy') return { policyName: `${app}-access`, path: '/', policyDocument: doc };
        return { policyArn: `arn:aws:iam::${c.acct}:policy/${app}-access`, policyDocument: doc, setAsDefault: true };
      },
    }),
    [1.5, 1, 0.5][i]!,
  ]),
];

const NON_ASCII_KEYS = [
  'rapports/2026/résumé-été.pdf',
  'uploads/用户/头像_01.png',
  'docs/議事録_第3回.docx',
  'exports/Übersicht_Q3.xlsx',
  'photos/São Paulo/praça-da-sé.jpg',
  'contrats/société/annexe n°2.pdf',
  'data/Ångström/mätningar.csv',
  'media/reactions/😀-party.gif',
  'invoices/Zürich/Rechnung_2026-11.pdf',
  'ko/보고서/월간_요약.pdf',
];
const NON_ASCII_TAGS = [
  'José Müller',
  'データ基盤チーム',
  'Équipe Données',
  'Ølberg Årstad',
  'Приложение платежей',
  '研发中心-北京',
  'Café ☕ kiosk',
  'Łukasz Żółć',
];
const NON_ASCII_APPS = [
  'app/Relatório-Diário',
  'app/日報ツール',
  'app/Größenprüfer',
  'app/naïve-sync',
  'app/Señal-Ingesta',
];
const NON_ASCII: [Ev, number][] = [
  [
    e(S3, 'PutObject', {
      ...s3Object({ write: true, keyFn: (c) => `${c.v2.slice(0, c.v2.indexOf('/') + 1)}${pick(c.r, NON_ASCII_KEYS)}` }),
      who: ['app', 'human'],
    }),
    30,
  ],
  [e(S3, 'GetObject', { ...s3Object({ keyFn: (c) => pick(c.r, NON_ASCII_KEYS) }), who: ['app', 'human'] }), 25],
  [
    e(EC2, 'CreateTags', {
      who: ['human', 'ci'],
      req: (c) => ({
        resourcesSet: { items: [{ resourceId: pick(c.r, c.p.instances) }] },
        tagSet: { items: [{ key: pick(c.r, ['Owner', 'Team', 'CostCenter']), value: pick(c.r, NON_ASCII_TAGS) }] },
      }),
      resp: ec2Ok,
    }),
    15,
  ],
  [
    e(SSM, 'PutParameter', {
      who: ['human', 'ci'],
      req: (c) => ({
        name: near(c.r, c.p.params, c.a.fav),
        description: `Clé d'API du fournisseur – ${pick(c.r, NON_ASCII_TAGS)}`,
        type: 'SecureString',
        overwrite: true,
      }),
      resp: () => ({ version: 3, tier: 'Standard' }),
    }),
    10,
  ],
  [e(DYNAMODB, 'GetItem', { ...item(true), ua: (c) => `${c.a.uas[0]} ${pick(c.r, NON_ASCII_APPS)}` }), 20],
];

// ---------------------------------------------------------------------------------------------
// Identity classes: shares, error rates, service mixes (AssumedRole's is the remainder)

type Cls = 'AR' | 'SVC' | 'IAM' | 'WEB' | 'SAML' | 'FED' | 'XACCT' | 'ANON' | 'ROOT';
const CLASS_KEY: Record<Cls, keyof typeof REALISTIC_MIX.identityTypes> = {
  AR: 'AssumedRole',
  SVC: 'AWSService',
  IAM: 'IAMUser',
  WEB: 'WebIdentityUser',
  SAML: 'SAMLUser',
  FED: 'FederatedUser',
  XACCT: 'AWSAccount',
  ANON: 'Anonymous',
  ROOT: 'Root',
};
const ERR_P: Record<Cls, number> = {
  AR: 0.045,
  SVC: 0.009,
  IAM: 0.053,
  WEB: 0.02,
  SAML: 0.02,
  FED: 0.02,
  XACCT: 0.06,
  ANON: 0.125,
  ROOT: 0.03,
};
type Mix = [src: string, share: number, names?: Record<string, number>][];
const aws = (name: string) => `${name}.amazonaws.com`;
const CLASS_MIX: Record<Exclude<Cls, 'AR'>, Mix> = {
  SVC: [
    [aws('sts'), 0.25, { AssumeRole: 1 }],
    [aws('kms'), 0.37, { Decrypt: 0.6, GenerateDataKey: 0.4 }],
    [aws('s3'), 0.2, { PutObject: 0.6, GetBucketAcl: 0.4 }],
    [aws('lambda'), 0.07, { Invoke: 1 }],
    [aws('sqs'), 0.05, { SendMessage: 1 }],
    [aws('sns'), 0.04, { Publish: 1 }],
    [aws('logs'), 0.02, { CreateLogStream: 1 }],
  ],
  IAM: [
    [aws('s3'), 0.34],
    [aws('ec2'), 0.12],
    [aws('monitoring'), 0.1],
    [aws('sts'), 0.06, { GetCallerIdentity: 1 }],
    [aws('kms'), 0.05, { Decrypt: 0.6, GenerateDataKey: 0.3, DescribeKey: 0.1 }],
    [aws('ecr'), 0.04],
    [aws('bedrock'), 0.03, { InvokeModel: 0.6, Converse: 0.4 }],
    [
      aws('lambda'),
      0.04,
      { GetFunction20150331v2: 0.4, UpdateFunctionCode20150331v2: 0.3, ListFunctions20150331: 0.3 },
    ],
    [aws('logs'), 0.05],
    [aws('ssm'), 0.03, { GetParameter: 0.6, GetParameters: 0.2, GetParametersByPath: 0.2 }],
    [aws('secretsmanager'), 0.03],
    [aws('iam'), 0.04],
    [aws('cloudtrail'), 0.01, { LookupEvents: 1 }],
    [aws('guardduty'), 0.01, { ListFindings: 0.5, GetFindings: 0.5 }],
    [aws('config'), 0.01, { DescribeComplianceByConfigRule: 1 }],
    [aws('eks'), 0.02, { DescribeCluster: 1 }],
    [aws('ecs'), 0.01, { DescribeServices: 0.5, UpdateService: 0.5 }],
    [aws('signin'), 0.005, { ConsoleLogin: 1 }],
  ],
  WEB: [[aws('sts'), 1, { AssumeRoleWithWebIdentity: 1 }]],
  SAML: [[aws('sts'), 1, { AssumeRoleWithSAML: 1 }]],
  FED: [
    [aws('s3'), 0.6, { GetObject: 0.6, PutObject: 0.4 }],
    [aws('ec2'), 0.1, { DescribeInstances: 1 }],
    [aws('kms'), 0.1, { Decrypt: 1 }],
    [aws('sqs'), 0.1, { SendMessage: 0.5, ReceiveMessage: 0.5 }],
    [aws('dynamodb'), 0.1, { GetItem: 0.5, Query: 0.5 }],
  ],
  XACCT: [
    [aws('s3'), 0.6, { GetObject: 0.6, PutObject: 0.3, HeadObject: 0.1 }],
    [aws('kms'), 0.25, { Decrypt: 0.7, GenerateDataKey: 0.3 }],
    [aws('sts'), 0.15, { AssumeRole: 1 }],
  ],
  ANON: [[aws('s3'), 1, { GetObject: 0.85, HeadObject: 0.1, ListObjects: 0.05 }]],
  ROOT: [
    [aws('signin'), 0.3, { ConsoleLogin: 0.85, CheckMfa: 0.15 }],
    [aws('iam'), 0.3, { GetAccountSummary: 0.3, ListUsers: 0.3, ListRoles: 0.2, GetCredentialReport: 0.2 }],
    [aws('s3'), 0.1, { ListBuckets: 0.6, GetBucketPolicy: 0.4 }],
    [aws('ec2'), 0.15, { DescribeInstances: 0.5, DescribeRegions: 0.5 }],
    [aws('cloudtrail'), 0.05, { LookupEvents: 1 }],
    [aws('monitoring'), 0.1, { DescribeAlarms: 1 }],
  ],
};
/** The AssumedRole service mix: what the target needs after the other classes' contributions. */
function assumedRoleMix(): Mix {
  const shares = REALISTIC_MIX.identityTypes;
  const left = new Map<string, number>(Object.entries(REALISTIC_MIX.services));
  for (const [cls, mix] of Object.entries(CLASS_MIX) as [Exclude<Cls, 'AR'>, Mix][]) {
    const total = mix.reduce((t, [, w]) => t + w, 0);
    for (const [src, w] of mix) left.set(src, (left.get(src) ?? 0) - (shares[CLASS_KEY[cls]] * w) / total);
  }
  return [...left].map(([src, v]): [string, number] => [src, Math.max(0, v) / shares.AssumedRole]);
}

interface ClassPlan {
  cls: Cls;
  events: Sampler<Ev>;
  rare: Sampler<Ev> | null;
  rareP: number;
  largeP: number;
  nonAsciiP: number;
  err: number;
}
function planFor(cls: Cls): ClassPlan {
  const mix = cls === 'AR' ? assumedRoleMix() : CLASS_MIX[cls];
  const entries: [Ev, number][] = [];
  for (const [src, share, names] of mix) {
    const events = EVENTS.get(src);
    if (!events) throw new Error(`no events for ${src}`);
    const chosen = names
      ? Object.entries(names).map(([n, w]): [Ev, number] => [evOf(src, n), w])
      : events.filter(([ev]) => !ev.only);
    const total = chosen.reduce((t, [, w]) => t + w, 0);
    for (const [ev, w] of chosen) entries.push([ev, (share * w) / total]);
  }
  const share = REALISTIC_MIX.identityTypes[CLASS_KEY[cls]];
  const rareHere = RARE.filter(([, , c]) => c === cls).map(([ev, w]): [Ev, number] => [ev, w]);
  const rareTotal = rareHere.reduce((t, [, w]) => t + w, 0);
  const bulk =
    cls === 'AR' || cls === 'IAM' ? REALISTIC_MIX.identityTypes.AssumedRole + REALISTIC_MIX.identityTypes.IAMUser : 0;
  return {
    cls,
    events: new Sampler(entries),
    rare: rareHere.length ? new Sampler(rareHere) : null,
    rareP: rareTotal / share,
    largeP: bulk ? REALISTIC_MIX.large / bulk : 0,
    nonAsciiP: bulk ? REALISTIC_MIX.nonAscii / bulk : 0,
    err: ERR_P[cls],
  };
}
const PLANS = new Sampler<ClassPlan>(
  (Object.keys(CLASS_KEY) as Cls[]).map((cls) => [planFor(cls), REALISTIC_MIX.identityTypes[CLASS_KEY[cls]]]),
);
const LARGE_EVENTS = new Sampler(LARGE);
const NON_ASCII_EVENTS = new Sampler(NON_ASCII);
const REGION = new Sampler(REGIONS);

// ---------------------------------------------------------------------------------------------
// One record

function actorFor(c: Ctx, cls: Cls, ev: Ev): Actor {
  const r = c.r;
  const p = c.p;
  switch (cls) {
    case 'AR': {
      const pool = p.ar[ev.who[(r() * ev.who.length) | 0]!];
      return pool.length ? skew(r, pool) : skew(r, p.ar.app);
    }
    case 'SVC': {
      const by = ev.by ?? ASSUME_BY;
      return p.svcBy.get(by[(r() * by.length) | 0]!) ?? p.svc[0]!;
    }
    case 'IAM': {
      // Integrations make the GenAI calls: CI keys (ci-deploy, the key the intrusion uses) never call Bedrock.
      const who = ev.who[(r() * ev.who.length) | 0];
      const pool =
        who === 'human'
          ? p.iamHuman
          : who === 'ci' || who === 'slr'
            ? p.iamCi
            : who === 'genai' || r() < 0.7
              ? p.iamApp
              : p.iamCi;
      return skew(r, pool);
    }
    case 'WEB':
      return skew(r, p.web);
    case 'SAML':
      return skew(r, p.saml);
    case 'FED':
      return skew(r, p.fed);
    case 'XACCT':
      return skew(r, p.xacct);
    case 'ANON':
      return p.anon;
    default:
      return weighted(
        r,
        p.root.map((a, i): [Actor, number] => [a, ACCOUNTS[i]![1]]),
      );
  }
}

function tlsFor(v: number, host: string): Rec {
  return v === 2
    ? { tlsVersion: 'TLSv1.3', cipherSuite: TLS13, clientProvidedHostHeader: host }
    : { tlsVersion: 'TLSv1.2', cipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256', clientProvidedHostHeader: host };
}

function loginIdentity(a: Actor): Rec {
  if (!a.login) {
    const login: Rec = {};
    for (const [k, v] of Object.entries(a.ui)) login[k] = k === 'accessKeyId' ? '' : v;
    a.login = login;
  }
  return a.login;
}

function build(c: Ctx, ev: Ev, plan: ClassPlan): Rec {
  const r = c.r;
  const a = c.a;
  c.failed = false;
  c.v1 = '';
  c.v2 = '';
  const ips = a.ips;
  let ip = ips.length === 1 ? ips[0]! : ips[(r() * r() * ips.length) | 0]!;
  let ua: string;
  let ui = a.ui;
  let fromConsole = false;
  if (ev.console) {
    ua = a.browser ?? a.uas[0]!;
    if (a.ui.type !== 'AssumedRole') ui = loginIdentity(a);
  } else if (a.human && a.ui.type !== 'IAMUser' && r() < 0.6) {
    fromConsole = true;
    if (ev.svc === S3) ua = S3_CONSOLE;
    else if (r() < 0.15) {
      ua = 'AWS Internal';
      ip = ua;
    } else ua = a.browser ?? a.uas[0]!;
  } else ua = ev.ua ? ev.ua(c) : a.uas[0]!;

  let err: ErrDef | undefined;
  if (ev.errMul && r() < plan.err * ev.errMul) {
    const u = r();
    const kind: ErrKind = plan.cls === 'ANON' ? (u < 0.6 ? 0 : 1) : u < 0.6 ? 0 : u < 0.77 ? 1 : u < 0.9 ? 2 : 3;
    err = ev.errs?.[kind] ?? ev.svc.errs[kind];
  }
  const failure = ev.fail ? ev.fail(c) : null;
  c.failed = failure !== null || err !== undefined;
  const req = ev.req ? ev.req(c) : null;

  const rec: Rec = {
    eventVersion: ev.svc.ver,
    userIdentity: ui,
    eventTime: c.t,
    eventSource: ev.svc.src,
    eventName: ev.name,
    awsRegion: c.region,
    sourceIPAddress: ip,
    userAgent: ua,
  };
  if (err) {
    rec.errorCode = err[0];
    rec.errorMessage = err[1](c, ev);
  } else if (failure) rec.errorMessage = failure;
  rec.requestParameters = req;
  rec.responseElements = !err && ev.resp ? ev.resp(c) : null;
  if (ev.add) {
    const add = ev.add(c);
    if (add) rec.additionalEventData = add;
  }
  rec.requestID = ev.s3id ? s3ReqId(r) : uid(r);
  rec.eventID = uid(r);
  rec.readOnly = ev.ro;
  if (ev.res) {
    const res = ev.res(c);
    if (res) rec.resources = res;
  }
  rec.eventType = ev.type ?? 'AwsApiCall';
  rec.managementEvent = !ev.data;
  rec.recipientAccountId = c.acct;
  if (a.vpce && ev.svc.vpce) {
    rec.vpcEndpointId = a.vpce;
    rec.vpcEndpointAccountId = c.acct;
  }
  rec.eventCategory = ev.data ? 'Data' : 'Management';
  if (a.tls && ip !== 'AWS Internal') rec.tlsDetails = tlsFor(a.tls, ev.host ? ev.host(c) : hostOf(c, ev.svc));
  if (fromConsole) rec.sessionCredentialFromConsole = 'true';
  return rec;
}

function benignRecord(c: Ctx): Rec {
  const r = c.r;
  const plan = PLANS.sample(r());
  const x = r();
  let ev: Ev;
  if (x < plan.rareP && plan.rare) ev = plan.rare.sample(r());
  else if (x < plan.rareP + plan.largeP) ev = LARGE_EVENTS.sample(r());
  else if (x < plan.rareP + plan.largeP + plan.nonAsciiP) ev = NON_ASCII_EVENTS.sample(r());
  else ev = plan.events.sample(r());
  const a = actorFor(c, plan.cls, ev);
  c.a = a;
  c.acct = a.acct;
  c.region = ev.svc.global ? 'us-east-1' : a.home && r() < 0.88 ? a.home : REGION.sample(r());
  return build(c, ev, plan);
}

// ---------------------------------------------------------------------------------------------
// The stream

/** CloudTrail's own key order (fields a record lacks are skipped). */
const KEY_ORDER = [
  'eventVersion',
  'userIdentity',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'requestID',
  'eventID',
  'readOnly',
  'resources',
  'eventType',
  'apiVersion',
  'managementEvent',
  'recipientAccountId',
  'sharedEventID',
  'vpcEndpointId',
  'vpcEndpointAccountId',
  'serviceEventDetails',
  'eventCategory',
  'tlsDetails',
  'sessionCredentialFromConsole',
];
function inCloudTrailOrder(rec: Rec): Rec {
  const out: Rec = {};
  for (const k of KEY_ORDER) if (k in rec) out[k] = rec[k];
  for (const k of Object.keys(rec)) if (!(k in out)) out[k] = rec[k];
  return out;
}

/**
 * Event times for `n` records over [start, start + span): denser in the (UTC) afternoon, sparser at
 * night, ascending. Returns a function of the record index, to be called with increasing indexes.
 */
function diurnalClock(startMs: number, spanMs: number, n: number): (i: number) => number {
  const buckets = Math.max(1, Math.ceil(spanMs / 60_000));
  const width = spanMs / buckets;
  const cum = new Float64Array(buckets + 1);
  for (let k = 0; k < buckets; k++) {
    const hour = ((startMs + (k + 0.5) * width) / 3_600_000) % 24;
    cum[k + 1] = cum[k]! + 1 + 0.6 * Math.cos((2 * Math.PI * (hour - 16)) / 24);
  }
  const total = cum[buckets]!;
  for (let k = 1; k <= buckets; k++) cum[k] = cum[k]! / total;
  let k = 0;
  return (i) => {
    const u = (i + 0.5) / n;
    while (k < buckets - 1 && cum[k + 1]! <= u) k++;
    const f = (u - cum[k]!) / (cum[k + 1]! - cum[k]!);
    return startMs + Math.min(spanMs - 1, Math.floor((k + f) * width));
  };
}

/**
 * `total` realistic CloudTrail records in eventTime order over `hours` (default 24) from `start`
 * (default 2026-11-20T00:00:00Z), seeded: the same options give the same records. The LLMjacking
 * intrusion (`attackRecords`, `invocations` default 500) is woven in from the middle of the range.
 * Streams: holds the pools and the intrusion's records, never the mix.
 */
export function* realisticCloudTrailMix(opts: {
  total: number;
  seed: number;
  invocations?: number;
  start?: Date;
  hours?: number;
}): Generator<Record<string, unknown>> {
  const total = Math.max(0, Math.floor(opts.total));
  const startMs = (opts.start ?? new Date('2026-11-20T00:00:00Z')).getTime();
  const spanMs = (opts.hours ?? 24) * 3_600_000;
  const seed = opts.seed >>> 0;
  const r = rng(seed);
  const p = makePools(rng((Math.imul(seed, 0x9e3779b1) + 0x7f4a7c15) >>> 0), startMs);
  const attack = attackRecords(
    rng((seed ^ 0x5eed1e55) >>> 0),
    new Date(startMs + spanMs / 2),
    opts.invocations ?? 500,
  ).map(inCloudTrailOrder);
  const attackMs = attack.map((a) => Date.parse(a.eventTime as string));
  const benign = Math.max(0, total - attack.length);
  const clock = diurnalClock(startMs, spanMs, Math.max(1, benign));
  const c: Ctx = { r, p, a: p.anon, region: 'us-east-1', acct: ACCOUNT, t: '', ms: 0, failed: false, v1: '', v2: '' };
  let lastSec = -1;
  let ai = 0;
  let emitted = 0;
  for (let i = 0; i < benign; i++) {
    const ms = clock(i);
    while (ai < attack.length && attackMs[ai]! <= ms) {
      yield attack[ai++]!;
      emitted++;
    }
    const sec = Math.floor(ms / 1000);
    if (sec !== lastSec) {
      lastSec = sec;
      c.t = `${new Date(sec * 1000).toISOString().slice(0, 19)}Z`;
    }
    c.ms = ms;
    yield benignRecord(c);
    emitted++;
  }
  while (ai < attack.length && emitted < total) {
    yield attack[ai++]!;
    emitted++;
  }
}

// ---------------------------------------------------------------------------------------------
// Serialisation, with a few records in escaped-but-equivalent JSON

/**
 * `JSON.stringify(rec)`, except for a seeded ~0.05% of records (REALISTIC_MIX.escaped) written with
 * JSON escapes a reader must decode: non-ASCII as \uXXXX, '/' as '\/', and some ASCII letters (in
 * keys and values) as \u00XX. The text parses to the same value. Draws from `r` once per record.
 */
export function serializeRecord(rec: Record<string, unknown>, r: () => number): string {
  const json = JSON.stringify(rec);
  return r() < REALISTIC_MIX.escaped ? escapeJson(json, r) : json;
}

function u4(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}
function escapeJson(json: string, r: () => number): string {
  const out: string[] = [];
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i]!;
    const code = json.charCodeAt(i);
    if (!inString) {
      if (code === 34) inString = true;
      out.push(ch);
    } else if (code === 92) {
      // An existing escape: copy it whole (\uXXXX is six characters).
      const len = json[i + 1] === 'u' ? 6 : 2;
      out.push(json.slice(i, i + len));
      i += len - 1;
    } else if (code === 34) {
      inString = false;
      out.push(ch);
    } else if (code > 127) out.push(u4(code));
    else if (code === 47) out.push('\\/');
    else if (((code >= 65 && code <= 90) || (code >= 97 && code <= 122)) && r() < 0.08) out.push(u4(code));
    else out.push(ch);
  }
  return out.join('');
}
