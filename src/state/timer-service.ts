import type { Key } from '../core/key.js';
import { TimerQueue } from './timer-queue.js';

export type TimerDomain = 'eventTime' | 'processingTime';

/** Called for each due timer; the operator sets the current key to `key` before running user code. */
export type TimerCallback = (timestampMs: number, key: Key, namespace: number, domain: TimerDomain) => void;

/**
 * Event-time and processing-time timers of one keyed operator, per key and namespace, deduplicated
 * and fired in timestamp order. Event-time timers fire when the operator's watermark reaches them;
 * processing-time timers when the runtime reports the clock reached them (the service asks the
 * runtime to wake it via `scheduleProcessingTime` whenever its earliest timer changes).
 * Created and snapshotted by the keyed state backend.
 */
export class KeyedTimerService {
  readonly eventTimers = new TimerQueue();
  readonly processingTimers = new TimerQueue();
  /**
   * A lower bound of the earliest event-time timer. Watermarks often advance with every record;
   * this lets such advances skip the queue until a timer can actually be due.
   */
  private eventTimersFromMs = Number.POSITIVE_INFINITY;

  constructor(private readonly scheduleProcessingTime: (timestampMs: number) => void) {}

  registerEventTimeTimer(key: Key, namespace: number, timestampMs: number): void {
    if (this.eventTimers.add(timestampMs, key, namespace) && timestampMs < this.eventTimersFromMs) {
      this.eventTimersFromMs = timestampMs;
    }
  }

  deleteEventTimeTimer(key: Key, namespace: number, timestampMs: number): void {
    this.eventTimers.remove(timestampMs, key, namespace);
  }

  registerProcessingTimeTimer(key: Key, namespace: number, timestampMs: number): void {
    const before = this.processingTimers.peekMs();
    if (
      this.processingTimers.add(timestampMs, key, namespace) &&
      (before === undefined || timestampMs < before)
    ) {
      this.scheduleProcessingTime(timestampMs);
    }
  }

  deleteProcessingTimeTimer(key: Key, namespace: number, timestampMs: number): void {
    this.processingTimers.remove(timestampMs, key, namespace);
  }

  /** Fires event-time timers up to `watermarkMs`. */
  advanceWatermark(watermarkMs: number, fire: TimerCallback): void {
    if (watermarkMs < this.eventTimersFromMs) return;
    this.eventTimers.fireUntil(watermarkMs, (ts, key, ns) => fire(ts, key, ns, 'eventTime'));
    this.eventTimersFromMs = this.eventTimers.peekMs() ?? Number.POSITIVE_INFINITY;
  }

  /** Fires processing-time timers up to `nowMs`, then re-schedules for the next pending one. */
  advanceProcessingTime(nowMs: number, fire: TimerCallback): void {
    this.processingTimers.fireUntil(nowMs, (ts, key, ns) => fire(ts, key, ns, 'processingTime'));
    const next = this.processingTimers.peekMs();
    if (next !== undefined) this.scheduleProcessingTime(next);
  }

  /** Re-announces the earliest processing-time timer (after a restore). */
  reschedule(): void {
    const next = this.processingTimers.peekMs();
    if (next !== undefined) this.scheduleProcessingTime(next);
  }
}
