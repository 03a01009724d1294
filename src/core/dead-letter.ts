import { OutputTag } from './output-tag.js';

/**
 * A record the job could not process because the input was bad (unparseable line, document the
 * search engine rejects, ...). Dead letters are never dropped silently: they go to the job's
 * dead-letter output (a file, any sink, or a side output) and are counted in the job metrics.
 */
export interface DeadLetter {
  /** The source or operator the record came from, e.g. `file:access.log`. */
  readonly origin: string;
  /** The record's position within `origin` (line number, offset, sequence number). */
  readonly position: number;
  /** The operator that rejected it. */
  readonly operatorId: string;
  /** Why, in words a user can act on. */
  readonly reason: string;
  /** The record as it was received (a raw line stays a string). */
  readonly record: unknown;
  /** When it was rejected, epoch ms (processing time). */
  readonly rejectedAtMs: number;
}

/**
 * Side output carrying an operator's (or source's) dead letters. When a stream reads it with
 * `getSideOutput(DEAD_LETTERS)`, that stream receives them; otherwise they go to the job's
 * dead-letter output.
 */
export const DEAD_LETTERS = new OutputTag<DeadLetter>('dead-letters');
