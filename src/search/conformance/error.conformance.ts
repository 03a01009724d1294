/** Malformed and unsupported requests answer with ES's error types, never with a wrong result. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SearchEngine } from '../search-engine.js';
import { type ConformanceTarget, dropIndex, expectSearchError, seedIndex } from './conformance-helpers.js';
import { WEBLOG_DOCS, WEBLOG_INDEX_OPTIONS } from './weblog-fixture.js';

export function describeErrorConformance(target: ConformanceTarget): void {
  const { open } = target;
  const INDEX = target.index('conformance-errors');
  describe('error answers', () => {
    let engine: SearchEngine;
    before(async () => {
      engine = await open();
      await seedIndex(engine, INDEX, WEBLOG_INDEX_OPTIONS, WEBLOG_DOCS);
    });
    after(async () => {
      await dropIndex(engine, INDEX);
      await engine.close();
    });

    test('an unknown query clause is a parsing_exception naming it', async () => {
      await expectSearchError(engine.search(INDEX, { query: { no_such_query: { field: 'x' } } }), {
        status: 400,
        type: 'parsing_exception',
        reason: 'unknown query [no_such_query]',
      });
    });

    test('an unknown option of a known clause is a parsing_exception naming both', async () => {
      await expectSearchError(
        engine.search(INDEX, { query: { match: { message: { query: 'x', no_such_option: 1 } } } }),
        {
          status: 400,
          type: 'parsing_exception',
          reason: '[match] query does not support [no_such_option]',
        },
      );
      // bool is parsed by an ObjectParser in ES 7.10 and OpenSearch 2/3: another error type.
      await expectSearchError(engine.search(INDEX, { query: { bool: { must: [], no_such_option: [] } } }), {
        status: 400,
        type: 'x_content_parse_exception',
        reason: '[bool] unknown field [no_such_option]',
      });
    });

    test('an unknown top-level key of the body is a parsing_exception', async () => {
      await expectSearchError(engine.search(INDEX, { no_such_key: 1 }), {
        status: 400,
        type: 'parsing_exception',
        reason: 'Unknown key for a VALUE_NUMBER in [no_such_key].',
      });
    });

    test('a query clause with several fields is refused', async () => {
      await expectSearchError(engine.search(INDEX, { query: { term: { host: 'a', method: 'GET' } } }), {
        status: 400,
        type: 'parsing_exception',
      });
    });

    test('a negative size is a 400 naming the parameter', async () => {
      // -2, not -1: Elasticsearch 7.10 still reads -1 as "not set", and answers -2 from the shards
      // ("numHits must be > 0") rather than naming the parameter; OpenSearch names it.
      const error = await expectSearchError(engine.search(INDEX, { size: -2 }), { status: 400 });
      assert.match(error.message, /\[size\] parameter cannot be negative|numHits must be > 0/);
    });

    test('search_after with the wrong number of values is refused', async () => {
      await expectSearchError(engine.search(INDEX, { sort: [{ bytes: 'asc' }], search_after: [1, 'x'] }), {
        status: 400,
        type: 'search_phase_execution_exception',
        rootCauseType: 'illegal_argument_exception',
        reason: 'search_after has 2 value(s) but sort has 1.',
      });
    });

    test('an unparseable date in a range is a 400 parse error', async () => {
      await expectSearchError(
        engine.search(INDEX, { query: { range: { '@timestamp': { gte: 'not-a-date' } } } }),
        {
          status: 400,
          type: 'search_phase_execution_exception',
          rootCauseType: 'parse_exception',
          reason: 'failed to parse date field [not-a-date]',
        },
      );
    });

    test('sorting on an unmapped field without unmapped_type is refused, with it missing values sort last', async () => {
      await expectSearchError(engine.search(INDEX, { sort: [{ no_such_field: 'asc' }] }), {
        status: 400,
        type: 'search_phase_execution_exception',
        reason: 'No mapping found for [no_such_field] in order to sort on',
      });
      const ok = await engine.search(INDEX, {
        sort: [{ no_such_field: { order: 'asc', unmapped_type: 'long' } }],
        size: 1,
      });
      if (ok.hits.hits.length !== 1) throw new Error('expected one hit');
    });

    test('sub-aggregations under a metric aggregation are refused', async () => {
      await expectSearchError(
        engine.search(INDEX, {
          size: 0,
          aggs: { a: { avg: { field: 'bytes' }, aggs: { b: { max: { field: 'bytes' } } } } },
        }),
        {
          // Elasticsearch 7.10 and OpenSearch 2/3 answer 500 (the exception has no status of its
          // own); the embedded engine answers 400, so retry logic keyed on 5xx never retries it.
          status: [400, 500],
          type: 'aggregation_initialization_exception',
          reason: 'Aggregator [a] of type [avg] cannot accept sub-aggregations',
        },
      );
    });

    test('an unknown parameter of an aggregation is refused', async () => {
      await expectSearchError(
        engine.search(INDEX, { size: 0, aggs: { t: { terms: { field: 'host', no_such_param: 1 } } } }),
        {
          status: 400,
          type: 'x_content_parse_exception',
          reason: '[terms] unknown field [no_such_param]',
        },
      );
    });
  });
}
