import type { Clock } from './clock.js';
import type { RecordBatch } from './record-batch.js';

export type Boundedness = 'bounded' | 'unbounded';

/**
 * Sources v2: a source reads one or more *splits* (the files of a glob, the partitions of a Kafka
 * topic, the slices of an index scan). A split is named by the `origin` of the batches read from
 * it, so every record already says which split it came from. Resuming follows bytewax's
 * `StatefulSourcePartition.snapshot`: each data message carries its split's resume state *after*
 * the batch (the file offset after its last line, the Kafka offset after its last record). The
 * runtime records the state of a message only once the message went through the whole job, so the
 * reader may read ahead freely: a snapshot taken between two messages names exactly the records the
 * job has processed, per split.
 *
 * Message kinds:
 * - `data`: records of split `batch.origin`; `state`, when given, is that split's resume state
 *   after these records (plain data: structured-cloneable and JSON-serializable).
 * - `watermark`/`idle`: the reader's own event-time progress for the whole source (rarely needed:
 *   `fromSource(source, { watermarks })` generates watermarks per split in the runtime instead).
 * - `splits`: the split set changed: `added` splits are now read (they hold back the watermark until
 *   they have data or turn idle), `finished` splits have no more records (they stop holding it back),
 *   `removed` splits were given away (a consumer-group rebalance) and leave the watermark merge.
 * - `end`: the source has no more input.
 */
export type SourceMessage<T> =
  | { readonly kind: 'data'; readonly batch: RecordBatch<T>; readonly state?: unknown }
  /** No record with a timestamp <= timestampMs will follow from this source. */
  | { readonly kind: 'watermark'; readonly timestampMs: number }
  /** The source stopped (idle: true) or resumed (idle: false) producing. */
  | { readonly kind: 'idle'; readonly idle: boolean }
  | {
      readonly kind: 'splits';
      readonly added?: readonly string[];
      readonly finished?: readonly string[];
      readonly removed?: readonly string[];
    }
  | { readonly kind: 'end' };

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
  /**
   * Resume states by split, from the snapshot this run was restored from (empty on a fresh start).
   * A reader continues each split after its state; splits absent here start from the beginning
   * (or wherever the source's configuration says).
   */
  readonly restoredSplits: ReadonlyMap<string, unknown>;
  /**
   * Job-wide connector defaults the host sets (the CLI's `--url` as `search.url`), so a connector
   * configured without that option uses the host's choice instead of reading the process environment.
   * Explicit connector options always win.
   */
  readonly settings: Readonly<Record<string, string>>;
  /** Sends a bad input item to the job's dead-letter output; the reader carries on. */
  deadLetter(letter: SourceDeadLetter): void;
  /** A line for the operator's log (reconnects, file rotations); shown on stderr by the CLI. */
  log(message: string): void;
  /**
   * Resolves once the runtime has processed every message this reader returned so far. Test sources
   * use it to advance a manual clock only after earlier records went through the whole job.
   */
  drained(): Promise<void>;
  /**
   * Gives splits away cleanly (Quix's revoke path, for consumer-group rebalances): resolves once
   * every message this reader returned before the call went through the job, every sink flushed
   * (so what was read from these splits is written), and the splits left the watermark merge. The
   * answer holds their last processed resume states, which the reader commits back (Kafka offsets)
   * before it lets the splits go. The reader must not return records of these splits afterwards.
   */
  handOver(splits: readonly string[]): Promise<ReadonlyMap<string, unknown>>;
}

/**
 * Reads one source. Pull-based: the runtime calls `read()` again only after the previous promise
 * settled and its bounded input queue has room, so a reader that pauses its underlying stream while
 * no read is pending gets backpressure for free (a slow sink slows the source).
 */
export interface SourceReader<T> {
  /** The next batch, watermark, idleness or split change; `{ kind: 'end' }` when there is no more input. */
  read(): Promise<SourceMessage<T>>;
  /**
   * A checkpoint that includes `splitStates` (the resume state of every split as of that checkpoint)
   * is complete and durable: a reader that commits progress back to its system (Kafka consumer-group
   * offsets) does it here. Never called for a checkpoint that failed.
   */
  onCheckpointComplete?(
    checkpointId: number,
    splitStates: ReadonlyMap<string, unknown>,
  ): void | Promise<void>;
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
