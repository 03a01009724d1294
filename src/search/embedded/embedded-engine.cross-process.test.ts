import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EmbeddedSearchEngine } from './embedded-engine.js';

const FIXTURE = fileURLToPath(new URL('./cross-process-reader.fixture.ts', import.meta.url));

interface Answer {
  readonly total?: number;
  readonly ids?: string[];
  readonly error?: string;
}

/**
 * Starts a reader process on `dataDir` (the engine, or EmbeddedReader with `read-only`); `ask`
 * sends one search and resolves with its answer.
 */
function startReader(dataDir: string, kind: 'engine' | 'read-only' = 'engine') {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dataDir, kind], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const answers = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async ask(pattern: string, body: Record<string, unknown>): Promise<Answer> {
      child.stdin.write(`${JSON.stringify({ pattern, body })}\n`);
      const next = await answers.next();
      if (next.done) throw new Error('reader process exited');
      return JSON.parse(next.value) as Answer;
    },
    async stop(): Promise<void> {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin.end();
      await exited;
    },
  };
}

test('a reader in another process sees documents, deletes, new fields and re-created indices as they are written', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-cross-process-'));
  const writer = await EmbeddedSearchEngine.open({ dataDir });
  const reader = startReader(dataDir);
  try {
    const index = (ids: number[], extra: Record<string, unknown> = {}) =>
      writer.bulk(
        ids.map((i) => ({
          index: { _index: 'live', _id: String(i) },
          document: { n: i, text: `event number ${i}`, ...extra },
        })),
      );
    await index([1, 2, 3]);
    assert.deepEqual(await reader.ask('live', {}), { total: 3, ids: ['1', '2', '3'] });

    await index([4, 5], { level: 'warn' });
    await writer.bulk([
      { delete: { _index: 'live', _id: '1' } },
      { update: { _index: 'live', _id: '2' }, body: { doc: { level: 'error' } } },
    ]);
    assert.deepEqual(await reader.ask('live', {}), { total: 4, ids: ['2', '3', '4', '5'] });
    assert.deepEqual(await reader.ask('live', { query: { term: { 'level.keyword': 'warn' } } }), {
      total: 2,
      ids: ['4', '5'],
    });
    assert.deepEqual(await reader.ask('live', { query: { match: { level: 'error' } } }), {
      total: 1,
      ids: ['2'],
    });

    await writer.deleteIndex('live');
    assert.match((await reader.ask('live', {})).error ?? '', /index_not_found_exception/);
    await writer.bulk([{ index: { _index: 'live', _id: 'again' }, document: { n: 'text now' } }]);
    assert.deepEqual(await reader.ask('live', { query: { match: { n: 'text' } } }), {
      total: 1,
      ids: ['again'],
    });
  } finally {
    await reader.stop();
    await writer.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a read-only reader in another process sees what a writer commits, whether it opened before or after the writer', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-cross-process-ro-'));
  const first = await EmbeddedSearchEngine.open({ dataDir });
  await first.bulk([{ index: { _index: 'live', _id: 'a' }, document: { n: 0 } }]);
  await first.close();
  // Nobody has the database open: this reader opens it immutable (no -wal, no -shm).
  const early = startReader(dataDir, 'read-only');
  let late: ReturnType<typeof startReader> | undefined;
  let writer: EmbeddedSearchEngine | undefined;
  try {
    assert.deepEqual(await early.ask('live', {}), { total: 1, ids: ['a'] });
    writer = await EmbeddedSearchEngine.open({ dataDir });
    late = startReader(dataDir, 'read-only'); // a WAL reader: the writer has the database open
    for (let i = 1; i <= 3; i++) {
      await writer.bulk(
        Array.from({ length: 500 }, (_, j) => ({
          index: { _index: 'live', _id: `${i}-${j}` },
          document: { n: i, text: `batch ${i}` },
        })),
      );
      const expected = 1 + 500 * i;
      assert.equal((await early.ask('live', {})).total, expected, `early reader after batch ${i}`);
      assert.equal((await late.ask('live', {})).total, expected, `late reader after batch ${i}`);
    }
    await writer.bulk([{ delete: { _index: 'live', _id: 'a' } }]);
    assert.deepEqual(await late.ask('live', { query: { term: { n: 0 } } }), { total: 0, ids: [] });
    assert.deepEqual(await early.ask('live', { query: { match: { text: 'batch' } }, size: 0 }), {
      total: 1500,
      ids: [],
    });
  } finally {
    await early.stop();
    await late?.stop();
    await writer?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
