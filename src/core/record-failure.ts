import { InvalidRecordError, OperatorError } from './errors.js';
import type { OperatorContext } from './operator.js';
import type { RecordBatch } from './record-batch.js';

/**
 * Decides what happens when user code threw while processing record `index` of `batch`: bad input
 * ({@link InvalidRecordError}) goes to the dead-letter output and the job goes on; anything else is
 * a bug and fails the job with an error naming the operator and the record's position.
 * Every built-in operator calls this from the catch block of its per-record loop.
 */
export function routeRecordFailure<T>(
  ctx: OperatorContext<unknown>,
  batch: RecordBatch<T>,
  index: number,
  error: unknown,
): void {
  const position = batch.positions[index] ?? -1;
  if (error instanceof InvalidRecordError) {
    ctx.deadLetter(batch.origin, position, error.message, batch.values[index]);
    return;
  }
  throw OperatorError.wrap(ctx.operatorId, error, { origin: batch.origin, position });
}
