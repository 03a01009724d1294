import { ConfigError, OperatorError } from '../core/errors.js';
import type { Operator, OperatorContext } from '../core/operator.js';
import type { RecordBatch } from '../core/record-batch.js';
import { routeRecordFailure } from '../core/record-failure.js';
import type { OperatorPlanNode } from '../plan/job-plan.js';
import { keyGroupRangeForSubtask } from '../state/key-groups.js';
import type { KeyedOperator, KeyedOperatorContext } from '../state/keyed-operator.js';
import { CollectingSnapshotWriter, type KeyedStateSnapshotWriter } from '../state/keyed-state-snapshot.js';
import type { KeyedStateBackend, KeyedStateSnapshot } from '../state/state-backend.js';
import { InstanceOutput } from './instance-output.js';
import { addToCounter } from './job-metrics.js';
import type { OperatorSnapshot } from './job-snapshot.js';
import { NodeRuntime } from './node-runtime.js';
import type { RuntimeServices } from './runtime-services.js';

interface Instance {
  readonly operator: Operator<unknown, unknown> | KeyedOperator<unknown, unknown>;
  readonly output: InstanceOutput;
  readonly ctx: OperatorContext<unknown>;
  readonly backend: KeyedStateBackend | undefined;
}

/**
 * An operator node: `parallelism` instances, each built with its own user logic (the plan's
 * `create(instance)`), each keyed instance owning a key-group range with its own state backend.
 * Batches arrive already routed to instances by the input edge's exchange, so results do not
 * depend on the parallelism, and instances could move to worker threads unchanged.
 */
export class OperatorNodeRuntime extends NodeRuntime {
  readonly instances: Instance[] = [];

  constructor(
    override readonly node: OperatorPlanNode,
    instancesPerInput: readonly number[],
    services: RuntimeServices,
    private readonly restored: OperatorSnapshot | undefined,
  ) {
    super(node, instancesPerInput, services);
    for (let i = 0; i < node.parallelism; i++) this.instances.push(this.createInstance(i));
  }

  private createInstance(index: number): Instance {
    const s = this.services;
    const node = this.node;
    const output = new InstanceOutput(this.metrics);
    this.outputs.push(output);
    const operator = node.create({ index, parallelism: node.parallelism });
    const onTimer = (nowMs: number) => {
      try {
        operator.onProcessingTime?.(nowMs);
      } catch (e) {
        throw OperatorError.wrap(node.id, e);
      }
    };
    const metrics = this.metrics;
    const base: OperatorContext<unknown> = {
      operatorId: node.id,
      output,
      clock: s.clock,
      scheduleProcessingTime: (ts) => s.scheduler.schedule(ts, onTimer),
      deadLetter: (origin, position, reason, record) =>
        s.deadLetters.route(node.id, output, { origin, position, reason, record }),
      count: (counter, delta = 1) => addToCounter(metrics, counter, delta),
    };
    if (!node.keyed) return { operator, output, ctx: base, backend: undefined };
    const keyGroupRange = keyGroupRangeForSubtask(s.maxParallelism, node.parallelism, index);
    const backend = s.stateBackend.createKeyedStateBackend({
      operatorId: node.id,
      keyGroupRange,
      maxParallelism: s.maxParallelism,
      clock: s.clock,
    });
    if (this.restored?.keyed !== undefined) backend.restore(this.restored.keyed);
    const ctx: KeyedOperatorContext<unknown> = { ...base, keyedState: backend, keyGroupRange };
    return { operator, output, ctx, backend };
  }

  async open(): Promise<void> {
    const states = this.restored?.instances;
    if (
      states !== undefined &&
      states.length !== this.instances.length &&
      states.some((s) => s !== undefined)
    ) {
      throw new ConfigError(
        `operator "${this.node.id}" was snapshotted with ${states.length} instances holding operator state and now runs ${this.instances.length}; operator state cannot be rescaled`,
      );
    }
    const restoredFromSnapshot = this.restored?.keyed !== undefined;
    for (const [i, inst] of this.instances.entries()) {
      try {
        await inst.backend?.open?.({ restoredFromSnapshot });
        await inst.operator.open?.(inst.ctx as KeyedOperatorContext<unknown>);
        const state = states?.[i];
        if (state !== undefined) inst.operator.restore?.(state);
      } catch (e) {
        throw OperatorError.wrap(this.node.id, e);
      }
    }
  }

  protected process(batch: RecordBatch<unknown>, input: number, upstream: number): void {
    const instances = this.instances;
    if (instances.length === 1) {
      (instances[0] as Instance).operator.processBatch(batch, input);
      return;
    }
    const parts = (this.exchanges[input] as NonNullable<(typeof this.exchanges)[number]>).route(
      batch,
      upstream,
      (i, e) => routeRecordFailure((instances[0] as Instance).ctx, batch, i, e),
    );
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i];
      if (part !== undefined) (instances[i] as Instance).operator.processBatch(part, input);
    }
  }

  protected watermark(watermarkMs: number): void {
    for (const inst of this.instances) {
      if (inst.operator.processWatermark !== undefined) inst.operator.processWatermark(watermarkMs);
      else inst.output.emitWatermark(watermarkMs);
    }
  }

  protected endInput(): void {
    for (const inst of this.instances) inst.operator.endInput?.();
  }

  /**
   * Operator state per instance, taken now, and the keyed state of all instances (by key group),
   * frozen now (copy-on-write) and streamed afterwards: the returned promise settles once every
   * backend wrote its chunks, while the job goes on processing. Call at a message boundary.
   * Without `keyedWriterFor` the keyed state is gathered in memory into `keyed`; with it, instance
   * i streams its keyed state into `keyedWriterFor(i)` (a checkpoint part) and `keyed` is absent.
   */
  snapshot(keyedWriterFor?: (instance: number) => KeyedStateSnapshotWriter): Promise<OperatorSnapshot> {
    const instances = this.instances.map((inst) => structuredClone(inst.operator.snapshot?.()));
    if (!this.node.keyed) return Promise.resolve({ instances });
    const backends = this.instances.map((inst) => inst.backend as KeyedStateBackend);
    if (keyedWriterFor !== undefined) {
      return Promise.all(backends.map((b, i) => b.snapshotTo(keyedWriterFor(i)))).then(() => ({ instances }));
    }
    const writers = backends.map(() => new CollectingSnapshotWriter());
    return Promise.all(backends.map((b, i) => b.snapshotTo(writers[i] as CollectingSnapshotWriter))).then(
      () => {
        const parts = writers.map((w) => w.result());
        const keyed: KeyedStateSnapshot = {
          formatVersion: 1,
          maxParallelism: this.services.maxParallelism,
          keyGroups: parts.flatMap((p) => p.keyGroups).sort((a, b) => a.keyGroup - b.keyGroup),
        };
        return { instances, keyed };
      },
    );
  }

  /** Keyed instances this node runs (how many keyed-state streams a snapshot writes). */
  get keyedInstances(): number {
    return this.node.keyed ? this.instances.length : 0;
  }

  /**
   * Closes every instance; `graceful` (the job finished or was stopped, everything flushed) also
   * lets each keyed backend make its state durable first. Backends are always disposed.
   */
  async close(graceful: boolean): Promise<void> {
    for (const inst of this.instances) {
      try {
        await inst.operator.close?.();
        if (graceful) await inst.backend?.close?.();
      } finally {
        inst.backend?.dispose();
      }
    }
  }
}
