import type { Key } from '../../core/key.js';
import type { StateKind } from '../keyed-state-snapshot.js';
import type { TableSnapshotCursor } from './copy-on-write-snapshot.js';

/** The key whose state user code is reading/writing; shared by a backend and all its states. */
export interface KeyContext {
  key: Key;
}

/**
 * What the heap backend needs from each of its state tables to snapshot and restore them. Rows
 * follow the snapshot layout documented in `keyed-state-snapshot.ts`: `[key, stored]` or `[key, namespace, stored]`.
 */
export interface HeapStateTable {
  readonly kind: StateKind;
  /**
   * Freezes the table for a snapshot at `nowMs` (entries expired then are left out) and switches on
   * copy-on-write until `endSnapshot`. One snapshot at a time.
   */
  beginSnapshot(nowMs: number): TableSnapshotCursor;
  endSnapshot(): void;
  restoreRow(row: unknown[]): void;
  keyCount(): number;
  /** Keys with a live entry at `nowMs`, copied. */
  liveKeys(nowMs: number): Key[];
}

/**
 * Flink's incremental TTL cleanup for heap state: each state access also inspects the next few
 * entries of a long-lived iterator over the table and removes what expired, so memory stays
 * bounded while the job runs even for keys that are never read again.
 */
export class IncrementalCleaner<E> {
  private iterator: Iterator<[Key, E]> | undefined;

  constructor(
    private readonly map: Map<Key, E>,
    private readonly entriesPerAccess: number,
    /**
     * Drops expired parts of an entry; returns true when the whole entry should go. Before it changes
     * anything it must let a running snapshot stash the entry (the table's `touch`).
     */
    private readonly purge: (key: Key, entry: E, nowMs: number) => boolean,
  ) {}

  step(nowMs: number): void {
    for (let i = 0; i < this.entriesPerAccess; i++) {
      if (this.iterator === undefined) this.iterator = this.map.entries();
      const next = this.iterator.next();
      if (next.done) {
        this.iterator = undefined;
        return;
      }
      const [key, entry] = next.value;
      if (this.purge(key, entry, nowMs)) this.map.delete(key);
    }
  }
}
