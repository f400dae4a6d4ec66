import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/util-stream';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { BadInput, RawRecord, ReadProgress } from '../types.js';
import { DEFAULT_LIMITS, type ReadLimits, readCloudTrailWith } from './read.js';
import { isDigestKey, s3Error } from './s3.js';
import { parseS3Uri } from './s3-uri.js';

const s3 = mockClient(S3Client);
const client = new S3Client({ region: 'us-east-1' });
const PREFIX = 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/06/08/';

function event(i: number): Record<string, unknown> {
  return { eventSource: 'bedrock.amazonaws.com', eventName: 'InvokeModel', eventID: `id-${i}` };
}

function logFile(...ids: number[]): Buffer {
  return gzipSync(JSON.stringify({ Records: ids.map(event) }));
}

function body(buf: Buffer) {
  return { Body: sdkStreamMixin(Readable.from([buf])) };
}

function ndjsonOf(n: number): string {
  return Array.from({ length: n }, (_, i) => `${JSON.stringify(event(i))}\n`).join('');
}

/** A body that sends `data`, then fails like a dropped connection. */
function breaksAfter(data: Buffer | string): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (sent) {
        this.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
        return;
      }
      sent = true;
      this.push(data);
    },
  });
}

async function collect(inputs: string[], limits: Partial<ReadLimits> = {}) {
  const records: RawRecord[] = [];
  const bad: BadInput[] = [];
  const progress: ReadProgress[] = [];
  for await (const batch of readCloudTrailWith(
    inputs,
    { onBadInput: (b) => bad.push(b), onProgress: (p) => progress.push(p), s3Client: client },
    { ...DEFAULT_LIMITS, ...limits },
  )) {
    records.push(...batch);
  }
  return { records, bad, progress };
}

beforeEach(() => s3.reset());
afterEach(() => s3.reset());

describe('S3 inputs', () => {
  test('two pages of ListObjectsV2, gzip bodies, digests and folder markers skipped', async () => {
    const files = {
      a: logFile(0, 1),
      b: logFile(2),
      c: logFile(3, 4),
    };
    s3.on(ListObjectsV2Command)
      .resolvesOnce({
        Contents: [
          { Key: `${PREFIX}111122223333_CloudTrail_us-east-1_20240608T0000Z_a.json.gz`, Size: files.a.length },
          { Key: PREFIX, Size: 0 },
          {
            Key: 'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/06/08/111122223333_CloudTrail-Digest_x.json.gz',
            Size: 900,
          },
        ],
        IsTruncated: true,
        NextContinuationToken: 'page-2',
      })
      .resolvesOnce({
        Contents: [
          { Key: `${PREFIX}111122223333_CloudTrail_us-east-1_20240608T0005Z_b.json.gz`, Size: files.b.length },
          { Key: `${PREFIX}111122223333_CloudTrail_us-east-1_20240608T0010Z_c.json.gz`, Size: files.c.length },
        ],
        IsTruncated: false,
      });
    s3.on(GetObjectCommand, { Key: `${PREFIX}111122223333_CloudTrail_us-east-1_20240608T0000Z_a.json.gz` }).callsFake(
      () => body(files.a),
    );
    s3.on(GetObjectCommand, { Key: `${PREFIX}111122223333_CloudTrail_us-east-1_20240608T0005Z_b.json.gz` }).callsFake(
      () => body(files.b),
    );
    s3.on(GetObjectCommand, { Key: `${PREFIX}111122223333_CloudTrail_us-east-1_20240608T0010Z_c.json.gz` }).callsFake(
      () => body(files.c),
    );

    const { records, bad, progress } = await collect([`s3://trail/${PREFIX}`]);
    expect(bad).toEqual([]);
    expect(records.map((r) => r.record.eventID)).toEqual(['id-0', 'id-1', 'id-2', 'id-3', 'id-4']);
    expect(records[2]?.location).toEqual({
      file: `s3://trail/${PREFIX}111122223333_CloudTrail_us-east-1_20240608T0005Z_b.json.gz`,
      record: 0,
    });

    const lists = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input);
    expect(lists).toEqual([
      { Bucket: 'trail', Prefix: PREFIX },
      { Bucket: 'trail', Prefix: PREFIX, ContinuationToken: 'page-2' },
    ]);
    const gets = s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input.Key);
    expect(gets).toHaveLength(3);
    expect(gets.some((k) => k?.includes('CloudTrail-Digest'))).toBe(false);
    const bytes = files.a.length + files.b.length + files.c.length;
    expect(progress.at(-1)).toEqual({
      filesTotal: 3,
      filesDone: 3,
      bytesTotal: bytes,
      bytesDone: bytes,
      records: 5,
      digestFiles: 1,
    });
  });

  test.each([
    ['s3://trail', undefined],
    ['s3://trail/', undefined],
    ['s3://trail/AWSLogs/1/', 'AWSLogs/1/'],
    ['S3://trail/a b/c', 'a b/c'],
  ])('prefix of %s', async (uri, prefix) => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'x.json', Size: 10 }] });
    s3.on(GetObjectCommand).callsFake(() => body(Buffer.from(JSON.stringify(event(1)))));
    const { records } = await collect([uri]);
    expect(records).toHaveLength(1);
    expect(s3.commandCalls(ListObjectsV2Command)[0]?.args[0].input).toEqual(
      prefix === undefined ? { Bucket: 'trail' } : { Bucket: 'trail', Prefix: prefix },
    );
  });

  test('NoSuchKey on one object is an S3 error naming the key and what to do; the other objects are read', async () => {
    s3.on(ListObjectsV2Command).resolves({
      Contents: [
        { Key: 'logs/1.json.gz', Size: 1 },
        { Key: 'logs/2.json.gz', Size: 1 },
      ],
    });
    s3.on(GetObjectCommand, { Key: 'logs/1.json.gz' }).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: { httpStatusCode: 404 } }),
    );
    s3.on(GetObjectCommand, { Key: 'logs/2.json.gz' }).callsFake(() => body(logFile(7)));
    const { records, bad } = await collect(['s3://trail/logs/']);
    expect(records.map((r) => r.record.eventID)).toEqual(['id-7']);
    expect(bad).toHaveLength(1);
    expect(bad[0]?.error.code).toBe('JACKSTOP_S3_ERROR');
    expect(bad[0]?.error.location).toEqual({ file: 's3://trail/logs/1.json.gz' });
    expect(bad[0]?.error.message).toBe(
      'cannot read s3://trail/logs/1.json.gz: NoSuchKey 404 (The specified key does not exist.): the object is gone (deleted or moved since the listing): run again, or check the key',
    );
  });

  test('AccessDenied on the listing names the bucket and prefix and the permissions needed', async () => {
    s3.on(ListObjectsV2Command).rejects(
      new S3ServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'Access Denied',
      }),
    );
    const { records, bad } = await collect(['s3://trail/AWSLogs/']);
    expect(records).toEqual([]);
    expect(bad.map((b) => b.error.code)).toEqual(['JACKSTOP_S3_ERROR']);
    expect(bad[0]?.error.location).toEqual({ file: 's3://trail/AWSLogs/' });
    expect(bad[0]?.error.message).toContain(
      'cannot list s3://trail/AWSLogs/: AccessDenied 403 (Access Denied): access denied',
    );
    expect(bad[0]?.error.message).toContain('s3:ListBucket');
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
  });

  test('NoSuchBucket, an empty prefix, and a URI without a bucket', async () => {
    s3.on(ListObjectsV2Command, { Bucket: 'gone' }).rejects(
      new NoSuchBucket({ message: 'The specified bucket does not exist', $metadata: { httpStatusCode: 404 } }),
    );
    s3.on(ListObjectsV2Command, { Bucket: 'trail' }).resolves({ KeyCount: 0 });
    const { bad } = await collect(['s3://gone/x', 's3://trail/typo/', 's3://']);
    expect(bad.map((b) => [b.error.code, b.error.location?.file])).toEqual([
      ['JACKSTOP_S3_ERROR', 's3://gone/x'],
      ['JACKSTOP_INPUT_NOT_FOUND', 's3://trail/typo/'],
      ['JACKSTOP_USAGE', 's3://'],
    ]);
    expect(bad[0]?.error.message).toContain('the bucket does not exist');
  });

  test('a connection that breaks mid-object keeps the records before it and says so', async () => {
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'n.ndjson', Size: 100 }] });
    s3.on(GetObjectCommand).callsFake(() => ({
      Body: sdkStreamMixin(breaksAfter(`${JSON.stringify(event(1))}\n${JSON.stringify(event(2))}\n{"eventName":"cut`)),
    }));
    const { records, bad } = await collect(['s3://trail/n.ndjson']);
    expect(records.map((r) => r.record.eventID)).toEqual(['id-1', 'id-2']);
    expect(bad.map((b) => b.error.code)).toEqual(['JACKSTOP_S3_ERROR']);
    expect(bad[0]?.error.message).toContain('cannot read s3://trail/n.ndjson: Error (socket hang up)');
    expect(bad[0]?.error.message).toContain('2 records before it were read');
  });

  test('a broken connection inside gzip data is an S3 error, not a cut file', async () => {
    const gz = gzipSync(ndjsonOf(4000));
    s3.on(ListObjectsV2Command).resolves({ Contents: [{ Key: 'n.ndjson.gz', Size: gz.length }] });
    s3.on(GetObjectCommand).callsFake(() => ({ Body: sdkStreamMixin(breaksAfter(gz.subarray(0, gz.length >> 1))) }));
    const { records, bad } = await collect(['s3://trail/n.ndjson.gz']);
    expect(records.length).toBeGreaterThan(100);
    expect(records.map((r) => r.record.eventID)).toEqual(records.map((_, i) => `id-${i}`));
    expect(bad.map((b) => b.error.code)).toEqual(['JACKSTOP_S3_ERROR']);
    expect(bad[0]?.error.message).toContain(`socket hang up`);
    expect(bad[0]?.error.message).toContain(`${records.length} records before it were read`);
  });

  test('objects are fetched ahead, at most s3Concurrency at a time', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => `k/${String(i).padStart(2, '0')}.json`);
    s3.on(ListObjectsV2Command).resolves({ Contents: keys.map((Key) => ({ Key, Size: 10 })) });
    s3.on(GetObjectCommand).callsFake((input: { Key: string }) =>
      body(Buffer.from(JSON.stringify(event(keys.indexOf(input.Key))))),
    );
    const seen: number[] = [];
    for await (const batch of readCloudTrailWith(
      ['s3://trail/k/'],
      { onBadInput: () => undefined, s3Client: client },
      { ...DEFAULT_LIMITS, batchSize: 1, s3Concurrency: 8 },
    )) {
      seen.push(s3.commandCalls(GetObjectCommand).length);
      expect(batch).toHaveLength(1);
    }
    expect(seen[0]).toBe(8);
    expect(Math.max(...seen.map((n, i) => n - i))).toBe(8);
    expect(seen.at(-1)).toBe(20);
  });
});

describe('S3 helpers', () => {
  test('s3Error: advice by error name, by message, and by HTTP status', () => {
    const region = s3Error(new Error('Region is missing'), 'list', 's3://b/');
    expect(region.code).toBe('JACKSTOP_S3_ERROR');
    expect(region.message).toBe(
      'cannot list s3://b/: Error (Region is missing): no AWS region is configured: set AWS_REGION (or a region in your AWS profile)',
    );
    const creds = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    expect(s3Error(creds, 'list', 's3://b/').message).toContain('no AWS credentials found: set AWS_PROFILE');
    const teapot = new S3ServiceException({
      name: 'Weird',
      $fault: 'client',
      $metadata: { httpStatusCode: 301 },
      message: '',
    });
    expect(s3Error(teapot, 'read', 's3://b/k').message).toBe(
      "cannot read s3://b/k: Weird 301: the bucket is in another region: set AWS_REGION to the bucket's region",
    );
    expect(s3Error('???', 'read', 's3://b/k').message).toContain(
      'check the s3:// URI, your network and your AWS credentials',
    );
    expect(s3Error(creds, 'list', 's3://b/').location).toEqual({ file: 's3://b/' });
  });

  test('parseS3Uri and isDigestKey', () => {
    expect(parseS3Uri('s3://b/p/q')).toEqual({ bucket: 'b', prefix: 'p/q' });
    expect(parseS3Uri('s3://b')).toEqual({ bucket: 'b', prefix: '' });
    expect(parseS3Uri('s3:///p')).toBeUndefined();
    expect(isDigestKey('AWSLogs/1/CloudTrail-Digest/us-east-1/x.json.gz')).toBe(true);
    expect(isDigestKey('o-abc/AWSLogs/o-abc/1/CloudTrail-Digest/x.json.gz')).toBe(true);
    expect(isDigestKey('AWSLogs/1/CloudTrail/us-east-1/x_CloudTrail-Digest.json.gz')).toBe(false);
  });
});
