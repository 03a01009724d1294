/**
 * Issue 10 benchmark: web-access documents (default 1 million, from the datagen generator) through
 * a whole job into a real cluster, against a raw bulk loader over the same transport in the same
 * run, then how long an event takes from its creation to being searchable.
 *
 *   node --max-old-space-size=4096 --import tsx bench/cluster-sink.ts [--docs 1000000] [--batch 1000]
 *     [--concurrency 4] [--rounds 2] [--rate 2000] [--seconds 20] [--flush-interval-ms 50]
 *   (the cluster: --url URL, else $SLUICE_TEST_OPENSEARCH2_URL, else http://127.0.0.1:9201,
 *    which `npm run cluster -- start` or the test services start)
 *
 * - Both sides write the same documents (the same seeded generator, the same mapping to a
 *   document, the same ids: the record identity the sink's `id: 'record'` gives) into a fresh
 *   index (1 shard, no replica, refresh every 1 s), in requests of `--batch` actions with
 *   `--concurrency` requests in flight, through one SearchEngine adapter (the cluster adapter's
 *   `bulk`, with the NDJSON serialized once per action, as the sink does). The raw loader is a
 *   loop: generate a batch, serialize it, keep `--concurrency` bulk requests going.
 * - The sink side is a job: datagen source -> map to a document -> search sink. Time runs from
 *   the start until every document is acknowledged (job end), then a refresh and an exact count
 *   check on both sides.
 * - Ratio = raw loader time / sink time (target >= 0.9). The sides run interleaved `--rounds`
 *   times (raw, sink, raw, sink) and the best of each counts: the machine is shared and noisy.
 *   Each round also prints its own ratio and the CPU time this process used: the cluster runs on
 *   the same cores, so Node CPU spent per document is throughput the cluster does not get.
 * - Freshness: a rate-limited job (`--rate` events/s for `--seconds`) stamps each document with
 *   the wall clock when the map creates it; a poller asks for new documents every 25 ms and takes
 *   now minus that stamp once the document and every earlier one are searchable (so a document
 *   overtaken by a later request counts late: a conservative figure). p50/p99 over every document
 *   created after 2 s of warm-up. The sink sends what it holds every `--flush-interval-ms` (50 ms
 *   here, the setting for search latency; the sink's default is 500 ms), so a document waits at
 *   most that long in the sink, then at most one refresh interval in the cluster
 *   (target: p99 within the refresh interval, 1 s, plus 250 ms).
 */
import { StreamEnvironment } from '../src/api/stream-environment.js';
import { dataGenSource } from '../src/connectors/datagen/source.js';
import type { WebAccessEvent } from '../src/connectors/datagen/web-access-generator.js';
import { createWebAccessGenerator } from '../src/connectors/datagen/web-access-generator.js';
import { serializeAction } from '../src/connectors/search/bulk-entry.js';
import { recordIdentityId } from '../src/connectors/search/document-id.js';
import { searchSink } from '../src/connectors/search/sink.js';
import type { BulkAction } from '../src/search/bulk.js';
import { openSearchEngine } from '../src/search/open-search-engine.js';
import type { SearchEngine } from '../src/search/search-engine.js';
import { flag, percentileMs } from './support/measure.js';

const DOCS = flag('docs', 1_000_000);
const BATCH = flag('batch', 1000);
const CONCURRENCY = flag('concurrency', 4);
const ROUNDS = flag('rounds', 2);
const RATE = flag('rate', 2000);
const SECONDS = flag('seconds', 20);
const FLUSH_INTERVAL_MS = flag('flush-interval-ms', 50);
const urlAt = process.argv.indexOf('--url');
const URL_ =
  urlAt >= 0
    ? (process.argv[urlAt + 1] as string)
    : (process.env.SLUICE_TEST_OPENSEARCH2_URL ?? 'http://127.0.0.1:9201');
const INDEX = 'bench-cluster-sink';
const SETTINGS = { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '1s' };
/** The datagen source's origin and first position: the ids `id: 'record'` gives its records. */
const ORIGIN = 'datagen';
const SEED = 1;

function toDocument(e: WebAccessEvent): Record<string, unknown> {
  return {
    '@timestamp': e.timestampMs,
    ip: e.ip,
    method: e.method,
    path: e.path,
    status: e.status,
    bytes: e.bytes,
    latency_ms: e.latencyMs,
    user_agent: e.userAgent,
    referrer: e.referrer,
  };
}

async function freshIndex(engine: SearchEngine): Promise<void> {
  if (await engine.indexExists(INDEX)) await engine.deleteIndex(INDEX);
  await engine.createIndex(INDEX, { settings: SETTINGS });
}

async function checkCount(engine: SearchEngine, side: string): Promise<void> {
  await engine.refresh(INDEX);
  const count = (await engine.count(INDEX)).count;
  if (count !== DOCS) throw new Error(`${side}: expected ${DOCS} documents, the index holds ${count}`);
}

/** The raw loader: the same documents and ids, `CONCURRENCY` bulk requests of `BATCH` in flight. */
async function rawLoad(engine: SearchEngine): Promise<number> {
  await freshIndex(engine);
  const generator = createWebAccessGenerator(SEED);
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  let position = 1; // datagen numbers records from 1
  for (let sent = 0; sent < DOCS; ) {
    const n = Math.min(BATCH, DOCS - sent);
    const actions: BulkAction[] = new Array(n);
    const serialized: string[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const target = { _index: INDEX, _id: recordIdentityId(ORIGIN, position++) };
      const action = { index: target, document: toDocument(generator.next()) };
      actions[i] = action;
      serialized[i] = serializeAction(action, 'index', target);
    }
    sent += n;
    const request = engine.bulk(actions, { serialized }).then((r) => {
      if (r.errors) throw new Error('raw loader: the cluster refused items');
    });
    const tracked: Promise<void> = request.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
    if (inFlight.size >= CONCURRENCY) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const ms = performance.now() - started;
  await checkCount(engine, 'raw loader');
  return ms;
}

async function sinkLoad(engine: SearchEngine): Promise<number> {
  await freshIndex(engine);
  const env = StreamEnvironment.create({ batchSize: 1000, log: () => {} });
  env
    .fromSource(dataGenSource({ count: DOCS, seed: SEED }))
    .map(toDocument)
    .sinkTo(
      searchSink({
        engine,
        index: INDEX,
        id: 'record',
        maxActions: BATCH,
        maxInFlightRequests: CONCURRENCY,
        maxBytes: 64 * 1024 * 1024,
      }),
      { uid: 'sink' },
    );
  const started = performance.now();
  const result = await env.execute('cluster-sink-bench');
  const ms = performance.now() - started;
  const written = result.metrics.operators.sink?.counters.documentsWritten;
  if (written !== DOCS) throw new Error(`sink: wrote ${written} of ${DOCS}`);
  await checkCount(engine, 'sink');
  return ms;
}

async function freshness(engine: SearchEngine): Promise<void> {
  const index = 'bench-cluster-fresh';
  if (await engine.indexExists(index)) await engine.deleteIndex(index);
  await engine.createIndex(index, {
    settings: SETTINGS,
    mappings: { properties: { seq: { type: 'long' }, created_ms: { type: 'long' } } },
  });
  const total = RATE * SECONDS;
  let seq = 0;
  const env = StreamEnvironment.create({ log: () => {} });
  env
    .fromSource(dataGenSource({ count: total, ratePerSecond: RATE, seed: 7 }))
    .map((e) => ({ ...toDocument(e), seq: ++seq, created_ms: Date.now() }))
    .sinkTo(
      searchSink({
        engine,
        index,
        id: 'record',
        maxInFlightRequests: CONCURRENCY,
        flushIntervalMs: FLUSH_INTERVAL_MS,
      }),
    );
  const job = env.executeAsync('cluster-freshness');
  const lags: number[] = [];
  const warmUpUntil = Date.now() + 2000;
  let lastSeen = 0;
  const deadline = Date.now() + (SECONDS + 60) * 1000;
  while (lastSeen < total && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    const page = await engine.search(index, {
      query: { range: { seq: { gt: lastSeen } } },
      sort: [{ seq: 'asc' }],
      size: 5000,
      _source: ['seq', 'created_ms'],
    });
    const now = Date.now();
    for (const hit of page.hits.hits) {
      const doc = hit._source as { seq: number; created_ms: number };
      // Hits come in seq order; a gap means the rest of this page is not searchable yet.
      if (doc.seq !== lastSeen + 1) break;
      lastSeen = doc.seq;
      if (doc.created_ms >= warmUpUntil) lags.push(now - doc.created_ms);
    }
  }
  await job.result;
  await engine.deleteIndex(index);
  if (lags.length === 0) throw new Error('freshness: no document was seen');
  const p99 = percentileMs(lags, 99);
  console.log(
    `creation -> searchable (${RATE}/s for ${SECONDS} s, ${lags.length} documents)  p50 ${percentileMs(lags, 50)} ms   p99 ${p99} ms   max ${Math.max(...lags)} ms   (target p99 <= 1250 ms: ${p99 <= 1250 ? 'met' : 'NOT met'})`,
  );
}

async function main(): Promise<void> {
  const shared = await openSearchEngine(URL_);
  const engine = shared.engine;
  try {
    console.log(
      `node ${process.version}; ${DOCS.toLocaleString('en')} web-access documents into ${URL_}, batches of ${BATCH}, ${CONCURRENCY} requests in flight, best of ${ROUNDS} rounds`,
    );
    let raw = Infinity;
    let sink = Infinity;
    const roundRatios: number[] = [];
    /** Wall ms of `load`, and the CPU ms this process spent meanwhile (the cluster shares the cores). */
    const timed = async (load: () => Promise<number>) => {
      const cpu = process.cpuUsage();
      const ms = await load();
      const used = process.cpuUsage(cpu);
      return { ms, cpuMs: (used.user + used.system) / 1000 };
    };
    for (let round = 1; round <= ROUNDS; round++) {
      const r = await timed(() => rawLoad(engine));
      const k = await timed(() => sinkLoad(engine));
      roundRatios.push(r.ms / k.ms);
      console.log(
        `  round ${round}: raw loader ${Math.round(r.ms)} ms (node cpu ${Math.round(r.cpuMs)} ms), sink ${Math.round(k.ms)} ms (node cpu ${Math.round(k.cpuMs)} ms), ratio ${(r.ms / k.ms).toFixed(2)}`,
      );
      raw = Math.min(raw, r.ms);
      sink = Math.min(sink, k.ms);
    }
    const rate = (ms: number) =>
      `${Math.round(DOCS / (ms / 1000))
        .toLocaleString('en')
        .padStart(9)} docs/s (${(ms / 1000).toFixed(1)} s)`;
    console.log(`raw bulk loader (same adapter, batch, concurrency)  ${rate(raw)}`);
    console.log(`job -> search sink -> cluster                      ${rate(sink)}`);
    const ratio = raw / sink;
    const sorted = [...roundRatios].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] as number;
    console.log(
      `ratio sink / raw loader, best of each side  ${ratio.toFixed(2)}  (target >= 0.9: ${ratio >= 0.9 ? 'met' : 'NOT met'})`,
    );
    console.log(`ratio sink / raw loader, median of the rounds' ratios  ${median.toFixed(2)}`);
    await freshness(engine);
    await engine.deleteIndex(INDEX);
  } finally {
    await shared.release();
  }
}

await main();
