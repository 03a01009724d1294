import type { BulkAction, BulkOptions, BulkResponse } from './bulk.js';
import type {
  AcknowledgedResponse,
  CreateIndexOptions,
  CreateIndexResponse,
  GetMappingResponse,
  IndexInfo,
  RefreshResponse,
} from './index-admin.js';
import type { DataStreamInfo, IndexTemplate, IndexTemplateEntry } from './index-template.js';
import type {
  CountRequest,
  CountResponse,
  GetResponse,
  MgetResponse,
  ScanOptions,
  ScanPage,
  SearchRequest,
  SearchResponse,
} from './search-request.js';

/**
 * Where documents live and are searched: the one contract behind the search sink, sources, the
 * search HTTP API and the CLI. The embedded SQLite engine (the default, nothing to install) and the
 * Elasticsearch/OpenSearch adapter (`elasticsearch/`) implement it. Requests and answers are ES's
 * REST JSON, so a pipeline moves to a cluster by changing one URL; the conformance suite in
 * `conformance/` is written against this contract only, so it holds every engine to the same answers.
 *
 * Index patterns (`pattern` parameters) follow ES: a name, a comma list, wildcards (`weblogs-*`),
 * `_all` or `*`. A concrete name that does not exist fails with `index_not_found_exception` (404);
 * a wildcard that matches nothing gives an empty result. Every refusal is a `SearchEngineError`.
 */
export interface SearchEngine {
  createIndex(name: string, options?: CreateIndexOptions): Promise<CreateIndexResponse>;
  deleteIndex(name: string): Promise<AcknowledgedResponse>;
  indexExists(name: string): Promise<boolean>;
  /** `_cat/indices?format=json`, sorted by index name. */
  listIndices(pattern?: string): Promise<IndexInfo[]>;
  getMapping(pattern: string): Promise<GetMappingResponse>;

  /**
   * `PUT _index_template/<name>`: stores (or replaces) a composable index template; an index
   * created afterwards (explicitly or by a write) whose name it matches gets its mappings and
   * settings (index-template.ts says which template wins). Refuses overlapping patterns at the
   * same priority (400 `illegal_argument_exception`). An engine without data streams refuses a
   * template with `data_stream` (400 `illegal_argument_exception`, saying so).
   */
  putIndexTemplate(name: string, template: IndexTemplate): Promise<AcknowledgedResponse>;
  /** `GET _index_template[/<name>]` (wildcards allowed); a concrete name that is missing: 404 `resource_not_found_exception`. */
  getIndexTemplates(name?: string): Promise<IndexTemplateEntry[]>;
  /** `DELETE _index_template/<name>`; missing: 404 `index_template_missing_exception`. */
  deleteIndexTemplate(name: string): Promise<AcknowledgedResponse>;
  /**
   * `GET _data_stream[/<pattern>]`: the data streams (created by the first write to a name that a
   * template with `data_stream` matches); a concrete name that is not one: 404
   * `index_not_found_exception`. An engine without data streams answers none.
   */
  getDataStreams(pattern?: string): Promise<DataStreamInfo[]>;
  /** `DELETE _data_stream/<name>`: the stream and its backing indices. */
  deleteDataStream(name: string): Promise<AcknowledgedResponse>;

  /** `_bulk`: per-item failures are reported in the items, never thrown; indices are auto-created. */
  bulk(actions: readonly BulkAction[], options?: BulkOptions): Promise<BulkResponse>;
  /** `GET /<index>/_doc/<id>`; a missing document answers `found: false`. */
  get(index: string, id: string): Promise<GetResponse>;
  mget(index: string, ids: readonly string[]): Promise<MgetResponse>;

  count(pattern: string, body?: CountRequest): Promise<CountResponse>;
  search(pattern: string, body?: SearchRequest): Promise<SearchResponse>;
  /** Makes every write so far visible to search. */
  refresh(pattern: string): Promise<RefreshResponse>;
  /** Pages over every hit of a query, in sort order with `_id` as tiebreaker. */
  scan(pattern: string, options?: ScanOptions): AsyncIterable<ScanPage>;

  /** Releases files and connections; the engine is unusable afterwards. */
  close(): Promise<void>;
}
