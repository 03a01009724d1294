/**
 * The bounded hand-off between source readers (producers) and the task loop (the single consumer).
 * `put` waits while the queue is full, which is how a slow job slows its sources down; memory
 * stays bounded by `capacity` messages. The consumer polls with `tryTake` and, when empty, parks a
 * single wake-up callback with `onNonEmpty` (so it can also wake for timers or a stop request).
 */
export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private head = 0;
  private readonly waitingPutters: Array<() => void> = [];
  private consumerWaiter: (() => void) | undefined;

  constructor(readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`queue capacity must be >= 1, got ${capacity}`);
  }

  get size(): number {
    return this.items.length - this.head;
  }

  async put(item: T): Promise<void> {
    while (this.size >= this.capacity) {
      await new Promise<void>((resolve) => this.waitingPutters.push(resolve));
    }
    this.items.push(item);
    const waiter = this.consumerWaiter;
    this.consumerWaiter = undefined;
    waiter?.();
  }

  /** Takes the oldest item if there is one, and lets one waiting producer continue. */
  tryTake(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head] as T;
    this.items[this.head] = undefined as T;
    this.head++;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head > 1024) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    this.waitingPutters.shift()?.();
    return item;
  }

  /** Calls `wake` once when an item is available (at once if one already is). Replaces an earlier waiter. */
  onNonEmpty(wake: () => void): void {
    if (this.size > 0) {
      wake();
      return;
    }
    this.consumerWaiter = wake;
  }
}
