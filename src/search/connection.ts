/**
 * How to reach a cluster: node URLs, credentials, TLS, timeouts and compression, validated by one
 * zod schema so the TypeScript API, CLI flags and the search connectors' `WITH (...)` options
 * share it. A `ClusterConnection` is the resolved form the cluster adapter uses: credentials that
 * came inside a URL (`https://user:pass@host`) are moved to basic auth and stripped from the URL,
 * and nothing it prints (`toString`, `JSON.stringify`, `util.inspect`, error messages) contains a
 * secret.
 */
import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { z } from 'zod';
import { ConfigError } from '../core/errors.js';
import { redactSecrets, redactUrl } from './redact-url.js';

export const searchAuthSchema = z.union([
  z.object({ username: z.string().min(1), password: z.string() }).strict(),
  /** An API key: the base64 `encoded` form ES prints, or its `id` and `key`. */
  z
    .object({
      apiKey: z.union([
        z.string().min(1),
        z.object({ id: z.string().min(1), key: z.string().min(1) }).strict(),
      ]),
    })
    .strict(),
  z.object({ bearer: z.string().min(1) }).strict(),
]);
export type SearchAuth = z.infer<typeof searchAuthSchema>;

export const searchTlsSchema = z
  .object({
    /** A PEM file with the CA (or CAs) that signed the cluster's certificate. */
    caFile: z.string().min(1).optional(),
    /** The same as PEM text. */
    ca: z.string().min(1).optional(),
    /** SHA-256 fingerprint of the CA certificate (hex, colons optional), as ES prints at setup. */
    caFingerprint: z
      .string()
      .regex(
        /^([0-9a-fA-F]{2}:?){31}[0-9a-fA-F]{2}$/,
        'a SHA-256 fingerprint: 64 hex digits, colons optional',
      )
      .optional(),
    /** Skips certificate verification. Only for throwaway clusters: a loud warning is logged. */
    insecure: z.boolean().default(false),
  })
  .strict();
export type SearchTls = z.infer<typeof searchTlsSchema>;

export const searchConnectionOptionsSchema = z
  .object({
    /** One node: `http(s)://[user:pass@]host:port`. */
    url: z.string().min(1).optional(),
    /** Several nodes of one cluster; requests are spread over them and a dead node is skipped. */
    nodes: z.array(z.string().min(1)).min(1).optional(),
    auth: searchAuthSchema.optional(),
    tls: searchTlsSchema.optional(),
    /** Per request; a request that takes longer fails with code ETIMEDOUT. */
    requestTimeoutMs: z.number().int().positive().default(30_000),
    /** Gzip request bodies (responses are accepted gzipped either way). */
    compression: z.boolean().default(false),
    /**
     * How often a read is retried on another node after a connection failure or a 502/503/504.
     * Bulk requests are never retried here: the search sink retries them with backoff.
     */
    maxRetries: z.number().int().nonnegative().default(3),
  })
  .strict();
export type SearchConnectionOptions = z.input<typeof searchConnectionOptionsSchema>;

/** The resolved connection: normalized node URLs without credentials, the auth to send, TLS. */
export class ClusterConnection {
  private constructor(
    /** Node URLs without credentials or trailing slash, e.g. `https://es1:9200`. */
    readonly nodes: readonly string[],
    readonly auth: SearchAuth | undefined,
    readonly tls: SearchTls | undefined,
    readonly requestTimeoutMs: number,
    readonly compression: boolean,
    readonly maxRetries: number,
  ) {}

  /**
   * From a URL, the options object, or both (options win over the URL except for credentials in
   * the URL when options name none). Throws ConfigError on a bad URL or conflicting credentials.
   */
  static resolve(options: SearchConnectionOptions | string): ClusterConnection {
    const parsed = searchConnectionOptionsSchema.safeParse(
      typeof options === 'string' ? { url: options } : options,
    );
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'connection'}: ${i.message}`);
      throw new ConfigError(`invalid cluster connection: ${redactSecrets(issues.join('; '), [])}`);
    }
    const config = parsed.data;
    const urls = [...(config.url === undefined ? [] : [config.url]), ...(config.nodes ?? [])];
    if (urls.length === 0) throw new ConfigError('a cluster connection needs a url or nodes');
    let urlAuth: SearchAuth | undefined;
    const nodes = urls.map((text) => {
      const { node, auth } = splitCredentials(text);
      if (auth !== undefined) {
        const known = urlAuth as { username: string; password: string } | undefined;
        if (known !== undefined && (known.username !== auth.username || known.password !== auth.password))
          throw new ConfigError('the node URLs carry different credentials: give one auth for the cluster');
        urlAuth = auth;
      }
      return node;
    });
    if (urlAuth !== undefined && config.auth !== undefined)
      throw new ConfigError('credentials are given both in the URL and as auth: give them once');
    return new ClusterConnection(
      [...new Set(nodes)],
      config.auth ?? urlAuth,
      config.tls,
      config.requestTimeoutMs,
      config.compression,
      config.maxRetries,
    );
  }

  /** Every secret this connection holds, in the forms a transport could echo (for redaction). */
  secrets(): string[] {
    const auth = this.auth;
    if (auth === undefined) return [];
    if ('password' in auth)
      return [auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64')];
    if ('bearer' in auth) return [auth.bearer];
    if (typeof auth.apiKey === 'string') return [auth.apiKey];
    return [auth.apiKey.key, Buffer.from(`${auth.apiKey.id}:${auth.apiKey.key}`).toString('base64')];
  }

  /** `text` without any of this connection's secrets. */
  redact(text: string): string {
    return redactSecrets(text, this.secrets());
  }

  /**
   * Identifies the cluster and the identity used, for sharing one engine per connection within a
   * process: two jobs with different credentials get different engines. Secrets enter only as a
   * hash.
   */
  shareKey(): string {
    const identity = createHash('sha256')
      .update(JSON.stringify([this.auth ?? null, this.tls ?? null, this.requestTimeoutMs, this.compression]))
      .digest('hex')
      .slice(0, 16);
    return `cluster:${this.nodes.join(',')}#${identity}`;
  }

  /** What is safe to print: the nodes and the kind of auth, never its value. */
  describe(): string {
    const auth = this.auth;
    const kind =
      auth === undefined
        ? 'no auth'
        : 'password' in auth
          ? `basic auth as ${auth.username}`
          : 'bearer' in auth
            ? 'bearer token'
            : 'API key';
    return `${this.nodes.join(', ')} (${kind}${this.tls?.insecure ? ', TLS NOT VERIFIED' : ''})`;
  }

  toString(): string {
    return this.describe();
  }

  toJSON(): Record<string, unknown> {
    return { nodes: this.nodes, auth: this.auth === undefined ? undefined : '***', tls: this.tls };
  }

  [inspect.custom](): string {
    return `ClusterConnection ${this.describe()}`;
  }
}

function splitCredentials(text: string): {
  node: string;
  auth: { username: string; password: string } | undefined;
} {
  const trimmed = text.trim();
  if (!/^https?:\/\//i.test(trimmed))
    throw new ConfigError(
      `a cluster node URL must start with http:// or https://, got "${redactUrl(trimmed)}"`,
    );
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new ConfigError(`invalid cluster URL "${redactUrl(trimmed)}"`);
  }
  const auth =
    url.username === '' && url.password === ''
      ? undefined
      : { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  url.username = '';
  url.password = '';
  if (url.search !== '' || url.hash !== '')
    throw new ConfigError(`a cluster node URL takes no query or fragment: "${redactUrl(trimmed)}"`);
  return { node: url.toString().replace(/\/+$/, ''), auth };
}
