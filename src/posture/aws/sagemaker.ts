import type { AwsServiceCollector } from './collect.js';

export const SAGEMAKER_COLLECTORS: readonly AwsServiceCollector[] = [];
