import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { EmbeddedSearchEngine } from '../embedded-engine.js';
import { Checkpointer } from './checkpointer.js';

const dbBytes = (dir: string) => fs.statSync(path.join(dir, 'search.db')).size;

test('bulks are copied from the WAL into the database file by the checkpointer thread', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-checkpoint-'));
  const engine = await EmbeddedSearchEngine.open({ dataDir });
  try {
    const before = dbBytes(dataDir);
    // About 1 MB: far below the writer's own safety-net checkpoint (about 40 MB of WAL).
    await engine.bulk(
      Array.from({ length: 3000 }, (_, i) => ({
        index: { _index: 'logs', _id: String(i) },
        document: { message: `line ${i} ${'x'.repeat(300)}` },
      })),
    );
    let after = dbBytes(dataDir);
    for (let waited = 0; after < before + 900_000 && waited < 10_000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
      after = dbBytes(dataDir);
    }
    assert.ok(after >= before + 900_000, `the database file grew from ${before} to ${after} bytes`);
    assert.equal((await engine.count('logs')).count, 3000);
  } finally {
    await engine.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a checkpointer whose directory is gone reports it and never creates the directory again', async () => {
  const dataDir = path.join(os.tmpdir(), `sluice-checkpoint-gone-${process.pid}`);
  const checkpointer = new Checkpointer(dataDir);
  checkpointer.request();
  for (let waited = 0; checkpointer.lastError === undefined && waited < 10_000; waited += 50)
    await new Promise((r) => setTimeout(r, 50));
  assert.match(checkpointer.lastError ?? '', /cannot open the database/);
  await checkpointer.close();
  assert.equal(fs.existsSync(dataDir), false);
});
