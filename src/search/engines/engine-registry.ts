/**
 * Turns an engine URL (or cluster connection options) into a SearchEngine, loading the adapter
 * for its scheme only when it is first needed: a cluster job never loads SQLite, an embedded job
 * never loads the HTTP transport, and the contract files in search/ import no adapter.
 *
 * Engines are shared per location and reference-counted within one registry: the search sink and
 * the HTTP API of one `sluice run` use one SQLite connection (or one connection pool). A registry
 * is a plain object; `openSearchEngine` uses the process's default one, tests and embedders can
 * make their own.
 */
import type { Clock } from '../../core/clock.js';
import { ClusterConnection, type SearchConnectionOptions } from '../connection.js';
import { type EngineLocation, parseEngineUrl } from '../engine-url.js';
import type { SearchEngine } from '../search-engine.js';

export interface OpenSearchEngineOptions {
  /** Time source of the embedded engine (its `took`, `now` in date math). */
  readonly clock?: Clock;
  /** Cluster settings beside the URL: auth, TLS, more nodes, timeouts, compression. */
  readonly connection?: Omit<SearchConnectionOptions, 'url'>;
  /** Where an adapter says something worth knowing (e.g. TLS verification is off). */
  readonly log?: (line: string) => void;
}

export interface SharedSearchEngine {
  readonly engine: SearchEngine;
  readonly location: EngineLocation;
  /** Drops this reference; the engine closes when the last one is released. */
  release(): Promise<void>;
}

/** How one kind of engine is opened; each is a dynamic import. */
export interface EngineAdapters {
  embedded(dataDir: string, options: OpenSearchEngineOptions): Promise<SearchEngine>;
  cluster(connection: ClusterConnection, options: OpenSearchEngineOptions): Promise<SearchEngine>;
}

const lazyAdapters: EngineAdapters = {
  async embedded(dataDir, options) {
    const { EmbeddedSearchEngine } = await import('../embedded/embedded-engine.js');
    return EmbeddedSearchEngine.open({ dataDir, ...(options.clock ? { clock: options.clock } : {}) });
  },
  async cluster(connection, options) {
    const { ClusterSearchEngine } = await import('../elasticsearch/cluster-engine.js');
    return ClusterSearchEngine.open(connection, options.log ? { log: options.log } : {});
  },
};

interface Shared {
  /** A promise, stored before it settles, so callers opening one location at once share it. */
  readonly engine: Promise<SearchEngine>;
  refs: number;
}

export class SearchEngineRegistry {
  private readonly shared = new Map<string, Shared>();

  constructor(private readonly adapters: EngineAdapters = lazyAdapters) {}

  /**
   * Opens (or shares) the engine at `target`: an engine URL, or cluster connection options. Call
   * `release` once per `open`.
   */
  async open(
    target: string | SearchConnectionOptions,
    options: OpenSearchEngineOptions = {},
  ): Promise<SharedSearchEngine> {
    const { location, key, create } = this.resolve(target, options);
    let entry = this.shared.get(key);
    if (entry === undefined) {
      entry = { engine: create(), refs: 0 };
      this.shared.set(key, entry);
    }
    const held = entry;
    held.refs++;
    let engine: SearchEngine;
    try {
      engine = await held.engine;
    } catch (e) {
      if (--held.refs === 0 && this.shared.get(key) === held) this.shared.delete(key);
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
          if (this.shared.get(key) === held) this.shared.delete(key);
          await engine.close();
        }
      },
    };
  }

  private resolve(
    target: string | SearchConnectionOptions,
    options: OpenSearchEngineOptions,
  ): { location: EngineLocation; key: string; create: () => Promise<SearchEngine> } {
    const location =
      typeof target === 'string'
        ? parseEngineUrl(target)
        : { kind: 'cluster' as const, target: ClusterConnection.resolve(target).nodes.join(',') };
    if (location.kind === 'embedded') {
      return {
        location,
        key: `embedded:${location.target}`,
        create: () => this.adapters.embedded(location.target, options),
      };
    }
    const connection = ClusterConnection.resolve(
      typeof target === 'string' ? { ...options.connection, url: target } : target,
    );
    return {
      location,
      key: connection.shareKey(),
      create: () => this.adapters.cluster(connection, options),
    };
  }
}

/** The process's registry, used by `openSearchEngine`. */
export const defaultEngineRegistry = new SearchEngineRegistry();

/**
 * Turns an engine URL into a SearchEngine, so a pipeline and its queries move to a real cluster by
 * changing one string:
 *   embedded:./data   the embedded SQLite engine in ./data (relative to the working directory)
 *   ./data, /var/x    a plain path means the same
 *   http(s)://host    an Elasticsearch or OpenSearch cluster (`https://user:pass@host` for basic
 *                     auth; API keys, bearer tokens and TLS through `options.connection`)
 * Shared per location and reference-counted: call `release` once per `openSearchEngine`.
 */
export function openSearchEngine(
  target: string | SearchConnectionOptions,
  options: OpenSearchEngineOptions = {},
): Promise<SharedSearchEngine> {
  return defaultEngineRegistry.open(target, options);
}
