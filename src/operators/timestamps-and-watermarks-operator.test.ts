import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StreamEnvironment } from '../api/stream-environment.js';
import { collectSink } from '../testing/index.js';
import { runToCompletion } from '../testing/run-to-completion.js';
import { steps, TestSource } from '../testing/test-source.js';
import { ManualClock } from '../time/manual-clock.js';
import { WatermarkStrategy } from '../time/watermark-strategy.js';
import { Aggregates } from '../window/aggregates.js';
import { TumblingEventTimeWindows } from '../window/assigners.js';

interface Ev {
  readonly key: string;
  readonly ts: number;
}

/** Watermarks that reach a sink, in order (the final +Infinity included). */
async function watermarksOf(strategy: WatermarkStrategy<Ev>, events: Ev[][]): Promise<number[]> {
  const env = StreamEnvironment.create();
  const sink = collectSink<Ev>();
  env
    .fromSource(new TestSource(events.map((batch) => steps.records(...batch))))
    .assignTimestampsAndWatermarks(strategy.withTimestamp((e) => e.ts))
    .sinkTo(sink);
  await runToCompletion(env);
  return sink.watermarksMs;
}

describe('watermark strategies', () => {
  it('bounded out-of-orderness: the watermark is the highest timestamp seen minus the bound minus 1', async () => {
    const wms = await watermarksOf(WatermarkStrategy.boundedOutOfOrderness<Ev>(1000), [
      [{ key: 'a', ts: 5000 }],
      [{ key: 'a', ts: 3000 }],
      [{ key: 'a', ts: 7000 }],
    ]);
    assert.deepEqual(wms, [3999, 5999, Number.POSITIVE_INFINITY]);
  });

  it('monotonous timestamps: the watermark trails the latest timestamp by 1 ms', async () => {
    const wms = await watermarksOf(WatermarkStrategy.monotonousTimestamps<Ev>(), [
      [{ key: 'a', ts: 10 }],
      [{ key: 'a', ts: 20 }],
    ]);
    assert.deepEqual(wms, [9, 19, Number.POSITIVE_INFINITY]);
  });

  it('runs a custom punctuated generator on every event', async () => {
    const strategy = WatermarkStrategy.forGenerator<Ev>(() => ({
      onEvent: (e, ts, out) => {
        if (e.key === 'mark') out.emitWatermark(ts);
      },
      onPeriodicEmit: () => {},
    }));
    const wms = await watermarksOf(strategy, [
      [
        { key: 'a', ts: 100 },
        { key: 'mark', ts: 150 },
      ],
      [{ key: 'a', ts: 400 }],
      [{ key: 'mark', ts: 300 }],
    ]);
    assert.deepEqual(wms, [150, 300, Number.POSITIVE_INFINITY]);
  });

  it('never emits a watermark with noWatermarks until the input ends', async () => {
    const wms = await watermarksOf(WatermarkStrategy.noWatermarks<Ev>(), [[{ key: 'a', ts: 100 }]]);
    assert.deepEqual(wms, [Number.POSITIVE_INFINITY]);
  });

  it('fails the job, naming the operator and the record, when the timestamp assigner throws', async () => {
    const env = StreamEnvironment.create({ log: () => {} });
    const sink = collectSink<{ ts?: number }>();
    env
      .fromElements<{ ts?: number }>({ ts: 1 }, {}, { ts: 3 })
      .assignTimestampsAndWatermarks(
        WatermarkStrategy.monotonousTimestamps<{ ts?: number }>().withTimestamp((e) => {
          if (e.ts === undefined) throw new Error('no ts');
          return e.ts;
        }),
      )
      .sinkTo(sink);
    await assert.rejects(runToCompletion(env), /operator "watermarks-2" failed on record elements#2: no ts/);
  });

  it('rejects a negative bound', () => {
    assert.throws(() => WatermarkStrategy.boundedOutOfOrderness(-1), /bound >= 0/);
  });
});

describe('watermarks over several inputs', () => {
  it('holds a union at the minimum of its inputs', async () => {
    const env = StreamEnvironment.create();
    const sink = collectSink<string>();
    const strategy = WatermarkStrategy.monotonousTimestamps<Ev>().withTimestamp((e) => e.ts);
    const fast = env
      .fromSource(new TestSource([steps.records<Ev>({ key: 'fast', ts: 10_000 })]))
      .assignTimestampsAndWatermarks(strategy);
    const slow = env
      .fromSource(
        new TestSource([
          steps.records<Ev>({ key: 'slow', ts: 500 }),
          steps.records<Ev>({ key: 'slow', ts: 1500 }),
        ]),
      )
      .assignTimestampsAndWatermarks(strategy);
    fast
      .union(slow)
      .keyBy(() => 'all')
      .window(TumblingEventTimeWindows.of(1000))
      .aggregate(Aggregates.count<Ev>(), (_k, w, n) => `${w.start}=${n}`)
      .sinkTo(sink);
    await runToCompletion(env);
    // The slow input's 500 is not late although the fast input already reached 10000.
    assert.deepEqual(sink.values, ['0=1', '1000=1', '10000=1']);
  });

  it('lets an idle input stop holding back the watermark after the idle timeout (withIdleness)', async () => {
    const run = async (idleTimeoutMs: number | undefined) => {
      const clock = new ManualClock(0);
      const env = StreamEnvironment.create({ clock });
      const sink = collectSink<string>();
      const base = WatermarkStrategy.monotonousTimestamps<Ev>().withTimestamp((e) => e.ts);
      const strategy = idleTimeoutMs === undefined ? base : base.withIdleness(idleTimeoutMs);
      const script = new TestSource<Ev>(
        [
          steps.records({ key: 'x', ts: 100 }),
          steps.records({ key: 'x', ts: 5000 }),
          steps.advanceClock(2000),
        ],
        { clock, after: 'hold' },
      );
      const busy = env.fromSource(script).assignTimestampsAndWatermarks(strategy);
      const quiet = env
        .fromSource(new TestSource<Ev>([], { after: 'hold' }))
        .assignTimestampsAndWatermarks(strategy);
      busy
        .union(quiet)
        .keyBy(() => 'all')
        .window(TumblingEventTimeWindows.of(1000))
        .aggregate(Aggregates.count<Ev>(), (_k, w, n) => `${w.start}=${n}`)
        .sinkTo(sink);
      const job = env.executeAsync('idleness');
      await script.done;
      await job.stop();
      return sink.values;
    };
    assert.deepEqual(
      await run(undefined),
      [],
      'without idleness the quiet input holds the watermark at -infinity',
    );
    assert.deepEqual(
      await run(1000),
      ['0=1'],
      'with idleness the first window fires once the quiet input is idle',
    );
  });
});
