/**
 * A progress bar for reading inputs, drawn with cli-progress on stderr when it is a terminal and
 * silent otherwise (pipes, CI logs, files), so machine-readable output stays clean.
 */
import cliProgress, { type Options, type Params } from 'cli-progress';

// cli-progress is CommonJS: Node's ESM loader only exposes its default export.
const { Format, SingleBar } = cliProgress;

import type { ReadProgress } from '../sources/index.js';

export interface ProgressReporter {
  update(p: ReadProgress): void;
  /** Draws the last state and ends the line; safe to call more than once, or without any update. */
  stop(): void;
}

export interface ProgressReporterOptions {
  /** Default `process.stderr`. */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Default: whether `stream` is a terminal. */
  enabled?: boolean;
}

const number = new Intl.NumberFormat('en-US');

interface Payload {
  files: string;
  events: string;
  rate: string;
  /** The bar shows bytes read out of the total; without a byte total there is no bar and no ETA. */
  byBytes: boolean;
}

function render(options: Options, params: Params, payload: Payload): string {
  const parts = [`files ${payload.files}`, `${payload.events} events`, `${payload.rate} events/s`];
  if (!payload.byBytes) return parts.join(' | ');
  const bar = Format.BarFormat(params.progress, options);
  const percent = `${Math.floor(params.progress * 100)}%`;
  // No ETA before the first bytes (nothing to go on) nor after the last.
  const known = params.value > 0 && params.value < params.total;
  const eta = known ? ` | ETA ${Format.TimeFormat(params.eta, options, 5)}` : '';
  return `[${bar}] ${percent.padStart(4)} | ${parts.join(' | ')}${eta}`;
}

const QUIET: ProgressReporter = { update: () => undefined, stop: () => undefined };

export function createProgressReporter(options: ProgressReporterOptions = {}): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const tty = stream.isTTY === true;
  if (!(options.enabled ?? tty)) return QUIET;

  const bar = new SingleBar({
    stream,
    format: render,
    barsize: 24,
    hideCursor: false,
    clearOnComplete: false,
    fps: 10,
    etaBuffer: 50,
    // Asked for explicitly on a non-terminal: print a plain line now and then instead of redrawing.
    noTTYOutput: !tty,
    notTTYSchedule: 5000,
  });
  let started = false;
  let stopped = false;
  const startedAt = Date.now();

  return {
    update(p: ReadProgress) {
      if (stopped) return;
      const byBytes = p.bytesTotal !== undefined && p.bytesTotal > 0;
      const seconds = (Date.now() - startedAt) / 1000;
      const payload: Payload = {
        files: `${number.format(p.filesDone)}/${p.filesTotal === undefined ? '?' : number.format(p.filesTotal)}`,
        events: number.format(p.records),
        rate: number.format(seconds > 0 ? Math.round(p.records / seconds) : 0),
        byBytes,
      };
      const total = byBytes ? (p.bytesTotal as number) : 1;
      const value = byBytes ? Math.min(p.bytesDone, total) : 0;
      if (!started) {
        started = true;
        bar.start(total, value, payload);
        return;
      }
      if (bar.getTotal() !== total) bar.setTotal(total);
      bar.update(value, payload);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (started) bar.stop();
    },
  };
}
