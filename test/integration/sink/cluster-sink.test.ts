/**
 * The search sink against real clusters, with exact document counts: nothing lost, nothing
 * duplicated, memory bounded. Each job writes web-access events from the datagen source with
 * `id: 'record'` (the record's identity), so a resent action overwrites instead of duplicating
 * and the index must hold exactly the number of events.
 *
 * - opensearch2: unreachable when the job starts (a local TCP proxy that only starts listening
 *   after a while), and a mapping conflict (one document dead-lettered, the job goes on).
 * - opensearch2-q1 (a write pool of one thread with a queue of one): a 429 storm, and the whole
 *   cluster restarted while the job writes.
 * - opensearch2-3nodes: one node of three stopped while writing into an index with replicas.
 *
 * These tests own opensearch2-q1 and opensearch2-3nodes while they run (they restart and stop
 * them); they run one after another. Real time is unavoidable here, so every wait is bounded.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, it, type TestContext } from 'node:test';
import { StreamEnvironment } from '../../../src/api/stream-environment.js';
import { dataGenSource } from '../../../src/connectors/datagen/source.js';
import { searchSink } from '../../../src/connectors/search/sink.js';
import type { JobResult } from '../../../src/runtime/job-client.js';
import { openSearchEngine, type SharedSearchEngine } from '../../../src/search/open-search-engine.js';
import type { SearchEngine } from '../../../src/search/search-engine.js';
import { runToCompletion } from '../../../src/testing/run-to-completion.js';
import { controlCluster, requireService, restartService } from '../../support/services.js';
import { RUN_PREFIX } from '../search/cluster-services.js';

const opened: SharedSearchEngine[] = [];
after(async () => {
  for (const s of opened) await s.release();
});

async function engineAt(target: string | { nodes: string[] }): Promise<SearchEngine> {
  const shared = await openSearchEngine(target);
  opened.push(shared);
  return shared.engine;
}

const BATCH = 500;

interface JobOptions {
  readonly url?: string;
  readonly engine?: SearchEngine;
  readonly index: string;
  readonly count: number;
  readonly ratePerSecond?: number;
  readonly sink?: Record<string, unknown>;
  readonly timeoutMs: number;
  /** Called once the job runs (to break the cluster while it writes). */
  readonly during?: () => Promise<void>;
}

async function runJob(options: JobOptions): Promise<JobResult> {
  const env = StreamEnvironment.create({ batchSize: BATCH, log: () => {} });
  env
    .fromSource(
      dataGenSource({
        count: options.count,
        ...(options.ratePerSecond ? { ratePerSecond: options.ratePerSecond } : {}),
      }),
    )
    .sinkTo(
      searchSink({
        ...(options.url === undefined ? {} : { url: options.url }),
        ...(options.engine === undefined ? {} : { engine: options.engine }),
        index: options.index,
        id: 'record',
        maxActions: 1000,
        maxInFlightRequests: 4,
        maxBufferedActions: 4000,
        flushIntervalMs: 200,
        backoffInitialMs: 50,
        backoffMaxMs: 1000,
        deadLetterIndex: `${RUN_PREFIX}dead-letters`,
        ...(options.sink as object),
      }),
      { uid: 'out' },
    );
  const job = runToCompletion(env, { timeoutMs: options.timeoutMs });
  const during = options.during?.();
  const [result] = await Promise.all([job, during]);
  return result;
}

async function exactCount(engine: SearchEngine, index: string): Promise<number> {
  await engine.refresh(index);
  return (await engine.count(index)).count;
}

function assertBounded(result: JobResult, maxBufferedActions = 4000): void {
  const peak = result.metrics.operators.out?.counters.peakBufferedActions ?? 0;
  assert.ok(peak <= maxBufferedActions + BATCH, `peak buffer ${peak} actions`);
}

function wallSleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A free local port (listened on once and closed). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A TCP forwarder from `port` to `target` (host:port), listening from when it is called. */
async function forward(port: number, target: URL): Promise<net.Server> {
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return server;
}

function service(t: TestContext, name: Parameters<typeof requireService>[1]) {
  return requireService(t, name);
}

describe('search sink against real clusters', () => {
  it('waits while the cluster is unreachable when the job starts, then writes every document once', async (t) => {
    const os = service(t, 'opensearch2');
    if (!os) return;
    const index = `${RUN_PREFIX}sink-down-at-start`;
    const port = await freePort();
    // Loads the cluster adapter first, so the job's first request goes out during the outage.
    const engine = await engineAt(os.url);
    let proxy: net.Server | undefined;
    try {
      const result = await runJob({
        url: `http://127.0.0.1:${port}`,
        index,
        count: 5000,
        timeoutMs: 120_000,
        during: async () => {
          // Refused connections meanwhile; longer than the adapter takes to report one (~8 s here).
          await wallSleep(20_000);
          proxy = await forward(port, new URL(os.url));
        },
      });
      const counters = result.metrics.operators.out?.counters;
      assert.ok((counters?.backpressureWaits ?? 0) > 0, 'the sink met the refused connections');
      assert.equal(counters?.documentsWritten, 5000);
      assert.equal(await exactCount(engine, index), 5000);
      assertBounded(result);
    } finally {
      proxy?.close();
      await engine.deleteIndex(index).catch(() => undefined);
    }
  });

  it('dead-letters the one document that conflicts with the mapping and writes the others', async (t) => {
    const os = service(t, 'opensearch2');
    if (!os) return;
    const engine = await engineAt(os.url);
    const index = `${RUN_PREFIX}sink-mapping`;
    const dead = `${RUN_PREFIX}dead-letters-mapping`;
    try {
      const env = StreamEnvironment.create({ log: () => {} });
      const records = Array.from({ length: 100 }, (_, i) => ({
        n: i,
        status: i === 37 ? 'not a number' : 200 + i,
      }));
      env.fromCollection(records).sinkTo(
        searchSink({
          engine,
          index,
          id: 'record',
          deadLetterIndex: dead,
          mappings: { properties: { status: { type: 'long' } } },
        }),
        { uid: 'out' },
      );
      const result = await runToCompletion(env, { timeoutMs: 60_000 });
      assert.equal(result.metrics.deadLetters, 1);
      assert.equal(result.metrics.operators.out?.counters.documentsDeadLettered, 1);
      assert.equal(await exactCount(engine, index), 99);
      await engine.refresh(dead);
      const letters = await engine.search(dead, { query: { match_all: {} } });
      assert.equal(letters.hits.total?.value, 1);
      const letter = letters.hits.hits[0]?._source as {
        error: { type: string };
        document: string;
        position: number;
      };
      assert.equal(letter.error.type, 'mapper_parsing_exception');
      assert.deepEqual(JSON.parse(letter.document), records[37]);
      assert.equal(letter.position, 38, 'fromCollection numbers records from 1');
    } finally {
      await engine.deleteIndex(index).catch(() => undefined);
      await engine.deleteIndex(dead).catch(() => undefined);
    }
  });

  it('waits out a 429 storm (a write queue of one) without losing or duplicating a document', async (t) => {
    const q1 = service(t, 'opensearch2-q1');
    if (!q1) return;
    const engine = await engineAt(q1.url);
    const index = `${RUN_PREFIX}sink-429`;
    try {
      await engine.createIndex(index, { settings: { number_of_shards: 3, number_of_replicas: 0 } });
      const result = await runJob({
        engine,
        index,
        count: 30_000,
        timeoutMs: 240_000,
        sink: { maxInFlightRequests: 8 },
      });
      const counters = result.metrics.operators.out?.counters;
      t.diagnostic(
        `backpressure waits: ${counters?.backpressureWaits ?? 0}, peak buffer ${counters?.peakBufferedActions}`,
      );
      assert.equal(result.metrics.deadLetters, 0);
      assert.ok((counters?.backpressureWaits ?? 0) > 0, 'the write queue of one answered 429s');
      assert.equal(counters?.documentsWritten, 30_000);
      assert.equal(await exactCount(engine, index), 30_000);
      assertBounded(result);
    } finally {
      await engine.deleteIndex(index).catch(() => undefined);
    }
  });

  it('waits while the cluster restarts in the middle of the job and then finishes with every document once', async (t) => {
    const q1 = service(t, 'opensearch2-q1');
    if (!q1) return;
    const index = `${RUN_PREFIX}sink-restart`;
    const engine = await engineAt(q1.url);
    try {
      await engine.createIndex(index, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
      const result = await runJob({
        url: q1.url,
        index,
        count: 10_000,
        ratePerSecond: 1000,
        timeoutMs: 400_000,
        during: async () => {
          await wallSleep(3000);
          await restartService('opensearch2-q1');
        },
      });
      const counters = result.metrics.operators.out?.counters;
      assert.ok((counters?.backpressureWaits ?? 0) > 0, 'the sink waited for the restart');
      assert.equal(result.metrics.deadLetters, 0);
      assert.equal(await exactCount(engine, index), 10_000);
      assertBounded(result);
    } finally {
      await engine.deleteIndex(index).catch(() => undefined);
    }
  });

  it('keeps writing when one node of three stops, with replicas, and loses nothing', async (t) => {
    const three = service(t, 'opensearch2-3nodes');
    if (!three) return;
    const engine = await engineAt({ nodes: three.urls });
    const index = `${RUN_PREFIX}sink-node-down`;
    try {
      await engine.createIndex(index, { settings: { number_of_shards: 3, number_of_replicas: 1 } });
      const result = await runJob({
        engine,
        index,
        count: 20_000,
        ratePerSecond: 2000,
        timeoutMs: 300_000,
        during: async () => {
          await wallSleep(3000);
          await controlCluster('opensearch2-3nodes', 'stop', 2);
        },
      });
      assert.equal(result.metrics.deadLetters, 0);
      assert.equal(await exactCount(engine, index), 20_000);
      assertBounded(result);
    } finally {
      await controlCluster('opensearch2-3nodes', 'start', 2).catch(() => undefined);
      await engine.deleteIndex(index).catch(() => undefined);
    }
  });
});
