import type { RecordBatch } from '../core/record-batch.js';
import type { Sink, SinkContext, SinkWriter } from '../core/sink.js';

/**
 * A sink that keeps what it was given, counts its writes, and snapshots as `{ collected: n }` (how
 * many values it held at the cut), so a test can take a snapshot or checkpoint mid-run and know
 * which output the cut covers:
 *
 *   const out = new RecordingSink<string>();
 *   const client = env.executeAsync();
 *   const cut = await out.atWrite(3, () => client.snapshot());
 *   await client.cancel();
 *   const committed = out.values.slice(0, out.collectedAt(cut.sinks.out));
 *
 * `atWrite(n, take)` calls `take` from inside the n-th write (so the job is mid-run, holding more
 * input) and resolves with what `take` resolves to. `restoredState` is what a restored run handed
 * the writer; `checkpointsCompleted` the ids `onCheckpointComplete` reported.
 */
export class RecordingSink<T> implements Sink<T> {
  readonly name: string;
  readonly values: T[] = [];
  readonly checkpointsCompleted: number[] = [];
  restoredState: unknown;
  private writes = 0;
  private trigger: { readonly at: number; readonly fire: () => void } | undefined;

  constructor(name = 'recording') {
    this.name = name;
  }

  createWriter(ctx: SinkContext): SinkWriter<T> {
    this.restoredState = ctx.restoredState;
    return {
      write: (batch: RecordBatch<T>) => {
        this.values.push(...batch.values);
        this.writes++;
        if (this.trigger !== undefined && this.writes >= this.trigger.at) {
          const { fire } = this.trigger;
          this.trigger = undefined;
          fire();
        }
      },
      snapshot: () => ({ collected: this.values.length }),
      onCheckpointComplete: (id) => {
        this.checkpointsCompleted.push(id);
      },
    };
  }

  /** Runs `take` at the n-th write (counted over this sink's life); resolves with its result. */
  atWrite<R>(n: number, take: () => Promise<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.trigger = { at: n, fire: () => take().then(resolve, reject) };
    });
  }

  /** How many values a snapshot of this sink covered (its `sinks[id]` entry). */
  collectedAt(sinkState: unknown): number {
    const n = (sinkState as { collected?: unknown } | undefined)?.collected;
    if (typeof n !== 'number') throw new Error('not a RecordingSink snapshot');
    return n;
  }
}
