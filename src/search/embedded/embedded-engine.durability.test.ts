import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { EmbeddedSearchEngine } from './embedded-engine.js';

test('documents, mappings, deletes and versions survive closing and reopening the data directory', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-durability-'));
  try {
    const first = await EmbeddedSearchEngine.open({ dataDir });
    await first.createIndex('kept', {
      mappings: { properties: { status: { type: 'integer' } } },
      settings: { max_result_window: 50 },
    });
    await first.bulk([
      { index: { _index: 'kept', _id: 'a' }, document: { status: 200, message: 'first document' } },
      {
        index: { _index: 'kept', _id: 'b' },
        document: { status: 500, message: 'second document', extra: { nested: true } },
      },
      { index: { _index: 'kept', _id: 'c' }, document: { status: 404, message: 'third document' } },
      { update: { _index: 'kept', _id: 'a' }, body: { doc: { message: 'first document, edited' } } },
      { delete: { _index: 'kept', _id: 'c' } },
      { index: { _index: 'other', _id: '1' }, document: { v: 1 } },
    ]);
    const mappingBefore = await first.getMapping('kept');
    await first.close();

    const second = await EmbeddedSearchEngine.open({ dataDir });
    assert.deepEqual(await second.getMapping('kept'), mappingBefore);
    const all = await second.search('kept', { sort: [{ status: 'asc' }] });
    assert.deepEqual(
      all.hits.hits.map((h) => [h._id, h._source]),
      [
        ['a', { status: 200, message: 'first document, edited' }],
        ['b', { status: 500, message: 'second document', extra: { nested: true } }],
      ],
    );
    assert.equal(
      (await second.search('kept', { query: { match: { message: 'edited' } } })).hits.total?.value,
      1,
    );
    assert.equal(
      (await second.search('kept', { query: { term: { 'extra.nested': true } } })).hits.total?.value,
      1,
    );
    const a = await second.get('kept', 'a');
    assert.ok(a.found);
    assert.equal(a._version, 2);
    const reindexed = await second.bulk([{ index: { _index: 'kept', _id: 'c' }, document: { status: 201 } }]);
    assert.equal(
      Object.values(reindexed.items[0]!)[0]?._version,
      3,
      'a re-indexed id continues after its delete tombstone',
    );
    await assert.rejects(second.search('kept', { from: 45, size: 10 }), /Result window is too large/);
    assert.deepEqual(
      (await second.listIndices()).map((r) => r.index),
      ['kept', 'other'],
    );
    await second.close();
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a closed engine refuses further calls', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-closed-'));
  try {
    const engine = await EmbeddedSearchEngine.open({ dataDir });
    await engine.close();
    await assert.rejects(engine.search('_all', {}), /closed/);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a bulk that fails half-way rolls back entirely: nothing of it is stored or searchable', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-rollback-'));
  const engine = await EmbeddedSearchEngine.open({ dataDir });
  try {
    await engine.bulk([{ index: { _index: 'logs', _id: 'kept' }, document: { n: 0, word: 'kept' } }]);
    // Enough documents that the writer already handed several chunks to the replica when the
    // last one throws (not a per-item error: a getter that fails aborts the whole bulk).
    const good = Array.from({ length: 2000 }, (_, i) => ({
      index: { _index: 'logs', _id: `doc-${i}` },
      document: { n: i + 1, word: 'lost', added: 'new field' },
    }));
    const bad = {
      index: { _index: 'logs', _id: 'bad' },
      document: {
        get boom(): never {
          throw new Error('a getter that fails');
        },
      },
    };
    await assert.rejects(engine.bulk([...good, bad], { refresh: true }), /a getter that fails/);
    await engine.refresh('logs');
    assert.equal((await engine.count('logs')).count, 1);
    assert.equal((await engine.search('logs', { query: { match: { word: 'lost' } } })).hits.total?.value, 0);
    assert.deepEqual(Object.keys((await engine.getMapping('logs')).logs!.mappings.properties ?? {}).sort(), [
      'n',
      'word',
    ]);
    // The next bulk is indexed normally, with versions as if the failed one never happened.
    const next = await engine.bulk(good.slice(0, 3), { refresh: true });
    assert.equal(next.errors, false);
    assert.deepEqual(
      next.items.map((i) => [i.index?._version, i.index?.result]),
      [
        [1, 'created'],
        [1, 'created'],
        [1, 'created'],
      ],
    );
    assert.equal((await engine.count('logs')).count, 4);
    assert.equal((await engine.search('logs', { query: { match: { word: 'lost' } } })).hits.total?.value, 3);
  } finally {
    await engine.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
