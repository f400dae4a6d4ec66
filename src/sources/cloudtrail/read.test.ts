import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { BadInput, RawRecord, ReadOptions, ReadProgress } from '../types.js';
import { DEFAULT_LIMITS, type ReadLimits, readCloudTrail, readCloudTrailWith } from './read.js';

let dir: string;
const p = (...parts: string[]) => join(dir, ...parts);

function event(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    eventTime: `2024-06-08T00:00:${String(i % 60).padStart(2, '0')}Z`,
    eventSource: 'bedrock.amazonaws.com',
    eventName: 'InvokeModel',
    eventID: `id-${i}`,
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accessKeyId: 'AKIAEXAMPLE' },
    requestParameters: { modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0', note: 'é 🙂 "quoted" ] }' },
    ...extra,
  };
}
const events = (n: number, from = 0) => Array.from({ length: n }, (_, i) => event(from + i));
const ndjson = (list: unknown[]) => `${list.map((e) => JSON.stringify(e)).join('\n')}\n`;

function write(name: string, content: string | Buffer): string {
  const path = p(name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

interface Collected {
  records: RawRecord[];
  bad: BadInput[];
  batches: number[];
  progress: ReadProgress[];
}

async function collect(
  inputs: string[],
  opts: Partial<ReadOptions> = {},
  limits: Partial<ReadLimits> = {},
): Promise<Collected> {
  const out: Collected = { records: [], bad: [], batches: [], progress: [] };
  for await (const batch of readCloudTrailWith(
    inputs,
    { onBadInput: (b) => out.bad.push(b), onProgress: (pr) => out.progress.push(pr), ...opts },
    { ...DEFAULT_LIMITS, ...limits },
  )) {
    out.batches.push(batch.length);
    out.records.push(...batch);
  }
  return out;
}

const ids = (c: Collected) => c.records.map((r) => r.record.eventID);
const codes = (c: Collected) => c.bad.map((b) => b.error.code);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jackstop-sources-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('S3 log files and JSON documents', () => {
  test('a gzipped {"Records":[…]} file: every record, in order, with its index', async () => {
    const file = write(
      's3/111122223333_CloudTrail_us-east-1_20240608T0000Z_a.json.gz',
      gzipSync(JSON.stringify({ Records: events(5) })),
    );
    const c = await collect([file]);
    expect(c.bad).toEqual([]);
    expect(ids(c)).toEqual(['id-0', 'id-1', 'id-2', 'id-3', 'id-4']);
    expect(c.records[3]?.location).toEqual({ file, record: 3 });
    expect(c.records[3]?.record).toEqual(event(3));
  });

  test('a one-line S3 log file of several MB (longer than the format sniffing window) is one document', async () => {
    const file = write('s3/big-one-line.json.gz', gzipSync(JSON.stringify({ Records: events(8000) })));
    const c = await collect([file]);
    expect(c.bad).toEqual([]);
    expect(c.records).toHaveLength(8000);
    expect(c.records[7999]?.location).toEqual({ file, record: 7999 });
  });

  test('gzip is found by its magic bytes, whatever the name; a BOM is ignored', async () => {
    const gz = write('misnamed.json', gzipSync(JSON.stringify({ Records: events(2) })));
    const bom = write('bom.json', `\uFEFF${JSON.stringify([event(7)])}`);
    const c = await collect([gz, bom]);
    expect(c.bad).toEqual([]);
    expect(ids(c)).toEqual(['id-7', 'id-0', 'id-1']); // sorted by path: bom.json < misnamed.json
  });

  test('a JSON array, a single event, and a one-line document followed by a line break', async () => {
    const arr = write('shapes/a-array.json', JSON.stringify(events(3), null, 2));
    const one = write('shapes/b-single.json', JSON.stringify(event(9), null, 4));
    const line = write('shapes/c-records-nl.json', `${JSON.stringify({ Records: events(2, 20) })}\n`);
    const c = await collect([p('shapes')]);
    expect(c.bad).toEqual([]);
    expect(ids(c)).toEqual(['id-0', 'id-1', 'id-2', 'id-9', 'id-20', 'id-21']);
    expect(c.records[3]?.location).toEqual({ file: one });
    expect(c.records[0]?.location).toEqual({ file: arr, record: 0 });
    expect(c.records[5]?.location).toEqual({ file: line, record: 1 });
  });

  test('a record of the wrong shape inside Records is reported with its index; the others are kept', async () => {
    const file = write(
      'wrong-shape.json',
      JSON.stringify({ Records: [event(0), 'text', { foo: 1, eventName: 'X' }, event(3)] }),
    );
    const c = await collect([file]);
    expect(ids(c)).toEqual(['id-0', 'id-3']);
    expect(codes(c)).toEqual(['JACKSTOP_INPUT_WRONG_SHAPE', 'JACKSTOP_INPUT_WRONG_SHAPE']);
    expect(c.bad[0]?.error.location).toEqual({ file, record: 1 });
    expect(c.bad[0]?.error.message).toContain('a string, not an object');
    expect(c.bad[1]?.error.location).toEqual({ file, record: 2 });
    expect(c.bad[1]?.error.message).toBe('not a CloudTrail event: no eventSource (its keys: foo, eventName)');
    expect(c.bad[1]?.excerpt).toBe('{"foo":1,"eventName":"X"}');
  });

  test('a malformed JSON document: line and column of the error; the records before it are kept', async () => {
    const good = JSON.stringify(events(3), null, 2).split('\n');
    // Break the second record: drop the comma after its "eventTime" value.
    const second = good.findIndex((l) => l.includes('"id-1"'));
    const at = good.findLastIndex((l, i) => i < second && l.includes('"eventTime"'));
    good[at] = (good[at] ?? '').replace(/,$/, '');
    const file = write('malformed.json', good.join('\n'));
    const c = await collect([file]);
    expect(ids(c)).toEqual(['id-0']);
    expect(codes(c)).toEqual(['JACKSTOP_INPUT_MALFORMED_JSON']);
    const err = c.bad[0]?.error;
    expect(err?.location).toEqual({ file, line: at + 2, column: 5 });
    expect(err?.message).toContain("expected ',' or '}' after a property value");
    expect(err?.message).toContain('the 1 record(s) before it were read');
    expect(c.bad[0]?.excerpt).toBe('    "eventSource": "bedrock.amazonaws.com",');
  });

  test('CloudTrail digest files and CloudTrail Lake sign files are skipped and counted, not reported', async () => {
    const digest = write(
      'digest/111122223333_CloudTrail-Digest_us-east-1_t_20240608T000000Z.json.gz',
      gzipSync(
        JSON.stringify({
          awsAccountId: '111122223333',
          digestStartTime: '2024-06-08T00:00:00Z',
          digestEndTime: 'x',
          logFiles: [],
        }),
      ),
    );
    const sign = write(
      'digest/result_sign.json',
      JSON.stringify({
        version: '1.0',
        files: [{ fileName: 'result_1.csv.gz' }],
        hashSignature: 'ab',
        queryCompleteTime: 't',
      }),
    );
    const c = await collect([digest, sign]);
    expect(c.records).toEqual([]);
    expect(c.bad).toEqual([]);
    expect(c.progress.at(-1)).toMatchObject({ digestFiles: 2, filesDone: 2 });
  });

  test('a JSON object that is not CloudTrail is unsupported, naming its keys', async () => {
    const file = write('other.json', JSON.stringify({ kind: 'Deployment', spec: {} }));
    const records = write('records-object.json', JSON.stringify({ Records: { a: 1 } }));
    const c = await collect([file, records]);
    expect(codes(c)).toEqual(['JACKSTOP_INPUT_UNSUPPORTED', 'JACKSTOP_INPUT_UNSUPPORTED']);
    expect(c.bad[0]?.error.message).toContain('its keys: kind, spec');
    expect(c.bad[1]?.error.message).toContain('its "Records" is an object, not a list');
  });
});

describe('NDJSON', () => {
  test('a malformed line in the middle: reported with file, line and column; the lines around it are kept', async () => {
    const lines = events(6).map((e) => JSON.stringify(e));
    lines[3] = '{"eventName": "Broken", "eventSource": }';
    lines.splice(2, 0, '', '   ');
    const file = write('middle.ndjson', `${lines.join('\r\n')}\r\n`);
    const c = await collect([file]);
    expect(ids(c)).toEqual(['id-0', 'id-1', 'id-2', 'id-4', 'id-5']);
    expect(c.records[2]?.location).toEqual({ file, line: 5 });
    expect(codes(c)).toEqual(['JACKSTOP_INPUT_MALFORMED_JSON']);
    expect(c.bad[0]?.error.location).toEqual({ file, line: 6, column: 40 });
    expect(c.bad[0]?.excerpt).toBe('{"eventName": "Broken", "eventSource": }');
    expect(c.bad[0]?.error.render()).toBe(
      `${file}:6:40: invalid JSON on this line: unexpected '}': expected a JSON value [JACKSTOP_INPUT_MALFORMED_JSON]`,
    );
  });

  test('the first line may be the bad one', async () => {
    const file = write('first-bad.ndjson', `{"eventName": oops}\n${ndjson(events(2))}`);
    const c = await collect([file]);
    expect(ids(c)).toEqual(['id-0', 'id-1']);
    expect(c.bad.map((b) => b.error.location)).toEqual([{ file, line: 1, column: 15 }]);
  });

  test('Athena UNLOAD output (lower-cased names) is restored to CloudTrail names; a line without a line break ends the file', async () => {
    const file = write(
      'athena-unload.json',
      `{"eventname":"ListFoundationModels","eventsource":"bedrock.amazonaws.com","useridentity":{"type":"IAMUser","accesskeyid":"AKIA1"}}\n` +
        `{"eventname":"GetObject","eventsource":"s3.amazonaws.com","requestparameters":"{\\"bucketName\\":\\"b\\"}","readonly":"true"}`,
    );
    const c = await collect([file]);
    expect(c.bad).toEqual([]);
    expect(c.records.map((r) => r.record)).toEqual([
      {
        eventName: 'ListFoundationModels',
        eventSource: 'bedrock.amazonaws.com',
        userIdentity: { type: 'IAMUser', accessKeyId: 'AKIA1' },
      },
      {
        eventName: 'GetObject',
        eventSource: 's3.amazonaws.com',
        requestParameters: { bucketName: 'b' },
        readOnly: true,
      },
    ]);
  });

  test('EventBridge envelopes ("AWS API Call via CloudTrail") give the CloudTrail event inside', async () => {
    const envelope = (i: number) => ({
      version: '0',
      id: `eb-${i}`,
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.bedrock',
      detail: event(i),
    });
    const file = write('eventbridge.ndjson', ndjson([envelope(0), envelope(1)]));
    const single = write('eventbridge-one.json', JSON.stringify(envelope(2), null, 2));
    const c = await collect([file, single]);
    expect(c.bad).toEqual([]);
    expect(c.records.map((r) => r.record)).toEqual([event(2), event(0), event(1)]);
  });

  test('a line of the wrong shape, and a line that is a whole Records document', async () => {
    const file = write('mixed.ndjson', `[1,2]\n${JSON.stringify({ Records: events(2) })}\n"just text"\n`);
    const c = await collect([file]);
    expect(ids(c)).toEqual(['id-0', 'id-1']);
    expect(c.records[1]?.location).toEqual({ file, line: 2, record: 1 });
    expect(c.bad.map((b) => [b.error.code, b.error.location])).toEqual([
      ['JACKSTOP_INPUT_WRONG_SHAPE', { file, line: 1, record: 0 }],
      ['JACKSTOP_INPUT_WRONG_SHAPE', { file, line: 1, record: 1 }],
      ['JACKSTOP_INPUT_UNSUPPORTED', { file, line: 3 }],
    ]);
  });
});

describe('truncated gzip', () => {
  test('NDJSON cut in half: every complete record before the break is kept, and the file is named', async () => {
    const full = gzipSync(ndjson(events(4000)));
    const file = write('cut/cut.ndjson.gz', full.subarray(0, Math.floor(full.length / 2)));
    const c = await collect([file]);
    expect(c.records.length).toBeGreaterThan(100);
    expect(c.records.length).toBeLessThan(4000);
    expect(ids(c)).toEqual(events(c.records.length).map((e) => e.eventID));
    expect(codes(c)).toEqual(['JACKSTOP_INPUT_TRUNCATED']);
    expect(c.bad[0]?.error.location).toEqual({ file });
    expect(c.bad[0]?.error.message).toBe(
      `the gzip data ends early: the file is cut (an interrupted download or copy?); ${c.records.length} records before it were read`,
    );
  });

  test('a Records document cut in half: the complete records before the cut are kept', async () => {
    const full = gzipSync(JSON.stringify({ Records: events(4000) }));
    const file = write('cut/cut-records.json.gz', full.subarray(0, Math.floor(full.length / 2)));
    const c = await collect([file]);
    expect(c.records.length).toBeGreaterThan(100);
    expect(ids(c)).toEqual(events(c.records.length).map((e) => e.eventID));
    expect(codes(c)).toEqual(['JACKSTOP_INPUT_TRUNCATED']);
  });

  test('damaged gzip data is reported, not thrown', async () => {
    const full = gzipSync(ndjson(events(50)));
    const damaged = Buffer.from(full);
    damaged.fill(0xaa, 20, 60);
    const file = write('cut/damaged.ndjson.gz', damaged);
    const c = await collect([file]);
    expect(codes(c)).toEqual(['JACKSTOP_INPUT_TRUNCATED']);
    expect(c.bad[0]?.error.message).toContain('the gzip data is damaged');
  });
});

describe('small gzip files inflated whole (reading with a prefilter)', () => {
  // Passes every record, so what is read must equal what the streaming path reads.
  const everything = { test: () => true, testBytes: () => true };

  test('the same records, errors and progress as the streaming path', async () => {
    const records = gzipSync(JSON.stringify({ Records: events(3000) }));
    const lines = gzipSync(ndjson(events(500, 7000)));
    const files = [
      write('whole/records.json.gz', records),
      write('whole/lines.ndjson.gz', lines),
      // Two gzip members back to back (what `cat a.gz b.gz` gives): the trailer's size is the last member's only.
      write(
        'whole/members.ndjson.gz',
        Buffer.concat([gzipSync(ndjson(events(300, 100))), gzipSync(ndjson(events(20, 900)))]),
      ),
      write('whole/cut-records.json.gz', records.subarray(0, Math.floor(records.length / 2))),
      write('whole/cut-lines.ndjson.gz', lines.subarray(0, Math.floor(lines.length / 2))),
    ];
    for (const file of files) {
      const streamed = await collect([file]);
      const whole = await collect([file], { prefilter: everything });
      expect(ids(whole), file).toEqual(ids(streamed));
      expect(
        whole.bad.map((b) => [b.error.code, b.error.message]),
        file,
      ).toEqual(streamed.bad.map((b) => [b.error.code, b.error.message]));
      expect(whole.progress.at(-1)?.bytesDone, file).toBe(streamed.progress.at(-1)?.bytesDone);
    }
    expect(ids(await collect([files[2]!], { prefilter: everything }))).toHaveLength(320);
    expect(codes(await collect([files[3]!], { prefilter: everything }))).toEqual(['JACKSTOP_INPUT_TRUNCATED']);
  });
});

describe('lookup-events and CloudTrail Lake output', () => {
  test('lookup-events: each CloudTrailEvent string is parsed; a bad one is a bad record with its index', async () => {
    const file = write(
      'lookup-events.json',
      JSON.stringify(
        {
          Events: [
            { EventId: 'id-0', EventName: 'InvokeModel', CloudTrailEvent: JSON.stringify(event(0)) },
            { EventId: 'id-1', EventName: 'InvokeModel', CloudTrailEvent: '{"eventName": "InvokeModel", ' },
            { EventId: 'id-2', EventName: 'InvokeModel' },
            { EventId: 'id-3', EventName: 'InvokeModel', CloudTrailEvent: JSON.stringify(event(3)) },
          ],
          NextToken: 'abc',
        },
        null,
        2,
      ),
    );
    const c = await collect([file]);
    expect(ids(c)).toEqual(['id-0', 'id-3']);
    expect(c.records[1]?.location).toEqual({ file, record: 3 });
    expect(c.bad.map((b) => [b.error.code, b.error.location?.record])).toEqual([
      ['JACKSTOP_INPUT_MALFORMED_JSON', 1],
      ['JACKSTOP_INPUT_WRONG_SHAPE', 2],
    ]);
    expect(c.bad[0]?.error.message).toContain('CloudTrailEvent is not valid JSON at character 30');
  });

  test('get-query-results: rows of one-key objects become records; struct text is parsed back', async () => {
    const row = (name: string, id: string) => [
      { eventID: id },
      { eventName: name },
      { eventSource: 'bedrock.amazonaws.com' },
      { eventTime: '2024-06-08 00:00:01.000' },
      {
        userIdentity:
          '{type=IAMUser, principalid=AIDA1, arn=arn:aws:iam::1:user/bob, accountid=1, accesskeyid=AKIA1, username=bob, invokedby=null}',
      },
      { requestParameters: '{modelId=amazon.titan-text-express-v1}' },
    ];
    const file = write(
      'lake.json',
      JSON.stringify({
        QueryStatus: 'FINISHED',
        QueryStatistics: { ResultsCount: 2 },
        QueryResultRows: [row('InvokeModel', 'l-1'), row('Converse', 'l-2')],
      }),
    );
    const c = await collect([file]);
    expect(c.bad).toEqual([]);
    expect(c.records.map((r) => r.record)).toEqual([
      {
        eventID: 'l-1',
        eventName: 'InvokeModel',
        eventSource: 'bedrock.amazonaws.com',
        eventTime: '2024-06-08 00:00:01.000',
        userIdentity: {
          type: 'IAMUser',
          principalId: 'AIDA1',
          arn: 'arn:aws:iam::1:user/bob',
          accountId: '1',
          accessKeyId: 'AKIA1',
          userName: 'bob',
        },
        requestParameters: { modelId: 'amazon.titan-text-express-v1' },
      },
      expect.objectContaining({ eventID: 'l-2', eventName: 'Converse' }),
    ]);
    expect(c.records[1]?.location).toEqual({ file, record: 1 });
  });

  test('query results without event columns (an aggregate) are one unsupported input with the row count', async () => {
    const file = write(
      'lake-count.json',
      JSON.stringify({
        QueryResultRows: [
          [{ eventSource: 's3.amazonaws.com' }, { apiCount: '96059' }],
          [{ eventSource: 'sts.amazonaws.com' }, { apiCount: '5' }],
        ],
      }),
    );
    const c = await collect([file]);
    expect(c.records).toEqual([]);
    expect(codes(c)).toEqual(['JACKSTOP_INPUT_UNSUPPORTED']);
    expect(c.bad[0]?.error.message).toContain('(columns: eventSource, apiCount)');
    expect(c.bad[0]?.error.message).toContain('2 row(s) not read');
  });
});

describe('CSV exports', () => {
  test('an Athena CSV export: quoted cells, embedded line breaks, struct and JSON columns', async () => {
    const header =
      '"eventversion","useridentity","eventtime","eventsource","eventname","requestparameters","readonly","errormessage"';
    const row1 =
      '"1.08","{type=IAMUser, principalid=AIDA1, arn=arn:aws:iam::1:user/bob, accountid=1, invokedby=null, accesskeyid=AKIA1, username=bob, sessioncontext=null}",' +
      '"2024-06-08T00:00:01Z","bedrock.amazonaws.com","InvokeModel","{""modelId"":""anthropic.claude-v2""}","false",';
    const row2 =
      '"1.08",,"2024-06-08T00:00:02Z","s3.amazonaws.com","GetObject",,"true","line one\nline two, with ""quotes"""';
    const file = write('athena.csv.gz', gzipSync(`${header}\n${row1}\n${row2}\n`));
    const c = await collect([file]);
    expect(c.bad).toEqual([]);
    expect(c.records.map((r) => r.record)).toEqual([
      {
        eventVersion: '1.08',
        userIdentity: {
          type: 'IAMUser',
          principalId: 'AIDA1',
          arn: 'arn:aws:iam::1:user/bob',
          accountId: '1',
          accessKeyId: 'AKIA1',
          userName: 'bob',
        },
        eventTime: '2024-06-08T00:00:01Z',
        eventSource: 'bedrock.amazonaws.com',
        eventName: 'InvokeModel',
        requestParameters: { modelId: 'anthropic.claude-v2' },
        readOnly: false,
      },
      {
        eventVersion: '1.08',
        eventTime: '2024-06-08T00:00:02Z',
        eventSource: 's3.amazonaws.com',
        eventName: 'GetObject',
        readOnly: true,
        errorMessage: 'line one\nline two, with "quotes"',
      },
    ]);
    expect(c.records.map((r) => r.location)).toEqual([
      { file, line: 2 },
      { file, line: 3 },
    ]);
  });

  test('a row with the wrong number of fields is a bad row; a CSV without event columns is one unsupported input', async () => {
    const short = write('short.csv', 'eventName,eventSource,eventTime\nA,s,t\nB,s\n');
    const other = write('other.csv', 'name,size\na,1\nb,2\nc,3\n');
    const c = await collect([short, other]);
    expect(c.records.map((r) => r.record.eventName)).toEqual(['A']);
    expect(c.bad.map((b) => [b.error.code, b.error.location])).toEqual([
      ['JACKSTOP_INPUT_UNSUPPORTED', { file: other, line: 1 }],
      ['JACKSTOP_INPUT_WRONG_SHAPE', { file: short, line: 3 }],
    ]);
    expect(c.bad[0]?.error.message).toContain('3 data row(s) not read');
  });
});

describe('inputs', () => {
  test('nested directories are read recursively, sorted by path; hidden files and folders are skipped', async () => {
    write('tree/b/2.json', JSON.stringify([event(2)]));
    write('tree/a/z/1.ndjson', ndjson([event(1)]));
    write('tree/a/0.json.gz', gzipSync(JSON.stringify({ Records: [event(0)] })));
    write('tree/c.json', JSON.stringify([event(3)]));
    write('tree/.hidden.json', JSON.stringify([event(99)]));
    write('tree/.git/config.json', JSON.stringify([event(98)]));
    const c = await collect([p('tree')]);
    expect(c.bad).toEqual([]);
    expect(ids(c)).toEqual(['id-0', 'id-1', 'id-2', 'id-3']);
    expect(c.records.map((r) => r.location.file)).toEqual([
      p('tree/a/0.json.gz'),
      p('tree/a/z/1.ndjson'),
      p('tree/b/2.json'),
      p('tree/c.json'),
    ]);
  });

  test('stdin ("-"), plain or gzipped, is read like a file named "-"', async () => {
    const plain = await collect(['-'], { stdin: Readable.from([Buffer.from(ndjson(events(2)))]) });
    expect(ids(plain)).toEqual(['id-0', 'id-1']);
    expect(plain.records[1]?.location).toEqual({ file: '-', line: 2 });
    const gz = gzipSync(JSON.stringify({ Records: events(3) }));
    const chunked = await collect(['-'], { stdin: Readable.from([gz.subarray(0, 5), gz.subarray(5)]) });
    expect(ids(chunked)).toEqual(['id-0', 'id-1', 'id-2']);
    expect(chunked.progress.at(-1)?.bytesTotal).toBeUndefined();
    expect(chunked.progress.at(-1)?.bytesDone).toBe(gz.length);
  });

  test('empty files give nothing and no error; a missing path is not found; a file named twice is read once', async () => {
    const empty = write('empty/empty.json', '');
    const blank = write('empty/blank.ndjson', '\n  \n');
    const emptyGz = write('empty/empty.json.gz', gzipSync(''));
    const one = write('empty/one.json', JSON.stringify([event(1)]));
    const c = await collect([empty, blank, emptyGz, one, one, p('nope.json')]);
    expect(ids(c)).toEqual(['id-1']);
    expect(codes(c)).toEqual(['JACKSTOP_INPUT_NOT_FOUND']);
    expect(c.bad[0]?.error.render()).toBe(
      `${p('nope.json')}: no such file or directory: ${p('nope.json')} [JACKSTOP_INPUT_NOT_FOUND]`,
    );
  });

  test('YAML, binary, ZIP and UTF-16 files are unsupported, each with what to do', async () => {
    const yaml = write('odd/panther.yml', '\uFEFFAnalysisType: rule\nTests:\n  - Name: x\n    Log: {eventName: A}\n');
    const bin = write('odd/blob.bin', Buffer.from([0x01, 0x00, 0x02, 0x00, 0x41, 0x42, 0x43, 0x0a]));
    const zip = write('odd/logs.zip', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00]));
    const utf16 = write('odd/ps.json', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('[{}]', 'utf16le')]));
    const text = write('odd/notes.txt', 'just some words\n');
    const c = await collect([p('odd')]);
    expect(c.records).toEqual([]);
    expect(c.bad.map((b) => [b.error.location?.file, b.error.code])).toEqual([
      [bin, 'JACKSTOP_INPUT_UNSUPPORTED'],
      [zip, 'JACKSTOP_INPUT_UNSUPPORTED'],
      [text, 'JACKSTOP_INPUT_UNSUPPORTED'],
      [yaml, 'JACKSTOP_INPUT_UNSUPPORTED'],
      [utf16, 'JACKSTOP_INPUT_UNSUPPORTED'],
    ]);
    const messages = c.bad.map((b) => b.error.message);
    expect(messages[0]).toContain('binary data');
    expect(messages[1]).toContain('unzip it');
    expect(messages[3]).toContain('a YAML file');
    expect(messages[4]).toContain('convert it to UTF-8');
  });
});

describe('large documents (small limits stand in for the 64 MiB ones)', () => {
  const small: Partial<ReadLimits> = { wholeDocumentChars: 2000, sniffChars: 300, maxRecordChars: 5000 };

  test('a Records document above the limit is split while streaming: same records, with lines', async () => {
    const list = events(300);
    const file = write('large/big.json.gz', gzipSync(JSON.stringify({ Records: list }, null, 1)));
    const c = await collect([file], {}, small);
    expect(c.bad).toEqual([]);
    expect(c.records.map((r) => r.record)).toEqual(list);
    expect(c.records[0]?.location).toMatchObject({ file, record: 0, line: 3 });
  });

  test('streaming stops at a syntax error with its exact line and column; an oversized record is skipped', async () => {
    const list: unknown[] = events(20);
    list[5] = event(5, { padding: 'x'.repeat(6000) });
    const lines = JSON.stringify(list, null, 1).split('\n');
    const at = lines.findIndex((l) => l.includes('"id-12"'));
    lines[at] = (lines[at] ?? '').replace('"id-12"', '"id-12" "extra"');
    const file = write('large/broken.json', lines.join('\n'));
    const c = await collect([file], {}, small);
    expect(ids(c)).toEqual(['id-0', 'id-1', 'id-2', 'id-3', 'id-4', ...events(6, 6).map((e) => e.eventID)]);
    expect(codes(c)).toEqual(['JACKSTOP_INPUT_TOO_LARGE', 'JACKSTOP_INPUT_MALFORMED_JSON']);
    expect(c.bad[0]?.error.location).toMatchObject({ file, record: 5 });
    expect(c.bad[1]?.error.location).toEqual({ file, line: at + 1, column: (lines[at] ?? '').indexOf('"extra"') + 1 });
    expect(c.bad[1]?.error.message).toContain('the 12 record(s) before it were read');
  });

  test('an NDJSON line above the record limit is skipped and reported; the others are read', async () => {
    const lines = events(3).map((e) => JSON.stringify(e));
    lines[1] = JSON.stringify(event(1, { padding: 'y'.repeat(7000) }));
    const file = write('large/long-line.ndjson', `${lines.join('\n')}\n`);
    const c = await collect([file], {}, small);
    expect(ids(c)).toEqual(['id-0', 'id-2']);
    expect(c.bad.map((b) => [b.error.code, b.error.location])).toEqual([
      ['JACKSTOP_INPUT_TOO_LARGE', { file, line: 2 }],
    ]);
  });
});

describe('batches, progress and cancellation', () => {
  test('batches hold at most batchSize records and keep file order across files', async () => {
    const a = write('batches/a.ndjson', ndjson(events(10, 0)));
    const b = write('batches/b.json', JSON.stringify({ Records: events(15, 10) }));
    const c = await collect([b, a], {}, { batchSize: 7 });
    expect(c.batches).toEqual([7, 7, 7, 4]);
    expect(ids(c)).toEqual(events(25).map((e) => e.eventID));
  });

  test('the default reader yields batches of up to 32', async () => {
    const file = write('batches/big.ndjson', ndjson(events(70)));
    const sizes: number[] = [];
    for await (const batch of readCloudTrail([file], { onBadInput: () => undefined })) sizes.push(batch.length);
    expect(sizes).toEqual([32, 32, 6]);
  });

  test('progress: a first report after listing, a last one with every total; throttled in between', async () => {
    const a = write('progress/a.json', JSON.stringify([event(0)]));
    const b = write('progress/b.ndjson', ndjson(events(3)));
    const size = Buffer.byteLength(JSON.stringify([event(0)])) + Buffer.byteLength(ndjson(events(3)));
    const c = await collect([a, b], {}, { progressIntervalMs: 60_000 });
    expect(c.progress).toEqual([
      { filesTotal: 2, bytesTotal: size, filesDone: 0, bytesDone: 0, records: 0, digestFiles: 0 },
      { filesTotal: 2, bytesTotal: size, filesDone: 2, bytesDone: size, records: 4, digestFiles: 0 },
    ]);
  });

  test('an abort signal stops reading with an AbortError', async () => {
    const file = write('abort/many.ndjson', ndjson(events(5000)));
    const controller = new AbortController();
    let seen = 0;
    const run = async () => {
      for await (const batch of readCloudTrailWith(
        [file],
        { onBadInput: () => undefined, signal: controller.signal },
        { ...DEFAULT_LIMITS, batchSize: 100 },
      )) {
        seen += batch.length;
        if (seen >= 300) controller.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toBe(300);
  });

  test('the consumer may stop early, also while gunzip waits on a stream that never ends', async () => {
    const file = write('abort/early.ndjson.gz', gzipSync(ndjson(events(3000))));
    let got = 0;
    for await (const batch of readCloudTrail([file], { onBadInput: () => undefined })) {
      got += batch.length;
      break;
    }
    expect(got).toBe(32);

    const endless = new Readable({ read() {} });
    endless.push(gzipSync(ndjson(events(3000))).subarray(0, 40_000));
    let fromStdin = 0;
    for await (const batch of readCloudTrail(['-'], { onBadInput: () => undefined, stdin: endless })) {
      fromStdin += batch.length;
      break;
    }
    expect(fromStdin).toBe(32);
  });
});
