import type { Collector } from '../core/collector.js';
import { ConfigError } from '../core/errors.js';
import type { Key, KeySelector, KeyValue } from '../core/key.js';
import { KeyedProcessOperator } from '../operators/keyed-process-operator.js';
import type {
  KeyedProcessContext,
  KeyedProcessFunction,
  KeyedRuntimeContext,
} from '../operators/process-function.js';
import type { ValueState } from '../state/keyed-state.js';
import { valueState } from '../state/state-descriptors.js';
import { GlobalWindows } from '../window/assigners.js';
import { CountTrigger, PurgingTrigger } from '../window/triggers.js';
import type { WindowAssigner } from '../window/window-assigner.js';
import { countEvictor, type ReduceFunction } from '../window/window-functions.js';
import { ConnectedKeyedStreams } from './connected-streams.js';
import type { DataStream, OperatorOptions } from './data-stream.js';
import { buildPerInstance, type PerInstance } from './per-instance.js';
import { WindowedStream } from './windowed-stream.js';

/** Options of keyed operators: also how many instances share the key groups. */
export interface KeyedOperatorOptions extends OperatorOptions {
  readonly parallelism?: number;
}

/**
 * A stream partitioned by key. Keyed operators see one key at a time: their state and timers are
 * per key, and keys are spread over instances by key group.
 */
export class KeyedStream<T, K extends KeyValue> {
  /** @internal */
  constructor(
    readonly input: DataStream<T>,
    readonly keySelector: KeySelector<T, K>,
    /** @internal The key in the runtime's form (`toKey`), refusing keys without value semantics. */
    readonly runtimeKey: (value: T) => Key,
  ) {}

  /**
   * A keyed process function: per-key state, event- and processing-time timers, side outputs.
   * Given as an object or a factory, it is built once per parallel instance, so state handles it
   * obtains in `open` belong to that instance alone.
   */
  process<R>(fn: PerInstance<KeyedProcessFunction<K, T, R>>, options?: KeyedOperatorOptions): DataStream<R> {
    const key = this.runtimeKey;
    return this.input.addKeyedOperator(
      'keyedProcess',
      () => new KeyedProcessOperator<K, T, R>(key, buildPerInstance(fn)),
      key,
      options,
    );
  }

  /** Windows per key. */
  window(assigner: WindowAssigner): WindowedStream<T, K> {
    return new WindowedStream<T, K>(this, assigner);
  }

  /**
   * Count windows: every `size` elements of a key form a window; with `slide`, a window of the last
   * `size` elements fires every `slide` elements. Elements of a count window that never fills do not fire.
   */
  countWindow(size: number, slide?: number): WindowedStream<T, K> {
    if (!Number.isInteger(size) || size < 1)
      throw new ConfigError(`countWindow size must be an integer >= 1, got ${size}`);
    if (slide === undefined)
      return this.window(GlobalWindows.create()).trigger(PurgingTrigger.of(CountTrigger.of(size)));
    if (!Number.isInteger(slide) || slide < 1)
      throw new ConfigError(`countWindow slide must be an integer >= 1, got ${slide}`);
    return this.window(GlobalWindows.create()).evictor(countEvictor(size)).trigger(CountTrigger.of(slide));
  }

  /** A rolling reduce: emits the running result per key for every record. */
  reduce(fn: ReduceFunction<T>, options?: KeyedOperatorOptions): DataStream<T> {
    // A factory: each instance gets its own state handle (a shared closure variable would mix them).
    return this.process<T>(
      () => {
        let state: ValueState<T>;
        return {
          open(ctx: KeyedRuntimeContext) {
            state = ctx.getState(valueState<T>('reduce'));
          },
          processElement(value: T, _ctx: KeyedProcessContext<K>, out: Collector<T>) {
            const prev = state.value();
            const next = prev === undefined ? value : fn(prev, value);
            state.update(next);
            out.collect(next);
          },
        };
      },
      { name: 'reduce', ...options },
    );
  }

  /** Connects two keyed streams into one keyed two-input operator: both inputs share key state and timers. */
  connect<U>(other: KeyedStream<U, K>): ConnectedKeyedStreams<T, U, K> {
    return new ConnectedKeyedStreams<T, U, K>(this, other);
  }
}
