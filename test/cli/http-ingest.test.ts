import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, ROOT, SpawnedCli } from './spawned-cli.js';

const fixture = (name: string) => join(ROOT, 'test/cli/fixtures', name);
/** NODE_OPTIONS that make the SQLite driver unloadable in the child (fixtures/no-sqlite-driver.cjs). */
const NO_SQLITE = `--require ${fixture('no-sqlite-driver.cjs')}`;

/** POSTs until the job has attached its stream (a 404 before that), at most 100 tries. */
async function postWhenReady(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(url, init);
    if (res.status !== 404 || attempt >= 100) return res;
    await res.body?.cancel();
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('sluice run --serve with httpIngestSource', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-cli-ingest-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('takes POSTed NDJSON into the job behind a bearer token, without opening the embedded engine or needing its driver', async () => {
    const data = join(dir, 'data');
    const env = {
      ...process.env,
      SLUICE_URL: `embedded:${data}`,
      SLUICE_INGEST_TOKEN: 'tok-123',
      NODE_OPTIONS: NO_SQLITE,
    };
    const run = new SpawnedCli(['run', '--serve', '0', '--no-progress', fixture('http-ingest.ts')], { env });
    try {
      const [, api] = await run.waitForStderr(/HTTP ingest on (http:\/\/\S+)\/ingest\/<stream>/);
      assert.match(run.stderr, /bearer token required/);
      assert.doesNotMatch(run.stderr, /tok-123/, 'the token is never logged');
      const body = '{"n":1}\n{"n":2}\nnot json\n{"n":3}\n';
      const headers = { authorization: 'Bearer tok-123', 'content-type': 'application/x-ndjson' };
      const res = await postWhenReady(`${api}/ingest/events`, { method: 'POST', headers, body });
      assert.equal(res.status, 200);
      const answer = (await res.json()) as {
        accepted: number;
        rejected: number;
        errors: Array<{ line: number }>;
      };
      assert.deepEqual([answer.accepted, answer.rejected, answer.errors[0]?.line], [3, 1, 3]);
      const refused = await fetch(`${api}/ingest/events`, { method: 'POST', body });
      assert.equal(refused.status, 401);
      await refused.body?.cancel();
      // The search API opens the engine only when asked, and says why it cannot.
      const search = await fetch(`${api}/_cat/indices`);
      assert.equal(search.status, 500);
      assert.match(await search.text(), /SQLite driver .* is not installed/);
    } finally {
      assert.equal(await run.stop('SIGINT'), 0, run.stderr);
    }
    assert.deepEqual(run.stdout.trim().split('\n'), ['n=1', 'n=2', 'n=3']);
    assert.match(run.stderr, /3 records in, 3 out, 1 dead letters/);
    assert.equal(existsSync(join(data, 'search.db')), false, 'the embedded engine was never opened');
  });

  it('fails with a message saying to add --serve when the pipeline reads HTTP ingest without it', () => {
    const r = spawnSync(process.execPath, [BIN, 'run', '--no-progress', fixture('http-ingest.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /httpIngestSource\('events'\) receives records over HTTP.*sluice run --serve/);
  });

  it('runs a pipeline without a search sink when the SQLite driver cannot be loaded', () => {
    const r = spawnSync(process.execPath, [BIN, 'run', '--no-progress', fixture('numbers.ts'), '5', '6'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, NODE_OPTIONS: NO_SQLITE },
    });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), ['10', '12']);
  });
});
