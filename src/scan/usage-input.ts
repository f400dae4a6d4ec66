import { resolve } from 'node:path';
import type { Event, EventSource } from '../domain/index.js';
import { JackstopError, type Location } from '../errors.js';
import { normalizeEvent } from '../events/index.js';
import { NON_CLOUDTRAIL_MARKERS, type RawRecord } from '../sources/index.js';

const RUNTIME_CALL = /^(Invoke|Converse)/;

/** What usage counting reads: Bedrock runtime calls in CloudTrail, and every record of the other logs. */
export const USAGE_LITERALS: readonly string[] = ['bedrock.amazonaws.com', ...NON_CLOUDTRAIL_MARKERS];

/**
 * Whether a record can be a model invocation at all. Normalizing every CloudTrail record to look
 * for usage would double the cost of a pass; Bedrock runtime calls are recognisable from two raw
 * fields. Other log kinds (invocation logs, Azure resource logs, Vertex audit) are all offered.
 */
function mayBeInvocation(record: Record<string, unknown>, kind: EventSource | undefined): boolean {
  if (kind !== undefined && kind !== 'aws.cloudtrail') return true;
  return (
    record.eventSource === 'bedrock.amazonaws.com' &&
    typeof record.eventName === 'string' &&
    RUNTIME_CALL.test(record.eventName)
  );
}

const resolved = { cwd: '', file: '', abs: '' };

/** The store knows files by absolute path or S3 URI. */
export function absolute(location: Location, cwd: string): Location {
  const file = location.file;
  if (!file || file === '-' || file.startsWith('s3://')) return location;
  // Records come file after file: resolve each path once.
  if (file !== resolved.file || cwd !== resolved.cwd) {
    resolved.cwd = cwd;
    resolved.file = file;
    resolved.abs = resolve(cwd, file);
  }
  return { ...location, file: resolved.abs };
}

/**
 * The event usage counting reads from a record: undefined when it cannot be a model invocation, or
 * when normalizing fails (then `onBad` hears why, at `location`).
 */
export function invocationEvent(
  r: RawRecord,
  location: Location,
  onBad: (error: JackstopError) => void,
): Event | undefined {
  if (!mayBeInvocation(r.record, r.kind)) return undefined;
  try {
    return normalizeEvent(r.kind ?? 'aws.cloudtrail', r.record);
  } catch (e) {
    onBad(
      e instanceof JackstopError
        ? e
        : new JackstopError('JACKSTOP_INPUT_WRONG_SHAPE', `cannot read this record: ${(e as Error).message}`, {
            location,
          }),
    );
    return undefined;
  }
}
