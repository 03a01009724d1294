import { z } from 'zod';
import { defaultEngineUrl } from '../../search/open-search-engine.js';

/** Which engine: the connection settings (shared by every stream written to it). */
export const searchConnectionSchema = z
  .object({
    /** `embedded:<dir>` or a directory for the embedded engine; `http(s)://host:port` for a cluster. Default: $SLUICE_URL, else embedded:.data. */
    url: z.string().min(1).default(defaultEngineUrl),
  })
  .strict();

/** What to write and how to batch it: the per-stream settings. */
export const searchSinkStreamSchema = z
  .object({
    /** Index name or pattern: `weblogs-{yyyy.MM.dd}` (event time), `{service}-events` (a field). */
    index: z.string().min(1),
    /** Field (dot path) holding the document id; deterministic ids make replays idempotent. */
    id: z.string().min(1).optional(),
    /** `index` (create or replace), `create` (never overwrite), `update` (merge into an existing doc), `upsert` (merge or create), `delete`. */
    op: z.enum(['index', 'create', 'update', 'upsert', 'delete']).default('index'),
    /** Flush when this many actions are buffered. */
    maxActions: z.number().int().positive().default(1000),
    /** Flush when the buffered documents reach about this many bytes of JSON. */
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(5 * 1024 * 1024),
    /** Flush at least this often while records arrive: the bound on how long a document waits to become searchable. */
    flushIntervalMs: z.number().int().positive().default(500),
    /** Retries of transient failures (429, 5xx, conflicts on update) before the job fails. */
    maxRetries: z.number().int().nonnegative().default(8),
    initialBackoffMs: z.number().int().positive().default(100),
    maxBackoffMs: z.number().int().positive().default(10_000),
    /** Where documents the engine rejects for good (mapping errors, invalid documents) go, with the error. */
    deadLetterIndex: z.string().min(1).default('sluice-dead-letters'),
  })
  .strict();

export const searchSinkSchema = searchConnectionSchema.extend(searchSinkStreamSchema.shape);
export type SearchSinkConfig = z.infer<typeof searchSinkSchema>;
export type SearchSinkOptions = z.input<typeof searchSinkSchema>;
export type SearchOp = SearchSinkConfig['op'];
