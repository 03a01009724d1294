import { existsSync } from 'node:fs';
import { openSearchEngine, parseEngineUrl } from '../search/open-search-engine.js';
import type { IngestApiOptions } from '../server/ingest-api.js';
import { LazySearchEngine } from '../server/lazy-search-engine.js';
import { DEFAULT_SEARCH_PORT, serveSearchApi } from '../server/serve.js';
import { CliUsageError } from './cli-error.js';
import { announceServer } from './server-discovery.js';

export interface ServedEngine {
  /** e.g. http://127.0.0.1:9292 */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Serves the search API for the engine at `engineUrl` while a job runs, and with `ingest` the HTTP
 * ingest API on the same port. The job's search sinks with the same URL share the engine instance,
 * so what they write is searchable at once. The embedded engine is opened at the first search
 * request, not here: a job that only ingests over HTTP into Kafka never loads SQLite. While it
 * serves an embedded engine, the server announces itself in the data directory (once that exists),
 * so `sluice search` and `sluice indices` there ask it instead of loading the index again
 * (server-discovery.ts). A cluster is connected to at start, as its proxy needs to know it.
 */
export async function startSearchServer(
  engineUrl: string,
  port: number,
  log: (line: string) => void,
  ingest?: IngestApiOptions,
): Promise<ServedEngine> {
  const location = parseEngineUrl(engineUrl);
  if (location.kind !== 'embedded') {
    const shared = await openSearchEngine(engineUrl);
    try {
      const server = await serveSearchApi(shared.engine, { port, log, ...(ingest ? { ingest } : {}) });
      return {
        url: server.url,
        stop: async () => {
          await server.close();
          await shared.release();
        },
      };
    } catch (e) {
      await shared.release();
      throw e;
    }
  }
  let serverUrl: string | undefined;
  let unannounce: (() => void) | undefined;
  const announce = () => {
    if (unannounce === undefined && serverUrl !== undefined)
      unannounce = announceServer(location.target, serverUrl);
  };
  const engine = new LazySearchEngine(() => openSearchEngine(engineUrl), announce);
  const server = await serveSearchApi(engine, { port, log, ...(ingest ? { ingest } : {}) });
  serverUrl = server.url;
  if (existsSync(location.target)) announce();
  return {
    url: server.url,
    stop: async () => {
      unannounce?.();
      await server.close();
      await engine.close();
    },
  };
}

/** Parses a port option (0 picks a free port), or throws a usage error naming the option. */
export function portOption(option: string): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0 || n > 65_535) {
      throw new CliUsageError(`${option} must be a port number (0-65535), got "${value}"`);
    }
    return n;
  };
}

export { DEFAULT_SEARCH_PORT };
