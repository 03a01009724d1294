import type { Clock } from '../core/clock.js';
import type { Key } from '../core/key.js';
import type { KeyGroupRange } from './key-groups.js';
import type { ListState, MapState, ValueState } from './keyed-state.js';
import type { ListStateDescriptor, MapStateDescriptor, ValueStateDescriptor } from './state-descriptors.js';
import type { KeyedTimerService } from './timer-service.js';

/**
 * Window contents and other operator-internal state addressed by (current key, namespace). The
 * namespace is a number: a window's start for time windows, −∞ for the global window. Used by the
 * window operator on its hot path, so it exposes direct get/set instead of user-facing views.
 */
export interface NamespacedState<V> {
  get(namespace: number): V | undefined;
  set(namespace: number, value: V): void;
  delete(namespace: number): void;
  /** Every (key, namespace, value) held; for end-of-input flushes and tests. */
  entries(): Iterable<[Key, number, V]>;
}

/**
 * Snapshot layout (format 1), plain data that survives `structuredClone`, v8 serialization and JSON:
 *   { formatVersion: 1, maxParallelism, keyGroups: [{ keyGroup, states: { [name]: table }, timers: { [service]: timers } }] }
 * Each state table is `{ kind, entries }` with entries `[key, stored]` (value/list/map state; map state
 * stores `[userKey, stored][]`) or `[key, namespace, stored]` (namespaced). With TTL, `stored` wraps
 * the value as `{ value, lastAccessMs }` (per element for lists, per entry for maps). Expired entries
 * are never written. Timers are `[timestampMs, key, namespace, domain]`, domain 0 = event time,
 * 1 = processing time. Grouping by key group lets a restore keep only the groups it owns.
 */
export interface KeyedStateSnapshot {
  readonly formatVersion: 1;
  readonly maxParallelism: number;
  readonly keyGroups: readonly KeyGroupSnapshot[];
}

export type StateKind = 'value' | 'list' | 'map' | 'namespaced';

export interface StateTableSnapshot {
  readonly kind: StateKind;
  readonly entries: unknown[][];
}

export type TimerSnapshot = [timestampMs: number, key: Key, namespace: number, domain: 0 | 1];

export interface KeyGroupSnapshot {
  readonly keyGroup: number;
  readonly states: Record<string, StateTableSnapshot>;
  readonly timers: Record<string, TimerSnapshot[]>;
}

/**
 * Holds the keyed state of one keyed operator instance. The operator calls `setCurrentKey` before
 * touching state or timers for a record or timer; every state view then reads and writes that key.
 * Implementations: heap now; persistent and search-engine backends later, behind this contract.
 */
export interface KeyedStateBackend {
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;
  setCurrentKey(key: Key): void;
  getCurrentKey(): Key;
  getValueState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getMapState<V>(descriptor: MapStateDescriptor<V>): MapState<V>;
  getNamespacedState<V>(name: string): NamespacedState<V>;
  /**
   * The timer service named `name` (created on first call). `scheduleProcessingTime` asks the
   * runtime to wake the operator when the earliest processing-time timer is due.
   */
  getTimerService(name: string, scheduleProcessingTime: (timestampMs: number) => void): KeyedTimerService;
  /** Number of keys holding state `name` (for tests and metrics). */
  keyCount(name: string): number;
  snapshot(): KeyedStateSnapshot;
  /** Loads a snapshot, keeping only the key groups in this backend's range. Call before processing. */
  restore(snapshot: KeyedStateSnapshot): void;
  dispose(): void;
}

/** Builds keyed state backends, one per keyed operator instance; chosen per job. */
export interface StateBackend {
  readonly name: string;
  createKeyedStateBackend(options: {
    operatorId: string;
    keyGroupRange: KeyGroupRange;
    maxParallelism: number;
    clock: Clock;
  }): KeyedStateBackend;
}
