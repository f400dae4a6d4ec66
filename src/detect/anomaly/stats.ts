/** Robust statistics for baselines: median and MAD resist the outliers a mean and stddev chase. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median absolute deviation from the median. */
export function mad(values: readonly number[], center = median(values)): number {
  return median(values.map((v) => Math.abs(v - center)));
}

/** 1.4826 × MAD estimates the standard deviation of normally distributed data. */
export const MAD_TO_SIGMA = 1.4826;

export interface RobustScore {
  median: number;
  mad: number;
  /** The divisor used: max(1.4826 × MAD, floor). */
  scale: number;
  z: number;
}

/** How many scales `observed` lies above the median of `sample`; the floor keeps a flat baseline from dividing by 0. */
export function robustZ(observed: number, sample: readonly number[], floor: number): RobustScore {
  const m = median(sample);
  const d = mad(sample, m);
  const scale = Math.max(MAD_TO_SIGMA * d, floor);
  return { median: m, mad: d, scale, z: (observed - m) / scale };
}
