/**
 * The search API of `sluice run --serve` when the engine is a cluster: read requests are passed
 * to the cluster as they are (through the engine, which adds the configured credentials and TLS),
 * so the README's queries and any Elasticsearch client work against localhost the same way on
 * both engines. Only reads are forwarded: the localhost port carries the pipeline's credentials,
 * so it must not let any local process write or delete with them.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { RawRequestEngine } from '../search/raw-request.js';
import { SearchConnectionError } from '../search/search-engine-error.js';

export interface ClusterProxyOptions {
  readonly maxBodyBytes?: number;
  readonly log?: (line: string) => void;
}

/** The read endpoints forwarded, by method (paths as Elasticsearch spells them). */
const READ_PATH =
  /^\/(?:$|_cat(?:\/|$)|_cluster\/health|_search|_msearch|_count|_mget|_mapping|[^_/][^/]*\/(?:_search|_msearch|_count|_mget|_mapping|_doc\/[^/]+|_source\/[^/]+)$|[^_/][^/]*$)/;

function errorReply(type: string, reason: string, status: number): Response {
  return new Response(
    `${JSON.stringify({ error: { root_cause: [{ type, reason }], type, reason }, status })}\n`,
    {
      status,
      headers: { 'content-type': 'application/json; charset=UTF-8' },
    },
  );
}

export function createClusterProxy(engine: RawRequestEngine, options: ClusterProxyOptions = {}): Hono {
  const app = new Hono();
  const maxBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  app.use(
    '*',
    bodyLimit({
      maxSize: maxBytes,
      onError: () =>
        errorReply('content_too_long_exception', `request body is larger than ${maxBytes} bytes`, 413),
    }),
  );
  app.all('*', async (c) => {
    const url = new URL(c.req.url);
    const method = c.req.method;
    // GET /index (index info) is a read; PUT/DELETE on it are not forwarded.
    const read =
      ['GET', 'HEAD', 'POST'].includes(method) &&
      READ_PATH.test(url.pathname) &&
      // POST to an index or a document id is a write (index a document); only GET reads them.
      !(
        method === 'POST' &&
        (/^\/[^_/][^/]*$/.test(url.pathname) || /\/(?:_doc|_source)\//.test(url.pathname))
      );
    if (!read)
      return errorReply(
        'security_exception',
        `sluice's localhost proxy forwards only reads (search, count, get, mapping, _cat); ${method} ${url.pathname} is not forwarded`,
        405,
      );
    try {
      const text = await c.req.text();
      const answer = await engine.forward({
        method: method as 'GET' | 'HEAD' | 'POST',
        path: url.pathname,
        querystring: url.search.replace(/^\?/, ''),
        body: text.length === 0 ? undefined : text,
        contentType: c.req.header('content-type'),
      });
      return new Response(method === 'HEAD' ? null : answer.body, {
        status: answer.status,
        headers: { 'content-type': answer.contentType },
      });
    } catch (e) {
      if (e instanceof SearchConnectionError)
        return errorReply('connect_exception', `${e.message} (${e.code})`, 502);
      options.log?.(`cluster proxy: ${method} ${url.pathname} failed: ${(e as Error).message}`);
      return errorReply('exception', (e as Error).message, 500);
    }
  });
  return app;
}
