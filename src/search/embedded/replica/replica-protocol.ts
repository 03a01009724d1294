/**
 * Messages between the engine and its index replica (in a worker thread or inline). Requests carry
 * the caller's `nowMs` so date math uses the engine's injected clock; errors travel as plain data
 * and become SearchEngineErrors again on the engine side.
 */

import { SearchEngineError, type SearchErrorCause } from '../../search-engine-error.js';
import type { CountRequest, SearchRequest } from '../../search-request.js';
import type { CommittedRows } from './committed-rows.js';

export type ReplicaRequest =
  | {
      readonly op: 'search';
      readonly pattern: string;
      readonly body: SearchRequest | undefined;
      readonly nowMs: number;
    }
  | {
      readonly op: 'count';
      readonly pattern: string;
      readonly body: CountRequest | undefined;
      readonly nowMs: number;
    }
  | { readonly op: 'stats'; readonly pattern: string | undefined }
  | { readonly op: 'sync' }
  /**
   * Rows of this process's write transaction, in seq order, sent while it runs (saves the replica
   * reading them back). Staged until `commit`, dropped by `discard` (a rollback). Sent as notices.
   */
  | { readonly op: 'stage'; readonly rows: CommittedRows }
  | { readonly op: 'discard' }
  /** The transaction whose rows were staged committed: index them (answered when done). */
  | { readonly op: 'commit' };

export type ReplicaMessage =
  | { readonly id: number; readonly request: ReplicaRequest }
  /** A notice: no answer; a failure is reported to the next request instead. */
  | { readonly notice: ReplicaRequest }
  | { readonly id: number; readonly close: true };

export interface SerializedError {
  readonly type: string;
  readonly reason: string;
  readonly status: number;
  readonly rootCause: readonly SearchErrorCause[];
  readonly extra: Record<string, unknown>;
}

export type ReplicaReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: SerializedError | { readonly message: string };
    };

export function serializeError(e: unknown): SerializedError | { readonly message: string } {
  if (e instanceof SearchEngineError)
    return { type: e.type, reason: e.reason, status: e.status, rootCause: e.rootCause, extra: e.extra };
  return { message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
}

export function deserializeError(error: SerializedError | { readonly message: string }): Error {
  if ('type' in error)
    return new SearchEngineError(error.type, error.reason, error.status, {
      rootCause: error.rootCause,
      extra: error.extra,
    });
  return new Error(`search replica failed: ${error.message}`);
}
