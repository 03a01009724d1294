import type { Clock } from '../core/clock.js';
import type { Key } from '../core/key.js';
import type { KeyGroupRange } from './key-groups.js';
import type { ListState, MapState, ValueState } from './keyed-state.js';
import type {
  KeyedStateSnapshot,
  KeyedStateSnapshotChunk,
  KeyedStateSnapshotHeader,
  KeyedStateSnapshotWriter,
  SnapshotToOptions,
} from './keyed-state-snapshot.js';
import type { ListStateDescriptor, MapStateDescriptor, ValueStateDescriptor } from './state-descriptors.js';
import type { KeyedTimerService } from './timer-service.js';

// The snapshot format moved to keyed-state-snapshot.ts; these names stay importable from here.
export type {
  KeyedStateSnapshot,
  KeyGroupSnapshot,
  StateKind,
  StateTableSnapshot,
  TimerSnapshot,
} from './keyed-state-snapshot.js';

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
  /** Number of keys holding state `name` (for tests and metrics); may count expired entries not cleaned up yet. */
  keyCount(name: string): number;
  /**
   * The keys holding live (unexpired) state `name`, as a copy taken at the call: the caller may
   * set each as the current key and read or change its state while iterating (Flink's applyToAllKeys).
   */
  keys(name: string): Key[];
  /** All state and timers now, as one synchronous deep copy (format in `keyed-state-snapshot.ts`). */
  snapshot(): KeyedStateSnapshot;
  /**
   * Streams a snapshot of the state and timers as they are at this call to `writer`, in chunks of
   * at most `maxRowsPerChunk` rows, yielding to the event loop between chunks while the job keeps
   * reading and writing state. Later changes never reach the snapshot; expired entries are left
   * out. One snapshot at a time: a second call while one runs is refused.
   */
  snapshotTo(writer: KeyedStateSnapshotWriter, options?: SnapshotToOptions): Promise<void>;
  /** Loads a snapshot, keeping only the key groups in this backend's range. Call before processing. */
  restore(snapshot: KeyedStateSnapshot): void;
  /** `restore` from a streamed snapshot (header and chunks as `snapshotTo` wrote them). */
  restoreFrom(
    header: KeyedStateSnapshotHeader,
    chunks: Iterable<KeyedStateSnapshotChunk> | AsyncIterable<KeyedStateSnapshotChunk>,
  ): Promise<void>;
  /**
   * Called once by the runtime before the operator instance opens and processes anything, after
   * any `restore`/`restoreFrom` from a snapshot (`restoredFromSnapshot` says whether one ran). A
   * backend whose state lives outside the process (in an index) loads it here; the job does not
   * start until it resolves.
   */
  open?(info: { readonly restoredFromSnapshot: boolean }): Promise<void>;
  /**
   * Called once when the job ended gracefully (finished, or stopped with its sinks flushed), after
   * the operator closed and before `dispose`: a backend that batches writes to an outside store
   * makes its state durable here, so a later run that restores from that store finds the state of
   * the stop. Not called after a failure or a cancel (the state then is what the last checkpoint
   * made durable).
   */
  close?(): Promise<void>;
  /** Drops all state; a snapshot still running fails. Always called last, also after a failure. */
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
