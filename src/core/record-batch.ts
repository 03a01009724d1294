/**
 * RecordBatch: the unit that moves through chained operators.
 *
 * Layout (columns, all the same length):
 * - `values[i]`        the record.
 * - `timestampsMs[i]`  its event time in epoch ms, or NaN when no timestamp was assigned yet.
 * - `positions[i]`     its offset within `origin` (line number, Kafka offset, sequence number); with
 *                      `origin` it names the record in dead letters and error messages.
 * - `watermarksMs[i]`  optional: the watermark in effect *before* record i. A watermark generator
 *                      writes it so keyed operators downstream in the same chain can fire timers
 *                      between records of one batch; lateness is then decided per record, exactly
 *                      as if a watermark had travelled after every record, without splitting batches.
 *                      The authoritative watermark still follows the batch as its own message.
 *
 * Columns instead of one wrapper object per record keep the hot path allocation-free: `map` builds
 * one new values array and shares the other columns. Batches are immutable once emitted, because
 * several downstream operators may receive the same batch.
 */
export interface RecordBatch<T> {
  readonly origin: string;
  readonly values: readonly T[];
  readonly timestampsMs: readonly number[];
  readonly positions: readonly number[];
  readonly watermarksMs: readonly number[] | undefined;
}

/** Marks "no event timestamp yet" in `timestampsMs`. */
export const NO_TIMESTAMP = Number.NaN;

/** Builds a batch; always the same object shape, which keeps property access monomorphic. */
export function recordBatch<T>(
  origin: string,
  values: readonly T[],
  timestampsMs: readonly number[],
  positions: readonly number[],
  watermarksMs?: readonly number[],
): RecordBatch<T> {
  return { origin, values, timestampsMs, positions, watermarksMs };
}

/** A batch of values without timestamps, numbered from `firstPosition`: what most sources emit. */
/**
 * `batch` without the rows in `rejected` (dead-lettered), every column filtered alike; `columns`
 * replaces the columns an operator recomputed (values, timestamps, watermarks).
 */
export function withoutRows<T, R = T>(
  batch: RecordBatch<T>,
  rejected: ReadonlySet<number>,
  columns: {
    readonly values?: readonly R[];
    readonly timestampsMs?: readonly number[];
    readonly watermarksMs?: readonly number[];
  } = {},
): RecordBatch<R> {
  const keep = (_: unknown, i: number) => !rejected.has(i);
  return recordBatch(
    batch.origin,
    ((columns.values ?? batch.values) as readonly R[]).filter(keep),
    (columns.timestampsMs ?? batch.timestampsMs).filter(keep),
    batch.positions.filter(keep),
    (columns.watermarksMs ?? batch.watermarksMs)?.filter(keep),
  );
}

/** A batch of one record (side outputs emit records one at a time). */
export function singleRecord<T>(
  origin: string,
  value: T,
  timestampMs: number,
  position: number,
): RecordBatch<T> {
  return recordBatch(origin, [value], [timestampMs], [position]);
}

export function batchOfValues<T>(
  origin: string,
  values: readonly T[],
  firstPosition: number,
): RecordBatch<T> {
  const n = values.length;
  const timestampsMs = new Array<number>(n).fill(NO_TIMESTAMP);
  const positions = new Array<number>(n);
  for (let i = 0; i < n; i++) positions[i] = firstPosition + i;
  return recordBatch(origin, values, timestampsMs, positions);
}

/** Replaces the values column, keeping timestamps, positions and watermarks (the `map` case). */
export function withValues<T, R>(batch: RecordBatch<T>, values: readonly R[]): RecordBatch<R> {
  return recordBatch(batch.origin, values, batch.timestampsMs, batch.positions, batch.watermarksMs);
}

/**
 * Accumulates records for operators whose output count differs from their input count (flatMap,
 * process functions, windows). Call `take()` to get the batch and reset.
 */
export class BatchBuilder<T> {
  private values: T[] = [];
  private timestampsMs: number[] = [];
  private positions: number[] = [];
  private watermarksMs: number[] | undefined;

  constructor(
    private readonly origin: string,
    private readonly withWatermarks = false,
  ) {
    if (withWatermarks) this.watermarksMs = [];
  }

  get length(): number {
    return this.values.length;
  }

  push(value: T, timestampMs: number, position: number, watermarkMs?: number): void {
    this.values.push(value);
    this.timestampsMs.push(timestampMs);
    this.positions.push(position);
    if (this.watermarksMs !== undefined) this.watermarksMs.push(watermarkMs ?? Number.NEGATIVE_INFINITY);
  }

  /** Returns the accumulated batch (or undefined when empty) and starts a new one. */
  take(): RecordBatch<T> | undefined {
    if (this.values.length === 0) return undefined;
    const batch = recordBatch(this.origin, this.values, this.timestampsMs, this.positions, this.watermarksMs);
    this.values = [];
    this.timestampsMs = [];
    this.positions = [];
    if (this.withWatermarks) this.watermarksMs = [];
    return batch;
  }
}
