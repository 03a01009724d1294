import type { BulkAction, BulkOptions, BulkResponse } from './bulk.js';
import type {
  AcknowledgedResponse,
  CreateIndexOptions,
  CreateIndexResponse,
  GetMappingResponse,
  IndexInfo,
  RefreshResponse,
} from './index-admin.js';
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
 * search HTTP API and the CLI. The embedded SQLite engine (the default, nothing to install)
 * implements it today; an Elasticsearch/OpenSearch HTTP adapter is to implement it next (cluster
 * URLs are refused until then). Requests and answers are ES's REST JSON, so a pipeline will move to
 * a cluster by changing one URL; the conformance suite in `conformance/` is written against this
 * contract only, so it can hold every engine to the same answers.
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
