import { NO_TIMESTAMP, type RecordBatch, recordBatch } from '../../core/record-batch.js';

/** Where a decoder puts what it made of the lines: records, or rejects for the dead-letter output. */
export interface DecodeOutput<T> {
  record(value: T, position: number): void;
  reject(position: number, reason: string, raw: string): void;
}

/**
 * Records decoded from input already read but not yet handed to the runtime. A reader fills it
 * from one chunk (at most a chunk's worth of lines), then hands it out `batchSize` at a time, and
 * reads the next chunk only once it is nearly empty: that keeps memory bounded by one chunk.
 * Rejects go straight to `onReject` (the source context's dead-letter output).
 */
export class DecodedRecords<T> implements DecodeOutput<T> {
  private values: T[] = [];
  private positions: number[] = [];
  private head = 0;

  constructor(private readonly onReject: (position: number, reason: string, raw: string) => void) {}

  get length(): number {
    return this.values.length - this.head;
  }

  record(value: T, position: number): void {
    this.values.push(value);
    this.positions.push(position);
  }

  reject(position: number, reason: string, raw: string): void {
    this.onReject(position, reason, raw);
  }

  /** Up to `max` records as one batch from `origin`, or undefined when nothing is pending. */
  take(origin: string, max: number): RecordBatch<T> | undefined {
    const available = this.length;
    if (available === 0) return undefined;
    const n = Math.min(max, available);
    let values: T[];
    let positions: number[];
    if (this.head === 0 && n === available) {
      values = this.values;
      positions = this.positions;
      this.values = [];
      this.positions = [];
    } else {
      values = this.values.slice(this.head, this.head + n);
      positions = this.positions.slice(this.head, this.head + n);
      this.head += n;
      if (this.head === this.values.length) this.clear();
    }
    return recordBatch(origin, values, new Array<number>(n).fill(NO_TIMESTAMP), positions);
  }

  /** Drops everything pending (the reader is closing). */
  clear(): void {
    this.values = [];
    this.positions = [];
    this.head = 0;
  }
}
