import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Command } from '@commander-js/extra-typings';
import { errorMessage, isJackstopError, JackstopError } from '../../errors.js';
import {
  type Cloud,
  emptySnapshot,
  mergeSnapshot,
  parseSnapshot,
  type Snapshot,
  type SnapshotPart,
} from '../../posture/index.js';
import { TOOL } from '../tool.js';
import { parseClouds, parseList } from './scan.js';

export interface CollectOptions {
  /** Clouds to read; default aws, plus azure with --subscriptions and gcp with --projects. */
  clouds?: Cloud[];
  /** AWS regions (default: every enabled region). */
  regions?: string[];
  /** AWS profile from the shared config / credentials files. */
  profile?: string;
  /** Azure subscription ids (default: every subscription the credential sees). */
  subscriptions?: string[];
  /** GCP project ids (needed for gcp: a GCP credential does not name "its" project). */
  projects?: string[];
  /** GCP (Vertex AI) locations (default: the GCP collector's list). */
  locations?: string[];
  /** Where to write the snapshot. */
  output: string;
}

/** What every collector is, to the command: options in, its part of the snapshot out. */
export type Collector = (cloud: Cloud, opts: CollectOptions) => Promise<SnapshotPart>;

export interface CollectIo {
  stdout: Writable;
  stderr: Writable;
  cwd?: string;
  /** Runs one cloud's collector (tests replace it); default: the real collectors, loaded lazily. */
  collect?: Collector;
}

export interface CollectOutcome {
  exitCode: 0 | 2;
  snapshot: Snapshot;
  /** Clouds whose collector failed entirely (no credentials, no account). */
  failed: Cloud[];
  /** The file written. */
  file: string;
}

const CLOUD_NAMES: Record<Cloud, string> = { aws: 'AWS', azure: 'Azure', gcp: 'GCP' };

/**
 * Imports a collector module only when its cloud is asked for, so `jackstop scan` (and the other
 * commands) never load the cloud SDKs. A module that cannot load (a broken install) is an error
 * naming the cloud, like any other collector failure.
 */
async function load<T>(cloud: Cloud, importer: () => Promise<T>): Promise<T> {
  try {
    return await importer();
  } catch (e) {
    throw new JackstopError(
      'JACKSTOP_COLLECT_ERROR',
      `the ${CLOUD_NAMES[cloud]} collector could not be loaded: ${errorMessage(e).split('\n')[0]}`,
      { cause: e },
    );
  }
}

/** The real collectors. */
export const defaultCollector: Collector = async (cloud, o) => {
  switch (cloud) {
    case 'aws': {
      const { collectAws } = await load(cloud, () => import('../../posture/aws/collect.js'));
      // A named profile's credentials; otherwise the SDK's default chain (env, SSO, IMDS …).
      const credentials = o.profile
        ? (await load(cloud, () => import('@aws-sdk/credential-providers'))).fromIni({ profile: o.profile })
        : undefined;
      return collectAws({
        ...(o.regions?.length ? { regions: o.regions } : {}),
        ...(credentials ? { credentials } : {}),
      });
    }
    case 'azure': {
      const { collectAzure } = await load(cloud, () => import('../../posture/azure/collect.js'));
      return collectAzure(o.subscriptions?.length ? { subscriptions: o.subscriptions } : {});
    }
    case 'gcp': {
      const { collectGcp } = await load(cloud, () => import('../../posture/gcp/collect.js'));
      // No default project: the GCP collector says so, naming what to pass.
      return collectGcp({ projects: o.projects ?? [], ...(o.locations?.length ? { locations: o.locations } : {}) });
    }
  }
};

/** The clouds to read: the ones named, else AWS plus those whose scoping option was given. */
export function cloudsToCollect(o: CollectOptions): Cloud[] {
  if (o.clouds?.length) return o.clouds;
  const clouds: Cloud[] = ['aws'];
  if (o.subscriptions?.length) clouds.push('azure');
  if (o.projects?.length) clouds.push('gcp');
  return clouds;
}

/** `jackstop collect`, callable in-process with injected streams (and collectors, for tests). */
export async function runCollect(opts: CollectOptions, io: CollectIo): Promise<CollectOutcome> {
  const started = new Date();
  const cwd = io.cwd ?? process.cwd();
  const file = isAbsolute(opts.output) ? opts.output : join(cwd, opts.output);
  const clouds = cloudsToCollect(opts);
  const collect = io.collect ?? defaultCollector;

  // Clouds are independent: read them at once; one failing does not stop the others.
  const settled = await Promise.allSettled(clouds.map((c) => collect(c, opts)));
  const snapshot = emptySnapshot(started, TOOL);
  const failed: Cloud[] = [];
  settled.forEach((s, i) => {
    const cloud = clouds[i]!;
    if (s.status === 'fulfilled') {
      mergeSnapshot(snapshot, s.value);
      return;
    }
    failed.push(cloud);
    const e = s.reason;
    io.stderr.write(`jackstop: ${cloud}: ${isJackstopError(e) ? e.render() : errorMessage(e)}\n`);
  });

  // A collector bug must not produce a file `jackstop scan` would refuse later.
  parseSnapshot(JSON.parse(JSON.stringify(snapshot)), 'the collected snapshot');
  writePrivate(file, `${JSON.stringify(snapshot, null, 2)}\n`);
  io.stdout.write(summary(snapshot, opts.output, failed));
  return { exitCode: failed.length > 0 ? 2 : 0, snapshot, failed, file };
}

/**
 * Writes with owner-only permissions (the inventory maps an account's AI attack surface), through a
 * temporary file, so an interrupted write never leaves a cut snapshot behind.
 */
function writePrivate(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new JackstopError('JACKSTOP_INPUT_UNREADABLE', `cannot write the snapshot: ${errorMessage(e)}`, {
      location: { file },
      cause: e,
    });
  }
}

function summary(s: Snapshot, file: string, failed: Cloud[]): string {
  const out: string[] = [];
  const accounts = s.accounts.map(
    (a) =>
      `${a.cloud} ${a.id}${a.name ? ` (${a.name})` : ''}, ${a.regions.length} region${a.regions.length === 1 ? '' : 's'}`,
  );
  out.push(
    `Snapshot written to ${file}: ${s.accounts.length} account${s.accounts.length === 1 ? '' : 's'}, ` +
      `${s.resources.length} resource${s.resources.length === 1 ? '' : 's'}`,
  );
  for (const a of accounts) out.push(`  ${a}`);
  const byType = new Map<string, number>();
  for (const r of s.resources) byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
  if (byType.size > 0) {
    out.push('Resources by type:');
    const width = Math.max(...[...byType.keys()].map((t) => t.length));
    for (const [type, n] of [...byType].sort((a, b) => a[0].localeCompare(b[0]))) {
      out.push(`  ${type.padEnd(width)}  ${String(n).padStart(5)}`);
    }
  }
  const errors = s.collections.filter((c) => c.status === 'error');
  if (errors.length > 0) {
    out.push(`Collections failed (${errors.length}): the checks that read them will say "could not check"`);
    for (const c of errors) {
      const err = c.error;
      out.push(
        `  ${c.cloud} ${c.account} ${c.region} ${c.type}: ${err ? `${err.code}: ${err.message}` : 'unknown error'}` +
          (err?.operation ? ` (${err.operation})` : ''),
      );
    }
  }
  if (failed.length > 0) {
    out.push(`Not collected: ${failed.map((c) => CLOUD_NAMES[c]).join(', ')} (see the errors above)`);
  }
  out.push(`Next: jackstop scan --snapshot ${file}`);
  return `${out.join('\n')}\n`;
}

export function collectCommand(program: Command): void {
  program
    .command('collect')
    .description(
      'Read AI services settings from cloud accounts (read-only, official SDKs) into a snapshot file for `jackstop scan`',
    )
    .option(
      '--cloud <clouds>',
      'clouds to read: aws,azure,gcp (default aws, plus azure with --subscriptions and gcp with --projects)',
      parseClouds,
    )
    .option('--regions <regions>', 'AWS regions (default: every enabled region)', parseList)
    .option('--profile <name>', 'AWS profile from ~/.aws/config or ~/.aws/credentials')
    .option('--subscriptions <ids>', 'Azure subscription ids (default: all the credential can read)', parseList)
    .option('--projects <ids>', 'GCP project ids (needed to read GCP)', parseList)
    .option('--locations <locations>', 'GCP Vertex AI locations (default: the usual AI locations)', parseList)
    .requiredOption('-o, --output <file>', 'snapshot file to write (JSON, owner-only permissions)')
    .action(async (o) => {
      const outcome = await runCollect(
        {
          clouds: o.cloud,
          regions: o.regions,
          profile: o.profile,
          subscriptions: o.subscriptions,
          projects: o.projects,
          locations: o.locations,
          output: o.output,
        },
        { stdout: process.stdout, stderr: process.stderr },
      );
      process.exitCode = outcome.exitCode;
    });
}
