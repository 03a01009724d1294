import type { Clock } from './clock.js';
import type { StreamMessage } from './message.js';

export type Boundedness = 'bounded' | 'unbounded';

/** What a source reader may hand the runtime: anything but a checkpoint barrier (reserved for the runtime's checkpoints, not built yet). */
export type SourceMessage<T> = Exclude<StreamMessage<T>, { kind: 'barrier' }>;

/** Reports one bad input item found by a source (an unparseable NDJSON line, a CSV row with the wrong arity). */
export interface SourceDeadLetter {
  /** Where within the source, when a source reads several inputs (a file of a glob); default: the source's name. */
  readonly origin?: string;
  readonly position: number;
  readonly reason: string;
  readonly record: unknown;
}

/** Given to a reader when the job starts. */
export interface SourceContext {
  readonly clock: Clock;
  /** Aborted when the job stops or is cancelled: unbounded readers must then resolve `read()` with `end`. */
  readonly signal: AbortSignal;
  /** Preferred maximum records per batch. */
  readonly batchSize: number;
  /** The source's operator id, used as the default origin of its records. */
  readonly operatorId: string;
  /** Sends a bad input item to the job's dead-letter output; the reader carries on. */
  deadLetter(letter: SourceDeadLetter): void;
  /** A line for the operator's log (reconnects, file rotations); shown on stderr by the CLI. */
  log(message: string): void;
  /**
   * Resolves once the runtime has processed every message this reader returned so far. Test sources
   * use it to advance a manual clock only after earlier records went through the whole job.
   */
  drained(): Promise<void>;
}

/**
 * Reads one source. Pull-based: the runtime calls `read()` again only after the previous promise
 * settled and its bounded input queue has room, so a reader that pauses its underlying stream while
 * no read is pending gets backpressure for free (a slow sink slows the source).
 */
export interface SourceReader<T> {
  /** The next batch, watermark or idleness change; `{ kind: 'end' }` when there is no more input. */
  read(): Promise<SourceMessage<T>>;
  /** Releases files, sockets and timers. Called once, also when the job fails. */
  close?(): Promise<void>;
}

/** A source: a plain description (its config) that builds a reader per job run. */
export interface Source<T> {
  /** Shown in metrics, progress and dead letters, e.g. `file:access.log`. */
  readonly name: string;
  readonly boundedness: Boundedness;
  createReader(ctx: SourceContext): SourceReader<T>;
}
