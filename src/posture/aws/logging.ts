import type { AwsServiceCollector } from './collect.js';

export const LOGGING_COLLECTORS: readonly AwsServiceCollector[] = [];
