import type { Clock } from '../../core/clock.js';

/**
 * A token bucket on an injected clock: permits accrue at `ratePerSecond` and up to `maxBurst` are
 * stored, so after a stall (the job applied backpressure) the source catches up by at most
 * `maxBurst` events instead of flooding. Waiting uses `clock.sleepUntil`, so tests drive it with
 * a ManualClock.
 */
export class RateLimiter {
  private tokens = 1;
  private refilledAtMs: number;

  constructor(
    private readonly clock: Clock,
    private readonly ratePerSecond: number,
    private readonly maxBurst: number = Math.max(1, ratePerSecond),
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError(`ratePerSecond must be > 0, got ${ratePerSecond}`);
    this.refilledAtMs = clock.nowMs();
  }

  /**
   * Waits until at least one permit is available and takes up to `max` of them; resolves with the
   * number taken, or 0 when `signal` aborted first.
   */
  async acquire(max: number, signal: AbortSignal): Promise<number> {
    for (;;) {
      if (signal.aborted) return 0;
      this.refill();
      if (this.tokens >= 1) {
        const n = Math.min(max, Math.floor(this.tokens));
        this.tokens -= n;
        return n;
      }
      const waitMs = Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
      await this.clock.sleepUntil(this.refilledAtMs + waitMs, signal);
    }
  }

  private refill(): void {
    const now = this.clock.nowMs();
    if (now <= this.refilledAtMs) return;
    this.tokens = Math.min(
      this.maxBurst,
      this.tokens + ((now - this.refilledAtMs) * this.ratePerSecond) / 1000,
    );
    this.refilledAtMs = now;
  }
}
