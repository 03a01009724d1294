import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { EmbeddedSearchEngine } from '../embedded-engine.js';
import { IndexReplica } from './index-replica.js';

test('an index with more overwritten than live documents is compacted and answers the same', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-compact-'));
  const writer = await EmbeddedSearchEngine.open({ dataDir, replica: 'inline' });
  const replica = new IndexReplica(dataDir, { compactMinDead: 10 });
  try {
    const write = (round: number) =>
      writer.bulk(
        Array.from({ length: 20 }, (_, i) => ({
          index: { _index: 'hot', _id: String(i) },
          document: { n: i, round },
        })),
      );
    await write(1);
    replica.sync();
    assert.deepEqual(replica.stats('hot'), [
      { name: 'hot', docsCount: 20, docsDeleted: 0, storeBytes: replica.stats('hot')[0]!.storeBytes },
    ]);
    await write(2);
    replica.sync();
    assert.equal(replica.stats('hot')[0]!.docsDeleted, 20, 'as many dead as live: not compacted yet');
    await write(3);
    replica.sync();
    assert.equal(replica.stats('hot')[0]!.docsDeleted, 0, 'more dead than live: rebuilt from the live rows');
    const response = replica.search(
      'hot',
      { size: 0, aggs: { rounds: { terms: { field: 'round' } } } },
      Date.now(),
    );
    assert.equal(response.hits.total?.value, 20);
    assert.deepEqual(response.aggregations?.rounds, {
      doc_count_error_upper_bound: 0,
      sum_other_doc_count: 0,
      buckets: [{ key: 3, doc_count: 20 }],
    });
  } finally {
    replica.close();
    await writer.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
