import type { Clock } from '../core/clock.js';
import { type RecordBatch, recordBatch, withoutRows } from '../core/record-batch.js';
import type { WatermarkGenerator, WatermarkOutput, WatermarkStrategy } from './watermark-strategy.js';

/** Where a source node's merged event time goes. */
export interface SplitWatermarksOutput {
  watermark(watermarkMs: number): void;
  idle(idle: boolean): void;
  /** Asks for `onProcessingTime` once the clock reaches `timestampMs` (idleness checks, periodic emits). */
  schedule(timestampMs: number): void;
}

/** Progress of one split, as snapshots keep it. */
export interface SplitProgressSnapshot {
  readonly maxTimestampMs: number;
  readonly watermarkMs: number;
  readonly finished: boolean;
}

interface SplitProgress {
  maxTimestampMs: number;
  watermarkMs: number;
  generator: WatermarkGenerator<unknown> | undefined;
  output: WatermarkOutput;
  lastRecordAtMs: number;
  idle: boolean;
  finished: boolean;
}

const NEG = Number.NEGATIVE_INFINITY;

/**
 * Watermarks generated per split of a source and merged, as Flink's `WatermarkStrategy` on a
 * `KafkaSource` does (`fromSource(source, { watermarks })`): each split (a batch's `origin`: a
 * file, a Kafka partition) gets its own timestamp extraction and generator, and the source's
 * watermark is the minimum over active splits. A split that has had no records for the strategy's
 * idle timeout no longer holds it back; a finished split neither; a removed split leaves. Records
 * carry the merged watermark in effect before them (the inline column), so lateness downstream is
 * exact per record, as with `assignTimestampsAndWatermarks`. The merged watermark never goes back.
 *
 * Used by the runtime's source node, one instance per source; all methods run on the task loop.
 */
export class SplitWatermarks<T> {
  private readonly splits = new Map<string, SplitProgress>();
  private readonly boundMs: number | undefined;
  private mergedMs = NEG;
  private mergedIdle = false;
  private idleCheckAtMs = Number.POSITIVE_INFINITY;
  private periodicAtMs = Number.POSITIVE_INFINITY;

  /**
   * `oneSplit`: treat every batch as part of this one split, whatever its origin: the stream-wide
   * event time of `assignTimestampsAndWatermarks` (TimestampsAndWatermarksOperator).
   */
  constructor(
    private readonly strategy: WatermarkStrategy<T>,
    private readonly clock: Clock,
    private readonly out: SplitWatermarksOutput,
    private readonly autoWatermarkIntervalMs: number,
    private readonly oneSplit?: string,
  ) {
    const kind = strategy.kind;
    this.boundMs = kind.type === 'boundedOutOfOrderness' ? kind.maxOutOfOrdernessMs : undefined;
    if (kind.type === 'generator') this.schedulePeriodic();
  }

  get watermarkMs(): number {
    return this.mergedMs;
  }

  /** Splits now read: they hold the watermark back until they have records or turn idle. */
  add(splits: readonly string[]): void {
    for (const s of splits) this.progressOf(s);
    this.recompute();
  }

  /** Splits with no more records: they stop holding the watermark back. */
  finish(splits: readonly string[]): void {
    for (const s of splits) {
      const p = this.splits.get(s);
      if (p !== undefined) p.finished = true;
    }
    this.recompute();
  }

  /** Splits given away (a rebalance): they leave the merge. */
  remove(splits: readonly string[]): void {
    for (const s of splits) this.splits.delete(s);
    this.recompute();
  }

  /**
   * Assigns timestamps to a batch of one split and writes the merged watermark before each record;
   * records whose timestamp cannot be read go to `reject` and are left out. Emits the merged
   * watermark afterwards when it advanced.
   */
  process(
    batch: RecordBatch<T>,
    reject: (index: number, error: unknown) => void,
  ): RecordBatch<T> | undefined {
    const split = this.progressOf(this.oneSplit ?? batch.origin);
    const { values, timestampsMs: inTs } = batch;
    const n = values.length;
    const assign = this.strategy.timestampAssigner;
    const timestampsMs = new Array<number>(n);
    const watermarksMs = new Array<number>(n);
    const others = this.minOfOtherActive(split);
    const bound = this.boundMs;
    let rejected: Set<number> | undefined;
    let maxTs = split.maxTimestampMs;
    let wm = split.watermarkMs;
    let merged = this.mergedMs;
    for (let i = 0; i < n; i++) {
      const candidate = wm < others ? wm : others;
      if (candidate > merged) merged = candidate;
      watermarksMs[i] = merged;
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
        reject(i, e);
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
      } else if (split.generator !== undefined) {
        split.watermarkMs = wm;
        split.generator.onEvent(values[i] as T, ts, split.output);
        wm = split.watermarkMs;
      }
    }
    split.maxTimestampMs = maxTs;
    split.watermarkMs = wm;
    split.generator?.onPeriodicEmit(split.output);
    if (n > (rejected?.size ?? 0)) this.markActive(split);
    const result =
      rejected === undefined
        ? recordBatch(batch.origin, values, timestampsMs, batch.positions, watermarksMs)
        : withoutRows(batch, rejected, { timestampsMs, watermarksMs });
    return result.values.length > 0 ? result : undefined;
  }

  /** After the processed batch went downstream: emits the merged watermark if it advanced. */
  emitIfAdvanced(): void {
    this.recompute();
  }

  /** Idleness checks and periodic generator emits. */
  onProcessingTime(nowMs: number): void {
    const timeout = this.strategy.idleTimeoutMs;
    if (timeout !== undefined && nowMs >= this.idleCheckAtMs) {
      this.idleCheckAtMs = Number.POSITIVE_INFINITY;
      for (const p of this.splits.values()) {
        if (!p.idle && !p.finished && nowMs - p.lastRecordAtMs >= timeout) p.idle = true;
      }
      this.recompute();
      this.scheduleIdleCheck();
    }
    if (nowMs >= this.periodicAtMs) {
      for (const p of this.splits.values()) p.generator?.onPeriodicEmit(p.output);
      this.recompute();
      this.schedulePeriodic();
    }
  }

  snapshot(): { readonly splits: Array<[string, SplitProgressSnapshot]> } {
    return {
      splits: [...this.splits].map(([id, p]) => [
        id,
        { maxTimestampMs: p.maxTimestampMs, watermarkMs: p.watermarkMs, finished: p.finished },
      ]),
    };
  }

  /** Before any input: continues each split's event time where the snapshot left it. */
  restore(state: { readonly splits: ReadonlyArray<readonly [string, SplitProgressSnapshot]> }): void {
    for (const [id, s] of state.splits) {
      const p = this.progressOf(id);
      p.maxTimestampMs = s.maxTimestampMs;
      p.watermarkMs = s.watermarkMs;
      p.finished = s.finished;
    }
    this.recompute();
  }

  private progressOf(split: string): SplitProgress {
    let p = this.splits.get(split);
    if (p === undefined) {
      const kind = this.strategy.kind;
      const progress: SplitProgress = {
        maxTimestampMs: NEG,
        watermarkMs: NEG,
        generator: kind.type === 'generator' ? (kind.create() as WatermarkGenerator<unknown>) : undefined,
        output: {
          emitWatermark: (w: number) => {
            if (w > progress.watermarkMs) progress.watermarkMs = w;
          },
        },
        lastRecordAtMs: this.clock.nowMs(),
        idle: false,
        finished: false,
      };
      p = progress;
      this.splits.set(split, p);
      this.scheduleIdleCheck();
    }
    return p;
  }

  private markActive(split: SplitProgress): void {
    split.lastRecordAtMs = this.clock.nowMs();
    if (split.idle) {
      split.idle = false;
      // Say so before this split's records go downstream, not after.
      if (this.mergedIdle) {
        this.mergedIdle = false;
        this.out.idle(false);
      }
    }
    this.scheduleIdleCheck();
  }

  private minOfOtherActive(split: SplitProgress): number {
    let min = Number.POSITIVE_INFINITY;
    for (const p of this.splits.values()) {
      if (p === split || p.idle || p.finished) continue;
      if (p.watermarkMs < min) min = p.watermarkMs;
    }
    return min;
  }

  /** The merge: min over active splits; with none active, the highest split watermark (Flink's valve). */
  private recompute(): void {
    let min = Number.POSITIVE_INFINITY;
    let max = NEG;
    let active = 0;
    let idle = 0;
    for (const p of this.splits.values()) {
      if (p.watermarkMs > max) max = p.watermarkMs;
      if (p.idle) idle++;
      if (p.idle || p.finished) continue;
      active++;
      if (p.watermarkMs < min) min = p.watermarkMs;
    }
    const candidate = active === 0 ? max : min;
    const nowIdle = active === 0 && idle > 0;
    if (candidate > this.mergedMs) {
      this.mergedMs = candidate;
      this.out.watermark(candidate);
    }
    if (nowIdle !== this.mergedIdle) {
      this.mergedIdle = nowIdle;
      this.out.idle(nowIdle);
    }
  }

  private scheduleIdleCheck(): void {
    const timeout = this.strategy.idleTimeoutMs;
    if (timeout === undefined) return;
    let next = Number.POSITIVE_INFINITY;
    for (const p of this.splits.values()) {
      if (!p.idle && !p.finished && p.lastRecordAtMs + timeout < next) next = p.lastRecordAtMs + timeout;
    }
    if (next < this.idleCheckAtMs) {
      this.idleCheckAtMs = next;
      this.out.schedule(next);
    }
  }

  private schedulePeriodic(): void {
    this.periodicAtMs = this.clock.nowMs() + this.autoWatermarkIntervalMs;
    this.out.schedule(this.periodicAtMs);
  }
}
