import { OperatorError } from '../core/errors.js';
import { type RecordBatch, recordBatch } from '../core/record-batch.js';
import type { PlanNode } from '../plan/job-plan.js';
import { Exchange } from './exchange.js';
import type { InstanceOutput, ReceivingNode } from './instance-output.js';
import type { OperatorMetrics } from './job-metrics.js';
import type { RuntimeServices } from './runtime-services.js';
import { WatermarkValve } from './watermark-valve.js';

/**
 * The receiving side every node shares: one channel per (input edge, upstream instance), numbered
 * in edge order; the watermark valve over all channels; the exchange of each input edge; and
 * end-of-input detection. Subclasses say what processing a batch (from input `input`, already
 * routed to its instances by the edge's exchange), a merged watermark and the end of all input mean.
 */
export abstract class NodeRuntime implements ReceivingNode {
  readonly valve: WatermarkValve;
  readonly outputs: InstanceOutput[] = [];
  private readonly channelInput: number[] = [];
  private readonly channelUpstream: number[] = [];
  private readonly bases: number[] = [];
  protected readonly exchanges: Exchange[];
  private endedChannels = 0;

  constructor(
    readonly node: PlanNode,
    /** How many instances each input edge's upstream node runs, in edge order. */
    instancesPerInput: readonly number[],
    protected readonly services: RuntimeServices,
  ) {
    let next = 0;
    instancesPerInput.forEach((n, input) => {
      this.bases.push(next);
      for (let u = 0; u < n; u++) {
        this.channelInput.push(input);
        this.channelUpstream.push(u);
      }
      next += n;
    });
    this.valve = new WatermarkValve(Math.max(1, next));
    this.exchanges = node.inputs.map(
      (edge) => new Exchange(edge.partitioning, node.parallelism, services.maxParallelism),
    );
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
      this.process(batch, this.channelInput[channel] ?? 0, this.channelUpstream[channel] ?? 0);
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

  protected abstract process(batch: RecordBatch<unknown>, input: number, upstream: number): void;
  protected abstract watermark(watermarkMs: number): void;
  protected abstract endInput(): void;
}
