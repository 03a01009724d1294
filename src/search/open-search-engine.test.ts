import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openSearchEngine } from './open-search-engine.js';

test('opening one location twice at once gives one shared engine, closed with the last release', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-open-'));
  try {
    const [a, b] = await Promise.all([openSearchEngine(`embedded:${dir}`), openSearchEngine(dir)]);
    assert.equal(a.engine, b.engine);
    await a.release();
    await a.engine.bulk([{ index: { _index: 'still', _id: '1' }, document: { open: true } }], {
      refresh: true,
    });
    await b.release();
    await assert.rejects(a.engine.count('still'), /closed/);
    const c = await openSearchEngine(dir);
    assert.notEqual(c.engine, a.engine, 'a fresh engine after the last release');
    assert.equal((await c.engine.count('still')).count, 1);
    await c.release();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('cluster URLs are refused with a message that says what to use instead', async () => {
  await assert.rejects(
    openSearchEngine('http://localhost:9200'),
    /not available in this version yet.*embedded:/,
  );
});
