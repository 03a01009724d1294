/**
 * The writer's view of which ids exist in an index and at which version: `version > 0` is a live
 * document, `version < 0` the tombstone of a deleted one (its absolute value is the last version).
 * Loaded from SQLite on an index's first write (inside the write transaction, so it is consistent)
 * and kept current by the writer; it saves one SELECT per written document, which is a third of a
 * bulk's SQLite time. Dropped whenever another connection committed or a write transaction rolled
 * back, and then reloaded on demand.
 */
import type { SqliteStore } from './store/sqlite-store.js';

export class IdVersions {
  private constructor(private readonly versions: Map<string, number>) {}

  static load(store: SqliteStore, idx: number): IdVersions {
    const versions = new Map<string, number>();
    for (const row of store.idVersions(idx))
      versions.set(row.id, row.live === 1 ? row.version : -row.version);
    return new IdVersions(versions);
  }

  /**
   * One lookup for both questions a write asks: `> 0` is the live version, `< 0` the negated last
   * version of a deleted id, 0 an id never written. (Lookups in a map of a million ids are cache
   * misses, so the hot path asks once.)
   */
  signedVersion(id: string): number {
    return this.versions.get(id) ?? 0;
  }

  /** The live document's version, or undefined when the id is absent or deleted. */
  liveVersion(id: string): number | undefined {
    const v = this.versions.get(id);
    return v !== undefined && v > 0 ? v : undefined;
  }

  /** The last version the id had, live or deleted (0 when never written). */
  lastVersion(id: string): number {
    return Math.abs(this.versions.get(id) ?? 0);
  }

  written(id: string, version: number): void {
    this.versions.set(id, version);
  }

  deleted(id: string, version: number): void {
    this.versions.set(id, -version);
  }
}
