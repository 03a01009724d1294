import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { MinHeap } from './min-heap.js';
import { TimerQueue } from './timer-queue.js';

const NON_FINITE = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];

function drain(heap: MinHeap): number[] {
  const out: number[] = [];
  for (let v = heap.pop(); v !== undefined; v = heap.pop()) out.push(v);
  return out;
}

describe('the timer min-heap', () => {
  it('refuses NaN and ±Infinity with a clear error and stays as it was', () => {
    const heap = new MinHeap();
    for (const v of [85, 75, 86, 1]) heap.push(v);
    for (const bad of NON_FINITE) {
      assert.throws(() => heap.push(bad), { name: 'RangeError', message: /finite number of epoch ms/ });
    }
    heap.push(3);
    assert.deepEqual(drain(heap), [1, 3, 75, 85, 86], 'the probe input of the review pops in order');
  });

  it('pops random finite inputs in order and refuses every non-finite one among them (seeded fuzz)', () => {
    const rng = xoroshiro128plus(7);
    const next = (n: number) => (rng.next() >>> 0) % n;
    let refused = 0;
    for (let run = 0; run < 5000; run++) {
      const heap = new MinHeap();
      const accepted: number[] = [];
      const length = 3 + next(12);
      for (let i = 0; i < length; i++) {
        // 15 % non-finite as in the review's probe; finite values include negatives, ties and fractions.
        const roll = next(100);
        const value = roll < 15 ? (NON_FINITE[roll % 3] as number) : (next(200) - 100) / (1 + next(3));
        if (Number.isFinite(value)) {
          heap.push(value);
          accepted.push(value);
        } else {
          assert.throws(() => heap.push(value), RangeError);
          refused++;
        }
      }
      assert.equal(heap.size, accepted.length);
      assert.deepEqual(
        drain(heap),
        accepted.sort((a, b) => a - b),
        `run ${run}`,
      );
    }
    assert.ok(refused > 1000, `the fuzz tried non-finite values (${refused})`);
  });
});

describe('the timer queue', () => {
  it('refuses a non-finite timer without registering anything', () => {
    const queue = new TimerQueue();
    for (const bad of NON_FINITE) assert.throws(() => queue.add(bad, 'k', 0), /finite number of epoch ms/);
    assert.equal(queue.size, 0);
    assert.equal(queue.peekMs(), undefined);
    assert.equal(queue.add(10, 'k', 0), true);
    const fired: number[] = [];
    queue.fireUntil(Number.POSITIVE_INFINITY, (ts) => fired.push(ts));
    assert.deepEqual(fired, [10], 'firing up to +∞ is an advance, not a registration, and is allowed');
  });
});
