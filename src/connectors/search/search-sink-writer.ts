import type { Clock } from '../../core/clock.js';
import { InvalidRecordError } from '../../core/errors.js';
import type { RecordBatch } from '../../core/record-batch.js';
import type { SinkContext, SinkWriter } from '../../core/sink.js';
import type { BulkAction } from '../../search/bulk.js';
import type { SearchEngine } from '../../search/search-engine.js';
import { BulkBuffer } from './bulk-buffer.js';
import { type BulkEntry, bulkEntry } from './bulk-entry.js';
import { BulkSender, BulkWriteError } from './bulk-sender.js';
import { type ResolvedSinkLimits, resolveSinkLimits, type SearchSinkConfig } from './config.js';
import { deadLetterAction } from './dead-letters.js';
import type { ActionSink, EmitContext, SearchEmitter } from './emitter.js';
import type { IndexSetup } from './index-setup.js';
import type { BulkResponseInspector } from './response-inspector.js';

export interface SearchSinkWriterParts<T> {
  readonly config: SearchSinkConfig;
  readonly emitter: SearchEmitter<T>;
  readonly inspector: BulkResponseInspector;
  readonly engine: SearchEngine;
  readonly setup: IndexSetup;
  /** Called by `close()` (drops the shared engine reference). */
  readonly release: () => Promise<void>;
  readonly random?: (() => number) | undefined;
}

/**
 * The search sink's writer: emits actions for each record into the buffer, cuts requests for the
 * sender (by count and bytes, every `flushIntervalMs`, and on `flush()`), and holds the job back
 * while the buffer is at its bound (`maxBufferedActions`/`maxBufferedBytes`): `write` then
 * returns a promise that the runtime awaits before taking more input. That promise stays pending
 * for as long as the engine answers with backpressure or is unreachable: a slow or absent cluster
 * pauses the job instead of failing it. Memory meanwhile: the buffer bound, plus at most one input
 * batch beyond it, plus the requests in flight (at most `maxInFlightRequests` x `maxActions`).
 *
 * Counters: documentsWritten, duplicatesSkipped (create of an existing id), staleSkipped (an
 * external version older than the stored one), documentsDeadLettered (written to the dead-letter
 * index), bulkRetries, backpressureWaits, peakBufferedActions (the most actions ever buffered).
 */
export class SearchSinkWriter<T> implements SinkWriter<T> {
  private readonly buffer = new BulkBuffer();
  private readonly sender: BulkSender;
  private readonly limits: ResolvedSinkLimits;
  private readonly clock: Clock;
  private readonly timerAbort = new AbortController();
  /** Aborted by `close()`: a writer closed after a failure stops its retries too, not only on cancel. */
  private readonly closeAbort = new AbortController();
  private readonly settledWaiters: Array<() => void> = [];
  private failure: unknown;
  private flushing = 0;
  private lastCutAtMs: number;
  private peakBuffered = 0;
  // The record being emitted: the one ActionSink reads it instead of a closure per record.
  private readonly current = {
    record: undefined as unknown,
    origin: '',
    position: 0,
    ordinal: 0,
    timestampMs: Number.NaN,
  };
  private readonly emitContext = { timestampMs: 0, origin: '', position: 0 };
  private readonly out: ActionSink = {
    add: (action: BulkAction) => {
      this.buffer.add(bulkEntry(action, this.current));
      this.current.ordinal++;
    },
  };

  constructor(
    private readonly parts: SearchSinkWriterParts<T>,
    private readonly ctx: SinkContext,
  ) {
    this.clock = ctx.clock;
    this.limits = resolveSinkLimits(parts.config);
    this.lastCutAtMs = this.clock.nowMs();
    this.sender = new BulkSender(
      parts.engine,
      parts.inspector,
      {
        maxInFlightRequests: parts.config.maxInFlightRequests,
        retryBudget: this.limits.retryBudget,
        backoff: { initialMs: this.limits.backoffInitialMs, maxMs: this.limits.backoffMaxMs },
        ...(parts.random === undefined ? {} : { random: parts.random }),
      },
      ctx.clock,
      AbortSignal.any([ctx.signal, this.closeAbort.signal]),
      {
        acknowledged: (e, reason) => this.acknowledged(e, reason),
        deadLettered: (e, reason) => this.deadLettered(e, reason),
        prepare: async (entries) => {
          const { send, refused } = await parts.setup.prepare(entries);
          for (const { entry, reason } of refused) this.deadLettered(entry, reason);
          return send;
        },
        settled: () => this.onSettled(),
        setStatus: (s) => ctx.setStatus(s),
        count: (c, d) => ctx.count(c, d),
      },
    );
    void this.flushOnInterval();
  }

  /** Actions buffered and not yet cut into a request (tests and the bench read it). */
  get bufferedActions(): number {
    return this.buffer.size;
  }

  /** Requests in flight at most right now (the adaptive limit). */
  get concurrencyLimit(): number {
    return this.sender.concurrencyLimit;
  }

  /** The most actions the buffer ever held. */
  get peakBufferedActions(): number {
    return this.peakBuffered;
  }

  write(batch: RecordBatch<T>): Promise<void> | undefined {
    this.throwIfFailed();
    const { values, timestampsMs, positions, origin } = batch;
    const current = this.current;
    const emitContext = this.emitContext as { -readonly [K in keyof EmitContext]: EmitContext[K] };
    current.origin = origin;
    emitContext.origin = origin;
    for (let i = 0; i < values.length; i++) {
      const record = values[i] as T;
      const position = positions[i] as number;
      current.record = record;
      current.position = position;
      current.ordinal = 0;
      current.timestampMs = timestampsMs[i] as number;
      emitContext.position = position;
      emitContext.timestampMs = current.timestampMs;
      try {
        this.parts.emitter.emit(record, emitContext, this.out);
      } catch (e) {
        if (!(e instanceof InvalidRecordError)) throw e;
        this.ctx.deadLetter({ origin, position, reason: e.message, record });
      }
    }
    if (this.buffer.size > this.peakBuffered) {
      // A counter that only grows by the rise: its value in the job's metrics is the peak.
      this.ctx.count('peakBufferedActions', this.buffer.size - this.peakBuffered);
      this.peakBuffered = this.buffer.size;
    }
    this.pump(false);
    return this.atBound() ? this.waitForRoom() : undefined;
  }

  private atBound(): boolean {
    return (
      this.buffer.size >= this.limits.maxBufferedActions || this.buffer.bytes >= this.limits.maxBufferedBytes
    );
  }

  /** Cuts requests while the sender has room: full ones only, unless `force` (interval, flush). */
  private pump(force: boolean): void {
    const { maxActions, maxBytes } = this.parts.config;
    while (this.buffer.size > 0 && this.sender.canStart()) {
      if (!force && this.flushing === 0 && !this.buffer.hasFullRequest(maxActions, maxBytes)) return;
      const batch = this.buffer.cut(maxActions, maxBytes, this.sender.heldKeys());
      if (batch.length === 0) return;
      this.lastCutAtMs = this.clock.nowMs();
      this.sender.start(batch);
    }
  }

  private onSettled(): void {
    if (this.sender.failure !== undefined && this.failure === undefined) {
      this.failure = this.sender.failure;
      this.ctx.reportFailure(this.failure);
    }
    if (this.failure === undefined) this.pump(false);
    const waiters = this.settledWaiters.splice(0);
    for (const wake of waiters) wake();
  }

  private nextSettled(): Promise<void> {
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  private async waitForRoom(): Promise<void> {
    while (this.atBound()) {
      this.throwIfFailed();
      this.pump(false);
      if (!this.atBound()) break;
      await this.nextSettled();
    }
    this.throwIfFailed();
  }

  /** Sends everything buffered and resolves when the engine acknowledged all of it (dead letters included). */
  async flush(): Promise<void> {
    this.flushing++;
    try {
      for (;;) {
        this.throwIfFailed();
        this.pump(true);
        if (this.buffer.size === 0 && this.sender.pending === 0) return;
        await this.nextSettled();
      }
    } finally {
      this.flushing--;
    }
  }

  /** Sends the buffer every `flushIntervalMs` while records keep arriving: the bound on search latency. */
  private async flushOnInterval(): Promise<void> {
    const signal = this.timerAbort.signal;
    const intervalMs = this.parts.config.flushIntervalMs;
    while (!signal.aborted && this.failure === undefined) {
      await this.clock.sleepUntil(this.lastCutAtMs + intervalMs, signal);
      if (signal.aborted) return;
      if (this.clock.nowMs() < this.lastCutAtMs + intervalMs) continue;
      if (this.buffer.size === 0) {
        this.lastCutAtMs = this.clock.nowMs();
        continue;
      }
      this.pump(true);
      // Everything in flight or held: try again once a request settles.
      if (this.buffer.size > 0) await this.nextSettled();
    }
  }

  private acknowledged(e: BulkEntry, reason: 'alreadyExists' | 'stale' | undefined): void {
    if (e.deadLetterOf !== undefined) this.ctx.count('documentsDeadLettered');
    else if (reason === 'alreadyExists') this.ctx.count('duplicatesSkipped');
    else if (reason === 'stale') this.ctx.count('staleSkipped');
    else this.ctx.count('documentsWritten');
  }

  private deadLettered(e: BulkEntry, reason: string): void {
    const index = this.parts.config.deadLetterIndex;
    if (e.deadLetterOf !== undefined) {
      throw new BulkWriteError(`could not write to the dead-letter index "${index}": ${reason}`);
    }
    this.ctx.deadLetter({
      origin: e.origin,
      position: e.position,
      reason: `${reason} (index "${e.target._index}", written to "${index}")`,
      record: e.record,
    });
    const action = deadLetterAction(e, reason, index, this.clock.nowMs());
    this.buffer.add(bulkEntry(action, e, e));
  }

  private throwIfFailed(): void {
    if (this.failure === undefined && this.sender.failure !== undefined) this.failure = this.sender.failure;
    if (this.failure !== undefined) throw this.failure;
  }

  /** After the final flush (or a failure): stops retries, waits for requests still out, releases the engine. */
  async close(): Promise<void> {
    this.timerAbort.abort();
    this.closeAbort.abort();
    while (this.sender.pending > 0) await this.nextSettled();
    await this.parts.release();
  }
}
