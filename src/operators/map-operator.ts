import type { Operator, OperatorContext } from '../core/operator.js';
import { type RecordBatch, withoutRows, withValues } from '../core/record-batch.js';
import { routeRecordFailure } from '../core/record-failure.js';

/** Applies `fn` to every record; keeps timestamps, positions and watermarks. */
export class MapOperator<IN, OUT> implements Operator<IN, OUT> {
  private ctx!: OperatorContext<OUT>;

  constructor(private readonly fn: (value: IN) => OUT) {}

  open(ctx: OperatorContext<OUT>): void {
    this.ctx = ctx;
  }

  processBatch(batch: RecordBatch<IN>): void {
    const values = batch.values;
    const n = values.length;
    const out = new Array<OUT>(n);
    let rejected: number[] | undefined;
    for (let i = 0; i < n; i++) {
      try {
        out[i] = this.fn(values[i] as IN);
      } catch (e) {
        routeRecordFailure(this.ctx, batch, i, e);
        (rejected ??= []).push(i);
      }
    }
    this.ctx.output.emit(
      rejected === undefined
        ? withValues(batch, out)
        : withoutRows(batch, new Set(rejected), { values: out }),
    );
  }
}
