/**
 * A `sluice` command running as a child process, for tests that talk to it while it runs: waits
 * (bounded in time) for a line on stderr, sends signals, and awaits the exit code.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const BIN = join(ROOT, 'bin/sluice.js');

export class SpawnedCli {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
    this.child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: options.env });
    this.child.stdout?.on('data', (d) => {
      this.stdout += d;
    });
    this.child.stderr?.on('data', (d) => {
      this.stderr += d;
    });
    this.exited = new Promise((done) => this.child.on('exit', (code) => done(code)));
  }

  /** The first match of `pattern` in stderr, waiting up to `timeoutMs`; throws with stderr if none. */
  async waitForStderr(pattern: RegExp, timeoutMs = 60_000): Promise<RegExpExecArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = pattern.exec(this.stderr);
      if (match !== null) return match;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`no ${pattern} on stderr (exit ${this.child.exitCode}); stderr:\n${this.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends `signal` and resolves to the exit code; SIGKILL after `timeoutMs` (then resolves null). */
  async stop(signal: NodeJS.Signals = 'SIGINT', timeoutMs = 20_000): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}
