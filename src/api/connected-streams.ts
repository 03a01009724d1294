import type { KeyValue } from '../core/key.js';
import { KeyedProcessOperator } from '../operators/keyed-process-operator.js';
import type { CoProcessFunction, KeyedCoProcessFunction } from '../operators/process-function.js';
import { ProcessOperator } from '../operators/process-operator.js';
import type { DataStream, OperatorOptions } from './data-stream.js';
import type { KeyedOperatorOptions, KeyedStream } from './keyed-stream.js';
import { buildPerInstance, type PerInstance } from './per-instance.js';

/**
 * Two streams feeding one two-input operator (Flink's ConnectedStreams). The operator knows which
 * input each record came from (input 0 is the stream `connect` was called on); its watermark is the
 * minimum over both inputs.
 */
export class ConnectedStreams<A, B> {
  /** @internal */
  constructor(
    private readonly first: DataStream<A>,
    private readonly second: DataStream<B>,
  ) {}

  process<R>(fn: PerInstance<CoProcessFunction<A, B, R>>, options?: OperatorOptions): DataStream<R> {
    return this.first.addNode<R>(
      'coProcess',
      {},
      [
        { stream: this.first as DataStream<unknown>, partitioning: { kind: 'forward' } },
        { stream: this.second as DataStream<unknown>, partitioning: { kind: 'forward' } },
      ],
      () => {
        const logic = buildPerInstance(fn);
        return new ProcessOperator<unknown, R>(logic, [
          logic.processElement1 as never,
          logic.processElement2 as never,
        ]);
      },
      options,
    );
  }
}

/** Two keyed streams with the same key type feeding one keyed two-input operator. */
export class ConnectedKeyedStreams<A, B, K extends KeyValue> {
  /** @internal */
  constructor(
    private readonly first: KeyedStream<A, K>,
    private readonly second: KeyedStream<B, K>,
  ) {}

  process<R>(
    fn: PerInstance<KeyedCoProcessFunction<K, A, B, R>>,
    options?: KeyedOperatorOptions,
  ): DataStream<R> {
    const keyA = this.first.runtimeKey;
    const keyB = this.second.runtimeKey;
    return this.first.input.addNode<R>(
      'keyedCoProcess',
      {},
      [
        {
          stream: this.first.input as DataStream<unknown>,
          partitioning: { kind: 'hash', key: keyA as never },
        },
        {
          stream: this.second.input as DataStream<unknown>,
          partitioning: { kind: 'hash', key: keyB as never },
        },
      ],
      () => {
        const logic = buildPerInstance(fn);
        return new KeyedProcessOperator<K, unknown, R>(keyA as never, logic as never, [
          { key: keyA as never, process: logic.processElement1 as never },
          { key: keyB as never, process: logic.processElement2 as never },
        ]);
      },
      { ...options, keyed: true },
    );
  }
}
