import type { Collector } from '../core/collector.js';
import type { Operator, OperatorContext } from '../core/operator.js';
import type { OutputTag } from '../core/output-tag.js';
import { BatchBuilder, type RecordBatch, singleRecord } from '../core/record-batch.js';
import { routeRecordFailure } from '../core/record-failure.js';
import type { ProcessContext, ProcessFunction } from './process-function.js';

/** Runs a (non-keyed) process function; outputs keep the input record's timestamp, position and watermark. */
export class ProcessOperator<IN, OUT> implements Operator<IN, OUT> {
  private ctx!: OperatorContext<OUT>;
  private out!: BatchBuilder<OUT>;
  private batch!: RecordBatch<IN>;
  private index = 0;
  private watermarkMs = Number.NEGATIVE_INFINITY;
  private readonly processContext: ProcessContext & { timestampMs: number; currentWatermarkMs: number };
  private readonly collector: Collector<OUT>;

  /** Per input, the user method processing its records (two for co-process functions). */
  private readonly handlers: ReadonlyArray<ProcessFunction<IN, OUT>['processElement']>;

  constructor(
    private readonly fn: Pick<ProcessFunction<IN, OUT>, 'open' | 'close'>,
    handlers?: ReadonlyArray<ProcessFunction<IN, OUT>['processElement']>,
  ) {
    this.handlers = handlers ?? [(fn as ProcessFunction<IN, OUT>).processElement];
    this.processContext = {
      timestampMs: Number.NaN,
      currentWatermarkMs: Number.NEGATIVE_INFINITY,
      currentProcessingTimeMs: () => this.ctx.clock.nowMs(),
      output: <X>(tag: OutputTag<X>, value: X) => this.emitSide(tag, value),
    };
    this.collector = {
      collect: (value: OUT) =>
        this.out.push(
          value,
          this.processContext.timestampMs,
          this.batch.positions[this.index] as number,
          this.processContext.currentWatermarkMs,
        ),
    };
  }

  open(ctx: OperatorContext<OUT>): void {
    this.ctx = ctx;
    this.fn.open?.({ operatorId: ctx.operatorId });
  }

  private emitSide<X>(tag: OutputTag<X>, value: X): void {
    this.ctx.output.emitSide(
      tag,
      singleRecord(
        this.batch.origin,
        value,
        this.processContext.timestampMs,
        this.batch.positions[this.index] as number,
      ),
    );
  }

  processBatch(batch: RecordBatch<IN>, input = 0): void {
    const handler = this.handlers[input] as ProcessFunction<IN, OUT>['processElement'];
    this.batch = batch;
    const { values, timestampsMs, watermarksMs } = batch;
    this.out = new BatchBuilder<OUT>(batch.origin, watermarksMs !== undefined);
    const pc = this.processContext;
    for (let i = 0; i < values.length; i++) {
      this.index = i;
      pc.timestampMs = timestampsMs[i] as number;
      pc.currentWatermarkMs =
        watermarksMs === undefined ? this.watermarkMs : Math.max(this.watermarkMs, watermarksMs[i] as number);
      try {
        handler.call(this.fn, values[i] as IN, pc, this.collector);
      } catch (e) {
        routeRecordFailure(this.ctx, batch, i, e);
      }
    }
    const result = this.out.take();
    if (result !== undefined) this.ctx.output.emit(result);
  }

  processWatermark(watermarkMs: number): void {
    this.watermarkMs = watermarkMs;
    this.ctx.output.emitWatermark(watermarkMs);
  }

  close(): void {
    this.fn.close?.();
  }
}
