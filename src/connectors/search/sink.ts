import type { Sink, SinkContext, SinkWriter } from '../../core/sink.js';
import { defaultEngineUrl, openSearchEngine, parseEngineUrl } from '../../search/open-search-engine.js';
import type { SearchEngine } from '../../search/search-engine.js';
import { parseConnectorConfig } from '../connector-config.js';
import { type SearchSinkConfig, type SearchSinkOptions, searchSinkSchema } from './config.js';
import type { DocumentIdOption } from './document-id.js';
import { DocumentEmitter, type SearchEmitter } from './emitter.js';
import type { IndexNameFunction } from './index-name-pattern.js';
import { IndexSetup, patternOfIndexName } from './index-setup.js';
import { type BulkResponseInspector, DefaultResponseInspector } from './response-inspector.js';
import { SearchSinkWriter } from './search-sink-writer.js';

/** Options of `searchSink`: the schema's, plus functions for index and id, your own emitter or inspector, and an engine to use directly (tests). */
export type SearchSinkApiOptions<T> = Omit<SearchSinkOptions, 'index' | 'id'> & {
  readonly index: string | IndexNameFunction<T>;
  /** A field (dot path), `'record'` (the record's identity: origin + position), or a function. */
  readonly id?: DocumentIdOption<T>;
  /** Replaces the emitter built from index/id/op/routing/version options (then only `index` names the sink). */
  readonly emitter?: SearchEmitter<T>;
  /** Replaces the default verdicts per item (see response-inspector.ts). */
  readonly inspector?: BulkResponseInspector;
  /** Use this engine instead of opening one from `url`. */
  readonly engine?: SearchEngine;
};

/**
 * Writes records as documents into a search engine (the embedded one or a cluster, chosen by URL).
 * Documents become searchable within `flushIntervalMs` (default 500 ms) of arriving; `flush()`
 * (end of input, stop, checkpoints) makes everything written so far durable and searchable.
 */
export function searchSink<T>(options: SearchSinkApiOptions<T>): Sink<T> {
  const { index, id, engine, emitter, inspector, ...rest } = options;
  const config = parseConnectorConfig('search sink', searchSinkSchema, {
    ...rest,
    index: typeof index === 'string' ? index : 'from-function',
    ...(typeof id === 'string' ? { id } : {}),
  });
  if (engine === undefined && config.url !== undefined) parseEngineUrl(config.url);
  const sink = new SearchSink<T>(config, index, id, { engine, emitter, inspector });
  sink.check();
  return sink;
}

/** From validated registry options (CLI flags, SQL `WITH`): strings only. */
export function searchSinkFromConfig(config: SearchSinkConfig): Sink<unknown> {
  if (config.url !== undefined) parseEngineUrl(config.url);
  const sink = new SearchSink<unknown>(config, config.index, config.id, {});
  sink.check();
  return sink;
}

interface Overrides<T> {
  readonly engine?: SearchEngine | undefined;
  readonly emitter?: SearchEmitter<T> | undefined;
  readonly inspector?: BulkResponseInspector | undefined;
}

class SearchSink<T> implements Sink<T> {
  readonly name: string;

  constructor(
    private readonly config: SearchSinkConfig,
    private readonly index: string | IndexNameFunction<T>,
    private readonly id: DocumentIdOption<T> | undefined,
    private readonly overrides: Overrides<T>,
  ) {
    this.name = `search:${typeof index === 'string' ? index : 'index-function'}`;
  }

  /** Builds the emitter once with a dummy clock, so option conflicts fail when the job is defined. */
  check(): void {
    this.emitter(() => 0);
  }

  private emitter(nowMs: () => number): SearchEmitter<T> {
    const c = this.config;
    return (
      this.overrides.emitter ??
      new DocumentEmitter<T>({
        index: this.index,
        id: this.id,
        op: c.op,
        routingField: c.routingField,
        versionType: c.versionType,
        versionField: c.versionField,
        retryOnConflict: c.retryOnConflict,
        dataStream: c.dataStream || c.template?.dataStream === true,
        nowMs,
      })
    );
  }

  async createWriter(ctx: SinkContext): Promise<SinkWriter<T>> {
    // An explicit url wins, then the job's setting (the CLI's --url), then $SLUICE_URL / embedded:.data.
    const url = this.config.url ?? ctx.settings['search.url'] ?? defaultEngineUrl();
    const shared =
      this.overrides.engine === undefined
        ? await openSearchEngine(url, { clock: ctx.clock, log: (line) => ctx.log(line) })
        : undefined;
    const engine = this.overrides.engine ?? (shared?.engine as SearchEngine);
    const c = this.config;
    const template =
      c.template === undefined
        ? undefined
        : {
            name: c.template.name,
            indexPatterns:
              c.template.indexPatterns ??
              (typeof this.index === 'string' ? [patternOfIndexName(this.index)] : undefined),
            priority: c.template.priority,
          };
    const dataStream = c.dataStream || c.template?.dataStream === true;
    const body = {
      ...(c.mappings === undefined ? {} : { mappings: c.mappings }),
      ...(c.settings === undefined ? {} : { settings: c.settings }),
    };
    return new SearchSinkWriter<T>(
      {
        config: c,
        emitter: this.emitter(() => ctx.clock.nowMs()),
        inspector: this.overrides.inspector ?? new DefaultResponseInspector(c.versionConflicts),
        engine,
        setup: new IndexSetup(engine, body, template, dataStream),
        release: async () => shared?.release(),
      },
      ctx,
    );
  }
}
