import type { BulkAction, BulkOptions } from '../search/bulk.js';
import type { CreateIndexOptions } from '../search/index-admin.js';
import type { IndexTemplate } from '../search/index-template.js';
import type { SearchEngine } from '../search/search-engine.js';
import type { CountRequest, ScanOptions, ScanPage, SearchRequest } from '../search/search-request.js';

/**
 * A SearchEngine opened at its first use, for `sluice run --serve` on the embedded engine: a job
 * that only ingests over HTTP and writes to Kafka then never loads SQLite (or needs its driver
 * installed); the first search request opens the engine, and a request that cannot (no driver)
 * gets the reason as its error while ingest goes on. A failed open is retried by the next request.
 */
/** An opened engine and how to let it go (a shared engine is released, not closed). */
export interface OpenedEngine {
  readonly engine: SearchEngine;
  release(): Promise<void>;
}

export class LazySearchEngine implements SearchEngine {
  private opening: Promise<OpenedEngine> | undefined;
  private closed = false;

  constructor(
    private readonly open: () => Promise<OpenedEngine>,
    /** Called once the engine opened (e.g. to announce the server in its data directory). */
    private readonly onOpened: (engine: SearchEngine) => void = () => {},
  ) {}

  /** Whether the engine has been opened (tests, and to know whether to close it). */
  get isOpen(): boolean {
    return this.opening !== undefined;
  }

  private async engine(): Promise<SearchEngine> {
    if (this.closed) throw new Error('the search engine is closed');
    if (this.opening === undefined) {
      const opening = this.open();
      this.opening = opening;
      opening.then(
        (opened) => this.onOpened(opened.engine),
        () => {
          if (this.opening === opening) this.opening = undefined;
        },
      );
    }
    return (await this.opening).engine;
  }

  async createIndex(name: string, options?: CreateIndexOptions) {
    return (await this.engine()).createIndex(name, options);
  }
  async deleteIndex(name: string) {
    return (await this.engine()).deleteIndex(name);
  }
  async indexExists(name: string) {
    return (await this.engine()).indexExists(name);
  }
  async listIndices(pattern?: string) {
    return (await this.engine()).listIndices(pattern);
  }
  async getMapping(pattern: string) {
    return (await this.engine()).getMapping(pattern);
  }
  async bulk(actions: readonly BulkAction[], options?: BulkOptions) {
    return (await this.engine()).bulk(actions, options);
  }
  async get(index: string, id: string) {
    return (await this.engine()).get(index, id);
  }
  async mget(index: string, ids: readonly string[]) {
    return (await this.engine()).mget(index, ids);
  }
  async count(pattern: string, body?: CountRequest) {
    return (await this.engine()).count(pattern, body);
  }
  async search(pattern: string, body?: SearchRequest) {
    return (await this.engine()).search(pattern, body);
  }
  async refresh(pattern: string) {
    return (await this.engine()).refresh(pattern);
  }
  async putIndexTemplate(name: string, template: IndexTemplate) {
    return (await this.engine()).putIndexTemplate(name, template);
  }
  async getIndexTemplates(name?: string) {
    return (await this.engine()).getIndexTemplates(name);
  }
  async deleteIndexTemplate(name: string) {
    return (await this.engine()).deleteIndexTemplate(name);
  }
  async getDataStreams(pattern?: string) {
    return (await this.engine()).getDataStreams(pattern);
  }
  async deleteDataStream(name: string) {
    return (await this.engine()).deleteDataStream(name);
  }
  async *scan(pattern: string, options?: ScanOptions): AsyncIterable<ScanPage> {
    yield* (await this.engine()).scan(pattern, options);
  }

  /** Releases the engine if it was opened; later calls fail. */
  async close(): Promise<void> {
    this.closed = true;
    const opening = this.opening;
    this.opening = undefined;
    if (opening === undefined) return;
    const opened = await opening.catch(() => undefined);
    await opened?.release();
  }
}
