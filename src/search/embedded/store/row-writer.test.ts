import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { RowWriter } from './row-writer.js';
import { ROWS_PER_PUT, SqliteStore } from './sqlite-store.js';

function withStore(fn: (store: SqliteStore) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-rows-'));
  const store = new SqliteStore(dir);
  try {
    fn(store);
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('each row gets the seq it was told, across full statements, a partial flush, replacements and tombstones', () => {
  withStore((store) => {
    const idx = store.insertIndex('logs', 'u', '{}', '{}', 0);
    const told = new Map<number, { id: string; version: number; source: string | null }>();
    const count = 3 * ROWS_PER_PUT + 5;
    for (const round of [1, 2]) {
      store.writeTransaction(() => {
        const rows = new RowWriter(store);
        for (let i = 0; i < count; i++) {
          // Ids repeat (round 2 replaces round 1's rows; 'dup' is written twice in one statement).
          const id = i % 7 === 0 ? 'dup' : `doc-${i}`;
          const source = i % 11 === 0 ? null : JSON.stringify({ i, round });
          told.set(rows.put(idx, id, round, source), { id, version: round, source });
        }
        rows.flush();
      });
    }
    // Every row SQLite kept is where the writer was told it would be, with what was written there.
    let kept = 0;
    for (const row of store.docsSince(0)) {
      assert.deepEqual(
        { id: row.id, version: row.version, source: row.source },
        told.get(row.seq),
        `seq ${row.seq}`,
      );
      kept++;
    }
    const distinctIds = new Set(Array.from({ length: count }, (_, i) => (i % 7 === 0 ? 'dup' : i))).size;
    assert.equal(kept, distinctIds, 'one row per distinct id (the others replaced)');
    assert.equal(store.lastSeq(), 2 * count);
  });
});

test('a seq SQLite did not give as foretold fails the write instead of misnumbering rows', () => {
  withStore((store) => {
    const idx = store.insertIndex('logs', 'u', '{}', '{}', 0);
    assert.throws(
      () =>
        store.writeTransaction(() => {
          const rows = new RowWriter(store);
          rows.put(idx, 'a', 1, '{}');
          store.put(idx, 'sneaked-in', 1, '{}'); // a write that bypasses the row writer
          rows.flush();
        }),
      /got seq 2 where 1 was expected/,
    );
    assert.equal(store.lastSeq(), 0, 'the transaction rolled back');
  });
});
