import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { EmbeddedSearchEngine } from '../embedded-engine.js';

test('aggregations over a field that only early documents have ignore the many later ones without it', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-sparse-'));
  const engine = await EmbeddedSearchEngine.open({ dataDir, replica: 'inline' });
  try {
    // The column of `n` stops growing at the first document; 2,000 documents lie past its end.
    await engine.bulk([
      { index: { _index: 'sparse', _id: 'x' }, document: { n: 5 } },
      ...Array.from({ length: 2000 }, (_, i) => ({
        index: { _index: 'sparse', _id: `o${i}` },
        document: { other: i },
      })),
    ]);
    const response = await engine.search('sparse', {
      size: 0,
      aggs: {
        avg: { avg: { field: 'n' } },
        stats: { stats: { field: 'n' } },
        hist: { histogram: { field: 'n', interval: 10 } },
        terms: { terms: { field: 'n' } },
      },
    });
    const aggs = response.aggregations as Record<string, Record<string, unknown>>;
    assert.deepEqual(aggs.avg, { value: 5 });
    assert.deepEqual(aggs.stats, { count: 1, min: 5, max: 5, avg: 5, sum: 5 });
    assert.deepEqual(aggs.hist?.buckets, [{ key: 0, doc_count: 1 }]);
    assert.deepEqual(aggs.terms?.buckets, [{ key: 5, doc_count: 1 }]);
  } finally {
    await engine.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
