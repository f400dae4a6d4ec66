import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RawRecord } from '../types.js';
import { readCloudTrail } from './read.js';

// Both files are larger, uncompressed, than the 64 MiB up to which a document is parsed whole.
const NDJSON_RECORDS = 150_000; // about 100 MB
const DOCUMENT_RECORDS = 110_000; // about 75 MB
const MiB = 1024 * 1024;
let dir: string;

function event(i: number): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    eventTime: new Date(Date.UTC(2024, 5, 8) + i * 1000).toISOString(),
    eventSource: i % 10 === 0 ? 'bedrock.amazonaws.com' : 'sts.amazonaws.com',
    eventName: i % 10 === 0 ? 'InvokeModel' : 'GetCallerIdentity',
    eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    awsRegion: 'us-east-1',
    sourceIPAddress: `203.0.113.${i % 250}`,
    userAgent: 'Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.12.1',
    userIdentity: {
      type: 'IAMUser',
      principalId: `AIDA${i % 97}EXAMPLE`,
      arn: `arn:aws:iam::111122223333:user/u${i % 97}`,
      accountId: '111122223333',
      accessKeyId: `AKIA${String(i % 991).padStart(16, '0')}`,
    },
    requestParameters:
      i % 10 === 0 ? { modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0', body: '{"a":"]}"}' } : null,
    responseElements: null,
    requestID: `req-${i}`,
    readOnly: i % 10 !== 0,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
  };
}

/** Writes gzip without holding the whole text: returns the uncompressed size. */
async function writeGzip(file: string, pieces: Iterable<string>): Promise<number> {
  const gzip = createGzip({ level: constants.Z_BEST_SPEED });
  const out = createWriteStream(file);
  gzip.pipe(out);
  let bytes = 0;
  let pending: string[] = [];
  const flush = async () => {
    const text = pending.join('');
    pending = [];
    bytes += Buffer.byteLength(text);
    if (!gzip.write(text)) await once(gzip, 'drain');
  };
  for (const piece of pieces) {
    pending.push(piece);
    if (pending.length >= 2000) await flush();
  }
  await flush();
  gzip.end();
  await once(out, 'finish');
  return bytes;
}

function* ndjsonLines(n: number): Generator<string> {
  for (let i = 0; i < n; i++) yield `${JSON.stringify(event(i))}\n`;
}

function* recordsDocument(n: number): Generator<string> {
  yield '{"Records":[';
  for (let i = 0; i < n; i++) yield `${i > 0 ? ',' : ''}${JSON.stringify(event(i))}`;
  yield ']}';
}

/** Reads `file`, checking order with `check`, and measures the peak of heap + buffers above the start. */
async function readMeasured(file: string, check: (r: RawRecord, i: number) => boolean) {
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const base = used();
  let peak = 0;
  let count = 0;
  let ordered = true;
  for await (const batch of readCloudTrail([file], {
    onBadInput: (b) => {
      throw b.error;
    },
  })) {
    for (const r of batch) if (!check(r, count++)) ordered = false;
    peak = Math.max(peak, used() - base);
  }
  return { count, ordered, peak };
}

let ndjsonFile: string;
let ndjsonBytes: number;
let documentFile: string;
let documentBytes: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jackstop-large-'));
  ndjsonFile = join(dir, 'big.ndjson.gz');
  ndjsonBytes = await writeGzip(ndjsonFile, ndjsonLines(NDJSON_RECORDS));
  documentFile = join(dir, 'big-records.json.gz');
  documentBytes = await writeGzip(documentFile, recordsDocument(DOCUMENT_RECORDS));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('large files', () => {
  test('a ~100 MB gzipped NDJSON file streams line by line with bounded memory', async () => {
    expect(ndjsonBytes).toBeGreaterThan(100e6);
    const { count, ordered, peak } = await readMeasured(ndjsonFile, (r, i) => r.location.line === i + 1);
    expect(count).toBe(NDJSON_RECORDS);
    expect(ordered).toBe(true);
    // Never the whole file (100 MB of text, several times that parsed): a few batches and buffers.
    expect(peak).toBeLessThan(64 * MiB);
  });

  test('a {"Records":[…]} document above the whole-document limit is split while streaming', async () => {
    expect(documentBytes).toBeGreaterThan(64 * MiB);
    const { count, ordered, peak } = await readMeasured(
      documentFile,
      (r, i) => r.location.record === i && r.record.eventID === event(i).eventID,
    );
    expect(count).toBe(DOCUMENT_RECORDS);
    expect(ordered).toBe(true);
    // The 64 MiB read before deciding, plus a batch: far below parsing ~75 MB of JSON whole.
    expect(peak).toBeLessThan(160 * MiB);
  });
});
