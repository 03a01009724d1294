import type { BulkItemResult, BulkOpType } from '../../search/bulk.js';

/**
 * What happens to a bulk item the engine did not accept (the inspector of Flink's sink design):
 * - `ok`: written, or a delete of a missing document, or a `create` whose id already exists (a
 *   replay after a failure: the document is already there, writing it again would duplicate it);
 * - `retry`: transient (429 rejections, 5xx, version conflicts on update): retried with backoff;
 * - `deadLetter`: the document itself is bad (mapping errors, invalid documents, update of a
 *   missing document): sent to the dead-letter index, the job carries on;
 * - `fail`: the engine refuses us (401/403): retrying or skipping would lose data, so the job fails.
 */
export type ItemVerdict = 'ok' | 'alreadyExists' | 'retry' | 'deadLetter' | 'fail';

const TRANSIENT_TYPES = new Set([
  'es_rejected_execution_exception',
  'circuit_breaking_exception',
  'unavailable_shards_exception',
  'cluster_block_exception',
  'node_not_connected_exception',
  'process_cluster_event_timeout_exception',
]);

export function inspectItem(op: BulkOpType, item: BulkItemResult): ItemVerdict {
  const error = item.error;
  if (error === undefined) return 'ok';
  const status = item.status;
  if (status === 401 || status === 403) return 'fail';
  if (status === 429 || status >= 500 || TRANSIENT_TYPES.has(error.type)) return 'retry';
  if (error.type === 'version_conflict_engine_exception') return op === 'create' ? 'alreadyExists' : 'retry';
  return 'deadLetter';
}

/** Whether a whole-request failure (no per-item answer) is worth retrying. */
export function isTransientRequestError(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number') return status === 429 || status >= 500;
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'SQLITE_BUSY'].includes(code)
  );
}
