import type { RecordBatch } from '../core/record-batch.js';
import type { Sink, SinkWriter } from '../core/sink.js';

export interface CollectedRecord<T> {
  readonly value: T;
  readonly timestampMs: number;
  readonly origin: string;
  readonly position: number;
}

/**
 * Keeps everything a job writes, in memory, for assertions. The sink object is the handle: keep it,
 * run the job, then read `values`, `records` or `watermarks`.
 */
export class CollectSink<T> implements Sink<T> {
  readonly name = 'collect';
  readonly records: CollectedRecord<T>[] = [];
  readonly watermarks: number[] = [];
  flushes = 0;

  get values(): T[] {
    return this.records.map((r) => r.value);
  }

  createWriter(): SinkWriter<T> {
    return {
      write: (batch: RecordBatch<T>) => {
        for (let i = 0; i < batch.values.length; i++) {
          this.records.push({
            value: batch.values[i] as T,
            timestampMs: batch.timestampsMs[i] as number,
            origin: batch.origin,
            position: batch.positions[i] as number,
          });
        }
      },
      writeWatermark: (w) => {
        this.watermarks.push(w);
      },
      flush: async () => {
        this.flushes++;
      },
    };
  }
}

export function collectSink<T>(): CollectSink<T> {
  return new CollectSink<T>();
}
