/**
 * Engine-level benchmark of the embedded search engine (issue 3's targets):
 *   node --import tsx bench/search-engine.ts [--docs 1000000] [--batch 5000] [--runs 200]
 *
 * 1. Generates N deterministic web-access documents (seeded PRNG, same output every run).
 * 2. Bulk-indexes them into a fresh EmbeddedSearchEngine through `bulk` in batches, and, in the
 *    same run, writes the very same rows (same table, same upsert statement, same JSON) with a
 *    hand-written better-sqlite3 loop, one transaction per batch. Prints docs/s of both and the
 *    ratio (target >= 0.7): the difference is the engine's own work (mapping, analysis, columns).
 * 3. Measures p50/p99 latency over `--runs` runs (after warm-up) of a `match` query and of a
 *    `terms` + `date_histogram` aggregation, and prints the verdict against the p99 < 100 ms target.
 * Everything is bounded by the flags; temporary data directories are removed at the end.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedSearchEngine } from '../src/search/embedded/embedded-engine.js';
import { openDatabase } from '../src/search/embedded/store/sqlite-store.js';
import type { BulkAction } from '../src/search/index.js';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer`);
  return value;
}

const DOCS = flag('docs', 1_000_000);
const BATCH = flag('batch', 5000);
const RUNS = flag('runs', 200);
const WARMUP_RUNS = 20;

/** mulberry32: a tiny seeded PRNG, so every run indexes identical documents. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS =
  'request served upstream cache miss hit timeout error retry client closed connection slow backend gateway token session login logout user admin api static image script style payment order cart search product review account profile update delete create list export import report health check metrics queue worker job batch stream index document query shard replica node cluster'.split(
    ' ',
  );
const PATHS = Array.from(
  { length: 200 },
  (_, i) => `/${WORDS[i % WORDS.length]}/${WORDS[(i * 7) % WORDS.length]}/${i}`,
);
const AGENTS = Array.from(
  { length: 20 },
  (_, i) =>
    `Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.${i} (KHTML, like Gecko) Chrome/${100 + i}.0 Safari/537.${i}`,
);
const METHODS = ['GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE'];
const STATUSES = [200, 200, 200, 200, 200, 200, 301, 304, 404, 404, 500, 503];
const START_MS = Date.UTC(2024, 0, 1);
const SPAN_MS = 86_400_000;

/** Yields the documents in batches, identically on every call (same seed), so both writers get the same rows. */
function* generateBatches(n: number, batchSize: number): Generator<Record<string, unknown>[]> {
  const rand = prng(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  for (let from = 0; from < n; from += batchSize) {
    const docs: Record<string, unknown>[] = [];
    for (let i = from; i < Math.min(n, from + batchSize); i++) {
      const method = pick(METHODS);
      const requestPath = pick(PATHS);
      const status = pick(STATUSES);
      const words = Array.from({ length: 6 + Math.floor(rand() * 6) }, () => pick(WORDS)).join(' ');
      docs.push({
        '@timestamp': new Date(START_MS + Math.floor((i / n) * SPAN_MS)).toISOString(),
        ip: `10.${Math.floor(rand() * 20)}.${Math.floor(rand() * 250)}.${Math.floor(rand() * 250)}`,
        method,
        path: requestPath,
        status,
        bytes: Math.floor(rand() * 50_000),
        latency_ms: Math.round(rand() * 2000 * 100) / 100,
        user_agent: pick(AGENTS),
        message: `${method} ${requestPath} ${status} ${words}`,
      });
    }
    yield docs;
  }
}

const MAPPINGS = {
  properties: {
    '@timestamp': { type: 'date' },
    ip: { type: 'ip' },
    method: { type: 'keyword' },
    path: { type: 'keyword' },
    status: { type: 'integer' },
    bytes: { type: 'long' },
    latency_ms: { type: 'float' },
    user_agent: { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } },
    message: { type: 'text' },
  },
};

function percentileMs(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function latency(name: string, run: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARMUP_RUNS; i++) await run(i);
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run(i);
    samples.push(performance.now() - started);
  }
  const p99 = percentileMs(samples, 99);
  console.log(
    `${name.padEnd(34)} p50 ${percentileMs(samples, 50).toFixed(1).padStart(7)} ms   p99 ${p99.toFixed(1).padStart(7)} ms   (${RUNS} runs)`,
  );
  return p99;
}

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'));
  try {
    console.log(
      `indexing ${DOCS.toLocaleString('en')} generated web-access documents in batches of ${BATCH} (generation is not timed) ...`,
    );

    // Baselines: the engine's own table and row format (schema from the store), written by hand with
    // one prepared statement per row and one transaction per batch. "upsert" has the engine's
    // semantics (overwrite an id, next version); "insert" is the least work that stores the rows.
    const baselines: Record<'upsert' | 'insert', string> = {
      upsert:
        'INSERT OR REPLACE INTO docs (idx, id, version, source) VALUES (@idx, @id, COALESCE((SELECT version FROM docs WHERE idx = @idx AND id = @id), 0) + 1, @source)',
      insert: 'INSERT INTO docs (idx, id, version, source) VALUES (@idx, @id, 1, @source)',
    };
    const baselineMsBy: Record<string, number> = {};
    for (const [name, sql] of Object.entries(baselines)) {
      const db = openDatabase(path.join(root, `baseline-${name}`));
      const idx = Number(
        db
          .prepare(
            "INSERT INTO indices (name, uuid, mappings, settings, created_ms, mapping_version) VALUES ('weblogs', 'x', '{}', '{}', 0, 1) RETURNING idx",
          )
          .pluck()
          .get(),
      );
      const statement = db.prepare(sql);
      const writeBatch = db.transaction((docs: Record<string, unknown>[], firstId: number) => {
        for (let i = 0; i < docs.length; i++)
          statement.run({ idx, id: String(firstId + i), source: JSON.stringify(docs[i]) });
      });
      let ms = 0;
      let first = 0;
      for (const docs of generateBatches(DOCS, BATCH)) {
        const started = performance.now();
        writeBatch(docs, first);
        ms += performance.now() - started;
        first += docs.length;
      }
      db.close();
      baselineMsBy[name] = ms;
    }
    const baselineMs = baselineMsBy.upsert!;

    // The engine: the same documents through `bulk`, then a refresh that waits until every document
    // is searchable (the replica has built its columns), so the ratio counts all of the engine's work.
    const engine = await EmbeddedSearchEngine.open({ dataDir: path.join(root, 'engine') });
    await engine.createIndex('weblogs', { mappings: MAPPINGS });
    let engineMs = 0;
    let firstId = 0;
    for (const docs of generateBatches(DOCS, BATCH)) {
      const started = performance.now();
      const actions: BulkAction[] = docs.map((document, i) => ({
        index: { _index: 'weblogs', _id: String(firstId + i) },
        document,
      }));
      const response = await engine.bulk(actions);
      engineMs += performance.now() - started;
      if (response.errors) throw new Error('bulk reported item errors');
      firstId += docs.length;
    }
    const bulkOnlyMs = engineMs;
    const refreshStarted = performance.now();
    await engine.refresh('weblogs');
    engineMs += performance.now() - refreshStarted;

    const rate = (ms: number) =>
      `${Math.round(DOCS / (ms / 1000))
        .toLocaleString('en')
        .padStart(9)} docs/s  (${(ms / 1000).toFixed(1)} s)`;
    const ratio = baselineMs / engineMs;
    console.log(`hand-written upsert (same semantics)  ${rate(baselineMs)}`);
    console.log(`hand-written plain INSERT             ${rate(baselineMsBy.insert!)}`);
    console.log(
      `EmbeddedSearchEngine.bulk + refresh   ${rate(engineMs)}; bulk calls alone ${(bulkOnlyMs / 1000).toFixed(1)} s`,
    );
    console.log(
      `ratio engine / upsert baseline        ${ratio.toFixed(2)}  (target >= 0.7: ${ratio >= 0.7 ? 'met' : 'NOT met'})`,
    );
    console.log(`ratio engine / plain-INSERT baseline  ${(baselineMsBy.insert! / engineMs).toFixed(2)}`);

    console.log(
      `process RSS after indexing (writer + replica worker): ${Math.round(process.memoryUsage().rss / 1048576)} MiB`,
    );
    const count = await engine.count('weblogs');
    if (count.count !== DOCS) throw new Error(`expected ${DOCS} documents, found ${count.count}`);
    const matchWords = [
      'timeout',
      'error retry',
      'cache miss',
      'payment order',
      'slow backend',
      'login session',
    ];
    const matchP99 = await latency('match (message, size 10)', (i) =>
      engine.search('weblogs', { query: { match: { message: matchWords[i % matchWords.length]! } } }),
    );
    const aggP99 = await latency('terms(status) > date_histogram(1h)', () =>
      engine.search('weblogs', {
        size: 0,
        aggs: {
          status: {
            terms: { field: 'status' },
            aggs: { per_hour: { date_histogram: { field: '@timestamp', fixed_interval: '1h' } } },
          },
        },
      }),
    );
    console.log(
      `p99 target < 100 ms: match ${matchP99 < 100 ? 'met' : 'NOT met'}, aggregation ${aggP99 < 100 ? 'met' : 'NOT met'}`,
    );
    await engine.close();
    const reopenStarted = performance.now();
    const reopened = await EmbeddedSearchEngine.open({ dataDir: path.join(root, 'engine') });
    const openMs = performance.now() - reopenStarted;
    await reopened.search('weblogs', { size: 0 });
    const searchableMs = performance.now() - reopenStarted;
    console.log(
      `reopen: writes accepted after ${openMs.toFixed(0)} ms, searchable (columns rebuilt) after ${(searchableMs / 1000).toFixed(1)} s`,
    );
    await reopened.close();
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
