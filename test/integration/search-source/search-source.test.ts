// The search source and the state backend against real clusters (OpenSearch 2.19 and 3.8,
// Elasticsearch 7.10): a scan in 1 and 3 slices reads every document exactly once, a resumed scan
// continues after its split states, follow mode catches a late document inside its overlap, and
// the state backend's documents are searchable and restorable. Exact counts; bounded loops only.
// Which paging the cluster used is read from its own search statistics: point in time on
// OpenSearch; on this Elasticsearch 7.10 (no X-Pack, so no point in time) the scroll fallback.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type SearchRecord, searchSource } from '../../../src/connectors/search-source/source.js';
import { searchStateBackend } from '../../../src/connectors/search-state/search-state-backend.js';
import type { SourceMessage, SourceReader } from '../../../src/core/source.js';
import { openSearchEngine } from '../../../src/search/engines/index.js';
import { DEFAULT_MAX_PARALLELISM, fullKeyGroupRange } from '../../../src/state/key-groups.js';
import { valueState } from '../../../src/state/state-descriptors.js';
import { fakeSourceContext } from '../../../src/testing/connector-contexts.js';
import { ManualClock } from '../../../src/time/manual-clock.js';
import { requireService, type StandardServiceName } from '../../support/services.js';
import { RUN_PREFIX } from '../search/cluster-services.js';

async function drain(
  reader: SourceReader<SearchRecord>,
  limit = 10_000,
): Promise<{ ids: string[]; states: Map<string, unknown> }> {
  const ids: string[] = [];
  const states = new Map<string, unknown>();
  for (let data = 0; data < limit; ) {
    const m: SourceMessage<SearchRecord> = await reader.read();
    if (m.kind === 'end') break;
    if (m.kind !== 'data') continue;
    data++;
    for (const r of m.batch.values) ids.push(r.id);
    if (m.state !== undefined) states.set(m.batch.origin, m.state);
  }
  return { ids, states };
}

/** Scroll contexts and points in time the cluster has completed so far (summed over its nodes). */
async function pagingStats(url: string): Promise<{ scrolls: number; pointsInTime: number }> {
  const answer = await fetch(`${url}/_nodes/stats/indices/search`, { signal: AbortSignal.timeout(30_000) });
  const body = (await answer.json()) as {
    nodes: Record<string, { indices: { search: { scroll_total: number; point_in_time_total?: number } } }>;
  };
  let scrolls = 0;
  let pointsInTime = 0;
  for (const node of Object.values(body.nodes)) {
    scrolls += node.indices.search.scroll_total;
    pointsInTime += node.indices.search.point_in_time_total ?? 0;
  }
  return { scrolls, pointsInTime };
}

for (const name of ['opensearch2', 'opensearch3', 'es7'] as StandardServiceName[]) {
  describe(`search source and state on ${name}`, () => {
    test('scans in one and three slices, resumes exactly, follows with overlap, keeps searchable state', async (t) => {
      const svc = requireService(t, name);
      if (!svc) return;
      const shared = await openSearchEngine(svc.url);
      const engine = shared.engine;
      const index = `state-source-${RUN_PREFIX}${name}`;
      try {
        const actions = Array.from({ length: 1234 }, (_, i) => ({
          index: { _index: index, _id: `d${i}` },
          document: { seq: i },
        }));
        await engine.bulk(actions);
        await engine.refresh(index);
        const before = await pagingStats(svc.url);
        for (const slices of [1, 3]) {
          const reader = searchSource({ engine, index, slices, pageSize: 200 }).createReader(
            fakeSourceContext({ batchSize: 100 }),
          );
          const read = await drain(reader);
          await reader.close?.();
          assert.equal(read.ids.length, 1234);
          assert.equal(new Set(read.ids).size, 1234);
        }
        const paged = await pagingStats(svc.url);
        if (name === 'es7') {
          assert.ok(paged.scrolls > before.scrolls, 'ES 7.10 without X-Pack scans with a scroll');
          assert.equal(paged.pointsInTime, 0, 'and has no point in time');
        } else {
          // Other clients of the shared cluster can only add to the counts.
          assert.ok(paged.pointsInTime >= before.pointsInTime + 4, 'one point in time per slice scan');
        }
        const first = searchSource({ engine, index, slices: 3, pageSize: 200 }).createReader(
          fakeSourceContext({ batchSize: 100 }),
        );
        const part = await drain(first, 5);
        await first.close?.();
        const second = searchSource({ engine, index, slices: 3, pageSize: 200 }).createReader(
          fakeSourceContext({ batchSize: 100, restoredSplits: part.states }),
        );
        const rest = await drain(second);
        await second.close?.();
        assert.equal(part.ids.length + rest.ids.length, 1234);
        assert.equal(new Set([...part.ids, ...rest.ids]).size, 1234);

        const ctx = fakeSourceContext({ batchSize: 500 });
        const follow = searchSource({
          engine,
          index,
          mode: 'follow',
          follow: { field: 'seq', overlapMs: 10, pollIntervalMs: 1000 },
        }).createReader(ctx);
        let got = 0;
        for (let i = 0; i < 20 && got < 1234; i++) got += (await drain(follow, 1)).ids.length;
        assert.equal(got, 1234);
        await engine.bulk([
          { index: { _index: index, _id: 'late' }, document: { seq: 1230 } },
          { index: { _index: index, _id: 'too-late' }, document: { seq: 5 } },
        ]);
        await engine.refresh(index);
        ctx.clock.advance(1000);
        assert.deepEqual((await drain(follow, 1)).ids, ['late']);
        ctx.controller.abort();
        await follow.close?.();

        const clock = new ManualClock(0);
        const options = {
          operatorId: 'op',
          keyGroupRange: fullKeyGroupRange(DEFAULT_MAX_PARALLELISM),
          maxParallelism: DEFAULT_MAX_PARALLELISM,
          clock,
        };
        const backend = searchStateBackend({ engine, index: `${index}-state` }).createKeyedStateBackend(
          options,
        );
        const open = valueState<number>('open');
        for (let u = 0; u < 40; u++) {
          backend.setCurrentKey(`u${u}`);
          backend.getValueState(open).update(u);
        }
        await backend.flush();
        assert.equal(
          (await engine.count(`${index}-state`, { query: { range: { 'value.open': { gte: 30 } } } })).count,
          10,
        );
        const restored = searchStateBackend({ engine, index: `${index}-state` }).createKeyedStateBackend(
          options,
        );
        await restored.restoreFromIndex();
        assert.equal(restored.keys('open').length, 40);
      } finally {
        await engine.deleteIndex(`${index}*`).catch(() => undefined);
        await shared.release();
      }
    });
  });
}
