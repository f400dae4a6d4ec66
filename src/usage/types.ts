/** The cloud a model invocation ran on. */
export type Provider = 'aws' | 'azure' | 'gcp';
export const PROVIDERS: readonly Provider[] = ['aws', 'azure', 'gcp'];

/** One model invocation, from any source. */
export interface UsageSample {
  /** ISO 8601 UTC. */
  time: string;
  provider: Provider;
  /** AWS account id, Azure subscription id, GCP project id. */
  account?: string;
  /** Principal ARN, Entra object id or `apikey:<account>`, GCP principal e-mail. */
  identity: string;
  accessKeyId?: string;
  /** The model id as called (Bedrock cross-region profile prefixes kept: `us.anthropic.…`). */
  model: string;
  /** Where the tokens were spent: Bedrock's inferenceRegion when present, else the call's region. */
  region?: string;
  operation: string;
  ok: boolean;
  errorCode?: string;
  /** Present only when the log has them (Bedrock invocation logs …). */
  inputTokens?: number;
  outputTokens?: number;
  sourceIp?: string;
  userAgent?: string;
  /**
   * The provider's request id (CloudTrail `requestID`, invocation-log `requestId`): one call can be
   * logged twice — once by CloudTrail, once by model invocation logging — and must be counted once.
   */
  requestId?: string;
}

export interface ModelPrice {
  provider: Provider;
  /** The id or `*` pattern the entry was written for. */
  model: string;
  region?: string;
  inputPer1k: number;
  outputPer1k: number;
  currency: 'USD';
  /** URL of the pricing page or public dataset the figures come from. */
  source: string;
  /** Date (YYYY-MM-DD) the figures were taken. */
  asOf: string;
}

export interface CostEstimate {
  usd: number;
  basis: 'tokens' | 'estimated-from-invocations' | 'unpriced';
  note?: string;
}

/** Hourly aggregate per account × identity × key × model × region. */
export interface UsageHour {
  /** ISO, minutes zeroed: `2024-10-29T15:00:00.000Z`. */
  hour: string;
  provider: Provider;
  /** '' when the log names none. */
  account: string;
  identity: string;
  /** '' when the log names none. */
  accessKeyId: string;
  model: string;
  /** '' when the log names none. */
  region: string;
  invocations: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** True when any part of costUsd is an estimate from invocation counts (or a model had no price). */
  estimated: boolean;
  /** Distinct, capped at USAGE_VALUE_CAP. */
  sourceIps: string[];
  userAgents: string[];
}

/** Distinct source IPs and user agents kept per hourly row. */
export const USAGE_VALUE_CAP = 20;
