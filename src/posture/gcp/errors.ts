/**
 * Google errors come in two shapes: gRPC (google-gax: numeric `code`, `details`, ErrorInfo as
 * `reason` / `errorInfoMetadata`) and REST (gaxios: HTTP `status`, the JSON body's
 * `error.status` and `error.details`). Both become one `GcpApiError` whose `code` is Google's
 * canonical name (`PERMISSION_DENIED`, `RESOURCE_EXHAUSTED` …), so the snapshot's coverage says the
 * same thing whichever client failed.
 */

/** google.rpc.Code, by number. */
const GRPC_CODES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
] as const;

export const GRPC = { DEADLINE_EXCEEDED: 4, RESOURCE_EXHAUSTED: 8, UNAVAILABLE: 14 } as const;

/** HTTP status to canonical code, as Google maps them (https://google.aip.dev/193). */
const HTTP_CODES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export class GcpApiError extends Error {
  override readonly name = 'GcpApiError';
  constructor(
    readonly code: string,
    message: string,
    /** google.rpc.ErrorInfo reason (`SERVICE_DISABLED`, `IAM_PERMISSION_DENIED` …). */
    readonly reason?: string,
    readonly errorInfo?: Record<string, string>,
  ) {
    super(message);
  }
}

interface ErrorInfoDetail {
  '@type'?: string;
  reason?: string;
  metadata?: Record<string, string>;
}

/** gax's message when retries run out: "Exceeded maximum number of retries retrying error Error: 8 RESOURCE_EXHAUSTED: … before any response was received". */
const RETRIES_EXHAUSTED =
  /retrying error (?:\w*Error: )?(\d+) ([A-Z_]+): ([^\n]*?)(?: before any response was received|$)/m;

function firstLine(s: string): string {
  return s.split('\n')[0]!.trim();
}

/** Any error thrown by a Google client (or our own) as a `GcpApiError`. */
export function gcpError(e: unknown): GcpApiError {
  if (e instanceof GcpApiError) return e;
  const err = (e ?? {}) as {
    code?: unknown;
    status?: unknown;
    details?: unknown;
    message?: unknown;
    reason?: unknown;
    errorInfoMetadata?: Record<string, string>;
    response?: { status?: number; data?: { error?: { status?: string; message?: string; details?: unknown[] } } };
  };
  const message = typeof err.message === 'string' ? err.message : String(e);
  // REST: the JSON error body is the authority.
  const body = err.response?.data?.error;
  if (body && typeof body === 'object') {
    const httpStatus = err.response?.status ?? (typeof err.status === 'number' ? err.status : undefined);
    const code =
      (typeof body.status === 'string' && body.status) ||
      (httpStatus ? (HTTP_CODES[httpStatus] ?? `HTTP ${httpStatus}`) : 'UNKNOWN');
    const info = (Array.isArray(body.details) ? body.details : []).find(
      (d): d is ErrorInfoDetail =>
        typeof d === 'object' && d !== null && String((d as ErrorInfoDetail)['@type']).endsWith('google.rpc.ErrorInfo'),
    );
    return new GcpApiError(
      code,
      firstLine(typeof body.message === 'string' && body.message ? body.message : message),
      info?.reason,
      info?.metadata,
    );
  }
  // gRPC: numeric code; `details` is the server's message without the "7 PERMISSION_DENIED:" prefix.
  if (typeof err.code === 'number' && Number.isInteger(err.code) && err.code >= 0 && err.code < GRPC_CODES.length) {
    // gax gives up on retries with DEADLINE_EXCEEDED; the error it retried is the one that matters.
    const retried = RETRIES_EXHAUSTED.exec(message);
    if (err.code === 4 && retried) {
      return new GcpApiError(retried[2]!, `${retried[3]!.trim()} (still failing after retries)`);
    }
    const text = typeof err.details === 'string' && err.details ? err.details : message;
    return new GcpApiError(
      GRPC_CODES[err.code]!,
      firstLine(text),
      typeof err.reason === 'string' ? err.reason : undefined,
      err.errorInfoMetadata,
    );
  }
  // REST without a JSON body (proxy, HTML error page).
  const httpStatus = typeof err.status === 'number' ? err.status : undefined;
  if (httpStatus) return new GcpApiError(HTTP_CODES[httpStatus] ?? `HTTP ${httpStatus}`, firstLine(message));
  // Network and auth-library errors: ECONNRESET, ENOTFOUND … or the error's own name.
  const code =
    typeof err.code === 'string' && err.code ? err.code : e instanceof Error && e.name !== 'Error' ? e.name : 'UNKNOWN';
  return new GcpApiError(code, firstLine(message));
}

/**
 * Whether `e` says `service` is disabled in the project numbered `projectNumber` (ErrorInfo
 * `SERVICE_DISABLED` naming that consumer). A disabled API in the caller's own quota project
 * says nothing about the scanned project, so the consumer must match.
 */
export function isServiceDisabled(e: GcpApiError, service: string, projectNumber: string | undefined): boolean {
  if (e.reason !== 'SERVICE_DISABLED' || !projectNumber) return false;
  const meta = e.errorInfo ?? {};
  return meta.service === service && meta.consumer === `projects/${projectNumber}`;
}
