import type { Clock } from '../core/clock.js';
import type { StateBackend } from '../state/state-backend.js';
import type { DeadLetterRouter } from './dead-letter-router.js';
import type { JobMetrics } from './job-metrics.js';
import type { PendingWrites } from './pending-writes.js';
import type { ProcessingTimeScheduler } from './processing-time-scheduler.js';

/** Job-wide services every node runtime uses; created by the job runner for one run. */
export interface RuntimeServices {
  readonly clock: Clock;
  readonly stateBackend: StateBackend;
  readonly maxParallelism: number;
  readonly autoWatermarkIntervalMs: number;
  readonly scheduler: ProcessingTimeScheduler;
  readonly metrics: JobMetrics;
  /** Sink writes of the current message; the task loop awaits them (backpressure). */
  readonly writes: PendingWrites;
  readonly deadLetters: DeadLetterRouter;
}
