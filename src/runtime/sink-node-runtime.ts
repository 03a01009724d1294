import { OperatorError } from '../core/errors.js';
import type { RecordBatch } from '../core/record-batch.js';
import type { SinkWriter } from '../core/sink.js';
import type { SinkPlanNode } from '../plan/job-plan.js';
import { NodeRuntime } from './node-runtime.js';
import type { RuntimeServices } from './runtime-services.js';

/** A sink: writes batches; a promise a write returns is tracked so the task loop awaits it (backpressure). */
export class SinkNodeRuntime extends NodeRuntime {
  writer: SinkWriter<unknown> | undefined;
  ended = false;
  /** Why the writer holds the job back now (`SinkContext.setStatus`), for the progress line. */
  status: string | undefined;

  constructor(
    override readonly node: SinkPlanNode,
    instancesPerInput: readonly number[],
    services: RuntimeServices,
  ) {
    super(node, instancesPerInput, services);
  }

  protected process(batch: RecordBatch<unknown>): void {
    const writer = this.writer as SinkWriter<unknown>;
    this.services.metrics.recordsOut += batch.values.length;
    this.metrics.recordsOut += batch.values.length;
    const pending = writer.write(batch);
    if (pending !== undefined) {
      this.services.writes.track(
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

  async flush(): Promise<void> {
    try {
      await this.writer?.flush?.();
    } catch (e) {
      throw OperatorError.wrap(this.node.id, e);
    }
  }
}
