import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DISCOVERY_FILE } from '../../src/cli/server-discovery.js';
import { BIN, ROOT, SpawnedCli } from './spawned-cli.js';

const fixture = (name: string) => join(ROOT, 'test/cli/fixtures', name);

function sluice(cwd: string, ...args: string[]) {
  const env = { ...process.env };
  delete env.SLUICE_URL;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('run --serve after a bounded job, and search/indices on a served, idle or missing data directory', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-serve-read-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps serving after the job ends until Ctrl-C, and search/indices ask that server', async () => {
    const data = join(dir, 'served');
    const env = { ...process.env, SLUICE_URL: `embedded:${data}` };
    const run = new SpawnedCli(['run', '--serve', '0', '--no-progress', fixture('bounded-to-search.ts')], {
      env,
    });
    try {
      const [, api] = await run.waitForStderr(/job finished; still serving (http:\/\/\S+) — Ctrl-C to stop/);
      assert.match(run.stderr, /job "bounded-to-search" finished in .*: 50 records in, 50 out/);
      const count = (await (await fetch(`${api}/bounded/_count`)).json()) as { count: number };
      assert.equal(count.count, 50, 'the finished job’s documents are served over HTTP');
      assert.ok(existsSync(join(data, DISCOVERY_FILE)), 'the server announces itself in the data directory');

      const search = sluice(dir, 'search', 'bounded', 'even:true', '--size', '0', '--url', data);
      assert.equal(search.code, 0, search.stderr);
      assert.match(search.stderr, new RegExp(`asking the sluice serving .*served on ${api}`));
      assert.match(search.stdout, /^25 hits/);
      const indices = sluice(dir, 'indices', '--url', `embedded:${data}`);
      assert.equal(indices.code, 0, indices.stderr);
      assert.match(indices.stderr, /asking the sluice serving/);
      assert.match(indices.stdout, /bounded\s+50\s/);
      const unknown = sluice(dir, 'search', 'nope', '--url', data);
      assert.equal(unknown.code, 1);
      assert.match(unknown.stderr, /index_not_found_exception: no such index \[nope\]/);
    } finally {
      assert.equal(await run.stop('SIGINT'), 0, run.stderr);
    }
    assert.ok(!existsSync(join(data, DISCOVERY_FILE)), 'the announcement is removed when serving stops');

    // Nobody serves it now: the directory is opened in the command's own process.
    const idle = sluice(dir, 'indices', '--url', data);
    assert.equal(idle.code, 0, idle.stderr);
    assert.doesNotMatch(idle.stderr, /asking/);
    assert.match(idle.stdout, /bounded\s+50\s/);
  });

  it('ignores an announcement left by a process that is gone', () => {
    const data = join(dir, 'served');
    // pid 2^22+1 is above Linux's pid_max, so no process has it.
    writeFileSync(join(data, DISCOVERY_FILE), JSON.stringify({ url: 'http://127.0.0.1:9', pid: 4_194_305 }));
    const r = sluice(dir, 'search', 'bounded', '--size', '0', '--url', data);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /asking/);
    assert.match(r.stdout, /^50 hits/);
  });

  it('says plainly that there is no data where it looked, exits 1 and creates nothing', () => {
    const empty = join(dir, 'empty-project');
    mkdirSync(empty);
    for (const args of [['indices'], ['search', 'weblogs-*', 'status:500']]) {
      const r = sluice(empty, ...args);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stderr,
        new RegExp(`error: no sluice data in ${join(empty, '.data')}: nothing has been indexed there`),
      );
      assert.doesNotMatch(r.stderr, /SLUICE_DEBUG/);
    }
    assert.deepEqual(readdirSync(empty), [], 'no .data appears as a side effect');
    const missing = join(dir, 'no-such-dir');
    const r = sluice(dir, 'indices', '--url', `embedded:${missing}`);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no sluice data in .*no-such-dir/);
    assert.ok(!existsSync(missing));
  });
});
