import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { canForward } from '../search/raw-request.js';
import type { SearchEngine } from '../search/search-engine.js';
import { createClusterProxy } from './cluster-proxy.js';
import { createIngestApi, type IngestApiOptions, isIngestRequest } from './ingest-api.js';
import { createSearchApi, type SearchApiOptions } from './search-api.js';

/** sluice's default HTTP port for the search API (Elasticsearch's 9200 is left to real clusters). */
export const DEFAULT_SEARCH_PORT = 9292;

/**
 * How long a client may take, so a slow or half-sent request cannot hold a socket (slowloris):
 * the request's headers must arrive within `headersTimeoutMs` and the whole request within
 * `requestTimeoutMs` (Node answers 408 and closes the socket), and an idle keep-alive connection
 * is closed after `keepAliveTimeoutMs`. Node checks the first two every
 * `connectionsCheckingIntervalMs`, so a socket lives at most timeout + interval.
 */
export interface ServerTimeouts {
  /** Default 10 s (Node's own: 60 s). */
  readonly headersTimeoutMs?: number;
  /** Default 60 s (Node's own: 300 s). */
  readonly requestTimeoutMs?: number;
  /** Default 5 s (as Node's). */
  readonly keepAliveTimeoutMs?: number;
  /** Default 1 s (Node's own: 30 s, which would let a socket outlive a 10 s header timeout by far). */
  readonly connectionsCheckingIntervalMs?: number;
}

export const DEFAULT_SERVER_TIMEOUTS: Required<ServerTimeouts> = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  connectionsCheckingIntervalMs: 1_000,
};

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:9292`. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the search API on `host:port` (localhost by default: the embedded engine has no
 * authentication). Port 0 picks a free port (tests). With `ingest`, `POST /ingest/<stream>` goes
 * to the ingest API (ingest-api.ts) and everything else to the search API.
 */
export async function serveSearchApi(
  engine: SearchEngine,
  options: SearchApiOptions & {
    host?: string;
    port?: number;
    timeouts?: ServerTimeouts;
    ingest?: IngestApiOptions;
  } = {},
): Promise<RunningServer> {
  // A cluster's own API is proxied (reads only); the embedded engine gets sluice's API.
  const search = canForward(engine) ? createClusterProxy(engine, options) : createSearchApi(engine, options);
  const ingest = options.ingest === undefined ? undefined : createIngestApi(options.ingest);
  const app = {
    fetch: (request: Request, env?: unknown) =>
      ingest !== undefined && isIngestRequest(request.method, new URL(request.url).pathname)
        ? ingest.fetch(request, env)
        : search.fetch(request, env),
  };
  const timeouts = { ...DEFAULT_SERVER_TIMEOUTS, ...options.timeouts };
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? DEFAULT_SEARCH_PORT;
  return new Promise((resolve, reject) => {
    const serverOptions = {
      headersTimeout: timeouts.headersTimeoutMs,
      // Node requires requestTimeout >= headersTimeout (0 would mean none).
      requestTimeout: Math.max(timeouts.requestTimeoutMs, timeouts.headersTimeoutMs),
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      connectionsCheckingInterval: timeouts.connectionsCheckingIntervalMs,
    };
    const server = serve({ fetch: app.fetch, hostname: host, port, serverOptions }, (info: AddressInfo) => {
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
    // Also as properties: older Node versions read keepAliveTimeout only from the server object.
    (server as Server).keepAliveTimeout = timeouts.keepAliveTimeoutMs;
    (server as Server).headersTimeout = timeouts.headersTimeoutMs;
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'EADDRINUSE' ? new Error(`port ${port} is already in use: choose another with --port`) : e,
      );
    });
  });
}
