import type { Clock } from '../../core/clock.js';
import type { Key } from '../../core/key.js';
import type { ListState } from '../keyed-state.js';
import type { ListStateDescriptor } from '../state-descriptors.js';
import { isExpired, type TtlPolicy, type TtlValue, ttlPolicy } from '../state-ttl.js';
import { type HeapStateTable, IncrementalCleaner, type KeyContext } from './heap-state-table.js';

/**
 * List state on the heap: `Map<key, T[]>`, or with TTL `Map<key, { value, lastAccessMs }[]>` where
 * each element expires on its own (as in Flink).
 */
export class HeapListState<T> implements ListState<T>, HeapStateTable {
  readonly kind = 'list';
  private readonly map = new Map<Key, unknown[]>();
  private readonly policy: TtlPolicy | undefined;
  private readonly cleaner: IncrementalCleaner<unknown[]> | undefined;

  constructor(
    private readonly ctx: KeyContext,
    descriptor: ListStateDescriptor<T>,
    private readonly clock: Clock,
  ) {
    this.policy = ttlPolicy(descriptor.ttl);
    const policy = this.policy;
    if (policy !== undefined) {
      this.cleaner = new IncrementalCleaner(this.map, policy.entriesPerAccess, (list, now) => {
        dropExpired(list as TtlValue<T>[], policy, now);
        return list.length === 0;
      });
    }
  }

  get(): T[] {
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
    this.map.delete(this.ctx.key);
    this.addAll(values);
  }

  clear(): void {
    this.map.delete(this.ctx.key);
  }

  keyCount(): number {
    return this.map.size;
  }

  *snapshotRows(nowMs: number): Iterable<unknown[]> {
    const policy = this.policy;
    for (const [key, list] of this.map) {
      if (policy === undefined) {
        yield [key, list.slice()];
        continue;
      }
      const live = (list as TtlValue<T>[]).filter((e) => !isExpired(e, policy, nowMs)).map((e) => ({ ...e }));
      if (live.length > 0) yield [key, live];
    }
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
