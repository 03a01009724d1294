/**
 * The CLI against real clusters through the engine registry: `sluice run --url <cluster>` writes
 * with the search sink and, with `--serve`, proxies the cluster's read API on localhost;
 * `sluice search` and `sluice indices` read the same cluster. Credentials given in the URL never
 * show in anything the commands print.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { ClusterConnection } from '../../../src/search/connection.js';
import { ClusterSearchEngine } from '../../../src/search/elasticsearch/cluster-engine.js';
import { CLUSTERS, findCluster, RUN_PREFIX } from './cluster-services.js';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin/sluice.js');
const FIXTURE = join(import.meta.dirname, 'fixtures/events-to-index.ts');
const PASSWORD = 'never-print-me-42';

function sluice(...args: string[]) {
  const env = { ...process.env };
  delete env.SLUICE_URL;
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
    env,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

for (const cluster of CLUSTERS) {
  const found = findCluster(cluster.name);
  describe(`the CLI on ${cluster.label}`, { skip: 'skip' in found ? found.skip : false }, () => {
    const url = 'url' in found ? found.url : 'http://unused';
    // No security plugin on the test clusters: the header is sent and ignored, which is enough to
    // check that the password never reaches the output.
    const withPassword = url.replace('://', `://sluice:${PASSWORD}@`);
    const index = `${RUN_PREFIX}cli-${cluster.name}`;
    const served = `${index}-served`;
    after(async () => {
      const engine = await ClusterSearchEngine.open(ClusterConnection.resolve(url));
      for (const name of [index, served]) if (await engine.indexExists(name)) await engine.deleteIndex(name);
      await engine.close();
    });

    test('sluice run writes through the search sink, and search and indices read it back', () => {
      const run = sluice('run', '--no-progress', '--url', withPassword, FIXTURE, index, '500');
      assert.equal(run.code, 0, run.stderr);
      const search = sluice('search', '--url', withPassword, '--json', '-n', '1', index);
      assert.equal(search.code, 0, search.stderr);
      assert.deepEqual(JSON.parse(search.stdout).hits.total, { value: 500, relation: 'eq' });
      const indices = sluice('indices', '--url', withPassword);
      assert.equal(indices.code, 0, indices.stderr);
      assert.match(indices.stdout, new RegExp(index));
      for (const out of [run, search, indices]) assert.ok(!`${out.stdout}${out.stderr}`.includes(PASSWORD));
    });

    test('a wrong port fails with a connection error that names the node, not the password', () => {
      const r = sluice('search', '--url', `http://sluice:${PASSWORD}@127.0.0.1:9`, index);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /ECONNREFUSED/);
      assert.ok(!`${r.stdout}${r.stderr}`.includes(PASSWORD), r.stderr);
    });

    test('sluice run --serve proxies the cluster read API on localhost and refuses writes', async () => {
      const env = { ...process.env };
      delete env.SLUICE_URL;
      const child = spawn(
        process.execPath,
        [BIN, 'run', '--serve', '0', '--url', withPassword, '--no-progress', FIXTURE, served],
        {
          cwd: ROOT,
          env,
        },
      );
      let stderr = '';
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
      try {
        const deadline = Date.now() + 60_000;
        let api: string | undefined;
        while (api === undefined && Date.now() < deadline) {
          api = /search API on (http:\/\/\S+)/.exec(stderr)?.[1];
          await new Promise((r) => setTimeout(r, 50));
        }
        assert.ok(api, `no search API announced: ${stderr}`);
        let count = 0;
        while (count === 0 && Date.now() < deadline) {
          const res = await fetch(`${api}/${served}/_count`);
          if (res.ok) count = ((await res.json()) as { count: number }).count;
          else await new Promise((r) => setTimeout(r, 200));
        }
        assert.ok(count > 0, 'documents written by the job are countable through the proxy');
        // A cluster-only parameter works: the request reached the cluster as it was sent.
        const filtered = (await (
          await fetch(`${api}/${served}/_search?filter_path=hits.total.relation`)
        ).json()) as unknown;
        assert.deepEqual(filtered, { hits: { total: { relation: 'eq' } } });
        const root = (await (await fetch(`${api}/`)).json()) as { version: { number: string } };
        assert.match(root.version.number, /^(2\.19|3\.8|7\.10)\./);
        const refused = await fetch(`${api}/${served}`, { method: 'DELETE' });
        assert.equal(refused.status, 405);
        await refused.text();
      } finally {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
        assert.equal(await exited, 0, stderr);
        clearTimeout(timer);
      }
      assert.ok(!stderr.includes(PASSWORD), stderr);
    });
  });
}
