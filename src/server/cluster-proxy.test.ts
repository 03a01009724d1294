import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RawAnswer, RawRequest, RawRequestEngine } from '../search/raw-request.js';
import { SearchConnectionError } from '../search/search-engine-error.js';
import { createClusterProxy } from './cluster-proxy.js';

function fakeEngine(answer: (r: RawRequest) => RawAnswer | Error): {
  engine: RawRequestEngine;
  seen: RawRequest[];
} {
  const seen: RawRequest[] = [];
  const engine = {
    forward: async (r: RawRequest) => {
      seen.push(r);
      const a = answer(r);
      if (a instanceof Error) throw a;
      return a;
    },
  } as unknown as RawRequestEngine;
  return { engine, seen };
}

test('reads are passed through with path, query string, body and content type, answers as the cluster gave them', async () => {
  const { engine, seen } = fakeEngine(() => ({
    status: 404,
    contentType: 'application/json',
    body: '{"found":false}',
  }));
  const app = createClusterProxy(engine);
  const res = await app.request('/logs-*/_search?filter_path=hits.total&q=status:500', {
    method: 'POST',
    body: '{"size":0}',
    headers: { 'content-type': 'application/json' },
  });
  assert.equal(res.status, 404);
  assert.equal(await res.text(), '{"found":false}');
  assert.deepEqual(seen, [
    {
      method: 'POST',
      path: '/logs-*/_search',
      querystring: 'filter_path=hits.total&q=status:500',
      body: '{"size":0}',
      contentType: 'application/json',
    },
  ]);
  for (const path of [
    '/',
    '/_cat/indices',
    '/_cluster/health',
    '/logs/_doc/1',
    '/logs/_mapping',
    '/logs',
    '/_msearch',
  ]) {
    const r = await app.request(path);
    assert.equal(r.status, 404, path);
  }
});

test('writes and admin calls are refused without reaching the cluster', async () => {
  const { engine, seen } = fakeEngine(() => ({ status: 200, contentType: 'application/json', body: '{}' }));
  const app = createClusterProxy(engine);
  for (const [method, path] of [
    ['DELETE', '/logs'],
    ['PUT', '/logs'],
    ['POST', '/logs'],
    ['POST', '/_bulk'],
    ['POST', '/logs/_doc'],
    ['PUT', '/logs/_doc/1'],
    ['POST', '/logs/_doc/1'],
    ['POST', '/logs/_source/1'],
    ['POST', '/logs/_update/1'],
    ['POST', '/logs/_delete_by_query'],
    ['PUT', '/_cluster/settings'],
    ['POST', '/_snapshot/x'],
  ] as const) {
    const res = await app.request(path, { method, body: method === 'DELETE' ? undefined : '{}' });
    assert.equal(res.status, 405, `${method} ${path}`);
    assert.equal(((await res.json()) as { error: { type: string } }).error.type, 'security_exception');
  }
  assert.deepEqual(seen, []);
});

test('an unreachable cluster is a 502 with the connection error', async () => {
  const { engine } = fakeEngine(
    () => new SearchConnectionError('cannot reach the cluster: connect ECONNREFUSED', 'ECONNREFUSED'),
  );
  const res = await createClusterProxy(engine).request('/_search');
  assert.equal(res.status, 502);
  assert.match(await res.text(), /ECONNREFUSED/);
});
