import type { Key } from '../core/key.js';

/**
 * Keyed state as user functions see it. Every call applies to the *current key*: the key of the
 * record (or timer) being processed, which the operator sets before calling user code.
 */

export interface ValueState<T> {
  /** The value for the current key, the descriptor's default when absent or expired. */
  value(): T | undefined;
  update(value: T): void;
  clear(): void;
}

export interface ListState<T> {
  /** A copy of the list for the current key (empty when absent); with TTL, only live elements. */
  get(): T[];
  add(value: T): void;
  addAll(values: readonly T[]): void;
  /** Replaces the whole list. */
  update(values: readonly T[]): void;
  clear(): void;
}

export interface MapState<V> {
  get(userKey: Key): V | undefined;
  put(userKey: Key, value: V): void;
  putAll(entries: Iterable<readonly [Key, V]>): void;
  remove(userKey: Key): void;
  contains(userKey: Key): boolean;
  entries(): Array<[Key, V]>;
  keys(): Key[];
  values(): V[];
  isEmpty(): boolean;
  clear(): void;
}
