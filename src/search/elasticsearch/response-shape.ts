/**
 * Cluster answers in the contract's shape. Elasticsearch 7 still names the mapping type (`_type:
 * "_doc"`) in hits, documents and bulk items; the contract (and the embedded engine) have no
 * types, so it is dropped. Error types inside answers (bulk items, shard failures) get
 * Elasticsearch's spelling (cluster-errors.ts).
 */
import type { BulkResponse } from '../bulk.js';
import type { SearchErrorCause } from '../search-engine-error.js';
import type { GetResponse, MgetResponse, SearchResponse } from '../search-request.js';
import { normalizeCause } from './cluster-errors.js';

type Json = Record<string, unknown>;

function withoutType<T>(value: T): T {
  if (value === null || typeof value !== 'object' || !('_type' in value)) return value;
  const { _type, ...rest } = value as Json;
  return rest as T;
}

/** Drops `_type` from hits here and in every `top_hits` result below `aggregations`. */
export function shapeSearchResponse(response: SearchResponse): SearchResponse {
  const hits = response.hits;
  const shaped: Json = { ...response };
  if (hits !== undefined) shaped.hits = { ...hits, hits: hits.hits.map(withoutType) };
  if (response.aggregations !== undefined) shaped.aggregations = shapeAggregations(response.aggregations);
  if (Array.isArray((response._shards as { failures?: unknown[] } | undefined)?.failures)) {
    const shards = response._shards as unknown as Json & { failures: unknown[] };
    shaped._shards = { ...shards, failures: shards.failures.map(normalizeFailure) };
  }
  return shaped as unknown as SearchResponse;
}

function normalizeFailure(failure: unknown): unknown {
  if (failure === null || typeof failure !== 'object') return failure;
  const f = failure as Json;
  return { ...f, reason: normalizeCause(f.reason) };
}

function shapeAggregations(value: unknown): Record<string, unknown> {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [key, child] of Object.entries(node as Json)) {
      if (
        key === 'hits' &&
        child !== null &&
        typeof child === 'object' &&
        Array.isArray((child as Json).hits)
      ) {
        const h = child as Json & { hits: unknown[] };
        out.hits = { ...h, hits: h.hits.map(withoutType) };
      } else {
        out[key] = walk(child);
      }
    }
    return out;
  };
  return walk(value) as Record<string, unknown>;
}

export function shapeGetResponse(response: GetResponse): GetResponse {
  return withoutType(response);
}

export function shapeMgetResponse(response: MgetResponse): MgetResponse {
  return { ...response, docs: response.docs.map(withoutType) };
}

export function shapeBulkResponse(response: BulkResponse): BulkResponse {
  return {
    ...response,
    items: response.items.map((item) => {
      const out: Json = {};
      for (const [op, result] of Object.entries(item)) {
        const r = withoutType(result as unknown as Json);
        out[op] = r.error === undefined ? r : { ...r, error: normalizeCause(r.error) as SearchErrorCause };
      }
      return out;
    }),
  };
}
