import { DEFAULT_ENGINE_URL, defaultEngineUrl } from '../search/open-search-engine.js';

/** The engine a command talks to: `--url`, else $SLUICE_URL, else the embedded engine in ./.data. */
export function engineUrl(flag: string | undefined): string {
  return flag ?? defaultEngineUrl();
}

export const URL_OPTION_HELP = `search engine: embedded:<dir>, a directory, or http(s)://host:port (default: $SLUICE_URL or ${DEFAULT_ENGINE_URL})`;
