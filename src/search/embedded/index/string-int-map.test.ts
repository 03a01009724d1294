import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StringIntMap } from './string-int-map.js';

/** A seeded linear congruential generator, so a failure replays. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
}

test('agrees with a Map under random sets, interns and deletes, through growth and wrap-around', () => {
  const rand = seededRandom(7);
  // As in the index, each value names its key: value v stands for keys[v].
  const keys: string[] = [];
  const map = new StringIntMap((v) => keys[v]!);
  const reference = new Map<string, number>();
  const valueFor = (key: string) => keys.push(key) - 1;
  // A small key space makes deletes hit, probe runs collide and wrap around the table's end.
  const keyOf = () => `k${Math.floor(rand() * 3000)}${rand() < 0.05 ? 'é東🚀' : ''}`;
  for (let step = 0; step < 200_000; step++) {
    const key = keyOf();
    const r = rand();
    if (r < 0.4) {
      const value = valueFor(key);
      map.set(key, value);
      reference.set(key, value);
    } else if (r < 0.6) {
      const value = valueFor(key);
      const found = map.getOrAdd(key, value);
      const expected = reference.get(key);
      assert.equal(found, expected ?? -1, `getOrAdd(${key}) at step ${step}`);
      if (expected === undefined) reference.set(key, value);
    } else if (r < 0.8) {
      assert.equal(map.delete(key), reference.delete(key), `delete(${key}) at step ${step}`);
    } else {
      assert.equal(map.get(key), reference.get(key) ?? -1, `get(${key}) at step ${step}`);
    }
    assert.equal(map.size, reference.size);
  }
  for (const [key, value] of reference) assert.equal(map.get(key), value);
  assert.equal(map.get('absent'), -1);
});

test('keeps a million distinct keys, and the empty string is a key like any other', () => {
  const keys = Array.from({ length: 1_000_000 }, (_, i) => String(i));
  const map = new StringIntMap((v) => keys[v]!);
  for (let i = 0; i < 1_000_000; i++) assert.equal(map.getOrAdd(keys[i]!, i), -1);
  keys.push('');
  map.set('', 1_000_000);
  assert.equal(map.size, 1_000_001);
  for (let i = 0; i < 1_000_000; i += 997) assert.equal(map.get(String(i)), i);
  assert.equal(map.get(''), 1_000_000);
  assert.equal(map.getOrAdd('42', 0), 42);
});

test('getRange finds a key by a span of a longer text, lowercasing ASCII when asked', () => {
  const keys = ['get', 'users', 'v1', 'x'.repeat(40), 'grüße'];
  const map = new StringIntMap((v) => keys[v]!);
  for (const [i, k] of keys.entries()) map.set(k, i);
  const text = 'GET /Users/v1 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx grüße gets';
  assert.equal(map.getRange(text, 0, 3, true), 0);
  assert.equal(map.getRange(text, 0, 3, false), -1, 'without lowercasing, GET is not get');
  assert.equal(map.getRange(text, 5, 10, true), 1);
  assert.equal(map.getRange(text, 11, 13, false), 2);
  assert.equal(map.getRange(text, 14, 54, false), 3);
  assert.equal(map.getRange(text, 55, 60, false), 4);
  assert.equal(map.getRange(text, 61, 65, false), -1, 'gets is not get: lengths differ');
  assert.equal(map.getRange(text, 61, 64, false), 0, 'a prefix span is the key it spells');
});
