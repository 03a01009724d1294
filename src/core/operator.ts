import type { Clock } from './clock.js';
import type { OutputTag } from './output-tag.js';
import type { RecordBatch } from './record-batch.js';

/** Where an operator sends its results; calls go synchronously down the chain. */
export interface Output<T> {
  emit(batch: RecordBatch<T>): void;
  emitWatermark(watermarkMs: number): void;
  /** Marks this output idle (no data for a while) or active again; idle outputs do not hold back downstream watermarks. */
  emitIdle(idle: boolean): void;
  emitSide<X>(tag: OutputTag<X>, batch: RecordBatch<X>): void;
}

/** Handed to an operator when the job starts. */
export interface OperatorContext<OUT> {
  /** Stable id: names the operator's state, its metrics and its errors. */
  readonly operatorId: string;
  readonly output: Output<OUT>;
  readonly clock: Clock;
  /** Asks the runtime to call `onProcessingTime` once the clock reaches `timestampMs` (deduplicated). */
  scheduleProcessingTime(timestampMs: number): void;
  /** Sends a bad record to the dead-letter output; the job continues and counts it. */
  deadLetter(origin: string, position: number, reason: string, record: unknown): void;
  /** Adds to a named counter of this operator (e.g. `lateRecordsDropped`), reported in job metrics. */
  count(counter: string, delta?: number): void;
}

/**
 * A step in a chain. Only `processBatch` is required; every other hook has a sensible default:
 * watermarks and idleness are forwarded unchanged, and nothing happens on timers, end of input or close.
 * Operators are created per job run from a factory and used from one thread, so they keep plain
 * fields. They must not mutate input batches (batches may be shared).
 */
export interface Operator<IN, OUT> {
  open?(ctx: OperatorContext<OUT>): void | Promise<void>;
  processBatch(batch: RecordBatch<IN>): void;
  /** The input watermark advanced (already merged over inputs). Default: forward it. */
  processWatermark?(watermarkMs: number): void;
  /** A processing-time callback requested via `scheduleProcessingTime` is due. */
  onProcessingTime?(nowMs: number): void;
  /** All inputs ended (after the final watermark). Emit anything still pending. */
  endInput?(): void;
  close?(): void | Promise<void>;
}
