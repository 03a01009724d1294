import type { Clock } from '../../core/clock.js';
import { InvalidRecordError } from '../../core/errors.js';
import type { RecordBatch } from '../../core/record-batch.js';
import type { Sink, SinkContext, SinkWriter } from '../../core/sink.js';
import {
  openSearchEngine,
  parseEngineUrl,
  type SharedSearchEngine,
} from '../../search/open-search-engine.js';
import type { SearchEngine } from '../../search/search-engine.js';
import { parseConnectorConfig } from '../connector-config.js';
import { BulkWriter } from './bulk-writer.js';
import { type SearchSinkConfig, type SearchSinkOptions, searchSinkSchema } from './config.js';
import type { DocumentIdFunction } from './document-id.js';
import { DocumentEmitter } from './emitter.js';
import type { IndexNameFunction } from './index-name-pattern.js';

/** Options of `searchSink`: the schema's, plus functions for index and id, and an engine to use directly (tests). */
export type SearchSinkApiOptions<T> = Omit<SearchSinkOptions, 'index' | 'id'> & {
  readonly index: string | IndexNameFunction<T>;
  readonly id?: string | DocumentIdFunction<T>;
  /** Use this engine instead of opening one from `url`. */
  readonly engine?: SearchEngine;
};

/**
 * Writes records as documents into a search engine (the embedded one or a cluster, chosen by URL).
 * Documents become searchable within `flushIntervalMs` (default 500 ms) of arriving; `flush()`
 * (end of input, stop, checkpoints) makes everything written so far durable and searchable.
 */
export function searchSink<T>(options: SearchSinkApiOptions<T>): Sink<T> {
  const { index, id, engine, ...rest } = options;
  const config = parseConnectorConfig('search sink', searchSinkSchema, {
    ...rest,
    index: typeof index === 'string' ? index : 'from-function',
    ...(typeof id === 'string' ? { id } : {}),
  });
  if (engine === undefined) parseEngineUrl(config.url);
  return new SearchSink<T>(config, index, id, engine);
}

/** From validated registry options (CLI flags, SQL `WITH`): strings only. */
export function searchSinkFromConfig(config: SearchSinkConfig): Sink<unknown> {
  parseEngineUrl(config.url);
  return new SearchSink<unknown>(config, config.index, config.id, undefined);
}

class SearchSink<T> implements Sink<T> {
  readonly name: string;

  constructor(
    private readonly config: SearchSinkConfig,
    private readonly index: string | IndexNameFunction<T>,
    private readonly id: string | DocumentIdFunction<T> | undefined,
    private readonly engine: SearchEngine | undefined,
  ) {
    this.name = `search:${typeof index === 'string' ? index : 'index-function'}`;
  }

  async createWriter(ctx: SinkContext): Promise<SinkWriter<T>> {
    const shared =
      this.engine === undefined ? await openSearchEngine(this.config.url, { clock: ctx.clock }) : undefined;
    const engine = this.engine ?? (shared as SharedSearchEngine).engine;
    return new SearchSinkWriter<T>(
      this.config,
      new DocumentEmitter<T>(this.index, this.id, this.config.op, () => ctx.clock.nowMs()),
      engine,
      shared,
      ctx,
    );
  }
}

class SearchSinkWriter<T> implements SinkWriter<T> {
  private readonly bulk: BulkWriter;
  private readonly timerAbort = new AbortController();
  private readonly clock: Clock;

  constructor(
    private readonly config: SearchSinkConfig,
    private readonly emitter: DocumentEmitter<T>,
    engine: SearchEngine,
    private readonly shared: SharedSearchEngine | undefined,
    private readonly ctx: SinkContext,
  ) {
    this.clock = ctx.clock;
    this.bulk = new BulkWriter(
      engine,
      {
        maxActions: config.maxActions,
        maxBytes: config.maxBytes,
        maxRetries: config.maxRetries,
        backoff: { initialMs: config.initialBackoffMs, maxMs: config.maxBackoffMs },
        deadLetterIndex: config.deadLetterIndex,
      },
      ctx.clock,
      {
        count: (c, d) => ctx.count(c, d),
        log: (m) => ctx.log(m),
        deadLetter: (p, reason) =>
          ctx.deadLetter({ origin: p.origin, position: p.position, reason, record: p.record }),
      },
      (e) => ctx.reportFailure(e),
    );
    void this.flushOnInterval();
  }

  write(batch: RecordBatch<T>): Promise<void> | undefined {
    const { values, timestampsMs, positions, origin } = batch;
    for (let i = 0; i < values.length; i++) {
      const record = values[i] as T;
      try {
        this.bulk.add({
          action: this.emitter.emit(record, timestampsMs[i] as number),
          record,
          origin,
          position: positions[i] as number,
        });
      } catch (e) {
        if (!(e instanceof InvalidRecordError)) throw e;
        this.ctx.deadLetter({ origin, position: positions[i] as number, reason: e.message, record });
      }
    }
    return this.bulk.waitIfFull();
  }

  /** Sends the buffer every `flushIntervalMs` while records keep arriving: the bound on search latency. */
  private async flushOnInterval(): Promise<void> {
    const signal = this.timerAbort.signal;
    while (!signal.aborted) {
      await this.clock.sleepUntil(this.bulk.lastSendAtMs + this.config.flushIntervalMs, signal);
      if (signal.aborted) return;
      if (this.clock.nowMs() >= this.bulk.lastSendAtMs + this.config.flushIntervalMs) {
        if (this.bulk.buffered > 0) this.bulk.sendIfIdle();
        else this.bulk.lastSendAtMs = this.clock.nowMs();
      }
      await this.bulk.whenIdle();
    }
  }

  flush(): Promise<void> {
    return this.bulk.flush();
  }

  async close(): Promise<void> {
    this.timerAbort.abort();
    await this.shared?.release();
  }
}
