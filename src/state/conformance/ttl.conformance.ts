/** State TTL in Flink's terms, driven by a manual clock. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../time/manual-clock.js';
import { listState, mapState, valueState } from '../state-descriptors.js';
import type { StateTtlConfig } from '../state-ttl.js';
import { keysIn, openKeyed, type StateBackendFactory, streamedSnapshot } from './conformance-helpers.js';

const ttl = (extra: Partial<StateTtlConfig> = {}): StateTtlConfig => ({ ttlMs: 1000, ...extra });

export function describeTtlConformance(factory: StateBackendFactory): void {
  describe('state TTL', () => {
    test('a value expires ttl ms after its last write, and reads do not extend it (onCreateAndWrite)', async () => {
      const clock = new ManualClock(0);
      const b = await openKeyed(factory, { clock });
      const s = b.getValueState(valueState<string>('v', { ttl: ttl(), defaultValue: 'default' }));
      b.setCurrentKey('k');
      s.update('x');
      clock.advance(500);
      s.update('y');
      clock.advance(999);
      assert.equal(s.value(), 'y', 'the write at 500 ms reset the clock');
      clock.advance(1);
      assert.equal(s.value(), 'default', 'expired: the default, as if absent');
    });

    test('every read extends the life with onReadAndWrite', async () => {
      const clock = new ManualClock(0);
      const b = await openKeyed(factory, { clock });
      const s = b.getValueState(valueState<string>('v', { ttl: ttl({ updateType: 'onReadAndWrite' }) }));
      b.setCurrentKey('k');
      s.update('x');
      clock.advance(900);
      assert.equal(s.value(), 'x');
      clock.advance(900);
      assert.equal(s.value(), 'x', 'the read at 900 ms reset the clock');
      clock.advance(1000);
      assert.equal(s.value(), undefined);
    });

    test('returnExpiredIfNotCleanedUp returns an expired value once more; neverReturnExpired never', async () => {
      const clock = new ManualClock(0);
      const b = await openKeyed(factory, { clock });
      const noCleanup = { cleanup: { entriesPerAccess: 0 } };
      const lenient = b.getValueState(
        valueState<string>('lenient', {
          ttl: ttl({ visibility: 'returnExpiredIfNotCleanedUp', ...noCleanup }),
        }),
      );
      const strict = b.getValueState(valueState<string>('strict', { ttl: ttl(noCleanup) }));
      b.setCurrentKey('k');
      lenient.update('old');
      strict.update('old');
      clock.advance(5000);
      assert.equal(strict.value(), undefined);
      assert.equal(lenient.value(), 'old');
      assert.equal(lenient.value(), undefined, 'the read cleaned it up');
    });

    test('list elements and map entries expire one by one', async () => {
      const clock = new ManualClock(0);
      const b = await openKeyed(factory, { clock });
      const list = b.getListState(listState<number>('l', { ttl: ttl() }));
      const m = b.getMapState(mapState<string>('m', { ttl: ttl() }));
      b.setCurrentKey('k');
      list.add(1);
      m.put('a', 'A');
      clock.advance(600);
      list.add(2);
      m.put('b', 'B');
      clock.advance(600);
      assert.deepEqual(list.get(), [2]);
      assert.deepEqual(m.entries(), [['b', 'B']]);
      assert.equal(m.contains('a'), false);
      clock.advance(600);
      assert.deepEqual(list.get(), []);
      assert.equal(m.isEmpty(), true);
      assert.deepEqual(b.keys('l'), []);
    });

    test('incremental cleanup keeps memory bounded for keys that are never read again', async () => {
      const clock = new ManualClock(0);
      const b = await openKeyed(factory, { clock });
      const s = b.getValueState(valueState<number>('sessions', { ttl: { ttlMs: 1000 } }));
      let peak = 0;
      // 100 new keys per simulated second for 100 seconds; each lives 1 s and is never read.
      for (let second = 0; second < 100; second++) {
        for (let i = 0; i < 100; i++) {
          b.setCurrentKey(`user-${second}-${i}`);
          s.update(i);
          clock.advance(10);
        }
        peak = Math.max(peak, b.keyCount('sessions'));
      }
      assert.ok(
        peak >= 100 && peak < 300,
        `live keys should stay near one TTL's worth (100), peaked at ${peak}`,
      );
    });

    test('key iteration leaves expired entries out', async () => {
      const clock = new ManualClock(0);
      const b = await openKeyed(factory, { clock });
      const s = b.getValueState(valueState<number>('v', { ttl: ttl({ cleanup: { entriesPerAccess: 0 } }) }));
      b.setCurrentKey('old');
      s.update(1);
      clock.advance(800);
      b.setCurrentKey('new');
      s.update(2);
      clock.advance(300);
      assert.deepEqual(b.keys('v'), ['new']);
    });

    test('expired entries are never in a snapshot, whole or streamed', async () => {
      const clock = new ManualClock(0);
      const b = await openKeyed(factory, { clock });
      const noCleanup = { cleanup: { entriesPerAccess: 0 } };
      const v = b.getValueState(valueState<number>('v', { ttl: ttl(noCleanup) }));
      const l = b.getListState(listState<number>('l', { ttl: ttl(noCleanup) }));
      const m = b.getMapState(mapState<number>('m', { ttl: ttl(noCleanup) }));
      b.setCurrentKey('old');
      v.update(1);
      l.add(1);
      m.put('x', 1);
      clock.advance(800);
      b.setCurrentKey('new');
      v.update(2);
      l.add(2);
      m.put('y', 2);
      b.setCurrentKey('old');
      l.add(3);
      m.put('z', 3);
      clock.advance(300);
      const whole = b.snapshot();
      const { snapshot: streamed } = await streamedSnapshot(b, { maxRowsPerChunk: 1 });
      for (const snap of [whole, streamed]) {
        assert.deepEqual(keysIn(snap, 'v'), ['new']);
        const lists = snap.keyGroups.flatMap((g) => g.states.l?.entries ?? []);
        const elements = lists.flatMap((row) => (row[1] as Array<{ value: number }>).map((e) => e.value));
        assert.deepEqual(elements.sort(), [2, 3]);
        const maps = snap.keyGroups.flatMap((g) => g.states.m?.entries ?? []);
        const userKeys = maps.flatMap((row) => (row[1] as unknown[][]).map((e) => e[0]));
        assert.deepEqual(userKeys.sort(), ['y', 'z']);
      }
    });

    test('a restored entry keeps its TTL clock', async () => {
      const clock = new ManualClock(0);
      const b = await openKeyed(factory, { clock });
      b.getValueState(valueState<string>('v', { ttl: ttl() }));
      b.setCurrentKey('k');
      b.getValueState(valueState<string>('v', { ttl: ttl() })).update('x');
      clock.advance(600);
      const snap = b.snapshot();
      const restored = await openKeyed(factory, { clock });
      restored.restore(snap);
      const s = restored.getValueState(valueState<string>('v', { ttl: ttl() }));
      restored.setCurrentKey('k');
      assert.equal(s.value(), 'x');
      clock.advance(400);
      assert.equal(s.value(), undefined, 'written at 0 ms, so gone at 1000 ms after the restore too');
    });
  });
}
