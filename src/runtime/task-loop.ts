import type { Clock } from '../core/clock.js';
import type { BoundedQueue } from './bounded-queue.js';
import type { DeadLetterRouter } from './dead-letter-router.js';
import type { PendingWrites } from './pending-writes.js';
import type { ProcessingTimeScheduler } from './processing-time-scheduler.js';
import type { QueueItem } from './source-pump.js';

/** What the loop asks of the job it runs. */
export interface TaskLoopHost {
  /** Pushes one message through the job; true when it ended its source. */
  deliver(item: QueueItem): boolean;
  /** The job failed or was cancelled: the loop stops at once. */
  readonly halted: boolean;
}

interface BoundaryAction {
  readonly run: () => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (e: unknown) => void;
}

/**
 * The single task loop of a job (one thread): takes one message at a time from the bounded queue,
 * pushes it synchronously through the chained operators, fires due processing-time callbacks,
 * awaits sink writes before taking more (backpressure) and flushes dead letters. Between two
 * messages the whole job is quiescent — every operator processed everything it took, the sinks
 * accepted it — so that is where `atBoundary` actions run: snapshots, split hand-overs, and later
 * checkpoints. The loop ends when every source ended, or when the host halts.
 */
export class TaskLoop {
  private readonly boundary: BoundaryAction[] = [];
  private wakeUp: (() => void) | undefined;
  private active: number;
  finished = false;

  constructor(
    private readonly host: TaskLoopHost,
    private readonly queue: BoundedQueue<QueueItem>,
    private readonly scheduler: ProcessingTimeScheduler,
    private readonly writes: PendingWrites,
    private readonly deadLetters: DeadLetterRouter,
    private readonly clock: Clock,
    sources: number,
  ) {
    this.active = sources;
  }

  /** Wakes the loop if it is parked (a stop, a failure, a boundary action). */
  wake(): void {
    this.wakeUp?.();
  }

  /** Runs `action` at the next message boundary, with the job paused meanwhile. */
  atBoundary<T>(action: () => Promise<T>): Promise<T> {
    if (this.finished) return Promise.reject(new Error('the job is no longer running'));
    return new Promise<T>((resolve, reject) => {
      this.boundary.push({ run: action, resolve: resolve as (v: unknown) => void, reject });
      this.wake();
    });
  }

  async run(): Promise<void> {
    try {
      while (this.active > 0 && !this.host.halted) {
        if (this.scheduler.nextMs() !== undefined) this.scheduler.fireDue(this.clock.nowMs());
        await this.awaitWrites();
        if (this.boundary.length > 0) await this.runBoundaryActions();
        const item = this.queue.tryTake();
        if (item === undefined) {
          await this.waitForWork();
          continue;
        }
        if (this.host.deliver(item)) {
          this.active--;
          item.pump.ended = true;
        }
        await this.awaitWrites();
        if (this.deadLetters.pending > 0) await this.deadLetters.flush();
        item.pump.markProcessed();
      }
      if (!this.host.halted && this.boundary.length > 0) await this.runBoundaryActions();
    } finally {
      this.finished = true;
      for (const b of this.boundary.splice(0)) b.reject(new Error('the job stopped before this could run'));
    }
  }

  private async runBoundaryActions(): Promise<void> {
    while (this.boundary.length > 0 && !this.host.halted) {
      const action = this.boundary.shift() as BoundaryAction;
      try {
        action.resolve(await action.run());
      } catch (e) {
        action.reject(e);
      }
    }
  }

  /** Parks the loop until a message arrives, a processing-time callback is due, or it is woken. */
  private async waitForWork(): Promise<void> {
    const sleepAbort = new AbortController();
    await new Promise<void>((resolve) => {
      this.wakeUp = resolve;
      if (this.host.halted || this.boundary.length > 0) return resolve();
      this.queue.onNonEmpty(resolve);
      const next = this.scheduler.nextMs();
      if (next !== undefined) void this.clock.sleepUntil(next, sleepAbort.signal).then(resolve);
    });
    this.wakeUp = undefined;
    sleepAbort.abort();
  }

  /**
   * Waits for the sinks to accept what they were given (backpressure). A halt wakes it through the
   * same single wake-up slot as `waitForWork`, so no reactions pile up on long-lived promises.
   */
  async awaitWrites(): Promise<void> {
    for (;;) {
      const writes = this.writes.takeAll();
      if (writes === undefined || this.host.halted) return;
      await new Promise<void>((resolve, reject) => {
        this.wakeUp = resolve;
        writes.then(() => resolve(), reject);
      });
      this.wakeUp = undefined;
    }
  }
}
