import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BulkAction } from '../../search/bulk.js';
import { recordIdentityId } from './document-id.js';
import { DocumentEmitter, type DocumentEmitterOptions } from './emitter.js';

function emitOne<T>(
  options: Partial<DocumentEmitterOptions<T>>,
  record: T,
  timestampMs = Number.NaN,
): BulkAction[] {
  const emitter = new DocumentEmitter<T>({
    index: 'i',
    id: undefined,
    op: 'index',
    nowMs: () => 0,
    ...options,
  });
  const out: BulkAction[] = [];
  emitter.emit(
    record,
    { timestampMs, origin: 'file:/logs/a.log', position: 42 },
    { add: (a) => out.push(a) },
  );
  return out;
}

const MAR_5 = Date.UTC(2024, 2, 5, 10);

describe('document emitter', () => {
  it('derives a deterministic id from the record identity with id "record"', () => {
    const [a] = emitOne({ id: 'record' }, { n: 1 });
    const [b] = emitOne({ id: 'record' }, { n: 2 });
    const id = recordIdentityId('file:/logs/a.log', 42);
    assert.match(id, /^[A-Za-z0-9_-]{20}$/);
    assert.deepEqual(a, { index: { _index: 'i', _id: id }, document: { n: 1 } });
    assert.equal((b as { index: { _id: string } }).index._id, id, 'the identity, not the content');
    assert.notEqual(recordIdentityId('file:/logs/a.log', 43), id);
  });

  it('routes by a field and versions externally from a field or from event time', () => {
    const [byField] = emitOne(
      { id: 'id', routingField: 'user.tenant', versionType: 'external', versionField: 'seq' },
      { id: 'x', seq: '17', user: { tenant: 't9' } },
    );
    assert.deepEqual((byField as { index: unknown }).index, {
      _index: 'i',
      _id: 'x',
      routing: 't9',
      version: 17,
      version_type: 'external',
    });
    const [byTime] = emitOne({ id: 'id', versionType: 'external_gte' }, { id: 'x' }, MAR_5);
    assert.deepEqual((byTime as { index: unknown }).index, {
      _index: 'i',
      _id: 'x',
      version: MAR_5,
      version_type: 'external_gte',
    });
    assert.throws(
      () => emitOne({ id: 'id', versionType: 'external' }, { id: 'x' }),
      /external versioning from event time needs records with a timestamp/,
    );
    assert.throws(
      () => emitOne({ id: 'id', versionType: 'external', versionField: 'seq' }, { id: 'x', seq: -1 }),
      /version field "seq" must be a non-negative integer, got -1/,
    );
  });

  it('names indices from event time, falling back to processing time only without one', () => {
    const [withTime] = emitOne(
      { index: 'logs-{yyyy.MM.dd}', nowMs: () => Date.UTC(2030, 0, 1) },
      { a: 1 },
      MAR_5,
    );
    assert.equal((withTime as { index: { _index: string } }).index._index, 'logs-2024.03.05');
    const [without] = emitOne({ index: 'logs-{yyyy.MM.dd}', nowMs: () => Date.UTC(2030, 0, 1) }, { a: 1 });
    assert.equal((without as { index: { _index: string } }).index._index, 'logs-2030.01.01');
  });

  it('writes a data stream with create and fills @timestamp from event time', () => {
    const [action] = emitOne({ index: 'logs-web', dataStream: true }, { msg: 'hi' }, MAR_5);
    assert.deepEqual(action, {
      create: { _index: 'logs-web' },
      document: { '@timestamp': '2024-03-05T10:00:00.000Z', msg: 'hi' },
    });
    const [kept] = emitOne({ index: 'logs-web', dataStream: true }, { '@timestamp': 'x' }, MAR_5);
    assert.deepEqual((kept as { document: unknown }).document, { '@timestamp': 'x' });
  });

  it('passes retry_on_conflict on updates and refuses option mixes Elasticsearch refuses', () => {
    const [update] = emitOne({ id: 'id', op: 'upsert', retryOnConflict: 3 }, { id: 'u' });
    assert.deepEqual(update, {
      update: { _index: 'i', _id: 'u', retry_on_conflict: 3 },
      body: { doc: { id: 'u' }, doc_as_upsert: true },
    });
    assert.throws(
      () => emitOne({ id: 'id', op: 'update', versionType: 'external' }, {}),
      /external versioning works with op "index" or "delete"/,
    );
    assert.throws(
      () => emitOne({ op: 'delete', dataStream: true }, {}),
      /a data stream only takes op "create"/,
    );
    assert.throws(() => emitOne({ versionField: 'v' }, {}), /versionField needs versionType/);
  });
});
