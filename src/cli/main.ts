import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError, SluiceError } from '../core/errors.js';
import { redactError } from '../core/redact.js';
import { CliUsageError } from './cli-error.js';
import { registerDemoCommand } from './commands/demo.js';
import { registerIndicesCommand } from './commands/indices.js';
import { registerInitCommand } from './commands/init.js';
import { registerRunCommand } from './commands/run.js';
import { registerSearchCommand } from './commands/search.js';

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Builds the `sluice` command line; every command gets `--help`. */
export function createProgram(): Command {
  const program = new Command();
  program
    .name('sluice')
    .description(
      'Stream processing into search: Flink-style pipelines in TypeScript, writing to Elasticsearch, OpenSearch or an embedded engine',
    )
    .version(packageVersion(), '-v, --version')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  registerRunCommand(program);
  registerDemoCommand(program);
  registerSearchCommand(program);
  registerIndicesCommand(program);
  registerInitCommand(program);
  return program;
}

let pipeHandlersInstalled = false;

/**
 * When whoever reads stdout or stderr goes away early (`sluice search ... | head`, `--help | head
 * -1`), nobody is left to read the rest: exit at once with status 0, as a program killed by
 * SIGPIPE would for the shell. Without this, the next write's EPIPE is an unhandled 'error' event
 * and Node prints a stack trace (to a pipe that may be gone too) and exits 1.
 */
function exitQuietlyWhenOutputCloses(): void {
  if (pipeHandlersInstalled) return;
  pipeHandlersInstalled = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
}

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  exitQuietlyWhenOutputCloses();
  const program = createProgram();
  try {
    await program.parseAsync(argv as string[]);
    return 0;
  } catch (thrown) {
    const e = redactError(thrown); // no password from --url or a config in what is printed
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    if (e instanceof CliUsageError || e instanceof ConfigError) {
      process.stderr.write(`error: ${e.message}\n`);
      return 2;
    }
    const debug = process.env.SLUICE_DEBUG === '1';
    const known = e instanceof SluiceError || (e instanceof Error && e.name === 'SearchEngineError');
    if (debug) process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    else process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
    // Our own errors say what went wrong; anything else may be a bug worth a stack trace.
    if (!debug && !known) process.stderr.write('(set SLUICE_DEBUG=1 for the stack trace)\n');
    return 1;
  }
}
