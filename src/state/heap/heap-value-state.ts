import type { Clock } from '../../core/clock.js';
import type { Key } from '../../core/key.js';
import type { ValueState } from '../keyed-state.js';
import type { ValueStateDescriptor } from '../state-descriptors.js';
import { isExpired, type TtlPolicy, type TtlValue, ttlPolicy } from '../state-ttl.js';
import { KeyedTableSnapshot, type TableSnapshotCursor } from './copy-on-write-snapshot.js';
import { type HeapStateTable, IncrementalCleaner, type KeyContext } from './heap-state-table.js';

/**
 * Value state on the heap: `Map<key, value>`, or `Map<key, { value, lastAccessMs }>` with TTL.
 * While a snapshot runs, every access first lets it stash the entry (`snapshot.touch`).
 */
export class HeapValueState<T> implements ValueState<T>, HeapStateTable {
  readonly kind = 'value';
  private readonly map = new Map<Key, unknown>();
  private readonly policy: TtlPolicy | undefined;
  private readonly cleaner: IncrementalCleaner<unknown> | undefined;
  private snapshot: KeyedTableSnapshot<unknown> | undefined;

  constructor(
    private readonly ctx: KeyContext,
    private readonly descriptor: ValueStateDescriptor<T>,
    private readonly clock: Clock,
  ) {
    this.policy = ttlPolicy(descriptor.ttl);
    const policy = this.policy;
    if (policy !== undefined) {
      this.cleaner = new IncrementalCleaner(this.map, policy.entriesPerAccess, (key, e, now) => {
        if (!isExpired(e as TtlValue<T>, policy, now)) return false;
        this.snapshot?.touch(key);
        return true;
      });
    }
  }

  value(): T | undefined {
    if (this.snapshot !== undefined) this.snapshot.touch(this.ctx.key);
    const policy = this.policy;
    if (policy === undefined) {
      const v = this.map.get(this.ctx.key);
      return v === undefined ? this.descriptor.defaultValue : (v as T);
    }
    const now = this.clock.nowMs();
    this.cleaner?.step(now);
    const entry = this.map.get(this.ctx.key) as TtlValue<T> | undefined;
    if (entry === undefined) return this.descriptor.defaultValue;
    if (isExpired(entry, policy, now)) {
      this.map.delete(this.ctx.key);
      return policy.returnExpired ? entry.value : this.descriptor.defaultValue;
    }
    if (policy.refreshOnRead) entry.lastAccessMs = now;
    return entry.value;
  }

  /** Stores `value` for the current key; `undefined` clears it. */
  update(value: T): void {
    if (value === undefined) {
      this.clear();
      return;
    }
    if (this.snapshot !== undefined) this.snapshot.touch(this.ctx.key);
    if (this.policy === undefined) {
      this.map.set(this.ctx.key, value);
      return;
    }
    const now = this.clock.nowMs();
    this.cleaner?.step(now);
    this.map.set(this.ctx.key, { value, lastAccessMs: now } satisfies TtlValue<T>);
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
    for (const [key, e] of this.map) if (!isExpired(e as TtlValue<T>, policy, nowMs)) out.push(key);
    return out;
  }

  beginSnapshot(nowMs: number): TableSnapshotCursor {
    const policy = this.policy;
    this.snapshot = new KeyedTableSnapshot(this.map, (key, stored) =>
      policy !== undefined && isExpired(stored as TtlValue<T>, policy, nowMs) ? undefined : [key, stored],
    );
    return this.snapshot;
  }

  endSnapshot(): void {
    this.snapshot = undefined;
  }

  restoreRow(row: unknown[]): void {
    this.map.set(row[0] as Key, row[1]);
  }
}
