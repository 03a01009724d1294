import { BatchBuilder, type RecordBatch } from '../core/record-batch.js';
import type { Partitioning } from '../plan/job-plan.js';
import { keyGroupOf, subtaskForKeyGroup } from '../state/key-groups.js';

/**
 * The exchange on one input edge of a node: decides which of the node's `instances` receives each
 * record of a batch that arrived from upstream instance `upstream` (see `Partitioning` in the plan).
 * Returns one batch (or undefined) per downstream instance; with one instance, the batch itself.
 * A key selector that throws is reported through `onKeyError` with the record's index, and the
 * record is left out (the caller routes it as a failed record of the node).
 */
export class Exchange {
  private nextRebalance = 0;

  constructor(
    private readonly partitioning: Partitioning,
    private readonly instances: number,
    private readonly maxParallelism: number,
  ) {}

  route(
    batch: RecordBatch<unknown>,
    upstream: number,
    onKeyError: (index: number, error: unknown) => void,
  ): ReadonlyArray<RecordBatch<unknown> | undefined> {
    const p = this.instances;
    // One instance gets everything; a keyed operator computes (and validates) its keys itself.
    if (p === 1) return [batch];
    switch (this.partitioning.kind) {
      case 'forward':
        return this.only(upstream % p, batch);
      case 'rebalance': {
        const target = this.nextRebalance;
        this.nextRebalance = (target + 1) % p;
        return this.only(target, batch);
      }
      case 'broadcast':
        return new Array<RecordBatch<unknown>>(p).fill(batch);
      case 'hash':
        return this.byKeyGroup(batch, onKeyError);
    }
  }

  private only(target: number, batch: RecordBatch<unknown>): Array<RecordBatch<unknown> | undefined> {
    const out = new Array<RecordBatch<unknown> | undefined>(this.instances).fill(undefined);
    out[target] = batch;
    return out;
  }

  private byKeyGroup(
    batch: RecordBatch<unknown>,
    onKeyError: (index: number, error: unknown) => void,
  ): Array<RecordBatch<unknown> | undefined> {
    const key = (this.partitioning as Extract<Partitioning, { kind: 'hash' }>).key;
    const p = this.instances;
    const maxP = this.maxParallelism;
    const { values, timestampsMs, positions, watermarksMs } = batch;
    const withWm = watermarksMs !== undefined;
    const parts = Array.from({ length: p }, () => new BatchBuilder<unknown>(batch.origin, withWm));
    for (let i = 0; i < values.length; i++) {
      let subtask: number;
      try {
        subtask = subtaskForKeyGroup(maxP, p, keyGroupOf(key(values[i]), maxP));
      } catch (e) {
        onKeyError(i, e);
        continue;
      }
      (parts[subtask] as BatchBuilder<unknown>).push(
        values[i],
        timestampsMs[i] as number,
        positions[i] as number,
        watermarksMs?.[i],
      );
    }
    return parts.map((b) => b.take());
  }
}
