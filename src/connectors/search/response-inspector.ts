import type { BulkItemResult, BulkOpType, BulkTarget } from '../../search/bulk.js';

/**
 * What the sink does with each bulk item the engine answered, and with a bulk request that failed
 * as a whole (Flink's BulkResponseInspector). The sender asks the inspector; the inspector only
 * judges, it never sleeps, counts or writes. Pass your own through `searchSink({ inspector })`, for
 * instance to fail on every version conflict, or to dead-letter what the default retries.
 *
 * Verdicts:
 * - `ok`: acknowledged. `reason` tells the counters why when it is not a plain write:
 *   `alreadyExists` (a `create` whose id exists: a replay of something already written),
 *   `stale` (an external version conflict: the stored document is newer, so this write is skipped).
 * - `retry`: may succeed later (a 500, a shard not yet available, an update that raced another
 *   writer): resent with backoff, at most `retryBudget` times per item, then dead-lettered.
 * - `backpressure`: the cluster is overloaded or unreachable (429, 503, rejected execution,
 *   connection refused, timeouts): the sink lowers its concurrency, backs off and waits, as long
 *   as it takes, holding the job's input back; it never fails the job and never spends the budget.
 * - `deadLetter`: the document itself is refused for good (mapping conflict, invalid document,
 *   update of a missing document): it goes to the dead-letter route and the job goes on.
 * - `fail`: continuing would lose data or cannot work (401/403, a malformed request): the job fails.
 *
 * Both spellings of rejected execution are one vocabulary here: Elasticsearch's
 * `es_rejected_execution_exception` and OpenSearch's `rejected_execution_exception`.
 */
export type Verdict =
  | { readonly kind: 'ok'; readonly reason?: 'alreadyExists' | 'stale' }
  | { readonly kind: 'retry' | 'backpressure' | 'deadLetter' | 'fail'; readonly reason: string };

export interface BulkResponseInspector {
  /** One item of a `_bulk` response that carries an `error`; items without one are `ok` without asking. */
  inspectItem(op: BulkOpType, target: BulkTarget, item: BulkItemResult): Verdict;
  /** The whole request failed (thrown by the engine): every action of it gets this verdict. */
  inspectRequestError(error: unknown): Verdict;
}

/** What to do when a write with an external version finds a stored document with a newer one. */
export type VersionConflictPolicy = 'ignore' | 'deadLetter' | 'fail';

const REJECTED_EXECUTION = new Set([
  'es_rejected_execution_exception',
  'rejected_execution_exception',
  'circuit_breaking_exception',
]);

/** Item errors worth another try that do not mean "the cluster is overloaded". */
const TRANSIENT_TYPES = new Set([
  'unavailable_shards_exception',
  'no_shard_available_action_exception',
  'node_not_connected_exception',
  'node_closed_exception',
  'process_cluster_event_timeout_exception',
  'primary_missing_action_exception',
  'cluster_block_exception',
]);

/**
 * Socket-level failures: the cluster is down, restarting or unreachable for now. `SQLITE_BUSY` is
 * the embedded engine's write lock held by another process past its busy timeout (the same "wait
 * and try again", one word for it here so the sender needs no engine-specific code).
 */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'ECONNECTION',
  'SQLITE_BUSY',
]);

/** Error class names of @elastic/transport and the OpenSearch client for "no answer". */
const CONNECTION_ERROR_NAMES = new Set([
  'SearchConnectionError',
  'ConnectionError',
  'TimeoutError',
  'NoLivingConnectionsError',
]);

function statusOf(error: unknown): number | undefined {
  const e = error as { status?: unknown; statusCode?: unknown; meta?: { statusCode?: unknown } } | null;
  for (const s of [e?.status, e?.statusCode, e?.meta?.statusCode]) if (typeof s === 'number') return s;
  return undefined;
}

function typeOf(error: unknown): string {
  const e = error as { type?: unknown; body?: { error?: { type?: unknown } } } | null;
  if (typeof e?.type === 'string') return e.type;
  const bodyType = e?.body?.error?.type;
  return typeof bodyType === 'string' ? bodyType : 'error';
}

/** Walks `cause` links: transports wrap the socket error. */
function isConnectionError(error: unknown): boolean {
  for (let e = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const { code, name } = e as { code?: unknown; name?: unknown };
    if (code === 'ABORT_ERR') return false;
    if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
    if (typeof name === 'string' && CONNECTION_ERROR_NAMES.has(name)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** A message safe to show: the engine's type and reason, never a URL (which may hold credentials). */
function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/[a-z][a-z0-9+.-]*:\/\/[^\s/@]*@/gi, (m) => m.replace(/\/\/[^@]*@/, '//***@'));
}

export class DefaultResponseInspector implements BulkResponseInspector {
  constructor(private readonly versionConflicts: VersionConflictPolicy = 'ignore') {}

  inspectItem(op: BulkOpType, target: BulkTarget, item: BulkItemResult): Verdict {
    const error = item.error;
    if (error === undefined) return { kind: 'ok' };
    const status = item.status;
    const reason = `${status} ${error.type}: ${error.reason}`;
    if (status === 401 || status === 403) return { kind: 'fail', reason };
    if (status === 429 || status === 503 || REJECTED_EXECUTION.has(error.type))
      return { kind: 'backpressure', reason };
    if (error.type === 'version_conflict_engine_exception') return this.conflict(op, target, reason);
    if (status >= 500 || TRANSIENT_TYPES.has(error.type)) return { kind: 'retry', reason };
    return { kind: 'deadLetter', reason };
  }

  private conflict(op: BulkOpType, target: BulkTarget, reason: string): Verdict {
    if (target.if_seq_no !== undefined) return { kind: 'deadLetter', reason };
    if (target.version_type === 'external' || target.version_type === 'external_gte') {
      if (this.versionConflicts === 'ignore') return { kind: 'ok', reason: 'stale' };
      return { kind: this.versionConflicts, reason };
    }
    if (op === 'create') return { kind: 'ok', reason: 'alreadyExists' };
    // An update raced another writer after its own `retry_on_conflict` attempts: try again later.
    return { kind: 'retry', reason };
  }

  inspectRequestError(error: unknown): Verdict {
    const status = statusOf(error);
    const reason = describe(error);
    if (status === undefined) {
      return isConnectionError(error) ? { kind: 'backpressure', reason } : { kind: 'fail', reason };
    }
    if (status === 401 || status === 403) {
      return {
        kind: 'fail',
        reason: `the engine refused the sink's credentials (${status} ${typeOf(error)})`,
      };
    }
    if (status === 408 || status === 429 || status === 502 || status === 503 || status === 504)
      return { kind: 'backpressure', reason };
    if (status >= 500) return { kind: 'retry', reason };
    // 413 and other 4xx: this request will never be accepted as it is.
    return { kind: 'fail', reason };
  }
}
