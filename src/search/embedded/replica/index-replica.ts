/**
 * The searchable copy of a data directory: every index's in-memory columns, built from SQLite
 * and kept current by replaying document rows in `seq` order. It never writes. The engine runs one
 * in a worker thread (so indexing the columns overlaps with the writer's SQLite work on another
 * core); a process that only reads the directory (a `sluice search` CLI while a job indexes) runs
 * the same thing. Before answering, `sync()` checks `PRAGMA data_version` and replays what other
 * connections committed since: index rows first (new, deleted, re-created indices, grown mappings),
 * then document rows with `seq > lastSeq`, all from one read snapshot.
 */
import type { Clock } from '../../../core/clock.js';
import type { CountRequest, CountResponse, SearchRequest, SearchResponse } from '../../search-request.js';
import { MemoryIndex } from '../index/memory-index.js';
import { Scratch } from '../index/scratch.js';
import { resolveIndexPattern } from '../index-pattern.js';
import { IndexMapping } from '../mapping/index-mapping.js';
import { executeCount, executeSearch } from '../search/search-executor.js';
import type { SearchTarget } from '../search/search-target.js';
import { type DocRow, SqliteStore } from '../store/sqlite-store.js';
import { type CommittedRows, forEachCommittedRow } from './committed-rows.js';
import { applyDocRow, type ReplicaIndex, replicaIndex, searchTargetOf } from './replica-index.js';

/** Dead doc numbers an index may hold before it is compacted (see `compact`). */
const COMPACT_MIN_DEAD = 50_000;

/** Per-index numbers for `_cat/indices`. */
export interface IndexStats {
  readonly name: string;
  readonly docsCount: number;
  readonly docsDeleted: number;
  readonly storeBytes: number;
}

/** A clock frozen at the `now` the caller sent (date math must use the caller's clock). */
function fixedClock(nowMs: number): Clock {
  return { nowMs: () => nowMs, sleepUntil: async () => {} };
}

export class IndexReplica {
  private readonly store: SqliteStore;
  private readonly indices = new Map<string, ReplicaIndex>();
  private readonly scratch = new Scratch();
  private lastSeq = 0;
  private readonly staged: CommittedRows[] = [];
  private dataVersion = -1;

  private readonly compactMinDead: number;
  /** Measures search timeouts (search/deadline.ts); the engine's clock when inline. */
  private readonly deadlineClock: Clock | undefined;

  constructor(dataDir: string, options: { compactMinDead?: number; deadlineClock?: Clock } = {}) {
    this.compactMinDead = options.compactMinDead ?? COMPACT_MIN_DEAD;
    this.deadlineClock = options.deadlineClock;
    this.store = new SqliteStore(dataDir, { createSchema: false });
    this.reloadAll();
  }

  /** Runs in one read snapshot, so the `_source` of every hit is the version that matched. */
  search(pattern: string, body: SearchRequest | undefined, nowMs: number): SearchResponse {
    return this.store.readTransaction(() => {
      this.sync();
      return executeSearch(this.targets(pattern), body, fixedClock(nowMs), this.scratch, this.deadlineClock);
    });
  }

  count(pattern: string, body: CountRequest | undefined, nowMs: number): CountResponse {
    this.sync();
    return executeCount(this.targets(pattern), body, fixedClock(nowMs), this.deadlineClock);
  }

  stats(pattern: string | undefined): IndexStats[] {
    this.sync();
    return this.resolve(pattern).map((index) => ({
      name: index.name,
      docsCount: index.memory.liveCount,
      docsDeleted: index.memory.deletedCount,
      storeBytes: index.memory.sourceBytes,
    }));
  }

  close(): void {
    this.store.close();
  }

  private resolve(pattern: string | undefined): ReplicaIndex[] {
    return resolveIndexPattern(pattern, [...this.indices.keys()]).map((name) => this.indices.get(name)!);
  }

  private targets(pattern: string): SearchTarget[] {
    return this.resolve(pattern).map((index) => searchTargetOf(index, (seq) => this.store.source(seq)));
  }

  /** Catches up with what other connections committed (cheap when nothing changed). */
  sync(): void {
    const version = this.store.dataVersion();
    if (version === this.dataVersion) return;
    this.dataVersion = version;
    // One read transaction: index rows and document rows come from the same snapshot.
    this.store.readTransaction(() => {
      this.syncIndexRows();
      this.apply(this.store.docsSince(this.lastSeq));
      this.compact();
    });
  }

  /** Keeps rows of a write transaction still running until `applyStaged` (commit) or `discardStaged`. */
  stage(rows: CommittedRows): void {
    this.staged.push(rows);
  }

  discardStaged(): void {
    this.staged.length = 0;
  }

  /**
   * Applies the staged rows: this process's writer committed them (handed over with their parsed
   * values instead of read back). Rows other processes committed before them fill the seq gap from
   * SQLite first; rows already seen (a sync that ran after the commit) are skipped. The next `sync`
   * then finds only what came after.
   */
  applyStaged(): void {
    const chunks = this.staged.splice(0);
    if (chunks.length === 0) {
      this.sync();
      return;
    }
    const headSeq = chunks[0]!.seqs[0] as number;
    this.store.readTransaction(() => {
      this.syncIndexRows();
      if (headSeq > this.lastSeq + 1) this.apply(this.store.docsBetween(this.lastSeq, headSeq));
      const byIdx = this.byIdx();
      const fieldsOf = (idx: number, paths: readonly string[]) => {
        const mapping = byIdx.get(idx)?.mapping;
        return paths.map((path) => mapping?.fields.get(path));
      };
      for (const rows of chunks) {
        forEachCommittedRow(rows, fieldsOf, (row, missingField) => {
          if (row.seq <= this.lastSeq) return;
          this.lastSeq = row.seq;
          const index = byIdx.get(row.idx);
          if (index === undefined) return;
          if (row.document === null) index.memory.remove(row.id);
          else if (missingField) {
            // A field the writer indexed is unknown here (cannot happen with the mapping committed
            // with the rows, but never index half a document): index it from its stored source.
            const source = this.store.source(row.seq);
            if (source !== null && source !== undefined) applyDocRow(index, { ...row, source });
          }
          // A first version cannot replace an earlier document of the id.
          else index.memory.put(row.id, row.seq, row.document, row.sourceLength, row.version > 1);
        });
      }
      this.compact();
    });
  }

  /** New, deleted and re-created indices, and grown mappings. */
  private syncIndexRows(): void {
    const seen = new Set<string>();
    for (const row of this.store.listIndices()) {
      seen.add(row.name);
      const current = this.indices.get(row.name);
      if (current === undefined || current.idx !== row.idx) {
        // New (or deleted and re-created): all of its rows have seq > lastSeq.
        this.indices.set(row.name, replicaIndex(row));
      } else if (current.mappingVersion !== row.mapping_version) {
        current.mapping = IndexMapping.fromJson(JSON.parse(row.mappings), current.mapping.limits);
        current.mappingVersion = row.mapping_version;
      }
    }
    for (const name of [...this.indices.keys()]) if (!seen.has(name)) this.indices.delete(name);
  }

  /**
   * Overwrites and deletes leave dead doc numbers in the columns (they only append). Once an
   * index holds more dead than live documents (and at least COMPACT_MIN_DEAD), its columns are
   * rebuilt from its live rows, so memory stays proportional to the live documents; the rebuild
   * costs about what indexing them did, paid once per doubling.
   */
  private compact(): void {
    for (const [name, index] of this.indices) {
      const memory = index.memory;
      if (memory.deletedCount < this.compactMinDead || memory.deletedCount <= memory.liveCount) continue;
      const fresh: ReplicaIndex = { ...index, memory: new MemoryIndex() };
      this.indices.set(name, fresh);
      this.applyTo(fresh, this.store.liveDocsOf(index.idx));
    }
  }

  private applyTo(index: ReplicaIndex, rows: Iterable<DocRow>): void {
    for (const row of rows) applyDocRow(index, row);
  }

  private reloadAll(): void {
    this.dataVersion = this.store.dataVersion();
    this.store.readTransaction(() => {
      for (const row of this.store.listIndices()) this.indices.set(row.name, replicaIndex(row));
      this.apply(this.store.liveDocs());
      this.lastSeq = Math.max(this.lastSeq, this.store.maxSeq());
    });
  }

  private byIdx(): Map<number, ReplicaIndex> {
    const byIdx = new Map<number, ReplicaIndex>();
    for (const index of this.indices.values()) byIdx.set(index.idx, index);
    return byIdx;
  }

  private apply(rows: Iterable<DocRow>): void {
    const byIdx = this.byIdx();
    for (const row of rows) {
      if (row.seq <= this.lastSeq) continue; // already applied (handed-over rows a sync had read)
      this.lastSeq = row.seq;
      const index = byIdx.get(row.idx);
      if (index !== undefined) applyDocRow(index, row);
    }
  }
}
