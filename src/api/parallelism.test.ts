import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Collector } from '../core/collector.js';
import type {
  KeyedProcessContext,
  KeyedProcessFunction,
  KeyedRuntimeContext,
  OnTimerContext,
} from '../operators/process-function.js';
import type { ListState, MapState, ValueState } from '../state/keyed-state.js';
import { listState, mapState, valueState } from '../state/state-descriptors.js';
import { collectSink } from '../testing/index.js';
import { ManualClock } from '../time/manual-clock.js';
import { WatermarkStrategy } from '../time/watermark-strategy.js';
import { Aggregates } from '../window/aggregates.js';
import {
  EventTimeSessionWindows,
  SlidingEventTimeWindows,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
} from '../window/assigners.js';
import type { DataStream } from './data-stream.js';
import { StreamEnvironment } from './stream-environment.js';

interface Event {
  readonly user: string;
  readonly n: number;
  readonly tsMs: number;
}

/** 40 users x 12 events, interleaved, event times spread over 10 minutes with some disorder. */
const EVENTS: Event[] = [];
for (let i = 0; i < 480; i++) {
  const user = `u${(i * 7) % 40}`;
  EVENTS.push({ user, n: i, tsMs: i * 1_250 - (i % 5) * 400 });
}

/** Runs `build` at the given parallelism and returns its output, sorted so order between keys does not matter. */
async function run<R>(
  parallelism: number,
  build: (events: DataStream<Event>) => DataStream<R>,
): Promise<string[]> {
  const env = StreamEnvironment.create({
    parallelism,
    batchSize: 37,
    log: () => {},
    clock: new ManualClock(0),
  });
  const out = collectSink<R>();
  const events = env
    .fromCollection(EVENTS)
    .assignTimestampsAndWatermarks(
      WatermarkStrategy.boundedOutOfOrderness<Event>(2_000).withTimestamp((e) => e.tsMs),
    );
  build(events).sinkTo(out);
  await env.execute();
  return out.values.map((v) => JSON.stringify(v)).sort();
}

async function assertSameForParallelism<R>(
  build: (events: DataStream<Event>) => DataStream<R>,
): Promise<void> {
  const one = await run(1, build);
  assert.ok(one.length > 0, 'the job produced output');
  for (const p of [2, 4])
    assert.deepEqual(await run(p, build), one, `parallelism ${p} gives the same output as 1`);
}

describe('keyed operators give identical results at parallelism 1, 2 and 4', () => {
  it('a keyed process function with value, list and map state kept in fields set in open()', async () => {
    // The documented pattern: one function object keeps its handles in fields; each instance gets its own.
    await assertSameForParallelism((events) => events.keyBy((e) => e.user).process(new CountPerUser()));
  });

  it('a keyed process function with event-time timers and state in a closure of a factory', async () => {
    await assertSameForParallelism((events) =>
      events
        .keyBy((e) => e.user)
        .process(() => {
          let sum: ValueState<number>;
          return {
            open(ctx: KeyedRuntimeContext) {
              sum = ctx.getState(valueState<number>('sum'));
            },
            processElement(e: Event, ctx: KeyedProcessContext<string>) {
              sum.update((sum.value() ?? 0) + e.n);
              ctx.timerService.registerEventTimeTimer(Math.floor(e.tsMs / 60_000) * 60_000 + 59_999);
            },
            onTimer(ts: number, ctx: OnTimerContext<string>, out: Collector<string>) {
              out.collect(`${ctx.currentKey}@${ts}=${sum.value()}`);
            },
          };
        }),
    );
  });

  it('a rolling reduce', async () => {
    await assertSameForParallelism((events) =>
      events
        .map((e) => ({ user: e.user, total: e.n }))
        .keyBy((e) => e.user)
        .reduce((a, b) => ({ user: a.user, total: a.total + b.total })),
    );
  });

  it('tumbling, sliding and session event-time windows', async () => {
    const count = Aggregates.count<Event>();
    const label = (k: string, w: { start: number; end: number }, c: number) =>
      `${k}[${w.start},${w.end})=${c}`;
    await assertSameForParallelism((events) =>
      events
        .keyBy((e) => e.user)
        .window(TumblingEventTimeWindows.of(60_000))
        .aggregate(count, label),
    );
    await assertSameForParallelism((events) =>
      events
        .keyBy((e) => e.user)
        .window(SlidingEventTimeWindows.of(60_000, 20_000))
        .aggregate(count, label),
    );
    await assertSameForParallelism((events) =>
      events
        .keyBy((e) => e.user)
        .window(EventTimeSessionWindows.withGap(30_000))
        .aggregate(count, label),
    );
  });

  it('process-window functions and processing-time windows (flushed at the end of input)', async () => {
    await assertSameForParallelism((events) =>
      events
        .keyBy((e) => e.user)
        .window(TumblingEventTimeWindows.of(120_000))
        .process<string>((key, ctx, elements, out) =>
          out.collect(`${key}:${ctx.window.start}:${elements.length}`),
        ),
    );
    await assertSameForParallelism((events) =>
      events
        .keyBy((e) => e.user)
        .window(TumblingProcessingTimeWindows.of(60_000))
        .aggregate(Aggregates.count<Event>(), (k, _w, c) => `${k}=${c}`),
    );
  });

  it('count windows, tumbling and sliding', async () => {
    await assertSameForParallelism((events) =>
      events
        .keyBy((e) => e.user)
        .countWindow(4)
        .reduce(
          (a, b) => ({ user: a.user, tsMs: a.tsMs, n: a.n + b.n }),
          (k, _w, r) => `${k}:${r.n}`,
        ),
    );
    await assertSameForParallelism((events) =>
      events
        .keyBy((e) => e.user)
        .countWindow(4, 2)
        .aggregate(
          Aggregates.sum<Event>((e) => e.n),
          (k, _w, s) => `${k}:${s}`,
        ),
    );
  });

  it('composite (tuple) keys group records whose parts are equal', async () => {
    await assertSameForParallelism((events) =>
      events
        .keyBy((e) => [e.user, e.n % 2])
        .window(TumblingEventTimeWindows.of(300_000))
        .aggregate(Aggregates.count<Event>(), (k, w, c) => `${JSON.stringify(k)}@${w.start}=${c}`),
    );
  });
});

class CountPerUser implements KeyedProcessFunction<string, Event, string> {
  private count!: ValueState<number>;
  private recent!: ListState<number>;
  private seen!: MapState<number>;

  open(ctx: KeyedRuntimeContext): void {
    this.count = ctx.getState(valueState<number>('count'));
    this.recent = ctx.getListState(listState<number>('recent'));
    this.seen = ctx.getMapState(mapState<number>('seen'));
  }

  processElement(e: Event, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
    const c = (this.count.value() ?? 0) + 1;
    this.count.update(c);
    this.recent.add(e.n);
    this.seen.put(e.n % 3, (this.seen.get(e.n % 3) ?? 0) + 1);
    out.collect(`${ctx.currentKey}:${c}:${this.recent.get().length}:${this.seen.entries().length}`);
  }
}
