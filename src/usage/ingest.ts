import type { Event } from '../domain/index.js';
import type { Location } from '../errors.js';
import { UsageAggregator } from './aggregate.js';
import type { PriceBook } from './prices.js';
import { usageSampleOf } from './samples.js';
import type { UsageHour, UsageSample } from './types.js';

/**
 * How far into a log file usage has been counted: the last (line, record) position read. Files are
 * read in order, so a record at or before the mark was counted by an earlier run.
 */
export interface UsageSourceMark {
  /** Absolute path or `s3://bucket/key`. */
  source: string;
  line: number;
  record: number;
  /**
   * The mark this pass started from (absent: none). The store saves a mark only while it still holds
   * this one, so two passes racing over the same file cannot both count it.
   */
  previous?: { line: number; record: number };
}

/** True when an earlier run's mark says the record at `location` was counted already. */
export function countedBefore(location: Location, mark: { line: number; record: number } | undefined): boolean {
  return mark !== undefined && !after(position(location), mark as UsageSourceMark);
}

function position(loc: Location): [number, number] {
  return [loc.line ?? 0, loc.record ?? 0];
}
function after(pos: [number, number], mark: UsageSourceMark): boolean {
  return pos[0] > mark.line || (pos[0] === mark.line && pos[1] > mark.record);
}

export interface IngestStats {
  /** Records offered. */
  records: number;
  /** Records not counted again because an earlier run (or an earlier input of this run) did. */
  alreadyCounted: number;
  /** Model invocations counted for the first time. */
  invocations: number;
}

/**
 * One ingestion pass for usage, shared by `jackstop usage` and (per event batch) `detect`: turns
 * events into samples, aggregates them, and keeps per-file watermarks so a re-run over the same logs
 * counts nothing twice. Records without a file (stdin `-`) are always counted.
 */
export class UsageIngest {
  readonly #counted: UsageAggregator;
  /**
   * Every invocation read; undefined while that is the same as `#counted` (nothing read so far was
   * counted before — every pass without a store, and most with one): one aggregation, not two.
   */
  #all: UsageAggregator | undefined;
  readonly stats: IngestStats = { records: 0, alreadyCounted: 0, invocations: 0 };
  readonly #marks = new Map<string, UsageSourceMark>();
  readonly #start = new Map<string, { line: number; record: number }>();
  readonly #moved = new Set<string>();

  constructor(opts: { marks?: Iterable<UsageSourceMark>; book?: PriceBook } = {}) {
    this.#counted = new UsageAggregator(opts.book);
    this.addMarks(opts.marks ?? []);
  }

  /** Invocations not counted before: what to add to the store. */
  get aggregator(): UsageAggregator {
    return this.#counted;
  }

  /** Every invocation read, counted before or not: what the logs given show (for reports). */
  get all(): UsageAggregator {
    return this.#all ?? this.#counted;
  }

  /** Watermarks looked up after construction (e.g. per file as reading reaches it). */
  addMarks(marks: Iterable<UsageSourceMark>): void {
    for (const m of marks) {
      this.#marks.set(m.source, { source: m.source, line: m.line, record: m.record });
      this.#start.set(m.source, { line: m.line, record: m.record });
    }
  }

  /**
   * Offers one read record (its event when it normalised, else undefined) at `location`, whose
   * `file` must already be absolute (or an S3 URI). Returns the sample when it was counted for the
   * first time (it goes to `all` either way).
   */
  /** The mark of a file (absolute path or S3 URI), as looked up so far. */
  markOf(source: string): { line: number; record: number } | undefined {
    const m = this.#marks.get(source);
    return m && { line: m.line, record: m.record };
  }

  /**
   * Records a worker thread read without a sample: how many, how many of them an earlier run had
   * counted (`countedBefore`), and the last one's location, which moves the file's mark.
   */
  absorbRecords(records: number, alreadyCounted: number, last: Location | undefined): void {
    this.stats.records += records;
    this.stats.alreadyCounted += alreadyCounted;
    const file = last?.file;
    if (!last || !file || file === '-') return;
    const mark = this.#marks.get(file);
    const pos = position(last);
    if (mark && !after(pos, mark)) return;
    this.#marks.set(file, { source: file, line: pos[0], record: pos[1] });
    this.#moved.add(file);
  }

  /** Counts records a reader left unparsed because they cannot hold usage. */
  countUnparsed(n: number): void {
    this.stats.records += n;
  }

  observe(ev: Event | undefined, location: Location | undefined): UsageSample | undefined {
    return this.observeSample(ev ? usageSampleOf(ev) : undefined, location);
  }

  /** `observe` with the sample already taken from the event (by a worker thread). */
  observeSample(sample: UsageSample | undefined, location: Location | undefined): UsageSample | undefined {
    this.stats.records++;
    const file = location?.file;
    let counted = false;
    if (file && file !== '-') {
      const pos = position(location);
      const mark = this.#marks.get(file);
      if (mark && !after(pos, mark)) {
        this.stats.alreadyCounted++;
        counted = true;
      } else {
        this.#marks.set(file, { source: file, line: pos[0], record: pos[1] });
        this.#moved.add(file);
      }
    }
    if (!sample) return undefined;
    if (counted) {
      // The two views part here: `all` goes on from a copy of what both have seen so far.
      this.#all ??= this.#counted.clone();
      this.#all.observe(sample);
      return undefined;
    }
    this.#all?.observe(sample);
    this.stats.invocations++;
    this.#counted.observe(sample);
    return sample;
  }

  /** Rows of invocations counted for the first time: what `Store.upsertUsage` should add. */
  hours(): UsageHour[] {
    return this.aggregator.hours();
  }

  /** Watermarks moved by this pass, to save with the hours in one transaction. */
  marks(): UsageSourceMark[] {
    return [...this.#moved].sort().map((s) => {
      const previous = this.#start.get(s);
      return { ...this.#marks.get(s)!, ...(previous ? { previous: { ...previous } } : {}) };
    });
  }
}
