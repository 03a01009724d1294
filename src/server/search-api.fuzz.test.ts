import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { EmbeddedSearchEngine } from '../search/embedded/embedded-engine.js';
import { type RunningServer, serveSearchApi } from './serve.js';

/**
 * Seeded fuzzing of the HTTP search API: random bytes, random JSON and deeply nested bodies, and
 * random `q`, `size`, `sort` and `timeout` parameters. Every answer is JSON with a status below
 * 500 (ES's error shape for 4xx), and the server keeps answering. Bounded in count by the seeds.
 */
describe('search HTTP API fuzz', () => {
  let dir: string;
  let engine: EmbeddedSearchEngine;
  let server: RunningServer;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-http-fuzz-'));
    engine = await EmbeddedSearchEngine.open({ dataDir: dir });
    await engine.bulk(
      [{ index: { _index: 'logs', _id: '1' }, document: { message: 'GET /a', status: 200 } }],
      {
        refresh: true,
      },
    );
    server = await serveSearchApi(engine, { port: 0 });
  });

  after(async () => {
    await server.close();
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const answerOk = async (path: string, body?: string) => {
    const res = await fetch(`${server.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
    });
    const text = await res.text();
    const json = JSON.parse(text) as { error?: { type?: string } };
    if (res.status >= 500) return false;
    return res.status < 400 || typeof json.error?.type === 'string';
  };

  it('answers random bodies with a response or a 4xx ES error', async () => {
    const nested = fc
      .integer({ min: 1, max: 3000 })
      .map((n) => `${'{"bool":{"must":'.repeat(n)}{}${'}}'.repeat(n)}`);
    const raw = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify({ query: v })),
      nested.map((q) => `{"query":${q}}`),
      fc.integer({ min: 1, max: 5000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
    );
    await fc.assert(
      fc.asyncProperty(
        raw,
        fc.constantFrom('/logs/_search', '/_search', '/logs/_count', '/nope/_search'),
        (b, p) => answerOk(p, b),
      ),
      { seed: 31, numRuns: 200 },
    );
  });

  it('answers random URL parameters with a response or a 4xx ES error', async () => {
    const param = fc.string({ maxLength: 20 }).map(encodeURIComponent);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('q', 'size', 'from', 'sort', 'timeout'), param, (name, value) =>
        answerOk(`/logs/_search?${name}=${value}`),
      ),
      { seed: 32, numRuns: 200 },
    );
    assert.equal((await fetch(`${server.url}/_cat/indices`)).status, 200);
  });
});
