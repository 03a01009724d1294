/** Event- and processing-time timers: dedup, order, delete, scheduling, refusal of non-finite times. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Key } from '../../core/key.js';
import { openKeyed, type StateBackendFactory } from './conformance-helpers.js';

type Fired = Array<[number, Key, number, string]>;

export function describeTimerConformance(factory: StateBackendFactory): void {
  describe('timers', () => {
    test('event-time timers fire in timestamp order once the watermark reaches them, deduplicated', async () => {
      const b = await openKeyed(factory);
      const t = b.getTimerService('t', () => {});
      t.registerEventTimeTimer('a', 0, 300);
      t.registerEventTimeTimer('b', 0, 100);
      t.registerEventTimeTimer('a', 0, 300);
      t.registerEventTimeTimer('a', 1, 300);
      t.registerEventTimeTimer('c', 0, 200);
      const fired: Fired = [];
      const fire = (ts: number, key: Key, ns: number, domain: string) => fired.push([ts, key, ns, domain]);
      t.advanceWatermark(99, fire);
      assert.deepEqual(fired, []);
      t.advanceWatermark(200, fire);
      assert.deepEqual(fired, [
        [100, 'b', 0, 'eventTime'],
        [200, 'c', 0, 'eventTime'],
      ]);
      t.advanceWatermark(1000, fire);
      assert.deepEqual(fired.slice(2), [
        [300, 'a', 0, 'eventTime'],
        [300, 'a', 1, 'eventTime'],
      ]);
      t.advanceWatermark(2000, fire);
      assert.equal(fired.length, 4, 'a timer fires once');
    });

    test('timers sharing a timestamp fire in registration order', async () => {
      const b = await openKeyed(factory);
      const t = b.getTimerService('t', () => {});
      for (const key of ['z', 'a', 'm']) t.registerEventTimeTimer(key, 0, 50);
      const keys: Key[] = [];
      t.advanceWatermark(50, (_ts, key) => keys.push(key));
      assert.deepEqual(keys, ['z', 'a', 'm']);
    });

    test('a deleted timer does not fire', async () => {
      const b = await openKeyed(factory);
      const t = b.getTimerService('t', () => {});
      t.registerEventTimeTimer('a', 0, 10);
      t.registerEventTimeTimer('b', 0, 10);
      t.deleteEventTimeTimer('a', 0, 10);
      t.deleteEventTimeTimer('never', 0, 10);
      t.registerProcessingTimeTimer('a', 0, 10);
      t.deleteProcessingTimeTimer('a', 0, 10);
      const fired: Key[] = [];
      t.advanceWatermark(100, (_ts, key) => fired.push(key));
      t.advanceProcessingTime(100, (_ts, key) => fired.push(key));
      assert.deepEqual(fired, ['b']);
    });

    test('processing-time timers ask to be woken at the earliest one and fire by the clock', async () => {
      const b = await openKeyed(factory);
      const wakeups: number[] = [];
      const t = b.getTimerService('t', (ts) => wakeups.push(ts));
      t.registerProcessingTimeTimer('a', 0, 500);
      t.registerProcessingTimeTimer('b', 0, 900);
      t.registerProcessingTimeTimer('c', 0, 100);
      assert.deepEqual(wakeups, [500, 100], 'asked again only when the earliest changed');
      const fired: Fired = [];
      t.advanceProcessingTime(600, (ts, key, ns, domain) => fired.push([ts, key, ns, domain]));
      assert.deepEqual(fired, [
        [100, 'c', 0, 'processingTime'],
        [500, 'a', 0, 'processingTime'],
      ]);
      assert.equal(wakeups.at(-1), 900, 'then asks for the next pending one');
    });

    test('a timer registered while firing fires in the same advance when due', async () => {
      const b = await openKeyed(factory);
      const t = b.getTimerService('t', () => {});
      t.registerEventTimeTimer('a', 0, 10);
      const fired: number[] = [];
      t.advanceWatermark(100, (ts, key) => {
        fired.push(ts);
        if (ts === 10) t.registerEventTimeTimer(key, 0, 20);
      });
      assert.deepEqual(fired, [10, 20]);
    });

    test('timer services are separate by name', async () => {
      const b = await openKeyed(factory);
      b.getTimerService('one', () => {}).registerEventTimeTimer('a', 0, 10);
      const fired: Key[] = [];
      b.getTimerService('two', () => {}).advanceWatermark(100, (_ts, key) => fired.push(key));
      assert.deepEqual(fired, []);
    });

    test('refuses a NaN or infinite timer time', async () => {
      const b = await openKeyed(factory);
      const t = b.getTimerService('t', () => {});
      for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
        assert.throws(() => t.registerEventTimeTimer('a', 0, bad), /finite/);
        assert.throws(() => t.registerProcessingTimeTimer('a', 0, bad), /finite/);
      }
      const fired: number[] = [];
      t.advanceWatermark(Number.POSITIVE_INFINITY, (ts) => fired.push(ts));
      assert.deepEqual(fired, []);
    });
  });
}
