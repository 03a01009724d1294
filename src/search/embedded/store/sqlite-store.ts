/**
 * The durable side of the embedded engine: one SQLite database (`<dataDir>/search.db`, WAL mode)
 * that holds every index's settings, mapping and documents. The in-memory columns are derived
 * from it and can always be rebuilt.
 *
 * Layout (schema version 1):
 *   meta(key PRIMARY KEY, value)          'schema_version' = '1'; 'index_template/<name>' = the
 *                                         template's JSON (embedded/index-templates.ts)
 *   indices(idx INTEGER PRIMARY KEY AUTOINCREMENT, name UNIQUE, uuid, mappings JSON, settings JSON,
 *           created_ms, mapping_version)  one row per index; `idx` is never reused, so a reader
 *                                         notices an index that was deleted and created again
 *   docs(seq INTEGER PRIMARY KEY AUTOINCREMENT, idx, id, version, source JSON | NULL)
 *           UNIQUE (idx, id)              the current state of each document id
 *
 * `docs.seq` doubles as the change sequence: every write (index, update, delete) replaces the
 * document's row with a new one, so its seq grows. A delete leaves a tombstone (source NULL) that
 * keeps the version, so a later re-index continues at version + 1 as ES does. Readers in other
 * processes notice commits through `PRAGMA data_version` and catch up by reading `seq > lastSeq`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { type SqliteDatabase, sqliteDriver } from './sqlite-driver.js';

export interface IndexRow {
  readonly idx: number;
  readonly name: string;
  readonly uuid: string;
  readonly mappings: string;
  readonly settings: string;
  readonly created_ms: number;
  readonly mapping_version: number;
}

export interface DocRow {
  readonly seq: number;
  readonly idx: number;
  readonly id: string;
  readonly version: number;
  readonly source: string | null;
}

/** Rows per multi-row INSERT (store/row-writer.ts). */
export const ROWS_PER_PUT = 16;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS indices (
  idx INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  uuid TEXT NOT NULL,
  mappings TEXT NOT NULL,
  settings TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  mapping_version INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS docs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  idx INTEGER NOT NULL,
  id TEXT NOT NULL,
  version INTEGER NOT NULL,
  source TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS docs_by_id ON docs (idx, id);
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '1');
`;

/** Opens `<dataDir>/search.db` in WAL mode; `createSchema: false` for connections that only read. */
export function openDatabase(dataDir: string, createSchema = true): SqliteDatabase {
  fs.mkdirSync(dataDir, { recursive: true });
  const Database = sqliteDriver();
  // An absolute path: never read as a `file:` URI (sqlite-driver.ts turns URI file names on).
  const db = new Database(path.resolve(dataDir, 'search.db'));
  db.pragma('busy_timeout = 10000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // 64 MiB page cache (default 2 MiB): the (idx, id) index of a million documents then stays cached.
  db.pragma('cache_size = -65536');
  if (createSchema) db.exec(SCHEMA);
  return db;
}

/**
 * Opens the database of an existing data directory for maintenance only (no schema, no statements);
 * throws when there is none, instead of creating a directory that was deleted meanwhile.
 */
export function openExistingDatabase(dataDir: string): SqliteDatabase {
  const Database = sqliteDriver();
  const db = new Database(path.resolve(dataDir, 'search.db'), { fileMustExist: true });
  db.pragma('busy_timeout = 10000');
  return db;
}

/** Copies committed WAL pages into the database file without waiting for anyone (PASSIVE). */
export function checkpointPassive(db: SqliteDatabase): void {
  db.pragma('wal_checkpoint(PASSIVE)');
}

export class SqliteStore {
  readonly db: SqliteDatabase;
  private readonly stmts;

  constructor(
    dataDir: string,
    options: {
      createSchema?: boolean;
      /**
       * WAL pages after which a commit on this connection also checkpoints (SQLite's default is
       * 1000). The engine's writer raises it when a checkpointer thread does that work
       * (store/checkpointer.ts); its own checkpoint is then only a safety net.
       */
      walAutocheckpointPages?: number;
    } = {},
  ) {
    this.db = openDatabase(dataDir, options.createSchema ?? true);
    const db = this.db;
    if (options.walAutocheckpointPages !== undefined)
      db.pragma(`wal_autocheckpoint = ${Math.max(0, Math.floor(options.walAutocheckpointPages))}`);
    this.stmts = {
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
      indices: db.prepare<[], IndexRow>('SELECT * FROM indices ORDER BY name'),
      insertIndex: db.prepare(
        'INSERT INTO indices (name, uuid, mappings, settings, created_ms, mapping_version) VALUES (?, ?, ?, ?, ?, 1) RETURNING idx',
      ),
      updateMapping: db.prepare(
        'UPDATE indices SET mappings = ?, mapping_version = mapping_version + 1 WHERE idx = ?',
      ),
      deleteIndex: db.prepare('DELETE FROM indices WHERE idx = ?'),
      deleteIndexDocs: db.prepare('DELETE FROM docs WHERE idx = ?'),
      docsSince: db.prepare<[number], DocRow>(
        'SELECT seq, idx, id, version, source FROM docs WHERE seq > ? ORDER BY seq',
      ),
      docsBetween: db.prepare<[number, number], DocRow>(
        'SELECT seq, idx, id, version, source FROM docs WHERE seq > ? AND seq < ? ORDER BY seq',
      ),
      liveDocs: db.prepare<[], DocRow>(
        'SELECT seq, idx, id, version, source FROM docs WHERE source IS NOT NULL ORDER BY seq',
      ),
      liveDocsOf: db.prepare<[number], DocRow>(
        'SELECT seq, idx, id, version, source FROM docs WHERE idx = ? AND source IS NOT NULL ORDER BY seq',
      ),
      maxSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM docs').pluck(),
      put: db.prepare<[number, string, number, string | null]>(
        'INSERT OR REPLACE INTO docs (idx, id, version, source) VALUES (?, ?, ?, ?)',
      ),
      putRows: db.prepare(
        `INSERT OR REPLACE INTO docs (idx, id, version, source) VALUES ${Array(ROWS_PER_PUT).fill('(?, ?, ?, ?)').join(', ')}`,
      ),
      lastSeq: db
        .prepare("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'docs'), 0)")
        .pluck(),
      idVersions: db.prepare<[number], { id: string; version: number; live: 0 | 1 }>(
        'SELECT id, version, source IS NOT NULL AS live FROM docs WHERE idx = ?',
      ),
      current: db.prepare<[number, string], DocRow>(
        'SELECT seq, idx, id, version, source FROM docs WHERE idx = ? AND id = ?',
      ),
      metaWithPrefix: db.prepare<[number, string], { key: string; value: string }>(
        'SELECT key, value FROM meta WHERE substr(key, 1, ?) = ? ORDER BY key',
      ),
      putMeta: db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      deleteMeta: db.prepare('DELETE FROM meta WHERE key = ?'),
      sourceBySeq: db.prepare<[number], string | null>('SELECT source FROM docs WHERE seq = ?').pluck(),
    };
  }

  /** Changes when another connection (process) committed since the last call. */
  dataVersion(): number {
    return this.stmts.dataVersion.get() as number;
  }

  listIndices(): IndexRow[] {
    return this.stmts.indices.all();
  }

  insertIndex(name: string, uuid: string, mappings: string, settings: string, createdMs: number): number {
    return (this.stmts.insertIndex.get(name, uuid, mappings, settings, createdMs) as { idx: number }).idx;
  }

  /** The `meta` rows whose key starts with `prefix`, by key. */
  metaWithPrefix(prefix: string): { key: string; value: string }[] {
    return this.stmts.metaWithPrefix.all(prefix.length, prefix);
  }

  putMeta(key: string, value: string): void {
    this.stmts.putMeta.run(key, value);
  }

  /** Whether a row was deleted. */
  deleteMeta(key: string): boolean {
    return this.stmts.deleteMeta.run(key).changes > 0;
  }

  updateMapping(idx: number, mappings: string): void {
    this.stmts.updateMapping.run(mappings, idx);
  }

  deleteIndex(idx: number): void {
    this.stmts.deleteIndexDocs.run(idx);
    this.stmts.deleteIndex.run(idx);
  }

  /** Writes a document row (tombstone when `source` is null) with a version the caller computed; returns its seq. */
  put(idx: number, id: string, version: number, source: string | null): number {
    return Number(this.stmts.put.run(idx, id, version, source).lastInsertRowid);
  }

  /**
   * Writes `ROWS_PER_PUT` rows, given as `[idx, id, version, source]` repeated, in one statement
   * (store/row-writer.ts); returns the last one's seq.
   */
  putRows(args: readonly unknown[]): number {
    return Number(this.stmts.putRows.run(args).lastInsertRowid);
  }

  /** The largest seq ever given to a row: the next row gets this + 1 (docs is AUTOINCREMENT). */
  lastSeq(): number {
    return this.stmts.lastSeq.get() as number;
  }

  /** Every id of an index with its version and liveness (the writer's IdVersions). */
  idVersions(idx: number): IterableIterator<{ id: string; version: number; live: 0 | 1 }> {
    return this.stmts.idVersions.iterate(idx);
  }

  current(idx: number, id: string): DocRow | undefined {
    return this.stmts.current.get(idx, id);
  }

  source(seq: number): string | null | undefined {
    return this.stmts.sourceBySeq.get(seq);
  }

  docsSince(seq: number): IterableIterator<DocRow> {
    return this.stmts.docsSince.iterate(seq);
  }

  /** Rows with `afterSeq < seq < beforeSeq`, in seq order. */
  docsBetween(afterSeq: number, beforeSeq: number): IterableIterator<DocRow> {
    return this.stmts.docsBetween.iterate(afterSeq, beforeSeq);
  }

  liveDocs(): IterableIterator<DocRow> {
    return this.stmts.liveDocs.iterate();
  }

  /** The live documents of one index, in seq order (rebuilding one index's columns). */
  liveDocsOf(idx: number): IterableIterator<DocRow> {
    return this.stmts.liveDocsOf.iterate(idx);
  }

  maxSeq(): number {
    return this.stmts.maxSeq.get() as number;
  }

  /** Runs `fn` in a write transaction taken with BEGIN IMMEDIATE (one writer at a time across processes). */
  writeTransaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Runs `fn` on one consistent snapshot (a deferred transaction; a savepoint when already in one). */
  readTransaction<T>(fn: () => T): T {
    return this.db.transaction(fn).deferred();
  }

  close(): void {
    this.db.close();
  }
}
