import type { Operator, OperatorContext } from '../core/operator.js';
import { BatchBuilder, type RecordBatch } from '../core/record-batch.js';
import { routeRecordFailure } from '../core/record-failure.js';

/** Emits every element `fn` returns for a record (zero or more); outputs keep the record's timestamp and position. */
export class FlatMapOperator<IN, OUT> implements Operator<IN, OUT> {
  private ctx!: OperatorContext<OUT>;

  constructor(private readonly fn: (value: IN) => Iterable<OUT>) {}

  open(ctx: OperatorContext<OUT>): void {
    this.ctx = ctx;
  }

  processBatch(batch: RecordBatch<IN>): void {
    const { values, timestampsMs, positions, watermarksMs } = batch;
    const out = new BatchBuilder<OUT>(batch.origin, watermarksMs !== undefined);
    const n = values.length;
    for (let i = 0; i < n; i++) {
      try {
        const produced = this.fn(values[i] as IN);
        const ts = timestampsMs[i] as number;
        const pos = positions[i] as number;
        const wm = watermarksMs?.[i];
        if (Array.isArray(produced)) {
          for (let j = 0; j < produced.length; j++) out.push(produced[j] as OUT, ts, pos, wm);
        } else {
          for (const v of produced) out.push(v, ts, pos, wm);
        }
      } catch (e) {
        routeRecordFailure(this.ctx, batch, i, e);
      }
    }
    const result = out.take();
    if (result !== undefined) this.ctx.output.emit(result);
  }
}
