import type { AggregateFunction } from './window-functions.js';

/** Common aggregate functions, ready for `window(...).aggregate(...)`. All support session merging. */
export const Aggregates = {
  /** Number of elements. */
  count<T>(): AggregateFunction<T, number, number> {
    return { createAccumulator: () => 0, add: (_v, n) => n + 1, getResult: (n) => n, merge: (a, b) => a + b };
  },
  /** Sum of a numeric field. */
  sum<T>(field: (value: T) => number): AggregateFunction<T, number, number> {
    return {
      createAccumulator: () => 0,
      add: (v, s) => s + field(v),
      getResult: (s) => s,
      merge: (a, b) => a + b,
    };
  },
  /** Arithmetic mean of a numeric field (NaN for an empty window, which never fires). */
  average<T>(field: (value: T) => number): AggregateFunction<T, { sum: number; count: number }, number> {
    return {
      createAccumulator: () => ({ sum: 0, count: 0 }),
      add: (v, acc) => {
        acc.sum += field(v);
        acc.count++;
        return acc;
      },
      getResult: (acc) => acc.sum / acc.count,
      merge: (a, b) => ({ sum: a.sum + b.sum, count: a.count + b.count }),
    };
  },
  /** The elements themselves, in arrival order (costs memory per element). */
  toList<T>(): AggregateFunction<T, T[], T[]> {
    return {
      createAccumulator: () => [],
      add: (v, list) => {
        list.push(v);
        return list;
      },
      getResult: (list) => list.slice(),
      merge: (a, b) => a.concat(b),
    };
  },
};
