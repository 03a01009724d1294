/**
 * How long after it happens an event is searchable, under load, with the sink's defaults
 * (issue 3: "searchable within 1 s by default").
 *
 *   node --import tsx bench/search-freshness.ts [--rate 2000] [--seconds 20]
 *
 * A datagen source produces `--rate` web-access events per second in real time (event time = the
 * wall clock at generation); a job indexes them through the search sink into the embedded engine.
 * Every 50 ms a poller asks the engine for the newest searchable event; the lag is now minus that
 * event's timestamp. Prints the lag's p50/p99/max over the run and the indexing rate achieved.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StreamEnvironment } from '../src/api/stream-environment.js';
import { dataGenSource } from '../src/connectors/datagen/source.js';
import { searchSink } from '../src/connectors/search/sink.js';
import { EmbeddedSearchEngine } from '../src/search/embedded/embedded-engine.js';
import { flag, percentileMs } from './support/measure.js';

const RATE = flag('rate', 2000);
const SECONDS = flag('seconds', 20);

async function main(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-fresh-'));
  const engine = await EmbeddedSearchEngine.open({ dataDir: root });
  try {
    const env = StreamEnvironment.create({ log: () => {} });
    env
      .fromSource(dataGenSource({ ratePerSecond: RATE, seed: 7, startTimeMs: Date.now() }))
      .map((e) => ({ '@timestamp': e.timestampMs, path: e.path, status: e.status, latency_ms: e.latencyMs }))
      .sinkTo(searchSink({ engine, index: 'fresh' }));
    const job = env.executeAsync('freshness');
    const lags: number[] = [];
    const until = Date.now() + SECONDS * 1000;
    const warmUpUntil = Date.now() + 2000;
    while (Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
      if (!(await engine.indexExists('fresh'))) continue;
      const r = await engine.search('fresh', {
        size: 1,
        sort: [{ '@timestamp': 'desc' }],
        _source: ['@timestamp'],
      });
      const newest = (r.hits.hits[0]?._source as { '@timestamp'?: number } | undefined)?.['@timestamp'];
      if (newest !== undefined && Date.now() > warmUpUntil) lags.push(Date.now() - newest);
    }
    const result = await job.stop();
    const indexed = (await engine.count('fresh')).count;
    console.log(
      `node ${process.version}; ${RATE} events/s for ${SECONDS} s; sink defaults (flushIntervalMs 500)`,
    );
    console.log(
      `indexed ${indexed.toLocaleString('en')} of ${result.metrics.recordsIn.toLocaleString('en')} events read`,
    );
    console.log(
      `lag from event to searchable: p50 ${percentileMs(lags, 50).toFixed(0)} ms, p99 ${percentileMs(lags, 99).toFixed(0)} ms, max ${Math.max(...lags).toFixed(0)} ms (${lags.length} polls)`,
    );
    const p99 = percentileMs(lags, 99);
    console.log(`target: searchable within 1 s: ${p99 < 1000 ? 'met' : 'NOT met'} at p99`);
  } finally {
    await engine.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
