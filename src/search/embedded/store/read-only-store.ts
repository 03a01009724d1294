/**
 * A connection that only reads a data directory (`sluice search`, `sluice indices` without a
 * server), while another process may be writing it. It never writes and never creates a file.
 * The tables are those of sqlite-store.ts.
 *
 * How it opens depends on whether someone has the database open:
 * - `search.db-wal` exists: a writer has the database open (or died with it open). The connection
 *   opens read-only as an ordinary WAL reader: it reads committed transactions through the
 *   writer's `-shm`, one snapshot per transaction, and takes no lock that would stop the writer.
 * - no `-wal`: no connection has the database open (SQLite removes the WAL when the last one
 *   closes). A read-only WAL reader would create `-wal` and `-shm` here and, being read-only, could
 *   not remove them again; so the file is opened as immutable instead (no locks, no shared memory,
 *   no companion files). That reading is only valid while nobody writes the file, so `unchanged()`
 *   tells whether a writer appeared since the open (a WAL now exists, or the file's size, mtime or
 *   ctime differ: in WAL mode the database file is only written by checkpoints, which come after
 *   the WAL); the reader then discards what it read and opens again (embedded-reader.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { type SqliteDatabase, sqliteDriver } from './sqlite-driver.js';
import type { DocRow, IndexRow } from './sqlite-store.js';

export type ReadOnlyMode = 'wal-reader' | 'immutable';

/** Live documents and the characters of their stored `_source`, per index. */
export interface StoredIndexCounts {
  readonly idx: number;
  readonly docs: number;
  readonly sourceChars: number;
}

interface FileState {
  readonly size: number;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
}

function fileState(file: string): FileState | undefined {
  try {
    const stat = fs.statSync(file, { bigint: true });
    return { size: Number(stat.size), mtimeNs: stat.mtimeNs, ctimeNs: stat.ctimeNs };
  } catch {
    return undefined;
  }
}

/**
 * The database file opened immutable, or undefined when the driver reads no URI file names (it
 * reads them when sqlite-driver.ts loaded it first in this process): then the caller opens a WAL
 * reader, which may leave an empty -wal and -shm behind.
 */
function openImmutable(file: string): SqliteDatabase | undefined {
  const uri = `file:${encodeURI(file).replaceAll('?', '%3f').replaceAll('#', '%23')}?immutable=1`;
  try {
    return new (sqliteDriver())(uri, { readonly: true });
  } catch {
    return undefined;
  }
}

export class ReadOnlyStore {
  readonly mode: ReadOnlyMode;
  private readonly db: SqliteDatabase;
  private readonly file: string;
  private readonly opened: FileState | undefined;
  private readonly stmts;

  /**
   * Throws when `<dataDir>/search.db` does not exist. `immutable: false` always opens a WAL reader
   * (the last resort when a writer keeps coming and going; it may leave an empty -wal and -shm).
   */
  constructor(dataDir: string, options: { immutable?: boolean } = {}) {
    this.file = path.resolve(dataDir, 'search.db');
    if (!fs.existsSync(this.file)) throw new Error(`no database at ${this.file}`);
    const walExists = fs.existsSync(`${this.file}-wal`);
    this.opened = fileState(this.file);
    const immutable = walExists || options.immutable === false ? undefined : openImmutable(this.file);
    this.mode = immutable === undefined ? 'wal-reader' : 'immutable';
    this.db = immutable ?? new (sqliteDriver())(this.file, { readonly: true, fileMustExist: true });
    this.db.pragma('busy_timeout = 10000');
    this.db.pragma('cache_size = -16384'); // 16 MiB: reads are one pass over the table, and hits' sources
    const db = this.db;
    this.stmts = {
      dataVersion: db.prepare('PRAGMA data_version').pluck(),
      indices: db.prepare<[], IndexRow>('SELECT * FROM indices ORDER BY name'),
      counts: db.prepare<[], StoredIndexCounts>(
        'SELECT idx, COUNT(*) AS docs, COALESCE(SUM(LENGTH(source)), 0) AS sourceChars FROM docs WHERE source IS NOT NULL GROUP BY idx',
      ),
      // `+idx`: one pass over the table in seq order (the order the replica indexes in); through
      // docs_by_id SQLite would sort every selected row, sources included, in a temporary b-tree.
      liveDocsOf: db.prepare<[string], DocRow>(
        'SELECT seq, idx, id, version, source FROM docs WHERE +idx IN (SELECT value FROM json_each(?)) AND source IS NOT NULL ORDER BY seq',
      ),
      sourceBySeq: db.prepare<[number], string | null>('SELECT source FROM docs WHERE seq = ?').pluck(),
    };
  }

  /** Changes when another connection committed (always the same when immutable). */
  dataVersion(): number {
    return this.stmts.dataVersion.get() as number;
  }

  listIndices(): IndexRow[] {
    return this.stmts.indices.all();
  }

  /** Per index with live documents; reads every row once (about a second per million). */
  counts(): StoredIndexCounts[] {
    return this.stmts.counts.all();
  }

  /** The live documents of the indices `idxs`, in seq order. */
  liveDocsOf(idxs: readonly number[]): IterableIterator<DocRow> {
    return this.stmts.liveDocsOf.iterate(JSON.stringify(idxs));
  }

  source(seq: number): string | null | undefined {
    return this.stmts.sourceBySeq.get(seq);
  }

  /** Runs `fn` on one consistent snapshot. */
  readTransaction<T>(fn: () => T): T {
    return this.db.transaction(fn).deferred();
  }

  /**
   * False when what this connection read may not be a consistent state of the database: opened
   * immutable and a writer has appeared since. Call after reading, before using the result.
   */
  unchanged(): boolean {
    if (this.mode === 'wal-reader') return true;
    if (fs.existsSync(`${this.file}-wal`)) return false;
    const now = fileState(this.file);
    return (
      now !== undefined &&
      this.opened !== undefined &&
      now.size === this.opened.size &&
      now.mtimeNs === this.opened.mtimeNs &&
      now.ctimeNs === this.opened.ctimeNs
    );
  }

  close(): void {
    this.db.close();
  }
}
