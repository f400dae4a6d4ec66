/**
 * @module cli
 * The `jackstop` command line. Each command lives in `commands/<name>.ts`, exports a
 * `run…` function (callable in-process with injected streams) and registers itself on the program.
 * Commands set `process.exitCode` (0 clean, 1 findings at/above --fail-on, 2 error), never exit.
 */
import { Command, CommanderError } from '@commander-js/extra-typings';
import { isJackstopError } from '../errors.js';
import { collectCommand } from './commands/collect.js';
import { demoCommand } from './commands/demo.js';
import { detectCommand } from './commands/detect.js';
import { findingsCommand } from './commands/findings.js';
import { rulesCommand } from './commands/rules.js';
import { scanCommand } from './commands/scan.js';
import { usageCommand } from './commands/usage.js';
import { TOOL } from './tool.js';

export function buildProgram(): Command {
  const program = new Command()
    .name('jackstop')
    .description(
      'Stop LLMjacking: find stolen-credential abuse of AWS Bedrock and other paid AI models in cloud audit logs',
    )
    .version(TOOL.version)
    // Usage errors must exit 2 like every other error, not commander's 1; subcommands inherit this.
    .exitOverride();
  detectCommand(program);
  rulesCommand(program);
  findingsCommand(program);
  usageCommand(program);
  collectCommand(program);
  scanCommand(program);
  demoCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  // `jackstop … | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander has already printed help, the version or the usage error.
      process.exitCode =
        e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 2;
      return;
    }
    // Expected problems (bad flags, unreachable store …) get one clear line; bugs keep their stack.
    process.stderr.write(
      isJackstopError(e) ? `jackstop: ${e.render()}\n` : `jackstop: unexpected error: ${(e as Error)?.stack ?? e}\n`,
    );
    process.exitCode = 2;
  }
}
