// Smoke test of the test-service harness: every standard service that scripts/test.mjs starts (or
// finds running) answers as the distribution and version it claims to be. Kafka is checked with a
// TCP connect to each bootstrap broker; the Kafka client's own tests speak the protocol.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { requireService, type StandardServiceName } from '../support/services.js';

const CLUSTERS: { name: StandardServiceName; distribution: string; version: string; nodes: number }[] = [
  { name: 'opensearch2', distribution: 'opensearch', version: '2.19.1', nodes: 1 },
  { name: 'opensearch3', distribution: 'opensearch', version: '3.8.0', nodes: 1 },
  { name: 'es7', distribution: 'elasticsearch', version: '7.10.2', nodes: 1 },
  { name: 'opensearch2-3nodes', distribution: 'opensearch', version: '2.19.1', nodes: 3 },
  { name: 'opensearch2-q1', distribution: 'opensearch', version: '2.19.1', nodes: 1 },
];

async function getJson(url: string): Promise<any> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(res.status, 200, `GET ${url}`);
  return res.json();
}

function tcpConnect(hostPort: string): Promise<void> {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: host!, port: Number(port) });
    socket.setTimeout(10_000, () => socket.destroy(new Error(`connect to ${hostPort} timed out`)));
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
    socket.once('error', reject);
  });
}

describe('standard test services', () => {
  for (const c of CLUSTERS) {
    test(`${c.name} answers GET / on every node as ${c.distribution} ${c.version}`, async (t) => {
      const svc = requireService(t, c.name);
      if (!svc) return;
      assert.equal(svc.urls.length, c.nodes);
      for (const url of svc.urls) {
        const root = await getJson(`${url}/`);
        assert.equal(root.version.number, c.version);
        // Elasticsearch 7.10 has no version.distribution; OpenSearch says "opensearch".
        assert.equal(root.version.distribution ?? 'elasticsearch', c.distribution);
      }
      const health = await getJson(`${svc.url}/_cluster/health`);
      assert.equal(health.number_of_nodes, c.nodes);
      assert.ok(['green', 'yellow'].includes(health.status), `health ${health.status}`);
      assert.ok(svc.controlUrl, 'a control URL is exported');
      const status = await (
        await fetch(`${svc.controlUrl}/status`, { signal: AbortSignal.timeout(10_000) })
      ).text();
      assert.equal(status.trim().split('\n').length, c.nodes);
      assert.match(status, /^0 running/);
    });
  }

  test('opensearch2-q1 runs a write pool of one thread with a queue of one', async (t) => {
    const svc = requireService(t, 'opensearch2-q1');
    if (!svc) return;
    const pools = await getJson(`${svc.url}/_cat/thread_pool/write?format=json&h=name,size,queue_size`);
    assert.deepEqual(pools, [{ name: 'write', size: '1', queue_size: '1' }]);
  });

  for (const name of ['kafka4', 'kafka3'] as const) {
    test(`${name} accepts TCP connections on its bootstrap brokers`, async (t) => {
      const svc = requireService(t, name);
      if (!svc) return;
      assert.ok(svc.bootstrap);
      assert.match(svc.bootstrap, /^127\.0\.0\.1:\d+(,127\.0\.0\.1:\d+)*$/);
      for (const broker of svc.bootstrap.split(',')) await tcpConnect(broker);
    });
  }
});
