import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EmbeddedSearchEngine } from '../search/embedded/embedded-engine.js';
import { type RunningServer, serveSearchApi } from './serve.js';

describe('search HTTP API', () => {
  let dir: string;
  let engine: EmbeddedSearchEngine;
  let server: RunningServer;
  const call = async (method: string, path: string, body?: string) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, json: json as Record<string, any>, text };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-api-'));
    engine = await EmbeddedSearchEngine.open({ dataDir: dir });
    await engine.bulk(
      [
        {
          index: { _index: 'weblogs-2024.01.01', _id: '1' },
          document: { path: '/cart', status: 200, message: 'GET /cart fast' },
        },
        {
          index: { _index: 'weblogs-2024.01.01', _id: '2' },
          document: { path: '/pay', status: 500, message: 'POST /pay timeout error' },
        },
        {
          index: { _index: 'weblogs-2024.01.02', _id: '3' },
          document: { path: '/pay', status: 200, message: 'POST /pay ok' },
        },
      ],
      { refresh: true },
    );
    server = await serveSearchApi(engine, { port: 0, maxBodyBytes: 4096, log: () => {} });
  });

  after(async () => {
    await server.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers like Elasticsearch at the root and lists indices', async () => {
    const root = await call('GET', '/');
    assert.equal(root.status, 200);
    assert.equal(root.json.version.number, '7.10.2');
    const cat = await call('GET', '/_cat/indices?format=json');
    assert.deepEqual(
      cat.json.map((i: { index: string }) => i.index),
      ['weblogs-2024.01.01', 'weblogs-2024.01.02'],
    );
    const text = await call('GET', '/_cat/indices/weblogs-*?v');
    assert.match(text.text, /^health\s+status\s+index\s+docs\.count/);
  });

  it('searches with a DSL body over a wildcard pattern', async () => {
    const r = await call(
      'POST',
      '/weblogs-*/_search',
      JSON.stringify({ query: { match: { message: 'pay' } }, sort: [{ status: 'desc' }] }),
    );
    assert.equal(r.status, 200);
    assert.equal(r.json.hits.total.value, 2);
    assert.deepEqual(
      r.json.hits.hits.map((h: { _id: string }) => h._id),
      ['2', '3'],
    );
  });

  it('searches with the q, size and sort URL parameters (GET without a body)', async () => {
    const r = await call('GET', '/weblogs-*/_search?q=status:500&pretty');
    assert.equal(r.json.hits.total.value, 1);
    assert.match(r.text, /\n {2}"took"/, '?pretty indents');
    const sized = await call('GET', '/weblogs-*/_search?size=1&sort=status:asc');
    assert.equal(sized.json.hits.hits.length, 1);
    assert.equal(sized.json.hits.hits[0]._source.status, 200);
  });

  it('counts and gets documents by id', async () => {
    assert.equal((await call('GET', '/weblogs-*/_count')).json.count, 3);
    assert.equal(
      (await call('POST', '/weblogs-*/_count', JSON.stringify({ query: { term: { status: 500 } } }))).json
        .count,
      1,
    );
    const doc = await call('GET', '/weblogs-2024.01.01/_doc/2');
    assert.equal(doc.status, 200);
    assert.equal(doc.json._source.path, '/pay');
    const missing = await call('GET', '/weblogs-2024.01.01/_doc/404');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.found, false);
  });

  it('returns the mapping of an index', async () => {
    const r = await call('GET', '/weblogs-2024.01.01/_mapping');
    assert.equal(r.json['weblogs-2024.01.01'].mappings.properties.status.type, 'long');
  });

  it('answers bad requests with clear 4xx errors and keeps serving', async () => {
    const malformed = await call('POST', '/weblogs-*/_search', '{"query": ');
    assert.equal(malformed.status, 400);
    assert.equal(malformed.json.error.type, 'x_content_parse_exception');
    const unknownIndex = await call('GET', '/nope/_search');
    assert.equal(unknownIndex.status, 404);
    assert.equal(unknownIndex.json.error.type, 'index_not_found_exception');
    const unsupported = await call(
      'POST',
      '/weblogs-*/_search',
      JSON.stringify({ query: { fuzzy_magic: { x: 1 } } }),
    );
    assert.equal(unsupported.status, 400);
    assert.match(JSON.stringify(unsupported.json), /fuzzy_magic/);
    const huge = await call(
      'POST',
      '/weblogs-*/_search',
      JSON.stringify({ query: { match_all: {} }, pad: 'x'.repeat(10_000) }),
    );
    assert.equal(huge.status, 413);
    assert.equal(huge.json.error.type, 'content_too_long_exception');
    const route = await call('GET', '/weblogs-*/_explode');
    assert.equal(route.status, 400);
    assert.match(route.json.error, /no handler found for uri/);
    const badSize = await call('GET', '/weblogs-*/_search?size=-3');
    assert.equal(badSize.status, 400);
    assert.equal((await call('GET', '/weblogs-*/_count')).status, 200, 'still serving');
  });
});
