/** Bulk semantics: op types, per-item failures, versions, auto-creation; get and mget. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BulkItemResult, BulkResponse } from '../bulk.js';
import type { SearchEngine } from '../search-engine.js';
import { SearchEngineError } from '../search-engine-error.js';
import { type ConformanceTarget, dropIndex, expectSearchError, seedIndex } from './conformance-helpers.js';

function item(response: BulkResponse, i: number): BulkItemResult {
  const entry = response.items[i];
  assert.ok(entry !== undefined, `no item ${i}`);
  const result = Object.values(entry)[0];
  assert.ok(result !== undefined);
  return result;
}

export function describeBulkConformance(target: ConformanceTarget): void {
  const { open } = target;
  const INDEX = target.index('conformance-bulk');
  const AUTO = target.index('conformance-bulk-auto');
  describe('bulk, get and mget', () => {
    let engine: SearchEngine;
    before(async () => {
      engine = await open();
      await dropIndex(engine, AUTO);
      await seedIndex(
        engine,
        INDEX,
        {
          settings: { number_of_replicas: 0 },
          mappings: {
            properties: { status: { type: 'integer' }, name: { type: 'keyword' }, n: { type: 'long' } },
          },
        },
        { seed: { name: 'seed', status: 200, n: 1, nested: { a: 1 } } },
      );
    });
    after(async () => {
      await dropIndex(engine, INDEX);
      await dropIndex(engine, AUTO);
      await engine.close();
    });

    test('index creates then overwrites a document and reports result, status and version', async () => {
      const first = await engine.bulk(
        [{ index: { _index: INDEX, _id: 'd1' }, document: { name: 'one', n: 1 } }],
        { refresh: true },
      );
      assert.equal(first.errors, false);
      assert.equal(typeof first.took, 'number');
      assert.deepEqual(Object.keys(first.items[0]!), ['index']);
      const created = item(first, 0);
      assert.deepEqual(
        [created._index, created._id, created.result, created.status, created._version],
        [INDEX, 'd1', 'created', 201, 1],
      );
      const second = item(
        await engine.bulk([{ index: { _index: INDEX, _id: 'd1' }, document: { name: 'uno' } }], {
          refresh: true,
        }),
        0,
      );
      assert.deepEqual([second.result, second.status, second._version], ['updated', 200, 2]);
      const got = await engine.get(INDEX, 'd1');
      assert.ok(got.found);
      assert.deepEqual(got._source, { name: 'uno' });
      assert.equal(got._version, 2);
    });

    test('index without an _id generates one', async () => {
      const response = await engine.bulk([{ index: { _index: INDEX }, document: { name: 'anonymous' } }], {
        refresh: true,
      });
      const result = item(response, 0);
      assert.equal(result.status, 201);
      assert.ok(typeof result._id === 'string' && result._id.length > 0);
      const got = await engine.get(INDEX, result._id);
      assert.ok(got.found);
    });

    test('create on an existing id fails with a 409 version conflict while the other items succeed', async () => {
      const response = await engine.bulk(
        [
          { create: { _index: INDEX, _id: 'seed' }, document: { name: 'dup' } },
          { create: { _index: INDEX, _id: 'fresh' }, document: { name: 'fresh' } },
        ],
        { refresh: true },
      );
      assert.equal(response.errors, true);
      const conflict = item(response, 0);
      assert.equal(conflict.status, 409);
      assert.equal(conflict.error?.type, 'version_conflict_engine_exception');
      assert.ok(conflict.error?.reason.includes('[seed]: version conflict, document already exists'));
      assert.equal(item(response, 1).status, 201);
      assert.deepEqual(Object.keys(response.items[1]!), ['create']);
      const seed = await engine.get(INDEX, 'seed');
      assert.ok(seed.found && seed._source.name === 'seed');
    });

    test('update merges a partial document deeply, and reports noop when nothing changes', async () => {
      await engine.bulk(
        [
          {
            index: { _index: INDEX, _id: 'u1' },
            document: { name: 'u', nested: { a: 1, b: 2 }, list: [1, 2] },
          },
        ],
        { refresh: true },
      );
      const updated = item(
        await engine.bulk(
          [{ update: { _index: INDEX, _id: 'u1' }, body: { doc: { nested: { b: 3 }, list: [9] } } }],
          { refresh: true },
        ),
        0,
      );
      assert.deepEqual([updated.result, updated.status, updated._version], ['updated', 200, 2]);
      const got = await engine.get(INDEX, 'u1');
      assert.ok(got.found);
      assert.deepEqual(got._source, { name: 'u', nested: { a: 1, b: 3 }, list: [9] });
      const noop = item(
        await engine.bulk([{ update: { _index: INDEX, _id: 'u1' }, body: { doc: { name: 'u' } } }], {
          refresh: true,
        }),
        0,
      );
      assert.deepEqual([noop.result, noop.status, noop._version], ['noop', 200, 2]);
    });

    test('update of a missing document fails with document_missing_exception unless it upserts', async () => {
      const response = await engine.bulk(
        [
          { update: { _index: INDEX, _id: 'missing' }, body: { doc: { name: 'x' } } },
          {
            update: { _index: INDEX, _id: 'as-upsert' },
            body: { doc: { name: 'from doc' }, doc_as_upsert: true },
          },
          {
            update: { _index: INDEX, _id: 'with-upsert' },
            body: { doc: { name: 'from doc' }, upsert: { name: 'from upsert' } },
          },
        ],
        { refresh: true },
      );
      assert.equal(response.errors, true);
      const missing = item(response, 0);
      assert.equal(missing.status, 404);
      assert.equal(missing.error?.type, 'document_missing_exception');
      assert.deepEqual([item(response, 1).result, item(response, 1).status], ['created', 201]);
      assert.deepEqual([item(response, 2).result, item(response, 2).status], ['created', 201]);
      const upserted = await engine.get(INDEX, 'with-upsert');
      assert.ok(upserted.found && upserted._source.name === 'from upsert');
      const asUpsert = await engine.get(INDEX, 'as-upsert');
      assert.ok(asUpsert.found && asUpsert._source.name === 'from doc');
      const updatedAgain = item(
        await engine.bulk([
          {
            update: { _index: INDEX, _id: 'with-upsert' },
            body: { doc: { name: 'from doc' }, upsert: { name: 'ignored' } },
          },
        ]),
        0,
      );
      assert.equal(updatedAgain.result, 'updated');
    });

    test('delete removes a document, and deleting a missing one is a not_found result, not an error', async () => {
      await engine.bulk([{ index: { _index: INDEX, _id: 'del' }, document: { name: 'del' } }], {
        refresh: true,
      });
      const response = await engine.bulk(
        [{ delete: { _index: INDEX, _id: 'del' } }, { delete: { _index: INDEX, _id: 'never-existed' } }],
        { refresh: true },
      );
      assert.equal(response.errors, false);
      assert.deepEqual([item(response, 0).result, item(response, 0).status], ['deleted', 200]);
      assert.deepEqual([item(response, 1).result, item(response, 1).status], ['not_found', 404]);
      assert.equal((await engine.get(INDEX, 'del')).found, false);
      assert.equal(
        (await engine.search(INDEX, { query: { ids: { values: ['del'] } } })).hits.total?.value,
        0,
      );
    });

    test('a document that conflicts with the mapping fails alone with mapper_parsing_exception', async () => {
      const response = await engine.bulk(
        [
          { index: { _index: INDEX, _id: 'ok1' }, document: { status: 201 } },
          { index: { _index: INDEX, _id: 'bad-number' }, document: { status: 'abc' } },
          { index: { _index: INDEX, _id: 'bad-object' }, document: { name: { first: 'x' } } },
          { index: { _index: INDEX, _id: 'coerced' }, document: { status: '404' } },
        ],
        { refresh: true },
      );
      assert.equal(response.errors, true);
      assert.equal(item(response, 0).status, 201);
      for (const i of [1, 2]) {
        assert.equal(item(response, i).status, 400);
        assert.equal(item(response, i).error?.type, 'mapper_parsing_exception');
      }
      assert.ok(item(response, 1).error?.reason.includes('failed to parse field [status] of type [integer]'));
      assert.equal(item(response, 3).status, 201);
      assert.equal((await engine.get(INDEX, 'bad-number')).found, false);
      const coerced = await engine.search(INDEX, { query: { term: { status: 404 } } });
      assert.deepEqual(
        coerced.hits.hits.map((h) => [h._id, h._source]),
        [['coerced', { status: '404' }]],
      );
    });

    test('writing to a missing index creates it with a dynamic mapping', async () => {
      const response = await engine.bulk(
        [{ index: { _index: AUTO, _id: '1' }, document: { greeting: 'hello world', count: 3 } }],
        { refresh: true },
      );
      assert.equal(response.errors, false);
      assert.equal(await engine.indexExists(AUTO), true);
      const mapping = await engine.getMapping(AUTO);
      const properties = mapping[AUTO]?.mappings.properties;
      assert.equal(properties?.greeting?.type, 'text');
      assert.equal(properties?.count?.type, 'long');
      assert.equal(
        (await engine.search(AUTO, { query: { match: { greeting: 'world' } } })).hits.total?.value,
        1,
      );
    });

    test('external versions: an older or equal version is a 409 version conflict, external_gte takes an equal one', async () => {
      const write = async (version: number, type: 'external' | 'external_gte', name: string) =>
        item(
          await engine.bulk(
            [{ index: { _index: INDEX, _id: 'ext', version, version_type: type }, document: { name } }],
            { refresh: true },
          ),
          0,
        );
      const first = await write(5, 'external', 'five');
      assert.deepEqual([first.status, first.result, first._version], [201, 'created', 5]);
      const older = await write(3, 'external', 'three');
      assert.equal(older.status, 409);
      assert.equal(older.error?.type, 'version_conflict_engine_exception');
      assert.ok(
        older.error?.reason.includes(
          '[ext]: version conflict, current version [5] is higher or equal to the one provided [3]',
        ),
      );
      assert.equal((await write(5, 'external', 'five again')).status, 409);
      const equal = await write(5, 'external_gte', 'five gte');
      assert.deepEqual([equal.status, equal.result, equal._version], [200, 'updated', 5]);
      const newer = await write(7, 'external', 'seven');
      assert.deepEqual([newer.status, newer._version], [200, 7]);
      const got = await engine.get(INDEX, 'ext');
      assert.ok(got.found);
      assert.deepEqual([got._source.name, got._version], ['seven', 7]);
    });

    test('a delete with an older external version is a 409 and keeps the document; a newer one deletes it', async () => {
      await engine.bulk(
        [
          {
            index: { _index: INDEX, _id: 'ext-del', version: 10, version_type: 'external' },
            document: { name: 'x' },
          },
        ],
        { refresh: true },
      );
      const older = item(
        await engine.bulk(
          [{ delete: { _index: INDEX, _id: 'ext-del', version: 9, version_type: 'external' } }],
          {
            refresh: true,
          },
        ),
        0,
      );
      assert.deepEqual([older.status, older.error?.type], [409, 'version_conflict_engine_exception']);
      assert.equal((await engine.get(INDEX, 'ext-del')).found, true);
      const newer = item(
        await engine.bulk(
          [{ delete: { _index: INDEX, _id: 'ext-del', version: 11, version_type: 'external' } }],
          {
            refresh: true,
          },
        ),
        0,
      );
      assert.deepEqual([newer.status, newer.result, newer._version], [200, 'deleted', 11]);
      assert.equal((await engine.get(INDEX, 'ext-del')).found, false);
    });

    test('if_seq_no and if_primary_term write only over the document at that sequence number', async () => {
      await engine.bulk([{ index: { _index: INDEX, _id: 'cas' }, document: { name: 'v1' } }], {
        refresh: true,
      });
      const stored = await engine.get(INDEX, 'cas');
      assert.ok(
        stored.found && typeof stored._seq_no === 'number' && typeof stored._primary_term === 'number',
      );
      const cas = {
        _index: INDEX,
        _id: 'cas',
        if_seq_no: stored._seq_no,
        if_primary_term: stored._primary_term,
      };
      const won = item(await engine.bulk([{ index: cas, document: { name: 'v2' } }], { refresh: true }), 0);
      assert.deepEqual([won.status, won.result], [200, 'updated']);
      const lost = item(await engine.bulk([{ index: cas, document: { name: 'v3' } }], { refresh: true }), 0);
      assert.equal(lost.status, 409);
      assert.equal(lost.error?.type, 'version_conflict_engine_exception');
      assert.ok(lost.error?.reason.includes(`required seqNo [${stored._seq_no}]`));
      const got = await engine.get(INDEX, 'cas');
      assert.ok(got.found && got._source.name === 'v2');
    });

    test('an action naming an ingest pipeline that does not exist fails alone with illegal_argument_exception', async () => {
      const actions = [
        {
          index: { _index: INDEX, _id: 'piped', pipeline: 'conformance-missing-pipeline' },
          document: { name: 'p' },
        },
        { index: { _index: INDEX, _id: 'unpiped' }, document: { name: 'u' } },
      ];
      let response: BulkResponse;
      try {
        response = await engine.bulk(actions, { refresh: true });
      } catch (e) {
        // A cluster without ingest nodes (the test clusters: node.roles without ingest) refuses
        // the whole request before looking the pipeline up; that answer is checked instead.
        assert.ok(e instanceof SearchEngineError, String(e));
        assert.deepEqual([e.status, e.type], [500, 'illegal_state_exception']);
        assert.match(e.reason, /There are no ingest nodes in this cluster/);
        return;
      }
      assert.equal(response.errors, true);
      const failed = item(response, 0);
      assert.equal(failed.status, 400);
      assert.equal(failed.error?.type, 'illegal_argument_exception');
      assert.ok(
        failed.error?.reason.includes('pipeline with id [conformance-missing-pipeline] does not exist'),
      );
      assert.equal(item(response, 1).status, 201);
      assert.equal((await engine.get(INDEX, 'piped')).found, false);
    });

    test('a routed document is written and found on a one-shard index', async () => {
      const written = item(
        await engine.bulk(
          [{ index: { _index: INDEX, _id: 'routed', routing: 'tenant-7' }, document: { name: 'r' } }],
          {
            refresh: true,
          },
        ),
        0,
      );
      assert.equal(written.status, 201);
      const found = await engine.search(INDEX, { query: { ids: { values: ['routed'] } } });
      assert.equal(found.hits.total?.value, 1);
    });

    test('an index action may carry its NDJSON serialization (BulkOptions.serialized) and is stored the same', async () => {
      const document = { name: 'serialized', n: 42 };
      const ndjson = `{"index":{"_index":"${INDEX}","_id":"ser"}}\n${JSON.stringify(document)}\n`;
      const response = await engine.bulk([{ index: { _index: INDEX, _id: 'ser' }, document }], {
        refresh: true,
        serialized: [ndjson],
      });
      assert.equal(item(response, 0).status, 201);
      const got = await engine.get(INDEX, 'ser');
      assert.ok(got.found);
      assert.deepEqual(got._source, document);
    });

    test('get and mget report found documents and missing ones', async () => {
      const missing = await engine.get(INDEX, 'nope');
      assert.deepEqual(missing, { _index: INDEX, _id: 'nope', found: false });
      const both = await engine.mget(INDEX, ['seed', 'nope']);
      assert.deepEqual(
        both.docs.map((d) => [d._id, d.found]),
        [
          ['seed', true],
          ['nope', false],
        ],
      );
      await expectSearchError(engine.get(target.index('conformance-no-such-index'), '1'), {
        status: 404,
        type: 'index_not_found_exception',
      });
    });
  });
}
