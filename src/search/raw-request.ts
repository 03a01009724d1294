/**
 * An engine that can pass an Elasticsearch REST request through as it is (the cluster adapter):
 * what `sluice run --serve` uses to proxy a cluster's read API on localhost, so every parameter a
 * client knows (`filter_path`, `_msearch`, `?v&s=`) works, with the configured credentials added
 * by the engine rather than given to the client.
 */
import type { SearchEngine } from './search-engine.js';

export interface RawRequest {
  readonly method: 'GET' | 'HEAD' | 'POST';
  /** The path as received, e.g. `/weblogs-*\/_search`. */
  readonly path: string;
  /** The query string without `?`. */
  readonly querystring: string;
  readonly body: string | undefined;
  readonly contentType: string | undefined;
}

export interface RawAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

export interface RawRequestEngine extends SearchEngine {
  /** Sends the request to the cluster and answers whatever it answered (errors included). */
  forward(request: RawRequest): Promise<RawAnswer>;
}

export function canForward(engine: SearchEngine): engine is RawRequestEngine {
  return typeof (engine as Partial<RawRequestEngine>).forward === 'function';
}
