import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashKey, keyGroupOf, keyGroupRangeForSubtask, subtaskForKeyGroup } from './key-groups.js';

describe('key groups', () => {
  it('hashes keys with MurmurHash3 x86_32 over UTF-16LE code units (values checked against the mmh3 reference)', () => {
    // Frozen: the snapshot format depends on these. Reference: Python mmh3.hash(s.encode('utf-16-le'), 0, signed=False);
    // int32 keys hash as one little-endian block; other numbers as the string 'n' + decimal.
    const expected: Array<[string | number, number]> = [
      ['', 0],
      ['a', 1867108634],
      ['/index.html', 3535505002],
      ['user-42', 2703341929],
      ['abc', 1118836419],
      [42, 3160117731],
      [-1, 1982413648],
      [1.5, 2298589277],
    ];
    for (const [key, hash] of expected) assert.equal(hashKey(key), hash, `hash of ${JSON.stringify(key)}`);
    assert.notEqual(hashKey('1'), hashKey(1), 'strings and numbers are distinct keys');
  });

  it('assigns every key group to exactly one instance, in contiguous ranges', () => {
    for (const parallelism of [1, 2, 3, 7, 128]) {
      const owner = new Array<number>(128).fill(-1);
      for (let i = 0; i < parallelism; i++) {
        const r = keyGroupRangeForSubtask(128, parallelism, i);
        for (let g = r.startKeyGroup; g <= r.endKeyGroup; g++) {
          assert.equal(owner[g], -1, `group ${g} owned twice`);
          owner[g] = i;
          assert.equal(subtaskForKeyGroup(128, parallelism, g), i);
        }
      }
      assert.ok(
        owner.every((o) => o >= 0),
        `parallelism ${parallelism} leaves a group unowned`,
      );
    }
  });

  it('spreads keys evenly over key groups', () => {
    const counts = new Array<number>(128).fill(0);
    for (let i = 0; i < 128_000; i++) {
      const g = keyGroupOf(`user-${i}`, 128);
      counts[g] = (counts[g] ?? 0) + 1;
    }
    assert.ok(
      Math.min(...counts) > 800 && Math.max(...counts) < 1200,
      `uneven: ${Math.min(...counts)}..${Math.max(...counts)}`,
    );
  });

  it('rejects parallelism above maxParallelism', () => {
    assert.throws(() => keyGroupRangeForSubtask(128, 129, 0), /between 1 and maxParallelism/);
  });
});
