/**
 * The old home of `openSearchEngine`, kept so existing imports work. The factory lives in
 * engines/ (it loads adapters lazily, so this contract folder imports none); the URL syntax in
 * engine-url.ts.
 */
export { DEFAULT_ENGINE_URL, defaultEngineUrl, type EngineLocation, parseEngineUrl } from './engine-url.js';
export {
  type OpenSearchEngineOptions,
  openSearchEngine,
  type SharedSearchEngine,
} from './engines/engine-registry.js';
