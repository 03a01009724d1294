/**
 * The cluster adapter against a scripted local HTTP server (real clusters: test/integration/search).
 * Checks what a real cluster cannot show on demand: redaction, error spellings, headers, failover.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { ClusterConnection, type SearchConnectionOptions } from '../connection.js';
import { SearchConnectionError, SearchEngineError } from '../search-engine-error.js';
import { ClusterSearchEngine } from './cluster-engine.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

async function fakeCluster(
  handle: (req: Seen, res: ServerResponse) => void,
): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(entry);
      handle(entry, res);
    });
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const OPENSEARCH_2 = { version: { distribution: 'opensearch', number: '2.19.1' } };
const ES_8 = { version: { number: '8.15.0', build_flavor: 'default' } };

function engine(options: SearchConnectionOptions | string, log: string[] = []): Promise<ClusterSearchEngine> {
  return ClusterSearchEngine.open(ClusterConnection.resolve(options), { log: (l) => log.push(l) });
}

test('an error while connecting with a password names the cluster but never the password', async () => {
  const e = await engine('http://elastic:hunter2-secret@127.0.0.1:9', []);
  const error = await e.count('x').catch((err: unknown) => err);
  assert.ok(error instanceof SearchConnectionError);
  assert.equal(error.code, 'ECONNREFUSED');
  for (const text of [error.message, String(error), error.stack ?? '', JSON.stringify(error)])
    assert.ok(!text.includes('hunter2-secret'), text);
  await e.close();
});

test('an error body that echoes the credentials is scrubbed before it reaches the caller', async () => {
  const cluster = await fakeCluster((req, res) => {
    if (req.url === '/') return json(res, 200, OPENSEARCH_2);
    json(res, 401, {
      error: { type: 'security_exception', reason: `bad header ${req.headers.authorization}` },
      status: 401,
    });
  });
  const e = await engine({ url: cluster.url.replace('//', '//elastic:hunter2@') });
  const error = await e.search('x').catch((err: unknown) => err);
  assert.ok(error instanceof SearchEngineError);
  assert.equal(error.status, 401);
  assert.equal(
    cluster.seen[1]?.headers.authorization,
    `Basic ${Buffer.from('elastic:hunter2').toString('base64')}`,
  );
  assert.ok(!error.message.includes(Buffer.from('elastic:hunter2').toString('base64')), error.message);
  await e.close();
});

test("OpenSearch's rejected_execution_exception reads as Elasticsearch's spelling, the original kept", async () => {
  const rejection = {
    type: 'rejected_execution_exception',
    reason: 'rejected execution of coordinating operation',
  };
  const cluster = await fakeCluster((req, res) => {
    if (req.url === '/') return json(res, 200, OPENSEARCH_2);
    if (req.url.startsWith('/_bulk'))
      return json(res, 200, {
        took: 1,
        errors: true,
        items: [{ index: { _index: 'x', _id: '1', status: 429, error: rejection } }],
      });
    json(res, 429, { error: { root_cause: [rejection], ...rejection }, status: 429 });
  });
  const e = await engine(cluster.url);
  const bulk = await e.bulk([{ index: { _index: 'x', _id: '1' }, document: { a: 1 } }]);
  assert.deepEqual(bulk.items[0]?.index?.error, {
    type: 'es_rejected_execution_exception',
    original_type: 'rejected_execution_exception',
    reason: rejection.reason,
  });
  const error = await e.search('x').catch((err: unknown) => err);
  assert.ok(error instanceof SearchEngineError);
  assert.deepEqual(
    [error.type, error.status, error.extra.original_type],
    ['es_rejected_execution_exception', 429, 'rejected_execution_exception'],
  );
  assert.equal(error.rootCause[0]?.type, 'es_rejected_execution_exception');
  await e.close();
});

test("bulk sends the caller's serialized NDJSON byte for byte, once, without transport retries", async () => {
  let bulkCalls = 0;
  const cluster = await fakeCluster((req, res) => {
    if (req.url === '/') return json(res, 200, OPENSEARCH_2);
    bulkCalls++;
    json(res, 503, { error: { type: 'unavailable_shards_exception', reason: 'not yet' }, status: 503 });
  });
  const e = await engine(cluster.url);
  const serialized = ['{"index":{"_index":"x","_id":"1"}}\n{"msg":"é"}\n'];
  await assert.rejects(
    e.bulk([{ index: { _index: 'x', _id: '1' }, document: { ignored: true } }], {
      serialized,
      refresh: 'wait_for',
    }),
    (err: unknown) => err instanceof SearchEngineError && err.status === 503,
  );
  assert.equal(bulkCalls, 1);
  const sent = cluster.seen[1]!;
  assert.equal(sent.url, '/_bulk?refresh=wait_for');
  assert.equal(sent.body, serialized[0]);
  assert.equal(Number(sent.headers['content-length']), Buffer.byteLength(serialized[0]!));
  assert.match(String(sent.headers['content-type']), /ndjson/);
  await e.close();
});

test('Elasticsearch 8 is asked for its version-8 REST API, OpenSearch gets plain JSON', async () => {
  for (const [info, expected] of [
    [ES_8, 'application/vnd.elasticsearch+json; compatible-with=8'],
    [OPENSEARCH_2, 'application/json'],
  ] as const) {
    const cluster = await fakeCluster((req, res) => {
      if (req.url === '/') return json(res, 200, info);
      json(res, 200, { count: 3, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } });
    });
    const e = await engine(cluster.url);
    assert.equal((await e.count('x', { query: { match_all: {} } })).count, 3);
    assert.equal(cluster.seen[1]?.headers['content-type'], expected);
    assert.equal(cluster.seen.filter((s) => s.url === '/').length, 1, 'GET / is asked once');
    await e.count('x');
    assert.equal(cluster.seen.filter((s) => s.url === '/').length, 1);
    await e.close();
  }
});

test('a request fails over to the next node when one refuses connections', async () => {
  const cluster = await fakeCluster((req, res) => {
    if (req.url === '/') return json(res, 200, OPENSEARCH_2);
    json(res, 200, { count: 7, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } });
  });
  const e = await engine({ nodes: ['http://127.0.0.1:9', cluster.url] });
  for (let i = 0; i < 4; i++) assert.equal((await e.count('x')).count, 7);
  await e.close();
});

test('7.x answers lose _type in hits, top_hits, documents and bulk items', async () => {
  const hit = { _index: 'x', _type: '_doc', _id: '1', _score: 1, _source: { a: 1 } };
  const cluster = await fakeCluster((req, res) => {
    if (req.url === '/') return json(res, 200, { version: { number: '7.10.2' } });
    if (req.url.startsWith('/x/_doc/'))
      return json(res, 200, {
        _index: 'x',
        _type: '_doc',
        _id: '1',
        _version: 1,
        _seq_no: 0,
        _primary_term: 1,
        found: true,
        _source: {},
      });
    json(res, 200, {
      took: 1,
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: { total: { value: 1, relation: 'eq' }, max_score: 1, hits: [hit] },
      aggregations: { by: { buckets: [{ key: 'k', doc_count: 1, top: { hits: { hits: [hit] } } }] } },
    });
  });
  const e = await engine(cluster.url);
  const response = await e.search('x');
  assert.ok(!JSON.stringify(response).includes('_type'), JSON.stringify(response));
  assert.ok(!('_type' in (await e.get('x', '1'))));
  await e.close();
});

test('an insecure TLS setting is refused quietly nowhere: it is logged loudly', async () => {
  const log: string[] = [];
  const e = await engine({ url: 'https://127.0.0.1:9', tls: { insecure: true } }, log);
  assert.equal(log.length, 1);
  assert.match(log[0]!, /WARNING: TLS certificate verification is OFF/);
  await e.close();
});

test('before Elasticsearch 7.8 a composable template is stored as a legacy one, order = priority, and read back', async () => {
  const stored: Record<string, unknown> = {};
  const cluster = await fakeCluster((req, res) => {
    if (req.url === '/') return json(res, 200, { version: { number: '7.7.1', build_flavor: 'default' } });
    if (req.method === 'PUT' && req.url === '/_template/web') {
      stored.web = JSON.parse(req.body);
      return json(res, 200, { acknowledged: true });
    }
    if (req.method === 'GET' && req.url === '/_template/web') return json(res, 200, stored);
    if (req.method === 'GET' && req.url === '/_template/nope') return json(res, 404, {});
    json(res, 400, { error: `unexpected ${req.method} ${req.url}`, status: 400 });
  });
  const e = await engine(cluster.url);
  const template = {
    index_patterns: ['web-*'],
    priority: 4,
    template: { mappings: { properties: { status: { type: 'keyword' } } } },
  };
  assert.deepEqual(await e.putIndexTemplate('web', template), { acknowledged: true });
  assert.deepEqual(stored.web, {
    index_patterns: ['web-*'],
    order: 4,
    mappings: { properties: { status: { type: 'keyword' } } },
  });
  assert.deepEqual(await e.getIndexTemplates('web'), [{ name: 'web', index_template: template }]);
  const missing = await e.getIndexTemplates('nope').catch((err: unknown) => err);
  assert.ok(missing instanceof SearchEngineError);
  assert.equal(missing.type, 'resource_not_found_exception');
  await e.close();
});

test('an Elasticsearch build without X-Pack: data stream templates are refused before they are sent, and there are none', async () => {
  const cluster = await fakeCluster((req, res) => {
    if (req.url === '/') return json(res, 200, { version: { number: '7.10.2', build_flavor: 'oss' } });
    json(res, 400, { error: `unexpected ${req.method} ${req.url}`, status: 400 });
  });
  const e = await engine(cluster.url);
  const refused = await e
    .putIndexTemplate('logs', { index_patterns: ['logs-*'], data_stream: {} })
    .catch((err: unknown) => err);
  assert.ok(refused instanceof SearchEngineError);
  assert.equal(refused.status, 400);
  assert.match(refused.reason, /^Elasticsearch 7\.10\.2 has no data streams/);
  assert.deepEqual(await e.getDataStreams('logs-*'), []);
  const one = await e.getDataStreams('logs-web').catch((err: unknown) => err);
  assert.equal((one as SearchEngineError).type, 'index_not_found_exception');
  assert.deepEqual(
    cluster.seen.map((r) => r.url),
    ['/'],
    'nothing but the detection reached the cluster',
  );
  await e.close();
});
