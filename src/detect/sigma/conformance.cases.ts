/**
 * The Sigma conformance table: for each modifier and condition form, a tiny detection and records
 * that must and must not match. Kept apart from the test so any future compiler (SQL …) runs the
 * same table (the Kysely pattern). Expectations come from the Sigma specification and the
 * decisions documented in this folder, never from running the engine.
 */

export interface ConformanceCase {
  readonly name: string;
  /** The `detection:` section (YAML, unindented). */
  readonly detection: string;
  readonly match: readonly Record<string, unknown>[];
  readonly nomatch: readonly Record<string, unknown>[];
  readonly placeholders?: Record<string, string[]>;
}

/** A full rule document around a detection section. */
export function ruleYaml(detection: string, title = 'conformance case'): string {
  const body = detection
    .trim()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
  return `title: ${JSON.stringify(title)}\nlogsource:\n    product: test\ndetection:\n${body}\n`;
}

export const CONFORMANCE_CASES: readonly ConformanceCase[] = [
  // ── Detection structure ────────────────────────────────────────────────────────────────
  {
    name: 'map: all fields must match (AND)',
    detection: `
sel:
    eventSource: iam.amazonaws.com
    eventName: CreateUser
condition: sel`,
    match: [{ eventSource: 'iam.amazonaws.com', eventName: 'CreateUser', extra: 1 }],
    nomatch: [{ eventSource: 'iam.amazonaws.com' }, { eventSource: 'iam.amazonaws.com', eventName: 'DeleteUser' }, {}],
  },
  {
    name: 'list of maps: any map may match (OR)',
    detection: `
sel:
    - eventName: CreateUser
    - eventSource: s3.amazonaws.com
      eventName: PutObject
condition: sel`,
    match: [{ eventName: 'CreateUser' }, { eventSource: 's3.amazonaws.com', eventName: 'PutObject' }],
    nomatch: [{ eventName: 'PutObject' }, { eventSource: 's3.amazonaws.com' }],
  },
  {
    name: 'list of values: any value may match (OR)',
    detection: `
sel:
    eventName:
        - StopLogging
        - DeleteTrail
condition: sel`,
    match: [{ eventName: 'StopLogging' }, { eventName: 'DeleteTrail' }],
    nomatch: [{ eventName: 'StartLogging' }, { eventName: ['StartLogging'] }, {}],
  },
  {
    name: 'keywords: searched case-insensitively in every value of the record',
    detection: `
keywords:
    - EVILSERVICE
    - 'svchost.exe -n evil'
condition: keywords`,
    match: [
      { message: 'started evilservice now' },
      { deep: { list: ['x', 'run svchost.exe -n evil please'] } },
      { a: 1, b: 'EvilService' },
    ],
    nomatch: [{ message: 'benign' }, { EVILSERVICE: 'key names are not searched' }, {}],
  },
  {
    name: 'keywords: wildcards inside a keyword',
    detection: `
keywords:
    - 'evil*service'
condition: keywords`,
    match: [{ m: 'an EVIL little SERVICE' }],
    nomatch: [{ m: 'service evil' }],
  },
  {
    name: 'keywords: one scalar instead of a list',
    detection: `
keywords: 'mimikatz'
condition: keywords`,
    match: [{ cmd: 'Invoke-Mimikatz' }],
    nomatch: [{ cmd: 'whoami' }],
  },
  {
    name: "keywords: '|all' requires every keyword",
    detection: `
keywords:
    '|all':
        - OabVirtualDirectory
        - ' -ExternalUrl '
condition: keywords`,
    match: [
      { cmd: 'Set-OabVirtualDirectory -ExternalUrl http://x' },
      { a: 'oabvirtualdirectory', b: 'x -externalurl y' },
    ],
    nomatch: [{ cmd: 'Set-OabVirtualDirectory' }],
  },
  {
    name: 'null: the field is absent or null',
    detection: `
sel:
    errorCode: null
condition: sel`,
    match: [{}, { errorCode: null }, { errorCode: [] }],
    nomatch: [{ errorCode: '' }, { errorCode: 'AccessDenied' }, { errorCode: 0 }],
  },
  {
    name: "empty string: only ''",
    detection: `
sel:
    errorCode: ''
condition: sel`,
    match: [{ errorCode: '' }],
    nomatch: [{}, { errorCode: null }, { errorCode: 'x' }],
  },
  {
    name: 'number: equals a JSON number or a numeric string',
    detection: `
sel:
    EventID: 4624
condition: sel`,
    match: [{ EventID: 4624 }, { EventID: '4624' }, { EventID: 4624.0 }, { EventID: [1, 4624] }],
    nomatch: [{ EventID: 4625 }, { EventID: '4624x' }, { EventID: true }, {}],
  },
  {
    name: 'number: the YAML spelling (0x17) also matches as text',
    detection: `
sel:
    TicketEncryption: 0x17
condition: sel`,
    match: [{ TicketEncryption: 23 }, { TicketEncryption: '0x17' }, { TicketEncryption: '0X17' }],
    nomatch: [{ TicketEncryption: '17' }, { TicketEncryption: 17 }],
  },
  {
    name: 'boolean: YAML true matches JSON true and the string "true"',
    detection: `
sel:
    readOnly: true
condition: sel`,
    match: [{ readOnly: true }, { readOnly: 'true' }, { readOnly: 'TRUE' }],
    nomatch: [{ readOnly: false }, { readOnly: 'false' }, { readOnly: 1 }, { readOnly: 'yes' }, {}],
  },
  {
    name: 'boolean: YAML false',
    detection: `
sel:
    managementEvent: false
condition: sel`,
    match: [{ managementEvent: false }, { managementEvent: 'false' }],
    nomatch: [{ managementEvent: true }, { managementEvent: 0 }, {}],
  },
  {
    name: "quoted 'true' is a string and matches JSON true as text",
    detection: `
sel:
    readOnly: 'true'
condition: sel`,
    match: [{ readOnly: true }, { readOnly: 'True' }],
    nomatch: [{ readOnly: false }],
  },
  {
    name: 'nested field path',
    detection: `
sel:
    userIdentity.sessionContext.sessionIssuer.type: Role
condition: sel`,
    match: [{ userIdentity: { sessionContext: { sessionIssuer: { type: 'Role' } } } }],
    nomatch: [
      { userIdentity: { sessionContext: { sessionIssuer: { type: 'User' } } } },
      { userIdentity: { type: 'Role' } },
    ],
  },
  {
    name: 'a key containing dots wins when present literally',
    detection: `
sel:
    aws.s3.key: secret.txt
condition: sel`,
    match: [
      { 'aws.s3.key': 'secret.txt' },
      { aws: { s3: { key: 'secret.txt' } } },
      { aws: { 's3.key': 'secret.txt' } },
    ],
    nomatch: [{ 'aws.s3.key': 'other', aws: { s3: { key: 'secret.txt' } } }],
  },
  {
    name: 'arrays along a path: any element may match',
    detection: `
sel:
    resources.ARN: 'arn:aws:s3:::bucket'
condition: sel`,
    match: [
      { resources: [{ ARN: 'arn:aws:s3:::other' }, { ARN: 'arn:aws:s3:::bucket' }] },
      { resources: { ARN: ['x', 'arn:aws:s3:::bucket'] } },
    ],
    nomatch: [{ resources: [{ ARN: 'arn:aws:s3:::other' }] }, { resources: [] }],
  },
  {
    name: 'an object value: any scalar inside it is compared',
    detection: `
sel:
    requestParameters|contains: Suspended
condition: sel`,
    match: [{ requestParameters: { VersioningConfiguration: { Status: 'Suspended' } } }],
    nomatch: [{ requestParameters: { Suspended: 'Enabled' } }, { requestParameters: null }],
  },
  // ── Strings, wildcards, escapes, case ──────────────────────────────────────────────────
  {
    name: 'plain strings compare case-insensitively and whole',
    detection: `
sel:
    eventName: ConsoleLogin
condition: sel`,
    match: [{ eventName: 'consolelogin' }, { eventName: 'CONSOLELOGIN' }],
    nomatch: [{ eventName: 'ConsoleLogins' }, { eventName: 'xConsoleLogin' }],
  },
  {
    name: 'wildcard * (any run, also empty)',
    detection: `
sel:
    eventName: 'Describe*s'
condition: sel`,
    match: [
      { eventName: 'DescribeInstances' },
      { eventName: 'describes' },
      { eventName: 'Describe\nmultiline values' },
    ],
    nomatch: [{ eventName: 'DescribeInstance' }, { eventName: 'ListDescribes' }],
  },
  {
    name: 'wildcard ? (exactly one character)',
    detection: `
sel:
    name: 'prog?.exe'
condition: sel`,
    match: [{ name: 'progA.exe' }, { name: 'PROG1.EXE' }],
    nomatch: [{ name: 'prog.exe' }, { name: 'progAB.exe' }],
  },
  {
    name: 'several wildcards in the middle',
    detection: `
sel:
    cmd: 'a*b?c*d'
condition: sel`,
    match: [{ cmd: 'aXXbYcZZd' }, { cmd: 'abbcd' }, { cmd: 'a-b-c-b-cd' }],
    nomatch: [{ cmd: 'abcd' }, { cmd: 'aXbYcZ' }],
  },
  {
    name: 'escaped wildcards are plain characters',
    detection: `
sel:
    a: 'x\\*y'
    b: 'what\\?'
condition: sel`,
    match: [{ a: 'x*y', b: 'what?' }],
    nomatch: [
      { a: 'xzy', b: 'what?' },
      { a: 'x*y', b: 'whats' },
    ],
  },
  {
    name: 'escaped backslash before a wildcard: \\\\* is a backslash then a wildcard',
    detection: `
sel:
    path: 'C:\\Windows\\\\*'
condition: sel`,
    match: [{ path: 'C:\\Windows\\System32' }, { path: 'c:\\windows\\' }],
    nomatch: [{ path: 'C:\\Windows*' }, { path: 'C:\\WindowsX' }],
  },
  {
    name: 'three backslashes: a backslash then a plain star',
    detection: `
sel:
    path: 'a\\\\\\*'
condition: sel`,
    match: [{ path: 'a\\*' }],
    nomatch: [{ path: 'a\\b' }, { path: 'a*' }],
  },
  {
    name: 'cased: case-sensitive comparison',
    detection: `
sel:
    userAgent|cased: TruffleHog
condition: sel`,
    match: [{ userAgent: 'TruffleHog' }],
    nomatch: [{ userAgent: 'trufflehog' }, { userAgent: 'TRUFFLEHOG' }],
  },
  {
    name: 'contains',
    detection: `
sel:
    userAgent|contains: 'S3 Browser'
condition: sel`,
    match: [{ userAgent: 'S3 Browser 9.5.5 https://s3browser.com' }, { userAgent: 'x s3 browser' }],
    nomatch: [{ userAgent: 'S3Browser' }, { userAgent: 42 }],
  },
  {
    name: 'contains with only a wildcard: any string value (the field exists and is not null)',
    detection: `
sel:
    errorCode|contains: '*'
condition: sel`,
    match: [{ errorCode: 'AccessDenied' }, { errorCode: '' }],
    nomatch: [{}, { errorCode: null }],
  },
  {
    name: 'startswith',
    detection: `
sel:
    eventName|startswith: UpdateFunctionConfiguration
condition: sel`,
    match: [{ eventName: 'UpdateFunctionConfiguration20150331v2' }, { eventName: 'updatefunctionconfiguration' }],
    nomatch: [{ eventName: 'xUpdateFunctionConfiguration' }],
  },
  {
    name: 'endswith',
    detection: `
sel:
    method|endswith: '.delete'
condition: sel`,
    match: [{ method: 'storage.buckets.delete' }, { method: 'X.DELETE' }],
    nomatch: [{ method: 'storage.buckets.delete.x' }],
  },
  {
    name: 'contains|cased',
    detection: `
sel:
    cmd|contains|cased: 'Invoke-'
condition: sel`,
    match: [{ cmd: 'powershell Invoke-Expression' }],
    nomatch: [{ cmd: 'powershell invoke-expression' }],
  },
  {
    name: 'contains|all: every value must be contained',
    detection: `
sel:
    cmd|contains|all:
        - ' -enc '
        - powershell
condition: sel`,
    match: [{ cmd: 'PowerShell -enc AAA' }],
    nomatch: [{ cmd: 'powershell -e AAA' }, { cmd: 'cmd -enc x' }],
  },
  {
    name: 'all on plain values: each must equal some value of the field',
    detection: `
sel:
    tags|all:
        - a
        - b
condition: sel`,
    match: [{ tags: ['a', 'b', 'c'] }],
    nomatch: [{ tags: ['a', 'c'] }, { tags: 'a' }],
  },
  // ── Regular expressions (RE2) ─────────────────────────────────────────────────────────
  {
    name: 're: searches anywhere, case-sensitive by default',
    detection: `
sel:
    userIdentity.arn|re: '.+:assumed-role/aws:.+'
condition: sel`,
    match: [{ userIdentity: { arn: 'arn:aws:sts::1:assumed-role/aws:ec2-instance/i-1' } }],
    nomatch: [{ userIdentity: { arn: 'arn:aws:sts::1:assumed-role/AWS:ec2-instance/i-1' } }, { userIdentity: {} }],
  },
  {
    name: 're|i: case-insensitive',
    detection: `
sel:
    ua|re|i: '^aws-cli/[0-9]+'
condition: sel`,
    match: [{ ua: 'AWS-CLI/2.1' }],
    nomatch: [{ ua: 'boto3 aws-cli/2' }],
  },
  {
    name: 're|m: ^ and $ match at line breaks',
    detection: `
sel:
    script|re|m: '^curl .*$'
condition: sel`,
    match: [{ script: '#!/bin/sh\ncurl http://x\nexit' }],
    nomatch: [{ script: '#!/bin/sh\nwget curl http://x' }],
  },
  {
    name: 're without m: ^ is the start of the value only',
    detection: `
sel:
    script|re: '^curl'
condition: sel`,
    match: [{ script: 'curl x' }],
    nomatch: [{ script: 'a\ncurl x' }],
  },
  {
    name: 're|s: dot matches newlines',
    detection: `
sel:
    body|re|s: 'BEGIN.+END'
condition: sel`,
    match: [{ body: 'BEGIN\nmiddle\nEND' }],
    nomatch: [{ body: 'BEGINEND' }, { body: 'END\nBEGIN' }],
  },
  {
    name: 're without s: dot stops at newlines',
    detection: `
sel:
    body|re: 'BEGIN.+END'
condition: sel`,
    match: [{ body: 'BEGIN x END' }],
    nomatch: [{ body: 'BEGIN\nx\nEND' }],
  },
  {
    name: 're on a number value compares its text',
    detection: `
sel:
    port|re: '^44[0-9]$'
condition: sel`,
    match: [{ port: 443 }, { port: '443' }],
    nomatch: [{ port: 8443 }],
  },
  // ── CIDR ──────────────────────────────────────────────────────────────────────────────
  {
    name: 'cidr IPv4',
    detection: `
sel:
    sourceIPAddress|cidr: 10.0.0.0/8
condition: sel`,
    match: [{ sourceIPAddress: '10.1.2.3' }, { sourceIPAddress: '::ffff:10.9.9.9' }],
    nomatch: [{ sourceIPAddress: '11.0.0.1' }, { sourceIPAddress: 'ec2.amazonaws.com' }, { sourceIPAddress: '10.1.2' }],
  },
  {
    name: 'cidr IPv4 with zero-padded octets in the record (read as decimal)',
    detection: `
sel:
    sourceIPAddress|cidr: 35.249.0.0/16
condition: sel`,
    match: [{ sourceIPAddress: '035.249.253.232' }],
    nomatch: [{ sourceIPAddress: '035.250.253.232' }, { sourceIPAddress: '29.249.253.232' }],
  },
  {
    name: 'cidr IPv6 and a list of ranges',
    detection: `
sel:
    ip|cidr:
        - '2001:db8::/32'
        - 192.168.0.0/16
condition: sel`,
    match: [{ ip: '2001:db8:0:1::5' }, { ip: '2001:DB8::1' }, { ip: '192.168.4.4' }],
    nomatch: [{ ip: '2001:db9::1' }, { ip: '::1' }, { ip: '172.16.0.1' }],
  },
  // ── Encodings ─────────────────────────────────────────────────────────────────────────
  {
    name: 'base64: the value base64-encoded',
    detection: `
sel:
    data|base64: 'abc'
condition: sel`,
    match: [{ data: 'YWJj' }],
    nomatch: [{ data: 'abc' }, { data: 'YWJjZA==' }],
  },
  {
    name: 'base64|contains',
    detection: `
sel:
    data|base64|contains: 'abc'
condition: sel`,
    match: [{ data: 'xxYWJjyy' }],
    nomatch: [{ data: 'abc' }],
  },
  {
    name: 'base64offset|contains: all three alignments',
    detection: `
sel:
    userData|base64offset|contains: 'http://'
condition: sel`,
    // "http://x", "-http://x", "--http://x" base64-encoded.
    match: [{ userData: 'aHR0cDovL3g=' }, { userData: 'LWh0dHA6Ly94' }, { userData: 'LS1odHRwOi8veA==' }],
    nomatch: [{ userData: 'aHR0cHM6Ly94' }, { userData: 'http://x' }],
  },
  {
    name: 'utf16le|base64offset|contains (UTF-16LE, as PowerShell -enc)',
    detection: `
sel:
    cmd|utf16le|base64offset|contains: 'IEX'
condition: sel`,
    // base64 of UTF-16LE "IEX (x)" and of "a IEX".
    match: [{ cmd: 'SQBFAFgAIAAoAHgAKQA=' }, { cmd: 'YQAgAEkARQBYAA==' }],
    nomatch: [{ cmd: 'SUVY' }],
  },
  {
    name: 'wide is utf16le',
    detection: `
sel:
    cmd|wide|base64: 'cmd'
condition: sel`,
    match: [{ cmd: 'YwBtAGQA' }],
    nomatch: [{ cmd: 'Y21k' }],
  },
  {
    name: 'utf16be|base64',
    detection: `
sel:
    cmd|utf16be|base64: 'cmd'
condition: sel`,
    match: [{ cmd: 'AGMAbQBk' }],
    nomatch: [{ cmd: 'YwBtAGQA' }],
  },
  {
    name: 'utf16 (with byte order mark)|base64',
    detection: `
sel:
    cmd|utf16|base64: 'cmd'
condition: sel`,
    match: [{ cmd: '//5jAG0AZAA=' }],
    nomatch: [{ cmd: 'YwBtAGQA' }],
  },
  {
    name: 'windash: - and / (and Unicode dashes) are interchangeable at flag starts',
    detection: `
sel:
    cmd|windash|contains: ' -enc '
condition: sel`,
    match: [{ cmd: 'powershell -enc AA' }, { cmd: 'powershell /enc AA' }, { cmd: 'powershell \u2013enc AA' }],
    nomatch: [{ cmd: 'powershell enc AA' }, { cmd: 'powershell +enc AA' }],
  },
  {
    name: 'windash leaves dashes inside words alone',
    detection: `
sel:
    cmd|windash: 'a-b'
condition: sel`,
    match: [{ cmd: 'a-b' }],
    nomatch: [{ cmd: 'a/b' }],
  },
  // ── Field checks ─────────────────────────────────────────────────────────────────────
  {
    name: 'exists: true (present, even null or empty)',
    detection: `
sel:
    errorMessage|exists: true
condition: sel`,
    match: [{ errorMessage: 'x' }, { errorMessage: '' }, { errorMessage: null }],
    nomatch: [{}, { other: 1 }],
  },
  {
    name: 'exists: false',
    detection: `
sel:
    errorMessage|exists: false
condition: sel`,
    match: [{}, { a: { errorMessage: 'nested is another field' } }],
    nomatch: [{ errorMessage: null }, { errorMessage: 'x' }],
  },
  {
    name: 'gt / lt (numeric, numeric strings too)',
    detection: `
sel:
    bytes|gt: 100
    bytes|lt: 200
condition: sel`,
    match: [{ bytes: 150 }, { bytes: '101' }],
    nomatch: [{ bytes: 100 }, { bytes: 200 }, { bytes: 'many' }, {}],
  },
  {
    name: 'gte / lte (inclusive)',
    detection: `
sel:
    n|gte: 1.5
    n|lte: 2
condition: sel`,
    match: [{ n: 1.5 }, { n: 2 }, { n: '2.0' }],
    nomatch: [{ n: 1.49 }, { n: 2.01 }],
  },
  {
    name: 'fieldref: equals another field (case-insensitive)',
    detection: `
sel:
    requestParameters.userName|fieldref: userIdentity.userName
condition: sel`,
    match: [{ requestParameters: { userName: 'Bob' }, userIdentity: { userName: 'bob' } }],
    nomatch: [
      { requestParameters: { userName: 'alice' }, userIdentity: { userName: 'bob' } },
      { requestParameters: { userName: 'bob' } },
    ],
  },
  {
    name: 'fieldref|contains / startswith / endswith',
    detection: `
sel_c:
    userIdentity.arn|fieldref|contains: responseElements.accessKey.userName
sel_s:
    a|fieldref|startswith: prefix
sel_e:
    b|fieldref|endswith: suffix
condition: 1 of sel_*`,
    match: [
      { userIdentity: { arn: 'arn:aws:iam::1:user/alice' }, responseElements: { accessKey: { userName: 'alice' } } },
      { a: 'foobar', prefix: 'foo' },
      { b: 'foobar', suffix: 'BAR' },
    ],
    nomatch: [
      { userIdentity: { arn: 'arn:aws:iam::1:user/alice' }, responseElements: { accessKey: { userName: 'mallory' } } },
      { a: 'foobar', prefix: 'bar' },
      { b: 'foobar', suffix: 'foo' },
    ],
  },
  {
    name: 'fieldref|cased',
    detection: `
sel:
    a|fieldref|cased: b
condition: sel`,
    match: [{ a: 'X', b: 'X' }],
    nomatch: [{ a: 'X', b: 'x' }],
  },
  {
    name: 'neq|fieldref: fields differ',
    detection: `
sel:
    a|neq|fieldref: b
condition: sel`,
    match: [{ a: 'x', b: 'y' }],
    nomatch: [{ a: 'x', b: 'X' }],
  },
  {
    name: 'neq on strings: none of the values (a missing field differs too)',
    detection: `
sel:
    eventType|neq:
        - AwsServiceEvent
        - AwsConsoleSignIn
condition: sel`,
    match: [{ eventType: 'AwsApiCall' }, {}],
    nomatch: [{ eventType: 'awsserviceevent' }, { eventType: 'AwsConsoleSignIn' }],
  },
  {
    name: 'neq on a number',
    detection: `
sel:
    status|neq: 200
condition: sel`,
    match: [{ status: 404 }, { status: '500' }],
    nomatch: [{ status: 200 }, { status: '200' }],
  },
  {
    name: 'expand: placeholders become value lists',
    detection: `
sel:
    eventName: ConsoleLogin
filter:
    src_country|expand: '%Legitimate_Countries%'
condition: sel and not filter`,
    placeholders: { Legitimate_Countries: ['US', 'D?'] },
    match: [{ eventName: 'ConsoleLogin', src_country: 'FR' }, { eventName: 'ConsoleLogin' }],
    nomatch: [
      { eventName: 'ConsoleLogin', src_country: 'us' },
      { eventName: 'ConsoleLogin', src_country: 'DE' },
    ],
  },
  {
    name: 'expand: placeholder inside a longer value, escaped percent stays plain',
    detection: `
sel:
    path|expand: '\\%%Dir%\\%*'
condition: sel`,
    placeholders: { Dir: ['tmp', 'var'] },
    match: [{ path: '%tmp%/x' }, { path: '%VAR%' }],
    nomatch: [{ path: 'tmp/x' }, { path: '%home%/x' }],
  },
  {
    name: 'a plain % value without expand is literal',
    detection: `
sel:
    v: '%name%'
condition: sel`,
    match: [{ v: '%name%' }],
    nomatch: [{ v: 'name' }],
  },
  // ── Time modifiers (Sigma 2.1, UTC) ───────────────────────────────────────────────────
  {
    name: 'hour / minute of a timestamp',
    detection: `
sel:
    eventTime|hour: 3
    eventTime|minute: 7
condition: sel`,
    match: [{ eventTime: '2024-07-30T03:07:59Z' }, { eventTime: '2024-07-30T05:07:00+02:00' }],
    nomatch: [{ eventTime: '2024-07-30T04:07:00Z' }, { eventTime: 'not a time' }],
  },
  {
    name: 'day / month / year / ISO week',
    detection: `
sel:
    t|day: 30
    t|month: 7
    t|year: 2024
    t|week: 31
condition: sel`,
    match: [{ t: '2024-07-30T21:53:13Z' }],
    nomatch: [{ t: '2024-06-30T21:53:13Z' }, { t: '2023-07-30T21:53:13Z' }],
  },
  // ── Conditions ───────────────────────────────────────────────────────────────────────
  {
    name: 'and / or / not with precedence not > and > or',
    detection: `
a:
    x: 1
b:
    y: 1
c:
    z: 1
condition: a or b and not c`,
    match: [{ x: 1, z: 1 }, { y: 1 }],
    nomatch: [{ y: 1, z: 1 }, {}],
  },
  {
    name: 'parentheses override precedence',
    detection: `
a:
    x: 1
b:
    y: 1
c:
    z: 1
condition: (a or b) and not c`,
    match: [{ x: 1 }, { y: 1 }],
    nomatch: [{ x: 1, z: 1 }],
  },
  {
    name: 'not binds tighter than and',
    detection: `
a:
    x: 1
b:
    y: 1
condition: not a and b`,
    match: [{ y: 1 }],
    nomatch: [{ x: 1, y: 1 }, {}],
  },
  {
    name: 'double negation',
    detection: `
a:
    x: 1
condition: not not a`,
    match: [{ x: 1 }],
    nomatch: [{ x: 2 }],
  },
  {
    name: '1 of pattern',
    detection: `
selection_status_success:
    errorCode: Success
selection_status_null:
    errorCode: null
selection_event:
    eventName: SendCommand
condition: selection_event and 1 of selection_status_*`,
    match: [{ eventName: 'SendCommand' }, { eventName: 'SendCommand', errorCode: 'success' }],
    nomatch: [{ eventName: 'SendCommand', errorCode: 'AccessDenied' }, { errorCode: 'Success' }],
  },
  {
    name: 'all of pattern',
    detection: `
sel1:
    a: 1
sel2:
    b: 1
other:
    c: 1
condition: all of sel*`,
    match: [{ a: 1, b: 1 }],
    nomatch: [{ a: 1, c: 1 }],
  },
  {
    name: 'any of (pySigma synonym of 1 of)',
    detection: `
sel1:
    a: 1
sel2:
    b: 1
condition: any of sel*`,
    match: [{ b: 1 }],
    nomatch: [{ c: 1 }],
  },
  {
    name: '1 of them, leaving out identifiers that start with _',
    detection: `
sel1:
    a: 1
sel2:
    b: 1
_helper:
    c: 1
condition: 1 of them`,
    match: [{ a: 1 }, { b: 1 }],
    nomatch: [{ c: 1 }],
  },
  {
    name: 'all of them, leaving out identifiers that start with _',
    detection: `
sel1:
    a: 1
sel2:
    b: 1
_helper:
    c: 1
condition: all of them`,
    match: [{ a: 1, b: 1 }],
    nomatch: [{ a: 1, c: 1 }],
  },
  {
    name: 'a pattern starting with _ selects the underscore identifiers',
    detection: `
_f1:
    a: 1
_f2:
    b: 1
condition: 1 of _f*`,
    match: [{ b: 1 }],
    nomatch: [{ c: 1 }],
  },
  {
    name: 'identifiers with digits, underscores, dashes; operators in any case',
    detection: `
sel_1:
    a: 1
Sel-2:
    b: 1
condition: sel_1 AND NOT Sel-2`,
    match: [{ a: 1 }],
    nomatch: [{ a: 1, b: 1 }],
  },
  {
    name: 'a list of conditions is joined with or',
    detection: `
a:
    x: 1
b:
    y: 1
condition:
    - a
    - b`,
    match: [{ x: 1 }, { y: 1 }],
    nomatch: [{ z: 1 }],
  },
];
