/**
 * EmbeddedSearchEngine: the SearchEngine that needs nothing installed. Documents, mappings and
 * settings live in SQLite (store/sqlite-store.ts). This class is the writer: it validates
 * documents against the mappings (growing them dynamically) and writes rows in one transaction per
 * bulk. Searches go to an index replica (replica/index-replica.ts) that holds every index in memory
 * as columns and replays committed rows in `seq` order; by default it runs in a worker thread, so
 * building columns overlaps with SQLite writes. A search always catches up first, so documents are
 * visible as soon as `bulk` returned; `get`/`mget` read SQLite directly.
 *
 * Several processes may open one data directory: writes take SQLite's write lock (BEGIN
 * IMMEDIATE) and reload index metadata other processes committed; replicas notice new commits via
 * `PRAGMA data_version`. So a `sluice search` process sees what a running job indexes.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../time/system-clock.js';
import type { BulkAction, BulkOptions, BulkResponse } from '../bulk.js';
import type {
  AcknowledgedResponse,
  CreateIndexOptions,
  CreateIndexResponse,
  GetMappingResponse,
  IndexInfo,
  RefreshResponse,
} from '../index-admin.js';
import type { DataStreamInfo, IndexTemplate, IndexTemplateEntry } from '../index-template.js';
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
import type { BulkResults } from './bulk-results.js';
import { BulkWriter, validateBulkActions } from './bulk-writer.js';
import { IdVersions } from './id-versions.js';
import { indexInfo } from './index-info.js';
import { validateIndexName } from './index-name.js';
import { resolveIndexPattern } from './index-pattern.js';
import { parseIndexSettings } from './index-settings.js';
import {
  applyTemplate,
  checkNoOverlap,
  selectTemplates,
  TEMPLATE_KEY_PREFIX,
  validateTemplate,
} from './index-templates.js';
import { IndexMapping, isPlainObject } from './mapping/index-mapping.js';
import { type OpenIndex, openIndexFromRow } from './open-index.js';
import type { IndexStats } from './replica/index-replica.js';
import { openReplica, type ReplicaClient, type ReplicaMode } from './replica/replica-client.js';
import { checkRequestNesting } from './search/request-depth.js';
import { scanPages } from './search/scan.js';
import { Checkpointer } from './store/checkpointer.js';
import { SqliteStore } from './store/sqlite-store.js';

export interface EmbeddedSearchEngineOptions {
  /** Directory holding `search.db` (created when missing). */
  readonly dataDir: string;
  /** Source of "now" for date math (`now-15m`); default the system clock. */
  readonly clock?: Clock;
  /** Where the searchable replica runs: a worker thread (default) or the caller's thread. */
  readonly replica?: ReplicaMode;
}

export class EmbeddedSearchEngine implements SearchEngine {
  private readonly store: SqliteStore;
  private readonly clock: Clock;
  private readonly indices = new Map<string, OpenIndex>();
  private readonly replica: ReplicaClient;
  private readonly checkpointer: Checkpointer | undefined;
  private readonly idVersions = new Map<number, IdVersions>();
  private dataVersion = -1;
  private closed = false;

  private constructor(options: EmbeddedSearchEngineOptions) {
    const mode = options.replica ?? 'worker';
    // With threads, checkpoints run on their own (store/checkpointer.ts) and the writer's only
    // when the WAL outgrows about 40 MB (10,000 pages); inline, the writer keeps SQLite's default.
    this.store = new SqliteStore(options.dataDir, {
      walAutocheckpointPages: mode === 'worker' ? 10_000 : 1000,
    });
    this.clock = options.clock ?? systemClock;
    this.sync();
    this.replica = openReplica(options.dataDir, mode, options.clock);
    this.checkpointer = mode === 'worker' ? new Checkpointer(options.dataDir) : undefined;
  }

  /**
   * Opens (or creates) the engine in `dataDir`. Writes are accepted at once; the first search waits
   * until the replica has loaded the existing documents.
   */
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
    IndexMapping.fromJson(options.mappings);
    parseIndexSettings(options.settings);
    this.store.writeTransaction(() => {
      this.sync();
      const body = applyTemplate(this.templates(), name, options);
      const settings = parseIndexSettings(body.settings);
      const mapping = IndexMapping.fromJson(body.mappings, settings.mappingLimits);
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
        const idx = this.indices.get(n)!.idx;
        this.store.deleteIndex(idx);
        this.idVersions.delete(idx);
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
    const stats = (await this.replica.request({ op: 'stats', pattern })) as IndexStats[];
    return stats.map((stat) =>
      indexInfo(
        stat.name,
        this.indices.get(stat.name)?.uuid ?? '_na_',
        stat.docsCount,
        stat.docsDeleted,
        stat.storeBytes,
      ),
    );
  }

  async getMapping(pattern: string): Promise<GetMappingResponse> {
    this.sync();
    const out: Record<string, { mappings: ReturnType<IndexMapping['toJson']> }> = {};
    for (const name of resolveIndexPattern(pattern, [...this.indices.keys()])) {
      out[name] = { mappings: this.indices.get(name)!.mapping.toJson() };
    }
    return out;
  }

  async bulk(actions: readonly BulkAction[], options: BulkOptions = {}): Promise<BulkResponse> {
    const started = performance.now();
    this.sync();
    validateBulkActions(actions);
    let results: BulkResults | undefined;
    let failed = false;
    try {
      this.store.writeTransaction(() => {
        this.sync();
        const writer = new BulkWriter(
          {
            store: this.store,
            indexFor: (name) => this.indexForWrite(name),
            versionsOf: (index) => this.versionsOf(index),
            stage: (rows) => this.replica.notify({ op: 'stage', rows }),
          },
          actions.length,
        );
        const serialized = options.serialized;
        for (let i = 0; i < actions.length; i++) writer.apply(actions[i] as BulkAction, serialized?.[i]);
        writer.finish();
        results = writer.results;
        failed = writer.failed;
        for (const index of writer.changedMappings) {
          this.store.updateMapping(index.idx, JSON.stringify(index.mapping.toJson()));
          index.mappingVersion++;
        }
      });
    } catch (e) {
      // The transaction rolled back: rows staged at the replica, mappings grown by it and versions
      // it wrote must be forgotten.
      this.replica.notify({ op: 'discard' });
      this.reloadIndices(true);
      throw e;
    }
    // The replica indexes the staged rows now; with refresh, wait until it has (searches always wait).
    const caughtUp = this.replica.request({ op: 'commit' });
    this.checkpointer?.request();
    if (options.refresh === true || options.refresh === 'wait_for') await caughtUp;
    else caughtUp.catch(() => undefined);
    const done = results as BulkResults;
    return {
      took: Math.round(performance.now() - started),
      errors: failed,
      // Built on first read: a caller that sees `errors: false` may never need the items.
      get items() {
        return done.items();
      },
    };
  }

  private indexForWrite(name: string): OpenIndex {
    const existing = this.indices.get(name);
    if (existing) return existing;
    validateIndexName(name);
    const body = applyTemplate(this.templates(), name, {});
    const settings = parseIndexSettings(body.settings);
    return this.insertIndex(
      name,
      IndexMapping.fromJson(body.mappings, settings.mappingLimits),
      settings.normalized,
    );
  }

  /** The stored index templates (read inside the transaction that creates an index). */
  private templates(): IndexTemplateEntry[] {
    return this.store.metaWithPrefix(TEMPLATE_KEY_PREFIX).map((row) => ({
      name: row.key.slice(TEMPLATE_KEY_PREFIX.length),
      index_template: JSON.parse(row.value) as IndexTemplate,
    }));
  }

  async putIndexTemplate(name: string, template: IndexTemplate): Promise<AcknowledgedResponse> {
    this.sync();
    const stored = validateTemplate(name, template);
    this.store.writeTransaction(() => {
      checkNoOverlap(name, stored, this.templates());
      this.store.putMeta(`${TEMPLATE_KEY_PREFIX}${name}`, JSON.stringify(stored));
    });
    return { acknowledged: true };
  }

  async getIndexTemplates(name?: string): Promise<IndexTemplateEntry[]> {
    this.sync();
    return selectTemplates(this.templates(), name);
  }

  async deleteIndexTemplate(name: string): Promise<AcknowledgedResponse> {
    this.sync();
    const deleted = this.store.writeTransaction(() => this.store.deleteMeta(`${TEMPLATE_KEY_PREFIX}${name}`));
    if (!deleted)
      throw new SearchEngineError(
        'index_template_missing_exception',
        `index_template [${name}] missing`,
        404,
      );
    return { acknowledged: true };
  }

  /** The embedded engine has no data streams (a template with `data_stream` is refused): none to list. */
  async getDataStreams(pattern?: string): Promise<DataStreamInfo[]> {
    this.checkOpen();
    if (pattern !== undefined && !pattern.includes('*') && !pattern.includes(',') && pattern !== '_all')
      throw indexNotFound(pattern);
    return [];
  }

  async deleteDataStream(name: string): Promise<AcknowledgedResponse> {
    this.checkOpen();
    throw indexNotFound(name);
  }

  async get(index: string, id: string): Promise<GetResponse> {
    this.sync();
    const open = this.indices.get(index);
    if (open === undefined) throw indexNotFound(index);
    return this.getDoc(open, id);
  }

  private getDoc(index: OpenIndex, id: string): GetResponse {
    const row = this.store.current(index.idx, id);
    if (row === undefined || row.source === null) return { _index: index.name, _id: id, found: false };
    return {
      _index: index.name,
      _id: id,
      _version: row.version,
      _seq_no: row.seq - 1,
      _primary_term: 1,
      found: true,
      _source: JSON.parse(row.source) as Record<string, unknown>,
    };
  }

  async mget(index: string, ids: readonly string[]): Promise<MgetResponse> {
    this.sync();
    const open = this.indices.get(index);
    if (open === undefined) throw indexNotFound(index);
    return { docs: this.store.readTransaction(() => ids.map((id) => this.getDoc(open, id))) };
  }

  async count(pattern: string, body?: CountRequest): Promise<CountResponse> {
    this.checkOpen();
    checkRequestNesting(body);
    return (await this.replica.request({
      op: 'count',
      pattern,
      body,
      nowMs: this.clock.nowMs(),
    })) as CountResponse;
  }

  async search(pattern: string, body?: SearchRequest): Promise<SearchResponse> {
    this.checkOpen();
    checkRequestNesting(body);
    return (await this.replica.request({
      op: 'search',
      pattern,
      body,
      nowMs: this.clock.nowMs(),
    })) as SearchResponse;
  }

  async refresh(pattern: string): Promise<RefreshResponse> {
    this.sync();
    await this.replica.request({ op: 'sync' });
    const n = resolveIndexPattern(pattern, [...this.indices.keys()]).length;
    return { _shards: { total: n, successful: n, failed: 0 } };
  }

  scan(pattern: string, options: ScanOptions = {}): AsyncIterable<ScanPage> {
    return scanPages((body) => this.search(pattern, body), options);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.replica.close();
    await this.checkpointer?.close();
    this.store.close();
  }

  private checkOpen(): void {
    if (this.closed)
      throw new SearchEngineError('illegal_state_exception', 'the search engine is closed', 500);
  }

  /** Reloads index metadata when another process committed (cheap when nothing changed). */
  private sync(): void {
    this.checkOpen();
    if (this.store.dataVersion() === this.dataVersion) return;
    this.reloadIndices();
  }

  private versionsOf(index: OpenIndex): IdVersions {
    let versions = this.idVersions.get(index.idx);
    if (versions === undefined) {
      versions = IdVersions.load(this.store, index.idx);
      this.idVersions.set(index.idx, versions);
    }
    return versions;
  }

  /**
   * Another connection committed (index metadata and id versions may have changed), or, with
   * `discardUnsaved`, a write transaction rolled back: then every index is read again, because a
   * mapping it grew in memory kept its persisted version number.
   */
  private reloadIndices(discardUnsaved = false): void {
    this.idVersions.clear();
    if (discardUnsaved) this.indices.clear();
    this.dataVersion = this.store.dataVersion();
    const rows = this.store.listIndices();
    const seen = new Set<string>();
    for (const row of rows) {
      seen.add(row.name);
      const current = this.indices.get(row.name);
      if (
        current === undefined ||
        current.idx !== row.idx ||
        current.mappingVersion !== row.mapping_version
      ) {
        this.indices.set(row.name, openIndexFromRow(row));
      }
    }
    for (const name of [...this.indices.keys()]) if (!seen.has(name)) this.indices.delete(name);
  }
}
