/**
 * @module events
 * Normalization: raw provider records → the shared `Event` shape. One module per source kind.
 * Also the logsource each kind corresponds to in Sigma terms, so detectors can pick rules.
 */
export { cloudTrailToEvent, normalizeTime } from './cloudtrail.js';

/** The Sigma `logsource` of each normalized source. */
export const SIGMA_LOGSOURCE = {
  'aws.cloudtrail': { product: 'aws', service: 'cloudtrail' },
} as const;
