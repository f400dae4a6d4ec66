import { join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import { packageRoot } from '../tool.js';
import { type DetectIo, runDetect } from './detect.js';

/** The bundled sample: one day of CloudTrail with an LLMjacking intrusion (see bench/make-samples.ts). */
export const SAMPLES_DIR = join(packageRoot(), 'samples', 'cloudtrail');

/** `jackstop demo`: `detect` over the bundled sample with the embedded store, explained. */
export async function runDemo(opts: { db?: string; quiet?: boolean }, io: DetectIo): Promise<number> {
  const say = (s: string) => {
    if (!opts.quiet) io.stderr.write(`${s}\n`);
  };
  say(`Jackstop demo: scanning one day of sample CloudTrail (${SAMPLES_DIR}) with the built-in LLMjacking rules.\n`);
  const outcome = await runDetect(
    {
      inputs: [SAMPLES_DIR],
      format: 'table',
      rules: [],
      builtin: true,
      failOn: 'none',
      db: opts.db,
      store: true,
      quiet: opts.quiet ?? false,
      progress: false,
    },
    io,
  );
  say(
    '\nNext: run it on your own logs:  npx jackstop detect <folder | file.json.gz | s3://bucket/AWSLogs/… | ->\n' +
      '      machine-readable output:    npx jackstop detect <logs> --format sarif|ocsf|json|ndjson\n' +
      '      findings kept so far:       npx jackstop findings list',
  );
  return outcome.exitCode;
}

export function demoCommand(program: Command): void {
  program
    .command('demo')
    .description('Run detection on the bundled sample CloudTrail logs (an LLMjacking intrusion) and show the findings')
    .option('--db <url>', 'findings store (default .jackstop/jackstop.db)')
    .action(async (o) => {
      process.exitCode = await runDemo(o, { stdout: process.stdout, stderr: process.stderr });
    });
}
