import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/sluice.js');
const fixture = (name: string) => join(ROOT, 'test/cli/fixtures', name);

function sluice(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('sluice run', () => {
  it('prints help for the program and for every command', () => {
    const top = sluice('--help');
    assert.equal(top.code, 0);
    assert.match(top.stdout, /run \[options\] <pipeline>/);
    const run = sluice('run', '--help');
    assert.equal(run.code, 0);
    assert.match(run.stdout, /--dead-letters <file>/);
    assert.match(run.stdout, /Ctrl-C stops the job cleanly/);
  });

  it('runs a TypeScript pipeline that exports its job, passing it its arguments', () => {
    const r = sluice('run', '--no-progress', fixture('numbers.ts'), '5', '6');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['10', '12']);
    assert.match(r.stderr, /job "numbers" finished in .*: 2 records in, 2 out/);
  });

  it('sends bad input to the dead-letter file and finishes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
    try {
      const dead = join(dir, 'dead.ndjson');
      const r = sluice('run', '--dead-letters', dead, fixture('numbers.ts'));
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n'), ['2', '4', '8']);
      assert.match(r.stderr, /1 dead letters/);
      const letters = readFileSync(dead, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.equal(letters.length, 1);
      assert.equal(letters[0].reason, 'not a number: x');
      assert.equal(letters[0].position, 3);
      assert.equal(letters[0].record, 'x');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exits 1 with the failing operator and record when the job fails', () => {
    const r = sluice('run', fixture('fails.ts'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: operator "divide" failed on record elements#3: division by zero/);
  });

  it('exits 2 with a clear message for a missing pipeline file or a bad flag', () => {
    const missing = sluice('run', 'no-such-file.ts');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /pipeline file not found: .*no-such-file\.ts/);
    const bad = sluice('run', '--parallelism', 'zero', fixture('numbers.ts'));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--parallelism must be a positive integer/);
  });

  /** Runs fixtures/to-search.ts with --serve and checks the API finds what the job wrote. */
  async function servesWhatTheJobWrites(engineFlag: (dir: string) => { args: string[]; url?: string }) {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-serve-'));
    const { args, url } = engineFlag(dir);
    const env = { ...process.env };
    delete env.SLUICE_URL;
    if (url !== undefined) env.SLUICE_URL = url;
    const child = spawn(
      process.execPath,
      [BIN, 'run', '--serve', '0', ...args, '--no-progress', fixture('to-search.ts')],
      { cwd: ROOT, env },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      const deadline = Date.now() + 30_000;
      let api: string | undefined;
      while (api === undefined && Date.now() < deadline) {
        api = /search API on (http:\/\/\S+)/.exec(stderr)?.[1];
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.ok(api, `no search API announced: ${stderr}`);
      let count = 0;
      while (count === 0 && Date.now() < deadline) {
        const res = await fetch(`${api}/live/_count`);
        if (res.ok) count = ((await res.json()) as { count: number }).count;
        else await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(count > 0, 'documents written by the job are searchable through the served API');
    } finally {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      assert.equal(await exited, 0, stderr);
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('serves the search API with --serve while the job writes, on the engine the job writes to', () =>
    servesWhatTheJobWrites((dir) => ({ args: [], url: `embedded:${dir}` })));

  it("with --url, the job's search sinks write where the search API serves", () =>
    servesWhatTheJobWrites((dir) => ({ args: ['--url', `embedded:${dir}`] })));

  it('stops an unbounded job cleanly on Ctrl-C (SIGINT)', async () => {
    const child = spawn(process.execPath, [BIN, 'run', fixture('endless.ts')], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    await new Promise<void>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`no output within 30 s; stderr: ${stderr}`)), 30_000);
      child.stdout.on('data', (d) => {
        stdout += d;
        if (stdout.split('\n').length > 5) {
          clearTimeout(timer);
          ready();
        }
      });
    });
    child.kill('SIGINT');
    const code = await Promise.race([
      exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000)),
    ]);
    if (code === 'timeout') child.kill('SIGKILL');
    assert.equal(code, 0, stderr);
    assert.match(stderr, /SIGINT: stopping/);
    assert.match(stderr, /job "endless" stopped in/);
  });
});
