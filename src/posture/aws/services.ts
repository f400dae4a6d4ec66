/** Every AWS service collector, in the order they run. Each file owns its services' resource types. */

import { BEDROCK_COLLECTORS } from './bedrock.js';
import type { AwsServiceCollector } from './collect.js';
import { DATA_COLLECTORS } from './data.js';
import { IAM_COLLECTORS } from './iam.js';
import { LOGGING_COLLECTORS } from './logging.js';
import { SAGEMAKER_COLLECTORS } from './sagemaker.js';

export const AWS_SERVICE_COLLECTORS: readonly AwsServiceCollector[] = [
  ...IAM_COLLECTORS,
  ...LOGGING_COLLECTORS,
  ...DATA_COLLECTORS,
  ...BEDROCK_COLLECTORS,
  ...SAGEMAKER_COLLECTORS,
];
