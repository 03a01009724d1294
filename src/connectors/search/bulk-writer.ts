import type { Clock } from '../../core/clock.js';
import { SluiceError } from '../../core/errors.js';
import { type BulkAction, type BulkItemResult, type BulkResponse, bulkOpType } from '../../search/bulk.js';
import type { SearchEngine } from '../../search/search-engine.js';
import { type BackoffPolicy, backoffDelayMs } from '../backoff.js';
import { inspectItem, isTransientRequestError } from './failure-inspector.js';

/** A buffered action and where its record came from (for dead letters). */
export interface PendingAction {
  readonly action: BulkAction;
  readonly record: unknown;
  readonly origin: string;
  readonly position: number;
}

export interface BulkWriterOptions {
  readonly maxActions: number;
  readonly maxBytes: number;
  readonly maxRetries: number;
  readonly backoff: BackoffPolicy;
  readonly deadLetterIndex: string;
}

/** What the bulk writer reports to its sink: counters, log lines, rejected documents. */
export interface BulkWriterEvents {
  count(counter: string, delta?: number): void;
  log(message: string): void;
  deadLetter(p: PendingAction, reason: string): void;
}

/** The job must stop: retrying would not help and skipping would lose data. */
export class BulkWriteError extends SluiceError {
  override readonly name = 'BulkWriteError';
}

/** Serialized size, measured on one document in 16 and averaged: a flush-threshold estimate without stringifying everything. */
class SampledSize {
  private seen = 0;
  private sampledBytes = 0;
  private samples = 0;

  estimate(document: unknown): number {
    if (this.seen++ % 16 === 0) {
      this.sampledBytes += JSON.stringify(document)?.length ?? 0;
      this.samples++;
    }
    return this.sampledBytes / this.samples;
  }
}

function documentOf(action: BulkAction): unknown {
  if ('document' in action) return action.document;
  if ('body' in action) return action.body;
  return action.delete;
}

/**
 * Buffers bulk actions and sends them (Flink's BulkProcessor): a batch goes out when `maxActions`
 * or `maxBytes` is reached, on `flush()`, or when the sink's interval timer says so. One request is
 * in flight at a time; a full buffer behind it makes `waitIfFull` return a promise, which the
 * runtime awaits before taking more input: a slow or rejecting cluster slows the job down instead of
 * piling up memory or dropping documents. Failed items are handled by the failure inspector.
 */
export class BulkWriter {
  private buffer: PendingAction[] = [];
  private bufferBytes = 0;
  private inFlight: Promise<void> | undefined;
  private failure: unknown;
  private readonly size = new SampledSize();
  private deadLetterIndexReady = false;
  lastSendAtMs: number;

  constructor(
    private readonly engine: SearchEngine,
    private readonly options: BulkWriterOptions,
    private readonly clock: Clock,
    private readonly events: BulkWriterEvents,
    private readonly onBackgroundFailure: (e: unknown) => void,
  ) {
    this.lastSendAtMs = clock.nowMs();
  }

  get buffered(): number {
    return this.buffer.length;
  }

  add(p: PendingAction): void {
    this.buffer.push(p);
    this.bufferBytes += this.size.estimate(documentOf(p.action));
  }

  private get full(): boolean {
    return this.buffer.length >= this.options.maxActions || this.bufferBytes >= this.options.maxBytes;
  }

  /**
   * After adding: starts a send when the buffer is full. Returns a promise when the caller must wait:
   * the buffer is still full and a request is in flight (one in flight at a time).
   */
  waitIfFull(): Promise<void> | undefined {
    this.throwIfFailed();
    if (!this.full) return undefined;
    if (this.inFlight === undefined) this.startSend();
    return this.full ? this.sendWhileFull() : undefined;
  }

  private async sendWhileFull(): Promise<void> {
    while (this.full) {
      while (this.inFlight !== undefined) await this.inFlight;
      this.throwIfFailed();
      this.startSend();
    }
  }

  /** Sends what is buffered if nothing is in flight (the interval flush). */
  sendIfIdle(): void {
    if (this.inFlight === undefined && this.buffer.length > 0 && this.failure === undefined) this.startSend();
  }

  /** Resolves when no request is in flight (never rejects; failures surface through flush and writes). */
  async whenIdle(): Promise<void> {
    while (this.inFlight !== undefined) await this.inFlight;
  }

  /** Sends everything buffered and waits until the engine accepted it (or the job must fail). */
  async flush(): Promise<void> {
    for (;;) {
      while (this.inFlight !== undefined) await this.inFlight;
      this.throwIfFailed();
      if (this.buffer.length === 0) return;
      this.startSend();
    }
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Sends up to `maxActions` buffered actions (the rest stay buffered). */
  private startSend(): void {
    const batch =
      this.buffer.length <= this.options.maxActions
        ? this.buffer
        : this.buffer.splice(0, this.options.maxActions);
    if (batch === this.buffer) this.buffer = [];
    this.bufferBytes =
      this.buffer.length === 0
        ? 0
        : (this.bufferBytes * this.buffer.length) / (this.buffer.length + batch.length);
    this.lastSendAtMs = this.clock.nowMs();
    this.inFlight = this.sendWithRetries(batch)
      .catch((e: unknown) => {
        this.failure = e;
        this.onBackgroundFailure(e);
      })
      .finally(() => {
        this.inFlight = undefined;
      });
  }

  private async sleep(attempt: number): Promise<void> {
    const delayMs = backoffDelayMs(this.options.backoff, attempt);
    await this.clock.sleepUntil(this.clock.nowMs() + delayMs);
  }

  private async sendWithRetries(batch: PendingAction[]): Promise<void> {
    let pending = batch;
    for (let attempt = 0; pending.length > 0; ) {
      let response: BulkResponse;
      try {
        response = await this.engine.bulk(pending.map((p) => p.action));
      } catch (e) {
        if (!isTransientRequestError(e) || attempt >= this.options.maxRetries) {
          throw new BulkWriteError(
            `bulk request of ${pending.length} documents failed${attempt > 0 ? ` after ${attempt} retries` : ''}: ${(e as Error).message}`,
            { cause: e },
          );
        }
        attempt++;
        this.events.count('bulkRetries');
        this.events.log(
          `bulk request failed (${(e as Error).message}); retry ${attempt}/${this.options.maxRetries}`,
        );
        await this.sleep(attempt);
        continue;
      }
      // `errors: false` means every item succeeded (ES's contract): no need to read the items.
      if (!response.errors) {
        this.events.count('documentsWritten', pending.length);
        return;
      }
      const items: readonly Record<string, BulkItemResult | undefined>[] = response.items;
      const retry: PendingAction[] = [];
      const rejected: Array<{ p: PendingAction; item: BulkItemResult }> = [];
      let written = 0;
      let duplicates = 0;
      let lastRetryReason = '';
      for (let i = 0; i < pending.length; i++) {
        const p = pending[i] as PendingAction;
        const op = bulkOpType(p.action);
        const item = items[i]?.[op];
        if (item === undefined)
          throw new BulkWriteError(
            `the search engine answered ${items.length} items for ${pending.length} actions`,
          );
        const verdict = inspectItem(op, item);
        if (verdict === 'ok') written++;
        else if (verdict === 'alreadyExists') duplicates++;
        else if (verdict === 'retry') {
          retry.push(p);
          lastRetryReason = `${item.error?.type}: ${item.error?.reason}`;
        } else if (verdict === 'deadLetter') rejected.push({ p, item });
        else {
          throw new BulkWriteError(
            `the search engine refused ${op} into "${item._index}" (${item.status} ${item.error?.type}: ${item.error?.reason})`,
          );
        }
      }
      if (written > 0) this.events.count('documentsWritten', written);
      if (duplicates > 0) this.events.count('duplicatesSkipped', duplicates);
      if (rejected.length > 0) await this.deadLetter(rejected);
      if (retry.length === 0) return;
      if (attempt >= this.options.maxRetries) {
        throw new BulkWriteError(
          `${retry.length} documents still rejected after ${attempt} retries (last: ${lastRetryReason})`,
        );
      }
      attempt++;
      this.events.count('bulkRetries');
      this.events.log(
        `${retry.length} documents rejected for now (${lastRetryReason}); retry ${attempt}/${this.options.maxRetries}`,
      );
      await this.sleep(attempt);
      pending = retry;
    }
  }

  /** Writes rejected documents, with why, to the dead-letter index; fails the job if even that fails. */
  private async deadLetter(rejected: Array<{ p: PendingAction; item: BulkItemResult }>): Promise<void> {
    const index = this.options.deadLetterIndex;
    await this.ensureDeadLetterIndex();
    const nowIso = new Date(this.clock.nowMs()).toISOString();
    const actions: BulkAction[] = rejected.map(({ p, item }) => ({
      index: { _index: index },
      document: {
        '@timestamp': nowIso,
        index: item._index,
        id: item._id,
        op: bulkOpType(p.action),
        status: item.status,
        error: { type: item.error?.type ?? 'unknown', reason: item.error?.reason ?? '' },
        document: JSON.stringify(p.record),
        origin: p.origin,
        position: p.position,
      },
    }));
    const response = await this.engine.bulk(actions);
    if (response.errors) {
      const first = response.items.find((i) => i.index?.error !== undefined)?.index?.error;
      throw new BulkWriteError(
        `could not write to the dead-letter index "${index}": ${first?.type}: ${first?.reason}`,
      );
    }
    this.events.count('documentsDeadLettered', rejected.length);
    for (const { p, item } of rejected) {
      this.events.deadLetter(
        p,
        `${item.error?.type}: ${item.error?.reason} (index "${item._index}", written to "${index}")`,
      );
    }
  }

  private async ensureDeadLetterIndex(): Promise<void> {
    if (this.deadLetterIndexReady) return;
    const index = this.options.deadLetterIndex;
    if (!(await this.engine.indexExists(index))) {
      try {
        await this.engine.createIndex(index, { mappings: DEAD_LETTER_MAPPING });
      } catch (e) {
        if ((e as { type?: string }).type !== 'resource_already_exists_exception') throw e;
      }
    }
    this.deadLetterIndexReady = true;
  }
}

/** Fixed mapping, so no rejected document can conflict with the dead-letter index itself: the document is kept as a JSON string. */
const DEAD_LETTER_MAPPING = {
  properties: {
    '@timestamp': { type: 'date' },
    index: { type: 'keyword' },
    id: { type: 'keyword' },
    op: { type: 'keyword' },
    status: { type: 'integer' },
    error: { properties: { type: { type: 'keyword' }, reason: { type: 'text' } } },
    document: { type: 'text' },
    origin: { type: 'keyword' },
    position: { type: 'long' },
  },
};
