import { resolve } from 'node:path';
import type { Clock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import { redactText } from '../core/redact.js';
import { EmbeddedSearchEngine } from './embedded/embedded-engine.js';
import type { SearchEngine } from './search-engine.js';

export const DEFAULT_ENGINE_URL = 'embedded:.data';

/** The engine used when none is named: $SLUICE_URL, else the embedded engine in ./.data. */
export function defaultEngineUrl(): string {
  return process.env.SLUICE_URL ?? DEFAULT_ENGINE_URL;
}

export interface EngineLocation {
  readonly kind: 'embedded' | 'cluster';
  /** Absolute data directory (embedded) or the URL (cluster). */
  readonly target: string;
}

export function parseEngineUrl(url: string): EngineLocation {
  const text = url.trim();
  if (text.length === 0)
    throw new ConfigError('search engine URL is empty (use embedded:<dir> or http(s)://host:port)');
  if (/^https?:\/\//i.test(text)) return { kind: 'cluster', target: text.replace(/\/+$/, '') };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    throw new ConfigError(
      `unsupported search engine URL "${redactText(url)}": use embedded:<dir>, a directory path, or http(s)://host:port`,
    );
  }
  const dir = text.startsWith('embedded:') ? text.slice('embedded:'.length) : text;
  if (dir.length === 0) throw new ConfigError('embedded: needs a directory, e.g. embedded:./data');
  return { kind: 'embedded', target: resolve(dir) };
}

interface Shared {
  /** A promise, stored before it settles, so callers opening one location at once share it. */
  readonly engine: Promise<SearchEngine>;
  refs: number;
}

const shared = new Map<string, Shared>();

export interface SharedSearchEngine {
  readonly engine: SearchEngine;
  readonly location: EngineLocation;
  /** Drops this reference; the engine closes when the last one is released. */
  release(): Promise<void>;
}

/**
 * Turns an engine URL into a SearchEngine, so a pipeline and its queries move to a real cluster by
 * changing one string:
 *   embedded:./data   the embedded SQLite engine in ./data (relative to the working directory)
 *   ./data, /var/x    a plain path means the same
 *   http(s)://host    an Elasticsearch or OpenSearch cluster
 * Engines are shared per location within a process and reference-counted: the search sink and the
 * HTTP API of one `sluice run` use one SQLite connection and one in-memory index. Call `release`
 * once per `openSearchEngine`.
 */
export async function openSearchEngine(
  url: string,
  options: { clock?: Clock } = {},
): Promise<SharedSearchEngine> {
  const location = parseEngineUrl(url);
  if (location.kind === 'cluster') {
    throw new ConfigError(
      `connecting to a cluster (${redactText(location.target)}) is not available in this version yet; use the embedded engine (embedded:<dir>)`,
    );
  }
  const key = `${location.kind}:${location.target}`;
  let entry = shared.get(key);
  if (entry === undefined) {
    entry = {
      engine: EmbeddedSearchEngine.open({
        dataDir: location.target,
        ...(options.clock ? { clock: options.clock } : {}),
      }),
      refs: 0,
    };
    shared.set(key, entry);
  }
  const held = entry;
  held.refs++;
  let engine: SearchEngine;
  try {
    engine = await held.engine;
  } catch (e) {
    if (--held.refs === 0 && shared.get(key) === held) shared.delete(key);
    throw e;
  }
  let released = false;
  return {
    engine,
    location,
    release: async () => {
      if (released) return;
      released = true;
      held.refs--;
      if (held.refs === 0) {
        shared.delete(key);
        await engine.close();
      }
    },
  };
}
