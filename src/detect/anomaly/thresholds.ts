import { z } from 'zod';
import { Severity } from '../../domain/index.js';
import { loadDataFile, shippedFile } from './data-file.js';

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();

const ZTiers = z
  .object({ medium: positive, high: positive, critical: positive })
  .strict()
  .refine((t) => t.medium < t.high && t.high < t.critical, { message: 'tiers must rise: medium < high < critical' });

const MetricGate = z.object({ minObserved: nonNegative, scaleFloor: positive }).strict();

const SpikeScope = z
  .object({
    minRatioToWindowMax: nonNegative,
    zTiers: ZTiers,
    metrics: z
      .object({ invocations: MetricGate.optional(), tokens: MetricGate.optional(), costUsd: MetricGate.optional() })
      .strict(),
  })
  .strict();

const NoveltyGate = z
  .object({ minInvocations: z.number().int().nonnegative(), peakShare: nonNegative, severity: Severity })
  .strict();

export const AnomalyThresholds = z
  .object({
    version: z.literal(1),
    baseline: z
      .object({
        windowDays: z.number().int().min(1).max(90),
        minHistoryDays: z.number().int().min(1),
        seasonalMinDays: z.number().int().min(14),
        seasonalNeighbourHours: z.number().int().min(0).max(6),
      })
      .strict()
      .refine((b) => b.minHistoryDays <= b.windowDays, { message: 'minHistoryDays must not exceed windowDays' }),
    spike: z.object({ identity: SpikeScope, account: SpikeScope }).strict(),
    novelty: z
      .object({
        noveltyHours: z.number().int().min(1).max(168),
        maxValues: z.number().int().min(10),
        model: NoveltyGate,
        region: NoveltyGate,
        sourceIp: NoveltyGate.extend({
          prefixV4: z.number().int().min(8).max(32),
          prefixV6: z.number().int().min(16).max(128),
          maxKnownNetworks: z.number().int().min(1),
        }).strict(),
        userAgent: NoveltyGate,
      })
      .strict(),
    longTermKey: z
      .object({
        prefixes: z.array(z.string().regex(/^[A-Z0-9]{2,8}$/)).min(1),
        minHistoryDays: z.number().int().min(0),
        severity: Severity,
      })
      .strict(),
    heavyTokens: z
      .object({
        minInvocations: z.number().int().min(1),
        minAvgOutputTokens: nonNegative,
        minRatioToOwnAverage: nonNegative,
        severity: Severity,
        families: z.array(z.object({ match: z.string().min(1), maxAvgTokens: positive }).strict()),
        defaultMaxAvgTokens: positive,
      })
      .strict(),
    offHours: z
      .object({
        minInvocations: z.number().int().min(1),
        minUsd: nonNegative,
        learnedMinDays: z.number().int().min(7),
        fallbackToWorkingHours: z.boolean(),
        fallbackMinHistoryHours: z.number().int().min(0),
        severity: Severity,
        workingHours: z
          .object({
            /** ISO weekdays, 1 = Monday … 7 = Sunday (UTC). */
            days: z.array(z.number().int().min(1).max(7)).min(1),
            startHour: z.number().int().min(0).max(23),
            endHour: z.number().int().min(1).max(24),
          })
          .strict()
          .refine((w) => w.startHour < w.endHour, { message: 'startHour must be before endHour' }),
      })
      .strict(),
    report: z.object({ minSeverity: Severity, escalateUsd: nonNegative }).strict(),
  })
  .strict();
export type AnomalyThresholds = z.infer<typeof AnomalyThresholds>;

/** Path of the shipped thresholds file. */
export const THRESHOLDS_FILE: string = shippedFile('thresholds.yml');

let cached: AnomalyThresholds | undefined;

/** Load and validate a thresholds file (default: the shipped one, read once). */
export function loadAnomalyThresholds(file?: string): AnomalyThresholds {
  if (file !== undefined) return loadDataFile(file, AnomalyThresholds);
  cached ??= loadDataFile(THRESHOLDS_FILE, AnomalyThresholds);
  return cached;
}
