import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DataStream } from '../api/data-stream.js';
import { StreamEnvironment } from '../api/stream-environment.js';
import { OutputTag } from '../core/output-tag.js';
import { ProcessingTimeScheduler } from '../runtime/processing-time-scheduler.js';
import { collectSink } from '../testing/index.js';
import { runToCompletion } from '../testing/run-to-completion.js';
import { steps, TestSource, type TestStep } from '../testing/test-source.js';
import { ManualClock } from '../time/manual-clock.js';
import { WatermarkStrategy } from '../time/watermark-strategy.js';
import { Aggregates } from './aggregates.js';
import {
  EventTimeSessionWindows,
  GlobalWindows,
  ProcessingTimeSessionWindows,
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
} from './assigners.js';
import { EventTimeTrigger } from './triggers.js';

interface Ev {
  readonly key: string;
  readonly ts: number;
  readonly v?: number;
}

const ev = (key: string, ts: number, v?: number): Ev => (v === undefined ? { key, ts } : { key, ts, v });

/** Runs `events` (one batch each, so batch boundaries cannot hide per-record semantics) through `build`. */
async function run<R>(
  script: TestStep<Ev>[],
  boundMs: number,
  build: (s: DataStream<Ev>) => DataStream<R>,
  extra?: (s: DataStream<R>) => void,
): Promise<R[]> {
  const env = StreamEnvironment.create();
  const sink = collectSink<R>();
  const withTime = env
    .fromSource(new TestSource(script))
    .assignTimestampsAndWatermarks(
      WatermarkStrategy.boundedOutOfOrderness<Ev>(boundMs).withTimestamp((e) => e.ts),
    );
  const out = build(withTime);
  out.sinkTo(sink);
  extra?.(out);
  await runToCompletion(env);
  return sink.values;
}

const records = (...events: Ev[]) => steps.records(...events);

describe('event-time tumbling windows', () => {
  it('counts out-of-order events in the window of their timestamp, not of their arrival', async () => {
    const out = await run(
      [records(ev('a', 1000), ev('a', 3000), ev('a', 2000), ev('a', 500), ev('a', 2999))],
      3000,
      (s) =>
        s
          .keyBy((e) => e.key)
          .window(TumblingEventTimeWindows.of(1000))
          .aggregate(Aggregates.count<Ev>(), (key, w, n) => `${key}@${w.start}=${n}`),
    );
    assert.deepEqual(out.sort(), ['a@0=1', 'a@1000=1', 'a@2000=2', 'a@3000=1']);
  });

  it('fires a window as soon as the watermark passes its end, before later windows', async () => {
    const out = await run(
      [records(ev('a', 100), ev('a', 900)), records(ev('a', 1500)), records(ev('b', 2100))],
      0,
      (s) =>
        s
          .keyBy((e) => e.key)
          .window(TumblingEventTimeWindows.of(1000))
          .aggregate(Aggregates.count<Ev>(), (key, w, n) => `${key}@${w.start}=${n}`),
    );
    assert.deepEqual(out, ['a@0=2', 'a@1000=1', 'b@2000=1']);
  });

  it('judges lateness per record even when late records share a batch with the records that made them late', async () => {
    // One batch: 3000 moves the watermark (bound 2000) to 999 before 500 arrives, so 500 is late.
    const late = new OutputTag<Ev>('late');
    const lateSink = collectSink<Ev>();
    const out = await run(
      [steps.records(ev('a', 1000), ev('a', 3000), ev('a', 500), ev('a', 1001))],
      2000,
      (s) =>
        s
          .keyBy((e) => e.key)
          .window(TumblingEventTimeWindows.of(1000))
          .sideOutputLateData(late)
          .aggregate(Aggregates.count<Ev>(), (_k, w, n) => `${w.start}=${n}`),
      (s) => s.getSideOutput(late).sinkTo(lateSink),
    );
    assert.deepEqual(out.sort(), ['1000=2', '3000=1']);
    assert.deepEqual(lateSink.values, [ev('a', 500)]);
  });

  it('counts late records as dropped when no late-data side output is configured', async () => {
    const env = StreamEnvironment.create();
    const sink = collectSink<number>();
    env
      .fromSource(new TestSource([records(ev('a', 1000), ev('a', 2500), ev('a', 1500))]))
      .assignTimestampsAndWatermarks(WatermarkStrategy.monotonousTimestamps<Ev>().withTimestamp((e) => e.ts))
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(1000))
      .aggregate(Aggregates.count<Ev>())
      .uid('counts')
      .sinkTo(sink);
    const result = await runToCompletion(env);
    assert.deepEqual(sink.values, [1, 1]);
    assert.equal(result.metrics.operators.counts?.counters.lateRecordsDropped, 1);
  });
});

describe('allowed lateness', () => {
  it('re-fires a window with the updated result for a record within the allowed lateness', async () => {
    const late = new OutputTag<Ev>('late');
    const lateSink = collectSink<Ev>();
    const out = await run(
      [
        records(ev('a', 1000)),
        records(ev('a', 2500)),
        records(ev('a', 1500)),
        records(ev('a', 3500)),
        records(ev('a', 1200)),
      ],
      0,
      (s) =>
        s
          .keyBy((e) => e.key)
          .window(TumblingEventTimeWindows.of(1000))
          .allowedLateness(1000)
          .sideOutputLateData(late)
          .aggregate(Aggregates.count<Ev>(), (_k, w, n) => `${w.start}=${n}`),
      (s) => s.getSideOutput(late).sinkTo(lateSink),
    );
    // [1000,2000) fires with 1 when 2500 arrives, again with 2 when 1500 arrives within lateness;
    // 3500 moves the watermark past 1999 + 1000, so 1200 is too late and goes to the side output.
    assert.deepEqual(out, ['1000=1', '1000=2', '2000=1', '3000=1']);
    assert.deepEqual(lateSink.values, [ev('a', 1200)]);
  });

  it('rejects allowed lateness on processing-time windows', () => {
    const env = StreamEnvironment.create();
    assert.throws(
      () =>
        env
          .fromElements(1)
          .keyBy((x) => x)
          .window(TumblingProcessingTimeWindows.of(1000))
          .allowedLateness(10),
      /event-time windows only/,
    );
  });
});

describe('session windows', () => {
  it('merges sessions that a later record bridges, and keeps keys apart', async () => {
    const out = await run(
      [records(ev('a', 1000), ev('a', 3000), ev('b', 1000), ev('a', 2000), ev('a', 6000))],
      10_000,
      (s) =>
        s
          .keyBy((e) => e.key)
          .window(EventTimeSessionWindows.withGap(1000))
          .aggregate(Aggregates.count<Ev>(), (k, w, n) => `${k}[${w.start},${w.end})=${n}`),
    );
    assert.deepEqual(out.sort(), ['a[1000,4000)=3', 'a[6000,7000)=1', 'b[1000,2000)=1']);
  });

  it('fires a session when the watermark passes its end and starts a new one after the gap', async () => {
    const out = await run(
      [records(ev('a', 0), ev('a', 500)), records(ev('a', 5000)), records(ev('a', 5200))],
      0,
      (s) =>
        s
          .keyBy((e) => e.key)
          .window(EventTimeSessionWindows.withGap(1000))
          .process<string>((k, ctx, elements, o) =>
            o.collect(`${k}[${ctx.window.start},${ctx.window.end})=${elements.map((e) => e.ts).join(',')}`),
          ),
    );
    assert.deepEqual(out, ['a[0,1500)=0,500', 'a[5000,6200)=5000,5200']);
  });

  it('needs a merge function for aggregates on session windows', async () => {
    await assert.rejects(
      run([records(ev('a', 0), ev('a', 2000), ev('a', 1000))], 10_000, (s) =>
        s
          .keyBy((e) => e.key)
          .window(EventTimeSessionWindows.withGap(1000))
          .aggregate({
            createAccumulator: () => 0,
            add: (_e: Ev, n: number) => n + 1,
            getResult: (n: number) => n,
          }),
      ),
      /merge\(a, b\)/,
    );
  });
});

describe('sliding windows, reduce and process functions', () => {
  it('puts each record into size/slide overlapping windows', async () => {
    const out = await run([records(ev('a', 1500), ev('a', 2500))], 10_000, (s) =>
      s
        .keyBy((e) => e.key)
        .window(SlidingEventTimeWindows.of(2000, 1000))
        .aggregate(Aggregates.count<Ev>(), (_k, w, n) => `${w.start}=${n}`),
    );
    assert.deepEqual(out.sort(), ['0=1', '1000=2', '2000=1']);
  });

  it('reduces incrementally and shapes the result with the window', async () => {
    const out = await run([records(ev('a', 100, 3), ev('a', 200, 4), ev('b', 300, 10))], 0, (s) =>
      s
        .keyBy((e) => e.key)
        .window(TumblingEventTimeWindows.of(1000))
        .reduce(
          (x, y) => ev(x.key, x.ts, (x.v ?? 0) + (y.v ?? 0)),
          (k, w, r) => ({ k, end: w.end, sum: r.v }),
        ),
    );
    assert.deepEqual(
      out.sort((x, y) => x.k.localeCompare(y.k)),
      [
        { k: 'a', end: 1000, sum: 7 },
        { k: 'b', end: 1000, sum: 10 },
      ],
    );
  });

  it('gives window results the timestamp end - 1', async () => {
    const env = StreamEnvironment.create();
    const sink = collectSink<number>();
    env
      .fromSource(new TestSource([records(ev('a', 100))]))
      .assignTimestampsAndWatermarks(WatermarkStrategy.monotonousTimestamps<Ev>().withTimestamp((e) => e.ts))
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(1000))
      .aggregate(Aggregates.count<Ev>())
      .sinkTo(sink);
    await runToCompletion(env);
    assert.equal(sink.records[0]?.timestampMs, 999);
  });
});

describe('count windows', () => {
  it('fires every n elements of a key and does not fire an incomplete window', async () => {
    const env = StreamEnvironment.create();
    const sink = collectSink<number[]>();
    env
      .fromElements(1, 2, 3, 4, 5, 6, 7)
      .keyBy(() => 'k')
      .countWindow(3)
      .aggregate(Aggregates.toList<number>())
      .sinkTo(sink);
    await runToCompletion(env);
    assert.deepEqual(sink.values, [
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('slides over the last n elements every s elements', async () => {
    const env = StreamEnvironment.create();
    const sink = collectSink<number[]>();
    env
      .fromElements(1, 2, 3, 4, 5, 6)
      .keyBy(() => 'k')
      .countWindow(3, 2)
      .aggregate(Aggregates.toList<number>())
      .sinkTo(sink);
    await runToCompletion(env);
    assert.deepEqual(sink.values, [
      [1, 2],
      [2, 3, 4],
      [4, 5, 6],
    ]);
  });
});

describe('count windows never compute with NaN or infinite times', () => {
  it('schedules no NaN or infinite processing-time timers (review probe P6)', async () => {
    const scheduled: number[] = [];
    const original = ProcessingTimeScheduler.prototype.schedule;
    ProcessingTimeScheduler.prototype.schedule = function (this: ProcessingTimeScheduler, ts, cb) {
      scheduled.push(ts);
      return original.call(this, ts, cb);
    };
    try {
      const env = StreamEnvironment.create();
      const sink = collectSink<number>();
      env
        .fromElements(1, 2, 3, 4, 5, 6, 7)
        .keyBy((x) => x % 2)
        .countWindow(2)
        .reduce((a, b) => a + b)
        .sinkTo(sink);
      await runToCompletion(env);
      assert.deepEqual(
        sink.values.sort((a, b) => a - b),
        [4, 6, 12],
      );
    } finally {
      ProcessingTimeScheduler.prototype.schedule = original;
    }
    assert.deepEqual(
      scheduled.filter((ts) => !Number.isFinite(ts)),
      [],
      'every scheduled time is finite',
    );
  });

  it('stamps each result with the largest event timestamp of its elements', async () => {
    const stamped = collectSink<{ key: string; n: number; start: number; end: number }>();
    const out = await run(
      [records(ev('a', 5000), ev('a', 1000), ev('a', 3000), ev('a', 2000), ev('b', 700), ev('a', 4000))],
      10_000,
      (s) =>
        s
          .keyBy((e) => e.key)
          .countWindow(2)
          .aggregate(Aggregates.count<Ev>(), (key, w, n) => ({ key, n, start: w.start, end: w.end })),
      (s) => s.sinkTo(stamped),
    );
    assert.deepEqual(out, [
      { key: 'a', n: 2, start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY },
      { key: 'a', n: 2, start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY },
    ]);
    assert.deepEqual(
      stamped.records.map((r) => r.timestampMs),
      [5000, 3000],
      'max of (5000, 1000), then of (3000, 2000): the purge starts the next window afresh',
    );
  });

  it('stamps results of elements without event time with the processing time of the firing', async () => {
    const clock = new ManualClock(42_000);
    const env = StreamEnvironment.create({ clock });
    const sink = collectSink<number>();
    env
      .fromElements(1, 2, 3, 4)
      .keyBy(() => 'k')
      .countWindow(2)
      .reduce((a, b) => a + b)
      .sinkTo(sink);
    await runToCompletion(env);
    assert.deepEqual(sink.values, [3, 7]);
    assert.deepEqual(
      sink.records.map((r) => r.timestampMs),
      [42_000, 42_000],
    );
  });

  it('refuses a trigger timer at the global window end (+∞) with a clear error instead of breaking the timer order', async () => {
    const env = StreamEnvironment.create();
    const sink = collectSink<number>();
    env
      .fromElements(1, 2)
      .keyBy(() => 'k')
      .window(GlobalWindows.create())
      .trigger(EventTimeTrigger.create())
      .reduce((a, b) => a + b)
      .sinkTo(sink);
    await assert.rejects(runToCompletion(env), /finite number of epoch ms/);
  });
});

describe('triggers and processing time', () => {
  it('emits early partial results every interval of processing time, then the final result', async () => {
    const clock = new ManualClock(0);
    const env = StreamEnvironment.create({ clock });
    const sink = collectSink<string>();
    env
      .fromSource(
        new TestSource<Ev>(
          [
            steps.records(ev('a', 1000)),
            steps.advanceClock(1000),
            steps.records(ev('a', 2000), ev('a', 3000)),
            steps.advanceClock(1000),
            steps.records(ev('a', 12_000)),
          ],
          { clock },
        ),
      )
      .assignTimestampsAndWatermarks(WatermarkStrategy.monotonousTimestamps<Ev>().withTimestamp((e) => e.ts))
      .keyBy((e) => e.key)
      .window(TumblingEventTimeWindows.of(10_000))
      .trigger(EventTimeTrigger.withEarlyFirings(1000))
      .aggregate(Aggregates.count<Ev>(), (_k, w, n) => `${w.start}=${n}`)
      .sinkTo(sink);
    await runToCompletion(env);
    assert.deepEqual(sink.values, ['0=1', '0=3', '0=3', '10000=1']);
  });

  it('closes processing-time windows by the clock and flushes the open one at the end of input', async () => {
    const clock = new ManualClock(0);
    const env = StreamEnvironment.create({ clock });
    const sink = collectSink<string>();
    env
      .fromSource(
        new TestSource<string>(
          [
            steps.records('x', 'y'),
            steps.advanceClock(500),
            steps.records('z'),
            steps.advanceClock(600),
            steps.records('w'),
          ],
          { clock },
        ),
      )
      .keyBy(() => 'k')
      .window(TumblingProcessingTimeWindows.of(1000))
      .process<string>((_k, ctx, elements, o) => o.collect(`${ctx.window.start}:${elements.join('')}`))
      .sinkTo(sink);
    await runToCompletion(env);
    assert.deepEqual(sink.values, ['0:xyz', '1000:w']);
  });
});

describe('processing-time sessions', () => {
  it('closes a session after the gap of processing time and flushes the open one at the end of input', async () => {
    const clock = new ManualClock(0);
    const env = StreamEnvironment.create({ clock });
    const sink = collectSink<string>();
    env
      .fromSource(
        new TestSource<string>(
          [
            steps.records('a'),
            steps.advanceClock(300),
            steps.records('b'),
            steps.advanceClock(2000),
            steps.records('c'),
          ],
          { clock },
        ),
      )
      .keyBy(() => 'k')
      .window(ProcessingTimeSessionWindows.withGap(1000))
      .process<string>((_k, ctx, elements, o) =>
        o.collect(`[${ctx.window.start},${ctx.window.end}):${elements.join('')}`),
      )
      .sinkTo(sink);
    await runToCompletion(env);
    assert.deepEqual(sink.values, ['[0,1300):ab', '[2300,3300):c']);
  });
});

describe('parallel keyed windows', () => {
  it('gives the same results with 4 instances as with 1', async () => {
    const events = Array.from({ length: 5000 }, (_, i) => ev(`k${i % 37}`, i * 7 + ((i * 13) % 50)));
    const runWith = async (parallelism: number) => {
      const env = StreamEnvironment.create({ parallelism, batchSize: 64 });
      const sink = collectSink<string>();
      env
        .fromCollection(events)
        .assignTimestampsAndWatermarks(
          WatermarkStrategy.boundedOutOfOrderness<Ev>(50).withTimestamp((e) => e.ts),
        )
        .keyBy((e) => e.key)
        .window(TumblingEventTimeWindows.of(1000))
        .aggregate(Aggregates.count<Ev>(), (k, w, n) => `${k}@${w.start}=${n}`)
        .sinkTo(sink);
      await runToCompletion(env);
      return sink.values.sort();
    };
    const one = await runWith(1);
    assert.ok(one.length > 100);
    assert.deepEqual(await runWith(4), one);
  });
});
