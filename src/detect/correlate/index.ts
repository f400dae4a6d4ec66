/**
 * @module detect/correlate
 * Sigma correlation rules at run time: `CorrelationEngine` takes the events that the referenced
 * detection rules matched, groups them by the correlation's `group-by` values (aliases applied per
 * rule) and reports `CorrelationMatch`es for event_count, value_count, temporal and
 * temporal_ordered windows. State is bounded (event-time expiry, group and per-group caps) and
 * counted in `stats`. The Detector turns matches into findings.
 */
export {
  CorrelationEngine,
  type CorrelationMatch,
  type CorrelationOptions,
  type CorrelationStats,
} from './engine.js';
