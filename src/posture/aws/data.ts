import type { AwsServiceCollector } from './collect.js';

export const DATA_COLLECTORS: readonly AwsServiceCollector[] = [];
