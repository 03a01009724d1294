/**
 * The HTTP side of the cluster adapter: one `@elastic/transport` Transport per engine, over a
 * connection pool of every configured node (round robin; a node that fails is marked dead and
 * pinged again later, with a growing pause; sniffing is off, so only the given nodes are used;
 * the product check is off, so OpenSearch is accepted). No HTTP is written by hand here: this
 * file maps the connection settings onto the transport and every failure onto the contract's
 * errors (cluster-errors.ts), with the connection's secrets scrubbed from every message.
 */
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import {
  type ApiKeyAuth,
  type BearerAuth,
  ClusterConnectionPool,
  Transport,
  UndiciConnection,
} from '@elastic/transport';
import { ConfigError } from '../../core/errors.js';
import type { ClusterConnection } from '../connection.js';
import { toEngineError } from './cluster-errors.js';

export interface ClusterRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  /** An NDJSON text, sent as is (`_bulk`). */
  readonly ndjson?: string;
  readonly querystring?: Record<string, string | number | boolean | undefined>;
}

export interface ClusterRequestOptions {
  /** Statuses answered normally instead of thrown (e.g. 404 for `found: false`). */
  readonly ignore?: readonly number[];
  readonly signal?: AbortSignal;
  /** Overrides the connection's retries (bulk requests use 0: the sink retries them). */
  readonly maxRetries?: number;
  readonly headers?: IncomingHttpHeaders;
}

export interface ClusterAnswer<T> {
  readonly statusCode: number;
  readonly body: T;
}

/** Sends requests to the cluster; answers or throws SearchEngineError / SearchConnectionError. */
export class ClusterTransport {
  private readonly transport: Transport;
  private readonly pool: ClusterConnectionPool;

  constructor(
    private readonly connection: ClusterConnection,
    log: (line: string) => void,
  ) {
    const tls = connection.tls;
    if (tls?.insecure) {
      log(
        `WARNING: TLS certificate verification is OFF for ${connection.describe()}: anyone on the path can read and change this traffic (tls.insecure). Use tls.caFile or tls.caFingerprint instead.`,
      );
    }
    const ca = tls?.caFile !== undefined ? readCa(tls.caFile) : tls?.ca;
    this.pool = new ClusterConnectionPool({
      Connection: UndiciConnection,
      ...(connection.auth === undefined ? {} : { auth: transportAuth(connection.auth) }),
      ...(ca !== undefined || tls?.insecure
        ? { tls: { ...(ca === undefined ? {} : { ca }), rejectUnauthorized: !tls?.insecure } }
        : {}),
      ...(tls?.caFingerprint === undefined ? {} : { caFingerprint: tls.caFingerprint }),
      resurrectStrategy: 'ping',
    });
    this.pool.addConnection(connection.nodes.map((n) => `${n}/`));
    this.transport = new Transport({
      connectionPool: this.pool,
      maxRetries: connection.maxRetries,
      requestTimeout: connection.requestTimeoutMs,
      compression: connection.compression,
      sniffInterval: false,
      sniffOnStart: false,
      sniffOnConnectionFault: false,
      enableMetaHeader: false,
      name: 'sluice',
      redaction: { type: 'replace' },
      // No spans: they would carry query bodies to whatever tracer a host process registers.
      openTelemetry: { enabled: false },
    });
  }

  async request<T>(request: ClusterRequest, options: ClusterRequestOptions = {}): Promise<ClusterAnswer<T>> {
    const querystring: Record<string, string> = {};
    for (const [key, value] of Object.entries(request.querystring ?? {}))
      if (value !== undefined) querystring[key] = String(value);
    try {
      const result = await this.transport.request<T>(
        {
          method: request.method,
          path: request.path,
          ...(request.body === undefined ? {} : { body: request.body as Record<string, unknown> }),
          ...(request.ndjson === undefined ? {} : { bulkBody: request.ndjson }),
          querystring,
        },
        {
          meta: true,
          ...(options.ignore === undefined ? {} : { ignore: [...options.ignore] }),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
          ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
          ...(options.headers === undefined ? {} : { headers: options.headers }),
        },
      );
      return { statusCode: result.statusCode ?? 200, body: result.body };
    } catch (e) {
      throw toEngineError(e, (text) => this.connection.redact(text));
    }
  }

  /**
   * A request passed through as text: answers the cluster's status, content type and body, also
   * for errors (scrubbed of the connection's secrets); throws only when the cluster is unreachable.
   */
  async forward(request: {
    method: string;
    path: string;
    querystring: string;
    body: string | undefined;
    headers: IncomingHttpHeaders;
  }): Promise<{ status: number; contentType: string; body: string }> {
    try {
      const result = await this.transport.request<unknown>(
        {
          method: request.method,
          path: request.path,
          ...(request.body === undefined || request.body === '' ? {} : { body: request.body }),
          querystring: request.querystring,
        },
        { meta: true, headers: request.headers, ignore: [400, 401, 403, 404, 405, 406, 409, 413, 429, 500] },
      );
      const raw = result.body;
      const text =
        typeof raw === 'string'
          ? raw
          : raw === undefined || raw === true || raw === false
            ? ''
            : JSON.stringify(raw);
      return {
        status: result.statusCode ?? 200,
        contentType: String(result.headers?.['content-type'] ?? 'application/json'),
        body: this.connection.redact(text),
      };
    } catch (e) {
      throw toEngineError(e, (text) => this.connection.redact(text));
    }
  }

  async close(): Promise<void> {
    await this.pool.empty();
  }
}

function transportAuth(auth: NonNullable<ClusterConnection['auth']>) {
  if ('password' in auth) return { username: auth.username, password: auth.password };
  if ('bearer' in auth) return { bearer: auth.bearer } satisfies BearerAuth;
  return {
    apiKey: typeof auth.apiKey === 'string' ? auth.apiKey : { id: auth.apiKey.id, api_key: auth.apiKey.key },
  } satisfies ApiKeyAuth;
}

function readCa(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new ConfigError(`cannot read the cluster's CA file ${file}: ${(e as Error).message}`);
  }
}
