/**
 * A cursor over a whole result set built only from `search`: pages in the requested sort order
 * with `_id` appended as tiebreaker, each page resumed with `search_after` from the previous page's
 * last hit. Used to read an index as a stream; stops after a short page.
 */
import { illegalArgument } from '../../search-engine-error.js';
import type { ScanOptions, ScanPage, SearchRequest, SearchResponse } from '../../search-request.js';

export async function* scanPages(
  search: (body: SearchRequest) => Promise<SearchResponse>,
  options: ScanOptions,
): AsyncIterable<ScanPage> {
  const pageSize = options.pageSize ?? 1000;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 10_000)
    throw illegalArgument(`scan pageSize must be 1..10000, got ${pageSize}`);
  const given = options.sort === undefined ? [] : Array.isArray(options.sort) ? options.sort : [options.sort];
  const sort = [...given, { _id: 'asc' }];
  let after = options.searchAfter;
  for (;;) {
    const body: SearchRequest = {
      ...(options.query === undefined ? {} : { query: options.query }),
      sort,
      size: pageSize,
      track_total_hits: false,
      ...(after === undefined ? {} : { search_after: after }),
    };
    const response = await search(body);
    const hits = response.hits.hits;
    const last = hits[hits.length - 1];
    after = last?.sort;
    if (hits.length > 0) yield { hits, searchAfter: after };
    if (hits.length < pageSize) return;
  }
}
