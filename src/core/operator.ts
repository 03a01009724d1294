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
  /**
   * `input` says which input the batch came from, in the order the plan lists the node's inputs
   * (0 for one-input operators; 0 or 1 for two-input operators such as connect / co-process).
   */
  processBatch(batch: RecordBatch<IN>, input: number): void;
  /** The input watermark advanced (already merged over inputs). Default: forward it. */
  processWatermark?(watermarkMs: number): void;
  /** A processing-time callback requested via `scheduleProcessingTime` is due. */
  onProcessingTime?(nowMs: number): void;
  /** All inputs ended (after the final watermark). Emit anything still pending. */
  endInput?(): void;
  /**
   * This instance's own (non-keyed) state at a message boundary, as plain structured-cloneable data:
   * a watermark generator's progress, a counter. Keyed state and timers are snapshotted by the keyed
   * state backend, not here. Called between messages, never during `processBatch`.
   */
  snapshot?(): unknown;
  /** Called after `open` and before any input when the job is restored, with what `snapshot` returned. */
  restore?(state: unknown): void;
  close?(): void | Promise<void>;
}
