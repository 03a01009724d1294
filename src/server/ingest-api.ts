import type { Context } from 'hono';
import { Hono } from 'hono';
import {
  IngestAbandonedError,
  IngestBodyParser,
  type IngestEntry,
  type IngestHub,
  type IngestWait,
  ingestStreamNameSchema,
  isRejected,
} from '../connectors/http-ingest/index.js';
import { DEFAULT_MAX_LINE_BYTES } from '../connectors/text/line-splitter.js';
import { bearerTokenMatches } from './bearer-token.js';

/**
 * `POST /ingest/<stream>`: records into a running job's `httpIngestSource('<stream>')`
 * (docs/http-ingest.md). The body (NDJSON or a JSON array, ingest-body.ts) is read as a stream and
 * parsed as it arrives, never past `maxBodyBytes`. Answers:
 * - 200 `{ stream, accepted, rejected, positions: { first, last }, wait, errors: [...] }` once the
 *   records went through the whole job (`?wait=written`: and the sinks flushed them). Rejected
 *   items (bad JSON, too long) are listed with their line (NDJSON) or index (array) and reason,
 *   at most `maxReportedErrors`, and go to the job's dead-letter output.
 * - 401 without the bearer token (when one is set), 404 for a stream no running job reads (the
 *   answer names those that are), 413 past the size limit, 415 for a compressed body, 429 with
 *   Retry-After while the stream's buffer is full (nothing of the request was taken), 503 when the
 *   job stopped first (the answer says whether the records went through it).
 */
export interface IngestApiOptions {
  readonly hub: IngestHub;
  /** Clients must send `Authorization: Bearer <token>`; undefined: no authentication. */
  readonly token?: string;
  /** Largest request body; default 10 MiB. */
  readonly maxBodyBytes?: number;
  /** Largest single record (an NDJSON line, an array element); default 1 MiB. */
  readonly maxRecordBytes?: number;
  /** Rejected items listed one by one in an answer; default 100 (all are counted). */
  readonly maxReportedErrors?: number;
  /** Where unexpected errors are reported (the answer is a 500 either way). */
  readonly log?: (line: string) => void;
}

export const DEFAULT_INGEST_MAX_BODY_BYTES = 10 * 1024 * 1024;
const DEFAULT_MAX_REPORTED_ERRORS = 100;

/** Whether a request is for the ingest API (POST /ingest/<stream>); `/ingest/_search` stays an index's. */
export function isIngestRequest(method: string, pathname: string): boolean {
  return method === 'POST' && /^\/ingest\/[^/_.][^/]*$/.test(pathname);
}

function failure(c: Context, status: number, type: string, reason: string, extra: object = {}): Response {
  return c.json({ error: { type, reason }, status, ...extra }, status as 400);
}

class BodyTooLarge extends Error {}

export function createIngestApi(options: IngestApiOptions): Hono {
  const app = new Hono();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_INGEST_MAX_BODY_BYTES;
  const maxRecordBytes = Math.min(options.maxRecordBytes ?? DEFAULT_MAX_LINE_BYTES, maxBodyBytes);
  const maxErrors = options.maxReportedErrors ?? DEFAULT_MAX_REPORTED_ERRORS;
  const tooLarge = (c: Context) =>
    failure(c, 413, 'content_too_long', `request body is larger than ${maxBodyBytes} bytes`);

  app.onError((e, c) => {
    options.log?.(`ingest API: ${c.req.method} ${c.req.path} failed: ${e.stack ?? e.message}`);
    return failure(c, 500, 'exception', e.message);
  });

  app.post('/ingest/:stream{[^/]+}', async (c) => {
    if (options.token !== undefined && !bearerTokenMatches(c.req.header('authorization'), options.token)) {
      c.header('WWW-Authenticate', 'Bearer realm="sluice ingest"');
      return failure(c, 401, 'unauthorized', 'send the ingest token as "Authorization: Bearer <token>"');
    }
    const name = c.req.param('stream');
    const endpoint = ingestStreamNameSchema.safeParse(name).success ? options.hub.endpoint(name) : undefined;
    if (endpoint === undefined) {
      const streams = options.hub.streams();
      const known = streams.length > 0 ? streams.join(', ') : 'none';
      return failure(
        c,
        404,
        'stream_not_found',
        `no running job reads the ingest stream "${name}" (streams read now: ${known})`,
        { streams },
      );
    }
    const wait = c.req.query('wait') ?? 'processed';
    if (wait !== 'processed' && wait !== 'written')
      return failure(c, 400, 'illegal_argument', `wait must be "processed" or "written", got "${wait}"`);
    const encoding = c.req.header('content-encoding');
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity')
      return failure(
        c,
        415,
        'unsupported_encoding',
        `Content-Encoding ${encoding} is not supported: send the body uncompressed`,
      );
    if (Number(c.req.header('content-length') ?? 0) > maxBodyBytes) return tooLarge(c);
    const backOff = () => {
      c.header('Retry-After', String(endpoint.retryAfterSeconds));
      return failure(
        c,
        429,
        'too_many_requests',
        `the job reading "${name}" is behind (its buffer is full): nothing of this request was taken, send it again after ${endpoint.retryAfterSeconds} s`,
      );
    };
    // Refused before reading the body: a backed-up job costs a client one round trip, not an upload.
    if (!endpoint.hasRoom()) return backOff();

    const entries: IngestEntry[] = [];
    const parser = new IngestBodyParser(
      {
        record: (value, at) => entries.push({ at, value }),
        reject: (at, reason, raw) => entries.push({ at, reason, raw }),
      },
      maxRecordBytes,
      c.req.header('content-type'),
    );
    try {
      await readBody(c.req.raw, maxBodyBytes, (chunk) => parser.push(chunk));
    } catch (e) {
      if (e instanceof BodyTooLarge) return tooLarge(c);
      return failure(
        c,
        400,
        'body_unreadable',
        `the request body could not be read: ${(e as Error).message}`,
      );
    }
    parser.finish();

    const rejected: Array<{ ordinal: number; at: number; reason: string }> = [];
    entries.forEach((e, ordinal) => {
      if (isRejected(e)) rejected.push({ ordinal, at: e.at, reason: e.reason });
    });
    const where = parser.format === 'json-array' ? 'index' : 'line';
    const answer = (firstPosition: number | undefined) => ({
      stream: name,
      accepted: entries.length - rejected.length,
      rejected: rejected.length,
      ...(firstPosition === undefined || entries.length === 0
        ? {}
        : { positions: { first: firstPosition, last: firstPosition + entries.length - 1 } }),
      wait,
      errors: rejected.slice(0, maxErrors).map((e) => ({
        [where]: e.at,
        ...(firstPosition === undefined ? {} : { position: firstPosition + e.ordinal }),
        reason: e.reason,
      })),
      ...(rejected.length > maxErrors ? { errorsOmitted: rejected.length - maxErrors } : {}),
    });
    if (entries.length === 0) return c.json(answer(undefined));

    const ticket = endpoint.submit(entries, wait as IngestWait);
    if (ticket === 'full') return backOff();
    if (ticket === 'stopped')
      return failure(
        c,
        503,
        'job_stopped',
        `the job reading "${name}" is stopping: nothing of this request was taken`,
      );
    try {
      await ticket.done;
    } catch (e) {
      if (!(e instanceof IngestAbandonedError)) throw e;
      const { positions } = answer(ticket.firstPosition);
      return failure(c, 503, 'job_stopped', e.message, { stream: name, processed: e.processed, positions });
    }
    return c.json(answer(ticket.firstPosition));
  });

  return app;
}

/** Feeds the body to `onChunk` as it arrives; throws BodyTooLarge (and stops reading) past `maxBytes`. */
async function readBody(
  request: Request,
  maxBytes: number,
  onChunk: (chunk: Uint8Array) => void,
): Promise<void> {
  if (request.body === null) return;
  const reader = request.body.getReader();
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
      if (total > maxBytes) throw new BodyTooLarge();
      onChunk(value);
    }
  } catch (e) {
    await reader.cancel().catch(() => {});
    throw e;
  } finally {
    reader.releaseLock();
  }
}
