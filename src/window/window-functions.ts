import type { Collector } from '../core/collector.js';
import type { KeyValue } from '../core/key.js';
import type { OutputTag } from '../core/output-tag.js';
import type { TimeWindow } from './time-window.js';

/**
 * Incremental aggregation, as in Flink: the window keeps one accumulator per (key, window) instead
 * of its elements. `merge` is required for session windows (merging windows merge accumulators).
 * `add` may mutate and return the accumulator.
 */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(value: IN, accumulator: ACC): ACC;
  getResult(accumulator: ACC): OUT;
  merge?(a: ACC, b: ACC): ACC;
}

/** Combines two values of the same type (sum, max, latest...). */
export type ReduceFunction<T> = (a: T, b: T) => T;

/** What a window function knows about the firing window. */
export interface WindowContext {
  readonly window: TimeWindow;
  readonly currentWatermarkMs: number;
  currentProcessingTimeMs(): number;
  /** Emits to a side output. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

/** Turns a window's aggregate into the output record (the second argument of `aggregate`/`reduce`). */
export type WindowResultFunction<K extends KeyValue, R, OUT> = (
  key: K,
  window: TimeWindow,
  result: R,
  ctx: WindowContext,
) => OUT;

/** Sees all elements of a fired window (they are buffered, which costs memory). */
export type ProcessWindowFunction<IN, OUT, K extends KeyValue> = (
  key: K,
  ctx: WindowContext,
  elements: readonly IN[],
  out: Collector<OUT>,
) => void;

/** Adapts a reduce function to the aggregate contract. */
export function reduceAggregate<T>(reduce: ReduceFunction<T>): AggregateFunction<T, T | undefined, T> {
  return {
    createAccumulator: () => undefined,
    add: (value, acc) => (acc === undefined ? value : reduce(acc, value)),
    getResult: (acc) => acc as T,
    merge: (a, b) => (a === undefined ? b : b === undefined ? a : reduce(a, b)),
  };
}

/** Removes elements from a buffered window before its function runs (sliding count windows). */
export interface Evictor<T> {
  evictBefore(elements: T[], timestampsMs: number[]): void;
}

/** Keeps only the last `maxCount` elements of a window. */
export function countEvictor<T>(maxCount: number): Evictor<T> {
  return {
    evictBefore(elements, timestampsMs) {
      const drop = elements.length - maxCount;
      if (drop > 0) {
        elements.splice(0, drop);
        timestampsMs.splice(0, drop);
      }
    },
  };
}
