import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { canForward } from '../search/raw-request.js';
import type { SearchEngine } from '../search/search-engine.js';
import { createClusterProxy } from './cluster-proxy.js';
import { createSearchApi, type SearchApiOptions } from './search-api.js';

/** sluice's default HTTP port for the search API (Elasticsearch's 9200 is left to real clusters). */
export const DEFAULT_SEARCH_PORT = 9292;

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:9292`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the search API on `host:port` (localhost by default: the embedded engine has no
 * authentication). Port 0 picks a free port (tests).
 */
export async function serveSearchApi(
  engine: SearchEngine,
  options: SearchApiOptions & { host?: string; port?: number } = {},
): Promise<RunningServer> {
  // A cluster's own API is proxied (reads only); the embedded engine gets sluice's API.
  const app = canForward(engine) ? createClusterProxy(engine, options) : createSearchApi(engine, options);
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_SEARCH_PORT;
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
          }),
      });
    });
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'EADDRINUSE' ? new Error(`port ${port} is already in use: choose another with --port`) : e,
      );
    });
  });
}
