import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets a heap grow past what the last full collection kept, as a percentage. By default
 * it grows by up to 4× when collections are cheap; a scan makes garbage at hundreds of MB/s while
 * keeping under 100 MB live, so the heap filled with garbage and a 2M-event replay peaked at ~500 MB
 * on one thread. At 1.5× the peak of 1M events fell from 392 to 324 MB on one thread and from 564 to
 * ~355 MB on two, with no loss of speed beyond run-to-run noise.
 */
const HEAP_GROWING_PERCENT = 50;

/** Young generation of a scan worker (MB; V8 makes it three semi-spaces): half of V8's default. */
export const WORKER_YOUNG_GENERATION_MB = 24;

let bounded = false;

/**
 * Bounds heap growth for the rest of the process (a V8 flag: process-wide, read at every full
 * collection, so it also holds for worker threads started later). Called when a scan starts.
 */
export function boundHeapGrowth(): void {
  if (bounded) return;
  bounded = true;
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
