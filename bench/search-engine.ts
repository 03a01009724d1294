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
import type { BulkAction } from '../src/search/index.js';
import { flag, searchLatencies } from './support/measure.js';
import { type BaselineKind, baselineWriteMs } from './support/sqlite-baseline.js';
import { generateBatches, MAPPINGS } from './support/weblog-documents.js';

const DOCS = flag('docs', 1_000_000);
const BATCH = flag('batch', 5000);
const RUNS = flag('runs', 200);

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'));
  try {
    console.log(
      `indexing ${DOCS.toLocaleString('en')} generated web-access documents in batches of ${BATCH} (generation is not timed) ...`,
    );

    const baselineMsBy: Record<BaselineKind, number> = {
      upsert: baselineWriteMs('upsert', root, generateBatches(DOCS, BATCH)),
      insert: baselineWriteMs('insert', root, generateBatches(DOCS, BATCH)),
      'insert-multirow': baselineWriteMs('insert-multirow', root, generateBatches(DOCS, BATCH)),
      'insert+fts5': baselineWriteMs('insert+fts5', root, generateBatches(DOCS, BATCH), [
        'user_agent',
        'message',
      ]),
    };
    const baselineMs = baselineMsBy.upsert!;

    // The engine: the same documents through `bulk`, then a refresh that waits until every document
    // is searchable (the replica has built its columns), so the ratio counts all of the engine's work.
    const engine = await EmbeddedSearchEngine.open({ dataDir: path.join(root, 'engine') });
    await engine.createIndex('weblogs', { mappings: MAPPINGS });
    let engineMs = 0;
    for (const docs of generateBatches(DOCS, BATCH)) {
      const started = performance.now();
      const actions: BulkAction[] = docs.map((document) => ({
        index: { _index: 'weblogs', _id: document.request_id as string },
        document,
      }));
      const response = await engine.bulk(actions);
      engineMs += performance.now() - started;
      if (response.errors) throw new Error('bulk reported item errors');
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
      `hand-written INSERT, 16 rows/statement ${rate(baselineMsBy['insert-multirow'])}; ratio ${(baselineMsBy['insert-multirow'] / engineMs).toFixed(2)}`,
    );
    console.log(
      `hand-written INSERT + FTS5 (text)     ${rate(baselineMsBy['insert+fts5'])}; ratio ${(baselineMsBy['insert+fts5'] / engineMs).toFixed(2)}`,
    );

    console.log(
      `process RSS after indexing (writer + replica worker): ${Math.round(process.memoryUsage().rss / 1048576)} MiB`,
    );
    const count = await engine.count('weblogs');
    if (count.count !== DOCS) throw new Error(`expected ${DOCS} documents, found ${count.count}`);
    await searchLatencies(engine, RUNS);
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
