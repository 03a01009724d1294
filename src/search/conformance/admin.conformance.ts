/** Index administration and index patterns. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SearchEngine } from '../search-engine.js';
import { type ConformanceTarget, dropIndex, expectSearchError, seedIndex } from './conformance-helpers.js';

export function describeAdminConformance(target: ConformanceTarget): void {
  const { open } = target;
  const A = target.index('conformance-pattern-a');
  const B = target.index('conformance-pattern-b');
  const OTHER = target.index('conformance-other');
  describe('indices and patterns', () => {
    let engine: SearchEngine;
    before(async () => {
      engine = await open();
      const options = {
        settings: { number_of_replicas: 0 },
        mappings: { properties: { n: { type: 'long' }, kind: { type: 'keyword' } } },
      };
      await seedIndex(engine, A, options, { a1: { n: 1, kind: 'x' }, a2: { n: 2, kind: 'y' } });
      await seedIndex(engine, B, options, { b1: { n: 3, kind: 'x' } });
      await seedIndex(engine, OTHER, options, { o1: { n: 4, kind: 'x' } });
    });
    after(async () => {
      for (const index of [A, B, OTHER]) await dropIndex(engine, index);
      await engine.close();
    });

    test('create answers acknowledged and refuses an existing or invalid name', async () => {
      const name = target.index('conformance-created');
      await dropIndex(engine, name);
      assert.deepEqual(await engine.createIndex(name, { settings: { number_of_replicas: 0 } }), {
        acknowledged: true,
        shards_acknowledged: true,
        index: name,
      });
      await expectSearchError(engine.createIndex(name), {
        status: 400,
        type: 'resource_already_exists_exception',
      });
      assert.deepEqual(await engine.deleteIndex(name), { acknowledged: true });
      assert.equal(await engine.indexExists(name), false);
      await expectSearchError(engine.createIndex('Conformance-Upper'), {
        status: 400,
        type: 'invalid_index_name_exception',
        reason: 'must be lowercase',
      });
      await expectSearchError(engine.deleteIndex(name), { status: 404, type: 'index_not_found_exception' });
    });

    test('searches a comma list, a wildcard and _all', async () => {
      const ids = async (pattern: string) =>
        (
          await engine.search(pattern, {
            sort: [{ n: 'asc' }],
            size: 100,
            query: { range: { n: { gte: 1, lte: 4 } } },
          })
        ).hits.hits.map((h) => `${h._index}/${h._id}`);
      assert.deepEqual(await ids(`${A},${B}`), [`${A}/a1`, `${A}/a2`, `${B}/b1`]);
      assert.deepEqual(await ids(`${target.index('conformance-pattern-')}*`), [
        `${A}/a1`,
        `${A}/a2`,
        `${B}/b1`,
      ]);
      const all = await ids('_all');
      for (const expected of [`${A}/a1`, `${B}/b1`, `${OTHER}/o1`]) assert.ok(all.includes(expected));
      assert.equal(
        (await engine.count(`${target.index('conformance-pattern-')}*`, { query: { term: { kind: 'x' } } }))
          .count,
        2,
      );
    });

    test('aggregates across the indices of a pattern', async () => {
      const response = await engine.search(`${target.index('conformance-pattern-')}*`, {
        size: 0,
        aggs: { kinds: { terms: { field: 'kind' } }, total: { sum: { field: 'n' } } },
      });
      const kinds = response.aggregations?.kinds as { buckets: { key: string; doc_count: number }[] };
      assert.deepEqual(
        kinds.buckets.map((b) => [b.key, b.doc_count]),
        [
          ['x', 2],
          ['y', 1],
        ],
      );
      assert.equal((response.aggregations?.total as { value: number } | undefined)?.value, 6);
    });

    test('a missing concrete index is index_not_found_exception, a wildcard matching nothing is empty', async () => {
      const error = await expectSearchError(engine.search(target.index('conformance-nope'), {}), {
        status: 404,
        type: 'index_not_found_exception',
        reason: `no such index [${target.index('conformance-nope')}]`,
      });
      assert.equal(error.toJSON().error.root_cause[0]?.type, 'index_not_found_exception');
      await expectSearchError(engine.search(`${A},${target.index('conformance-nope')}`, {}), {
        status: 404,
        type: 'index_not_found_exception',
      });
      await expectSearchError(engine.count(target.index('conformance-nope')), {
        status: 404,
        type: 'index_not_found_exception',
      });
      const empty = await engine.search(`${target.index('conformance-nothing-')}*`, {});
      assert.equal(empty.hits.total?.value, 0);
      assert.deepEqual(empty.hits.hits, []);
    });

    test('lists indices with document counts and reads mappings by pattern', async () => {
      const rows = await engine.listIndices(`${target.index('conformance-pattern-')}*`);
      assert.deepEqual(rows.map((r) => [r.index, r['docs.count'], r.status]).sort(), [
        [A, '2', 'open'],
        [B, '1', 'open'],
      ]);
      const mappings = await engine.getMapping(`${target.index('conformance-pattern-')}*`);
      assert.deepEqual(Object.keys(mappings).sort(), [A, B]);
      assert.deepEqual(mappings[A]?.mappings.properties?.kind, { type: 'keyword' });
    });

    test('refresh answers with shard counts', async () => {
      const response = await engine.refresh(A);
      assert.equal(response._shards.failed, 0);
      assert.ok(response._shards.successful >= 1);
    });
  });
}
