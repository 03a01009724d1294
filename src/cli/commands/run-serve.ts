import { IngestHub, installIngestHub } from '../../connectors/http-ingest/index.js';
import { DEFAULT_INGEST_MAX_BODY_BYTES } from '../../server/ingest-api.js';
import { engineUrl } from '../engine-option.js';
import { DEFAULT_SEARCH_PORT, type ServedEngine, startSearchServer } from '../search-server.js';

/** Environment variable with the ingest token (kept out of `ps` output, unlike a flag). */
export const INGEST_TOKEN_ENV = 'SLUICE_INGEST_TOKEN';

export interface RunServeOptions {
  /** `--serve [port]`: true for the default port. */
  readonly serve: true | number;
  readonly url?: string;
  readonly ingestToken?: string;
  readonly ingestMaxBodyBytes?: number;
}

/**
 * `sluice run --serve`: the search API and HTTP ingest on one port. The ingest hub is installed
 * for the process before the pipeline loads, so its `httpIngestSource` readers attach to it when
 * the job starts (without `--serve` there is no hub and such a source fails, saying to add it).
 * `stop` closes the server and removes the hub.
 */
export async function serveForRun(
  options: RunServeOptions,
  log: (line: string) => void,
): Promise<ServedEngine> {
  const hub = new IngestHub();
  const uninstallHub = installIngestHub(hub);
  const token = options.ingestToken ?? process.env[INGEST_TOKEN_ENV];
  let served: ServedEngine;
  try {
    served = await startSearchServer(
      engineUrl(options.url),
      options.serve === true ? DEFAULT_SEARCH_PORT : options.serve,
      log,
      {
        hub,
        log,
        maxBodyBytes: options.ingestMaxBodyBytes ?? DEFAULT_INGEST_MAX_BODY_BYTES,
        ...(token === undefined || token === '' ? {} : { token }),
      },
    );
  } catch (e) {
    uninstallHub();
    throw e;
  }
  log(`search API on ${served.url} (try: curl '${served.url}/_cat/indices?v')`);
  const auth = token ? ' (bearer token required)' : '';
  log(`HTTP ingest on ${served.url}/ingest/<stream> for httpIngestSource('<stream>')${auth}`);
  return {
    url: served.url,
    stop: async () => {
      try {
        await served.stop();
      } finally {
        uninstallHub();
      }
    },
  };
}
