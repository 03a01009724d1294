import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bulkRequestBody, serializeBulkAction } from './bulk-ndjson.js';

test('each op serializes as its action line and, except delete, its source line', () => {
  assert.equal(
    serializeBulkAction({ index: { _index: 'a', _id: '1', routing: 'r' }, document: { x: 1 } }),
    '{"index":{"_index":"a","_id":"1","routing":"r"}}\n{"x":1}\n',
  );
  assert.equal(
    serializeBulkAction({
      update: { _index: 'a', _id: '1', retry_on_conflict: 2 },
      body: { doc: { x: 2 }, doc_as_upsert: true },
    }),
    '{"update":{"_index":"a","_id":"1","retry_on_conflict":2}}\n{"doc":{"x":2},"doc_as_upsert":true}\n',
  );
  assert.equal(
    serializeBulkAction({ delete: { _index: 'a', _id: '1' } }),
    '{"delete":{"_index":"a","_id":"1"}}\n',
  );
});

test("a request body uses the caller's texts when given and refuses a miscount", () => {
  const actions = [{ create: { _index: 'a', _id: '1' }, document: { x: 1 } }] as const;
  assert.equal(bulkRequestBody(actions, ['given\n']), 'given\n');
  assert.equal(bulkRequestBody(actions), '{"create":{"_index":"a","_id":"1"}}\n{"x":1}\n');
  assert.throws(() => bulkRequestBody(actions, []), /0 serialized texts for 1 actions/);
});
