import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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

test('a cluster URL opens the cluster adapter without contacting it or loading SQLite', async () => {
  const script = `
    import { createRequire } from 'node:module';
    const { openSearchEngine } = await import(${JSON.stringify(new URL('./open-search-engine.ts', import.meta.url).href)});
    const shared = await openSearchEngine('http://127.0.0.1:9');
    const loaded = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('better-sqlite3'));
    console.log(JSON.stringify({ kind: shared.location.kind, engine: String(shared.engine), loaded }));
    await shared.release();`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  assert.deepEqual(JSON.parse(out), {
    kind: 'cluster',
    engine: 'ClusterSearchEngine http://127.0.0.1:9 (no auth)',
    loaded: false,
  });
});
