/**
 * S3 inputs: `s3://bucket/prefix` is listed (ListObjectsV2, every page) and each object fetched
 * with GetObject. Objects are fetched ahead of the reader, a bounded number at a time and a
 * bounded number of bytes each, so slow round trips overlap without holding whole objects.
 * CloudTrail digest objects are skipped without fetching. Errors name the bucket/key and say
 * what to do (advice in `s3-errors.json`).
 */
import { Readable } from 'node:stream';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { JackstopError } from '../../errors.js';
import s3ErrorsFile from './s3-errors.json' with { type: 'json' };
import type { Source } from './source.js';

const ADVICE = z.object({ advice: z.record(z.string(), z.string()) }).parse(s3ErrorsFile).advice;

import { parseS3Uri } from './s3-uri.js';

/** CloudTrail writes integrity digests beside the logs: `AWSLogs/<account>/CloudTrail-Digest/…`. */
export function isDigestKey(key: string): boolean {
  return /(^|\/)CloudTrail-Digest\//.test(key);
}

/**
 * Objects Bedrock writes beside its invocation logs that hold no log records: the permission check
 * written when logging is configured, and large request/response bodies under `…/data/`.
 */
export function isBedrockSideObject(key: string): boolean {
  return (
    /(^|\/)amazon-bedrock-logs-permission-check$/.test(key) || /(^|\/)BedrockModelInvocationLogs\/.*\/data\//.test(key)
  );
}

function errorName(e: unknown): string {
  const err = e as { name?: unknown; Code?: unknown } | undefined;
  if (typeof err?.name === 'string' && err.name !== 'Error') return err.name;
  if (typeof err?.Code === 'string') return err.Code;
  return 'Error';
}

/** The user's error for an S3 failure on `uri` (a bucket/prefix or an object). */
export function s3Error(e: unknown, action: 'list' | 'read', uri: string): JackstopError {
  const name = errorName(e);
  const status = (e as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  const message = e instanceof Error ? e.message : String(e);
  const advice =
    ADVICE[name] ??
    (/region is missing/i.test(message) ? ADVICE.region : undefined) ??
    (status !== undefined ? ADVICE[`status:${status}`] : undefined) ??
    ADVICE.default;
  const detail = message && message !== name && message !== 'UnknownError' ? ` (${message})` : '';
  return new JackstopError(
    'JACKSTOP_S3_ERROR',
    `cannot ${action} ${uri}: ${name}${status ? ` ${status}` : ''}${detail}: ${advice}`,
    { location: { file: uri }, cause: e },
  );
}

export interface S3Limits {
  /** Bytes of one object buffered ahead of the reader. */
  prefetchBytes: number;
}

interface Fetched {
  chunks: Buffer[];
  rest: AsyncIterator<Buffer | string> | undefined;
}

function toByteStream(body: unknown): AsyncIterable<Buffer | string> {
  if (body instanceof Readable) return body;
  const b = body as {
    [Symbol.asyncIterator]?: unknown;
    transformToByteArray?: () => Promise<Uint8Array>;
    getReader?: unknown;
  };
  if (b && typeof b[Symbol.asyncIterator] === 'function') return body as AsyncIterable<Buffer>;
  if (b && typeof b.getReader === 'function') {
    return Readable.fromWeb(body as Parameters<typeof Readable.fromWeb>[0]);
  }
  if (b && typeof b.transformToByteArray === 'function') {
    const read = b.transformToByteArray.bind(b);
    return (async function* () {
      yield Buffer.from(await read());
    })();
  }
  if (body === undefined || body === null) return Readable.from([]);
  throw new Error('GetObject returned a body that is not a stream');
}

class S3ObjectSource implements Source {
  readonly name: string;
  #fetch: Promise<Fetched> | undefined;
  readonly #abort = new AbortController();
  readonly #parentSignal: AbortSignal | undefined;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    private readonly key: string,
    readonly size: number | undefined,
    private readonly limits: S3Limits,
    signal: AbortSignal | undefined,
  ) {
    this.name = `s3://${bucket}/${key}`;
    this.#parentSignal = signal;
  }

  prefetch(): void {
    if (this.#fetch) return;
    this.#fetch = this.#start();
    // Marked as handled here; the error is raised again (and reported) by `open`.
    this.#fetch.catch(() => undefined);
  }

  async #start(): Promise<Fetched> {
    // Linked only once fetching starts: a listing can hold many thousands of objects.
    const signal = this.#parentSignal ? AbortSignal.any([this.#parentSignal, this.#abort.signal]) : this.#abort.signal;
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.key }), {
      abortSignal: signal,
    });
    const it = toByteStream(out.Body)[Symbol.asyncIterator]();
    const chunks: Buffer[] = [];
    let bytes = 0;
    try {
      while (bytes < this.limits.prefetchBytes) {
        const r = await it.next();
        if (r.done) return { chunks, rest: undefined };
        const chunk = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
        chunks.push(chunk);
        bytes += chunk.length;
      }
    } catch (e) {
      // Keep what arrived; the reader meets the error after these bytes.
      return { chunks, rest: failing(e) };
    }
    return { chunks, rest: it };
  }

  async open(): Promise<AsyncIterable<Buffer>> {
    this.prefetch();
    const { chunks, rest } = await (this.#fetch as Promise<Fetched>);
    return (async function* () {
      yield* chunks;
      chunks.length = 0;
      if (!rest) return;
      try {
        for (;;) {
          const r = await rest.next();
          if (r.done) return;
          yield typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
        }
      } finally {
        await rest.return?.();
      }
    })();
  }

  dispose(): void {
    if (this.#fetch) this.#abort.abort();
  }

  readError(e: unknown): JackstopError {
    return s3Error(e, 'read', this.name);
  }
}

function failing(e: unknown): AsyncIterator<Buffer> {
  return {
    next: () => Promise.reject(e),
    return: () => Promise.resolve({ done: true, value: undefined }),
  };
}

export interface S3ListContext {
  client: S3Client;
  limits: S3Limits;
  signal: AbortSignal | undefined;
  onBad(e: JackstopError): void;
  /** A digest object skipped without fetching. */
  onDigest(): void;
}

/** The objects under an `s3://bucket/prefix` input, as sources (digests and folder markers left out). */
export async function s3Sources(input: string, ctx: S3ListContext): Promise<Source[]> {
  const uri = parseS3Uri(input);
  if (!uri) {
    ctx.onBad(
      new JackstopError('JACKSTOP_USAGE', `not an S3 location: ${input} (expected s3://bucket or s3://bucket/prefix)`, {
        location: { file: input },
      }),
    );
    return [];
  }
  const where = `s3://${uri.bucket}/${uri.prefix}`;
  const sources: Source[] = [];
  let digests = 0;
  let token: string | undefined;
  try {
    do {
      const page = await ctx.client.send(
        new ListObjectsV2Command({
          Bucket: uri.bucket,
          ...(uri.prefix ? { Prefix: uri.prefix } : {}),
          ...(token ? { ContinuationToken: token } : {}),
        }),
        { abortSignal: ctx.signal },
      );
      for (const object of page.Contents ?? []) {
        const key = object.Key;
        if (!key || key.endsWith('/') || isBedrockSideObject(key)) continue;
        if (isDigestKey(key)) {
          digests++;
          ctx.onDigest();
          continue;
        }
        sources.push(new S3ObjectSource(ctx.client, uri.bucket, key, object.Size, ctx.limits, ctx.signal));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } catch (e) {
    if (ctx.signal?.aborted) throw ctx.signal.reason;
    ctx.onBad(s3Error(e, 'list', where));
    return sources;
  }
  if (sources.length === 0 && digests === 0) {
    ctx.onBad(
      new JackstopError(
        'JACKSTOP_INPUT_NOT_FOUND',
        `no objects under ${where}: check the prefix (CloudTrail writes to AWSLogs/<account-id>/CloudTrail/<region>/…)`,
        { location: { file: where } },
      ),
    );
  }
  return sources;
}
