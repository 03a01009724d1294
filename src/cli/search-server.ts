import { openSearchEngine } from '../search/open-search-engine.js';
import { DEFAULT_SEARCH_PORT, serveSearchApi } from '../server/serve.js';
import { CliUsageError } from './cli-error.js';
import { announceServer } from './server-discovery.js';

export interface ServedEngine {
  /** e.g. http://127.0.0.1:9292 */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Serves the search API for the engine at `engineUrl` while a job runs. The job's search sinks
 * with the same URL share the engine instance, so what they write is searchable at once. On an
 * embedded engine the server announces itself in the data directory while it serves, so `sluice
 * search` and `sluice indices` there ask it instead of loading the index again
 * (server-discovery.ts).
 */
export async function startSearchServer(
  engineUrl: string,
  port: number,
  log: (line: string) => void,
): Promise<ServedEngine> {
  const shared = await openSearchEngine(engineUrl);
  try {
    const server = await serveSearchApi(shared.engine, { port, log });
    const unannounce =
      shared.location.kind === 'embedded' ? announceServer(shared.location.target, server.url) : () => {};
    return {
      url: server.url,
      stop: async () => {
        unannounce();
        await server.close();
        await shared.release();
      },
    };
  } catch (e) {
    await shared.release();
    throw e;
  }
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
