import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ManualClock } from '../../time/manual-clock.js';
import type { SearchRequest } from '../search-request.js';
import { EmbeddedSearchEngine } from './embedded-engine.js';
import { EmbeddedReader } from './embedded-reader.js';

/** Every entry of `dir` with its size and modification time, to compare before and after. */
function listing(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .sort()
    .map((name) => {
      const stat = fs.statSync(path.join(dir, name), { bigint: true });
      return `${name} ${stat.size} ${stat.mtimeNs}`;
    });
}

async function writeFixture(dataDir: string): Promise<void> {
  const engine = await EmbeddedSearchEngine.open({ dataDir });
  await engine.createIndex('logs-b', { mappings: { properties: { status: { type: 'integer' } } } });
  await engine.bulk(
    Array.from({ length: 60 }, (_, i) => ({
      index: { _index: i % 3 === 0 ? 'logs-a' : 'logs-b', _id: String(i) },
      document: { status: i % 2 === 0 ? 200 : 500, path: `/p/${i % 5}`, note: `entry ${i} résumé` },
    })),
  );
  // An overwrite, a delete and an update: the reader must count live documents only.
  await engine.bulk([
    { index: { _index: 'logs-a', _id: '0' }, document: { status: 404, path: '/again', note: 'again' } },
    { delete: { _index: 'logs-b', _id: '1' } },
    { update: { _index: 'logs-b', _id: '2' }, body: { doc: { path: '/updated' } } },
  ]);
  await engine.createIndex('empty');
  await engine.close();
}

const REQUESTS: readonly [string, SearchRequest][] = [
  ['logs-*', { query: { query_string: { query: 'status:500 AND path:\\/p\\/3' } }, sort: ['_id'] }],
  ['logs-a', { size: 100, sort: [{ status: 'desc' }, '_id'] }],
  ['logs-b,logs-a', { size: 0, aggs: { by_path: { terms: { field: 'path.keyword', size: 10 } } } }],
  ['logs-b', { query: { match: { note: 'résumé' } }, size: 3 }],
];

describe('EmbeddedReader', () => {
  let dataDir: string;
  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-reader-'));
    await writeFixture(dataDir);
  });
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  test('reads a directory nobody has open without writing or creating anything in it', async () => {
    const before = listing(dataDir);
    assert.deepEqual(
      before.map((entry) => entry.split(' ')[0]),
      ['search.db'],
      'a closed engine leaves only the database',
    );
    const reader = EmbeddedReader.open({ dataDir });
    assert.equal(reader.mode, 'immutable');
    assert.equal((await reader.listIndices()).length, 3);
    assert.equal((await reader.search('logs-*', { size: 1 })).hits.total?.value, 59);
    assert.equal((await reader.count('logs-b')).count, 39);
    await reader.close();
    assert.deepEqual(listing(dataDir), before);
  });

  test('answers searches and counts exactly as the engine does after opening the directory', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const reader = EmbeddedReader.open({ dataDir, clock });
    const answers = [];
    for (const [pattern, body] of REQUESTS) answers.push(await reader.search(pattern, body));
    const readerRows = await reader.listIndices();
    await reader.close();

    const engine = await EmbeddedSearchEngine.open({ dataDir, clock });
    try {
      for (const [i, [pattern, body]] of REQUESTS.entries()) {
        const expected = await engine.search(pattern, body);
        assert.deepEqual(
          { ...answers[i], took: 0 },
          { ...expected, took: 0 },
          `${pattern} ${JSON.stringify(body)}`,
        );
      }
      assert.deepEqual(readerRows, await engine.listIndices());
      const second = EmbeddedReader.open({ dataDir }); // a WAL reader now: the engine has it open
      assert.equal(second.mode, 'wal-reader');
      assert.deepEqual(await second.listIndices('logs-a'), await engine.listIndices('logs-a'));
      await second.close();
    } finally {
      await engine.close();
    }
  });

  test('builds only the indices a request targets', async () => {
    const reader = EmbeddedReader.open({ dataDir });
    try {
      await reader.listIndices();
      assert.deepEqual(reader.builtIndices, [], 'listing indices builds none');
      await reader.search('logs-a', {});
      assert.deepEqual(reader.builtIndices, ['logs-a']);
      await reader.search('logs-*,-logs-a', {});
      assert.deepEqual(reader.builtIndices, ['logs-a', 'logs-b']);
    } finally {
      await reader.close();
    }
  });

  test('answers index_not_found for a missing concrete index and nothing for an unmatched wildcard', async () => {
    const reader = EmbeddedReader.open({ dataDir });
    try {
      await assert.rejects(reader.search('nope', {}), /no such index \[nope\]/);
      assert.equal((await reader.search('nope-*', {})).hits.total?.value, 0);
      assert.deepEqual(await reader.listIndices('nope-*'), []);
    } finally {
      await reader.close();
    }
  });

  test('refuses a directory without a database instead of creating one', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-reader-empty-'));
    try {
      assert.throws(() => EmbeddedReader.open({ dataDir: empty }), /no database at/);
      assert.deepEqual(fs.readdirSync(empty), []);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

test('a reader opened before a writer answers from a new connection once the writer has written', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-reader-writer-'));
  const first = await EmbeddedSearchEngine.open({ dataDir });
  await first.bulk([{ index: { _index: 'live', _id: 'old' }, document: { n: 1 } }]);
  await first.close();
  const reader = EmbeddedReader.open({ dataDir });
  const writer = await EmbeddedSearchEngine.open({ dataDir });
  try {
    assert.equal(reader.mode, 'immutable');
    assert.equal((await reader.search('live', {})).hits.total?.value, 1);
    assert.equal(reader.mode, 'wal-reader', 'the writer made a WAL: the immutable read was redone');
    await writer.bulk([{ index: { _index: 'live', _id: 'new' }, document: { n: 2 } }]);
    const answer = await reader.search('live', { sort: ['_id'] });
    assert.deepEqual(
      answer.hits.hits.map((h) => h._id),
      ['new', 'old'],
    );
    await writer.bulk([{ delete: { _index: 'live', _id: 'old' } }]);
    assert.equal((await reader.count('live')).count, 1, 'a later commit rebuilds the index');
  } finally {
    await reader.close();
    await writer.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
