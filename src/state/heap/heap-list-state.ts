import type { Clock } from '../../core/clock.js';
import type { Key } from '../../core/key.js';
import type { ListState } from '../keyed-state.js';
import type { ListStateDescriptor } from '../state-descriptors.js';
import { isExpired, type TtlPolicy, type TtlValue, ttlPolicy } from '../state-ttl.js';
import { KeyedTableSnapshot, type TableSnapshotCursor } from './copy-on-write-snapshot.js';
import { type HeapStateTable, IncrementalCleaner, type KeyContext } from './heap-state-table.js';

/**
 * List state on the heap: `Map<key, T[]>`, or with TTL `Map<key, { value, lastAccessMs }[]>` where
 * each element expires on its own (as in Flink). While a snapshot runs, every access first lets it
 * stash the entry (`snapshot.touch`).
 */
export class HeapListState<T> implements ListState<T>, HeapStateTable {
  readonly kind = 'list';
  private readonly map = new Map<Key, unknown[]>();
  private readonly policy: TtlPolicy | undefined;
  private readonly cleaner: IncrementalCleaner<unknown[]> | undefined;
  private snapshot: KeyedTableSnapshot<unknown[]> | undefined;

  constructor(
    private readonly ctx: KeyContext,
    descriptor: ListStateDescriptor<T>,
    private readonly clock: Clock,
  ) {
    this.policy = ttlPolicy(descriptor.ttl);
    const policy = this.policy;
    if (policy !== undefined) {
      this.cleaner = new IncrementalCleaner(this.map, policy.entriesPerAccess, (key, list, now) => {
        if (!(list as TtlValue<T>[]).some((e) => isExpired(e, policy, now))) return false;
        this.snapshot?.touch(key);
        dropExpired(list as TtlValue<T>[], policy, now);
        return list.length === 0;
      });
    }
  }

  get(): T[] {
    if (this.snapshot !== undefined) this.snapshot.touch(this.ctx.key);
    const policy = this.policy;
    const now = policy === undefined ? 0 : this.clock.nowMs();
    this.cleaner?.step(now);
    const list = this.map.get(this.ctx.key);
    if (list === undefined) return [];
    if (policy === undefined) return (list as T[]).slice();
    const out: T[] = [];
    const kept: TtlValue<T>[] = [];
    for (const e of list as TtlValue<T>[]) {
      if (isExpired(e, policy, now)) {
        if (policy.returnExpired) out.push(e.value);
        continue;
      }
      if (policy.refreshOnRead) e.lastAccessMs = now;
      out.push(e.value);
      kept.push(e);
    }
    if (kept.length === 0) this.map.delete(this.ctx.key);
    else if (kept.length !== list.length) this.map.set(this.ctx.key, kept);
    return out;
  }

  add(value: T): void {
    this.addAll([value]);
  }

  addAll(values: readonly T[]): void {
    if (values.length === 0) return;
    if (this.snapshot !== undefined) this.snapshot.touch(this.ctx.key);
    // Clean up first: the cleaner drops empty lists, so it must not see the one created below.
    const now = this.policy === undefined ? 0 : this.clock.nowMs();
    this.cleaner?.step(now);
    let list = this.map.get(this.ctx.key);
    if (list === undefined) {
      list = [];
      this.map.set(this.ctx.key, list);
    }
    if (this.policy === undefined) for (const v of values) list.push(v);
    else for (const v of values) list.push({ value: v, lastAccessMs: now } satisfies TtlValue<T>);
  }

  update(values: readonly T[]): void {
    if (this.snapshot !== undefined) this.snapshot.touch(this.ctx.key);
    this.map.delete(this.ctx.key);
    this.addAll(values);
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
    for (const [key, list] of this.map)
      if ((list as TtlValue<T>[]).some((e) => !isExpired(e, policy, nowMs))) out.push(key);
    return out;
  }

  beginSnapshot(nowMs: number): TableSnapshotCursor {
    const policy = this.policy;
    this.snapshot = new KeyedTableSnapshot(this.map, (key, list) => {
      if (policy === undefined) return [key, list];
      const live = (list as TtlValue<T>[]).filter((e) => !isExpired(e, policy, nowMs));
      return live.length > 0 ? [key, live] : undefined;
    });
    return this.snapshot;
  }

  endSnapshot(): void {
    this.snapshot = undefined;
  }

  restoreRow(row: unknown[]): void {
    this.map.set(row[0] as Key, (row[1] as unknown[]).slice());
  }
}

function dropExpired<T>(list: TtlValue<T>[], policy: TtlPolicy, nowMs: number): void {
  let w = 0;
  for (let r = 0; r < list.length; r++) {
    const e = list[r] as TtlValue<T>;
    if (!isExpired(e, policy, nowMs)) list[w++] = e;
  }
  list.length = w;
}
