import type { Collector } from '../core/collector.js';
import { ConfigError } from '../core/errors.js';
import type { KeyValue } from '../core/key.js';
import type {
  AggregateFunction,
  Evictor,
  ProcessWindowFunction,
  WindowContext,
  WindowResultFunction,
} from './window-functions.js';

/**
 * How a window holds what it has seen: one accumulator (incremental aggregation, O(1) memory per
 * window) or the elements themselves (needed by process-window functions and evictors).
 */
export interface WindowContents<IN, OUT> {
  create(): unknown;
  add(contents: unknown, value: IN, timestampMs: number): unknown;
  /** Combines two windows' contents when session windows merge. */
  merge(a: unknown, b: unknown): unknown;
  /** Computes the window's output and hands each record to `out`. */
  emit(key: KeyValue, contents: unknown, ctx: WindowContext, out: Collector<OUT>): void;
}

export function aggregateContents<IN, ACC, R, OUT>(
  aggregate: AggregateFunction<IN, ACC, R>,
  result: WindowResultFunction<KeyValue, R, OUT> | undefined,
): WindowContents<IN, OUT> {
  return {
    create: () => aggregate.createAccumulator(),
    add: (acc, value) => aggregate.add(value, acc as ACC),
    merge: (a, b) => {
      if (aggregate.merge === undefined) {
        throw new ConfigError(
          'session windows merge accumulators: the aggregate function needs a merge(a, b) method',
        );
      }
      return aggregate.merge(a as ACC, b as ACC);
    },
    emit: (key, acc, ctx, out) => {
      const r = aggregate.getResult(acc as ACC);
      out.collect(result === undefined ? (r as unknown as OUT) : result(key, ctx.window, r, ctx));
    },
  };
}

/** Buffered elements with their timestamps: `{ values, timestampsMs }`. */
interface Buffer<IN> {
  values: IN[];
  timestampsMs: number[];
}

export function bufferContents<IN, OUT>(
  process: ProcessWindowFunction<IN, OUT, KeyValue>,
  evictor: Evictor<IN> | undefined,
): WindowContents<IN, OUT> {
  return {
    create: (): Buffer<IN> => ({ values: [], timestampsMs: [] }),
    add: (contents, value, timestampMs) => {
      const b = contents as Buffer<IN>;
      b.values.push(value);
      b.timestampsMs.push(timestampMs);
      return b;
    },
    merge: (a, b) => {
      const x = a as Buffer<IN>;
      const y = b as Buffer<IN>;
      return { values: x.values.concat(y.values), timestampsMs: x.timestampsMs.concat(y.timestampsMs) };
    },
    emit: (key, contents, ctx, out) => {
      const b = contents as Buffer<IN>;
      // The evictor trims the stored buffer itself: evicted elements are gone for later firings too.
      evictor?.evictBefore(b.values, b.timestampsMs);
      process(key, ctx, b.values.slice(), out);
    },
  };
}
