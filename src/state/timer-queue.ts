import type { Key } from '../core/key.js';
import { MinHeap, nonFiniteTime } from './min-heap.js';

/**
 * Timers of one time domain, deduplicated per (timestamp, key, namespace) and fired in timestamp
 * order; timers sharing a timestamp fire grouped by key (keys in the order their first timer for that
 * timestamp was registered, then that key's namespaces in registration order). Layout: a min-heap of distinct
 * timestamps plus, per timestamp, a bucket `Map<key, Set<namespace>>`. Deleting a timer empties its
 * slot; a timestamp whose bucket is gone is skipped when it reaches the top of the heap.
 * Timestamps must be finite: `add` refuses NaN and ±Infinity before touching anything.
 */
export class TimerQueue {
  private readonly heap = new MinHeap();
  private readonly buckets = new Map<number, Map<Key, Set<number>>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds a timer; false when the same timer was already registered. */
  add(timestampMs: number, key: Key, namespace: number): boolean {
    if (!Number.isFinite(timestampMs)) throw nonFiniteTime(timestampMs);
    let bucket = this.buckets.get(timestampMs);
    if (bucket === undefined) {
      bucket = new Map();
      this.buckets.set(timestampMs, bucket);
      this.heap.push(timestampMs);
    }
    let namespaces = bucket.get(key);
    if (namespaces === undefined) {
      namespaces = new Set();
      bucket.set(key, namespaces);
    } else if (namespaces.has(namespace)) {
      return false;
    }
    namespaces.add(namespace);
    this.count++;
    return true;
  }

  remove(timestampMs: number, key: Key, namespace: number): void {
    const bucket = this.buckets.get(timestampMs);
    const namespaces = bucket?.get(key);
    if (bucket === undefined || namespaces === undefined || !namespaces.delete(namespace)) return;
    this.count--;
    if (namespaces.size === 0) bucket.delete(key);
    if (bucket.size === 0) this.buckets.delete(timestampMs);
  }

  /** The earliest pending timestamp, if any. */
  peekMs(): number | undefined {
    for (;;) {
      const top = this.heap.peek();
      if (top === undefined || this.buckets.has(top)) return top;
      this.heap.pop();
    }
  }

  /**
   * Fires every timer with timestamp <= `untilMs`, earliest first. Timers registered by `fire` with a
   * timestamp <= `untilMs` fire in the same call, after those already due.
   */
  fireUntil(untilMs: number, fire: (timestampMs: number, key: Key, namespace: number) => void): void {
    for (;;) {
      const ts = this.peekMs();
      if (ts === undefined || ts > untilMs) return;
      this.heap.pop();
      const bucket = this.buckets.get(ts);
      if (bucket === undefined) continue;
      this.buckets.delete(ts);
      for (const [key, namespaces] of bucket) {
        for (const ns of namespaces) {
          this.count--;
          fire(ts, key, ns);
        }
      }
    }
  }

  *entries(): IterableIterator<[number, Key, number]> {
    for (const [ts, bucket] of this.buckets) {
      for (const [key, namespaces] of bucket) for (const ns of namespaces) yield [ts, key, ns];
    }
  }
}
