import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type RecordBatch, recordBatch } from '../../core/record-batch.js';
import { EmbeddedSearchEngine } from '../../search/embedded/embedded-engine.js';
import { type FakeSinkContext, fakeSinkContext } from '../../testing/connector-contexts.js';
import { AdaptiveConcurrency } from './adaptive-concurrency.js';
import { drive, FaultEngine, settle, track } from './fault-engine.fixture.js';
import type { SearchSinkWriter } from './search-sink-writer.js';
import { type SearchSinkApiOptions, searchSink } from './sink.js';

const dirs: string[] = [];
const engines: EmbeddedSearchEngine[] = [];
after(async () => {
  for (const e of engines) await e.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function freshEngine(): Promise<EmbeddedSearchEngine> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-sink-writer-'));
  dirs.push(dir);
  const engine = await EmbeddedSearchEngine.open({ dataDir: dir, replica: 'inline' });
  engines.push(engine);
  return engine;
}

interface Doc {
  readonly id: string;
  readonly seq: number;
  readonly name?: string;
}

function batchesOf<T>(records: readonly T[], size: number, origin = 'test'): RecordBatch<T>[] {
  const out: RecordBatch<T>[] = [];
  for (let i = 0; i < records.length; i += size) {
    const values = records.slice(i, i + size);
    out.push(
      recordBatch(
        origin,
        values,
        values.map(() => Number.NaN),
        values.map((_, j) => i + j),
      ),
    );
  }
  return out;
}

async function setUp(
  options: Omit<SearchSinkApiOptions<Doc>, 'engine'>,
  ctx: FakeSinkContext = fakeSinkContext(),
) {
  const fault = new FaultEngine(await freshEngine(), ctx.clock);
  const writer = (await searchSink<Doc>({ ...options, engine: fault.asEngine() }).createWriter(
    ctx,
  )) as SearchSinkWriter<Doc>;
  return { fault, writer, ctx, clock: ctx.clock };
}

/** Writes the batches as the runtime does: awaiting each promise `write` returns before the next. */
function produce<T>(writer: SearchSinkWriter<T>, batches: readonly RecordBatch<T>[]) {
  const progress = { batchesWritten: 0 };
  const done = track(
    (async () => {
      for (const b of batches) {
        const pending = writer.write(b);
        if (pending !== undefined) await pending;
        progress.batchesWritten++;
      }
    })(),
  );
  return { progress, done };
}

/** A seeded PRNG (mulberry32), so injected faults are the same every run. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REJECTED = { status: 429, type: 'es_rejected_execution_exception' };

describe('search sink writer (manual clock, fault-injecting engine)', () => {
  it('keeps several requests in flight, up to maxInFlightRequests', async () => {
    const { fault, writer, clock } = await setUp({
      index: 'many',
      id: 'id',
      maxActions: 10,
      maxInFlightRequests: 4,
    });
    fault.latencyMs = 10;
    const docs = Array.from({ length: 200 }, (_, i) => ({ id: `d${i}`, seq: i }));
    const { done } = produce(writer, batchesOf(docs, 10));
    await drive(clock, () => done.settled, { stepMs: 5, maxSteps: 500 });
    const flushed = track(writer.flush());
    await drive(clock, () => flushed.settled, { stepMs: 5, maxSteps: 500 });
    assert.equal(flushed.error, undefined);
    assert.equal(fault.peakInFlight, 4);
    assert.ok(fault.requests.every((r) => r.actions <= 10));
    assert.equal((await fault.engine.count('many')).count, 200);
  });

  it('keeps the order per document under injected 429s with several requests in flight: the last write wins', async () => {
    const { fault, writer, clock, ctx } = await setUp({
      index: 'ordered',
      id: 'id',
      maxActions: 7,
      maxInFlightRequests: 4,
      backoffInitialMs: 10,
      backoffMaxMs: 40,
    });
    fault.latencyMs = 10;
    const random = seeded(42);
    fault.itemFault = (_, call) => (call <= 40 && random() < 0.3 ? REJECTED : undefined);
    // 20 documents, each written 10 times in order; the stored one must be its last write.
    const docs = Array.from({ length: 200 }, (_, n) => ({ id: `d${n % 20}`, seq: n }));
    const { done } = produce(writer, batchesOf(docs, 5));
    await drive(clock, () => done.settled, { stepMs: 5, maxSteps: 5000 });
    const flushed = track(writer.flush());
    await drive(clock, () => flushed.settled, { stepMs: 5, maxSteps: 5000 });
    assert.equal(flushed.error, undefined);
    assert.ok(fault.peakInFlight > 1, `peak in flight ${fault.peakInFlight}`);
    assert.equal(fault.sameDocumentInFlight, false, 'two requests in flight carried the same document');
    assert.ok((ctx.counters.get('backpressureWaits') ?? 0) > 0, 'the storm was met');
    for (let i = 0; i < 20; i++) {
      const got = await fault.engine.get('ordered', `d${i}`);
      assert.ok(got.found);
      assert.equal(got._source.seq, 180 + i, `d${i}`);
    }
    assert.equal(ctx.counters.get('documentsWritten'), 200);
  });

  it('halves its concurrency under a 429 storm, says so in its status, and recovers afterwards', async () => {
    const { fault, writer, clock, ctx } = await setUp({
      index: 'aimd',
      id: 'id',
      maxActions: 10,
      maxInFlightRequests: 4,
      backoffInitialMs: 50,
      backoffMaxMs: 200,
    });
    fault.latencyMs = 10;
    fault.itemFault = () => (clock.nowMs() < 2000 ? REJECTED : undefined);
    const docs = Array.from({ length: 600 }, (_, i) => ({ id: `d${i}`, seq: i }));
    const { done } = produce(writer, batchesOf(docs, 10));
    let lowest = writer.concurrencyLimit;
    await drive(
      clock,
      () => {
        lowest = Math.min(lowest, writer.concurrencyLimit);
        return clock.nowMs() >= 2000;
      },
      { stepMs: 5, maxSteps: 1000 },
    );
    assert.equal(lowest, 1);
    assert.equal(done.settled, false, 'the job is held back during the storm');
    assert.ok(
      ctx.statuses.some((s) =>
        /^cluster answered 429 es_rejected_execution_exception ×\d+; backing off \d+\.\d s, concurrency 1$/.test(
          s ?? '',
        ),
      ),
      String(ctx.statuses.slice(-3)),
    );
    await drive(clock, () => done.settled, { stepMs: 5, maxSteps: 5000 });
    const flushed = track(writer.flush());
    await drive(clock, () => flushed.settled, { stepMs: 5, maxSteps: 500 });
    assert.equal(writer.concurrencyLimit, 4, 'back to the maximum after clean answers');
    assert.equal(ctx.statuses.at(-1), undefined, 'the status is cleared');
    assert.equal((await fault.engine.count('aimd')).count, 600);
    assert.deepEqual(ctx.failures, []);
  });

  it('waits while the cluster is down for minutes, then writes everything, with the buffer bounded', async () => {
    const { fault, writer, clock, ctx } = await setUp({
      index: 'outage',
      id: 'id',
      maxActions: 10,
      maxBufferedActions: 50,
      backoffInitialMs: 100,
      backoffMaxMs: 5000,
      mappings: { properties: { seq: { type: 'long' } } },
    });
    const downUntilMs = 5 * 60_000;
    fault.down = () => clock.nowMs() < downUntilMs;
    const docs = Array.from({ length: 1000 }, (_, i) => ({ id: `d${i}`, seq: i }));
    const { done, progress } = produce(writer, batchesOf(docs, 10));
    let peakBuffered = 0;
    await drive(
      clock,
      () => {
        peakBuffered = Math.max(peakBuffered, writer.bufferedActions);
        return clock.nowMs() >= downUntilMs - 1000;
      },
      { stepMs: 1000, maxSteps: 400 },
    );
    assert.equal(done.settled, false, 'the write promise stays pending while the cluster is down');
    assert.ok(
      progress.batchesWritten < 10,
      `only what fits the buffer was taken: ${progress.batchesWritten} batches`,
    );
    assert.deepEqual(ctx.failures, []);
    assert.match(
      ctx.statuses.at(-1) ?? '',
      /^cluster answered connect ECONNREFUSED 127\.0\.0\.1 ×\d+; backing off/,
    );
    await drive(clock, () => done.settled, { stepMs: 1000, maxSteps: 400 });
    const flushed = track(writer.flush());
    await drive(clock, () => flushed.settled, { stepMs: 1000, maxSteps: 100 });
    assert.equal(flushed.error, undefined);
    assert.ok(writer.peakBufferedActions <= 50 + 10, `peak buffer ${writer.peakBufferedActions}`);
    assert.equal((await fault.engine.count('outage')).count, 1000);
    assert.equal(ctx.counters.get('documentsWritten'), 1000);
    const mapping = await fault.engine.getMapping('outage');
    assert.equal(
      mapping.outage?.mappings.properties?.seq?.type,
      'long',
      'created from the sink config once up',
    );
  });

  it('cuts a request exactly when the buffer holds maxBytes of NDJSON, and hands the engine that text', async () => {
    const line = (i: number) =>
      `{"index":{"_index":"bytes","_id":"a${i}"}}\n{"id":"a${i}","seq":${i},"name":"café"}\n`;
    const size = Buffer.byteLength(line(0));
    assert.equal(size, line(0).length + 1, 'é is two bytes');
    for (const [maxBytes, expected] of [
      [3 * size, [3, 3, 3]],
      [3 * size - 1, [2, 2, 2, 2, 1]],
    ] as const) {
      const { fault, writer, clock } = await setUp({ index: 'bytes', id: 'id', maxBytes, maxActions: 1000 });
      const docs = Array.from({ length: 9 }, (_, i) => ({ id: `a${i}`, seq: i, name: 'café' }));
      for (const b of batchesOf(docs, 9)) await writer.write(b);
      const flushed = track(writer.flush());
      await drive(clock, () => flushed.settled, { stepMs: 1, maxSteps: 10 });
      assert.deepEqual(
        fault.requests.map((r) => r.actions),
        expected,
        `maxBytes ${maxBytes}`,
      );
      assert.deepEqual(
        fault.requests.map((r) => r.bytes),
        expected.map((n) => n * size),
      );
      assert.equal((await fault.engine.count('bytes')).count, 9);
    }
  });

  it('stops retrying when the job is aborted', async () => {
    const controller = new AbortController();
    const base = fakeSinkContext();
    const { fault, writer, clock } = await setUp(
      { index: 'aborted', id: 'id', backoffInitialMs: 100, backoffMaxMs: 1000 },
      { ...base, signal: controller.signal },
    );
    fault.itemFault = () => REJECTED;
    await writer.write(batchesOf([{ id: 'a', seq: 1 }], 1)[0] as RecordBatch<Doc>);
    const flushed = track(writer.flush());
    await drive(clock, () => fault.requests.length >= 3, { stepMs: 500, maxSteps: 100 });
    assert.equal(flushed.settled, false);
    controller.abort();
    await settle();
    const calls = fault.requests.length;
    clock.advance(60_000);
    await settle();
    assert.equal(flushed.settled, true);
    assert.match(String(flushed.error), /the job was cancelled with 1 actions not yet acknowledged/);
    assert.equal(fault.requests.length, calls, 'no request after the abort');
  });

  it('fails the job with a clear error on 401, without the credentials of the URL', async () => {
    const { fault, writer, clock } = await setUp({ index: 'auth', id: 'id' });
    fault.down = () => false;
    const engine = fault.engine;
    const original = engine.bulk.bind(engine);
    engine.bulk = async () => {
      throw Object.assign(
        new Error('security_exception: unable to authenticate user [ann] (http://ann:s3cret@127.0.0.1:9200)'),
        {
          status: 401,
          type: 'security_exception',
        },
      );
    };
    try {
      await writer.write(batchesOf([{ id: 'a', seq: 1 }], 1)[0] as RecordBatch<Doc>);
      const flushed = track(writer.flush());
      await drive(clock, () => flushed.settled, { stepMs: 10, maxSteps: 10 });
      assert.match(String(flushed.error), /refused the sink's credentials \(401 security_exception\)/);
      assert.doesNotMatch(String(flushed.error), /s3cret/);
    } finally {
      engine.bulk = original;
    }
  });
});

describe('adaptive concurrency', () => {
  it('halves on backpressure once per round trip and grows by one per window of clean answers', () => {
    const c = new AdaptiveConcurrency(1, 8);
    const ticket = c.ticket;
    assert.equal(c.onBackpressure(ticket), true);
    assert.equal(c.limit, 4);
    assert.equal(c.onBackpressure(ticket), false, 'an answer to a request sent before the decrease');
    assert.equal(c.limit, 4);
    c.onBackpressure(c.ticket);
    c.onBackpressure(c.ticket);
    c.onBackpressure(c.ticket);
    assert.equal(c.limit, 1, 'never below the minimum');
    const grown: number[] = [];
    for (let i = 0; i < 1 + 2 + 3 + 4; i++) {
      c.onSuccess();
      grown.push(c.limit);
    }
    assert.deepEqual(grown, [2, 2, 3, 3, 3, 4, 4, 4, 4, 5]);
  });
});
