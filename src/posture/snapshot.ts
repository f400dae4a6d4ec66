/**
 * The posture snapshot: what `jackstop collect` read from cloud accounts, as one versioned JSON
 * document that `jackstop scan --snapshot F` checks offline. It holds the inventory (resources with
 * their attributes as the collectors normalised them) and, just as important, the coverage: every
 * collection a collector attempted (cloud, account, region, resource type) and whether it worked.
 * A check whose input could not be collected reports "could not check", never a pass.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { errorMessage, JackstopError } from '../errors.js';
import { findJsonSyntaxError, lineColumn } from '../sources/index.js';

export const SNAPSHOT_FORMAT = 'jackstop.posture-snapshot';
/** Bumped when a change would make an older reader misread a snapshot. */
export const SNAPSHOT_VERSION = 1;

export const CLOUDS = ['aws', 'azure', 'gcp'] as const;
export const Cloud = z.enum(CLOUDS);
export type Cloud = z.infer<typeof Cloud>;

/** Scope of things that are not regional (IAM, S3's bucket list, Azure subscriptions' settings …). */
export const GLOBAL_REGION = 'global';

/** `aws.bedrock.guardrail`: cloud, service, kind (lower case, dashes). */
export const RESOURCE_TYPE_PATTERN = /^(aws|azure|gcp)\.[a-z0-9-]+\.[a-z0-9-]+$/;

export const Resource = z.object({
  cloud: Cloud,
  /** `aws.bedrock.guardrail`, `azure.cognitive.account`, `gcp.vertex.endpoint` … (see README). */
  type: z.string().regex(RESOURCE_TYPE_PATTERN),
  /** Stable across collections: ARN, Azure resource id, GCP resource name. */
  id: z.string().min(1),
  /** AWS account id, Azure subscription id, GCP project id. */
  account: z.string().min(1),
  /** Region or location, or `global`. */
  region: z.string().min(1),
  name: z.string().optional(),
  /** What the collector read, normalised to plain JSON (never secret values: see README). */
  attributes: z.record(z.string(), z.unknown()),
});
export type Resource = z.infer<typeof Resource>;

export const CollectionError = z.object({
  /** The provider's error code (`ThrottlingException`, `AccessDeniedException`, `AuthorizationFailed` …). */
  code: z.string(),
  message: z.string(),
  /** The API call that failed (`bedrock:ListGuardrails`). */
  operation: z.string().optional(),
});
export type CollectionError = z.infer<typeof CollectionError>;

/** One attempt to list one resource type in one scope. */
export const Collection = z.object({
  cloud: Cloud,
  account: z.string().min(1),
  region: z.string().min(1),
  type: z.string().regex(RESOURCE_TYPE_PATTERN),
  status: z.enum(['ok', 'error']),
  /** Resources of this type collected in this scope (what was read before a failure, when status is error). */
  count: z.number().int().nonnegative(),
  error: CollectionError.optional(),
});
export type Collection = z.infer<typeof Collection>;

export const SnapshotAccount = z.object({
  cloud: Cloud,
  id: z.string().min(1),
  name: z.string().optional(),
  /** Regions (locations) the collector looked at. */
  regions: z.array(z.string()),
});
export type SnapshotAccount = z.infer<typeof SnapshotAccount>;

export const Snapshot = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  version: z.literal(SNAPSHOT_VERSION),
  /** ISO 8601: ages (key age, days since last use) are measured from here, so a scan is repeatable. */
  collectedAt: z.iso.datetime({ offset: true }),
  tool: z.object({ name: z.string(), version: z.string() }),
  accounts: z.array(SnapshotAccount),
  collections: z.array(Collection),
  resources: z.array(Resource),
});
export type Snapshot = z.infer<typeof Snapshot>;

/** An empty snapshot to fill (collectors, tests, generators). */
export function emptySnapshot(collectedAt: Date, tool: { name: string; version: string }): Snapshot {
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    collectedAt: collectedAt.toISOString(),
    tool,
    accounts: [],
    collections: [],
    resources: [],
  };
}

/** Adds another collector's part (accounts, collections, resources) to `into`. */
export function mergeSnapshot(
  into: Snapshot,
  part: Pick<Snapshot, 'accounts' | 'collections' | 'resources'>,
): Snapshot {
  into.accounts.push(...part.accounts);
  into.collections.push(...part.collections);
  into.resources.push(...part.resources);
  return into;
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('') || '(top level)';
}

/**
 * Checks a parsed snapshot. Wrong format or version, and every schema problem, become one
 * `JACKSTOP_SNAPSHOT_INVALID` naming the file and the first bad path (e.g. `resources[12].type`).
 */
export function parseSnapshot(value: unknown, file = 'snapshot'): Snapshot {
  const v = value as { format?: unknown; version?: unknown } | null;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new JackstopError('JACKSTOP_SNAPSHOT_INVALID', 'not a posture snapshot: the document is not a JSON object', {
      location: { file },
    });
  }
  if (v.format !== SNAPSHOT_FORMAT) {
    throw new JackstopError(
      'JACKSTOP_SNAPSHOT_INVALID',
      `not a posture snapshot: "format" is ${JSON.stringify(v.format)}, expected "${SNAPSHOT_FORMAT}" (write one with \`jackstop collect\`)`,
      { location: { file } },
    );
  }
  if (v.version !== SNAPSHOT_VERSION) {
    throw new JackstopError(
      'JACKSTOP_SNAPSHOT_INVALID',
      `snapshot version ${JSON.stringify(v.version)} is not supported: this Jackstop reads version ${SNAPSHOT_VERSION}; collect again with this version`,
      { location: { file } },
    );
  }
  const parsed = Snapshot.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const more = parsed.error.issues.length - 1;
    throw new JackstopError(
      'JACKSTOP_SNAPSHOT_INVALID',
      `invalid snapshot at ${issuePath(issue.path)}: ${issue.message}${more > 0 ? ` (and ${more} more problem${more > 1 ? 's' : ''})` : ''}`,
      { location: { file } },
    );
  }
  return parsed.data;
}

/** Reads a snapshot file: a cut or malformed file names the line and column where JSON stopped. */
export async function readSnapshot(file: string): Promise<Snapshot> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new JackstopError(
      code === 'ENOENT' ? 'JACKSTOP_INPUT_NOT_FOUND' : 'JACKSTOP_INPUT_UNREADABLE',
      `cannot read snapshot: ${errorMessage(e)}`,
      { location: { file }, cause: e },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const err = findJsonSyntaxError(text) ?? { offset: text.length, message: errorMessage(e) };
    const { line, column } = lineColumn(text, err.offset);
    // Cut files end inside a value: the validator reaches the end of input, or a string never closes.
    const cut = err.offset >= text.trimEnd().length || /end of input|closing quote is missing/.test(err.message);
    throw new JackstopError(
      cut ? 'JACKSTOP_INPUT_TRUNCATED' : 'JACKSTOP_INPUT_MALFORMED_JSON',
      cut
        ? 'the snapshot ends in the middle of its JSON: the file is truncated (collect again, or copy it whole)'
        : `the snapshot is not valid JSON: ${err.message}`,
      { location: { file, line, column }, cause: e },
    );
  }
  return parseSnapshot(value, file);
}
