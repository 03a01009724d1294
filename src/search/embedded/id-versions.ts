/**
 * The writer's view of which ids exist in an index and at which version: `version > 0` is a live
 * document, `version < 0` the tombstone of a deleted one (its absolute value is the last version),
 * 0 an id never written. Loaded from SQLite on an index's first write (inside the write
 * transaction, so it is consistent) and kept current by the writer; it saves one SELECT per written
 * document, which is a third of a bulk's SQLite time. Dropped whenever another connection committed
 * or a write transaction rolled back, and then reloaded on demand.
 *
 * Stored as entries (`ids[e]`, `versions[e]`) found through a StringIntMap; a write asks for an
 * id's version and then records the new one, so the entry of the last id asked for is remembered
 * and the second call costs no lookup.
 */
import { growFloat64 } from './index/growable.js';
import { StringIntMap } from './index/string-int-map.js';
import type { SqliteStore } from './store/sqlite-store.js';

export class IdVersions {
  private readonly ids: string[] = [];
  private versions = new Float64Array(0);
  private readonly entries = new StringIntMap((e) => this.ids[e] as string);
  private lastId: string | undefined;
  private lastEntry = -1;

  static load(store: SqliteStore, idx: number): IdVersions {
    const loaded = new IdVersions();
    for (const row of store.idVersions(idx)) loaded.set(row.id, row.live === 1 ? row.version : -row.version);
    return loaded;
  }

  /** The id's entry, created (version 0) when the id is new. */
  private entryOf(id: string): number {
    if (id === this.lastId) return this.lastEntry;
    const next = this.ids.length;
    let entry = this.entries.getOrAdd(id, next);
    if (entry < 0) {
      entry = next;
      this.ids.push(id);
      this.versions = growFloat64(this.versions, next + 1, 0);
    }
    this.lastId = id;
    this.lastEntry = entry;
    return entry;
  }

  /**
   * One lookup for both questions a write asks (see the class comment for the sign). It creates the
   * id's entry, so call it only on the way to writing the id; `liveVersion`/`lastVersion` only look.
   */
  signedVersion(id: string): number {
    // The entry first: finding it may grow (replace) `versions`.
    const entry = this.entryOf(id);
    return this.versions[entry] as number;
  }

  /** The signed version without creating an entry (deletes and updates of ids that may not exist). */
  private peek(id: string): number {
    const entry = id === this.lastId ? this.lastEntry : this.entries.get(id);
    return entry < 0 ? 0 : (this.versions[entry] as number);
  }

  /** The live document's version, or undefined when the id is absent or deleted. */
  liveVersion(id: string): number | undefined {
    const v = this.peek(id);
    return v > 0 ? v : undefined;
  }

  /** The last version the id had, live or deleted (0 when never written). */
  lastVersion(id: string): number {
    return Math.abs(this.peek(id));
  }

  written(id: string, version: number): void {
    this.set(id, version);
  }

  deleted(id: string, version: number): void {
    this.set(id, -version);
  }

  private set(id: string, signed: number): void {
    const entry = this.entryOf(id);
    this.versions[entry] = signed;
  }
}
