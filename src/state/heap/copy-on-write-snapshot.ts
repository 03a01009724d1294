import type { Key } from '../../core/key.js';

/**
 * Copy-on-write views of heap state tables for snapshots taken while the job runs, after Flink's
 * CopyOnWriteStateMap. At the snapshot's start a view freezes the table's key list. From then on
 * the table calls `touch` before it reads or changes an entry (reads count: operators mutate values
 * in place, e.g. window accumulators and TTL access times): the first touch of an entry the
 * snapshot has not written yet stashes a deep copy of its value. The snapshot writes the stash when
 * there is one and the live value otherwise (which no one has touched since the start, so it is
 * still the value at the start). Keys created after the start are not in the frozen list.
 *
 * The stash map also remembers written keys (WRITTEN) and keys absent at their first touch (ABSENT),
 * so each entry is copied at most once per snapshot and never after it was written. It is dropped
 * when the snapshot ends. Cost with no snapshot running: the table's one `snapshot !== undefined` check.
 */

const WRITTEN: unique symbol = Symbol('written');
const ABSENT: unique symbol = Symbol('absent');
type Saved = unknown | typeof WRITTEN | typeof ABSENT;

/** Turns a stored entry into a snapshot row, or undefined to leave it out (expired). Must not mutate. */
export type RowOf<S> = (key: Key, stored: S) => unknown[] | undefined;

/** What the backend's snapshot run pulls rows from. */
export interface TableSnapshotCursor {
  readonly done: boolean;
  /**
   * Visits at most `maxEntries` (> 0) frozen entries, emitting a row for each live one; returns how
   * many it visited (expired entries emit nothing but count).
   */
  take(maxEntries: number, emit: (row: unknown[]) => void): number;
}

/** For tables shaped `Map<key, stored>` (value, list and map state). */
export class KeyedTableSnapshot<S> implements TableSnapshotCursor {
  private readonly keys: Key[];
  private next = 0;
  private readonly saved = new Map<Key, Saved>();

  constructor(
    private readonly live: Map<Key, S>,
    private readonly rowOf: RowOf<S>,
  ) {
    this.keys = Array.from(live.keys());
  }

  get done(): boolean {
    return this.next >= this.keys.length;
  }

  /** Before the table reads or changes `key`'s entry. */
  touch(key: Key): void {
    if (this.saved.has(key)) return;
    const stored = this.live.get(key);
    this.saved.set(key, stored === undefined ? ABSENT : structuredClone(stored));
  }

  take(maxEntries: number, emit: (row: unknown[]) => void): number {
    const start = this.next;
    const end = Math.min(this.keys.length, start + maxEntries);
    // Taking the whole table at once (a sync snapshot, or a small table): no touch can come between
    // entries, so skip marking them WRITTEN; a later touch then stashes a copy no one reads (harmless).
    const mark = start > 0 || end < this.keys.length;
    const savedMap = this.saved;
    for (; this.next < end; this.next++) {
      const key = this.keys[this.next] as Key;
      const saved = savedMap.size === 0 ? undefined : savedMap.get(key);
      if (mark) savedMap.set(key, WRITTEN);
      // A frozen key's first touch saw it present, so ABSENT/WRITTEN cannot occur here.
      const stored = saved === undefined ? this.live.get(key) : saved;
      if (stored === undefined || stored === ABSENT || stored === WRITTEN) continue;
      const row = this.rowOf(key, stored as S);
      if (row !== undefined) emit(row);
    }
    return end - start;
  }
}

/** For namespaced state: `Map<namespace, Map<key, V>>`; entries are (namespace, key) pairs. */
export class NamespacedTableSnapshot<V> implements TableSnapshotCursor {
  private readonly frozen: Array<[number, Key[]]> = [];
  private namespaceIndex = 0;
  private keyIndex = 0;
  private readonly saved = new Map<number, Map<Key, Saved>>();

  constructor(private readonly live: Map<number, Map<Key, V>>) {
    for (const [ns, keys] of live) this.frozen.push([ns, Array.from(keys.keys())]);
  }

  get done(): boolean {
    return this.namespaceIndex >= this.frozen.length;
  }

  private savedOf(namespace: number): Map<Key, Saved> {
    let m = this.saved.get(namespace);
    if (m === undefined) {
      m = new Map();
      this.saved.set(namespace, m);
    }
    return m;
  }

  touch(namespace: number, key: Key): void {
    const saved = this.savedOf(namespace);
    if (saved.has(key)) return;
    const stored = this.live.get(namespace)?.get(key);
    saved.set(key, stored === undefined ? ABSENT : structuredClone(stored));
  }

  take(maxEntries: number, emit: (row: unknown[]) => void): number {
    let visited = 0;
    while (visited < maxEntries && this.namespaceIndex < this.frozen.length) {
      const [ns, keys] = this.frozen[this.namespaceIndex] as [number, Key[]];
      const saved = this.savedOf(ns);
      const liveKeys = this.live.get(ns);
      for (; this.keyIndex < keys.length && visited < maxEntries; this.keyIndex++, visited++) {
        const key = keys[this.keyIndex] as Key;
        const s = saved.get(key);
        saved.set(key, WRITTEN);
        const stored = s === undefined ? liveKeys?.get(key) : s;
        if (stored === undefined || stored === ABSENT || stored === WRITTEN) continue;
        emit([key, ns, stored]);
      }
      if (this.keyIndex >= keys.length) {
        this.namespaceIndex++;
        this.keyIndex = 0;
      }
    }
    return visited;
  }
}
