import type { Context } from 'hono';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { SearchEngine } from '../search/search-engine.js';
import { contentParseError, SearchEngineError } from '../search/search-engine-error.js';
import type { CountRequest, SearchRequest } from '../search/search-request.js';

export interface SearchApiOptions {
  /** Largest request body accepted (Elasticsearch's http.max_content_length); default 10 MiB. */
  readonly maxBodyBytes?: number;
  /** Where unexpected errors are reported (the answer is a 500 either way). */
  readonly log?: (line: string) => void;
}

const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

type Json = Record<string, unknown>;

function errorBody(type: string, reason: string, status: number): { error: Json; status: number } {
  return { error: { root_cause: [{ type, reason }], type, reason }, status };
}

/** Sends JSON like Elasticsearch does, indented when `?pretty` is set. */
function reply(c: Context, body: unknown, status = 200): Response {
  const pretty = c.req.query('pretty') !== undefined;
  return new Response(`${JSON.stringify(body, null, pretty ? 2 : undefined)}\n`, {
    status,
    headers: { 'content-type': 'application/json; charset=UTF-8' },
  });
}

async function readJson(c: Context): Promise<Json | undefined> {
  const text = await c.req.text();
  if (text.trim().length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw contentParseError(`request body is not valid JSON: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw contentParseError('request body must be a JSON object');
  return parsed as Json;
}

function intParam(c: Context, name: string): number | undefined {
  const v = c.req.query(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new SearchEngineError(
      'illegal_argument_exception',
      `[${name}] must be a non-negative integer, got [${v}]`,
      400,
    );
  return n;
}

/** URL parameters of `_search`/`_count` (`q`, `size`, `from`, `sort`) folded into the body, as Elasticsearch does. */
function withUrlParams(c: Context, body: Json | undefined): Json {
  const merged: Json = { ...body };
  const q = c.req.query('q');
  if (q !== undefined) merged.query = { query_string: { query: q } };
  const size = intParam(c, 'size');
  if (size !== undefined) merged.size = size;
  const from = intParam(c, 'from');
  if (from !== undefined) merged.from = from;
  const sort = c.req.query('sort');
  if (sort !== undefined) {
    merged.sort = sort.split(',').map((s) => {
      const [field, order] = s.split(':');
      return order === undefined ? field : { [field as string]: { order } };
    });
  }
  return merged;
}

/**
 * The Elasticsearch-compatible HTTP API over any SearchEngine: `GET|POST /<index>/_search`,
 * `GET|POST /<index>/_count`, `GET /<index>/_doc/<id>`, `GET /<index>/_mapping`, `GET /_cat/indices`
 * and `GET /`. Answers and errors have Elasticsearch's JSON shapes, so `curl` examples and clients
 * written for Elasticsearch work unchanged. Bad requests get 4xx answers; nothing a client sends
 * can crash the server.
 */
export function createSearchApi(engine: SearchEngine, options: SearchApiOptions = {}): Hono {
  const app = new Hono();
  const maxBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;

  app.use(
    '*',
    bodyLimit({
      maxSize: maxBytes,
      onError: (c) =>
        reply(
          c,
          errorBody(
            'content_too_long_exception',
            `request body is larger than ${maxBytes} bytes (http.max_content_length)`,
            413,
          ),
          413,
        ),
    }),
  );

  app.onError((e, c) => {
    if (e instanceof SearchEngineError) return reply(c, e.toJSON(), e.status);
    options.log?.(`search API: ${c.req.method} ${c.req.path} failed: ${e.stack ?? e.message}`);
    return reply(c, errorBody('exception', e.message, 500), 500);
  });

  app.notFound((c) =>
    reply(
      c,
      { error: `no handler found for uri [${c.req.path}] and method [${c.req.method}]`, status: 400 },
      400,
    ),
  );

  app.get('/', (c) =>
    reply(c, {
      name: 'sluice',
      cluster_name: 'sluice-embedded',
      version: { number: '7.10.2', distribution: 'sluice', build_flavor: 'embedded', lucene_version: 'none' },
      tagline: 'Stream processing into search',
    }),
  );

  const listIndices = async (c: Context, pattern?: string) => {
    const indices = await engine.listIndices(pattern);
    if (c.req.query('format') === 'json') return reply(c, indices);
    const rows = indices.map((i) =>
      [i.health, i.status, i.index, i['docs.count'], i['store.size']].map(String),
    );
    const header = ['health', 'status', 'index', 'docs.count', 'store.size'];
    const all = c.req.query('v') !== undefined ? [header, ...rows] : rows;
    const widths = header.map((_, col) => Math.max(...all.map((r) => (r[col] ?? '').length), 0));
    const text = all
      .map((r) =>
        r
          .map((cell, col) => cell.padEnd(widths[col] ?? 0))
          .join(' ')
          .trimEnd(),
      )
      .join('\n');
    return c.text(text.length > 0 ? `${text}\n` : '');
  };
  app.get('/_cat/indices', (c) => listIndices(c));
  app.get('/_cat/indices/:pattern', (c) => listIndices(c, c.req.param('pattern')));

  const search = async (c: Context, pattern: string) => {
    const body = withUrlParams(c, await readJson(c));
    // ES's `?timeout=` (search/embedded/search/deadline.ts documents the default).
    const timeout = c.req.query('timeout');
    if (timeout !== undefined) body.timeout = timeout;
    return reply(c, await engine.search(pattern, body as SearchRequest));
  };
  const count = async (c: Context, pattern: string) => {
    const body = withUrlParams(c, await readJson(c));
    delete body.size;
    delete body.from;
    delete body.sort;
    return reply(c, await engine.count(pattern, body as CountRequest));
  };
  app.on(['GET', 'POST'], '/_search', (c) => search(c, '_all'));
  app.on(['GET', 'POST'], '/:index/_search', (c) => search(c, c.req.param('index')));
  app.on(['GET', 'POST'], '/_count', (c) => count(c, '_all'));
  app.on(['GET', 'POST'], '/:index/_count', (c) => count(c, c.req.param('index')));

  app.get('/:index/_doc/:id', async (c) => {
    const doc = await engine.get(c.req.param('index'), c.req.param('id'));
    return reply(c, doc, doc.found ? 200 : 404);
  });
  app.get('/:index/_mapping', async (c) => reply(c, await engine.getMapping(c.req.param('index'))));

  return app;
}
