import { resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { redactUrl } from './redact-url.js';

/**
 * Engine URLs: which engine a pipeline, a command or the search API talks to.
 *   embedded:./data   the embedded SQLite engine in ./data (relative to the working directory)
 *   ./data, /var/x    a plain path means the same
 *   http(s)://host    an Elasticsearch or OpenSearch cluster (credentials may be in the URL)
 * This file knows only the syntax; engines/ turns a location into an engine.
 */

export const DEFAULT_ENGINE_URL = 'embedded:.data';

/**
 * The engine used when none is named: `SLUICE_URL` of `env` (the process environment by default),
 * else the embedded engine in ./.data. Reads the environment, never writes it.
 */
export function defaultEngineUrl(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const url = env.SLUICE_URL;
  return url === undefined || url.trim().length === 0 ? DEFAULT_ENGINE_URL : url;
}

export interface EngineLocation {
  readonly kind: 'embedded' | 'cluster';
  /**
   * Absolute data directory (embedded) or the cluster URL without credentials and trailing
   * slashes (cluster): safe to print.
   */
  readonly target: string;
}

export function parseEngineUrl(url: string): EngineLocation {
  const text = url.trim();
  if (text.length === 0)
    throw new ConfigError('search engine URL is empty (use embedded:<dir> or http(s)://host:port)');
  if (/^https?:\/\//i.test(text)) {
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      throw new ConfigError(`invalid cluster URL "${redactUrl(text)}": expected http(s)://host:port`);
    }
    parsed.username = '';
    parsed.password = '';
    return { kind: 'cluster', target: parsed.toString().replace(/\/+$/, '') };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new ConfigError(
      `unsupported search engine URL "${redactUrl(url)}": use embedded:<dir>, a directory path, or http(s)://host:port`,
    );
  }
  const dir = text.startsWith('embedded:') ? text.slice('embedded:'.length) : text;
  if (dir.length === 0) throw new ConfigError('embedded: needs a directory, e.g. embedded:./data');
  return { kind: 'embedded', target: resolve(dir) };
}
