/**
 * The state-backend conformance suite (src/state/conformance) against the search-state backend on
 * a real OpenSearch 2.19 index, as it runs for the heap backend and for the embedded engine. Every
 * backend the suite opens gets its own index (`state-<run>-<n>`, deleted at the end), so each
 * starts empty as the suite requires. Then the backend's own round trip through the index
 * (index-round-trip.fixture.ts): every kind of state flushed and restored from the index alone,
 * also split over three instances.
 */
import { after, test } from 'node:test';
import { describeIndexRoundTrip } from '../../../src/connectors/search-state/index-round-trip.fixture.js';
import { searchStateBackend } from '../../../src/connectors/search-state/search-state-backend.js';
import { openSearchEngine, type SharedSearchEngine } from '../../../src/search/open-search-engine.js';
import { stateBackendConformance } from '../../../src/state/conformance/state-backend-conformance.js';
import { findCluster, RUN_PREFIX } from '../search/cluster-services.js';

const found = findCluster('opensearch2');
const prefix = `state-${RUN_PREFIX}`;

if ('skip' in found) {
  test('StateBackend conformance: search (OpenSearch 2.19)', { skip: found.skip }, () => {});
} else {
  let shared: SharedSearchEngine | undefined;
  const engine = async () => {
    shared ??= await openSearchEngine(found.url);
    return shared.engine;
  };
  after(async () => {
    if (shared === undefined) return;
    await shared.engine.deleteIndex(`${prefix}*`).catch(() => undefined);
    await shared.release();
  });
  let counter = 0;
  stateBackendConformance('search (OpenSearch 2.19)', async () =>
    searchStateBackend({ engine: await engine(), index: `${prefix}${counter++}` }),
  );
  // What the conformance suite cannot see: state written into the index and read back from it alone.
  describeIndexRoundTrip('OpenSearch 2.19', engine, `${prefix}round-trip-`);
}
