/**
 * The one error type a SearchEngine throws for a request it refuses. It carries Elasticsearch's own
 * error `type` (e.g. `parsing_exception`), `reason` and HTTP `status`, and renders ES's error body
 * so an HTTP server can answer with it verbatim and a client cannot tell the engines apart.
 */

/** One entry of ES's `root_cause` list (also the shape of a bulk item's `error`). */
export interface SearchErrorCause {
  readonly type: string;
  readonly reason: string;
  readonly [extra: string]: unknown;
}

/** The JSON body Elasticsearch answers with for a failed request. */
export interface SearchErrorBody {
  readonly error: SearchErrorCause & { readonly root_cause: readonly SearchErrorCause[] };
  readonly status: number;
}

export class SearchEngineError extends Error {
  override readonly name = 'SearchEngineError';
  readonly rootCause: readonly SearchErrorCause[];

  constructor(
    readonly type: string,
    readonly reason: string,
    readonly status: number,
    options: { rootCause?: readonly SearchErrorCause[]; extra?: Record<string, unknown> } = {},
  ) {
    const rootCause = options.rootCause ?? [{ type, reason, ...(options.extra ?? {}) }];
    // The message names the real cause too, so logs and CLI output of wrapped errors are actionable.
    const causes = rootCause
      .filter((c) => c.type !== type || c.reason !== reason)
      .map((c) => `${c.type}: ${c.reason}`);
    super(`${type}: ${reason}${causes.length > 0 ? ` (caused by ${causes.join('; ')})` : ''}`);
    this.extra = options.extra ?? {};
    this.rootCause = rootCause;
  }

  /** Extra fields ES puts next to type/reason (e.g. `index`, `resource.id`). */
  readonly extra: Record<string, unknown>;

  /** The error as ES serializes it: `{ error: { root_cause, type, reason, ... }, status }`. */
  toJSON(): SearchErrorBody {
    return {
      error: { root_cause: this.rootCause, type: this.type, reason: this.reason, ...this.extra },
      status: this.status,
    };
  }

  /** The `{ type, reason }` object a bulk item reports. */
  toCause(): SearchErrorCause {
    return { type: this.type, reason: this.reason, ...this.extra };
  }
}

/** A malformed or unsupported query clause (ES: 400 `parsing_exception`). */
export function parsingError(reason: string): SearchEngineError {
  return new SearchEngineError('parsing_exception', reason, 400);
}

/** A well-formed request with an invalid value (ES: 400 `illegal_argument_exception`). */
/** ES's refusal to aggregate or sort on a `text` field (no doc values). */
export function fielddataDisabled(path: string): SearchEngineError {
  return illegalArgument(
    `Text fields are not optimised for operations that require per-document field data like aggregations and sorting, so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true on [${path}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.`,
  );
}

export function illegalArgument(reason: string): SearchEngineError {
  return new SearchEngineError('illegal_argument_exception', reason, 400);
}

/** A body whose JSON structure is wrong (ES: 400 `x_content_parse_exception`). */
export function contentParseError(reason: string): SearchEngineError {
  return new SearchEngineError('x_content_parse_exception', reason, 400);
}

export function indexNotFound(index: string): SearchEngineError {
  return new SearchEngineError('index_not_found_exception', `no such index [${index}]`, 404, {
    extra: { 'resource.type': 'index_or_alias', 'resource.id': index, index_uuid: '_na_', index },
  });
}

/**
 * A failure found while executing a search (ES wraps shard failures: 400
 * `search_phase_execution_exception` "all shards failed", with the real cause as root cause).
 */
export function searchPhaseError(cause: SearchEngineError): SearchEngineError {
  return new SearchEngineError('search_phase_execution_exception', 'all shards failed', cause.status, {
    rootCause: cause.rootCause,
    extra: { phase: 'query', grouped: true, caused_by: cause.toCause() },
  });
}

/**
 * The engine could not be reached or did not answer in time (a cluster node refused the
 * connection, a socket reset, a request timed out, the request was aborted). Not a refusal: the
 * same request may succeed later, so retry logic keys on `code` (`ECONNREFUSED`, `ECONNRESET`,
 * `ETIMEDOUT`, `EPIPE`, `ENOTFOUND`, `ABORT_ERR`, ...). The message never contains credentials.
 */
export class SearchConnectionError extends Error {
  override readonly name = 'SearchConnectionError';

  constructor(
    message: string,
    /** A Node-style error code; `ECONNECTION` when the transport gave none. */
    readonly code: string,
  ) {
    super(message);
  }
}
