/** Every supported aggregation, alone and nested, on the weblog fixture. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SearchEngine } from '../search-engine.js';
import {
  agg,
  buckets,
  type ConformanceTarget,
  dropIndex,
  expectSearchError,
  keyCounts,
  seedIndex,
} from './conformance-helpers.js';
import { WEBLOG_DOCS, WEBLOG_INDEX_OPTIONS } from './weblog-fixture.js';

const JAN_1 = { range: { '@timestamp': { lt: '2024-01-02T00:00:00Z' } } };
const hour = (h: number) => Date.UTC(2024, 0, 1, h);

export function describeAggregationConformance(target: ConformanceTarget): void {
  const { open } = target;
  const INDEX = target.index('conformance-aggs');
  describe('aggregations', () => {
    let engine: SearchEngine;
    const aggs = async (aggregations: Record<string, unknown>, query?: unknown) =>
      engine.search(INDEX, { size: 0, aggs: aggregations, ...(query === undefined ? {} : { query }) });

    before(async () => {
      engine = await open();
      await seedIndex(engine, INDEX, WEBLOG_INDEX_OPTIONS, WEBLOG_DOCS);
    });
    after(async () => {
      await dropIndex(engine, INDEX);
      await engine.close();
    });

    test('terms counts documents per value, largest first, then by key', async () => {
      const result = agg(await aggs({ hosts: { terms: { field: 'host' } } }), 'hosts');
      assert.equal(result.doc_count_error_upper_bound, 0);
      assert.equal(result.sum_other_doc_count, 0);
      assert.deepEqual(keyCounts(result), [
        ['a', 4],
        ['b', 3],
        ['c', 3],
      ]);
    });

    test('terms honours size, order, min_doc_count and missing', async () => {
      const top = agg(await aggs({ t: { terms: { field: 'host', size: 1 } } }), 't');
      assert.deepEqual(keyCounts(top), [['a', 4]]);
      assert.equal(top.sum_other_doc_count, 6);
      assert.deepEqual(
        keyCounts(agg(await aggs({ t: { terms: { field: 'host', order: { _key: 'desc' } } } }), 't')),
        [
          ['c', 3],
          ['b', 3],
          ['a', 4],
        ],
      );
      assert.deepEqual(
        keyCounts(agg(await aggs({ t: { terms: { field: 'user.name', min_doc_count: 2 } } }), 't')),
        [
          ['alice', 3],
          ['bob', 2],
        ],
      );
      const withMissing = keyCounts(
        agg(await aggs({ t: { terms: { field: 'user.name', missing: 'anonymous', size: 10 } } }), 't'),
      );
      assert.ok(withMissing.some(([key, count]) => key === 'anonymous' && count === 1));
    });

    test('terms counts each value of a multi-valued field and returns numeric keys for numbers', async () => {
      assert.deepEqual(keyCounts(agg(await aggs({ tags: { terms: { field: 'tags' } } }), 'tags')), [
        ['api', 6],
        ['error', 3],
        ['web', 3],
        ['auth', 1],
        ['cache', 1],
      ]);
      assert.deepEqual(keyCounts(agg(await aggs({ s: { terms: { field: 'status', size: 2 } } }), 's')), [
        [200, 3],
        [201, 1],
      ]);
    });

    test('terms orders by a metric sub-aggregation', async () => {
      const result = agg(
        await aggs({
          hosts: {
            terms: { field: 'host', order: { slowest: 'desc' } },
            aggs: { slowest: { max: { field: 'latency_ms' } } },
          },
        }),
        'hosts',
      );
      assert.deepEqual(
        buckets(result).map((b) => [b.key, (b.slowest as { value: number }).value]),
        [
          ['a', 1500],
          ['b', 900.5],
          ['c', 5],
        ],
      );
    });

    test('date_histogram with fixed_interval fills empty buckets between the first and the last', async () => {
      const result = agg(
        await aggs({ h: { date_histogram: { field: '@timestamp', fixed_interval: '1h' } } }, JAN_1),
        'h',
      );
      assert.deepEqual(keyCounts(result), [
        [hour(0), 3],
        [hour(1), 2],
        [hour(2), 1],
        [hour(3), 2],
        [hour(4), 0],
        [hour(5), 1],
      ]);
      assert.equal(buckets(result)[0]!.key_as_string, '2024-01-01T00:00:00.000Z');
    });

    test('date_histogram skips empty buckets with min_doc_count 1 and extends to extended_bounds', async () => {
      const sparse = agg(
        await aggs(
          { h: { date_histogram: { field: '@timestamp', fixed_interval: '1h', min_doc_count: 1 } } },
          JAN_1,
        ),
        'h',
      );
      assert.deepEqual(
        buckets(sparse).map((b) => b.key),
        [hour(0), hour(1), hour(2), hour(3), hour(5)],
      );
      const extended = agg(
        await aggs(
          {
            h: {
              date_histogram: {
                field: '@timestamp',
                fixed_interval: '2h',
                extended_bounds: { min: '2024-01-01T00:00:00Z', max: '2024-01-01T09:00:00Z' },
              },
            },
          },
          JAN_1,
        ),
        'h',
      );
      assert.deepEqual(keyCounts(extended), [
        [hour(0), 5],
        [hour(2), 3],
        [hour(4), 1],
        [hour(6), 0],
        [hour(8), 0],
      ]);
    });

    test('date_histogram with calendar intervals and a custom format', async () => {
      const days = agg(
        await aggs({
          d: { date_histogram: { field: '@timestamp', calendar_interval: 'day', format: 'yyyy-MM-dd' } },
        }),
        'd',
      );
      assert.deepEqual(
        buckets(days).map((b) => [b.key_as_string, b.doc_count]),
        [
          ['2024-01-01', 9],
          ['2024-01-02', 1],
        ],
      );
      const months = agg(
        await aggs({ m: { date_histogram: { field: '@timestamp', calendar_interval: '1M' } } }),
        'm',
      );
      assert.deepEqual(keyCounts(months), [[Date.UTC(2024, 0, 1), 10]]);
      const weeks = agg(
        await aggs({ w: { date_histogram: { field: '@timestamp', calendar_interval: 'week' } } }),
        'w',
      );
      assert.deepEqual(keyCounts(weeks), [[Date.UTC(2024, 0, 1), 10]]);
    });

    test('histogram buckets numbers by interval', async () => {
      const result = agg(await aggs({ b: { histogram: { field: 'bytes', interval: 1000 } } }), 'b');
      assert.deepEqual(keyCounts(result), [
        [0, 7],
        [1000, 2],
        [2000, 1],
      ]);
    });

    test('range buckets by from (inclusive) and to (exclusive), keyed on request', async () => {
      const result = agg(
        await aggs({
          r: { range: { field: 'status', ranges: [{ to: 300 }, { from: 300, to: 500 }, { from: 500 }] } },
        }),
        'r',
      );
      assert.deepEqual(buckets(result), [
        { key: '*-300.0', to: 300, doc_count: 5 },
        { key: '300.0-500.0', from: 300, to: 500, doc_count: 3 },
        { key: '500.0-*', from: 500, doc_count: 2 },
      ]);
      const keyed = agg(
        await aggs({
          r: {
            range: {
              field: 'bytes',
              keyed: true,
              ranges: [
                { key: 'small', to: 500 },
                { key: 'large', from: 500 },
              ],
            },
          },
        }),
        'r',
      );
      assert.deepEqual(keyed.buckets, {
        small: { to: 500, doc_count: 6 },
        large: { from: 500, doc_count: 4 },
      });
    });

    test('avg, sum, min, max, value_count, cardinality and stats', async () => {
      const response = await aggs({
        avg: { avg: { field: 'bytes' } },
        sum: { sum: { field: 'bytes' } },
        min: { min: { field: 'bytes' } },
        max: { max: { field: 'bytes' } },
        count: { value_count: { field: 'latency_ms' } },
        hosts: { cardinality: { field: 'host' } },
        stats: { stats: { field: 'status' } },
      });
      assert.equal(agg(response, 'avg').value, 597);
      assert.equal(agg(response, 'sum').value, 5970);
      assert.equal(agg(response, 'min').value, 0);
      assert.equal(agg(response, 'max').value, 2500);
      assert.equal(agg(response, 'count').value, 9);
      assert.equal(agg(response, 'hosts').value, 3);
      assert.deepEqual(agg(response, 'stats'), { count: 10, min: 200, max: 503, avg: 311.7, sum: 3117 });
    });

    test('metrics over no documents answer null (sum answers 0)', async () => {
      const response = await aggs(
        {
          avg: { avg: { field: 'bytes' } },
          sum: { sum: { field: 'bytes' } },
          max: { max: { field: 'bytes' } },
          stats: { stats: { field: 'bytes' } },
        },
        { term: { host: 'nobody' } },
      );
      assert.equal(agg(response, 'avg').value, null);
      assert.equal(agg(response, 'sum').value, 0);
      assert.equal(agg(response, 'max').value, null);
      assert.deepEqual(agg(response, 'stats'), { count: 0, min: null, max: null, avg: null, sum: 0 });
    });

    test('min and max on a date field add value_as_string', async () => {
      const response = await aggs({
        first: { min: { field: '@timestamp' } },
        last: { max: { field: '@timestamp' } },
      });
      assert.equal(agg(response, 'first').value, Date.UTC(2024, 0, 1, 0, 5));
      assert.equal(agg(response, 'first').value_as_string, '2024-01-01T00:05:00.000Z');
      assert.equal(agg(response, 'last').value_as_string, '2024-01-02T00:00:00.000Z');
    });

    test('percentiles returns the default percents keyed by their decimal form', async () => {
      const defaults = agg(await aggs({ p: { percentiles: { field: 'latency_ms' } } }), 'p');
      const values = defaults.values as Record<string, number>;
      assert.deepEqual(Object.keys(values), ['1.0', '5.0', '25.0', '50.0', '75.0', '95.0', '99.0']);
      assert.equal(values['50.0'], 40);
      assert.ok(values['1.0']! >= 2 && values['99.0']! <= 1500 && values['25.0']! <= values['75.0']!);
      const median = agg(await aggs({ p: { percentiles: { field: 'latency_ms', percents: [50] } } }), 'p');
      assert.deepEqual(median.values, { '50.0': 40 });
    });

    test('top_hits returns the best documents of each bucket with sort and _source filtering', async () => {
      const result = agg(
        await aggs({
          hosts: {
            terms: { field: 'host' },
            aggs: {
              latest: {
                top_hits: { size: 1, sort: [{ '@timestamp': 'desc' }], _source: { includes: ['path'] } },
              },
            },
          },
        }),
        'hosts',
      );
      const latest = buckets(result).map((b) => {
        const top = (
          b.latest as { hits: { total: { value: number }; hits: { _id: string; _source: unknown }[] } }
        ).hits;
        return [b.key, top.total.value, top.hits[0]!._id, top.hits[0]!._source];
      });
      assert.deepEqual(latest, [
        ['a', 4, '9', { path: '/api/orders' }],
        ['b', 3, '8', { path: '/api/orders' }],
        ['c', 3, '10', { path: '/index.html' }],
      ]);
    });

    test('sub-aggregations nest to any depth and respect the query', async () => {
      const result = agg(
        await aggs(
          {
            hosts: {
              terms: { field: 'host' },
              aggs: {
                days: {
                  date_histogram: { field: '@timestamp', calendar_interval: 'day' },
                  aggs: {
                    methods: { terms: { field: 'method' }, aggs: { bytes: { sum: { field: 'bytes' } } } },
                  },
                },
              },
            },
          },
          { term: { method: 'GET' } },
        ),
        'hosts',
      );
      const a = buckets(result)[0]!;
      assert.equal(a.key, 'a');
      assert.equal(a.doc_count, 3);
      const day = buckets(a.days as Record<string, unknown>)[0]!;
      assert.equal(day.doc_count, 3);
      const get = buckets(day.methods as Record<string, unknown>)[0]!;
      assert.deepEqual([get.key, get.doc_count, (get.bytes as { value: number }).value], ['GET', 3, 3600]);
    });

    test('aggregations combine with hits in the same response', async () => {
      const response = await engine.search(INDEX, {
        size: 2,
        query: { term: { host: 'c' } },
        aggs: { n: { value_count: { field: 'bytes' } } },
      });
      assert.equal(response.hits.hits.length, 2);
      assert.equal(agg(response, 'n').value, 3);
    });

    test('an unknown aggregation type is a parsing_exception naming it', async () => {
      await expectSearchError(aggs({ x: { no_such_agg: { field: 'host' } } }), {
        status: 400,
        type: 'parsing_exception',
        reason: 'Unknown aggregation type [no_such_agg]',
      });
    });

    test('a terms aggregation on a text field is refused with the fielddata error', async () => {
      await expectSearchError(aggs({ t: { terms: { field: 'message' } } }), {
        status: 400,
        type: 'search_phase_execution_exception',
        rootCauseType: 'illegal_argument_exception',
        reason: 'Text fields are not optimised',
      });
    });
  });
}
