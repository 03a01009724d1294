import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SearchEngineError } from '../../search-engine-error.js';
import { EmbeddedSearchEngine } from '../embedded-engine.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('wildcard queries on the engine (the reproduced cases)', () => {
  it('answers *****Q, ******Q and a*a*a*a*a*b on a 111-character value, then serves _search, _count and _cat', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-wildcard-'));
    dirs.push(dir);
    // The worker replica, as `sluice serve` runs it: a hung search would block every later request.
    const engine = await EmbeddedSearchEngine.open({ dataDir: dir });
    const value = 'a'.repeat(111);
    await engine.bulk(
      [
        { index: { _index: 'logs', _id: '1' }, document: { v: value, msg: value } },
        { index: { _index: 'logs', _id: '2' }, document: { v: `${value}Q`, msg: `${value}b` } },
      ],
      { refresh: true },
    );
    const ids = async (query: unknown) =>
      (await engine.search('logs', { query })).hits.hits.map((h) => h._id).sort();
    for (const pattern of ['*****Q', '******Q']) {
      assert.deepEqual(await ids({ wildcard: { 'v.keyword': pattern } }), ['2']);
      assert.deepEqual(await ids({ query_string: { query: `v.keyword:${pattern}` } }), ['2']);
    }
    assert.deepEqual(await ids({ wildcard: { 'msg.keyword': 'a*a*a*a*a*b' } }), ['2']);
    assert.deepEqual(await ids({ query_string: { query: 'msg:a*a*a*a*a*b' } }), ['2']);
    assert.deepEqual(await ids({ wildcard: { msg: 'a*a*a*a*a*a*a*a*a*a*a*c' } }), []);
    assert.equal((await engine.search('logs', {})).hits.hits.length, 2);
    assert.equal((await engine.count('logs')).count, 2);
    assert.equal((await engine.listIndices())[0]?.['docs.count'], '2');
    await engine.close();
  });

  it('refuses a wildcard pattern past 1,000 characters with a 400', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-wildcard-'));
    dirs.push(dir);
    const engine = await EmbeddedSearchEngine.open({ dataDir: dir, replica: 'inline' });
    await engine.bulk([{ index: { _index: 'logs', _id: '1' }, document: { v: 'x' } }], { refresh: true });
    await assert.rejects(
      engine.search('logs', { query: { wildcard: { 'v.keyword': 'a*'.repeat(600) } } }),
      (e: unknown) =>
        e instanceof SearchEngineError && e.status === 400 && /input automaton is too large/.test(e.message),
    );
    await engine.close();
  });
});
