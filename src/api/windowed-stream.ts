import { ConfigError } from '../core/errors.js';
import type { KeyValue } from '../core/key.js';
import type { OutputTag } from '../core/output-tag.js';
import type { Trigger } from '../window/trigger.js';
import type { WindowAssigner } from '../window/window-assigner.js';
import { aggregateContents, bufferContents, type WindowContents } from '../window/window-contents.js';
import {
  type AggregateFunction,
  type Evictor,
  type ProcessWindowFunction,
  type ReduceFunction,
  reduceAggregate,
  type WindowResultFunction,
} from '../window/window-functions.js';
import { WindowOperator } from '../window/window-operator.js';
import type { DataStream } from './data-stream.js';
import type { KeyedOperatorOptions, KeyedStream } from './keyed-stream.js';

/**
 * A keyed stream cut into windows. Configure the trigger, allowed lateness, late-data side output
 * and evictor, then finish with `aggregate`, `reduce` or `process`.
 */
export class WindowedStream<T, K extends KeyValue> {
  private triggerOverride: Trigger<T> | undefined;
  private allowedLatenessMs = 0;
  private lateDataTag: OutputTag<T> | undefined;
  private evictorFn: Evictor<T> | undefined;

  /** @internal */
  constructor(
    private readonly keyed: KeyedStream<T, K>,
    private readonly assigner: WindowAssigner,
  ) {}

  /** Replaces the assigner's default trigger (e.g. early firings, counts). */
  trigger(trigger: Trigger<T>): this {
    this.triggerOverride = trigger;
    return this;
  }

  /**
   * Keeps windows `lateness` ms after the watermark passed their end; a late element in that time
   * updates the window and fires it again. Event-time windows only.
   */
  allowedLateness(latenessMs: number): this {
    if (!(latenessMs >= 0)) throw new ConfigError(`allowedLateness must be >= 0 ms, got ${latenessMs}`);
    if (!this.assigner.isEventTime && latenessMs > 0)
      throw new ConfigError('allowedLateness applies to event-time windows only');
    this.allowedLatenessMs = latenessMs;
    return this;
  }

  /** Sends elements that are too late for all their windows to `tag` instead of dropping them. */
  sideOutputLateData(tag: OutputTag<T>): this {
    this.lateDataTag = tag;
    return this;
  }

  /** Removes elements before the window function runs (buffers the window's elements). */
  evictor(evictor: Evictor<T>): this {
    this.evictorFn = evictor;
    return this;
  }

  /** Incremental aggregation; `result` turns (key, window, aggregate) into the output record. */
  aggregate<ACC, R, OUT = R>(
    fn: AggregateFunction<T, ACC, R>,
    result?: WindowResultFunction<K, R, OUT>,
    options?: KeyedOperatorOptions,
  ): DataStream<OUT> {
    if (this.evictorFn !== undefined) {
      // Evictors need the elements: aggregate them at firing time instead of incrementally.
      const agg = fn;
      return this.process<OUT>((key, ctx, elements, out) => {
        let acc = agg.createAccumulator();
        for (const e of elements) acc = agg.add(e, acc);
        const r = agg.getResult(acc);
        out.collect(result === undefined ? (r as unknown as OUT) : result(key, ctx.window, r, ctx));
      }, options);
    }
    return this.build(
      'window',
      aggregateContents(fn, result as WindowResultFunction<KeyValue, R, OUT> | undefined),
      options,
    );
  }

  /** Incremental reduce; `result` turns (key, window, reduced value) into the output record. */
  reduce<OUT = T>(
    fn: ReduceFunction<T>,
    result?: WindowResultFunction<K, T, OUT>,
    options?: KeyedOperatorOptions,
  ): DataStream<OUT> {
    return this.aggregate<T | undefined, T, OUT>(reduceAggregate(fn), result, options);
  }

  /** A process-window function over all elements of the window (buffered). */
  process<OUT>(fn: ProcessWindowFunction<T, OUT, K>, options?: KeyedOperatorOptions): DataStream<OUT> {
    return this.build(
      'window',
      bufferContents(fn as ProcessWindowFunction<T, OUT, KeyValue>, this.evictorFn),
      options,
      'buffer',
    );
  }

  private build<OUT>(
    kind: string,
    contents: WindowContents<T, OUT>,
    options: KeyedOperatorOptions = {},
    contentsKind: 'aggregate' | 'buffer' = 'aggregate',
  ): DataStream<OUT> {
    const trigger = this.triggerOverride ?? (this.assigner.defaultTrigger() as Trigger<T>);
    const keySelector = this.keyed.runtimeKey;
    const config = {
      keySelector,
      assigner: this.assigner,
      trigger,
      contents,
      allowedLatenessMs: this.allowedLatenessMs,
      lateDataTag: this.lateDataTag,
    };
    return this.keyed.input.addKeyedOperator<OUT>(
      kind,
      () => new WindowOperator<T, OUT>(config),
      keySelector,
      { ...options, name: options.name ?? this.assigner.description },
      {
        assigner: this.assigner.description,
        eventTime: this.assigner.isEventTime,
        trigger: this.triggerOverride === undefined ? 'default' : 'custom',
        allowedLatenessMs: this.allowedLatenessMs,
        ...(this.lateDataTag === undefined ? {} : { lateDataTag: this.lateDataTag.id }),
        evictor: this.evictorFn !== undefined,
        contents: contentsKind,
      },
    );
  }
}
