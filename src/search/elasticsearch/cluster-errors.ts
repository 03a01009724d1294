/**
 * Failures of cluster requests as the contract's errors: an answer with ES's error body becomes a
 * SearchEngineError with the same type, reason, status and root causes (as the embedded engine
 * throws them); a transport failure becomes a SearchConnectionError that keeps a Node-style code.
 *
 * One vocabulary for error types: OpenSearch renamed some (its exception classes lost the "Es"
 * prefix), so its spellings are mapped to Elasticsearch's, which the contract and the sink's
 * inspector use; the cluster's own spelling is kept as `original_type` next to the type.
 */
import { errors } from '@elastic/transport';
import { SearchConnectionError, SearchEngineError, type SearchErrorCause } from '../search-engine-error.js';

/** OpenSearch's type -> Elasticsearch's type, where they differ. */
const TYPE_ALIASES: Readonly<Record<string, string>> = {
  rejected_execution_exception: 'es_rejected_execution_exception',
};

/** An error type in Elasticsearch's spelling. */
export function normalizeErrorType(type: string): string {
  return TYPE_ALIASES[type] ?? type;
}

/** A cause (root cause, `caused_by`, bulk item error) with its type normalized, recursively. */
export function normalizeCause(cause: unknown): unknown {
  if (cause === null || typeof cause !== 'object' || Array.isArray(cause)) return cause;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(cause)) {
    if (key === 'type' && typeof value === 'string') {
      const normalized = normalizeErrorType(value);
      out.type = normalized;
      if (normalized !== value) out.original_type = value;
    } else if (key === 'root_cause' && Array.isArray(value)) {
      out.root_cause = value.map(normalizeCause);
    } else if (key === 'caused_by' || key === 'reason') {
      out[key] = typeof value === 'object' ? normalizeCause(value) : value;
    } else if (key === 'failed_shards' && Array.isArray(value)) {
      out[key] = value.map((shard) =>
        shard !== null && typeof shard === 'object'
          ? { ...shard, reason: normalizeCause((shard as { reason?: unknown }).reason) }
          : shard,
      );
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** ES's error body (`{ error: {...}, status }`) as a SearchEngineError. */
export function errorFromBody(body: unknown, statusCode: number): SearchEngineError {
  const record = body !== null && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const status = typeof record.status === 'number' ? record.status : statusCode;
  const error = record.error;
  if (error !== null && typeof error === 'object') {
    const normalized = normalizeCause(error) as SearchErrorCause & { root_cause?: SearchErrorCause[] };
    const { type, reason, root_cause: rootCause, ...extra } = normalized;
    return new SearchEngineError(String(type), String(reason ?? ''), status, {
      ...(Array.isArray(rootCause) && rootCause.length > 0 ? { rootCause } : {}),
      extra,
    });
  }
  // `{ error: "no handler found for uri ...", status: 400 }`, or a body that is not ES's at all.
  const reason =
    typeof error === 'string'
      ? error
      : typeof body === 'string' && body.length > 0
        ? body.slice(0, 500)
        : `HTTP ${statusCode}`;
  return new SearchEngineError(
    statusCode === 404 ? 'resource_not_found_exception' : 'exception',
    reason,
    status,
  );
}

const CODE_IN_MESSAGE = /\b(E[A-Z]{3,}|UND_ERR_[A-Z_]+)\b/;

/**
 * Any failure of a transport request as the contract's error. `redact` scrubs the connection's
 * secrets from every message (the transport's messages can name the node URL).
 */
export function toEngineError(e: unknown, redact: (text: string) => string): Error {
  if (e instanceof SearchEngineError || e instanceof SearchConnectionError) return e;
  if (e instanceof errors.ResponseError) {
    // A cluster (or a proxy before it) may echo request headers in its error: scrub the body too.
    const text = typeof e.body === 'string' ? e.body : JSON.stringify(e.body ?? null);
    const scrubbed = redact(text);
    const body = scrubbed === text ? e.body : typeof e.body === 'string' ? scrubbed : JSON.parse(scrubbed);
    return errorFromBody(body, e.statusCode ?? 500);
  }
  if (e instanceof errors.TimeoutError)
    return new SearchConnectionError(`cluster request timed out: ${redact(e.message)}`, 'ETIMEDOUT');
  if (e instanceof errors.RequestAbortedError)
    return new SearchConnectionError('cluster request aborted', 'ABORT_ERR');
  if (e instanceof errors.ConnectionError || e instanceof errors.NoLivingConnectionsError) {
    const code = CODE_IN_MESSAGE.exec(e.message)?.[1] ?? 'ECONNECTION';
    return new SearchConnectionError(`cannot reach the cluster: ${redact(e.message)}`, normalizeCode(code));
  }
  if (e instanceof errors.DeserializationError)
    return new SearchEngineError(
      'exception',
      `the cluster answered with invalid JSON: ${redact(e.message)}`,
      502,
    );
  if (e instanceof Error) {
    const scrubbed = new Error(redact(e.message));
    scrubbed.name = e.name;
    return scrubbed;
  }
  return new Error(redact(String(e)));
}

/** undici's socket codes as the Node ones retry logic knows. */
function normalizeCode(code: string): string {
  if (code === 'UND_ERR_SOCKET' || code === 'UND_ERR_CLOSED') return 'ECONNRESET';
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'UND_ERR_HEADERS_TIMEOUT') return 'ETIMEDOUT';
  return code;
}
