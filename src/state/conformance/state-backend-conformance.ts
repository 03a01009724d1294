/**
 * The conformance suite every StateBackend must pass: value, list, map and namespaced state per
 * key, TTL in Flink's terms, timers, whole and streamed snapshots (consistent while the job keeps
 * changing state), restores that keep only the backend's key groups (rescaling), and the errors.
 * It uses only the contract, so it runs unchanged against the heap backend and any later one
 * (persistent, Elasticsearch). Call it from a `*.test.ts` file:
 *
 *   stateBackendConformance('heap', () => new HeapStateBackend());
 *
 * `factory` is called for every backend a test opens and must return an empty store each time.
 */
import { describe } from 'node:test';
import type { StateBackendFactory } from './conformance-helpers.js';
import { describeKeyedStateConformance } from './keyed-state.conformance.js';
import { describeSnapshotConformance } from './snapshot.conformance.js';
import { describeTimerConformance } from './timers.conformance.js';
import { describeTtlConformance } from './ttl.conformance.js';

export type { StateBackendFactory } from './conformance-helpers.js';
export { normalize as normalizeSnapshot } from './conformance-helpers.js';

export function stateBackendConformance(name: string, factory: StateBackendFactory): void {
  describe(`StateBackend conformance: ${name}`, () => {
    describeKeyedStateConformance(factory);
    describeTtlConformance(factory);
    describeTimerConformance(factory);
    describeSnapshotConformance(factory);
  });
}
