import type { Output } from '../core/operator.js';
import type { OutputTag } from '../core/output-tag.js';
import type { RecordBatch } from '../core/record-batch.js';
import { addToCounter, type OperatorMetrics } from './job-metrics.js';

/** Anything that receives from upstream channels: a node runtime, behind its input edges. */
export interface ReceivingNode {
  receiveBatch(channel: number, batch: RecordBatch<unknown>): void;
  receiveWatermark(channel: number, watermarkMs: number): void;
  receiveIdle(channel: number, idle: boolean): void;
  receiveEnd(channel: number): void;
}

/** One downstream input: the node and the channel this output feeds there. */
export interface Target {
  readonly node: ReceivingNode;
  readonly channel: number;
}

/**
 * The output of one operator instance: fans batches out to the consumers of its main output or of a
 * side output, and broadcasts watermarks, idleness and end-of-input to all of them (side-output
 * consumers need event time too). Calls go synchronously down the chain.
 */
export class InstanceOutput implements Output<unknown> {
  private readonly main: Target[] = [];
  private readonly side = new Map<string, Target[]>();
  private readonly all: Target[] = [];

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
