/** Value, list, map and namespaced state per key; current-key switching, defaults, key iteration, kind errors. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { listState, mapState, valueState } from '../state-descriptors.js';
import { openKeyed, type StateBackendFactory } from './conformance-helpers.js';

export function describeKeyedStateConformance(factory: StateBackendFactory): void {
  describe('keyed state', () => {
    test('value state keeps one value per key and follows the current key', async () => {
      const b = await openKeyed(factory);
      const count = b.getValueState(valueState<number>('count'));
      b.setCurrentKey('a');
      assert.equal(count.value(), undefined, 'no default: undefined');
      count.update(1);
      count.update((count.value() ?? 0) + 1);
      b.setCurrentKey('b');
      assert.equal(b.getCurrentKey(), 'b');
      assert.equal(count.value(), undefined);
      count.update(10);
      b.setCurrentKey('a');
      assert.equal(count.value(), 2);
      b.setCurrentKey('b');
      assert.equal(count.value(), 10);
    });

    test('value state returns the default when absent or cleared, and update(undefined) clears', async () => {
      const b = await openKeyed(factory);
      const s = b.getValueState(valueState<number>('s', { defaultValue: 7 }));
      b.setCurrentKey('k');
      assert.equal(s.value(), 7);
      s.update(1);
      assert.equal(s.value(), 1);
      s.clear();
      assert.equal(s.value(), 7);
      s.update(2);
      s.update(undefined as unknown as number);
      assert.equal(s.value(), 7);
      assert.equal(b.keyCount('s'), 0);
    });

    test('string and number keys are distinct keys', async () => {
      const b = await openKeyed(factory);
      const s = b.getValueState(valueState<string>('s'));
      b.setCurrentKey('1');
      s.update('string');
      b.setCurrentKey(1);
      s.update('number');
      b.setCurrentKey('1');
      assert.equal(s.value(), 'string');
      assert.equal(b.keyCount('s'), 2);
    });

    test('list state appends, replaces, clears and hands out copies', async () => {
      const b = await openKeyed(factory);
      const list = b.getListState(listState<string>('l'));
      b.setCurrentKey(1);
      assert.deepEqual(list.get(), []);
      list.add('x');
      list.addAll(['y', 'z']);
      list.addAll([]);
      const copy = list.get();
      copy.push('not stored');
      assert.deepEqual(list.get(), ['x', 'y', 'z']);
      list.update(['only']);
      assert.deepEqual(list.get(), ['only']);
      b.setCurrentKey(2);
      assert.deepEqual(list.get(), []);
      b.setCurrentKey(1);
      list.clear();
      assert.deepEqual(list.get(), []);
    });

    test('map state keeps user entries per key', async () => {
      const b = await openKeyed(factory);
      const m = b.getMapState(mapState<number>('m'));
      b.setCurrentKey('a');
      assert.equal(m.isEmpty(), true);
      m.put('x', 1);
      m.putAll([
        ['y', 2],
        [3, 3],
      ]);
      m.remove('y');
      m.remove('never there');
      assert.equal(m.get('x'), 1);
      assert.equal(m.get('y'), undefined);
      assert.equal(m.contains('y'), false);
      assert.equal(m.contains(3), true);
      assert.deepEqual(m.entries(), [
        ['x', 1],
        [3, 3],
      ]);
      assert.deepEqual(m.keys(), ['x', 3]);
      assert.deepEqual(m.values(), [1, 3]);
      b.setCurrentKey('b');
      assert.equal(m.isEmpty(), true);
      b.setCurrentKey('a');
      m.clear();
      assert.equal(m.isEmpty(), true);
    });

    test('namespaced state keeps one value per key and namespace, and lists every entry', async () => {
      const b = await openKeyed(factory);
      const ns = b.getNamespacedState<string>('windows');
      b.setCurrentKey('a');
      ns.set(0, 'a0');
      ns.set(1000, 'a1000');
      ns.set(Number.NEGATIVE_INFINITY, 'a-global');
      b.setCurrentKey('b');
      ns.set(0, 'b0');
      assert.equal(ns.get(1000), undefined);
      b.setCurrentKey('a');
      assert.equal(ns.get(0), 'a0');
      assert.equal(ns.get(Number.NEGATIVE_INFINITY), 'a-global');
      ns.delete(0);
      assert.equal(ns.get(0), undefined);
      const entries = [...ns.entries()].map(([k, n, v]) => `${k}/${n}/${v}`).sort();
      assert.deepEqual(entries, ['a/-Infinity/a-global', 'a/1000/a1000', 'b/0/b0']);
      assert.equal(b.keyCount('windows'), 2);
    });

    test('asking twice for a state gives the same state', async () => {
      const b = await openKeyed(factory);
      b.setCurrentKey('k');
      b.getValueState(valueState<number>('v')).update(5);
      assert.equal(b.getValueState(valueState<number>('v')).value(), 5);
    });

    test('key iteration lists the keys holding a state, and the caller may change state while iterating', async () => {
      const b = await openKeyed(factory);
      const v = b.getValueState(valueState<number>('v'));
      for (const k of ['a', 'b', 3]) {
        b.setCurrentKey(k);
        v.update(1);
      }
      b.setCurrentKey('b');
      v.clear();
      const keys = b.keys('v');
      assert.deepEqual(keys.map(String).sort(), ['3', 'a']);
      for (const k of keys) {
        b.setCurrentKey(k);
        v.update((v.value() ?? 0) + 1);
        b.setCurrentKey(`new-${String(k)}`);
        v.update(0);
      }
      b.setCurrentKey('a');
      assert.equal(v.value(), 2);
      assert.equal(b.keys('v').length, 4);
      assert.deepEqual(b.keys('never registered'), []);
    });

    test('refuses one state name registered with two kinds', async () => {
      const b = await openKeyed(factory);
      b.getValueState(valueState('s'));
      assert.throws(() => b.getListState(listState('s')), /already registered as value state/);
      assert.throws(() => b.getMapState(mapState('s')), /already registered as value state/);
      assert.throws(() => b.getNamespacedState('s'), /already registered as value state/);
    });
  });
}
