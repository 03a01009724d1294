import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { EmbeddedSearchEngine } from '../embedded-engine.js';

test('top_hits ranks by score even when the search itself sorts by a field', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-top-hits-'));
  const engine = await EmbeddedSearchEngine.open({ dataDir, replica: 'inline' });
  try {
    await engine.bulk(
      [
        { index: { _index: 'a', _id: 'once' }, document: { t: 'fox', n: 1 } },
        { index: { _index: 'a', _id: 'thrice' }, document: { t: 'fox fox fox', n: 2 } },
      ],
      { refresh: true },
    );
    const response = await engine.search('a', {
      query: { match: { t: 'fox' } },
      sort: [{ n: 'asc' }],
      aggs: {
        best: { top_hits: { size: 2 } },
        byN: { terms: { field: 'n' }, aggs: { best: { top_hits: {} } } },
      },
    });
    // The hits follow the field sort, without scores (as in ES without track_scores).
    assert.deepEqual(
      response.hits.hits.map((h) => [h._id, h._score]),
      [
        ['once', null],
        ['thrice', null],
      ],
    );
    const top = (response.aggregations as { best: { hits: { hits: { _id: string; _score: number }[] } } })
      .best.hits.hits;
    assert.deepEqual(
      top.map((h) => h._id),
      ['thrice', 'once'],
    );
    assert.ok(top[0]!._score > top[1]!._score && top[1]!._score > 0, JSON.stringify(top));
    const nested = (
      response.aggregations as {
        byN: { buckets: { best: { hits: { hits: { _score: number }[] } } }[] };
      }
    ).byN.buckets.map((b) => b.best.hits.hits[0]!._score);
    assert.ok(
      nested.every((s) => s > 0),
      `top_hits under a bucket aggregation is scored too: ${nested}`,
    );
  } finally {
    await engine.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
