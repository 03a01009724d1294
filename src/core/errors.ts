/**
 * Errors sluice raises on purpose. Every error a user can meet names what failed and where,
 * so the message alone is enough to find the operator, the record, or the setting at fault.
 */

/** Base class: lets callers tell sluice's own failures from bugs in user code. */
export class SluiceError extends Error {
  override readonly name: string = 'SluiceError';
}

/** A setting or argument is invalid; raised before anything runs. */
export class ConfigError extends SluiceError {
  override readonly name = 'ConfigError';
}

/**
 * Thrown by user functions (map, flatMap, process, parsers) to say "this input is bad, not my code":
 * the record goes to the dead-letter output with this reason and the job continues. Any other
 * exception is treated as a bug and fails the job.
 */
export class InvalidRecordError extends SluiceError {
  override readonly name = 'InvalidRecordError';
}

/** Rejects the current record as bad input; see {@link InvalidRecordError}. */
export function reject(reason: string): never {
  throw new InvalidRecordError(reason);
}

/** Where a record came from: its source (or producing operator) and its offset there. */
export interface RecordPosition {
  readonly origin: string;
  readonly position: number;
}

export function formatPosition(p: RecordPosition): string {
  return `${p.origin}#${p.position}`;
}

/**
 * An operator failed. Raised by the runtime (or by built-in operators, which know the record index)
 * and fails the job; the message names the operator id and, when known, the record's position.
 */
export class OperatorError extends SluiceError {
  override readonly name = 'OperatorError';
  constructor(
    readonly operatorId: string,
    readonly record: RecordPosition | undefined,
    override readonly cause: unknown,
  ) {
    const where = record ? ` on record ${formatPosition(record)}` : '';
    super(`operator "${operatorId}" failed${where}: ${errorMessage(cause)}`, { cause });
  }

  /** `e` as the failure of `operatorId`, unless it already names the operator that failed. */
  static wrap(operatorId: string, e: unknown, record?: RecordPosition): OperatorError {
    return e instanceof OperatorError ? e : new OperatorError(operatorId, record, e);
  }
}

/** The job was stopped or cancelled before its sources ended. */
export class JobCancelledError extends SluiceError {
  override readonly name = 'JobCancelledError';
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
