/**
 * EmbeddedSearchEngine: the SearchEngine that needs nothing installed. Documents, mappings and
 * settings live in SQLite (see store/sqlite-store.ts); every index is also held in memory as
 * columns (postings, keyword ordinals, numbers) rebuilt at open, which is what queries and
 * aggregations read. Writes are visible to searches in this process as soon as `bulk` returns.
 *
 * Several processes may open the same data directory: writes take SQLite's write lock (BEGIN
 * IMMEDIATE), and before every call the engine checks `PRAGMA data_version`; when another process
 * committed, it reloads index metadata and replays document rows with `seq` above the last one it
 * applied. So a `sluice search` process sees what a running job indexes, and two writers stay
 * consistent.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../time/system-clock.js';
import type { BulkAction, BulkOptions, BulkResponse, BulkResponseItem } from '../bulk.js';
import type {
  AcknowledgedResponse,
  CreateIndexOptions,
  CreateIndexResponse,
  GetMappingResponse,
  IndexInfo,
  RefreshResponse,
} from '../index-admin.js';
import type { SearchEngine } from '../search-engine.js';
import { indexNotFound, parsingError, SearchEngineError } from '../search-engine-error.js';
import type {
  CountRequest,
  CountResponse,
  GetResponse,
  MgetResponse,
  ScanOptions,
  ScanPage,
  SearchRequest,
  SearchResponse,
} from '../search-request.js';
import { BulkWriter, validateBulkActions } from './bulk-writer.js';
import { validateIndexName } from './index-name.js';
import { resolveIndexPattern } from './index-pattern.js';
import { parseIndexSettings } from './index-settings.js';
import { parseDocument } from './mapping/document-parser.js';
import { IndexMapping, isPlainObject } from './mapping/index-mapping.js';
import { type OpenIndex, openIndexFromRow } from './open-index.js';
import { scanPages } from './search/scan.js';
import { executeCount, executeSearch } from './search/search-executor.js';
import type { SearchTarget } from './search/search-target.js';
import { type DocRow, SqliteStore } from './store/sqlite-store.js';

export interface EmbeddedSearchEngineOptions {
  /** Directory holding `search.db` (created when missing). */
  readonly dataDir: string;
  /** Source of "now" for date math (`now-15m`); default the system clock. */
  readonly clock?: Clock;
}

export class EmbeddedSearchEngine implements SearchEngine {
  private readonly store: SqliteStore;
  private readonly clock: Clock;
  private readonly indices = new Map<string, OpenIndex>();
  private lastSeq = 0;
  private dataVersion = -1;
  private closed = false;

  constructor(options: EmbeddedSearchEngineOptions) {
    this.store = new SqliteStore(options.dataDir);
    this.clock = options.clock ?? systemClock;
    this.reloadAll();
  }

  /** Opens (or creates) the engine in `dataDir`; loads every index into memory. */
  static async open(options: EmbeddedSearchEngineOptions): Promise<EmbeddedSearchEngine> {
    return new EmbeddedSearchEngine(options);
  }

  async createIndex(name: string, options: CreateIndexOptions = {}): Promise<CreateIndexResponse> {
    this.sync();
    validateIndexName(name);
    if (!isPlainObject(options as unknown)) throw parsingError('index creation body must be an object');
    for (const key of Object.keys(options)) {
      if (key !== 'mappings' && key !== 'settings' && key !== 'aliases') {
        throw parsingError(`unknown key [${key}] for create index`);
      }
      if (key === 'aliases') throw parsingError('[aliases] are not supported by the embedded engine');
    }
    const mapping = IndexMapping.fromJson(options.mappings);
    const settings = parseIndexSettings(options.settings);
    this.store.writeTransaction(() => {
      this.sync();
      const existing = this.indices.get(name);
      if (existing) {
        throw new SearchEngineError(
          'resource_already_exists_exception',
          `index [${name}/${existing.uuid}] already exists`,
          400,
          {
            extra: { index_uuid: existing.uuid, index: name },
          },
        );
      }
      this.insertIndex(name, mapping, settings.normalized);
    });
    return { acknowledged: true, shards_acknowledged: true, index: name };
  }

  private insertIndex(
    name: string,
    mapping: IndexMapping,
    settings: Readonly<Record<string, unknown>>,
  ): OpenIndex {
    const uuid = randomUUID().replace(/-/g, '').slice(0, 22);
    const createdMs = this.clock.nowMs();
    const idx = this.store.insertIndex(
      name,
      uuid,
      JSON.stringify(mapping.toJson()),
      JSON.stringify(settings),
      createdMs,
    );
    const row = {
      idx,
      name,
      uuid,
      mappings: JSON.stringify(mapping.toJson()),
      settings: JSON.stringify(settings),
      created_ms: createdMs,
      mapping_version: 1,
    };
    const index = openIndexFromRow(row);
    this.indices.set(name, index);
    return index;
  }

  async deleteIndex(name: string): Promise<AcknowledgedResponse> {
    this.sync();
    this.store.writeTransaction(() => {
      this.sync();
      const names = resolveIndexPattern(name, [...this.indices.keys()]);
      for (const n of names) {
        this.store.deleteIndex(this.indices.get(n)!.idx);
        this.indices.delete(n);
      }
    });
    return { acknowledged: true };
  }

  async indexExists(name: string): Promise<boolean> {
    this.sync();
    return this.indices.has(name);
  }

  async listIndices(pattern?: string): Promise<IndexInfo[]> {
    this.sync();
    return this.resolve(pattern).map((index) => {
      const size = formatBytes(index.memory.sourceBytes);
      return {
        health: 'green',
        status: 'open',
        index: index.name,
        uuid: index.uuid,
        pri: '1',
        rep: '0',
        'docs.count': String(index.memory.liveCount),
        'docs.deleted': String(index.memory.deletedCount),
        'store.size': size,
        'pri.store.size': size,
      };
    });
  }

  async getMapping(pattern: string): Promise<GetMappingResponse> {
    this.sync();
    const out: Record<string, { mappings: ReturnType<IndexMapping['toJson']> }> = {};
    for (const index of this.resolve(pattern)) out[index.name] = { mappings: index.mapping.toJson() };
    return out;
  }

  async bulk(actions: readonly BulkAction[], _options: BulkOptions = {}): Promise<BulkResponse> {
    const started = performance.now();
    this.sync();
    validateBulkActions(actions);
    let items: BulkResponseItem[] = [];
    try {
      this.store.writeTransaction(() => {
        this.sync();
        const writer = new BulkWriter({ store: this.store, indexFor: (name) => this.indexForWrite(name) });
        items = actions.map((action) => writer.apply(action));
        for (const index of writer.changedMappings) {
          this.store.updateMapping(index.idx, JSON.stringify(index.mapping.toJson()));
          index.mappingVersion++;
        }
        this.lastSeq = Math.max(this.lastSeq, this.store.maxSeq());
      });
    } catch (e) {
      // The transaction rolled back: rebuild memory from what SQLite holds.
      this.reloadAll();
      throw e;
    }
    // Writes are visible as soon as the transaction commits, so `refresh` has nothing left to do.
    return {
      took: Math.round(performance.now() - started),
      errors: items.some((item) => Object.values(item)[0]?.error !== undefined),
      items,
    };
  }

  private indexForWrite(name: string): OpenIndex {
    const existing = this.indices.get(name);
    if (existing) return existing;
    validateIndexName(name);
    return this.insertIndex(name, IndexMapping.fromJson(undefined), {});
  }

  async get(index: string, id: string): Promise<GetResponse> {
    this.sync();
    const open = this.indices.get(index);
    if (open === undefined) throw indexNotFound(index);
    return this.getDoc(open, id);
  }

  private getDoc(index: OpenIndex, id: string): GetResponse {
    const doc = index.memory.docOf(id);
    if (doc === undefined) return { _index: index.name, _id: id, found: false };
    const seq = index.memory.seqs[doc]!;
    return {
      _index: index.name,
      _id: id,
      _version: index.memory.versions[doc]!,
      _seq_no: seq - 1,
      _primary_term: 1,
      found: true,
      _source: JSON.parse(this.store.source(seq) ?? '{}') as Record<string, unknown>,
    };
  }

  async mget(index: string, ids: readonly string[]): Promise<MgetResponse> {
    this.sync();
    const open = this.indices.get(index);
    if (open === undefined) throw indexNotFound(index);
    return { docs: ids.map((id) => this.getDoc(open, id)) };
  }

  async count(pattern: string, body?: CountRequest): Promise<CountResponse> {
    this.sync();
    return executeCount(this.targets(pattern), body, this.clock);
  }

  async search(pattern: string, body?: SearchRequest): Promise<SearchResponse> {
    this.sync();
    return executeSearch(this.targets(pattern), body, this.clock);
  }

  async refresh(pattern: string): Promise<RefreshResponse> {
    this.sync();
    const n = this.resolve(pattern).length;
    return { _shards: { total: n, successful: n, failed: 0 } };
  }

  scan(pattern: string, options: ScanOptions = {}): AsyncIterable<ScanPage> {
    return scanPages((body) => this.search(pattern, body), options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.store.close();
  }

  private resolve(pattern: string | undefined): OpenIndex[] {
    return resolveIndexPattern(pattern, [...this.indices.keys()]).map((name) => this.indices.get(name)!);
  }

  private targets(pattern: string): SearchTarget[] {
    return this.resolve(pattern).map((index) => ({
      name: index.name,
      memory: index.memory,
      mapping: index.mapping,
      maxResultWindow: index.settings.maxResultWindow,
      source: (doc: number) =>
        JSON.parse(this.store.source(index.memory.seqs[doc]!) ?? '{}') as Record<string, unknown>,
    }));
  }

  /** Catches up with commits made by other processes (cheap when there were none). */
  private sync(): void {
    if (this.closed)
      throw new SearchEngineError('illegal_state_exception', 'the search engine is closed', 500);
    const version = this.store.dataVersion();
    if (version === this.dataVersion) return;
    this.dataVersion = version;
    // One read transaction: index rows and document rows come from the same snapshot.
    this.store.readTransaction(() => {
      const seen = new Set<string>();
      for (const row of this.store.listIndices()) {
        seen.add(row.name);
        const current = this.indices.get(row.name);
        if (current === undefined || current.idx !== row.idx) {
          // New (or deleted and re-created) elsewhere: all its rows have seq > lastSeq.
          this.indices.set(row.name, openIndexFromRow(row));
        } else if (current.mappingVersion !== row.mapping_version) {
          current.mapping = IndexMapping.fromJson(JSON.parse(row.mappings));
          current.mappingVersion = row.mapping_version;
        }
      }
      for (const name of [...this.indices.keys()]) if (!seen.has(name)) this.indices.delete(name);
      this.apply(this.store.docsSince(this.lastSeq));
    });
  }

  /** Drops memory and rebuilds every index from SQLite. */
  private reloadAll(): void {
    this.indices.clear();
    this.lastSeq = 0;
    this.dataVersion = this.store.dataVersion();
    this.store.readTransaction(() => {
      for (const row of this.store.listIndices()) this.indices.set(row.name, openIndexFromRow(row));
      this.apply(this.store.liveDocs());
      this.lastSeq = this.store.maxSeq();
    });
  }

  private apply(rows: Iterable<DocRow>): void {
    const byIdx = new Map<number, OpenIndex>();
    for (const index of this.indices.values()) byIdx.set(index.idx, index);
    for (const row of rows) {
      if (row.seq > this.lastSeq) this.lastSeq = row.seq;
      const index = byIdx.get(row.idx);
      if (index === undefined) continue;
      if (row.source === null) {
        index.memory.remove(row.id);
        continue;
      }
      const source = JSON.parse(row.source) as Record<string, unknown>;
      try {
        index.memory.put(
          row.id,
          row.seq,
          row.version,
          parseDocument(index.mapping, source, row.id),
          row.source.length,
        );
      } catch {
        // A stored document always parsed against the mapping it was written with; a failure here
        // means the mapping row is older than the document (a racing writer): skip, it is replayed later.
        index.memory.remove(row.id);
      }
    }
  }
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes}b`;
  const units = ['kb', 'mb', 'gb', 'tb'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toFixed(1))}${units[unit]}`;
}
