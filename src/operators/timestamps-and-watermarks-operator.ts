import { MAX_WATERMARK } from '../core/message.js';
import type { Operator, OperatorContext } from '../core/operator.js';
import type { RecordBatch } from '../core/record-batch.js';
import { routeRecordFailure } from '../core/record-failure.js';
import { type SplitProgressSnapshot, SplitWatermarks } from '../time/split-watermarks.js';
import type { WatermarkStrategy } from '../time/watermark-strategy.js';

/** How often custom generators get `onPeriodicEmit` while no records arrive (Flink's default is 200 ms). */
export const DEFAULT_AUTO_WATERMARK_INTERVAL_MS = 200;

/** The one split every batch belongs to here: event time is stream-wide after this operator. */
const STREAM = 'stream';

type Progress = { readonly splits: ReadonlyArray<readonly [string, SplitProgressSnapshot]> };

/**
 * Assigns event timestamps and generates watermarks (Flink's TimestampsAndWatermarksOperator):
 * the per-split machinery of a source's `fromSource(..., { watermarks })` (`SplitWatermarks`)
 * with the whole stream as one split, so both share timestamp extraction, generators, idleness
 * and periodic emits. For every output batch it writes the inline watermark column (watermark
 * before each record) and then emits the batch's final watermark, so downstream lateness is exact
 * per record. Watermarks arriving from upstream are ignored (this operator defines event time from
 * here on), except the final one that marks the end of a bounded input. Its progress is operator
 * state: a restored job continues event time where the snapshot left it.
 */
export class TimestampsAndWatermarksOperator<T> implements Operator<T, T> {
  private ctx!: OperatorContext<T>;
  private watermarks!: SplitWatermarks<T>;
  private ended = false;
  private restored: Progress | undefined;

  constructor(
    private readonly strategy: WatermarkStrategy<T>,
    private readonly autoWatermarkIntervalMs = DEFAULT_AUTO_WATERMARK_INTERVAL_MS,
  ) {}

  open(ctx: OperatorContext<T>): void {
    this.ctx = ctx;
    this.watermarks = new SplitWatermarks(
      this.strategy,
      ctx.clock,
      {
        watermark: (w) => {
          if (!this.ended) ctx.output.emitWatermark(w);
        },
        idle: (idle) => ctx.output.emitIdle(idle),
        schedule: (ts) => ctx.scheduleProcessingTime(ts),
      },
      this.autoWatermarkIntervalMs,
      STREAM,
    );
    // The stream is read from now on: with an idle timeout, no records at all means idle.
    this.watermarks.add([STREAM]);
    if (this.restored !== undefined) this.watermarks.restore(this.restored);
  }

  processBatch(batch: RecordBatch<T>): void {
    const out = this.watermarks.process(batch, (i, e) => routeRecordFailure(this.ctx, batch, i, e));
    if (out !== undefined) this.ctx.output.emit(out);
    this.watermarks.emitIfAdvanced();
  }

  onProcessingTime(nowMs: number): void {
    this.watermarks.onProcessingTime(nowMs);
  }

  /** Upstream watermarks are replaced by this operator's own, except the end-of-input one. */
  processWatermark(watermarkMs: number): void {
    if (watermarkMs === MAX_WATERMARK && !this.ended) {
      this.ended = true;
      this.ctx.output.emitWatermark(MAX_WATERMARK);
    }
  }

  snapshot(): Progress {
    return this.watermarks.snapshot();
  }

  /** Called after `open`, before any input. */
  restore(state: unknown): void {
    this.restored = state as Progress;
    this.watermarks?.restore(this.restored);
  }
}
