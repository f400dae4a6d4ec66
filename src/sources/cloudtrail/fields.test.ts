import { describe, expect, test } from 'vitest';
import { fieldName, parseTrinoValue, recordFromColumns, restoreRecord } from './fields.js';

// The way Athena prints a CloudTrail `useridentity` struct (lower-cased names, null for absent fields).
const ATHENA_USER_IDENTITY =
  '{type=AssumedRole, principalid=AROAEXAMPLE:i-0abc, arn=arn:aws:sts::111122223333:assumed-role/ec2-role/i-0abc, ' +
  'accountid=111122223333, invokedby=null, accesskeyid=ASIAEXAMPLE, username=null, ' +
  'sessioncontext={attributes={mfaauthenticated=false, creationdate=2024-06-07 23:59:12.000}, ' +
  'sessionissuer={type=Role, principalid=AROAEXAMPLE, arn=arn:aws:iam::111122223333:role/ec2-role, ' +
  'accountid=111122223333, username=ec2-role}, sourceidentity=null, ec2roledelivery=2.0, ec2issuedinvpc=null}}';

describe('parseTrinoValue', () => {
  test('structs, nested structs, lists and null', () => {
    expect(parseTrinoValue('{a=1, b={c=x y, d=null}, e=[p, q], f=[]}')).toEqual({
      a: '1',
      b: { c: 'x y', d: null },
      e: ['p', 'q'],
      f: [],
    });
    expect(parseTrinoValue('[{accountid=12777, type=AWS::IAM::Role, arn=arn:aws:iam::12777:role/r}]')).toEqual([
      { accountid: '12777', type: 'AWS::IAM::Role', arn: 'arn:aws:iam::12777:role/r' },
    ]);
  });

  test('a value may hold ", " when no "key=" follows it', () => {
    expect(parseTrinoValue('{useragent=Boto3/1.17 (a, b), k=v}')).toEqual({ useragent: 'Boto3/1.17 (a, b)', k: 'v' });
  });

  test('JSON text inside a map value is parsed as JSON', () => {
    expect(parseTrinoValue('{policy={"Version":"2012-10-17","Statement":[{"Effect":"Allow, }"}]}, name=p}')).toEqual({
      policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow, }' }] },
      name: 'p',
    });
  });

  test('text that is not in that form is left alone', () => {
    expect(parseTrinoValue('plain')).toBeUndefined();
    expect(parseTrinoValue('{a=1')).toBeUndefined();
    expect(parseTrinoValue('{a=1} trailing')).toBeUndefined();
    expect(parseTrinoValue('{=1}')).toBeUndefined();
  });
});

describe('fieldName', () => {
  test.each([
    ['eventname', 'eventName'],
    ['Event Name', 'eventName'],
    ['EVENTSOURCE', 'eventSource'],
    ['sourceipaddress', 'sourceIPAddress'],
    ['requestid', 'requestID'],
    ['recipientaccountid', 'recipientAccountId'],
    ['apiCount', 'apiCount'],
    ['$path', '$path'],
  ])('%s → %s', (heading, name) => {
    expect(fieldName(heading)).toBe(name);
  });
});

describe('recordFromColumns (Athena and CloudTrail Lake rows)', () => {
  test('an Athena CSV row becomes a CloudTrail record with its own names and objects', () => {
    const record = recordFromColumns(
      [
        'eventversion',
        'useridentity',
        'eventtime',
        'eventsource',
        'eventname',
        'requestparameters',
        'resources',
        'readonly',
        'errorcode',
        'tlsdetails',
      ],
      [
        '1.08',
        ATHENA_USER_IDENTITY,
        '2024-06-08T00:00:01Z',
        'bedrock.amazonaws.com',
        'InvokeModel',
        '{"modelId":"anthropic.claude-3-5-sonnet-20240620-v1:0"}',
        '[{accountid=111122223333, type=AWS::Bedrock::Model, arn=arn:aws:bedrock:us-east-1::foundation-model/x}]',
        'true',
        '',
        '{tlsversion=TLSv1.3, ciphersuite=TLS_AES_128_GCM_SHA256, clientprovidedhostheader=bedrock-runtime.us-east-1.amazonaws.com}',
      ],
    );
    expect(record).toEqual({
      eventVersion: '1.08',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLE:i-0abc',
        arn: 'arn:aws:sts::111122223333:assumed-role/ec2-role/i-0abc',
        accountId: '111122223333',
        accessKeyId: 'ASIAEXAMPLE',
        sessionContext: {
          attributes: { mfaAuthenticated: 'false', creationDate: '2024-06-07 23:59:12.000' },
          sessionIssuer: {
            type: 'Role',
            principalId: 'AROAEXAMPLE',
            arn: 'arn:aws:iam::111122223333:role/ec2-role',
            accountId: '111122223333',
            userName: 'ec2-role',
          },
          ec2RoleDelivery: '2.0',
        },
      },
      eventTime: '2024-06-08T00:00:01Z',
      eventSource: 'bedrock.amazonaws.com',
      eventName: 'InvokeModel',
      requestParameters: { modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0' },
      resources: [
        {
          accountId: '111122223333',
          type: 'AWS::Bedrock::Model',
          ARN: 'arn:aws:bedrock:us-east-1::foundation-model/x',
        },
      ],
      readOnly: true,
      tlsDetails: {
        tlsVersion: 'TLSv1.3',
        cipherSuite: 'TLS_AES_128_GCM_SHA256',
        clientProvidedHostHeader: 'bedrock-runtime.us-east-1.amazonaws.com',
      },
    });
  });

  test('CloudTrail Lake map columns keep their keys; JSON text in values becomes objects', () => {
    const record = recordFromColumns(
      ['eventName', 'eventSource', 'requestParameters', 'principalid'],
      [
        'PutBucketPolicy',
        's3.amazonaws.com',
        '{bucketName=logs, bucketPolicy={"Statement":[{"Effect":"Deny"}]}, Host=logs.s3.amazonaws.com}',
        'AIDAEXAMPLE',
      ],
    );
    expect(record).toEqual({
      eventName: 'PutBucketPolicy',
      eventSource: 's3.amazonaws.com',
      requestParameters: {
        bucketName: 'logs',
        bucketPolicy: { Statement: [{ Effect: 'Deny' }] },
        Host: 'logs.s3.amazonaws.com',
      },
      principalid: 'AIDAEXAMPLE',
    });
  });

  test('a struct cell that cannot be parsed is kept as text', () => {
    expect(recordFromColumns(['useridentity'], ['{broken'])).toEqual({ userIdentity: '{broken' });
  });
});

describe('restoreRecord (Athena UNLOAD JSON with lower-cased names)', () => {
  test('names restored at every level; JSON-text columns parsed; absent struct fields dropped', () => {
    expect(
      restoreRecord({
        eventname: 'ConsoleLogin',
        eventsource: 'signin.amazonaws.com',
        useridentity: { type: 'Root', principalid: '111122223333', invokedby: null, sessioncontext: null },
        additionaleventdata: '{"MFAUsed":"No"}',
        managementevent: 'true',
        unknownfield: { keep: 'As Is' },
      }),
    ).toEqual({
      eventName: 'ConsoleLogin',
      eventSource: 'signin.amazonaws.com',
      userIdentity: { type: 'Root', principalId: '111122223333' },
      additionalEventData: { MFAUsed: 'No' },
      managementEvent: true,
      unknownfield: { keep: 'As Is' },
    });
  });
});
