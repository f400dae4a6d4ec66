import { describe, expect, it } from 'vitest';
import { GcpApiError, gcpError, isServiceDisabled } from './errors.js';

function grpc(code: number, message: string, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), { code, ...extra });
}

describe('gcpError', () => {
  it('names gRPC codes and keeps the server’s details and ErrorInfo', () => {
    const e = gcpError(
      grpc(7, "7 PERMISSION_DENIED: Permission 'aiplatform.endpoints.list' denied", {
        details: "Permission 'aiplatform.endpoints.list' denied",
        reason: 'IAM_PERMISSION_DENIED',
        errorInfoMetadata: { permission: 'aiplatform.endpoints.list' },
      }),
    );
    expect(e).toBeInstanceOf(GcpApiError);
    expect([e.code, e.message, e.reason, e.errorInfo]).toEqual([
      'PERMISSION_DENIED',
      "Permission 'aiplatform.endpoints.list' denied",
      'IAM_PERMISSION_DENIED',
      { permission: 'aiplatform.endpoints.list' },
    ]);
    expect(gcpError(grpc(8, '8 RESOURCE_EXHAUSTED: Quota exceeded')).code).toBe('RESOURCE_EXHAUSTED');
    expect(gcpError(grpc(14, '14 UNAVAILABLE: Connection reset')).code).toBe('UNAVAILABLE');
  });

  it('reports the retried error when gax gives up, not DEADLINE_EXCEEDED', () => {
    const gaveUp = grpc(
      4,
      'Exceeded maximum number of retries retrying error Error: 8 RESOURCE_EXHAUSTED: Quota exceeded for quota metric read requests before any response was received : Previous errors : [{message: 8 RESOURCE_EXHAUSTED: Quota exceeded}]',
    );
    const e = gcpError(gaveUp);
    expect([e.code, e.message]).toEqual([
      'RESOURCE_EXHAUSTED',
      'Quota exceeded for quota metric read requests (still failing after retries)',
    ]);
    expect(gcpError(grpc(4, '4 DEADLINE_EXCEEDED: Deadline exceeded', { details: 'Deadline exceeded' })).code).toBe(
      'DEADLINE_EXCEEDED',
    );
  });

  it('reads a REST error body (AIP-193), with or without a canonical status', () => {
    const withStatus = Object.assign(new Error('x'), {
      status: 429,
      code: 429,
      response: {
        status: 429,
        data: { error: { code: 429, message: 'Quota exceeded for iam.googleapis.com', status: 'RESOURCE_EXHAUSTED' } },
      },
    });
    expect([gcpError(withStatus).code, gcpError(withStatus).message]).toEqual([
      'RESOURCE_EXHAUSTED',
      'Quota exceeded for iam.googleapis.com',
    ]);
    const noStatus = Object.assign(new Error('Forbidden'), {
      status: 403,
      response: { status: 403, data: { error: { code: 403, message: 'The caller does not have permission' } } },
    });
    expect(gcpError(noStatus).code).toBe('PERMISSION_DENIED');
    const bare = Object.assign(new Error('Bad Gateway'), { status: 502 });
    expect(gcpError(bare).code).toBe('HTTP 502');
  });

  it('keeps network error codes and never returns an empty code', () => {
    expect(gcpError(Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' })).code).toBe('ENOTFOUND');
    expect(gcpError(new TypeError('boom')).code).toBe('TypeError');
    expect(gcpError('weird').code).toBe('UNKNOWN');
  });
});

describe('isServiceDisabled', () => {
  const disabled = (consumer: string) =>
    new GcpApiError('PERMISSION_DENIED', 'API has not been used', 'SERVICE_DISABLED', {
      service: 'aiplatform.googleapis.com',
      consumer,
    });
  it('needs the scanned project as consumer and the same service', () => {
    expect(isServiceDisabled(disabled('projects/42'), 'aiplatform.googleapis.com', '42')).toBe(true);
    expect(isServiceDisabled(disabled('projects/7'), 'aiplatform.googleapis.com', '42')).toBe(false);
    expect(isServiceDisabled(disabled('projects/42'), 'notebooks.googleapis.com', '42')).toBe(false);
    expect(isServiceDisabled(disabled('projects/42'), 'aiplatform.googleapis.com', undefined)).toBe(false);
  });
});
