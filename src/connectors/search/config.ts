import { z } from 'zod';

/** Which engine: the connection settings (shared by every stream written to it). */
export const searchConnectionSchema = z
  .object({
    /** `embedded:<dir>` or a directory for the embedded engine; `http(s)://host:port` for a cluster. Default: the job's `search.url` setting (the CLI's --url), else $SLUICE_URL, else embedded:.data. */
    url: z.string().min(1).optional(),
  })
  .strict();

/** A JSON object; from flags and SQL `WITH (...)`, where every value is text, its JSON text. */
const jsonObject = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  },
  z.record(z.string(), z.unknown()),
);

/** What to write and how to batch it: the per-stream settings. */
export const searchSinkStreamSchema = z
  .object({
    /** Index name or pattern: `weblogs-{yyyy.MM.dd}` (event time), `{service}-events` (a field). With `dataStream`, the data stream's name. */
    index: z.string().min(1),
    /** Field (dot path) holding the document id, or `record` for the record's identity (origin + position); deterministic ids make replays idempotent. */
    id: z.string().min(1).optional(),
    /** `index` (create or replace), `create` (never overwrite), `update` (merge into an existing doc), `upsert` (merge or create), `delete`. */
    op: z.enum(['index', 'create', 'update', 'upsert', 'delete']).default('index'),
    /** Field (dot path) whose value routes the document to a shard. */
    routingField: z.string().min(1).optional(),
    /** External versioning (op index or delete): a write whose version is not newer than the stored one is skipped, so a replay never overwrites newer data. */
    versionType: z.enum(['external', 'external_gte']).optional(),
    /** Field (dot path, a non-negative integer) holding the external version; without it, the record's event time (epoch ms). */
    versionField: z.string().min(1).optional(),
    /** With external versions: what a write older than the stored document does (`ignore`: skipped and counted as staleSkipped). */
    versionConflicts: z.enum(['ignore', 'deadLetter', 'fail']).default('ignore'),
    /** For update/upsert: how often the engine itself retries an update that raced another writer. */
    retryOnConflict: z.number().int().nonnegative().optional(),
    /** Write into a data stream: op create, `@timestamp` from event time when the record has none; the target must be a data stream, or a template with data_stream must match it (`template.dataStream`), else the job fails. A target detected as a data stream gets op create without this. */
    dataStream: z.boolean().default(false),
    /** Mappings for the indices the sink creates (before its first write to each). */
    mappings: jsonObject.optional(),
    /** Index settings for the indices the sink creates (`number_of_shards`, `refresh_interval`, ...). */
    settings: jsonObject.optional(),
    /** Store mappings/settings as a composable index template (`PUT _index_template/<name>`) covering `indexPatterns` (default: the index pattern with its placeholders as `*`), before the first write; `dataStream: true` makes it a data stream template. */
    template: z
      .object({
        /** Default `sluice-<first pattern without wildcards>`. */
        name: z.string().min(1).optional(),
        indexPatterns: z.array(z.string().min(1)).min(1).optional(),
        /** Of the templates matching a new index, the highest priority applies alone (default 0). */
        priority: z.number().int().nonnegative().optional(),
        /** A data stream template: the first write to a matching name creates a data stream (implies the sink's dataStream). */
        dataStream: z.boolean().optional(),
      })
      .strict()
      .optional(),
    /** Flush when this many actions are buffered. */
    maxActions: z.number().int().positive().default(1000),
    /** A request never carries more than this many bytes of NDJSON (one larger action goes alone). */
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(5 * 1024 * 1024),
    /** Flush at least this often while records arrive: the bound on how long a document waits to become searchable. */
    flushIntervalMs: z.number().int().positive().default(500),
    /** Bulk requests in flight at most; backpressure lowers the number in use, clean answers raise it back. */
    maxInFlightRequests: z.number().int().positive().default(4),
    /** The job's input waits while this many actions wait to be sent (default 2 x maxActions). */
    maxBufferedActions: z.number().int().positive().optional(),
    /** ... or while this many bytes of NDJSON do (default 2 x maxBytes). */
    maxBufferedBytes: z.number().int().positive().optional(),
    /** Retries of an action answered with a retryable error (500s, update conflicts) before it is dead-lettered. Backpressure (429/503, unreachable) is waited out without limit and spends none. */
    retryBudget: z.number().int().nonnegative().optional(),
    /** Former name of retryBudget (kept working). */
    maxRetries: z.number().int().nonnegative().optional(),
    /** Backoff with full jitter: attempt n waits up to min(backoffMaxMs, backoffInitialMs * 2^(n-1)). */
    backoffInitialMs: z.number().int().positive().optional(),
    backoffMaxMs: z.number().int().positive().optional(),
    /** Former names of backoffInitialMs / backoffMaxMs (kept working). */
    initialBackoffMs: z.number().int().positive().optional(),
    maxBackoffMs: z.number().int().positive().optional(),
    /** Where documents the engine rejects for good (mapping errors, invalid documents) go, with the error. */
    deadLetterIndex: z.string().min(1).default('sluice-dead-letters'),
  })
  .strict();

export const searchSinkSchema = searchConnectionSchema.extend(searchSinkStreamSchema.shape);
export type SearchSinkConfig = z.infer<typeof searchSinkSchema>;
export type SearchSinkOptions = z.input<typeof searchSinkSchema>;
export type SearchOp = SearchSinkConfig['op'];

/** The settings with every default and former name resolved. */
export interface ResolvedSinkLimits {
  readonly maxBufferedActions: number;
  readonly maxBufferedBytes: number;
  readonly retryBudget: number;
  readonly backoffInitialMs: number;
  readonly backoffMaxMs: number;
}

export function resolveSinkLimits(config: SearchSinkConfig): ResolvedSinkLimits {
  return {
    maxBufferedActions: config.maxBufferedActions ?? 2 * config.maxActions,
    maxBufferedBytes: config.maxBufferedBytes ?? 2 * config.maxBytes,
    retryBudget: config.retryBudget ?? config.maxRetries ?? 8,
    backoffInitialMs: config.backoffInitialMs ?? config.initialBackoffMs ?? 100,
    backoffMaxMs: config.backoffMaxMs ?? config.maxBackoffMs ?? 10_000,
  };
}
