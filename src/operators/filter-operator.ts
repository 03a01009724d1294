import type { Operator, OperatorContext } from '../core/operator.js';
import { type RecordBatch, recordBatch } from '../core/record-batch.js';
import { routeRecordFailure } from '../core/record-failure.js';

/** Keeps the records for which `predicate` is true. */
export class FilterOperator<T> implements Operator<T, T> {
  private ctx!: OperatorContext<T>;

  constructor(private readonly predicate: (value: T) => boolean) {}

  open(ctx: OperatorContext<T>): void {
    this.ctx = ctx;
  }

  processBatch(batch: RecordBatch<T>): void {
    const { values, timestampsMs, positions, watermarksMs } = batch;
    const n = values.length;
    const keptValues: T[] = [];
    const keptTs: number[] = [];
    const keptPos: number[] = [];
    const keptWm: number[] | undefined = watermarksMs === undefined ? undefined : [];
    for (let i = 0; i < n; i++) {
      let keep = false;
      try {
        keep = this.predicate(values[i] as T);
      } catch (e) {
        routeRecordFailure(this.ctx, batch, i, e);
      }
      if (!keep) continue;
      keptValues.push(values[i] as T);
      keptTs.push(timestampsMs[i] as number);
      keptPos.push(positions[i] as number);
      keptWm?.push((watermarksMs as number[])[i] as number);
    }
    if (keptValues.length === n) this.ctx.output.emit(batch);
    else if (keptValues.length > 0)
      this.ctx.output.emit(recordBatch(batch.origin, keptValues, keptTs, keptPos, keptWm));
  }
}
