import type { AwsServiceCollector } from './collect.js';

export const IAM_COLLECTORS: readonly AwsServiceCollector[] = [];
