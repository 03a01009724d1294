import type { Clock } from './clock.js';
import type { RecordBatch } from './record-batch.js';

/** Reports one record the sink's target rejected as invalid (a mapping error, an oversized document). */
export interface SinkDeadLetter {
  readonly origin: string;
  readonly position: number;
  readonly reason: string;
  readonly record: unknown;
}

export interface SinkContext {
  readonly clock: Clock;
  /** Aborted when the job is cancelled (not on a clean stop, which flushes first). */
  readonly signal: AbortSignal;
  readonly operatorId: string;
  deadLetter(letter: SinkDeadLetter): void;
  log(message: string): void;
  /** Fails the job from work the writer does in the background (an interval flush), outside any `write` call. */
  reportFailure(error: unknown): void;
  /** Adds to a named counter of this sink (e.g. `documentsIndexed`), reported in job metrics. */
  count(counter: string, delta?: number): void;
  /**
   * Says why the writer is holding the job back right now (`"cluster answered 429; retrying in
   * 2.1 s"`), or `undefined` once it is not. Shown on the progress line and in metrics, so a user
   * sees that a slow or unreachable target, not a bug, is what the job waits for.
   */
  setStatus(status: string | undefined): void;
  /**
   * Job-wide connector defaults the host sets (the CLI's `--url` as `search.url`), so a connector
   * configured without that option uses the host's choice instead of reading the process environment.
   * Explicit connector options always win.
   */
  readonly settings: Readonly<Record<string, string>>;
  /** What `snapshot()` returned in the run this one was restored from; undefined on a fresh start. */
  readonly restoredState: unknown;
}

/**
 * Writes batches to a target. The runtime calls `write` in order; a returned promise applies
 * backpressure: the job takes no new input until it settles. `write` may be called again before an
 * earlier promise settled (one input batch can yield several output batches), so writers that
 * buffer must accept that. A rejected promise fails the job.
 */
export interface SinkWriter<T> {
  write(batch: RecordBatch<T>): void | Promise<void>;
  /** The sink's input watermark advanced; time-based sinks (rolling files, per-day indices) may use it. */
  writeWatermark?(watermarkMs: number): void;
  /**
   * Makes everything accepted so far durable/visible; resolves only when the target acknowledged
   * all of it. Called at end of input, on stop, when a source hands splits over, and before every
   * snapshot: flush-then-snapshot is what makes a sink at-least-once, and idempotent writes
   * (deterministic ids) make the effect exactly-once.
   */
  flush?(): Promise<void>;
  /**
   * This writer's state at a message boundary, taken right after `flush()` (so usually only what
   * cannot be flushed, e.g. a pending transaction id), as plain structured-cloneable data.
   * `createWriter` gets it back as `ctx.restoredState` when the job is restored.
   */
  snapshot?(): unknown;
  /** A checkpoint that contains this writer's snapshot is durable (two-phase sinks commit here). */
  onCheckpointComplete?(checkpointId: number): void | Promise<void>;
  /** Releases resources after the final flush; also called when the job fails. */
  close?(): Promise<void>;
}

/** A sink: a plain description (its config) that builds a writer per job run. */
export interface Sink<T> {
  readonly name: string;
  createWriter(ctx: SinkContext): SinkWriter<T> | Promise<SinkWriter<T>>;
}
