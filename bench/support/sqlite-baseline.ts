/**
 * The hand-written better-sqlite3 baselines the search benchmarks compare against: the engine's own
 * table and row format (schema from the store), written with one prepared statement per row and one
 * transaction per batch, the same rows the engine writes.
 * - "upsert" has the engine's semantics for the `index` op (overwrite an id, next version);
 * - "insert" is the least work that stores the rows, written the way better-sqlite3's documentation
 *   shows a batch insert: one prepared statement run per row, inside a transaction;
 * - "insert-multirow" (context) is the same rows 16 per INSERT statement, as the engine writes them
 *   (store/row-writer.ts): what a hand-written insert tuned the same way would do;
 * - "insert+fts5" also full-text indexes the text fields in an FTS5 table: what one would write by
 *   hand to make the same documents searchable in SQLite (the engine builds its text index itself,
 *   in memory, so the bare row inserts above do strictly less work than it does).
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, ROWS_PER_PUT } from '../../src/search/embedded/store/sqlite-store.js';

export type BaselineKind = 'upsert' | 'insert' | 'insert-multirow' | 'insert+fts5';

/** Rows per statement of the "insert-multirow" baseline (the engine's ROWS_PER_PUT). */
const ROWS_PER_STATEMENT = ROWS_PER_PUT;

const STATEMENTS: Record<BaselineKind, string> = {
  upsert:
    'INSERT OR REPLACE INTO docs (idx, id, version, source) VALUES (@idx, @id, COALESCE((SELECT version FROM docs WHERE idx = @idx AND id = @id), 0) + 1, @source)',
  insert: 'INSERT INTO docs (idx, id, version, source) VALUES (@idx, @id, 1, @source)',
  'insert-multirow': `INSERT INTO docs (idx, id, version, source) VALUES ${Array(ROWS_PER_STATEMENT).fill('(?, ?, 1, ?)').join(', ')}`,
  'insert+fts5': 'INSERT INTO docs (idx, id, version, source) VALUES (@idx, @id, 1, @source)',
};

/**
 * Writes `batches` (ids are `request_id`) into a fresh store under `dir`; returns the milliseconds
 * spent writing. `textFields` are the fields "insert+fts5" full-text indexes.
 */
export function baselineWriteMs(
  kind: BaselineKind,
  dir: string,
  batches: Iterable<readonly Record<string, unknown>[]>,
  textFields: readonly string[] = [],
): number {
  const dataDir = path.join(dir, `baseline-${kind}`);
  const db = openDatabase(dataDir);
  const idx = Number(
    db
      .prepare(
        "INSERT INTO indices (name, uuid, mappings, settings, created_ms, mapping_version) VALUES ('weblogs', 'x', '{}', '{}', 0, 1) RETURNING idx",
      )
      .pluck()
      .get(),
  );
  const statement = db.prepare(STATEMENTS[kind]);
  const fts = kind === 'insert+fts5' && textFields.length > 0;
  if (fts)
    db.exec(`CREATE VIRTUAL TABLE text_index USING fts5(${textFields.map((f) => `"${f}"`).join(', ')})`);
  const ftsInsert = fts
    ? db.prepare(
        `INSERT INTO text_index (rowid, ${textFields.map((f) => `"${f}"`).join(', ')}) VALUES (?${', ?'.repeat(textFields.length)})`,
      )
    : undefined;
  const single = kind === 'insert-multirow' ? db.prepare(STATEMENTS.insert) : statement;
  const args: unknown[] = new Array(3 * ROWS_PER_STATEMENT);
  const writeBatch = db.transaction((docs: readonly Record<string, unknown>[]) => {
    let i = 0;
    if (kind === 'insert-multirow') {
      for (; i + ROWS_PER_STATEMENT <= docs.length; i += ROWS_PER_STATEMENT) {
        for (let k = 0; k < ROWS_PER_STATEMENT; k++) {
          const doc = docs[i + k]!;
          args[3 * k] = idx;
          args[3 * k + 1] = doc.request_id as string;
          args[3 * k + 2] = JSON.stringify(doc);
        }
        statement.run(args);
      }
    }
    for (; i < docs.length; i++) {
      const doc = docs[i]!;
      const seq = single.run({
        idx,
        id: doc.request_id as string,
        source: JSON.stringify(doc),
      }).lastInsertRowid;
      ftsInsert?.run(seq, ...textFields.map((f) => String(doc[f] ?? '')));
    }
  });
  let ms = 0;
  for (const docs of batches) {
    const started = performance.now();
    writeBatch(docs);
    ms += performance.now() - started;
  }
  db.close();
  // Gone before the next measurement, so its written pages do not weigh on the one after it.
  fs.rmSync(dataDir, { recursive: true, force: true });
  return ms;
}
