/** Sorting, paging, search_after, _source filtering and track_total_hits. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SearchEngine } from '../search-engine.js';
import {
  type ConformanceTarget,
  dropIndex,
  expectSearchError,
  ids,
  seedIndex,
} from './conformance-helpers.js';
import { WEBLOG_DOCS, WEBLOG_INDEX_OPTIONS } from './weblog-fixture.js';

const BY_TIME = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'];

export function describeSearchOptionsConformance(target: ConformanceTarget): void {
  const { open } = target;
  const INDEX = target.index('conformance-options');
  describe('search options', () => {
    let engine: SearchEngine;
    before(async () => {
      engine = await open();
      await seedIndex(engine, INDEX, WEBLOG_INDEX_OPTIONS, WEBLOG_DOCS);
    });
    after(async () => {
      await dropIndex(engine, INDEX);
      await engine.close();
    });

    test('returns 10 hits by default and pages with from and size', async () => {
      const first = await engine.search(INDEX, { sort: [{ '@timestamp': 'asc' }] });
      assert.deepEqual(ids(first), BY_TIME);
      const page = await engine.search(INDEX, { sort: [{ '@timestamp': 'asc' }], from: 2, size: 3 });
      assert.deepEqual(ids(page), ['3', '4', '5']);
      assert.equal(page.hits.total?.value, 10);
      const empty = await engine.search(INDEX, { size: 0 });
      assert.deepEqual(empty.hits.hits, []);
      assert.equal(empty.hits.total?.value, 10);
    });

    test('answers in the Elasticsearch response shape', async () => {
      const response = await engine.search(INDEX, { query: { term: { host: 'a' } }, size: 1 });
      assert.equal(typeof response.took, 'number');
      assert.equal(response.timed_out, false);
      assert.equal(response._shards.failed, 0);
      assert.deepEqual(response.hits.total, { value: 4, relation: 'eq' });
      const hit = response.hits.hits[0]!;
      assert.equal(hit._index, INDEX);
      assert.equal(typeof hit._id, 'string');
      assert.equal(typeof hit._score, 'number');
      assert.deepEqual(hit._source, WEBLOG_DOCS[hit._id]);
    });

    test('sorts by field descending with missing values last, and first on request', async () => {
      const desc = await engine.search(INDEX, { sort: [{ latency_ms: 'desc' }] });
      assert.deepEqual(ids(desc), ['9', '4', '8', '3', '2', '6', '1', '7', '5', '10']);
      const asc = await engine.search(INDEX, { sort: [{ latency_ms: { order: 'asc', missing: '_first' } }] });
      assert.deepEqual(ids(asc), ['10', '5', '7', '1', '6', '2', '3', '8', '4', '9']);
    });

    test('sorts by several keys and returns the sort values, without scores', async () => {
      const response = await engine.search(INDEX, {
        sort: [{ host: 'asc' }, { '@timestamp': { order: 'desc' } }],
      });
      assert.deepEqual(ids(response), ['9', '6', '2', '1', '8', '4', '3', '10', '7', '5']);
      const first = response.hits.hits[0]!;
      assert.deepEqual(first.sort, ['a', Date.parse('2024-01-01T05:45:00Z')]);
      assert.equal(first._score, null);
      assert.equal(response.hits.max_score, null);
    });

    test('sorts by _score explicitly and by string shorthand', async () => {
      const byScore = await engine.search(INDEX, {
        query: { match: { message: 'timeout' } },
        sort: ['_score'],
      });
      assert.deepEqual(ids(byScore), ['4', '9']);
      // `_score` descending alone is the default relevance order: clusters return no sort values.
      assert.equal(byScore.hits.hits[0]!.sort, undefined);
      const withTiebreak = await engine.search(INDEX, {
        query: { match: { message: 'timeout' } },
        sort: ['_score', { _id: 'asc' }],
      });
      assert.equal(typeof withTiebreak.hits.hits[0]!.sort?.[0], 'number');
      const byField = await engine.search(INDEX, {
        sort: 'bytes',
        size: 3,
        query: { range: { bytes: { gt: 0 } } },
      });
      assert.deepEqual(ids(byField), ['9', '7', '4']);
    });

    test('search_after continues after the last hit of the previous page', async () => {
      const seen: string[] = [];
      let after: readonly unknown[] | undefined;
      for (let page = 0; page < 4; page++) {
        const response = await engine.search(INDEX, {
          size: 4,
          sort: [{ '@timestamp': 'asc' }],
          ...(after === undefined ? {} : { search_after: after }),
        });
        seen.push(...ids(response));
        after = response.hits.hits[response.hits.hits.length - 1]?.sort;
        if (response.hits.hits.length < 4) break;
      }
      assert.deepEqual(seen, BY_TIME);
    });

    test('filters _source with false, a string, includes and excludes with wildcards', async () => {
      const one = { query: { ids: { values: ['1'] } } };
      const none = await engine.search(INDEX, { ...one, _source: false });
      assert.equal(none.hits.hits[0]!._source, undefined);
      const single = await engine.search(INDEX, { ...one, _source: 'host' });
      assert.deepEqual(single.hits.hits[0]!._source, { host: 'a' });
      const object = await engine.search(INDEX, { ...one, _source: ['user'] });
      assert.deepEqual(object.hits.hits[0]!._source, { user: { name: 'alice', age: 30 } });
      const pattern = await engine.search(INDEX, {
        ...one,
        _source: { includes: ['user.*', 'st*'], excludes: ['user.age'] },
      });
      assert.deepEqual(pattern.hits.hits[0]!._source, { status: 200, user: { name: 'alice' } });
      const excluded = await engine.search(INDEX, {
        ...one,
        _source: { excludes: ['message', 'agent', 'tags', 'user', '@timestamp', 'latency_ms'] },
      });
      assert.deepEqual(excluded.hits.hits[0]!._source, {
        host: 'a',
        method: 'GET',
        path: '/index.html',
        status: 200,
        bytes: 1000,
      });
    });

    test('track_total_hits counts exactly, stops at a limit with relation gte, or is left out', async () => {
      const limited = await engine.search(INDEX, { track_total_hits: 5, size: 0 });
      assert.deepEqual(limited.hits.total, { value: 5, relation: 'gte' });
      const exact = await engine.search(INDEX, { track_total_hits: true, size: 0 });
      assert.deepEqual(exact.hits.total, { value: 10, relation: 'eq' });
      const absent = await engine.search(INDEX, { track_total_hits: false, size: 1 });
      assert.equal(absent.hits.total, undefined);
      assert.equal(absent.hits.hits.length, 1);
    });

    test('refuses a result window beyond max_result_window', async () => {
      await expectSearchError(engine.search(INDEX, { from: 9995, size: 10 }), {
        status: 400,
        type: 'search_phase_execution_exception',
        rootCauseType: 'illegal_argument_exception',
        reason:
          'Result window is too large, from + size must be less than or equal to: [10000] but was [10005]',
      });
    });

    test('refuses sorting on a text field with the fielddata error', async () => {
      await expectSearchError(engine.search(INDEX, { sort: [{ message: 'asc' }] }), {
        status: 400,
        type: 'search_phase_execution_exception',
        rootCauseType: 'illegal_argument_exception',
        reason: 'Text fields are not optimised for operations that require per-document field data',
      });
    });

    test('scan of an index without documents or mappings, or of a wildcard matching nothing, yields no pages', async () => {
      const empty = target.index('conformance-scan-empty');
      await dropIndex(engine, empty);
      await engine.createIndex(empty, { settings: { number_of_replicas: 0 } });
      try {
        for (const pattern of [empty, `${target.index('conformance-scan-nothing-')}*`]) {
          const pages: unknown[] = [];
          for await (const page of engine.scan(pattern, { pageSize: 2 })) pages.push(page);
          assert.deepEqual(pages, [], pattern);
        }
        await expectSearchError(
          (async () => {
            for await (const _ of engine.scan(target.index('conformance-scan-missing'))) break;
          })(),
          { status: 404, type: 'index_not_found_exception' },
        );
      } finally {
        await dropIndex(engine, empty);
      }
    });

    test("a scan abandoned after its first page resumes from that page's cursor", async () => {
      const iterator = engine
        .scan(INDEX, { pageSize: 3, sort: [{ '@timestamp': 'desc' }] })
        [Symbol.asyncIterator]();
      const first = await iterator.next();
      await iterator.return?.();
      assert.ok(!first.done);
      assert.deepEqual(
        first.value.hits.map((h) => h._id),
        ['10', '9', '8'],
      );
      const rest: string[] = [];
      for await (const page of engine.scan(INDEX, {
        pageSize: 3,
        sort: [{ '@timestamp': 'desc' }],
        searchAfter: first.value.searchAfter,
      }))
        rest.push(...page.hits.map((h) => h._id));
      assert.deepEqual(rest, ['7', '6', '5', '4', '3', '2', '1']);
    });

    test('scan pages through every hit in sort order and resumes from a cursor', async () => {
      const pages: string[][] = [];
      for await (const page of engine.scan(INDEX, { pageSize: 4, sort: [{ '@timestamp': 'asc' }] }))
        pages.push(page.hits.map((h) => h._id));
      assert.deepEqual(pages, [
        ['1', '2', '3', '4'],
        ['5', '6', '7', '8'],
        ['9', '10'],
      ]);
      const filtered: string[] = [];
      let cursor: readonly unknown[] | undefined;
      for await (const page of engine.scan(INDEX, { pageSize: 2, query: { term: { host: 'a' } } })) {
        filtered.push(...page.hits.map((h) => h._id));
        cursor ??= page.searchAfter;
      }
      assert.deepEqual(filtered.sort(), ['1', '2', '6', '9']);
      const resumed: string[] = [];
      for await (const page of engine.scan(INDEX, {
        pageSize: 2,
        query: { term: { host: 'a' } },
        searchAfter: cursor,
      })) {
        resumed.push(...page.hits.map((h) => h._id));
      }
      assert.equal(resumed.length, 2);
    });
  });
}
