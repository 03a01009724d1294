/** Dynamic mapping as ES infers it, explicit mappings, coercion and ignore_above. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { SearchEngine } from '../search-engine.js';
import {
  agg,
  type ConformanceTarget,
  dropIndex,
  expectSearchError,
  idSet,
  keyCounts,
} from './conformance-helpers.js';

export function describeMappingConformance(target: ConformanceTarget): void {
  const { open } = target;
  const DYNAMIC = target.index('conformance-dynamic');
  const STRICT = target.index('conformance-strict');
  describe('mappings', () => {
    let engine: SearchEngine;
    before(async () => {
      engine = await open();
      await dropIndex(engine, DYNAMIC);
      await dropIndex(engine, STRICT);
      const response = await engine.bulk(
        [
          {
            index: { _index: DYNAMIC, _id: '1' },
            document: {
              msg: 'Hello World',
              n: 5,
              f: 1.5,
              ok: true,
              at: '2024-03-01T12:00:00Z',
              day: '2024-03-01',
              obj: { inner: 'x', deeper: { level: 2 } },
              'dotted.key': 3,
              arr: [1, 2, 3],
              empty: null,
              long_text: 'y'.repeat(300),
            },
          },
          {
            index: { _index: DYNAMIC, _id: '2' },
            document: { msg: 'other', n: 7, obj: { inner: 'z' }, dotted: { key: 10 }, arr: [3, 4] },
          },
        ],
        { refresh: true },
      );
      assert.equal(response.errors, false);
    });
    after(async () => {
      await dropIndex(engine, DYNAMIC);
      await dropIndex(engine, STRICT);
      await engine.close();
    });

    test('dynamic mapping infers text with a keyword sub-field, long, float, boolean, date and objects', async () => {
      const mappings = (await engine.getMapping(DYNAMIC))[DYNAMIC]?.mappings;
      const p = mappings?.properties ?? {};
      assert.deepEqual(p.msg, { type: 'text', fields: { keyword: { type: 'keyword', ignore_above: 256 } } });
      assert.equal(p.n?.type, 'long');
      assert.equal(p.f?.type, 'float');
      assert.equal(p.ok?.type, 'boolean');
      assert.equal(p.at?.type, 'date');
      assert.equal(p.day?.type, 'date');
      assert.equal(p.arr?.type, 'long');
      assert.equal(p.obj?.properties?.inner?.type, 'text');
      assert.equal(p.obj?.properties?.deeper?.properties?.level?.type, 'long');
      assert.equal(p.dotted?.properties?.key?.type, 'long');
      assert.equal(p.empty, undefined);
    });

    test('dot paths query object fields, whether the source used dotted keys or objects', async () => {
      assert.deepEqual(
        idSet(await engine.search(DYNAMIC, { query: { range: { 'dotted.key': { gte: 3 } } } })),
        ['1', '2'],
      );
      assert.deepEqual(
        idSet(await engine.search(DYNAMIC, { query: { term: { 'obj.inner.keyword': 'z' } } })),
        ['2'],
      );
      assert.deepEqual(idSet(await engine.search(DYNAMIC, { query: { term: { 'obj.deeper.level': 2 } } })), [
        '1',
      ]);
      assert.deepEqual(idSet(await engine.search(DYNAMIC, { query: { term: { arr: 3 } } })), ['1', '2']);
    });

    test('a text field is analyzed while its keyword sub-field keeps the exact value', async () => {
      assert.deepEqual(idSet(await engine.search(DYNAMIC, { query: { match: { msg: 'hello' } } })), ['1']);
      assert.deepEqual(
        idSet(await engine.search(DYNAMIC, { query: { term: { 'msg.keyword': 'Hello World' } } })),
        ['1'],
      );
      assert.deepEqual(
        idSet(await engine.search(DYNAMIC, { query: { term: { 'msg.keyword': 'hello world' } } })),
        [],
      );
    });

    test('strings longer than ignore_above are searchable as text but not indexed in the keyword sub-field', async () => {
      assert.deepEqual(idSet(await engine.search(DYNAMIC, { query: { exists: { field: 'long_text' } } })), [
        '1',
      ]);
      const terms = agg(
        await engine.search(DYNAMIC, { size: 0, aggs: { t: { terms: { field: 'long_text.keyword' } } } }),
        't',
      );
      assert.deepEqual(keyCounts(terms), []);
    });

    test('a later document with a conflicting type for a dynamic field is rejected', async () => {
      const response = await engine.bulk(
        [{ index: { _index: DYNAMIC, _id: 'x' }, document: { n: 'not a number' } }],
        { refresh: true },
      );
      const result = Object.values(response.items[0]!)[0];
      assert.equal(result?.status, 400);
      assert.equal(result?.error?.type, 'mapper_parsing_exception');
      const date = await engine.bulk(
        [{ index: { _index: DYNAMIC, _id: 'y' }, document: { at: 'yesterday' } }],
        { refresh: true },
      );
      assert.equal(Object.values(date.items[0]!)[0]?.error?.type, 'mapper_parsing_exception');
    });

    test('dynamic strict refuses unmapped fields and explicit mappings are kept as given', async () => {
      await engine.createIndex(STRICT, {
        settings: { number_of_replicas: 0 },
        mappings: {
          dynamic: 'strict',
          properties: {
            code: { type: 'keyword' },
            when: { type: 'date', format: 'yyyy-MM-dd HH:mm:ss||epoch_millis' },
          },
        },
      });
      const response = await engine.bulk(
        [
          { index: { _index: STRICT, _id: '1' }, document: { code: 'A', when: '2024-05-01 10:00:00' } },
          { index: { _index: STRICT, _id: '2' }, document: { code: 'B', extra: 1 } },
        ],
        { refresh: true },
      );
      assert.equal(Object.values(response.items[0]!)[0]?.status, 201);
      const refused = Object.values(response.items[1]!)[0];
      assert.equal(refused?.status, 400);
      assert.equal(refused?.error?.type, 'strict_dynamic_mapping_exception');
      const mappings = (await engine.getMapping(STRICT))[STRICT]?.mappings;
      assert.equal(mappings?.dynamic, 'strict');
      assert.deepEqual(mappings?.properties?.when, {
        type: 'date',
        format: 'yyyy-MM-dd HH:mm:ss||epoch_millis',
      });
      const hits = await engine.search(STRICT, {
        query: { range: { when: { gte: '2024-05-01 09:00:00', lt: '2024-05-01 11:00:00' } } },
      });
      assert.equal(hits.hits.total?.value, 1);
    });

    test('an unknown field type in a mapping is a mapper_parsing_exception', async () => {
      await expectSearchError(
        engine.createIndex(target.index('conformance-bad-mapping'), {
          mappings: { properties: { x: { type: 'no_such_type' } } },
        }),
        {
          status: 400,
          type: 'mapper_parsing_exception',
          reason: 'No handler for type [no_such_type] declared on field [x]',
        },
      );
      assert.equal(await engine.indexExists(target.index('conformance-bad-mapping')), false);
    });
  });
}
