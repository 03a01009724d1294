import type { CheckpointManifest } from '../checkpoint/checkpoint-storage.js';
import type { DeadLetter } from '../core/dead-letter.js';
import type { JobMetricsSnapshot } from './job-metrics.js';
import type { JobSnapshot } from './job-snapshot.js';

/**
 * How a job ended: `finished` when every source ended (all windows flushed), `stopped` when asked to
 * stop (in-flight records were processed and sinks flushed; open windows were not fired unless the
 * stop drained).
 */
export interface JobResult {
  readonly jobName: string;
  readonly status: 'finished' | 'stopped';
  readonly durationMs: number;
  readonly metrics: JobMetricsSnapshot;
  /** The first dead letters (up to 100) when no dead-letter sink was configured. */
  readonly deadLetterSamples: readonly DeadLetter[];
}

/** A running job. `result` rejects with the job's error if it fails. */
export interface JobClient {
  readonly jobName: string;
  readonly result: Promise<JobResult>;
  /** Live metrics (for progress lines). */
  metrics(): JobMetricsSnapshot;
  /**
   * Stops reading sources, processes what was already read, flushes sinks and closes everything.
   * With `drain: true` the job also ends its input (final watermark, every window fires).
   */
  stop(options?: { drain?: boolean }): Promise<JobResult>;
  /** Stops at once without flushing; the result rejects with JobCancelledError. */
  cancel(): Promise<void>;
  /**
   * The job's whole state at the next message boundary (sinks flushed first), to restore a later
   * run from (`restoreFrom`). Rejects when the job is no longer running.
   */
  snapshot(): Promise<JobSnapshot>;
  /**
   * `snapshot()` stored as the next checkpoint in the job's checkpoint storage
   * (`checkpoints.storage`); resolves once it is complete and readers and writers were told
   * (`onCheckpointComplete`). Rejects when no storage is configured or the job is not running.
   */
  checkpoint(): Promise<CheckpointManifest>;
}
