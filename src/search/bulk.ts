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

export interface BulkTarget {
  readonly _index: string;
  readonly _id?: string;
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
