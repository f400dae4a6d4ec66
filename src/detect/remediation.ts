import type { Finding } from '../domain/index.js';

/**
 * Rule remediations are written with placeholders (`<ACCESS_KEY_ID>`, `<USER_NAME>`, `<REGION>` …)
 * so one text serves every finding. Fill in what this finding knows for certain — a value is used
 * only when the evidence has exactly one — so a responder can paste the command as it stands.
 * Anything unknown stays a placeholder rather than a guess.
 */
export function fillRemediation(
  text: string,
  finding: Pick<Finding, 'subject' | 'evidence'>,
  now = new Date(),
): string {
  const e = finding.evidence;
  const one = (values: readonly string[]) => (values.length === 1 ? values[0] : undefined);
  const arn = finding.subject.id;
  const user = /^arn:aws[\w-]*:iam::\d{12}:user\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
  const role = /^arn:aws[\w-]*:sts::\d{12}:assumed-role\/([^/]+)\//.exec(arn)?.[1];
  const account = /^arn:aws[\w-]*:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1];
  const values: Record<string, string | undefined> = {
    ACCESS_KEY_ID: one(e.accessKeyIds),
    USER_NAME: user,
    ROLE_NAME: role,
    ACCOUNT_ID: account,
    REGION: one(e.regions),
    MODEL_ID: one(e.models),
    NOW_ISO8601: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  return text.replace(/<([A-Z][A-Z0-9_]*)>/g, (whole, name: string) => values[name] ?? whole);
}
