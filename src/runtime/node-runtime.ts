import type { Clock } from '../core/clock.js';
import { OperatorError } from '../core/errors.js';
import type { Operator, OperatorContext, Output } from '../core/operator.js';
import type { OutputTag } from '../core/output-tag.js';
import { BatchBuilder, type RecordBatch, recordBatch } from '../core/record-batch.js';
import { routeRecordFailure } from '../core/record-failure.js';
import { redactText } from '../core/redact.js';
import type { SinkWriter } from '../core/sink.js';
import { keyGroupOf, keyGroupRangeForSubtask, subtaskForKeyGroup } from '../state/key-groups.js';
import type { KeyedOperator, KeyedOperatorContext } from '../state/keyed-operator.js';
import type { KeyedStateBackend, StateBackend } from '../state/state-backend.js';
import type { JobNode, KeyedOperatorNode, OperatorNode } from './job-graph.js';
import { addToCounter, type JobMetrics, type OperatorMetrics } from './job-metrics.js';
import type { ProcessingTimeScheduler } from './processing-time-scheduler.js';
import { WatermarkValve } from './watermark-valve.js';

/** Job-wide services every node runtime uses; owned by the job runner. */
export interface RuntimeServices {
  readonly clock: Clock;
  readonly stateBackend: StateBackend;
  readonly maxParallelism: number;
  readonly scheduler: ProcessingTimeScheduler;
  readonly metrics: JobMetrics;
  /** Promises returned by sink writers during the current message; the loop awaits them (backpressure). */
  readonly pendingWrites: Promise<void>[];
  deadLetter(
    nodeId: string,
    output: InstanceOutput,
    origin: string,
    position: number,
    reason: string,
    record: unknown,
  ): void;
}

interface Target {
  readonly node: ReceivingNode;
  readonly channel: number;
}

/** Anything that receives from upstream channels. */
export interface ReceivingNode {
  receiveBatch(channel: number, batch: RecordBatch<unknown>): void;
  receiveWatermark(channel: number, watermarkMs: number): void;
  receiveIdle(channel: number, idle: boolean): void;
  receiveEnd(channel: number): void;
}

/**
 * The output of one operator instance: fans batches out to the consumers of its main output or of a
 * side output, and broadcasts watermarks, idleness and end-of-input to all of them (side-output
 * consumers need event time too).
 */
export class InstanceOutput implements Output<unknown> {
  readonly main: Target[] = [];
  readonly side = new Map<string, Target[]>();
  readonly all: Target[] = [];

  constructor(private readonly metrics: OperatorMetrics) {}

  connect(target: Target, sideOutput: string | undefined): void {
    if (sideOutput === undefined) this.main.push(target);
    else {
      const list = this.side.get(sideOutput) ?? [];
      list.push(target);
      this.side.set(sideOutput, list);
    }
    this.all.push(target);
  }

  emit(batch: RecordBatch<unknown>): void {
    const n = batch.values.length;
    if (n === 0) return;
    this.metrics.recordsOut += n;
    for (const t of this.main) t.node.receiveBatch(t.channel, batch);
  }

  emitWatermark(watermarkMs: number): void {
    for (const t of this.all) t.node.receiveWatermark(t.channel, watermarkMs);
  }

  emitIdle(idle: boolean): void {
    for (const t of this.all) t.node.receiveIdle(t.channel, idle);
  }

  hasSide(tagId: string): boolean {
    return this.side.has(tagId);
  }

  emitSide<X>(tag: OutputTag<X>, batch: RecordBatch<X>): void {
    const targets = this.side.get(tag.id);
    if (targets === undefined) {
      addToCounter(this.metrics, 'sideOutputUnconsumed', batch.values.length);
      return;
    }
    for (const t of targets) t.node.receiveBatch(t.channel, batch as RecordBatch<unknown>);
  }

  end(): void {
    for (const t of this.all) t.node.receiveEnd(t.channel);
  }
}

/** Channel numbering: one channel per (input edge, upstream instance), edges in declaration order. */
function channelBases(instancesPerInput: readonly number[]): number[] {
  const bases: number[] = [];
  let next = 0;
  for (const n of instancesPerInput) {
    bases.push(next);
    next += n;
  }
  return bases;
}

/**
 * Shared receiving side: channel bookkeeping, the watermark valve and end-of-input detection.
 * Subclasses say what processing a batch, a merged watermark and the end of all input mean.
 */
export abstract class NodeRuntime implements ReceivingNode {
  readonly valve: WatermarkValve;
  readonly outputs: InstanceOutput[] = [];
  private readonly bases: number[];
  private endedChannels = 0;

  constructor(
    readonly node: JobNode,
    instancesPerInput: readonly number[],
    protected readonly services: RuntimeServices,
  ) {
    this.bases = channelBases(instancesPerInput);
    const channels = instancesPerInput.reduce((a, b) => a + b, 0);
    this.valve = new WatermarkValve(Math.max(1, channels));
  }

  get id(): string {
    return this.node.id;
  }

  channelFor(inputIndex: number, upstreamInstance: number): number {
    return (this.bases[inputIndex] as number) + upstreamInstance;
  }

  protected get metrics(): OperatorMetrics {
    return this.services.metrics.operator(this.node.id);
  }

  receiveBatch(channel: number, batch: RecordBatch<unknown>): void {
    this.metrics.recordsIn += batch.values.length;
    const inline = batch.watermarksMs;
    if (inline !== undefined && this.valve.channels > 1) {
      const merged = this.valve.mergeInline(channel, inline);
      if (merged !== inline)
        batch = recordBatch(batch.origin, batch.values, batch.timestampsMs, batch.positions, merged);
    }
    try {
      this.process(batch);
    } catch (e) {
      throw OperatorError.wrap(this.node.id, e);
    }
  }

  receiveWatermark(channel: number, watermarkMs: number): void {
    const merged = this.valve.onWatermark(channel, watermarkMs);
    if (merged !== undefined) this.deliverWatermark(merged);
  }

  receiveIdle(channel: number, idle: boolean): void {
    const { watermarkMs, idleChanged } = this.valve.onIdle(channel, idle);
    if (watermarkMs !== undefined) this.deliverWatermark(watermarkMs);
    if (idleChanged) for (const out of this.outputs) out.emitIdle(this.valve.idle);
  }

  receiveEnd(_channel: number): void {
    this.endedChannels++;
    if (this.endedChannels < this.valve.channels) return;
    try {
      this.endInput();
    } catch (e) {
      throw OperatorError.wrap(this.node.id, e);
    }
    for (const out of this.outputs) out.end();
  }

  private deliverWatermark(watermarkMs: number): void {
    try {
      this.watermark(watermarkMs);
    } catch (e) {
      throw OperatorError.wrap(this.node.id, e);
    }
  }

  protected abstract process(batch: RecordBatch<unknown>): void;
  protected abstract watermark(watermarkMs: number): void;
  protected abstract endInput(): void;
}

/** A source: only an output; the job runner pumps its reader into it. */
export class SourceNodeRuntime extends NodeRuntime {
  constructor(node: JobNode, services: RuntimeServices) {
    super(node, [], services);
    this.outputs.push(new InstanceOutput(this.metrics));
  }

  get output(): InstanceOutput {
    return this.outputs[0] as InstanceOutput;
  }

  protected process(): void {
    throw new Error(`source "${this.node.id}" has no inputs`);
  }

  protected watermark(): void {}

  protected endInput(): void {}
}

interface Instance {
  readonly operator: Operator<unknown, unknown> | KeyedOperator<unknown, unknown>;
  readonly output: InstanceOutput;
  readonly ctx: OperatorContext<unknown>;
  readonly backend: KeyedStateBackend | undefined;
}

/**
 * An operator node, keyed or not. A keyed node runs `parallelism` instances, each owning a
 * key-group range with its own state backend; incoming batches are split by key group, so results
 * do not depend on the parallelism (and instances can later move to worker threads unchanged).
 */
export class OperatorNodeRuntime extends NodeRuntime {
  readonly instances: Instance[] = [];
  private readonly keyed: KeyedOperatorNode | undefined;

  constructor(
    node: OperatorNode | KeyedOperatorNode,
    instancesPerInput: readonly number[],
    services: RuntimeServices,
  ) {
    super(node, instancesPerInput, services);
    this.keyed = node.kind === 'keyed' ? node : undefined;
    const parallelism = this.keyed?.parallelism ?? 1;
    for (let i = 0; i < parallelism; i++) this.instances.push(this.createInstance(node, i, parallelism));
  }

  private createInstance(
    node: OperatorNode | KeyedOperatorNode,
    index: number,
    parallelism: number,
  ): Instance {
    const s = this.services;
    const output = new InstanceOutput(this.metrics);
    this.outputs.push(output);
    const operator = node.create();
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
        s.deadLetter(node.id, output, origin, position, redactText(reason), record),
      count: (counter, delta = 1) => addToCounter(metrics, counter, delta),
    };
    if (node.kind !== 'keyed') return { operator, output, ctx: base, backend: undefined };
    const keyGroupRange = keyGroupRangeForSubtask(s.maxParallelism, parallelism, index);
    const backend = s.stateBackend.createKeyedStateBackend({
      operatorId: node.id,
      keyGroupRange,
      maxParallelism: s.maxParallelism,
      clock: s.clock,
    });
    const ctx: KeyedOperatorContext<unknown> = { ...base, keyedState: backend, keyGroupRange };
    return { operator, output, ctx, backend };
  }

  async open(): Promise<void> {
    for (const inst of this.instances) {
      try {
        await inst.operator.open?.(inst.ctx as KeyedOperatorContext<unknown>);
      } catch (e) {
        throw OperatorError.wrap(this.node.id, e);
      }
    }
  }

  protected process(batch: RecordBatch<unknown>): void {
    if (this.instances.length === 1) {
      (this.instances[0] as Instance).operator.processBatch(batch, 0);
      return;
    }
    const parts = this.partition(batch);
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]?.take();
      if (part !== undefined) (this.instances[i] as Instance).operator.processBatch(part, 0);
    }
  }

  /** Splits a batch by the key group of each record's key. */
  private partition(batch: RecordBatch<unknown>): BatchBuilder<unknown>[] {
    const keyed = this.keyed as KeyedOperatorNode;
    const p = this.instances.length;
    const withWm = batch.watermarksMs !== undefined;
    const parts = Array.from({ length: p }, () => new BatchBuilder<unknown>(batch.origin, withWm));
    const { values, timestampsMs, positions, watermarksMs } = batch;
    for (let i = 0; i < values.length; i++) {
      let subtask: number;
      try {
        subtask = subtaskForKeyGroup(
          this.services.maxParallelism,
          p,
          keyGroupOf(keyed.keySelector(values[i]), this.services.maxParallelism),
        );
      } catch (e) {
        routeRecordFailure((this.instances[0] as Instance).ctx, batch, i, e);
        continue;
      }
      (parts[subtask] as BatchBuilder<unknown>).push(
        values[i],
        timestampsMs[i] as number,
        positions[i] as number,
        watermarksMs?.[i],
      );
    }
    return parts;
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

  async close(): Promise<void> {
    for (const inst of this.instances) {
      await inst.operator.close?.();
      inst.backend?.dispose();
    }
  }
}

/** A sink: writes batches; async writes are collected so the task loop can await them (backpressure). */
export class SinkNodeRuntime extends NodeRuntime {
  writer: SinkWriter<unknown> | undefined;
  ended = false;

  protected process(batch: RecordBatch<unknown>): void {
    const writer = this.writer as SinkWriter<unknown>;
    this.services.metrics.recordsOut += batch.values.length;
    this.metrics.recordsOut += batch.values.length;
    const pending = writer.write(batch);
    if (pending !== undefined) {
      this.services.pendingWrites.push(
        pending.catch((e: unknown) => Promise.reject(OperatorError.wrap(this.node.id, e))),
      );
    }
  }

  protected watermark(watermarkMs: number): void {
    this.services.metrics.sinkWatermarks.set(this.node.id, watermarkMs);
    this.writer?.writeWatermark?.(watermarkMs);
  }

  protected endInput(): void {
    this.ended = true;
  }
}
