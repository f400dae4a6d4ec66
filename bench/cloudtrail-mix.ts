/**
 * A deterministic generator of CloudTrail records shaped like real ones (field names and nesting as
 * in the Stratus Red Team captures and the research note's Bedrock records): mostly everyday
 * workload and console traffic, with an LLMjacking intrusion woven in. Used by the benchmark
 * (millions of events) and to build the bundled demo samples.
 */

/** Mulberry32: tiny, seedable, good enough for shuffling synthetic traffic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const ACCOUNT = '111122223333';

type Rec = Record<string, unknown>;

/** Who makes a call, as CloudTrail records it. */
export interface Actor {
  userIdentity: Rec;
  sourceIPAddress: string;
  userAgent: string;
  console?: boolean;
}

const BOTO =
  'Boto3/1.35.50 md/Botocore#1.35.50 ua/2.0 os/linux#6.8.0-1016-aws md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.50';
const CLI =
  'aws-cli/2.17.5 md/awscrt#0.20.11 ua/2.0 os/linux#5.15.0 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 sid/123 md/prompt#off md/command#s3.ls';
const CHROME =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

function role(name: string, session: string, keyId: string, ip: string, ua: string): Actor {
  return {
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLEROLE${name.length}:${session}`,
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/${name}/${session}`,
      accountId: ACCOUNT,
      accessKeyId: keyId,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: `AROAEXAMPLEROLE${name.length}`,
          arn: `arn:aws:iam::${ACCOUNT}:role/${name}`,
          accountId: ACCOUNT,
          userName: name,
        },
        attributes: { creationDate: '2026-11-20T06:00:00Z', mfaAuthenticated: 'false' },
      },
    },
    sourceIPAddress: ip,
    userAgent: ua,
  };
}

/** The `userIdentity` block of an IAM user calling with a long-term key. */
export function iamUserIdentity(name: string, keyId: string): Rec {
  return {
    type: 'IAMUser',
    principalId: `AIDAEXAMPLE${name.toUpperCase().replace(/[^A-Z]/g, '')}`,
    arn: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    accountId: ACCOUNT,
    accessKeyId: keyId,
    userName: name,
  };
}

function iamUser(name: string, keyId: string, ip: string, ua: string): Actor {
  return { userIdentity: iamUserIdentity(name, keyId), sourceIPAddress: ip, userAgent: ua };
}

/** The legitimate application: an EC2 role calling Converse with boto3. */
const APP = role('genai-app-role', 'i-0a1b2c3d4e5f60718', 'ASIAEXAMPLEAPPKEY001', '10.20.4.17', BOTO);
const DATA = role('etl-role', 'etl-nightly', 'ASIAEXAMPLEETLKEY002', '10.20.9.3', CLI);
const ADMIN: Actor = {
  ...role(
    'AWSReservedSSO_Admin_0123456789abcdef',
    'maria@example.com',
    'ASIAEXAMPLEADMIN0003',
    '198.51.100.24',
    CHROME,
  ),
  console: true,
};
/** The leaked long-term key, used by the attacker's tooling. */
export const LEAKED_KEY = 'AKIAEXAMPLELEAKED004';
const attacker = (ip: string, ua: string) => iamUser('ci-deploy', LEAKED_KEY, ip, ua);
export const ATTACKER_IPS = ['194.48.248.108', '83.7.139.184', '185.220.101.34'];
const PROXY_UA = 'axios/1.7.4';
const CHECKER_UA = 'Python/3.11 aiohttp/3.9.5';

/** A random-looking, seeded UUID v4 (CloudTrail request and event ids). */
export function uuid(r: () => number): string {
  const h = (n: number) =>
    Math.floor(r() * 16 ** n)
      .toString(16)
      .padStart(n, '0');
  return `${h(8)}-${h(4)}-4${h(3)}-a${h(3)}-${h(12)}`;
}

/** One CloudTrail management event, shaped like the real ones (Stratus captures, research examples). */
export function cloudTrailRecord(
  r: () => number,
  actor: Actor,
  time: Date,
  source: string,
  name: string,
  region: string,
  opts: {
    req?: Rec | null;
    resp?: Rec | null;
    error?: [string, string];
    readOnly?: boolean;
    host?: string;
    extra?: Rec;
  } = {},
): Rec {
  const rec: Rec = {
    eventVersion: '1.09',
    userIdentity: actor.userIdentity,
    eventTime: time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: source,
    eventName: name,
    awsRegion: region,
    sourceIPAddress: actor.sourceIPAddress,
    userAgent: actor.userAgent,
    requestParameters: opts.req ?? null,
    responseElements: opts.resp ?? null,
    requestID: uuid(r),
    eventID: uuid(r),
    readOnly: opts.readOnly ?? /^(Get|List|Describe|Invoke|Converse|Lookup)/.test(name),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: 'Management',
    tlsDetails: {
      tlsVersion: 'TLSv1.3',
      cipherSuite: 'TLS_AES_128_GCM_SHA256',
      clientProvidedHostHeader: opts.host ?? `${source.split('.')[0]}.${region}.amazonaws.com`,
    },
    ...opts.extra,
  };
  if (actor.console) rec.sessionCredentialFromConsole = 'true';
  if (opts.error) {
    rec.errorCode = opts.error[0];
    rec.errorMessage = opts.error[1];
  }
  return rec;
}

const CLAUDE = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const OPUS = 'anthropic.claude-3-opus-20240229-v1:0';
const BUCKETS = ['genai-app-prompts', 'rag-corpus-prod', 'etl-landing'];

/** One everyday record: app inference, data pipeline S3 reads, console browsing, KMS/STS noise. */
export function benignRecord(r: () => number, time: Date): Rec {
  const x = r();
  if (x < 0.3) {
    return cloudTrailRecord(
      r,
      APP,
      time,
      'bedrock.amazonaws.com',
      r() < 0.7 ? 'Converse' : 'InvokeModel',
      'us-east-1',
      {
        req: { modelId: CLAUDE },
        host: 'bedrock-runtime.us-east-1.amazonaws.com',
      },
    );
  }
  if (x < 0.6) {
    const bucket = BUCKETS[Math.floor(r() * BUCKETS.length)]!;
    return cloudTrailRecord(r, DATA, time, 's3.amazonaws.com', r() < 0.8 ? 'GetObject' : 'ListObjects', 'us-east-1', {
      req: { bucketName: bucket, key: `batch/${Math.floor(r() * 1e6)}.json`, Host: `${bucket}.s3.amazonaws.com` },
      extra: {
        eventCategory: 'Data',
        managementEvent: false,
        resources: [{ type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/batch` }],
      },
    });
  }
  if (x < 0.75)
    return cloudTrailRecord(r, APP, time, 'kms.amazonaws.com', 'Decrypt', 'us-east-1', {
      req: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
    });
  if (x < 0.85)
    return cloudTrailRecord(r, APP, time, 'sts.amazonaws.com', 'AssumeRole', 'us-east-1', {
      req: { roleArn: `arn:aws:iam::${ACCOUNT}:role/genai-app-role`, roleSessionName: 'app' },
    });
  if (x < 0.95)
    return cloudTrailRecord(r, ADMIN, time, 'ec2.amazonaws.com', 'DescribeInstances', 'us-east-1', {
      req: { maxResults: 50 },
    });
  return cloudTrailRecord(r, ADMIN, time, 'bedrock.amazonaws.com', 'ListFoundationModels', 'us-east-1', {
    req: { byOutputModality: 'TEXT' },
  });
}

/**
 * The intrusion, in the order the research describes (Sysdig 2024/2026, Permiso 2024): key
 * validation, model discovery across regions, the ValidationException probe, the logging check,
 * model enablement through console-only APIs, heavy invocation through a reverse proxy, and
 * finally the logging configuration removed.
 */
export function attackRecords(r: () => number, start: Date, invocations: number): Rec[] {
  const out: Rec[] = [];
  let t = start.getTime();
  const at = (stepMs: number) => {
    t += stepMs;
    return new Date(t);
  };
  const checker = attacker(ATTACKER_IPS[0]!, CHECKER_UA);
  out.push(cloudTrailRecord(r, checker, at(0), 'sts.amazonaws.com', 'GetCallerIdentity', 'us-east-1'));
  out.push(
    cloudTrailRecord(r, checker, at(900), 'iam.amazonaws.com', 'ListAttachedUserPolicies', 'us-east-1', {
      req: { userName: 'ci-deploy' },
    }),
  );
  for (const region of ['us-east-1', 'us-west-2', 'eu-west-3', 'ap-northeast-1']) {
    out.push(cloudTrailRecord(r, checker, at(700), 'bedrock.amazonaws.com', 'ListFoundationModels', region));
  }
  out.push(
    cloudTrailRecord(r, checker, at(1200), 'bedrock.amazonaws.com', 'InvokeModel', 'us-east-1', {
      req: { modelId: 'anthropic.claude-v2' },
      error: ['ValidationException', 'max_tokens_to_sample: range: 1..1,000,000'],
      host: 'bedrock-runtime.us-east-1.amazonaws.com',
    }),
  );
  out.push(
    cloudTrailRecord(r, checker, at(800), 'bedrock.amazonaws.com', 'InvokeModel', 'us-west-2', {
      req: { modelId: OPUS },
      error: ['AccessDenied', "You don't have access to the model with the specified model ID."],
      host: 'bedrock-runtime.us-west-2.amazonaws.com',
    }),
  );
  out.push(
    cloudTrailRecord(
      r,
      checker,
      at(600),
      'bedrock.amazonaws.com',
      'GetModelInvocationLoggingConfiguration',
      'us-east-1',
    ),
  );
  out.push(
    cloudTrailRecord(r, checker, at(1500), 'bedrock.amazonaws.com', 'GetFoundationModelAvailability', 'us-west-2', {
      req: { modelId: OPUS },
    }),
  );
  out.push(
    cloudTrailRecord(r, checker, at(400), 'bedrock.amazonaws.com', 'ListFoundationModelAgreementOffers', 'us-west-2', {
      req: { modelId: OPUS },
    }),
  );
  out.push(
    cloudTrailRecord(r, checker, at(400), 'bedrock.amazonaws.com', 'PutUseCaseForModelAccess', 'us-west-2', {
      readOnly: false,
    }),
  );
  out.push(
    cloudTrailRecord(r, checker, at(900), 'bedrock.amazonaws.com', 'CreateFoundationModelAgreement', 'us-west-2', {
      req: { offerToken: 'HIDDEN_DUE_TO_SECURITY_REASONS', modelId: OPUS },
      resp: { modelId: OPUS.replace(/:0$/, '') },
      readOnly: false,
    }),
  );
  out.push(
    cloudTrailRecord(r, checker, at(800), 'bedrock.amazonaws.com', 'PutFoundationModelEntitlement', 'us-west-2', {
      req: { modelId: OPUS },
      resp: { status: 'SUCCESS' },
      readOnly: false,
    }),
  );
  for (let i = 0; i < invocations; i++) {
    const ip = ATTACKER_IPS[1 + (i % 2)]!;
    const region = i % 3 === 0 ? 'us-east-1' : 'us-west-2';
    out.push(
      cloudTrailRecord(
        r,
        attacker(ip, PROXY_UA),
        at(2000 + Math.floor(r() * 4000)),
        'bedrock.amazonaws.com',
        'InvokeModelWithResponseStream',
        region,
        {
          req: { modelId: i % 4 === 0 ? CLAUDE : OPUS },
          host: `bedrock-runtime.${region}.amazonaws.com`,
        },
      ),
    );
  }
  out.push(
    cloudTrailRecord(
      r,
      attacker(ATTACKER_IPS[2]!, PROXY_UA),
      at(5000),
      'bedrock.amazonaws.com',
      'DeleteModelInvocationLoggingConfiguration',
      'us-east-1',
      { readOnly: false },
    ),
  );
  return out;
}

/**
 * `total` records over `hours` starting at `start`, in time order: benign traffic with the
 * intrusion woven in at about a third of the way. Streams: never holds more than one record.
 */
export function* cloudTrailMix(opts: {
  total: number;
  seed?: number;
  start?: Date;
  hours?: number;
  invocations?: number;
}): Generator<Rec> {
  const r = rng(opts.seed ?? 42);
  const start = (opts.start ?? new Date('2026-11-20T00:00:00Z')).getTime();
  const span = (opts.hours ?? 24) * 3_600_000;
  const attack = attackRecords(r, new Date(start + span / 3), opts.invocations ?? 40);
  const benign = Math.max(0, opts.total - attack.length);
  const attackAt = Math.floor(benign / 3);
  for (let i = 0; i < benign; i++) {
    if (i === attackAt) yield* attack;
    yield benignRecord(r, new Date(start + Math.floor((i / Math.max(1, benign)) * span)));
  }
  if (benign <= attackAt) yield* attack;
}
