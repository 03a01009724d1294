/**
 * `scan` on a cluster: every hit of a query, page by page, in the requested sort order plus a
 * tiebreaker (distribution.ts: `_id`, or `_shard_doc` on ES 8+), on a consistent view of the
 * index where the cluster has one:
 * - point in time + `search_after` (ES 7.10+ default distribution, ES 8/9: `_pit`; OpenSearch
 *   2.4+: `_search/point_in_time`); the point in time is closed when the scan ends or is abandoned;
 * - otherwise a scroll, or plain `search_after` when resuming (a scroll cannot start mid-way).
 * A page's `searchAfter` is the sort tuple of its last hit: with the `_id` tiebreaker it resumes a
 * later scan exactly, with or without a new point in time; `_shard_doc` values are only exact
 * within the point in time they came from (a resumed ES 8+ scan may repeat or skip documents
 * written in between; a source that needs exact resumption sorts on a field of its own first).
 */
import { illegalArgument } from '../search-engine-error.js';
import type { ScanOptions, ScanPage, SearchRequest, SearchResponse } from '../search-request.js';
import type { Distribution } from './distribution.js';
import { shapeSearchResponse } from './response-shape.js';

const KEEP_ALIVE = '2m';

export interface ScanRequests {
  /** `POST <path>` with a JSON body (or none), answering the parsed body. */
  post(path: string, body: unknown, querystring?: Record<string, string>): Promise<unknown>;
  delete(path: string, body: unknown): Promise<void>;
  /** Whether the scanned pattern names no index at all (a wildcard that matches nothing). */
  matchesNothing(): Promise<boolean>;
}

export async function* scanCluster(
  requests: ScanRequests,
  distribution: Distribution,
  indexPath: string,
  options: ScanOptions,
): AsyncIterable<ScanPage> {
  const pageSize = options.pageSize ?? 1000;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000)
    throw illegalArgument(`scan pageSize must be 1..10000, got ${pageSize}`);
  const given = options.sort === undefined ? [] : Array.isArray(options.sort) ? options.sort : [options.sort];
  const base: SearchRequest = {
    ...(options.query === undefined ? {} : { query: options.query }),
    // unmapped_type: an index without any mapping yet has no `_id` to sort on (ES 7, OpenSearch).
    sort: [
      ...given,
      {
        [distribution.scanTiebreaker]: {
          order: 'asc',
          ...(distribution.scanTiebreaker === '_id' ? { unmapped_type: 'keyword' } : {}),
        },
      },
    ],
    size: pageSize,
  };
  const pages =
    distribution.pointInTime !== undefined
      ? pointInTimePages(requests, distribution.pointInTime, indexPath, base, options.searchAfter)
      : options.searchAfter !== undefined
        ? searchAfterPages(requests, indexPath, base, options.searchAfter)
        : scrollPages(requests, indexPath, base);
  for await (const response of pages) {
    const hits = shapeSearchResponse(response).hits.hits;
    if (hits.length > 0) yield { hits, searchAfter: hits[hits.length - 1]?.sort };
    if (hits.length < pageSize) return;
  }
}

async function* pointInTimePages(
  requests: ScanRequests,
  flavour: 'elasticsearch' | 'opensearch',
  indexPath: string,
  base: SearchRequest,
  searchAfter: readonly unknown[] | undefined,
): AsyncIterable<SearchResponse> {
  let opened: { id?: string; pit_id?: string };
  try {
    opened = (await requests.post(
      flavour === 'elasticsearch' ? `${indexPath}/_pit` : `${indexPath}/_search/point_in_time`,
      undefined,
      { keep_alive: KEEP_ALIVE },
    )) as { id?: string; pit_id?: string };
  } catch (e) {
    // OpenSearch 2/3 cannot open a point in time on a wildcard that matches nothing ("invalid id:
    // [null]"); like a search, such a scan is empty.
    if (await requests.matchesNothing().catch(() => false)) return;
    throw e;
  }
  let id = (flavour === 'elasticsearch' ? opened.id : opened.pit_id) as string;
  let after = searchAfter;
  try {
    for (;;) {
      const response = (await requests.post('/_search', {
        ...base,
        track_total_hits: false,
        pit: { id, keep_alive: KEEP_ALIVE },
        ...(after === undefined ? {} : { search_after: after }),
      })) as SearchResponse & { pit_id?: string };
      if (typeof response.pit_id === 'string') id = response.pit_id;
      after = response.hits.hits[response.hits.hits.length - 1]?.sort;
      yield response;
    }
  } finally {
    await (flavour === 'elasticsearch'
      ? requests.delete('/_pit', { id })
      : requests.delete('/_search/point_in_time', { pit_id: [id] })
    ).catch(() => undefined); // it expires after KEEP_ALIVE anyway
  }
}

async function* searchAfterPages(
  requests: ScanRequests,
  indexPath: string,
  base: SearchRequest,
  searchAfter: readonly unknown[],
): AsyncIterable<SearchResponse> {
  let after: readonly unknown[] | undefined = searchAfter;
  for (;;) {
    const response = (await requests.post(`${indexPath}/_search`, {
      ...base,
      track_total_hits: false,
      ...(after === undefined ? {} : { search_after: after }),
    })) as SearchResponse;
    after = response.hits.hits[response.hits.hits.length - 1]?.sort;
    yield response;
  }
}

async function* scrollPages(
  requests: ScanRequests,
  indexPath: string,
  base: SearchRequest,
): AsyncIterable<SearchResponse> {
  let response = (await requests.post(`${indexPath}/_search`, base, {
    scroll: KEEP_ALIVE,
  })) as SearchResponse & {
    _scroll_id?: string;
  };
  let scrollId = response._scroll_id;
  try {
    for (;;) {
      yield response;
      if (scrollId === undefined) return;
      response = (await requests.post('/_search/scroll', {
        scroll: KEEP_ALIVE,
        scroll_id: scrollId,
      })) as typeof response;
      scrollId = response._scroll_id ?? scrollId;
    }
  } finally {
    if (scrollId !== undefined)
      await requests.delete('/_search/scroll', { scroll_id: [scrollId] }).catch(() => undefined);
  }
}
