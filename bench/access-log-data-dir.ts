/**
 * Builds an embedded data directory like `sluice demo --replay` leaves, at a chosen size, for
 * measuring `sluice search` / `sluice indices` on a large directory (docs/search-engine.md):
 *   node --import tsx bench/access-log-data-dir.ts <dataDir> [--copies 100] [--batch 5000]
 *
 * Reads the real Apache access log in ../shared/data/apache_logs (10,000 lines) `--copies` times
 * (ids `<copy>:<line>`, so every copy is new documents), parses each line with parseAccessLogLine
 * and writes the demo's raw-event documents into the day indices of their event time
 * (`weblogs-2015.05.17` ... `weblogs-2015.05.20`), through EmbeddedSearchEngine.bulk with dynamic
 * mapping, as the demo does. 100 copies give 1,000,000 documents. Refuses a directory that already
 * holds data.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { hitDocument } from '../src/cli/demo/weblogs-job.js';
import { parseAccessLogLine } from '../src/formats/access-log.js';
import { EmbeddedSearchEngine } from '../src/search/embedded/embedded-engine.js';
import type { BulkAction } from '../src/search/index.js';
import { flag } from './support/measure.js';

const COPIES = flag('copies', 100);
const BATCH = flag('batch', 5000);
const LOG = fileURLToPath(new URL('../../shared/data/apache_logs', import.meta.url));

function dayIndex(timestampMs: number): string {
  return `weblogs-${new Date(timestampMs).toISOString().slice(0, 10).replaceAll('-', '.')}`;
}

async function main(): Promise<void> {
  const dataDir = process.argv[2];
  if (dataDir === undefined || dataDir.startsWith('--')) {
    throw new Error('usage: bench/access-log-data-dir.ts <dataDir> [--copies 100] [--batch 5000]');
  }
  if (fs.existsSync(path.join(dataDir, 'search.db'))) throw new Error(`${dataDir} already holds data`);
  const lines = fs
    .readFileSync(LOG, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const entries = lines.map(parseAccessLogLine);
  const engine = await EmbeddedSearchEngine.open({ dataDir });
  const started = performance.now();
  let actions: BulkAction[] = [];
  let written = 0;
  const flush = async () => {
    const response = await engine.bulk(actions);
    if (response.errors) throw new Error('bulk reported item errors');
    written += actions.length;
    actions = [];
  };
  for (let copy = 0; copy < COPIES; copy++) {
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const eventId = `${copy}:${i + 1}`;
      const document = hitDocument({ ...e, eventId, clientIp: e.ip, latencyMs: undefined });
      actions.push({ index: { _index: dayIndex(e.timestampMs), _id: eventId }, document });
      if (actions.length >= BATCH) await flush();
    }
    if (copy % 10 === 9) console.log(`${written.toLocaleString('en')} documents`);
  }
  if (actions.length > 0) await flush();
  await engine.refresh('_all');
  await engine.close();
  const seconds = (performance.now() - started) / 1000;
  console.log(`${written.toLocaleString('en')} documents in ${dataDir} (${seconds.toFixed(1)} s)`);
}

await main();
