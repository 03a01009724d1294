import type { Collector } from '../core/collector.js';
import { OperatorError } from '../core/errors.js';
import { fromKey, type Key, type KeyValue } from '../core/key.js';
import type { OutputTag } from '../core/output-tag.js';
import { BatchBuilder, type RecordBatch, singleRecord } from '../core/record-batch.js';
import { routeRecordFailure } from '../core/record-failure.js';
import type { KeyedOperator, KeyedOperatorContext } from '../state/keyed-operator.js';
import type { KeyedStateBackend } from '../state/state-backend.js';
import type { KeyedTimerService, TimerDomain } from '../state/timer-service.js';
import type { KeyedProcessFunction, OnTimerContext, TimerService } from './process-function.js';

const TIMER_NAMESPACE = 0;

/** What the operator needs of user logic besides the per-input element handlers. */
export type KeyedProcessLogic<K extends KeyValue, OUT> = Pick<
  KeyedProcessFunction<K, unknown, OUT>,
  'open' | 'onTimer' | 'close'
>;

/**
 * Runs a keyed process function (or a keyed co-process function: one handler and key per input) with keyed state and timers. Timers are fired in timestamp order
 * as the watermark (event time) or clock (processing time) passes them, including between records
 * of one batch when the batch carries inline watermarks. Outputs of a record carry the watermark in
 * effect before it; outputs of timers fired while advancing to watermark W carry the previous one,
 * because in Flink they would travel before W.
 */
export class KeyedProcessOperator<K extends KeyValue, IN, OUT> implements KeyedOperator<IN, OUT> {
  private ctx!: KeyedOperatorContext<OUT>;
  private backend!: KeyedStateBackend;
  private timers!: KeyedTimerService;
  private out!: BatchBuilder<OUT>;
  private withWatermarks = false;
  private origin = '';
  private position = -1;
  private watermarkMs = Number.NEGATIVE_INFINITY;
  /** The watermark downstream has (conceptually) seen: what outputs produced now carry. */
  private emittedWatermarkMs = Number.NEGATIVE_INFINITY;
  private timerCount = 0;
  /** The current key in the runtime's form (tuples encoded); `pc.currentKey` is what user code sees. */
  private key: Key = '';
  private readonly pc: OnTimerContext<K> & { timestampMs: number; currentKey: K; timeDomain: TimerDomain };
  private readonly collector: Collector<OUT>;

  /** Per input: the key of a record and the user method that processes it (two for co-process functions). */
  private readonly keySelectors: ReadonlyArray<(value: IN) => Key>;
  private readonly handlers: ReadonlyArray<KeyedProcessFunction<K, IN, OUT>['processElement']>;

  constructor(
    readonly keySelector: (value: IN) => Key,
    private readonly fn: KeyedProcessLogic<K, OUT>,
    inputs?: ReadonlyArray<{
      key: (value: IN) => Key;
      process: KeyedProcessFunction<K, IN, OUT>['processElement'];
    }>,
  ) {
    this.keySelectors = inputs?.map((i) => i.key) ?? [keySelector];
    this.handlers = inputs?.map((i) => i.process) ?? [
      (fn as KeyedProcessFunction<K, IN, OUT>).processElement,
    ];
    const op = this;
    const timerService: TimerService = {
      get currentWatermarkMs() {
        return op.watermarkMs;
      },
      currentProcessingTimeMs: () => op.ctx.clock.nowMs(),
      registerEventTimeTimer: (ts) => op.timers.registerEventTimeTimer(op.key, TIMER_NAMESPACE, ts),
      deleteEventTimeTimer: (ts) => op.timers.deleteEventTimeTimer(op.key, TIMER_NAMESPACE, ts),
      registerProcessingTimeTimer: (ts) => op.timers.registerProcessingTimeTimer(op.key, TIMER_NAMESPACE, ts),
      deleteProcessingTimeTimer: (ts) => op.timers.deleteProcessingTimeTimer(op.key, TIMER_NAMESPACE, ts),
    };
    this.pc = {
      timestampMs: Number.NaN,
      get currentWatermarkMs() {
        return op.watermarkMs;
      },
      currentProcessingTimeMs: () => op.ctx.clock.nowMs(),
      output: <X>(tag: OutputTag<X>, value: X) => {
        op.ctx.output.emitSide(tag, singleRecord(op.origin, value, op.pc.timestampMs, op.position));
      },
      currentKey: undefined as unknown as K,
      timerService,
      timeDomain: 'eventTime',
    };
    this.collector = {
      collect: (value: OUT) =>
        this.out.push(value, this.pc.timestampMs, this.position, this.emittedWatermarkMs),
    };
  }

  open(ctx: KeyedOperatorContext<OUT>): void {
    this.ctx = ctx;
    this.backend = ctx.keyedState;
    this.out = new BatchBuilder<OUT>(ctx.operatorId);
    this.timers = this.backend.getTimerService('user-timers', (ts) => ctx.scheduleProcessingTime(ts));
    this.timers.reschedule();
    this.fn.open?.({
      operatorId: ctx.operatorId,
      getState: (d) => this.backend.getValueState(d),
      getListState: (d) => this.backend.getListState(d),
      getMapState: (d) => this.backend.getMapState(d),
    });
  }

  /** Switches the output batch when the origin of produced records changes (input records vs timers). */
  private switchOrigin(origin: string, withWatermarks: boolean): void {
    if (origin === this.origin && withWatermarks === this.withWatermarks) return;
    this.flush();
    this.origin = origin;
    this.withWatermarks = withWatermarks;
    this.out = new BatchBuilder<OUT>(origin, withWatermarks);
  }

  processBatch(batch: RecordBatch<IN>, input = 0): void {
    const { values, timestampsMs, positions, watermarksMs } = batch;
    const keyOf = this.keySelectors[input] as (value: IN) => Key;
    const handler = this.handlers[input] as KeyedProcessFunction<K, IN, OUT>['processElement'];
    const withWm = watermarksMs !== undefined;
    for (let i = 0; i < values.length; i++) {
      if (withWm) {
        const w = watermarksMs[i] as number;
        if (w > this.watermarkMs) this.advanceWatermark(w, withWm);
      }
      this.switchOrigin(batch.origin, withWm);
      this.position = positions[i] as number;
      this.pc.timestampMs = timestampsMs[i] as number;
      try {
        const value = values[i] as IN;
        const key = keyOf(value);
        this.backend.setCurrentKey(key);
        this.key = key;
        this.pc.currentKey = fromKey(key) as K;
        handler.call(this.fn, value, this.pc, this.collector);
      } catch (e) {
        routeRecordFailure(this.ctx, batch, i, e);
      }
    }
    this.flush();
  }

  private readonly onTimer = (timestampMs: number, key: Key, _ns: number, domain: TimerDomain): void => {
    const onTimer = this.fn.onTimer;
    if (onTimer === undefined) return;
    this.backend.setCurrentKey(key);
    this.key = key;
    this.pc.currentKey = fromKey(key) as K;
    this.pc.timestampMs = timestampMs;
    this.pc.timeDomain = domain;
    this.position = this.timerCount++;
    try {
      onTimer.call(this.fn, timestampMs, this.pc, this.collector);
    } catch (e) {
      throw new OperatorError(
        this.ctx.operatorId,
        { origin: `${this.ctx.operatorId}:timer@${timestampMs}`, position: this.position },
        e,
      );
    }
  };

  private advanceWatermark(watermarkMs: number, withWatermarks: boolean): void {
    this.watermarkMs = watermarkMs;
    this.switchOrigin(this.ctx.operatorId, withWatermarks);
    this.timers.advanceWatermark(watermarkMs, this.onTimer);
    this.emittedWatermarkMs = watermarkMs;
  }

  processWatermark(watermarkMs: number): void {
    if (watermarkMs > this.watermarkMs) this.advanceWatermark(watermarkMs, false);
    this.emittedWatermarkMs = Math.max(this.emittedWatermarkMs, watermarkMs);
    this.flush();
    this.ctx.output.emitWatermark(watermarkMs);
  }

  onProcessingTime(nowMs: number): void {
    this.switchOrigin(this.ctx.operatorId, false);
    this.timers.advanceProcessingTime(nowMs, this.onTimer);
    this.flush();
  }

  private flush(): void {
    const b = this.out.take();
    if (b !== undefined) this.ctx.output.emit(b);
  }

  close(): void {
    this.fn.close?.();
  }
}
