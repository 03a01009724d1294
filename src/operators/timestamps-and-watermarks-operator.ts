import { MAX_WATERMARK } from '../core/message.js';
import type { Operator, OperatorContext } from '../core/operator.js';
import { type RecordBatch, recordBatch, withoutRows } from '../core/record-batch.js';
import { routeRecordFailure } from '../core/record-failure.js';
import type { WatermarkGenerator, WatermarkOutput, WatermarkStrategy } from '../time/watermark-strategy.js';

/** How often custom generators get `onPeriodicEmit` while no records arrive (Flink's default is 200 ms). */
export const DEFAULT_AUTO_WATERMARK_INTERVAL_MS = 200;

/**
 * Assigns event timestamps and generates watermarks (Flink's TimestampsAndWatermarksOperator).
 * For every output batch it writes the inline watermark column (watermark before each record) and
 * then emits the batch's final watermark, so downstream lateness is exact per record. Watermarks
 * arriving from upstream are ignored (this operator defines event time from here on), except the
 * final one that marks the end of a bounded input.
 */
export class TimestampsAndWatermarksOperator<T> implements Operator<T, T> {
  private ctx!: OperatorContext<T>;
  private watermarkMs = Number.NEGATIVE_INFINITY;
  private emittedWatermarkMs = Number.NEGATIVE_INFINITY;
  private maxTimestampMs = Number.NEGATIVE_INFINITY;
  private readonly boundMs: number | undefined;
  private generator: WatermarkGenerator<T> | undefined;
  private readonly generatorOutput: WatermarkOutput = {
    emitWatermark: (w: number) => {
      if (w > this.watermarkMs) this.watermarkMs = w;
    },
  };
  private idle = false;
  private lastRecordAtMs = 0;
  private idleCheckAtMs = Number.POSITIVE_INFINITY;
  private periodicAtMs = Number.POSITIVE_INFINITY;

  constructor(
    private readonly strategy: WatermarkStrategy<T>,
    private readonly autoWatermarkIntervalMs = DEFAULT_AUTO_WATERMARK_INTERVAL_MS,
  ) {
    const kind = strategy.kind;
    this.boundMs = kind.type === 'boundedOutOfOrderness' ? kind.maxOutOfOrdernessMs : undefined;
  }

  open(ctx: OperatorContext<T>): void {
    this.ctx = ctx;
    const kind = this.strategy.kind;
    if (kind.type === 'generator') {
      this.generator = kind.create();
      this.schedulePeriodic();
    }
    this.lastRecordAtMs = ctx.clock.nowMs();
    this.scheduleIdleCheck();
  }

  processBatch(batch: RecordBatch<T>): void {
    const { values, timestampsMs: inTs } = batch;
    const n = values.length;
    const assign = this.strategy.timestampAssigner;
    const timestampsMs = new Array<number>(n);
    const watermarksMs = new Array<number>(n);
    let rejected: Set<number> | undefined;
    const bound = this.boundMs;
    let maxTs = this.maxTimestampMs;
    let wm = this.watermarkMs;
    for (let i = 0; i < n; i++) {
      watermarksMs[i] = wm;
      let ts: number;
      try {
        ts = assign === undefined ? (inTs[i] as number) : assign(values[i] as T, inTs[i] as number);
        if (typeof ts !== 'number' || Number.isNaN(ts)) {
          throw new Error(
            assign === undefined
              ? 'record has no timestamp; give the watermark strategy a timestamp assigner (withTimestamp)'
              : `timestamp assigner returned ${String(ts)}, not epoch milliseconds`,
          );
        }
      } catch (e) {
        routeRecordFailure(this.ctx, batch, i, e);
        (rejected ??= new Set()).add(i);
        timestampsMs[i] = Number.NaN;
        continue;
      }
      timestampsMs[i] = ts;
      if (bound !== undefined) {
        if (ts > maxTs) {
          maxTs = ts;
          const next = ts - bound - 1;
          if (next > wm) wm = next;
        }
      } else if (this.generator !== undefined) {
        this.watermarkMs = wm;
        this.generator.onEvent(values[i] as T, ts, this.generatorOutput);
        wm = this.watermarkMs;
      }
    }
    this.maxTimestampMs = maxTs;
    this.watermarkMs = wm;
    this.generator?.onPeriodicEmit(this.generatorOutput);
    this.markActive(n - (rejected?.size ?? 0));
    const out =
      rejected === undefined
        ? recordBatch(batch.origin, values, timestampsMs, batch.positions, watermarksMs)
        : withoutRows(batch, rejected, { timestampsMs, watermarksMs });
    if (out.values.length > 0) this.ctx.output.emit(out);
    this.emitWatermarkIfAdvanced();
  }

  private emitWatermarkIfAdvanced(): void {
    if (this.watermarkMs > this.emittedWatermarkMs) {
      this.emittedWatermarkMs = this.watermarkMs;
      this.ctx.output.emitWatermark(this.watermarkMs);
    }
  }

  private markActive(records: number): void {
    if (records === 0) return;
    this.lastRecordAtMs = this.ctx.clock.nowMs();
    if (this.idle) {
      this.idle = false;
      this.ctx.output.emitIdle(false);
    }
    this.scheduleIdleCheck();
  }

  /** Keeps one idleness check pending at a time; it re-arms itself while records keep coming. */
  private scheduleIdleCheck(): void {
    const timeout = this.strategy.idleTimeoutMs;
    if (timeout === undefined || this.idle || this.idleCheckAtMs !== Number.POSITIVE_INFINITY) return;
    this.idleCheckAtMs = this.lastRecordAtMs + timeout;
    this.ctx.scheduleProcessingTime(this.idleCheckAtMs);
  }

  private schedulePeriodic(): void {
    this.periodicAtMs = this.ctx.clock.nowMs() + this.autoWatermarkIntervalMs;
    this.ctx.scheduleProcessingTime(this.periodicAtMs);
  }

  onProcessingTime(nowMs: number): void {
    const timeout = this.strategy.idleTimeoutMs;
    if (timeout !== undefined && !this.idle && nowMs >= this.idleCheckAtMs) {
      this.idleCheckAtMs = Number.POSITIVE_INFINITY;
      if (nowMs - this.lastRecordAtMs >= timeout) {
        this.idle = true;
        this.ctx.output.emitIdle(true);
      } else {
        this.scheduleIdleCheck();
      }
    }
    if (this.generator !== undefined && nowMs >= this.periodicAtMs) {
      this.generator.onPeriodicEmit(this.generatorOutput);
      this.emitWatermarkIfAdvanced();
      this.schedulePeriodic();
    }
  }

  /** Upstream watermarks are replaced by this operator's own, except the end-of-input one. */
  processWatermark(watermarkMs: number): void {
    if (watermarkMs === MAX_WATERMARK) {
      this.watermarkMs = MAX_WATERMARK;
      this.emitWatermarkIfAdvanced();
    }
  }
}
