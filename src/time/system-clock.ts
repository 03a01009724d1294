import type { Clock } from '../core/clock.js';

/** Wall-clock time; the default everywhere outside tests. */
export class SystemClock implements Clock {
  nowMs(): number {
    return Date.now();
  }

  sleepUntil(deadlineMs: number, signal?: AbortSignal): Promise<void> {
    const delayMs = deadlineMs - Date.now();
    if (delayMs <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, delayMs);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}

export const systemClock: Clock = new SystemClock();
