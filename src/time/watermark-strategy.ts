import { ConfigError } from '../core/errors.js';

/** Collects what a watermark generator decides. */
export interface WatermarkOutput {
  emitWatermark(watermarkMs: number): void;
}

/**
 * A custom watermark generator, as in Flink: `onEvent` sees every record (emit here for punctuated
 * watermarks); `onPeriodicEmit` runs after every batch and every `autoWatermarkIntervalMs` of
 * processing time (emit here for periodic watermarks). Emitting a lower watermark than before is
 * ignored: watermarks never go back.
 */
export interface WatermarkGenerator<T> {
  onEvent(event: T, timestampMs: number, output: WatermarkOutput): void;
  onPeriodicEmit(output: WatermarkOutput): void;
}

/** Extracts an event timestamp (epoch ms) from a record; `previousMs` is the timestamp it carried, NaN if none. */
export type TimestampAssigner<T> = (value: T, previousMs: number) => number;

/** How the strategy decides watermarks. The built-in kinds run inline in the operator's loop without calls per record. */
export type WatermarkKind<T> =
  | { readonly type: 'boundedOutOfOrderness'; readonly maxOutOfOrdernessMs: number }
  | { readonly type: 'generator'; readonly create: () => WatermarkGenerator<T> }
  | { readonly type: 'none' };

/**
 * Says how event time is read and how far it has progressed. Immutable: every `with*` returns a
 * new strategy. The watermark of a bounded-out-of-orderness strategy is `maxTimestampSeen - bound - 1`
 * (Flink's definition), updated after every record.
 */
export class WatermarkStrategy<T> {
  private constructor(
    readonly kind: WatermarkKind<T>,
    readonly timestampAssigner: TimestampAssigner<T> | undefined,
    readonly idleTimeoutMs: number | undefined,
  ) {}

  /** Events arrive at most `maxOutOfOrdernessMs` after a later event. */
  static boundedOutOfOrderness<T>(maxOutOfOrdernessMs: number): WatermarkStrategy<T> {
    if (!Number.isFinite(maxOutOfOrdernessMs) || maxOutOfOrdernessMs < 0) {
      throw new ConfigError(`boundedOutOfOrderness needs a bound >= 0 ms, got ${maxOutOfOrdernessMs}`);
    }
    return new WatermarkStrategy<T>(
      { type: 'boundedOutOfOrderness', maxOutOfOrdernessMs },
      undefined,
      undefined,
    );
  }

  /** Timestamps never decrease (a bound of 0). */
  static monotonousTimestamps<T>(): WatermarkStrategy<T> {
    return WatermarkStrategy.boundedOutOfOrderness<T>(0);
  }

  /** A custom generator, created once per operator instance. */
  static forGenerator<T>(create: () => WatermarkGenerator<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>({ type: 'generator', create }, undefined, undefined);
  }

  /** Assigns timestamps but never advances the watermark (event-time windows then fire only at end of input). */
  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>({ type: 'none' }, undefined, undefined);
  }

  /** Reads the event timestamp from each record. Without it, records keep the timestamp their source gave them. */
  withTimestamp(assigner: TimestampAssigner<T>): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(this.kind, assigner, this.idleTimeoutMs);
  }

  /** The strategy as plain data, for plan configs and `explain()`. */
  describe(): Record<string, unknown> {
    const kind = this.kind;
    const base: Record<string, unknown> =
      kind.type === 'boundedOutOfOrderness'
        ? { type: kind.type, maxOutOfOrdernessMs: kind.maxOutOfOrdernessMs }
        : { type: kind.type };
    if (this.timestampAssigner !== undefined) base.timestampAssigner = true;
    if (this.idleTimeoutMs !== undefined) base.idleTimeoutMs = this.idleTimeoutMs;
    return base;
  }

  /**
   * Marks the stream idle after `idleTimeoutMs` of processing time without records, so a quiet input
   * (an empty partition, a silent socket) no longer holds back the watermark of a union or join.
   * The stream becomes active again with its next record.
   */
  withIdleness(idleTimeoutMs: number): WatermarkStrategy<T> {
    if (!(idleTimeoutMs > 0))
      throw new ConfigError(`withIdleness needs a timeout > 0 ms, got ${idleTimeoutMs}`);
    return new WatermarkStrategy<T>(this.kind, this.timestampAssigner, idleTimeoutMs);
  }
}
