import { ConfigError } from '../../core/errors.js';
import type { IngestEntry, IngestTicket, IngestWait } from './ingest-queue.js';

/**
 * Where the HTTP server finds the jobs' ingest streams. The host that serves HTTP (`sluice run
 * --serve`) creates a hub, installs it for the process, and routes `POST /ingest/<stream>` to the
 * endpoint a running `httpIngestSource('<stream>')` reader attached. Kept on `globalThis` under a
 * registered symbol, like the environment hooks, so a pipeline file's copy of the library and the
 * CLI's share it. A source may also be given a hub directly (tests, programs embedding sluice).
 */

/** What a running ingest source offers the HTTP side. */
export interface IngestEndpoint {
  readonly stream: string;
  /** The Retry-After (whole seconds) of a 429 from this stream. */
  readonly retryAfterSeconds: number;
  /** False while the stream's buffer is full (answer 429 before reading the body). */
  hasRoom(): boolean;
  /**
   * Hands a parsed request to the job: a ticket followed until the job has it, `full` while the
   * buffer is full (429), `stopped` once the job is stopping (503).
   */
  submit(entries: readonly IngestEntry[], wait: IngestWait): IngestTicket | 'full' | 'stopped';
}

export class IngestHub {
  private readonly endpoints = new Map<string, IngestEndpoint>();

  /** Called by a reader when its job starts; returns the detach function for its close. */
  attach(endpoint: IngestEndpoint): () => void {
    if (this.endpoints.has(endpoint.stream))
      throw new ConfigError(
        `HTTP ingest stream "${endpoint.stream}" is already read by another running source: give each httpIngestSource its own stream name`,
      );
    this.endpoints.set(endpoint.stream, endpoint);
    return () => {
      if (this.endpoints.get(endpoint.stream) === endpoint) this.endpoints.delete(endpoint.stream);
    };
  }

  endpoint(stream: string): IngestEndpoint | undefined {
    return this.endpoints.get(stream);
  }

  /** Streams read right now, sorted (for the 404 answer). */
  streams(): string[] {
    return [...this.endpoints.keys()].sort();
  }
}

const KEY = Symbol.for('sluice.ingestHub');
type WithHub = { [KEY]?: IngestHub };

/** Makes `hub` the process's hub for sources created from now on; returns a function that removes it. */
export function installIngestHub(hub: IngestHub): () => void {
  const g = globalThis as WithHub;
  const previous = g[KEY];
  g[KEY] = hub;
  return () => {
    g[KEY] = previous;
  };
}

export function currentIngestHub(): IngestHub | undefined {
  return (globalThis as WithHub)[KEY];
}
