import { z } from 'zod';

/**
 * Settings of one HTTP ingest stream. The HTTP side (port, bearer token, body-size limit) belongs
 * to the server that `sluice run --serve` starts, so it is configured once on the command line;
 * what is per stream is its name and how much it may hold before clients are told to back off.
 */

/** Like an index name: letters, digits, `.`, `_` and `-`, not starting with `_` or `.` (those are API paths). */
export const ingestStreamNameSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9-][A-Za-z0-9._-]{0,254}$/,
    'a stream name is 1-255 letters, digits, ".", "_" or "-", not starting with "_" or "."',
  );

export const httpIngestSourceSchema = z
  .object({
    /** The `<stream>` of `POST /ingest/<stream>`. */
    stream: ingestStreamNameSchema,
    /**
     * Records accepted over HTTP but not yet taken by the job. While this many wait, a POST is
     * answered 429 with Retry-After instead of being buffered: the bound on the source's memory
     * (plus at most one request body per request in flight).
     */
    maxBufferedRecords: z.number().int().positive().default(10_000),
    /** The Retry-After a 429 carries, in whole seconds (HTTP's unit). */
    retryAfterSeconds: z.number().int().positive().default(1),
  })
  .strict();

export type HttpIngestSourceConfig = z.infer<typeof httpIngestSourceSchema>;
/** Options of `httpIngestSource(stream, options)`: everything but the stream name. */
export type HttpIngestSourceOptions = Omit<z.input<typeof httpIngestSourceSchema>, 'stream'>;
