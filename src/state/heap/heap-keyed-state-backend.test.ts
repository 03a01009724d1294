import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../time/manual-clock.js';
import { fullKeyGroupRange, keyGroupOf, keyGroupRangeForSubtask } from '../key-groups.js';
import { CollectingSnapshotWriter } from '../keyed-state-snapshot.js';
import { listState, mapState, valueState } from '../state-descriptors.js';
import type { StateTtlConfig } from '../state-ttl.js';
import { HeapKeyedStateBackend } from './heap-keyed-state-backend.js';

const MAX_P = 128;

function backend(clock = new ManualClock(0), range = fullKeyGroupRange(MAX_P)) {
  return new HeapKeyedStateBackend(range, MAX_P, clock);
}

describe('keyed value, list and map state', () => {
  it('keeps a separate value per key', () => {
    const b = backend();
    const count = b.getValueState(valueState<number>('count', { defaultValue: 0 }));
    b.setCurrentKey('a');
    count.update((count.value() ?? 0) + 1);
    count.update((count.value() ?? 0) + 1);
    b.setCurrentKey('b');
    assert.equal(count.value(), 0);
    count.update(10);
    b.setCurrentKey('a');
    assert.equal(count.value(), 2);
    count.clear();
    assert.equal(count.value(), 0);
    assert.equal(b.keyCount('count'), 1);
  });

  it('appends to, replaces and copies list state', () => {
    const b = backend();
    const list = b.getListState(listState<string>('l'));
    b.setCurrentKey(1);
    list.add('x');
    list.addAll(['y', 'z']);
    const copy = list.get();
    copy.push('not stored');
    assert.deepEqual(list.get(), ['x', 'y', 'z']);
    list.update(['only']);
    assert.deepEqual(list.get(), ['only']);
    b.setCurrentKey(2);
    assert.deepEqual(list.get(), []);
  });

  it('keeps map entries per key', () => {
    const b = backend();
    const m = b.getMapState(mapState<number>('m'));
    b.setCurrentKey('a');
    m.put('x', 1);
    m.putAll([
      ['y', 2],
      ['z', 3],
    ]);
    m.remove('y');
    assert.equal(m.get('x'), 1);
    assert.equal(m.contains('y'), false);
    assert.deepEqual(m.entries(), [
      ['x', 1],
      ['z', 3],
    ]);
    b.setCurrentKey('b');
    assert.equal(m.isEmpty(), true);
  });

  it('refuses to register one state name with two kinds', () => {
    const b = backend();
    b.getValueState(valueState('s'));
    assert.throws(() => b.getListState(listState('s')), /already registered as value state/);
  });
});

describe('state TTL, driven by a manual clock', () => {
  const ttl = (extra: Partial<StateTtlConfig> = {}): StateTtlConfig => ({ ttlMs: 1000, ...extra });

  it('expires a value ttl ms after its last write (onCreateAndWrite)', () => {
    const clock = new ManualClock(0);
    const b = backend(clock);
    const s = b.getValueState(valueState<string>('v', { ttl: ttl() }));
    b.setCurrentKey('k');
    s.update('x');
    clock.advance(999);
    assert.equal(s.value(), 'x', 'reading does not extend the life with onCreateAndWrite');
    clock.advance(1);
    assert.equal(s.value(), undefined);
  });

  it('extends the life on every read with onReadAndWrite', () => {
    const clock = new ManualClock(0);
    const b = backend(clock);
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

  it('returns an expired value once more with returnExpiredIfNotCleanedUp, never with neverReturnExpired', () => {
    const clock = new ManualClock(0);
    const b = backend(clock);
    const lenient = b.getValueState(
      valueState<string>('lenient', {
        ttl: ttl({ visibility: 'returnExpiredIfNotCleanedUp', cleanup: { entriesPerAccess: 0 } }),
      }),
    );
    const strict = b.getValueState(
      valueState<string>('strict', { ttl: ttl({ cleanup: { entriesPerAccess: 0 } }) }),
    );
    b.setCurrentKey('k');
    lenient.update('old');
    strict.update('old');
    clock.advance(5000);
    assert.equal(strict.value(), undefined);
    assert.equal(lenient.value(), 'old');
    assert.equal(lenient.value(), undefined, 'the read cleaned it up');
  });

  it('expires list elements one by one', () => {
    const clock = new ManualClock(0);
    const b = backend(clock);
    const list = b.getListState(listState<number>('l', { ttl: ttl() }));
    b.setCurrentKey('k');
    list.add(1);
    clock.advance(600);
    list.add(2);
    clock.advance(600);
    assert.deepEqual(list.get(), [2]);
    clock.advance(600);
    assert.deepEqual(list.get(), []);
    assert.equal(b.keyCount('l'), 0);
  });

  it('expires map entries one by one', () => {
    const clock = new ManualClock(0);
    const b = backend(clock);
    const m = b.getMapState(mapState<string>('m', { ttl: ttl() }));
    b.setCurrentKey('k');
    m.put('a', 'A');
    clock.advance(600);
    m.put('b', 'B');
    clock.advance(600);
    assert.deepEqual(m.entries(), [['b', 'B']]);
    assert.equal(m.get('a'), undefined);
  });

  it('keeps memory bounded: incremental cleanup removes expired keys that are never read again', () => {
    const clock = new ManualClock(0);
    const b = backend(clock);
    const s = b.getValueState(valueState<number>('sessions', { ttl: { ttlMs: 1000 } }));
    let peak = 0;
    // 100 new keys per simulated second for 200 seconds; each key lives 1 s and is never read.
    for (let second = 0; second < 200; second++) {
      for (let i = 0; i < 100; i++) {
        b.setCurrentKey(`user-${second}-${i}`);
        s.update(i);
        clock.advance(10);
      }
      peak = Math.max(peak, b.keyCount('sessions'));
    }
    assert.ok(peak < 300, `live keys should stay near one TTL's worth (100), peaked at ${peak}`);
    assert.ok(peak >= 100);
  });

  it('leaves expired entries out of snapshots', () => {
    const clock = new ManualClock(0);
    const b = backend(clock);
    const s = b.getValueState(valueState<number>('v', { ttl: ttl({ cleanup: { entriesPerAccess: 0 } }) }));
    b.setCurrentKey('old');
    s.update(1);
    clock.advance(800);
    b.setCurrentKey('new');
    s.update(2);
    clock.advance(300);
    const snap = b.snapshot();
    const keys = snap.keyGroups.flatMap((g) => (g.states.v?.entries ?? []).map((row) => row[0]));
    assert.deepEqual(keys, ['new']);
  });
});

describe('snapshots and key groups', () => {
  it('restores every kind of state and timers from a snapshot', () => {
    const b = backend();
    const v = b.getValueState(valueState<{ n: number }>('v'));
    const l = b.getListState(listState<string>('l'));
    const m = b.getMapState(mapState<number>('m'));
    const ns = b.getNamespacedState<string>('ns');
    const timers = b.getTimerService('t', () => {});
    for (const key of ['a', 'b', 7]) {
      b.setCurrentKey(key);
      v.update({ n: String(key).length });
      l.addAll([`${key}1`, `${key}2`]);
      m.put('x', 1);
      ns.set(1000, `w-${key}`);
      timers.registerEventTimeTimer(key, 1000, 1999);
    }
    const snap = b.snapshot();
    b.setCurrentKey('a');
    v.update({ n: 99 }); // changes after the snapshot must not leak into it

    const restored = backend();
    restored.restore(snap);
    const v2 = restored.getValueState(valueState<{ n: number }>('v'));
    const l2 = restored.getListState(listState<string>('l'));
    const m2 = restored.getMapState(mapState<number>('m'));
    const ns2 = restored.getNamespacedState<string>('ns');
    restored.setCurrentKey('a');
    assert.deepEqual(v2.value(), { n: 1 });
    restored.setCurrentKey(7);
    assert.deepEqual(l2.get(), ['71', '72']);
    assert.equal(m2.get('x'), 1);
    assert.equal(ns2.get(1000), 'w-7');
    const fired: Array<[number, unknown]> = [];
    restored.getTimerService('t', () => {}).advanceWatermark(5000, (ts, key) => fired.push([ts, key]));
    assert.equal(fired.length, 3);
  });

  it('splits a snapshot between two instances by key group, losing and duplicating nothing', () => {
    const b = backend();
    const v = b.getValueState(valueState<number>('v'));
    const keys = Array.from({ length: 500 }, (_, i) => `key-${i}`);
    for (const [i, k] of keys.entries()) {
      b.setCurrentKey(k);
      v.update(i);
    }
    const snap = b.snapshot();
    const halves = [0, 1].map((i) => {
      const part = backend(new ManualClock(0), keyGroupRangeForSubtask(MAX_P, 2, i));
      part.restore(snap);
      const pv = part.getValueState(valueState<number>('v'));
      return keys.filter((k) => {
        part.setCurrentKey(k);
        return pv.value() !== undefined;
      });
    });
    assert.equal((halves[0]?.length ?? 0) + (halves[1]?.length ?? 0), 500);
    assert.ok(
      (halves[0]?.length ?? 0) > 150 && (halves[1]?.length ?? 0) > 150,
      'keys spread over both halves',
    );
    for (const k of halves[0] ?? []) assert.ok((keyGroupOf(k, MAX_P) as number) < 64);
  });

  it('refuses a snapshot taken with another maxParallelism', () => {
    const snap = backend().snapshot();
    const other = new HeapKeyedStateBackend(fullKeyGroupRange(64), 64, new ManualClock(0));
    assert.throws(() => other.restore(snap), /maxParallelism 128/);
  });
});

describe('streamed snapshots of a large state', () => {
  it('snapshots 1,000,000 keys exactly as they were at the start while keys keep changing between chunks, in bounded chunks', async () => {
    const N = 1_000_000;
    const b = backend();
    const v = b.getValueState(valueState<{ n: number }>('v'));
    for (let i = 0; i < N; i++) {
      b.setCurrentKey(`k${i}`);
      v.update({ n: i });
    }
    const maxRowsPerChunk = 10_000;
    const rowsPerChunk: number[] = [];
    let changes = 0;
    let rows = 0;
    let wrong = 0;
    await b.snapshotTo(
      {
        start: () => {},
        write: (chunk) => {
          rowsPerChunk.push(CollectingSnapshotWriter.rowsIn(chunk));
          for (const piece of chunk) {
            for (const row of piece.states.v?.entries ?? []) {
              rows++;
              if (`k${(row[1] as { n: number }).n}` !== row[0]) wrong++;
            }
          }
          // The job between two chunks: change values in place and by update, delete keys, add keys,
          // spread over keys already written and keys still to come.
          for (let j = 0; j < 500; j++) {
            const i = (changes * 7919) % N;
            changes++;
            b.setCurrentKey(`k${i}`);
            if (j % 3 === 0) v.update({ n: -1 });
            else if (j % 3 === 1) {
              const value = v.value();
              if (value !== undefined) value.n = -2;
            } else v.clear();
            b.setCurrentKey(`new-${changes}`);
            v.update({ n: -3 });
          }
        },
        finish: () => {},
      },
      { maxRowsPerChunk },
    );
    assert.equal(rows, N, 'every key present at the start, and no key created after it');
    assert.equal(wrong, 0, 'every value as it was at the start');
    assert.ok(changes >= 50_000, `the job changed ${changes} keys during the snapshot`);
    assert.ok(rowsPerChunk.length >= N / maxRowsPerChunk);
    assert.ok(
      Math.max(...rowsPerChunk) <= maxRowsPerChunk,
      'no chunk over the bound: the loop is never held longer',
    );
    b.setCurrentKey('k0');
    assert.deepEqual(v.value(), { n: -1 }, "the job's own changes are live");
  });
});
