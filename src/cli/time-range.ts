import { JackstopError } from '../errors.js';

const RELATIVE = /^(\d+)\s*(m|h|d|w)$/i;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/**
 * `--since/--until` values: an ISO date or date-time (`2024-10-17`, `2024-10-17T20:00:00Z`) or a
 * duration back from now (`30m`, `24h`, `7d`, `2w`).
 */
export function parseTimeArg(flag: string, value: string, now = Date.now()): Date {
  const rel = RELATIVE.exec(value.trim());
  if (rel) {
    const unit = rel[2]!.toLowerCase() as keyof typeof UNIT_MS;
    return new Date(now - Number(rel[1]) * UNIT_MS[unit]);
  }
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new JackstopError(
      'JACKSTOP_USAGE',
      `${flag} ${JSON.stringify(value)} is not a time: use an ISO date such as 2024-10-17 or 2024-10-17T20:00:00Z, or a duration such as 24h or 7d`,
    );
  }
  return new Date(ms);
}

/** A duration flag (`90s`, `5m`, `2h`, `1d`) in milliseconds. */
export function parseDuration(flag: string, value: string): number {
  const m = /^(\d+)\s*(s|m|h|d)$/i.exec(value.trim());
  if (!m) {
    throw new JackstopError(
      'JACKSTOP_USAGE',
      `${flag} ${JSON.stringify(value)} is not a duration: use e.g. 90s, 5m, 2h or 1d`,
    );
  }
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2]!.toLowerCase() as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}
