import { MinHeap } from '../state/min-heap.js';

/**
 * Wakes operators when the clock reaches times they asked for (`scheduleProcessingTime`). One
 * entry per (time, callback): an operator asking twice for the same time is woken once. The task
 * loop fires due callbacks between messages and sleeps until the earliest one when idle.
 */
export class ProcessingTimeScheduler {
  private readonly heap = new MinHeap();
  private readonly due = new Map<number, Set<(nowMs: number) => void>>();

  schedule(timestampMs: number, callback: (nowMs: number) => void): void {
    let set = this.due.get(timestampMs);
    if (set === undefined) {
      set = new Set();
      this.due.set(timestampMs, set);
      this.heap.push(timestampMs);
    }
    set.add(callback);
  }

  nextMs(): number | undefined {
    return this.heap.peek();
  }

  /** Runs every callback scheduled at or before `nowMs`, earliest first; returns how many ran. */
  fireDue(nowMs: number): number {
    let fired = 0;
    for (;;) {
      const ts = this.heap.peek();
      if (ts === undefined || ts > nowMs) return fired;
      this.heap.pop();
      const callbacks = this.due.get(ts);
      this.due.delete(ts);
      if (callbacks === undefined) continue;
      for (const cb of callbacks) {
        fired++;
        cb(nowMs);
      }
    }
  }
}
