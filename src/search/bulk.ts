import type { SearchErrorCause } from './search-engine-error.js';

/**
 * Bulk actions as the `_bulk` API takes them, with the action line and its body merged into one
 * object. `_id` is optional for `index` (an id is generated, as ES does) and required otherwise.
 */
export type BulkAction =
  | { readonly index: BulkTarget; readonly document: Record<string, unknown> }
  | { readonly create: BulkTarget; readonly document: Record<string, unknown> }
  | { readonly update: BulkTarget & { readonly _id: string }; readonly body: UpdateBody }
  | { readonly delete: BulkTarget & { readonly _id: string } };

/**
 * The target of one action, with Elasticsearch's per-action metadata. Every engine either honours
 * each field or refuses the item with Elasticsearch's error (never ignores it silently):
 * - `routing`: which shard (custom routing); the same value is needed to get/update/delete it again.
 * - `version` + `version_type` (`external`, `external_gte`): optimistic concurrency from an
 *   external clock (event time, a sequence): a write whose version is not newer than the stored one
 *   fails with `version_conflict_engine_exception` (409), so a replay never overwrites newer data.
 * - `if_seq_no` + `if_primary_term`: compare-and-set on the stored document's sequence number.
 * - `pipeline`: an ingest pipeline (clusters only; the embedded engine refuses it).
 * - `retry_on_conflict` (update only): how often the engine retries an update that raced another write.
 */
export interface BulkTarget {
  readonly _index: string;
  readonly _id?: string;
  readonly routing?: string;
  readonly version?: number;
  readonly version_type?: 'internal' | 'external' | 'external_gte';
  readonly if_seq_no?: number;
  readonly if_primary_term?: number;
  readonly pipeline?: string;
  readonly retry_on_conflict?: number;
}

/** The body of an update action: a partial document merged into the stored one. */
export interface UpdateBody {
  readonly doc?: Record<string, unknown>;
  /** When the document is missing, index `doc` as a new document. */
  readonly doc_as_upsert?: boolean;
  /** When the document is missing, index this document instead (and ignore `doc`). */
  readonly upsert?: Record<string, unknown>;
  /** Skip the write when merging `doc` changes nothing (ES default true: result `noop`). */
  readonly detect_noop?: boolean;
}

export type BulkOpType = 'index' | 'create' | 'update' | 'delete';

export interface BulkOptions {
  /** As ES: `true` refreshes the touched indices, `'wait_for'` waits for the next refresh. */
  readonly refresh?: boolean | 'wait_for';
  /**
   * The NDJSON text of each action (its action line and, if any, its source line, each ending in
   * `\n`), aligned with `actions`. A caller that already serialized the actions to measure their
   * exact size passes it so HTTP engines send it as is instead of serializing again. The embedded
   * engine, which needs the objects, stores an index/create action's document line from it as the
   * `_source` instead of serializing the document a second time, so it must be the exact
   * serialization of the same action (`JSON.stringify` of action line and body).
   */
  readonly serialized?: readonly string[];
  /** Aborts the request (the job was cancelled). */
  readonly signal?: AbortSignal;
}

/** One item of a `_bulk` response, keyed by its op type. */
export type BulkResponseItem = { readonly [K in BulkOpType]?: BulkItemResult };

export interface BulkItemResult {
  readonly _index: string;
  readonly _id: string;
  readonly status: number;
  readonly result?: 'created' | 'updated' | 'deleted' | 'not_found' | 'noop';
  readonly _version?: number;
  readonly _seq_no?: number;
  readonly _primary_term?: number;
  readonly _shards?: { readonly total: number; readonly successful: number; readonly failed: number };
  readonly error?: SearchErrorCause;
}

export interface BulkResponse {
  readonly took: number;
  /** True when at least one item failed; the other items were still applied. */
  readonly errors: boolean;
  readonly items: readonly BulkResponseItem[];
}

/** The op type of an action (the key that is not `document`/`body`). */
export function bulkOpType(action: BulkAction): BulkOpType {
  if ('index' in action) return 'index';
  if ('create' in action) return 'create';
  if ('update' in action) return 'update';
  return 'delete';
}
