/**
 * The engine `sluice search` and `sluice indices` read from. For an embedded data directory, in
 * this order:
 * 1. no `search.db` there: a clear error naming the directory (nothing is created);
 * 2. a sluice serving that directory (`sluice demo`, `sluice run --serve`; server-discovery.ts):
 *    ask it over HTTP, which answers from the index it already holds in memory, instead of loading
 *    every document again in this process;
 * 3. otherwise read the directory in this process, read-only (search/embedded/embedded-reader.ts):
 *    nothing is written or created there, a job writing it meanwhile is not disturbed, `indices`
 *    answers from the stored rows and `search` builds only the indices it targets.
 * A cluster URL opens the cluster adapter.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SluiceError } from '../core/errors.js';
import type { IndexInfo } from '../search/index-admin.js';
import { openSearchEngine, parseEngineUrl } from '../search/open-search-engine.js';
import type { SearchRequest, SearchResponse } from '../search/search-request.js';
import { findRunningServer } from './server-discovery.js';

/** There is no sluice data where a command looked. */
export class NoDataError extends SluiceError {
  override readonly name = 'NoDataError';
}

/** An error the search API answered with (its Elasticsearch error body, reduced to a message). */
export class RemoteSearchError extends SluiceError {
  override readonly name = 'RemoteSearchError';
}

export interface ReadEngine {
  /** Where the answers come from, e.g. "the sluice serving /x/.data on http://127.0.0.1:9292". */
  readonly source: string;
  /** True when a running sluice answers over HTTP. */
  readonly remote: boolean;
  search(pattern: string, body: SearchRequest): Promise<SearchResponse>;
  listIndices(pattern?: string): Promise<IndexInfo[]>;
  close(): Promise<void>;
}

export async function openReadEngine(url: string): Promise<ReadEngine> {
  const location = parseEngineUrl(url);
  if (location.kind === 'embedded') {
    const dir = location.target;
    if (!existsSync(join(dir, 'search.db'))) {
      throw new NoDataError(
        `no sluice data in ${dir}: nothing has been indexed there. Run a job (sluice run, sluice demo) first, or name the data directory with --url embedded:<dir> or $SLUICE_URL`,
      );
    }
    const server = await findRunningServer(dir);
    if (server !== undefined) return httpReadEngine(server, `the sluice serving ${dir} on ${server}`);
    // Imported here, so that a command on a cluster never loads SQLite.
    const { EmbeddedReader } = await import('../search/embedded/embedded-reader.js');
    const reader = EmbeddedReader.open({ dataDir: dir });
    return {
      source: dir,
      remote: false,
      search: (pattern, body) => reader.search(pattern, body),
      listIndices: (pattern) => reader.listIndices(pattern),
      close: () => reader.close(),
    };
  }
  const shared = await openSearchEngine(url);
  return {
    source: location.target,
    remote: false,
    search: (pattern, body) => shared.engine.search(pattern, body),
    listIndices: (pattern) => shared.engine.listIndices(pattern),
    close: () => shared.release(),
  };
}

function httpReadEngine(base: string, source: string): ReadEngine {
  const call = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const response = await fetch(`${base}${path}`, init);
    const body = (await response.json()) as T & { error?: { type?: string; reason?: string } | string };
    if (!response.ok) {
      // The same words as the engine's own error in this process: "type: reason".
      const error = body.error;
      const message =
        typeof error === 'string'
          ? error
          : error?.reason === undefined
            ? undefined
            : `${error.type === undefined ? '' : `${error.type}: `}${error.reason}`;
      throw new RemoteSearchError(message ?? `${source} answered HTTP ${response.status}`);
    }
    return body;
  };
  return {
    source,
    remote: true,
    search: (pattern, body) =>
      call<SearchResponse>(`/${encodeURIComponent(pattern)}/_search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    listIndices: (pattern) =>
      call<IndexInfo[]>(
        `/_cat/indices${pattern === undefined ? '' : `/${encodeURIComponent(pattern)}`}?format=json`,
      ),
    close: async () => {},
  };
}
