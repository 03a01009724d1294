/** Snapshots (whole and streamed), restores, key-group rescaling and the errors around them. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Key } from '../../core/key.js';
import { ManualClock } from '../../time/manual-clock.js';
import { fullKeyGroupRange, keyGroupOf, keyGroupRangeForSubtask } from '../key-groups.js';
import {
  CollectingSnapshotWriter,
  type KeyedStateSnapshot,
  type KeyedStateSnapshotChunk,
} from '../keyed-state-snapshot.js';
import type { KeyedStateBackend } from '../state-backend.js';
import { listState, mapState, valueState } from '../state-descriptors.js';
import {
  MAX_P,
  normalize,
  openKeyed,
  type StateBackendFactory,
  streamedSnapshot,
} from './conformance-helpers.js';

const V = valueState<{ n: number }>('v');
const L = listState<string>('l');
const M = mapState<number>('m');

/** Fills every kind of state and both timer domains for `keys`. */
function fill(b: KeyedStateBackend, keys: readonly Key[]): void {
  const v = b.getValueState(V);
  const l = b.getListState(L);
  const m = b.getMapState(M);
  const ns = b.getNamespacedState<{ count: number }>('ns');
  const timers = b.getTimerService('t', () => {});
  for (const [i, key] of keys.entries()) {
    b.setCurrentKey(key);
    v.update({ n: i });
    l.addAll([`${String(key)}-1`, `${String(key)}-2`]);
    m.put('x', i);
    if (i % 2 === 0) m.put('y', -i);
    ns.set(1000, { count: i });
    if (i % 3 === 0) ns.set(Number.NEGATIVE_INFINITY, { count: 0 });
    timers.registerEventTimeTimer(key, 1000, 1999 + (i % 5));
    if (i % 4 === 0) timers.registerProcessingTimeTimer(key, 0, 50_000 + i);
  }
}

/** Makes the operator-side registrations a restored backend needs before it is read. */
function register(b: KeyedStateBackend): void {
  b.getValueState(V);
  b.getListState(L);
  b.getMapState(M);
  b.getNamespacedState('ns');
  b.getTimerService('t', () => {});
}

const keysOf = (n: number, prefix = 'key'): Key[] =>
  Array.from({ length: n }, (_, i) => (i % 7 === 0 ? i : `${prefix}-${i}`));

export function describeSnapshotConformance(factory: StateBackendFactory): void {
  describe('snapshots and restore', () => {
    test('a whole snapshot restores every kind of state and the timers, and later changes stay out of it', async () => {
      const b = await openKeyed(factory);
      fill(b, ['a', 'b', 7]);
      const snap = b.snapshot();
      b.setCurrentKey('a');
      b.getValueState(V).update({ n: 99 });
      b.getNamespacedState<{ count: number }>('ns').get(1000)!.count = 99;

      const r = await openKeyed(factory);
      r.restore(snap);
      r.setCurrentKey('a');
      assert.deepEqual(r.getValueState(V).value(), { n: 0 });
      assert.deepEqual(r.getNamespacedState<{ count: number }>('ns').get(1000), { count: 0 });
      r.setCurrentKey(7);
      assert.deepEqual(r.getListState(L).get(), ['7-1', '7-2']);
      assert.deepEqual(r.getMapState(M).entries(), [
        ['x', 2],
        ['y', -2],
      ]);
      const fired: Key[] = [];
      r.getTimerService('t', () => {}).advanceWatermark(5000, (_ts, key) => fired.push(key));
      assert.deepEqual(fired.map(String).sort(), ['7', 'a', 'b']);
      assert.deepEqual(normalize(r.snapshot()).keyGroups.length > 0, true);
    });

    test('a streamed snapshot holds exactly what a whole snapshot holds, and restores from its chunks', async () => {
      const b = await openKeyed(factory);
      fill(b, keysOf(300));
      const whole = b.snapshot();
      const { snapshot, writer } = await streamedSnapshot(b, { maxRowsPerChunk: 37 });
      assert.deepEqual(normalize(snapshot), normalize(whole));
      assert.ok(writer.chunks.length > 10, `streamed in many chunks (${writer.chunks.length})`);

      const r = await openKeyed(factory);
      await r.restoreFrom({ formatVersion: 1, maxParallelism: MAX_P }, writer.chunks);
      register(r);
      assert.deepEqual(normalize(r.snapshot()), normalize(whole));
    });

    test('restoreFrom reads chunks from an async source', async () => {
      const b = await openKeyed(factory);
      fill(b, keysOf(50));
      const { writer } = await streamedSnapshot(b, { maxRowsPerChunk: 10 });
      async function* chunks(): AsyncIterable<KeyedStateSnapshotChunk> {
        for (const c of writer.chunks) yield c;
      }
      const r = await openKeyed(factory);
      await r.restoreFrom({ formatVersion: 1, maxParallelism: MAX_P }, chunks());
      assert.deepEqual(normalize(r.snapshot()), normalize(b.snapshot()));
    });

    test('no chunk holds more rows than maxRowsPerChunk', async () => {
      const b = await openKeyed(factory);
      fill(b, keysOf(200));
      for (const maxRowsPerChunk of [1, 7, 100]) {
        const { writer } = await streamedSnapshot(b, { maxRowsPerChunk });
        const sizes = writer.chunks.map((c) => CollectingSnapshotWriter.rowsIn(c));
        assert.ok(Math.max(...sizes) <= maxRowsPerChunk, `max ${Math.max(...sizes)} > ${maxRowsPerChunk}`);
        assert.equal(
          sizes.reduce((a, c) => a + c, 0),
          CollectingSnapshotWriter.rowsIn(b.snapshot().keyGroups),
        );
      }
    });

    test('a streamed snapshot is the state at its start while the job changes state between chunks', async () => {
      const b = await openKeyed(factory);
      const keys = keysOf(2000);
      fill(b, keys);
      const expected = normalize(b.snapshot());
      const v = b.getValueState(V);
      const l = b.getListState(L);
      const m = b.getMapState(M);
      const ns = b.getNamespacedState<{ count: number }>('ns');
      const timers = b.getTimerService('t', () => {});
      let round = 0;
      const writer = new CollectingSnapshotWriter();
      const write = writer.write.bind(writer);
      writer.write = (chunk) => {
        write(chunk);
        // What a running job does between two chunks: every kind of change, to written and unwritten keys.
        for (let j = 0; j < 40; j++) {
          const key = keys[(round * 97 + j * 31) % keys.length] as Key;
          b.setCurrentKey(key);
          const kind = (round + j) % 6;
          if (kind === 0) v.update({ n: -1 });
          else if (kind === 1) v.clear();
          else if (kind === 2) l.add('late');
          else if (kind === 3) m.put('x', -1);
          else if (kind === 4) {
            const entry = ns.get(1000);
            if (entry !== undefined) entry.count++; // in place, as window accumulators are
            ns.delete(Number.NEGATIVE_INFINITY);
          } else {
            timers.registerEventTimeTimer(key, 1000, 7777);
            timers.deleteEventTimeTimer(key, 1000, 1999);
          }
          b.setCurrentKey(`created-after-start-${round}-${j}`);
          v.update({ n: 0 });
        }
        round++;
      };
      await b.snapshotTo(writer, { maxRowsPerChunk: 64 });
      assert.ok(round > 20, `the job changed state between ${round} chunks`);
      assert.deepEqual(normalize(writer.result()), expected);
      b.setCurrentKey(`created-after-start-0-0`);
      assert.deepEqual(v.value(), { n: 0 }, 'the changes themselves are live');
    });

    test('refuses a second snapshot or a restore while a streamed snapshot runs, and allows one after', async () => {
      const b = await openKeyed(factory);
      fill(b, keysOf(100));
      const running = b.snapshotTo(new CollectingSnapshotWriter(), { maxRowsPerChunk: 5 });
      assert.throws(() => b.snapshot(), /already running/);
      await assert.rejects(b.snapshotTo(new CollectingSnapshotWriter()), /already running/);
      assert.throws(() => b.restore(emptySnapshot()), /while a snapshot is running/);
      await running;
      assert.ok(b.snapshot().keyGroups.length > 0);
    });

    test('a failing writer fails the snapshot and leaves the backend usable', async () => {
      const b = await openKeyed(factory);
      fill(b, keysOf(100));
      const writer = new CollectingSnapshotWriter();
      writer.write = () => Promise.reject(new Error('disk full'));
      await assert.rejects(b.snapshotTo(writer, { maxRowsPerChunk: 5 }), /disk full/);
      const { snapshot } = await streamedSnapshot(b);
      assert.deepEqual(normalize(snapshot), normalize(b.snapshot()));
    });

    test('state restored but not asked for yet is in the next snapshot', async () => {
      const b = await openKeyed(factory);
      fill(b, keysOf(40));
      const snap = b.snapshot();
      const r = await openKeyed(factory);
      r.restore(snap);
      assert.deepEqual(normalize(r.snapshot()), normalize(snap));
      assert.deepEqual(
        normalize((await streamedSnapshot(r, { maxRowsPerChunk: 3 })).snapshot),
        normalize(snap),
      );
    });

    test('rescaling 1 → 2 → 4 → 1 instances by key group keeps exactly the same state', async () => {
      const one = await openKeyed(factory);
      const keys = keysOf(600);
      fill(one, keys);
      const original = one.snapshot();
      const rescale = async (snapshots: KeyedStateSnapshot[], parallelism: number) =>
        Promise.all(
          Array.from({ length: parallelism }, async (_, i) => {
            const range = keyGroupRangeForSubtask(MAX_P, parallelism, i);
            const part = await openKeyed(factory, { range });
            for (const s of snapshots) part.restore(s);
            register(part);
            const snap = part.snapshot();
            for (const g of snap.keyGroups) {
              assert.ok(
                g.keyGroup >= range.startKeyGroup && g.keyGroup <= range.endKeyGroup,
                'only its own groups',
              );
            }
            return { part, snap };
          }),
        );
      const two = await rescale([original], 2);
      const counts = two.map(({ part }) => part.keys('v').length);
      assert.equal(counts[0]! + counts[1]!, keys.length, 'every key in exactly one of two');
      assert.ok(Math.min(...counts) > 150, `keys spread over both (${counts.join(', ')})`);
      for (const { part } of two) {
        for (const k of part.keys('v')) assert.ok(part.keyGroupRange.startKeyGroup <= keyGroupOf(k, MAX_P));
      }
      const four = await rescale(
        two.map((x) => x.snap),
        4,
      );
      const back = await rescale(
        four.map((x) => x.snap),
        1,
      );
      assert.deepEqual(normalize(back[0]!.snap), normalize(original));
      const merged = back[0]!.part;
      merged.setCurrentKey('key-1');
      assert.deepEqual(merged.getValueState(V).value(), { n: 1 });
    });

    test('refuses a snapshot taken with another maxParallelism, whole or streamed', async () => {
      const b = await openKeyed(factory);
      fill(b, ['a']);
      const snap = b.snapshot();
      const other = await openKeyed(factory, { maxParallelism: 64, range: fullKeyGroupRange(64) });
      assert.throws(() => other.restore(snap), /maxParallelism 128/);
      await assert.rejects(
        other.restoreFrom({ formatVersion: 1, maxParallelism: 128 }, []),
        /maxParallelism 128/,
      );
      assert.throws(
        () => other.restore({ ...snap, formatVersion: 2 as 1 }),
        /unsupported state snapshot format/,
      );
    });

    test('refuses restored state asked for as another kind', async () => {
      const b = await openKeyed(factory);
      fill(b, ['a']);
      const r = await openKeyed(factory, { clock: new ManualClock(0) });
      r.restore(b.snapshot());
      assert.throws(() => r.getListState(listState('v')), /restored state "v" is value state/);
      assert.throws(() => r.getValueState(valueState('ns')), /restored state "ns" is namespaced state/);
    });
  });
}

function emptySnapshot(): KeyedStateSnapshot {
  return { formatVersion: 1, maxParallelism: MAX_P, keyGroups: [] };
}
