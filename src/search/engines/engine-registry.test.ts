import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClusterConnection } from '../connection.js';
import type { SearchEngine } from '../search-engine.js';
import { type EngineAdapters, SearchEngineRegistry } from './engine-registry.js';

function fakeAdapters(): { adapters: EngineAdapters; opened: string[]; closed: string[] } {
  const opened: string[] = [];
  const closed: string[] = [];
  const engine = (name: string) =>
    ({
      close: async () => {
        closed.push(name);
      },
    }) as unknown as SearchEngine;
  return {
    opened,
    closed,
    adapters: {
      embedded: async (dir) => {
        opened.push(`embedded ${dir}`);
        return engine(dir);
      },
      cluster: async (connection: ClusterConnection) => {
        opened.push(`cluster ${connection.describe()}`);
        return engine(connection.describe());
      },
    },
  };
}

test('one cluster with the same credentials is shared, other credentials get their own engine', async () => {
  const { adapters, opened, closed } = fakeAdapters();
  const registry = new SearchEngineRegistry(adapters);
  const a = await registry.open('http://u:one@es:9200');
  const b = await registry.open('http://es:9200/', {
    connection: { auth: { username: 'u', password: 'one' } },
  });
  const c = await registry.open('http://u:two@es:9200');
  assert.equal(a.engine, b.engine);
  assert.notEqual(a.engine, c.engine);
  assert.deepEqual(opened, [
    'cluster http://es:9200 (basic auth as u)',
    'cluster http://es:9200 (basic auth as u)',
  ]);
  assert.equal(a.location.target, 'http://es:9200');
  await a.release();
  await a.release(); // a second release of one handle is a no-op
  assert.deepEqual(closed, []);
  await b.release();
  await c.release();
  assert.equal(closed.length, 2);
});

test('connection options alone select the cluster adapter with every node', async () => {
  const { adapters, opened } = fakeAdapters();
  const registry = new SearchEngineRegistry(adapters);
  const shared = await registry.open({ nodes: ['http://a:9200', 'http://b:9200'], auth: { bearer: 'tok' } });
  assert.deepEqual(opened, ['cluster http://a:9200, http://b:9200 (bearer token)']);
  assert.equal(shared.location.kind, 'cluster');
  await shared.release();
});

test('an adapter that fails to open is not kept: the next open tries again', async () => {
  let attempts = 0;
  const registry = new SearchEngineRegistry({
    embedded: async () => {
      attempts++;
      if (attempts === 1) throw new Error('disk full');
      return { close: async () => undefined } as unknown as SearchEngine;
    },
    cluster: async () => {
      throw new Error('unused');
    },
  });
  await assert.rejects(registry.open('embedded:/tmp/x'), /disk full/);
  const shared = await registry.open('embedded:/tmp/x');
  assert.equal(attempts, 2);
  await shared.release();
});
