/**
 * Promises returned by sink writers while the task loop pushes one message through the job. The
 * loop awaits them before it takes the next message: that wait is the job's backpressure.
 */
export class PendingWrites {
  private promises: Promise<void>[] = [];

  get size(): number {
    return this.promises.length;
  }

  track(write: Promise<void>): void {
    this.promises.push(write);
  }

  /** Everything tracked so far, as one promise, and a fresh list for what comes next. */
  takeAll(): Promise<void> | undefined {
    if (this.promises.length === 0) return undefined;
    const all = Promise.all(this.promises).then(() => {});
    this.promises = [];
    return all;
  }
}
