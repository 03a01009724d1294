import type { RecordBatch } from './record-batch.js';

/**
 * The envelope for everything that crosses an asynchronous boundary (source -> task queue, and
 * later between worker threads): a batch of records, a watermark, an idleness change, a checkpoint
 * barrier, or the end of the input. Inside a chain the same events travel as method calls on
 * operators; this union is what queues carry. Switch on `kind` exhaustively with `assertNever`.
 */
export type StreamMessage<T> =
  | { readonly kind: 'data'; readonly batch: RecordBatch<T> }
  /** No record with a timestamp <= timestampMs will follow on this input. */
  | { readonly kind: 'watermark'; readonly timestampMs: number }
  /** The input stopped (idle: true) or resumed (idle: false) producing; idle inputs do not hold back the watermark. */
  | { readonly kind: 'idle'; readonly idle: boolean }
  | { readonly kind: 'barrier'; readonly checkpointId: number }
  | { readonly kind: 'end' };

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}

/** The final watermark a bounded input sends at its end: every event-time window fires. */
export const MAX_WATERMARK = Number.POSITIVE_INFINITY;
