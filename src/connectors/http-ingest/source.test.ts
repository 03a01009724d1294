import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../core/errors.js';
import { fakeSourceContext, readBatch } from '../../testing/connector-contexts.js';
import { sourceFromFlags } from '../registry.js';
import { IngestHub, installIngestHub } from './ingest-hub.js';
import { IngestAbandonedError, IngestQueue } from './ingest-queue.js';
import { httpIngestSource } from './source.js';

const records = (...values: unknown[]) => values.map((value, i) => ({ at: i + 1, value }));

describe('httpIngestSource', () => {
  it('fails at job start with a message that says to add --serve when nothing serves HTTP', () => {
    const source = httpIngestSource('events');
    assert.equal(source.name, 'http:events');
    assert.equal(source.boundedness, 'unbounded');
    assert.throws(
      () => source.createReader(fakeSourceContext()),
      (e: unknown) =>
        e instanceof ConfigError &&
        /sluice run --serve/.test(e.message) &&
        /POST \/ingest\/events/.test(e.message),
    );
  });

  it('validates its options, and is in the connector registry', () => {
    assert.throws(() => httpIngestSource('_search'), /invalid http-ingest source options: stream/);
    assert.throws(() => httpIngestSource('ok', { maxBufferedRecords: 0 }), /maxBufferedRecords/);
    const hub = new IngestHub();
    const uninstall = installIngestHub(hub);
    try {
      const source = sourceFromFlags('http-ingest', { stream: 'clicks', maxBufferedRecords: '5' });
      const reader = source.createReader(fakeSourceContext());
      assert.deepEqual(hub.streams(), ['clicks']);
      void reader.close?.();
      assert.deepEqual(hub.streams(), []);
    } finally {
      uninstall();
    }
  });

  it('refuses a second running source on the same stream', () => {
    const hub = new IngestHub();
    httpIngestSource('events', { hub }).createReader(fakeSourceContext());
    assert.throws(
      () => httpIngestSource('events', { hub }).createReader(fakeSourceContext()),
      /already read by another running source/,
    );
  });

  it('returns whole requests as batches from its split, and ends when the job stops', async () => {
    const hub = new IngestHub();
    const ctx = fakeSourceContext({ batchSize: 3 });
    const reader = httpIngestSource('events', { hub }).createReader(ctx);
    const endpoint = hub.endpoint('events');
    assert.ok(endpoint);
    endpoint.submit(records('a', 'b'), 'processed');
    endpoint.submit(records('c', 'd'), 'processed');
    const first = await readBatch(reader);
    assert.deepEqual([first.origin, first.values, first.positions], ['http:events', ['a', 'b'], [1, 2]]);
    const second = await readBatch(reader);
    assert.deepEqual(second.values, ['c', 'd'], 'a request is never split across batches');
    const pending = reader.read();
    ctx.controller.abort();
    assert.deepEqual(await pending, { kind: 'end' });
    assert.equal(endpoint.submit(records('e'), 'processed'), 'stopped');
  });
});

describe('IngestQueue', () => {
  it('refuses requests while full, lets one request overshoot, and abandons what was not taken', async () => {
    const queue = new IngestQueue(3);
    const big = queue.offer(records(1, 2, 3, 4, 5), 'processed');
    assert.ok(big, 'a request larger than the buffer gets in while there is room');
    assert.equal(queue.hasRoom(), false);
    assert.equal(queue.offer(records(6), 'processed'), undefined);
    const taken = queue.take(2);
    assert.deepEqual(taken?.values, [1, 2, 3, 4, 5], 'at least one whole request, even past maxRecords');
    const waiting = queue.offer(records(7), 'processed');
    assert.ok(waiting);
    queue.abandonWaiting(new IngestAbandonedError('stopped', false));
    await assert.rejects(waiting.done, /stopped/);
    assert.equal(queue.buffered, 0);
  });
});
