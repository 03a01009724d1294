import { ConfigError } from '../core/errors.js';
import type { Key, KeySelector } from '../core/key.js';
import type { Operator } from '../core/operator.js';
import type { OutputTag } from '../core/output-tag.js';
import type { RecordBatch } from '../core/record-batch.js';
import type { Sink } from '../core/sink.js';
import { FilterOperator } from '../operators/filter-operator.js';
import { FlatMapOperator } from '../operators/flat-map-operator.js';
import { MapOperator } from '../operators/map-operator.js';
import type { ProcessFunction } from '../operators/process-function.js';
import { ProcessOperator } from '../operators/process-operator.js';
import { TimestampsAndWatermarksOperator } from '../operators/timestamps-and-watermarks-operator.js';
import type { JobEdge } from '../runtime/job-graph.js';
import type { KeyedOperator } from '../state/keyed-operator.js';
import type { WatermarkStrategy } from '../time/watermark-strategy.js';
import type { WindowAssigner } from '../window/window-assigner.js';
import { KeyedStream } from './keyed-stream.js';
import type { PlanBuilder } from './plan-builder.js';
import { PlanNodeHandle } from './plan-node-handle.js';
import type { WindowedStream } from './windowed-stream.js';

/** Options every transformation accepts: a stable id (state, metrics, errors) and a display name. */
export interface OperatorOptions {
  readonly uid?: string;
  readonly name?: string;
}

/**
 * A stream of records of type T: the main output of an operator, or one of its side outputs.
 * Transformations add nodes to the job plan and return new streams; nothing runs until
 * `env.execute()`.
 */
export class DataStream<T> extends PlanNodeHandle {
  /** @internal */
  constructor(
    plan: PlanBuilder,
    /** The id of the operator that produces this stream. */
    nodeId: string,
    protected readonly sideOutput?: string,
  ) {
    super(plan, nodeId);
  }

  /** @internal */
  get edge(): JobEdge {
    return this.sideOutput === undefined
      ? { from: this.nodeId }
      : { from: this.nodeId, sideOutput: this.sideOutput };
  }

  /** @internal Adds a one-input operator node reading this stream. */
  addOperator<R>(kind: string, create: () => Operator<T, R>, options: OperatorOptions = {}): DataStream<R> {
    const id = options.uid ?? this.plan.nextId(kind);
    this.plan.add({
      kind: 'operator',
      id,
      name: options.name ?? kind,
      inputs: [this.edge],
      create: create as () => Operator<unknown, unknown>,
    });
    return new DataStream<R>(this.plan, id);
  }

  /** @internal Adds a keyed operator node (after keyBy) reading this stream. */
  addKeyedOperator<R>(
    kind: string,
    create: () => KeyedOperator<T, R>,
    keySelector: KeySelector<T>,
    options: OperatorOptions & { parallelism?: number } = {},
  ): DataStream<R> {
    const id = options.uid ?? this.plan.nextId(kind);
    const parallelism = options.parallelism ?? this.plan.defaultParallelism;
    if (!Number.isInteger(parallelism) || parallelism < 1)
      throw new ConfigError(`parallelism must be an integer >= 1, got ${parallelism}`);
    this.plan.add({
      kind: 'keyed',
      id,
      name: options.name ?? kind,
      inputs: [this.edge],
      create: create as () => KeyedOperator<unknown, unknown>,
      keySelector: keySelector as KeySelector<unknown>,
      parallelism,
    });
    return new DataStream<R>(this.plan, id);
  }

  /** @internal The environment-wide interval for periodic watermark generators. */
  get autoWatermarkIntervalMs(): number {
    return this.plan.autoWatermarkIntervalMs;
  }

  protected override checkRenamable(): void {
    if (this.sideOutput !== undefined)
      throw new ConfigError('uid() applies to an operator, not to a side output');
  }

  /** One output per record. Throw `InvalidRecordError` (or call `reject`) to send a bad record to dead letters. */
  map<R>(fn: (value: T) => R, options?: OperatorOptions): DataStream<R> {
    return this.addOperator('map', () => new MapOperator(fn), options);
  }

  filter(predicate: (value: T) => boolean, options?: OperatorOptions): DataStream<T> {
    return this.addOperator('filter', () => new FilterOperator(predicate), options);
  }

  /** Zero or more outputs per record (return an array or any iterable). */
  flatMap<R>(fn: (value: T) => Iterable<R>, options?: OperatorOptions): DataStream<R> {
    return this.addOperator('flatMap', () => new FlatMapOperator(fn), options);
  }

  /** A process function: per-record logic with timestamps, the watermark and side outputs. */
  process<R>(fn: ProcessFunction<T, R>, options?: OperatorOptions): DataStream<R> {
    return this.addOperator('process', () => new ProcessOperator(fn), options);
  }

  /** Defines event time from here on: timestamps per record and watermarks (exact per record). */
  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>, options?: OperatorOptions): DataStream<T> {
    const interval = this.autoWatermarkIntervalMs;
    return this.addOperator(
      'watermarks',
      () => new TimestampsAndWatermarksOperator(strategy, interval),
      options,
    );
  }

  /** Partitions the stream by key (by key group); keyed operators after it get per-key state and timers. */
  keyBy<K extends Key>(keySelector: KeySelector<T, K>): KeyedStream<T, K> {
    return new KeyedStream<T, K>(this, keySelector);
  }

  /** Windows over the whole stream (one key, so one instance). */
  windowAll(assigner: WindowAssigner): WindowedStream<T, number> {
    return this.keyBy(() => 0).window(assigner);
  }

  /** Merges streams of the same type; the merged watermark is the minimum over the inputs. */
  union(...others: DataStream<T>[]): DataStream<T> {
    for (const o of others) {
      if (o.plan !== this.plan)
        throw new ConfigError('union() needs streams from the same StreamEnvironment');
    }
    const id = this.plan.nextId('union');
    this.plan.add({
      kind: 'operator',
      id,
      name: 'union',
      inputs: [this.edge, ...others.map((o) => o.edge)],
      create: () => new UnionOperator(),
    });
    return new DataStream<T>(this.plan, id);
  }

  /** The records this operator sent to the side output `tag` (late data, dead letters, custom routes). */
  getSideOutput<X>(tag: OutputTag<X>): DataStream<X> {
    if (this.sideOutput !== undefined)
      throw new ConfigError('side outputs belong to operators; call getSideOutput on the main stream');
    return new DataStream<X>(this.plan, this.nodeId, tag.id);
  }

  /** Writes the stream to a sink. */
  sinkTo(sink: Sink<T>, options: OperatorOptions = {}): StreamSink {
    const id = options.uid ?? this.plan.nextId('sink');
    this.plan.add({
      kind: 'sink',
      id,
      name: options.name ?? sink.name,
      inputs: [this.edge],
      sink: sink as Sink<unknown>,
    });
    return new StreamSink(this.plan, id);
  }
}

/** A sink in the plan; lets you set its uid and name. */
export class StreamSink extends PlanNodeHandle {}

/** Passes every input through; its node's watermark valve merges the inputs' watermarks. */
class UnionOperator<T> implements Operator<T, T> {
  private emit!: (b: RecordBatch<T>) => void;
  open(ctx: { output: { emit(b: RecordBatch<T>): void } }): void {
    this.emit = (b) => ctx.output.emit(b);
  }
  processBatch(batch: RecordBatch<T>): void {
    this.emit(batch);
  }
}
