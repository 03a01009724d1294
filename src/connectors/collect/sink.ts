import type { RecordBatch } from '../../core/record-batch.js';
import type { Sink, SinkWriter } from '../../core/sink.js';

/** One record as the collect sink received it. */
export interface CollectedRecord<T> {
  readonly value: T;
  /** Event time, or NaN when the record had none. */
  readonly timestampMs: number;
  readonly origin: string;
  readonly position: number;
}

/**
 * Keeps everything it receives in memory, for tests: the sink object is the handle a test holds
 * while the runtime creates writers from it, so after `execute()` the test reads `values`,
 * `records` and `watermarksMs` straight from it. Every writer of the sink appends to the same
 * arrays (in arrival order); `clear()` empties them between runs.
 */
export class CollectSink<T> implements Sink<T> {
  readonly name: string;
  readonly values: T[] = [];
  readonly records: CollectedRecord<T>[] = [];
  /** Watermarks the sink saw, in order. */
  readonly watermarksMs: number[] = [];
  /** How many times a writer was flushed and closed: lets tests check the end-of-job protocol. */
  flushes = 0;
  closes = 0;

  constructor(name = 'collect') {
    this.name = name;
  }

  createWriter(): SinkWriter<T> {
    return {
      write: (batch: RecordBatch<T>) => {
        const { values, timestampsMs, positions, origin } = batch;
        for (let i = 0; i < values.length; i++) {
          const value = values[i] as T;
          this.values.push(value);
          this.records.push({ value, timestampMs: timestampsMs[i]!, origin, position: positions[i]! });
        }
      },
      writeWatermark: (watermarkMs: number) => {
        this.watermarksMs.push(watermarkMs);
      },
      flush: async () => {
        this.flushes++;
      },
      close: async () => {
        this.closes++;
      },
    };
  }

  clear(): void {
    this.values.length = 0;
    this.records.length = 0;
    this.watermarksMs.length = 0;
    this.flushes = 0;
    this.closes = 0;
  }
}

/** A sink that collects records in memory for assertions; keep the returned object to read them. */
export function collectSink<T>(name?: string): CollectSink<T> {
  return new CollectSink<T>(name);
}
