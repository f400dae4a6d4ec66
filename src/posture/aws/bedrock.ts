import type { AwsServiceCollector } from './collect.js';

export const BEDROCK_COLLECTORS: readonly AwsServiceCollector[] = [];
