/** Every supported query clause, answered on the weblog fixture. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SearchEngine } from '../search-engine.js';
import type { SearchRequest } from '../search-request.js';
import { type ConformanceTarget, dropIndex, idSet, ids, seedIndex } from './conformance-helpers.js';
import { WEBLOG_DOCS, WEBLOG_INDEX_OPTIONS } from './weblog-fixture.js';

export function describeQueryConformance(target: ConformanceTarget): void {
  const { open } = target;
  const INDEX = target.index('conformance-query');
  describe('query DSL', () => {
    let engine: SearchEngine;
    const find = async (query: unknown, extra: SearchRequest = {}) =>
      engine.search(INDEX, { query, size: 20, ...extra });
    const matching = async (query: unknown) => idSet(await find(query));

    before(async () => {
      engine = await open();
      await seedIndex(engine, INDEX, WEBLOG_INDEX_OPTIONS, WEBLOG_DOCS);
    });
    after(async () => {
      await dropIndex(engine, INDEX);
      await engine.close();
    });

    test('match_all matches every document with score 1 and match_none matches nothing', async () => {
      const all = await find({ match_all: {} });
      assert.equal(all.hits.total?.value, 10);
      assert.ok(all.hits.hits.every((h) => h._score === 1));
      assert.deepEqual(await matching({ match_none: {} }), []);
    });

    test('match analyzes the text and ranks shorter fields higher for the same term', async () => {
      const response = await find({ match: { message: 'TIMEOUT' } });
      assert.deepEqual(ids(response), ['4', '9']);
      assert.ok(response.hits.hits[0]!._score! > response.hits.hits[1]!._score!);
      assert.equal(response.hits.max_score, response.hits.hits[0]!._score);
    });

    test('match uses OR by default, AND with operator and, and honours minimum_should_match', async () => {
      assert.deepEqual(await matching({ match: { message: 'timeout error' } }), ['4', '7', '9']);
      assert.deepEqual(await matching({ match: { message: { query: 'timeout error', operator: 'and' } } }), [
        '4',
        '9',
      ]);
      assert.deepEqual(
        await matching({ match: { message: { query: 'timeout error missing', minimum_should_match: 2 } } }),
        ['4', '7', '9'],
      );
      assert.deepEqual(
        await matching({
          match: { message: { query: 'timeout error missing', minimum_should_match: '100%' } },
        }),
        [],
      );
    });

    test('match ranks a document with more matching terms first', async () => {
      const response = await find({ match: { message: 'timeout unavailable' } });
      assert.deepEqual(ids(response), ['9', '4']);
    });

    test('match on a keyword field is an exact, case-sensitive term', async () => {
      assert.deepEqual(await matching({ match: { method: 'POST' } }), ['3', '8']);
      assert.deepEqual(await matching({ match: { method: 'post' } }), []);
    });

    test('match_phrase requires the terms in order and adjacent', async () => {
      assert.deepEqual(await matching({ match_phrase: { message: 'user list' } }), ['2']);
      assert.deepEqual(await matching({ match_phrase: { message: 'users upstream timeout' } }), ['4']);
      assert.deepEqual(await matching({ match_phrase: { message: 'timeout upstream' } }), []);
    });

    test('multi_match searches several fields with boosts and takes the best field', async () => {
      assert.deepEqual(await matching({ multi_match: { query: 'bob', fields: ['message', 'user.name'] } }), [
        '2',
        '8',
      ]);
      const boosted = await find({ multi_match: { query: 'bob', fields: ['message^5', 'user.name'] } });
      assert.equal(ids(boosted)[0], '8');
      assert.deepEqual(
        await matching({ multi_match: { query: 'created order', fields: ['message'], type: 'phrase' } }),
        ['8'],
      );
    });

    test('query_string supports boolean operators, fields, phrases, wildcards and ranges', async () => {
      const qs = async (query: string, extra: Record<string, unknown> = {}) =>
        matching({ query_string: { query, fields: ['message'], ...extra } });
      assert.deepEqual(await qs('timeout AND error'), ['4', '9']);
      assert.deepEqual(await qs('timeout OR missing'), ['4', '7', '9']);
      assert.deepEqual(await qs('error -unavailable'), ['4', '7']);
      assert.deepEqual(await qs('error AND NOT timeout'), ['7']);
      assert.deepEqual(await qs('(timeout OR created) AND +order*'), ['8', '9']);
      assert.deepEqual(await qs('"not found"'), ['7']);
      assert.deepEqual(await qs('unavail*'), ['9']);
      assert.deepEqual(await qs('get error', { default_operator: 'AND' }), ['4', '7', '9']);
      assert.deepEqual(await matching({ query_string: { query: 'status:404 OR status:401' } }), ['3', '7']);
      assert.deepEqual(await matching({ query_string: { query: 'status:[500 TO 599]' } }), ['4', '9']);
      assert.deepEqual(await matching({ query_string: { query: 'bytes:>=1000' } }), ['1', '2', '10']);
      assert.deepEqual(await matching({ query_string: { query: 'user.name:ca*' } }), ['3']);
      assert.deepEqual(
        await matching({ query_string: { query: 'host:c AND message:(fresh OR modified)' } }),
        ['5', '10'],
      );
      assert.deepEqual(await matching({ query_string: { query: 'timeout', default_field: 'message' } }), [
        '4',
        '9',
      ]);
    });

    test('term matches exact indexed values: analyzed tokens on text, whole values elsewhere', async () => {
      assert.deepEqual(await matching({ term: { status: 500 } }), ['4']);
      assert.deepEqual(await matching({ term: { status: '500' } }), ['4']);
      assert.deepEqual(await matching({ term: { host: { value: 'a' } } }), ['1', '2', '6', '9']);
      assert.deepEqual(await matching({ term: { message: 'timeout' } }), ['4', '9']);
      assert.deepEqual(await matching({ term: { message: 'Timeout' } }), []);
      assert.deepEqual(await matching({ term: { 'agent.keyword': 'curl/8.5.0' } }), ['5', '7', '10']);
      assert.deepEqual(await matching({ term: { tags: 'error' } }), ['4', '7', '9']);
    });

    test('terms matches any of the values', async () => {
      assert.deepEqual(await matching({ terms: { host: ['b', 'c'] } }), ['3', '4', '5', '7', '8', '10']);
      assert.deepEqual(await matching({ terms: { status: [200, 404] } }), ['1', '2', '7', '10']);
    });

    test('range filters numbers with gt, gte, lt and lte', async () => {
      assert.deepEqual(await matching({ range: { status: { gte: 400, lt: 500 } } }), ['3', '7']);
      assert.deepEqual(await matching({ range: { bytes: { gt: 1000 } } }), ['2']);
      assert.deepEqual(await matching({ range: { latency_ms: { lte: 12.5 } } }), ['1', '5', '7']);
    });

    test('range filters dates, rounding a date-only upper bound to the end of the day', async () => {
      assert.deepEqual(
        await matching({
          range: { '@timestamp': { gte: '2024-01-01T01:00:00Z', lt: '2024-01-01T03:00:00Z' } },
        }),
        ['4', '5', '6'],
      );
      assert.deepEqual(await matching({ range: { '@timestamp': { lte: '2024-01-01' } } }), [
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '7',
        '8',
        '9',
      ]);
      assert.deepEqual(await matching({ range: { '@timestamp': { gt: '2024-01-01' } } }), ['10']);
    });

    test('range accepts date math, now and epoch_millis', async () => {
      assert.deepEqual(await matching({ range: { '@timestamp': { gte: '2024-01-01T00:00:00Z||+3h' } } }), [
        '7',
        '8',
        '9',
        '10',
      ]);
      assert.deepEqual(
        await matching({
          range: { '@timestamp': { gte: '2024-01-01T05:50:00Z||/d', lt: '2024-01-01T05:50:00Z||+1d/d' } },
        }),
        ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
      );
      assert.equal((await find({ range: { '@timestamp': { lt: 'now/d' } } })).hits.total?.value, 10);
      assert.deepEqual(await matching({ range: { '@timestamp': { gte: 'now-15m' } } }), []);
      assert.deepEqual(
        await matching({
          range: {
            '@timestamp': {
              gte: Date.UTC(2024, 0, 1, 3),
              lt: Date.UTC(2024, 0, 1, 4),
              format: 'epoch_millis',
            },
          },
        }),
        ['7', '8'],
      );
    });

    test('exists matches documents with a value, including object paths', async () => {
      assert.deepEqual(await matching({ exists: { field: 'latency_ms' } }), [
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '7',
        '8',
        '9',
      ]);
      assert.deepEqual(await matching({ exists: { field: 'user' } }), [
        '1',
        '2',
        '3',
        '4',
        '6',
        '7',
        '8',
        '9',
        '10',
      ]);
      assert.deepEqual(await matching({ exists: { field: 'tags' } }), [
        '1',
        '2',
        '3',
        '4',
        '5',
        '6',
        '7',
        '8',
        '9',
      ]);
      assert.deepEqual(await matching({ exists: { field: 'no_such_field' } }), []);
    });

    test('prefix and wildcard match keyword values and text terms', async () => {
      assert.deepEqual(await matching({ prefix: { path: '/api/u' } }), ['2', '4', '6']);
      assert.deepEqual(await matching({ wildcard: { path: '/api/*s' } }), ['2', '4', '8', '9']);
      assert.deepEqual(await matching({ wildcard: { path: { value: '/?ndex.html' } } }), ['1', '10']);
      assert.deepEqual(await matching({ prefix: { message: 'unavail' } }), ['9']);
      assert.deepEqual(await matching({ wildcard: { message: 'time*t' } }), ['4', '9']);
    });

    test('ids matches documents by _id and ignores unknown ids', async () => {
      assert.deepEqual(await matching({ ids: { values: ['1', '3', '99'] } }), ['1', '3']);
    });

    test('bool combines must, filter, should and must_not', async () => {
      assert.deepEqual(
        await matching({
          bool: { must: [{ match: { message: 'error' } }], filter: [{ term: { host: 'b' } }] },
        }),
        ['4'],
      );
      assert.deepEqual(await matching({ bool: { must_not: [{ terms: { tags: ['error'] } }] } }), [
        '1',
        '2',
        '3',
        '5',
        '6',
        '8',
        '10',
      ]);
      assert.deepEqual(
        await matching({
          bool: {
            should: [
              { term: { host: 'a' } },
              { term: { method: 'GET' } },
              { range: { status: { gte: 500 } } },
            ],
            minimum_should_match: 2,
          },
        }),
        ['1', '2', '4', '9'],
      );
    });

    test('should is optional next to must or filter unless minimum_should_match is set', async () => {
      const optional = await find({
        bool: { filter: [{ term: { host: 'a' } }], should: [{ term: { status: 503 } }] },
      });
      assert.deepEqual(idSet(optional), ['1', '2', '6', '9']);
      assert.deepEqual(
        await matching({
          bool: {
            filter: [{ term: { host: 'a' } }],
            should: [{ term: { status: 503 } }],
            minimum_should_match: 1,
          },
        }),
        ['9'],
      );
      const ranked = await find({
        bool: { must: [{ term: { host: 'a' } }], should: [{ match: { message: 'timeout' } }] },
      });
      assert.equal(ids(ranked)[0], '9');
      assert.deepEqual(await matching({ bool: { should: [{ term: { host: 'zzz' } }] } }), []);
    });

    test('filter-only bool queries score zero and constant_score gives every hit its boost', async () => {
      const filtered = await find({ bool: { filter: [{ term: { host: 'c' } }] } });
      assert.equal(filtered.hits.total?.value, 3);
      assert.ok(filtered.hits.hits.every((h) => h._score === 0));
      const constant = await find({ constant_score: { filter: { term: { host: 'c' } }, boost: 2.5 } });
      assert.ok(constant.hits.hits.every((h) => h._score === 2.5));
    });

    test('queries on a field no document maps match nothing instead of failing', async () => {
      assert.deepEqual(await matching({ match: { nope: 'x' } }), []);
      assert.deepEqual(await matching({ term: { nope: 'x' } }), []);
      assert.deepEqual(await matching({ range: { nope: { gte: 1 } } }), []);
    });

    test('count counts the documents a query matches', async () => {
      assert.equal((await engine.count(INDEX)).count, 10);
      assert.equal((await engine.count(INDEX, { query: { term: { host: 'a' } } })).count, 4);
    });
  });
}
