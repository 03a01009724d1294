import type { Clock } from '../../core/clock.js';
import type { Key } from '../../core/key.js';
import type { MapState } from '../keyed-state.js';
import type { MapStateDescriptor } from '../state-descriptors.js';
import { isExpired, type TtlPolicy, type TtlValue, ttlPolicy } from '../state-ttl.js';
import { KeyedTableSnapshot, type TableSnapshotCursor } from './copy-on-write-snapshot.js';
import { type HeapStateTable, IncrementalCleaner, type KeyContext } from './heap-state-table.js';

/**
 * Map state on the heap: `Map<key, Map<userKey, V>>`; with TTL each user entry is stored as
 * `{ value, lastAccessMs }` and expires on its own (as in Flink). While a snapshot runs, every access
 * first lets it stash the key's whole map (`snapshot.touch`).
 */
export class HeapMapState<V> implements MapState<V>, HeapStateTable {
  readonly kind = 'map';
  private readonly map = new Map<Key, Map<Key, unknown>>();
  private readonly policy: TtlPolicy | undefined;
  private readonly cleaner: IncrementalCleaner<Map<Key, unknown>> | undefined;
  private snapshot: KeyedTableSnapshot<Map<Key, unknown>> | undefined;

  constructor(
    private readonly ctx: KeyContext,
    descriptor: MapStateDescriptor<V>,
    private readonly clock: Clock,
  ) {
    this.policy = ttlPolicy(descriptor.ttl);
    const policy = this.policy;
    if (policy !== undefined) {
      this.cleaner = new IncrementalCleaner(this.map, policy.entriesPerAccess, (key, userMap, now) => {
        let touched = false;
        for (const [uk, e] of userMap) {
          if (!isExpired(e as TtlValue<V>, policy, now)) continue;
          if (!touched) this.snapshot?.touch(key);
          touched = true;
          userMap.delete(uk);
        }
        return userMap.size === 0;
      });
    }
  }

  /** Reads one entry, applying TTL visibility and refresh; `now` is read once per call. */
  private read(
    userMap: Map<Key, unknown>,
    userKey: Key,
    now: number,
  ): { found: boolean; value: V | undefined } {
    const stored = userMap.get(userKey);
    if (stored === undefined) return { found: false, value: undefined };
    const policy = this.policy;
    if (policy === undefined) return { found: true, value: stored as V };
    const e = stored as TtlValue<V>;
    if (isExpired(e, policy, now)) {
      userMap.delete(userKey);
      if (userMap.size === 0) this.map.delete(this.ctx.key);
      return policy.returnExpired ? { found: true, value: e.value } : { found: false, value: undefined };
    }
    if (policy.refreshOnRead) e.lastAccessMs = now;
    return { found: true, value: e.value };
  }

  /** Every public method calls this first: the snapshot's touch, then the TTL clock and cleanup. */
  private now(): number {
    if (this.snapshot !== undefined) this.snapshot.touch(this.ctx.key);
    if (this.policy === undefined) return 0;
    const now = this.clock.nowMs();
    this.cleaner?.step(now);
    return now;
  }

  get(userKey: Key): V | undefined {
    const now = this.now();
    const userMap = this.map.get(this.ctx.key);
    return userMap === undefined ? undefined : this.read(userMap, userKey, now).value;
  }

  contains(userKey: Key): boolean {
    const now = this.now();
    const userMap = this.map.get(this.ctx.key);
    return userMap !== undefined && this.read(userMap, userKey, now).found;
  }

  put(userKey: Key, value: V): void {
    // Clean up first: the cleaner drops empty maps, so it must not see the one created below.
    const now = this.now();
    let userMap = this.map.get(this.ctx.key);
    if (userMap === undefined) {
      userMap = new Map();
      this.map.set(this.ctx.key, userMap);
    }
    if (this.policy === undefined) userMap.set(userKey, value);
    else userMap.set(userKey, { value, lastAccessMs: now } satisfies TtlValue<V>);
  }

  putAll(entries: Iterable<readonly [Key, V]>): void {
    for (const [k, v] of entries) this.put(k, v);
  }

  remove(userKey: Key): void {
    if (this.snapshot !== undefined) this.snapshot.touch(this.ctx.key);
    const userMap = this.map.get(this.ctx.key);
    if (userMap === undefined) return;
    userMap.delete(userKey);
    if (userMap.size === 0) this.map.delete(this.ctx.key);
  }

  entries(): Array<[Key, V]> {
    const now = this.now();
    const userMap = this.map.get(this.ctx.key);
    if (userMap === undefined) return [];
    const out: Array<[Key, V]> = [];
    for (const uk of [...userMap.keys()]) {
      const r = this.read(userMap, uk, now);
      if (r.found) out.push([uk, r.value as V]);
    }
    return out;
  }

  keys(): Key[] {
    return this.entries().map(([k]) => k);
  }

  values(): V[] {
    return this.entries().map(([, v]) => v);
  }

  isEmpty(): boolean {
    return this.entries().length === 0;
  }

  clear(): void {
    if (this.snapshot !== undefined) this.snapshot.touch(this.ctx.key);
    this.map.delete(this.ctx.key);
  }

  keyCount(): number {
    return this.map.size;
  }

  liveKeys(nowMs: number): Key[] {
    const policy = this.policy;
    if (policy === undefined) return Array.from(this.map.keys());
    const out: Key[] = [];
    for (const [key, userMap] of this.map) {
      for (const e of userMap.values()) {
        if (isExpired(e as TtlValue<V>, policy, nowMs)) continue;
        out.push(key);
        break;
      }
    }
    return out;
  }

  beginSnapshot(nowMs: number): TableSnapshotCursor {
    const policy = this.policy;
    this.snapshot = new KeyedTableSnapshot(this.map, (key, userMap) => {
      const rows: unknown[][] = [];
      for (const [uk, stored] of userMap) {
        if (policy !== undefined && isExpired(stored as TtlValue<V>, policy, nowMs)) continue;
        rows.push([uk, stored]);
      }
      return rows.length > 0 ? [key, rows] : undefined;
    });
    return this.snapshot;
  }

  endSnapshot(): void {
    this.snapshot = undefined;
  }

  restoreRow(row: unknown[]): void {
    this.map.set(row[0] as Key, new Map(row[1] as Array<[Key, unknown]>));
  }
}
