import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../core/errors.js';
import {
  fakeSourceContext,
  positionsOf,
  readAll,
  readBatch,
  valuesOf,
} from '../../testing/connector-contexts.js';
import { dataGenSource } from './source.js';
import { createWebAccessGenerator } from './web-access-generator.js';

describe('dataGenSource', () => {
  it('is bounded by count, batches by batchSize and numbers records by sequence', async () => {
    const source = dataGenSource({ count: 250, seed: 4 });
    assert.equal(source.boundedness, 'bounded');
    const ctx = fakeSourceContext({ batchSize: 100 });
    const batches = await readAll(source.createReader(ctx));
    assert.deepEqual(
      batches.map((b) => b.values.length),
      [100, 100, 50],
    );
    assert.deepEqual(
      positionsOf(batches),
      Array.from({ length: 250 }, (_, i) => i + 1),
    );
    assert.ok(batches.every((b) => b.origin === 'datagen'));
  });

  it('emits the generator events for its seed, with their event timestamps', async () => {
    const batches = await readAll(dataGenSource({ count: 30, seed: 9 }).createReader(fakeSourceContext()));
    const generator = createWebAccessGenerator(9);
    const expected = Array.from({ length: 30 }, () => generator.next());
    assert.deepEqual(valuesOf(batches), expected);
    assert.deepEqual(
      batches.flatMap((b) => [...b.timestampsMs]),
      expected.map((e) => e.timestampMs),
    );
  });

  it('carries its emitted count as the split state and, restored from it, continues with exactly the next event', async () => {
    const all = valuesOf(
      await readAll(dataGenSource({ count: 70, seed: 3 }).createReader(fakeSourceContext())),
    );
    const reader = dataGenSource({ count: 70, seed: 3 }).createReader(fakeSourceContext({ batchSize: 25 }));
    const first = await reader.read();
    assert.equal(first.kind, 'data');
    assert.deepEqual(first.kind === 'data' ? first.state : undefined, { emitted: 25 });
    const restored = dataGenSource({ count: 70, seed: 3 }).createReader(
      fakeSourceContext({ batchSize: 100, restoredSplits: new Map([['datagen', { emitted: 25 }]]) }),
    );
    const rest = await readAll(restored);
    assert.deepEqual(valuesOf(rest), all.slice(25));
    assert.deepEqual(positionsOf(rest)[0], 26);
  });

  it('limits the rate on the job clock: one event at once, then one per interval, a burst of at most a second', async () => {
    const ctx = fakeSourceContext({ batchSize: 100 });
    const reader = dataGenSource({ ratePerSecond: 10 }).createReader(ctx);
    assert.equal((await readBatch(reader)).values.length, 1);

    let pending = reader.read();
    await waitForSleeper(ctx.clock);
    ctx.clock.advance(99);
    assert.equal(ctx.clock.pendingSleepers, 1, 'not due before 100 ms');
    ctx.clock.advance(1);
    let message = await pending;
    assert.equal(message.kind === 'data' && message.batch.values.length, 1);

    pending = reader.read();
    await waitForSleeper(ctx.clock);
    ctx.clock.advance(5_000);
    message = await pending;
    assert.equal(message.kind === 'data' && message.batch.values.length, 10, 'a stall of 5 s catches up 1 s');
  });

  it('paces event time with the rate when no meanIntervalMs is given', async () => {
    const ctx = fakeSourceContext({ batchSize: 1000 });
    const reader = dataGenSource({ ratePerSecond: 1000, startTimeMs: 0, seed: 2 }).createReader(ctx);
    await readBatch(reader);
    let last = 0;
    for (let second = 0; second < 20; second++) {
      const pending = reader.read();
      await waitForSleeper(ctx.clock);
      ctx.clock.advance(1000);
      const message = await pending;
      if (message.kind === 'data') last = message.batch.timestampsMs.at(-1) ?? last;
    }
    assert.ok(
      last > 17_000 && last < 23_000,
      `20 s of events at 1000/s end near 20000 ms of event time, got ${last}`,
    );
  });

  it('ends an endless stream when the job is stopped, also while waiting for the rate limit', async () => {
    const unthrottled = fakeSourceContext();
    const endless = dataGenSource().createReader(unthrottled);
    assert.equal(dataGenSource().boundedness, 'unbounded');
    assert.equal((await endless.read()).kind, 'data');
    unthrottled.controller.abort();
    assert.equal((await endless.read()).kind, 'end');

    const throttled = fakeSourceContext();
    const slow = dataGenSource({ ratePerSecond: 1 }).createReader(throttled);
    await slow.read();
    const pending = slow.read();
    await waitForSleeper(throttled.clock);
    throttled.controller.abort();
    assert.equal((await pending).kind, 'end');
  });

  it('rejects invalid options with a ConfigError naming the field', () => {
    assert.throws(
      () => dataGenSource({ ratePerSecond: -5 }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, /invalid datagen options: ratePerSecond: /);
        return true;
      },
    );
    assert.throws(() => dataGenSource({ rate: 5 } as never), /Unrecognized key: "rate"/);
  });
});

/** Lets the reader run until it parks on the manual clock (bounded: it must park within 1000 turns). */
async function waitForSleeper(clock: { pendingSleepers: number }): Promise<void> {
  for (let i = 0; i < 1000 && clock.pendingSleepers === 0; i++)
    await new Promise<void>((r) => setImmediate(r));
  assert.equal(clock.pendingSleepers, 1, 'the reader waits on the clock');
}
