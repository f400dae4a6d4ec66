/**
 * A seeded generator of weeks of quiet Bedrock usage for a small organisation, as raw CloudTrail
 * records and Bedrock model-invocation log records, with an optional LLMjacking episode. See
 * README.md beside this file for the personas, the seasonality and noise, and the episodes.
 */
import { ACCOUNT, attackRecords, cloudTrailRecord, iamUserIdentity, rng } from '../../bench/cloudtrail-mix.js';

export { ACCOUNT };

type Rec = Record<string, unknown>;
export type ScenarioKind = 'aws.cloudtrail' | 'aws.bedrock.invocation';

export interface ScenarioRecord {
  kind: ScenarioKind;
  /** ISO 8601 UTC. */
  time: string;
  record: Rec;
}

export interface EpisodeOptions {
  /**
   * `new-key`: the leaked long-term key of `ci-deploy`, an IAM user that never invoked a model
   * (the bench intrusion: recon, region hopping, probe, model enablement, heavy streaming).
   * `stolen-key`: the long-term key of data scientist `alice`, who invokes models every weekday,
   * used by the attacker from new networks and clients, off-hours.
   */
  kind: 'new-key' | 'stolen-key';
  /** ISO time of the first attacker call. */
  start: string;
  /** Abusive streaming invocations (default 1,500: about 1.7 h at 2–6 s apart). */
  invocations?: number;
  /** Whether the attacker's invocations reach the invocation log (default: as the org's setting). */
  invocationLogs?: boolean;
}

export interface ScenarioOptions {
  seed?: number;
  /** A Monday, 00:00 UTC (default 2026-10-05). */
  start?: string;
  weeks?: number;
  /** The org has model invocation logging on (default true): token counts for every call. */
  invocationLogs?: boolean;
  episode?: EpisodeOptions;
}

export interface EpisodeInfo {
  kind: EpisodeOptions['kind'];
  start: string;
  end: string;
  identity: string;
  accessKeyId: string;
  invocations: number;
}

export interface Scenario {
  records: ScenarioRecord[];
  /** Identity ARNs of the personas, by persona name. */
  identities: Record<string, string>;
  episode?: EpisodeInfo;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const MODELS = {
  sonnet: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
  haiku: 'anthropic.claude-3-haiku-20240307-v1:0',
  haiku35: 'anthropic.claude-3-5-haiku-20241022-v1:0',
  opus: 'anthropic.claude-3-opus-20240229-v1:0',
} as const;

const UA = {
  boto: (v: string) =>
    `Boto3/${v} md/Botocore#${v} ua/2.0 os/linux#6.8.0-1016-aws md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/${v}`,
  java: 'aws-sdk-java/2.25.60 Linux/5.10.220-209.869.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/standard',
  js: 'aws-sdk-js/3.600.0 ua/2.0 os/linux#6.5.0-1025-azure lang/js md/nodejs#20.15.1 api/bedrock-runtime#3.600.0',
  attackerChecker: 'Python/3.11 aiohttp/3.9.5',
  attackerProxy: 'axios/1.7.4',
};

interface Persona {
  name: string;
  userIdentity: (day: number, hour: number) => Rec;
  arn: string;
  /** Expected calls in hour `h` (UTC) of weekday `dow` (0 = Sunday) on day `day`. */
  rate: (day: number, dow: number, h: number) => number;
  model: (r: () => number, day: number) => string;
  operation: (r: () => number) => string;
  region: string;
  ip: (r: () => number) => string;
  ua: (day: number) => string;
  tokens: { input: number; output: number };
}

function assumedRole(role: string, session: string, keyId: string): Rec {
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE${role
      .toUpperCase()
      .replace(/[^A-Z]/g, '')
      .slice(0, 10)}:${session}`,
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${role}/${session}`,
    accountId: ACCOUNT,
    accessKeyId: keyId,
    sessionContext: {
      sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/${role}`, accountId: ACCOUNT, userName: role },
      attributes: { creationDate: '2026-10-01T00:00:00Z', mfaAuthenticated: 'false' },
    },
  };
}

const weekday = (dow: number) => dow >= 1 && dow <= 5;
/** Session keys rotate every 6 hours, as instance-profile credentials do. */
const sessionKey = (tag: string, day: number, hour: number) =>
  `ASIAEXAMPLE${tag}${String(day * 4 + Math.floor(hour / 6)).padStart(4, '0')}`;

function personas(): Persona[] {
  const app = (session: string, ip: string, tag: string): Persona => ({
    name: `app-${session}`,
    userIdentity: (d, h) => assumedRole('genai-app-role', session, sessionKey(tag, d, h)),
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/genai-app-role/${session}`,
    // Around the clock, busier in (European) working hours and on weekdays.
    rate: (_d, dow, h) => (h >= 7 && h < 19 ? 26 : 8) * (weekday(dow) ? 1 : 0.55),
    model: () => MODELS.sonnet,
    operation: (r) => (r() < 0.8 ? 'Converse' : 'InvokeModel'),
    region: 'us-east-1',
    ip: () => ip,
    ua: () => UA.boto('1.35.50'),
    tokens: { input: 1500, output: 300 },
  });
  return [
    app('i-0a1b2c3d4e5f60718', '10.20.4.17', 'APPA'),
    app('i-0f9e8d7c6b5a40321', '10.20.5.22', 'APPB'),
    {
      name: 'etl',
      userIdentity: (d, h) => assumedRole('etl-summarizer', 'etl-nightly', sessionKey('ETL0', d, h)),
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/etl-summarizer/etl-nightly`,
      rate: (_d, dow, h) => (weekday(dow) && (h === 1 || h === 2) ? 110 : 0),
      model: () => MODELS.haiku,
      operation: () => 'InvokeModel',
      region: 'us-east-1',
      ip: () => '10.20.9.3',
      ua: () => UA.java,
      tokens: { input: 2000, output: 250 },
    },
    {
      name: 'alice',
      userIdentity: () => iamUserIdentity('alice', 'AKIAEXAMPLEALICE0001'),
      arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
      rate: (_d, dow, h) => (weekday(dow) && h >= 8 && h < 17 ? (h === 12 ? 3 : 9) : 0),
      // Mostly Sonnet, some Opus; from day 17 she tries Claude 3.5 Haiku, a few calls at first.
      model: (r, d) => {
        const x = r();
        if (d >= 19 && x < 0.25) return MODELS.haiku35;
        if (d >= 17 && d < 19 && x < 0.06) return MODELS.haiku35;
        return x > 0.82 ? MODELS.opus : MODELS.sonnet;
      },
      operation: (r) => (r() < 0.5 ? 'Converse' : 'InvokeModel'),
      region: 'us-east-1',
      ip: (r) => (r() < 0.7 ? `203.0.113.${10 + Math.floor(r() * 3)}` : '198.51.100.77'),
      // An SDK upgrade in week 3.
      ua: (d) => UA.boto(d < 15 ? '1.35.50' : '1.35.80'),
      tokens: { input: 2500, output: 500 },
    },
    {
      name: 'bob',
      userIdentity: () => iamUserIdentity('bob', 'AKIAEXAMPLEBOB000002'),
      arn: `arn:aws:iam::${ACCOUNT}:user/bob`,
      // Office hours plus, some evenings, a short late session (decided per day from the seed).
      rate: (d, dow, h) => {
        if (!weekday(dow)) return 0;
        if (h >= 9 && h < 18) return 6;
        return h === 20 && (d * 7919) % 13 === 0 ? 4 : 0;
      },
      model: () => MODELS.sonnet,
      operation: () => 'Converse',
      region: 'us-east-1',
      ip: (r) => (r() < 0.6 ? '203.0.113.11' : '192.0.2.50'),
      ua: () => UA.boto('1.34.144'),
      tokens: { input: 1800, output: 400 },
    },
    {
      name: 'ci-eval',
      userIdentity: (d, h) => assumedRole('github-actions-eval', 'GitHubActions', sessionKey('CI00', d, h)),
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/github-actions-eval/GitHubActions`,
      // The evaluation suite: nightly at 02:00, and on weekday afternoons after merges.
      rate: (_d, dow, h) => (h === 2 ? 40 : weekday(dow) && h === 14 ? 60 : 0),
      model: (r) => (r() < 0.5 ? MODELS.haiku : MODELS.sonnet),
      operation: () => 'InvokeModel',
      region: 'us-west-2',
      ip: (r) => `140.82.${112 + Math.floor(r() * 3)}.${1 + Math.floor(r() * 250)}`,
      ua: () => UA.js,
      tokens: { input: 1200, output: 200 },
    },
  ];
}

/** Poisson sample (Knuth below 30, normal approximation above). */
function poisson(r: () => number, lambda: number): number {
  if (lambda <= 0) return 0;
  if (lambda > 30) {
    const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    return Math.max(0, Math.round(lambda + z * Math.sqrt(lambda)));
  }
  const limit = Math.exp(-lambda);
  let k = 0;
  for (let p = r(); p > limit; p *= r()) k++;
  return k;
}

/** Log-normal multiplicative noise with median 1. */
function lognormal(r: () => number, sigma: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return Math.exp(sigma * z);
}

function cloudTrailInvoke(
  r: () => number,
  p: { userIdentity: Rec; ip: string; ua: string },
  time: number,
  operation: string,
  model: string,
  region: string,
  error?: [string, string],
): Rec {
  return cloudTrailRecord(
    r,
    { userIdentity: p.userIdentity, sourceIPAddress: p.ip, userAgent: p.ua },
    new Date(time),
    'bedrock.amazonaws.com',
    operation,
    region,
    { req: { modelId: model }, host: `bedrock-runtime.${region}.amazonaws.com`, error, readOnly: true },
  );
}

/** The invocation-log record of the same request (same requestId as CloudTrail's requestID). */
function invocationLog(ct: Rec, inputTokens: number, outputTokens: number): Rec {
  const identity = ct.userIdentity as Rec;
  const log: Rec = {
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: ct.eventTime,
    accountId: ACCOUNT,
    identity: { arn: identity.arn },
    region: ct.awsRegion,
    requestId: ct.requestID,
    operation: ct.eventName,
    modelId: (ct.requestParameters as Rec).modelId,
    input: { inputContentType: 'application/json', inputTokenCount: inputTokens },
    output: { outputContentType: 'application/json', outputTokenCount: outputTokens },
  };
  if (ct.errorCode) log.errorCode = ct.errorCode;
  return log;
}

/** A few non-Bedrock calls by the deploy user (it exists and is active, but never invokes models). */
function deployNoise(r: () => number, time: number): Rec {
  const name = r() < 0.5 ? 'GetCallerIdentity' : 'DescribeStacks';
  const actor = {
    userIdentity: iamUserIdentity('ci-deploy', 'AKIAEXAMPLELEAKED004'),
    sourceIPAddress: `140.82.113.${1 + Math.floor(r() * 250)}`,
    userAgent: UA.js,
  };
  const source = name === 'GetCallerIdentity' ? 'sts.amazonaws.com' : 'cloudformation.amazonaws.com';
  return cloudTrailRecord(r, actor, new Date(time), source, name, 'us-east-1', { readOnly: true });
}

const INVOKE = /^(InvokeModel|InvokeModelWithResponseStream|Converse|ConverseStream)$/;

export function generateScenario(opts: ScenarioOptions = {}): Scenario {
  const r = rng(opts.seed ?? 7);
  const start = Date.parse(opts.start ?? '2026-10-05T00:00:00Z');
  const days = (opts.weeks ?? 5) * 7;
  const logs = opts.invocationLogs ?? true;
  const out: ScenarioRecord[] = [];
  const push = (kind: ScenarioKind, record: Rec, time: string) => out.push({ kind, time, record });
  const people = personas();

  for (let d = 0; d < days; d++) {
    const dayStart = start + d * DAY;
    const dow = new Date(dayStart).getUTCDay();
    // How busy each persona is today (a quiet Friday, a deadline Tuesday …).
    const dayFactor = people.map(() => lognormal(r, 0.2));
    for (let h = 0; h < 24; h++) {
      people.forEach((p, i) => {
        const n = poisson(r, p.rate(d, dow, h) * dayFactor[i]!);
        for (let k = 0; k < n; k++) {
          const time = dayStart + h * HOUR + Math.floor(r() * HOUR);
          const ct = cloudTrailInvoke(
            r,
            { userIdentity: p.userIdentity(d, h), ip: p.ip(r), ua: p.ua(d) },
            time,
            p.operation(r),
            p.model(r, d),
            p.region,
          );
          push('aws.cloudtrail', ct, ct.eventTime as string);
          if (logs) {
            const input = Math.max(20, Math.round(p.tokens.input * lognormal(r, 0.35)));
            const output = Math.max(5, Math.round(p.tokens.output * lognormal(r, 0.35)));
            push('aws.bedrock.invocation', invocationLog(ct, input, output), ct.eventTime as string);
          }
        }
      });
      if (weekday(dow) && h >= 9 && h < 18 && r() < 0.3) {
        const rec = deployNoise(r, dayStart + h * HOUR + Math.floor(r() * HOUR));
        push('aws.cloudtrail', rec, rec.eventTime as string);
      }
    }
  }

  const identities = Object.fromEntries(people.map((p) => [p.name, p.arn]));
  identities['ci-deploy'] = `arn:aws:iam::${ACCOUNT}:user/ci-deploy`;
  let episode: EpisodeInfo | undefined;
  if (opts.episode) {
    const e = opts.episode;
    const at = new Date(e.start);
    const n = e.invocations ?? 1500;
    const er = rng((opts.seed ?? 7) ^ 0x5eed);
    const records = e.kind === 'new-key' ? attackRecords(er, at, n) : stolenKeyRecords(er, at.getTime(), n);
    const withLogs = e.invocationLogs ?? logs;
    for (const rec of records) {
      push('aws.cloudtrail', rec, rec.eventTime as string);
      if (withLogs && INVOKE.test(String(rec.eventName))) {
        const failed = rec.errorCode !== undefined;
        const input = failed ? 12 : Math.round(9000 * lognormal(er, 0.3));
        const output = failed ? 0 : Math.round(1500 * lognormal(er, 0.3));
        push('aws.bedrock.invocation', invocationLog(rec, input, output), rec.eventTime as string);
      }
    }
    const ui = records[0]!.userIdentity as Rec;
    episode = {
      kind: e.kind,
      start: records[0]!.eventTime as string,
      end: records.at(-1)!.eventTime as string,
      identity: String(ui.arn),
      accessKeyId: String(ui.accessKeyId),
      invocations: n,
    };
  }
  out.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  return { records: out, identities, ...(episode ? { episode } : {}) };
}

/**
 * Alice's key in the attacker's hands: key check, discovery across regions, the probe, the logging
 * check, then heavy Opus streaming through a reverse proxy from new networks, off-hours.
 */
function stolenKeyRecords(r: () => number, start: number, invocations: number): Rec[] {
  const key = 'AKIAEXAMPLEALICE0001';
  const checker = { userIdentity: iamUserIdentity('alice', key), ip: '185.220.101.34', ua: UA.attackerChecker };
  let t = start;
  const step = (ms: number) => (t += ms);
  const out: Rec[] = [];
  const control = (name: string, region: string, source = 'bedrock.amazonaws.com'): Rec => ({
    ...cloudTrailInvoke(r, checker, step(700), name, '', region),
    eventSource: source,
    requestParameters: null,
    tlsDetails: { clientProvidedHostHeader: `${source.split('.')[0]}.${region}.amazonaws.com` },
  });
  out.push(control('GetCallerIdentity', 'us-east-1', 'sts.amazonaws.com'));
  for (const region of ['us-east-1', 'us-west-2', 'eu-west-3', 'ap-northeast-1'])
    out.push(control('ListFoundationModels', region));
  out.push(
    cloudTrailInvoke(r, checker, step(1200), 'InvokeModel', 'anthropic.claude-v2', 'us-east-1', [
      'ValidationException',
      'max_tokens_to_sample: range: 1..1,000,000',
    ]),
  );
  out.push(control('GetModelInvocationLoggingConfiguration', 'us-east-1'));
  const proxyIps = ['83.7.139.184', '194.48.248.108'];
  for (let i = 0; i < invocations; i++) {
    const region = i % 3 === 0 ? 'us-east-1' : 'us-west-2';
    const who = { userIdentity: iamUserIdentity('alice', key), ip: proxyIps[i % 2]!, ua: UA.attackerProxy };
    out.push(
      cloudTrailInvoke(
        r,
        who,
        step(2000 + Math.floor(r() * 4000)),
        'InvokeModelWithResponseStream',
        MODELS.opus,
        region,
      ),
    );
  }
  return out;
}
