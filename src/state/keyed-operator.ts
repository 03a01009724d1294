import type { Key } from '../core/key.js';
import type { Operator, OperatorContext } from '../core/operator.js';
import type { KeyGroupRange } from './key-groups.js';
import type { KeyedStateBackend } from './state-backend.js';

/** What the runtime hands an operator that runs after `keyBy`. */
export interface KeyedOperatorContext<OUT> extends OperatorContext<OUT> {
  readonly keyedState: KeyedStateBackend;
  readonly keyGroupRange: KeyGroupRange;
}

/**
 * An operator on a keyed stream: owns a keyed state backend (state and timers per key) and reads
 * each record's key with the stream's key selector. Its `open` is required and receives the keyed context.
 */
export interface KeyedOperator<IN, OUT> extends Omit<Operator<IN, OUT>, 'open'> {
  /** The record's key in the runtime's form (`toKey`: tuples encoded). */
  readonly keySelector: (value: IN) => Key;
  open(ctx: KeyedOperatorContext<OUT>): void | Promise<void>;
}
