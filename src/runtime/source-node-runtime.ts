import { InvalidRecordError, OperatorError } from '../core/errors.js';
import { assertNever, MAX_WATERMARK } from '../core/message.js';
import type { RecordBatch } from '../core/record-batch.js';
import type { SourceMessage } from '../core/source.js';
import type { SourcePlanNode } from '../plan/job-plan.js';
import { SplitWatermarks } from '../time/split-watermarks.js';
import { InstanceOutput } from './instance-output.js';
import type { SourceSnapshot } from './job-snapshot.js';
import { NodeRuntime } from './node-runtime.js';
import type { RuntimeServices } from './runtime-services.js';

/**
 * A source in the running job: pushes the messages its pump took from the reader into the chain,
 * keeps the resume state of every split as of the last message that went through (what a snapshot
 * records), and, when the plan gives the source a watermark strategy, generates watermarks per
 * split and merges them (SplitWatermarks). Without a strategy, the reader's own watermark and
 * idleness messages pass through unchanged.
 */
export class SourceNodeRuntime extends NodeRuntime {
  readonly output: InstanceOutput;
  private readonly splitStates = new Map<string, unknown>();
  private readonly watermarks: SplitWatermarks<unknown> | undefined;

  constructor(
    override readonly node: SourcePlanNode,
    services: RuntimeServices,
    restored: SourceSnapshot | undefined,
  ) {
    super(node, [], services);
    this.output = new InstanceOutput(this.metrics);
    this.outputs.push(this.output);
    for (const [split, state] of restored?.splits ?? []) this.splitStates.set(split, state);
    const strategy = node.watermarks;
    if (strategy !== undefined) {
      const onTimer = (nowMs: number) => this.watermarks?.onProcessingTime(nowMs);
      this.watermarks = new SplitWatermarks(
        strategy,
        services.clock,
        {
          watermark: (w) => this.output.emitWatermark(w),
          idle: (idle) => this.output.emitIdle(idle),
          schedule: (ts) => services.scheduler.schedule(ts, onTimer),
        },
        services.autoWatermarkIntervalMs,
      );
      if (restored?.watermarks !== undefined) this.watermarks.restore(restored.watermarks);
    }
  }

  /** Resume states by split, for the reader (from the snapshot this run was restored from). */
  restoredSplits(): ReadonlyMap<string, unknown> {
    return new Map(this.splitStates);
  }

  /**
   * Pushes one message through the job; true when it ended the source. `finalWatermark` is false
   * for a stop without drain: windows stay unfired, since their input did not really end.
   */
  deliver(message: SourceMessage<unknown>, finalWatermark: boolean): boolean {
    switch (message.kind) {
      case 'data': {
        const batch = message.batch;
        this.services.metrics.recordsIn += batch.values.length;
        this.metrics.recordsIn += batch.values.length;
        if (this.watermarks === undefined) this.output.emit(batch);
        else {
          const stamped = this.watermarks.process(batch, (i, e) => this.reject(batch, i, e));
          if (stamped !== undefined) this.output.emit(stamped);
          this.watermarks.emitIfAdvanced();
        }
        if (message.state !== undefined) this.splitStates.set(batch.origin, message.state);
        return false;
      }
      case 'watermark':
        if (this.watermarks === undefined) this.output.emitWatermark(message.timestampMs);
        return false;
      case 'idle':
        if (this.watermarks === undefined) this.output.emitIdle(message.idle);
        return false;
      case 'splits':
        if (message.added !== undefined) this.watermarks?.add(message.added);
        if (message.finished !== undefined) this.watermarks?.finish(message.finished);
        if (message.removed !== undefined) this.removeSplits(message.removed);
        return false;
      case 'end':
        if (finalWatermark) {
          this.output.emitWatermark(MAX_WATERMARK);
          this.output.end();
        }
        return true;
      default:
        return assertNever(message, 'source message');
    }
  }

  /** Takes splits out of this source (handed over): returns their last processed states. */
  removeSplits(splits: readonly string[]): Map<string, unknown> {
    const states = new Map<string, unknown>();
    for (const s of splits) {
      if (this.splitStates.has(s)) states.set(s, this.splitStates.get(s));
      this.splitStates.delete(s);
    }
    this.watermarks?.remove(splits);
    return states;
  }

  snapshot(): SourceSnapshot {
    const splits = [...this.splitStates];
    const watermarks = this.watermarks?.snapshot();
    return watermarks === undefined ? { splits } : { splits, watermarks };
  }

  splitStatesNow(): ReadonlyMap<string, unknown> {
    return new Map(this.splitStates);
  }

  private reject(batch: RecordBatch<unknown>, index: number, error: unknown): void {
    const position = batch.positions[index] ?? -1;
    if (!(error instanceof InvalidRecordError)) {
      throw OperatorError.wrap(this.node.id, error, { origin: batch.origin, position });
    }
    this.services.deadLetters.route(this.node.id, this.output, {
      origin: batch.origin,
      position,
      reason: error.message,
      record: batch.values[index],
    });
  }

  protected process(): void {
    throw new Error(`source "${this.node.id}" has no inputs`);
  }

  protected watermark(): void {}

  protected endInput(): void {}
}
