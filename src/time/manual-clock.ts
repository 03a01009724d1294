import type { Clock } from '../core/clock.js';

interface Sleeper {
  readonly deadlineMs: number;
  readonly resolve: () => void;
}

/**
 * A clock that moves only when told to. Tests hand it to the environment, sources and state
 * backends, then call `advance()`; every `sleepUntil` whose deadline is reached resolves, in
 * deadline order. Nothing in a test should sleep on the wall clock.
 */
export class ManualClock implements Clock {
  private sleepers: Sleeper[] = [];

  constructor(private currentMs = 0) {}

  nowMs(): number {
    return this.currentMs;
  }

  /** Moves time forward by `deltaMs` and wakes every sleeper whose deadline has come. */
  advance(deltaMs: number): void {
    if (deltaMs < 0) throw new RangeError(`ManualClock cannot go back in time (advance by ${deltaMs} ms)`);
    this.setTime(this.currentMs + deltaMs);
  }

  /** Sets the time (never backwards) and wakes due sleepers. */
  setTime(nowMs: number): void {
    if (nowMs < this.currentMs)
      throw new RangeError(`ManualClock cannot go back from ${this.currentMs} to ${nowMs}`);
    this.currentMs = nowMs;
    const due = this.sleepers
      .filter((s) => s.deadlineMs <= nowMs)
      .sort((a, b) => a.deadlineMs - b.deadlineMs);
    this.sleepers = this.sleepers.filter((s) => s.deadlineMs > nowMs);
    for (const s of due) s.resolve();
  }

  /** How many callers are waiting on this clock (lets tests wait until a component is parked). */
  get pendingSleepers(): number {
    return this.sleepers.length;
  }

  sleepUntil(deadlineMs: number, signal?: AbortSignal): Promise<void> {
    if (deadlineMs <= this.currentMs || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper: Sleeper = {
        deadlineMs,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        resolve();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }
}
