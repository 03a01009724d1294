import { ConfigError } from '../core/errors.js';
import { type Key, type KeySelector, type KeyValue, keyOf } from '../core/key.js';
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
import type { InstanceInfo, Partitioning, PlanConfig, PlanEdge } from '../plan/job-plan.js';
import type { KeyedOperator } from '../state/keyed-operator.js';
import type { WatermarkStrategy } from '../time/watermark-strategy.js';
import type { WindowAssigner } from '../window/window-assigner.js';
import { ConnectedStreams } from './connected-streams.js';
import { KeyedStream } from './keyed-stream.js';
import { buildPerInstance, type PerInstance } from './per-instance.js';
import type { PlanBuilder } from './plan-builder.js';
import { PlanNodeHandle } from './plan-node-handle.js';
import type { WindowedStream } from './windowed-stream.js';

/** Options every transformation accepts: a stable id (state, metrics, errors) and a display name. */
export interface OperatorOptions {
  readonly uid?: string;
  readonly name?: string;
}

/** One input of a node being added: which stream, and how records get to the node's instances. */
export interface NodeInput {
  readonly stream: DataStream<unknown>;
  readonly partitioning: Partitioning;
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

  /** @internal How a node reads this stream through an edge of the given partitioning. */
  edge(partitioning: Partitioning = { kind: 'forward' }): PlanEdge {
    return this.sideOutput === undefined
      ? { from: this.nodeId, partitioning }
      : { from: this.nodeId, sideOutput: this.sideOutput, partitioning };
  }

  /** @internal The plan this stream belongs to (for streams combined with it). */
  get planBuilder(): PlanBuilder {
    return this.plan;
  }

  /**
   * @internal Adds an operator node: `type` and `config` (plain JSON) describe it in the plan;
   * `create` builds one instance's operator (called once per parallel instance).
   */
  addNode<R>(
    type: string,
    config: PlanConfig,
    inputs: readonly NodeInput[],
    create: (instance: InstanceInfo) => Operator<unknown, unknown> | KeyedOperator<unknown, unknown>,
    options: OperatorOptions & { parallelism?: number; keyed?: boolean } = {},
  ): DataStream<R> {
    const id = options.uid ?? this.plan.nextId(type);
    const keyed = options.keyed ?? false;
    const parallelism = keyed
      ? (options.parallelism ?? this.plan.defaultParallelism)
      : (options.parallelism ?? 1);
    if (!Number.isInteger(parallelism) || parallelism < 1)
      throw new ConfigError(`parallelism must be an integer >= 1, got ${parallelism}`);
    this.plan.add({
      kind: 'operator',
      id,
      name: options.name ?? type,
      type,
      config,
      inputs: inputs.map((i) => i.stream.edge(i.partitioning)),
      parallelism,
      keyed,
      create,
    });
    return new DataStream<R>(this.plan, id);
  }

  /** @internal Adds a one-input operator node reading this stream. */
  addOperator<R>(
    type: string,
    create: () => Operator<T, R>,
    options: OperatorOptions = {},
    config: PlanConfig = {},
  ): DataStream<R> {
    return this.addNode<R>(
      type,
      config,
      [{ stream: this as DataStream<unknown>, partitioning: { kind: 'forward' } }],
      create as () => Operator<unknown, unknown>,
      options,
    );
  }

  /** @internal Adds a keyed operator node (after keyBy) reading this stream through a hash edge. */
  addKeyedOperator<R>(
    type: string,
    create: (instance: InstanceInfo) => KeyedOperator<T, R>,
    keySelector: (value: T) => Key,
    options: OperatorOptions & { parallelism?: number } = {},
    config: PlanConfig = {},
  ): DataStream<R> {
    return this.addNode<R>(
      type,
      config,
      [
        {
          stream: this as DataStream<unknown>,
          partitioning: { kind: 'hash', key: keySelector as (v: unknown) => Key },
        },
      ],
      create as (instance: InstanceInfo) => KeyedOperator<unknown, unknown>,
      { ...options, keyed: true },
    );
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

  /**
   * A process function: per-record logic with timestamps, the watermark and side outputs. Given as
   * an object or a factory; it is built per instance (see `PerInstance`).
   */
  process<R>(fn: PerInstance<ProcessFunction<T, R>>, options?: OperatorOptions): DataStream<R> {
    return this.addOperator('process', () => new ProcessOperator(buildPerInstance(fn)), options);
  }

  /** Defines event time from here on: timestamps per record and watermarks (exact per record). */
  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>, options?: OperatorOptions): DataStream<T> {
    const interval = this.autoWatermarkIntervalMs;
    return this.addOperator(
      'watermarks',
      () => new TimestampsAndWatermarksOperator(strategy, interval),
      options,
      { strategy: strategy.describe() },
    );
  }

  /**
   * Partitions the stream by key (by key group); keyed operators after it get per-key state and
   * timers. A key is a string, a number, a boolean or a tuple of them (`(h) => [h.path, h.status]`),
   * compared by value; any other key fails the job naming the operator and the record.
   */
  keyBy<K extends KeyValue>(keySelector: KeySelector<T, K>): KeyedStream<T, K> {
    return new KeyedStream<T, K>(this, keySelector, keyOf(keySelector));
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
    return this.addNode<T>(
      'union',
      {},
      [this, ...others].map((s) => ({ stream: s as DataStream<unknown>, partitioning: { kind: 'forward' } })),
      () => new UnionOperator(),
    );
  }

  /**
   * Connects two streams, possibly of different types, into one two-input operator (Flink's
   * `connect`): `process` gets each record with the input it came from; the watermark is the
   * minimum over both inputs.
   */
  connect<U>(other: DataStream<U>): ConnectedStreams<T, U> {
    if (other.plan !== this.plan)
      throw new ConfigError('connect() needs streams from the same StreamEnvironment');
    return new ConnectedStreams<T, U>(this, other);
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
      type: 'sink',
      config: { sink: sink.name },
      inputs: [this.edge()],
      parallelism: 1,
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
