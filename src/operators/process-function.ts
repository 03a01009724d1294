import type { Collector } from '../core/collector.js';
import type { KeyValue } from '../core/key.js';
import type { OutputTag } from '../core/output-tag.js';
import type { ListState, MapState, ValueState } from '../state/keyed-state.js';
import type {
  ListStateDescriptor,
  MapStateDescriptor,
  ValueStateDescriptor,
} from '../state/state-descriptors.js';
import type { TimerDomain } from '../state/timer-service.js';

/** What a process function knows about the record it is processing. Valid only during the call. */
export interface ProcessContext {
  /** The record's event timestamp (epoch ms), NaN if it has none. */
  readonly timestampMs: number;
  readonly currentWatermarkMs: number;
  currentProcessingTimeMs(): number;
  /** Emits to a side output; the value keeps the current record's timestamp. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

/** Given once to `open`. */
export interface RuntimeContext {
  readonly operatorId: string;
}

/** A low-level transformation with side outputs (non-keyed streams: no state or timers). */
export interface ProcessFunction<IN, OUT> {
  open?(ctx: RuntimeContext): void;
  processElement(value: IN, ctx: ProcessContext, out: Collector<OUT>): void;
  close?(): void;
}

/** Timers of the current key. Timers are deduplicated per key and timestamp and fire in order. */
export interface TimerService {
  readonly currentWatermarkMs: number;
  currentProcessingTimeMs(): number;
  registerEventTimeTimer(timestampMs: number): void;
  deleteEventTimeTimer(timestampMs: number): void;
  registerProcessingTimeTimer(timestampMs: number): void;
  deleteProcessingTimeTimer(timestampMs: number): void;
}

/** Keyed state handles, obtained once in `open` and then used for whatever key is current. */
export interface KeyedRuntimeContext extends RuntimeContext {
  getState<T>(descriptor: ValueStateDescriptor<T>): ValueState<T>;
  getListState<T>(descriptor: ListStateDescriptor<T>): ListState<T>;
  getMapState<V>(descriptor: MapStateDescriptor<V>): MapState<V>;
}

export interface KeyedProcessContext<K extends KeyValue> extends ProcessContext {
  readonly currentKey: K;
  readonly timerService: TimerService;
}

export interface OnTimerContext<K extends KeyValue> extends KeyedProcessContext<K> {
  readonly timeDomain: TimerDomain;
}

/**
 * A process function on a keyed stream: per-key state and timers, as in Flink. State handles come
 * from `open`; timers call `onTimer` with the timer's key current (and `ctx.timestampMs` set to the
 * timer's time).
 */
export interface KeyedProcessFunction<K extends KeyValue, IN, OUT> {
  open?(ctx: KeyedRuntimeContext): void;
  processElement(value: IN, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  onTimer?(timestampMs: number, ctx: OnTimerContext<K>, out: Collector<OUT>): void;
  close?(): void;
}

/** A two-input process function (after `connect`): one method per input, shared side outputs. */
export interface CoProcessFunction<IN1, IN2, OUT> {
  open?(ctx: RuntimeContext): void;
  processElement1(value: IN1, ctx: ProcessContext, out: Collector<OUT>): void;
  processElement2(value: IN2, ctx: ProcessContext, out: Collector<OUT>): void;
  close?(): void;
}

/**
 * A two-input keyed process function (two keyed streams connected): both inputs share the key's
 * state and timers, so one input can hold what the other looks up (enrichment, joins, rules).
 */
export interface KeyedCoProcessFunction<K extends KeyValue, IN1, IN2, OUT> {
  open?(ctx: KeyedRuntimeContext): void;
  processElement1(value: IN1, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  processElement2(value: IN2, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  onTimer?(timestampMs: number, ctx: OnTimerContext<K>, out: Collector<OUT>): void;
  close?(): void;
}
