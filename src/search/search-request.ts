/**
 * Search, count, get and scan requests and answers, in Elasticsearch's JSON shape. Request bodies
 * are typed loosely on purpose (`unknown` values): they arrive as JSON from users, the HTTP API and
 * the CLI, and each engine validates them and answers unknown clauses with ES's 400 errors.
 */

/** A `_search` body. Keys the engine does not know are rejected, as ES does. */
export interface SearchRequest {
  readonly query?: unknown;
  readonly aggs?: unknown;
  readonly aggregations?: unknown;
  readonly sort?: unknown;
  readonly from?: number;
  readonly size?: number;
  readonly search_after?: readonly unknown[];
  readonly _source?: unknown;
  readonly track_total_hits?: boolean | number;
  readonly track_scores?: boolean;
  readonly [key: string]: unknown;
}

export interface ShardsInfo {
  readonly total: number;
  readonly successful: number;
  readonly skipped: number;
  readonly failed: number;
}

export interface SearchHit {
  readonly _index: string;
  readonly _id: string;
  readonly _score: number | null;
  readonly _source?: Record<string, unknown>;
  readonly sort?: readonly unknown[];
}

export interface TotalHits {
  readonly value: number;
  /** `gte` when counting stopped at the `track_total_hits` limit. */
  readonly relation: 'eq' | 'gte';
}

export interface SearchResponse {
  readonly took: number;
  readonly timed_out: boolean;
  readonly _shards: ShardsInfo;
  readonly hits: {
    /** Absent when the request said `track_total_hits: false`. */
    readonly total?: TotalHits;
    readonly max_score: number | null;
    readonly hits: readonly SearchHit[];
  };
  readonly aggregations?: Record<string, unknown>;
}

export interface CountRequest {
  readonly query?: unknown;
}

export interface CountResponse {
  readonly count: number;
  readonly _shards: ShardsInfo;
}

/** `GET /<index>/_doc/<id>`. */
export type GetResponse =
  | {
      readonly _index: string;
      readonly _id: string;
      readonly _version: number;
      readonly _seq_no: number;
      readonly _primary_term: number;
      readonly found: true;
      readonly _source: Record<string, unknown>;
    }
  | { readonly _index: string; readonly _id: string; readonly found: false };

export interface MgetResponse {
  readonly docs: readonly GetResponse[];
}

/**
 * A cursor over a whole result set: pages in `sort` order with `_id` as the tiebreaker, resumed
 * with `search_after`. Used to read an index as a stream.
 */
export interface ScanOptions {
  readonly query?: unknown;
  /** An ES sort; `_id` is appended as tiebreaker. Default: `_id` only. */
  readonly sort?: unknown;
  /** Hits per page; default 1000. */
  readonly pageSize?: number;
  /** Resume after this `sort` tuple (the `searchAfter` of a previous page). */
  readonly searchAfter?: readonly unknown[];
}

export interface ScanPage {
  readonly hits: readonly SearchHit[];
  /** The sort tuple of the page's last hit: pass it as `searchAfter` to resume after this page. */
  readonly searchAfter: readonly unknown[] | undefined;
}
