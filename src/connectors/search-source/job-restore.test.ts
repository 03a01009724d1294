import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StreamEnvironment } from '../../api/stream-environment.js';
import type { JobSnapshot } from '../../runtime/job-snapshot.js';
import { EmbeddedSearchEngine } from '../../search/embedded/embedded-engine.js';
import type { SearchEngine } from '../../search/search-engine.js';
import { RecordingSink } from '../../testing/recording-sink.js';
import { searchSource } from './source.js';

function pipeline(env: StreamEnvironment, engine: SearchEngine, sink: RecordingSink<string>): void {
  env
    .fromSource(searchSource({ engine, index: 'docs', slices: 3, pageSize: 25 }), { uid: 'scan' })
    .map((r) => r.id, { uid: 'ids' })
    .sinkTo(sink, { uid: 'out' });
}

describe('searchSource in a job', () => {
  it('a job snapshotted by hand mid-scan and restored reads every document exactly once in all', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'search-source-job-'));
    const engine = await EmbeddedSearchEngine.open({ dataDir: dir });
    try {
      await engine.bulk(
        Array.from({ length: 300 }, (_, i) => ({
          index: { _index: 'docs', _id: `d${i}` },
          document: { n: i },
        })),
      );
      await engine.refresh('docs');
      const first = new RecordingSink<string>();
      const env1 = StreamEnvironment.create({ batchSize: 10, queueCapacity: 1, log: () => {} });
      pipeline(env1, engine, first);
      const running = env1.executeAsync('interrupted');
      const snapshot = await first.atWrite(4, () => running.snapshot());
      await running.cancel();
      const committed = first.values.slice(0, first.collectedAt(snapshot.sinks.out));
      assert.ok(committed.length > 0 && committed.length < 300, 'the cut is mid-scan');
      const stored = JSON.parse(JSON.stringify(snapshot)) as JobSnapshot;

      const second = new RecordingSink<string>();
      const env2 = StreamEnvironment.create({ batchSize: 10, log: () => {}, restoreFrom: stored });
      pipeline(env2, engine, second);
      await env2.execute('restored');
      const all = [...committed, ...second.values];
      assert.equal(all.length, 300);
      assert.equal(new Set(all).size, 300);
    } finally {
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
