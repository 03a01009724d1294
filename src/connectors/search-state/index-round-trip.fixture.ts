/**
 * The search-state backend's own round trip, for its tests on the embedded engine and on a real
 * cluster (a fixture: production code never imports it): state of every kind, with TTL and timers
 * in both domains (global-window namespaces are -Infinity), flushed into an index and read back
 * from that index alone, must be the same state, exactly; also split over three instances and
 * merged back into one (rescaling), and after changes and expiries since the last flush. The
 * state-backend conformance suite cannot see this path: its restores go through snapshots.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Key } from '../../core/key.js';
import type { SearchEngine } from '../../search/search-engine.js';
import { normalizeSnapshot } from '../../state/conformance/state-backend-conformance.js';
import {
  DEFAULT_MAX_PARALLELISM,
  fullKeyGroupRange,
  keyGroupRangeForSubtask,
} from '../../state/key-groups.js';
import type { KeyedStateSnapshot } from '../../state/keyed-state-snapshot.js';
import { listState, mapState, valueState } from '../../state/state-descriptors.js';
import { ManualClock } from '../../time/manual-clock.js';
import { type SearchKeyedStateBackend, searchStateBackend } from './search-state-backend.js';

const MAX_P = DEFAULT_MAX_PARALLELISM;
const V = valueState<{ n: number; tags: string[] }>('v');
const T = valueState<string>('ttl', { ttl: { ttlMs: 10_000 } });
const L = listState<string>('l');
const M = mapState<number>('m');

function fill(b: SearchKeyedStateBackend, keys: readonly Key[]): void {
  const ns = b.getNamespacedState<{ count: number }>('ns');
  const timers = b.getTimerService('t', () => {});
  for (const [i, key] of keys.entries()) {
    b.setCurrentKey(key);
    b.getValueState(V).update({ n: i, tags: [`t${i % 3}`] });
    if (i % 2 === 0) b.getValueState(T).update(`session-${i}`);
    b.getListState(L).addAll([`${String(key)}-1`, `${String(key)}-2`]);
    b.getMapState(M).put('x', i);
    if (i % 3 === 0) b.getMapState(M).put('y|with "quotes"', -i);
    ns.set(1000 + (i % 4) * 60_000, { count: i });
    if (i % 5 === 0) ns.set(Number.NEGATIVE_INFINITY, { count: -1 });
    timers.registerEventTimeTimer(key, 1000, 59_999 + (i % 7));
    if (i % 4 === 0) timers.registerEventTimeTimer(key, Number.NEGATIVE_INFINITY, 1_000_000 + i);
    if (i % 6 === 0) timers.registerProcessingTimeTimer(key, 0, 500 + i);
  }
}

const keysOf = (n: number): Key[] => Array.from({ length: n }, (_, i) => (i % 9 === 0 ? i : `user-${i}`));

function merged(parts: readonly KeyedStateSnapshot[]): KeyedStateSnapshot {
  return { formatVersion: 1, maxParallelism: MAX_P, keyGroups: parts.flatMap((p) => p.keyGroups) };
}

export function describeIndexRoundTrip(
  name: string,
  openEngine: () => Promise<SearchEngine>,
  indexPrefix: string,
): void {
  describe(`search-state backend, round trip through the index: ${name}`, () => {
    let counter = 0;
    const used: { engine: SearchEngine; index: string }[] = [];
    after(async () => {
      for (const { engine, index } of used) await engine.deleteIndex(index).catch(() => undefined);
    });
    async function opener(clock: ManualClock) {
      const engine = await openEngine();
      const index = `${indexPrefix}${counter++}`;
      used.push({ engine, index });
      const backend = searchStateBackend({ engine, index });
      return (range = fullKeyGroupRange(MAX_P)) =>
        backend.createKeyedStateBackend({
          operatorId: 'round-trip',
          keyGroupRange: range,
          maxParallelism: MAX_P,
          clock,
        });
    }

    test('state of every kind, with TTL and timers, comes back from the index exactly', async () => {
      const clock = new ManualClock(1000);
      const open = await opener(clock);
      const b = open();
      fill(b, keysOf(120));
      await b.flush();
      const r = open();
      await r.restoreFromIndex();
      assert.deepEqual(normalizeSnapshot(r.snapshot()), normalizeSnapshot(b.snapshot()));
    });

    test('split over three instances and merged back into one, it is the same state', async () => {
      const clock = new ManualClock(1000);
      const open = await opener(clock);
      const b = open();
      fill(b, keysOf(150));
      await b.flush();
      const parts = [0, 1, 2].map((i) => open(keyGroupRangeForSubtask(MAX_P, 3, i)));
      for (const p of parts) await p.restoreFromIndex();
      assert.ok(
        parts.every((p) => p.snapshot().keyGroups.length > 0),
        'every instance owns some keys',
      );
      assert.deepEqual(
        normalizeSnapshot(merged(parts.map((p) => p.snapshot()))),
        normalizeSnapshot(b.snapshot()),
      );
      const whole = open();
      await whole.restoreFromIndex();
      assert.deepEqual(normalizeSnapshot(whole.snapshot()), normalizeSnapshot(b.snapshot()));
    });

    test('changes and expiries since the last flush reach the index at the next one', async () => {
      const clock = new ManualClock(1000);
      const open = await opener(clock);
      const b = open();
      const keys = keysOf(60);
      fill(b, keys);
      await b.flush();
      clock.advance(5000);
      for (const key of keys.slice(0, 20)) {
        b.setCurrentKey(key);
        b.getValueState(V).clear();
        b.getListState(L).add('later');
        b.getMapState(M).remove('x');
        b.getTimerService('t', () => {}).deleteEventTimeTimer(key, 1000, 59_999 + (keys.indexOf(key) % 7));
      }
      for (const key of keys.slice(20, 30)) {
        b.setCurrentKey(key);
        b.getValueState(T).update('refreshed'); // resets its TTL
      }
      clock.advance(6000); // the entries not refreshed are past their TTL now
      await b.flush();
      const r = open();
      await r.restoreFromIndex();
      assert.deepEqual(normalizeSnapshot(r.snapshot()), normalizeSnapshot(b.snapshot()));
      r.setCurrentKey(keys[20] as Key);
      assert.equal(r.getValueState(T).value(), 'refreshed');
      r.setCurrentKey(keys[2] as Key);
      assert.equal(r.getValueState(T).value(), undefined, 'expired before the flush');
    });
  });
}
