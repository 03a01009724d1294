import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EmbeddedSearchEngine } from '../../src/search/embedded/embedded-engine.js';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/sluice.js');

describe('sluice search and sluice indices', () => {
  let dir: string;
  const sluice = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args, '--url', `embedded:${dir}`], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-search-cli-'));
    const engine = await EmbeddedSearchEngine.open({ dataDir: dir });
    await engine.bulk(
      [
        {
          index: { _index: 'weblogs-a', _id: '1' },
          document: { path: '/cart', status: 200, http: { method: 'GET' } },
        },
        {
          index: { _index: 'weblogs-a', _id: '2' },
          document: { path: '/pay', status: 500, http: { method: 'POST' } },
        },
        {
          index: { _index: 'weblogs-b', _id: '3' },
          document: { path: '/pay', status: 503, http: { method: 'POST' } },
        },
      ],
      { refresh: true },
    );
    await engine.close();
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints a readable table for a query string, with nested fields as dot paths', () => {
    const r = sluice(
      'search',
      'weblogs-*',
      'status:[500 TO 599] AND http.method:POST',
      '--sort',
      'status:asc',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^2 hits, showing 2/);
    assert.match(r.stdout, /index\s+id\s+score\s+path\s+status\s+http\.method/);
    assert.match(r.stdout, /weblogs-a\s+2 .*\/pay\s+500\s+POST\n.*weblogs-b\s+3 /s);
  });

  it('accepts a JSON body with aggregations and prints the buckets', () => {
    const r = sluice(
      'search',
      'weblogs-*',
      '{"size":0,"aggs":{"by_path":{"terms":{"field":"path.keyword"}}}}',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /aggregation "by_path":/);
    assert.match(r.stdout, /\/pay\s+2/);
  });

  it('takes --size 0 for counts and aggregations only, and refuses a negative size', () => {
    const r = sluice('search', 'weblogs-*', 'status:200', '--size', '0', '--json');
    assert.equal(r.code, 0, r.stderr);
    const response = JSON.parse(r.stdout);
    assert.equal(response.hits.total.value, 1);
    assert.deepEqual(response.hits.hits, []);
    const negative = sluice('search', 'weblogs-*', 'x', '--size', '-1');
    assert.equal(negative.code, 2);
    assert.match(negative.stderr, /--size must be an integer >= 0, got "-1"/);
  });

  it('takes a bare query clause as JSON too, and prints raw JSON with --json', () => {
    const r = sluice('search', 'weblogs-*', '{"term":{"status":200}}', '--json');
    assert.equal(r.code, 0, r.stderr);
    const response = JSON.parse(r.stdout);
    assert.equal(response.hits.total.value, 1);
    assert.equal(response.hits.hits[0]._id, '1');
  });

  it('reports bad input clearly: malformed JSON (exit 2), unknown index and unsupported clauses (exit 1)', () => {
    const badJson = sluice('search', 'weblogs-*', '{"query":');
    assert.equal(badJson.code, 2);
    assert.match(badJson.stderr, /looks like JSON but does not parse/);
    const unknown = sluice('search', 'nope', 'x');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /index_not_found_exception: no such index \[nope\]/);
    const clause = sluice('search', 'weblogs-*', '{"query":{"geo_shape":{}}}');
    assert.equal(clause.code, 1);
    assert.match(clause.stderr, /geo_shape/);
  });

  it('lists indices with document counts', () => {
    const r = sluice('indices');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /weblogs-a\s+2\s/);
    assert.match(r.stdout, /weblogs-b\s+1\s/);
    assert.deepEqual(
      JSON.parse(sluice('indices', 'weblogs-b', '--json').stdout).map((i: { index: string }) => i.index),
      ['weblogs-b'],
    );
  });

  it('reads the data directory without writing it: no file is created or modified', () => {
    const listing = () =>
      readdirSync(dir)
        .sort()
        .map((name) => `${name} ${statSync(join(dir, name), { bigint: true }).mtimeNs}`);
    const before = listing();
    assert.equal(sluice('indices').code, 0);
    assert.equal(sluice('search', 'weblogs-*', 'status:500').code, 0);
    assert.deepEqual(listing(), before);
  });

  it('has --help with examples', () => {
    const r = spawnSync(process.execPath, [BIN, 'search', '--help'], { encoding: 'utf8' });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Examples:/);
    assert.match(r.stdout, /--json/);
  });
});
