import { describe, expect, it } from 'vitest';
import { Evidence } from '../domain/index.js';
import { fillRemediation } from './remediation.js';

const evidence = (over: Partial<Evidence>): Evidence => Evidence.parse(over);

describe('fillRemediation', () => {
  const now = new Date('2026-11-23T10:00:00.123Z');

  it('fills the IAM user, key and region of a single-valued finding', () => {
    const text = fillRemediation(
      'aws iam update-access-key --user-name <USER_NAME> --access-key-id <ACCESS_KEY_ID> --status Inactive --region <REGION>',
      {
        subject: { kind: 'identity', id: 'arn:aws:iam::111122223333:user/ci/ci-deploy' },
        evidence: evidence({ accessKeyIds: ['AKIAEXAMPLELEAKED004'], regions: ['us-west-2'] }),
      },
      now,
    );
    expect(text).toBe(
      'aws iam update-access-key --user-name ci-deploy --access-key-id AKIAEXAMPLELEAKED004 --status Inactive --region us-west-2',
    );
  });

  it('fills the role of an assumed-role session and the revocation time', () => {
    const text = fillRemediation(
      'aws iam put-role-policy --role-name <ROLE_NAME> … "aws:TokenIssueTime":"<NOW_ISO8601>"',
      {
        subject: { kind: 'identity', id: 'arn:aws:sts::111122223333:assumed-role/test-role/cli' },
        evidence: evidence({}),
      },
      now,
    );
    expect(text).toBe('aws iam put-role-policy --role-name test-role … "aws:TokenIssueTime":"2026-11-23T10:00:00Z"');
  });

  it('leaves placeholders it cannot know for certain', () => {
    const text = fillRemediation(
      '<USER_NAME> <ACCESS_KEY_ID> <REGION> <MODEL_ID> <CREDENTIAL_ID>',
      {
        subject: { kind: 'identity', id: 'arn:aws:sts::111122223333:assumed-role/r/s' },
        evidence: evidence({ accessKeyIds: ['ASIA1', 'ASIA2'], regions: ['us-east-1', 'eu-west-3'], models: [] }),
      },
      now,
    );
    expect(text).toBe('<USER_NAME> <ACCESS_KEY_ID> <REGION> <MODEL_ID> <CREDENTIAL_ID>');
  });
});
