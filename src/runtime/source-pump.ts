import { OperatorError } from '../core/errors.js';
import type { SourceMessage, SourceReader } from '../core/source.js';
import type { BoundedQueue } from './bounded-queue.js';
import type { SourceNodeRuntime } from './source-node-runtime.js';

/** What the pumps hand the task loop: a message and the pump it came from. */
export interface QueueItem {
  readonly pump: SourcePump;
  readonly message: SourceMessage<unknown>;
}

/**
 * Pulls one source's reader into the job's bounded queue. It reads ahead of processing by at most
 * the queue's capacity; `processed` counts what the task loop has pushed through the whole job, so
 * `drained`/`drainedUpTo` can tell a reader when everything it returned went through (test
 * sources advance clocks on it, `handOver` waits for it).
 */
export class SourcePump {
  reader: SourceReader<unknown> | undefined;
  produced = 0;
  processed = 0;
  ended = false;
  private readonly drainWaiters: Array<{ upTo: number; resolve: () => void }> = [];

  constructor(
    readonly node: SourceNodeRuntime,
    private readonly queue: BoundedQueue<QueueItem>,
    private readonly signal: AbortSignal,
    private readonly fail: (e: unknown) => void,
  ) {}

  start(reader: SourceReader<unknown>): void {
    this.reader = reader;
    void this.pump(reader);
  }

  private async pump(reader: SourceReader<unknown>): Promise<void> {
    try {
      while (!this.signal.aborted) {
        const message = await reader.read();
        this.produced++;
        await this.queue.put({ pump: this, message });
        if (message.kind === 'end') return;
      }
      this.produced++;
      await this.queue.put({ pump: this, message: { kind: 'end' } });
    } catch (e) {
      this.fail(new OperatorError(this.node.id, undefined, e));
    }
  }

  /** Called by the task loop after a message of this pump went through the job. */
  markProcessed(): void {
    this.processed++;
    if (this.drainWaiters.length === 0) return;
    const ready = this.drainWaiters.filter((w) => w.upTo <= this.processed);
    if (ready.length === 0) return;
    const rest = this.drainWaiters.filter((w) => w.upTo > this.processed);
    this.drainWaiters.splice(0, this.drainWaiters.length, ...rest);
    for (const w of ready) w.resolve();
  }

  /** Resolves once every message returned so far went through the job. */
  drained(): Promise<void> {
    return this.drainedUpTo(this.produced);
  }

  drainedUpTo(upTo: number): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.processed >= upTo || this.ended) resolve();
      else this.drainWaiters.push({ upTo, resolve });
    });
  }
}
