import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StreamEnvironment } from '../api/stream-environment.js';
import type { Collector } from '../core/collector.js';
import { OutputTag } from '../core/output-tag.js';
import type { ValueState } from '../state/keyed-state.js';
import { valueState } from '../state/state-descriptors.js';
import { collectSink } from '../testing/index.js';
import { runToCompletion } from '../testing/run-to-completion.js';
import { steps, TestSource } from '../testing/test-source.js';
import { ManualClock } from '../time/manual-clock.js';
import { WatermarkStrategy } from '../time/watermark-strategy.js';
import type { KeyedProcessContext, KeyedRuntimeContext, OnTimerContext } from './process-function.js';

interface Ev {
  readonly key: string;
  readonly ts: number;
}

describe('keyed process functions and timers', () => {
  it('fires event-time timers in timestamp order, once per key and timestamp, with that key current', async () => {
    const env = StreamEnvironment.create();
    const sink = collectSink<string>();
    let seen: ValueState<number>;
    env
      .fromSource(
        new TestSource<Ev>([
          steps.records({ key: 'b', ts: 100 }, { key: 'a', ts: 150 }, { key: 'a', ts: 160 }),
          steps.records({ key: 'b', ts: 5000 }),
        ]),
      )
      .assignTimestampsAndWatermarks(WatermarkStrategy.monotonousTimestamps<Ev>().withTimestamp((e) => e.ts))
      .keyBy((e) => e.key)
      .process<string>({
        open(ctx: KeyedRuntimeContext) {
          seen = ctx.getState(valueState<number>('seen', { defaultValue: 0 }));
        },
        processElement(e: Ev, ctx: KeyedProcessContext<string>, out: Collector<string>) {
          seen.update((seen.value() ?? 0) + 1);
          // Every record asks for the same two timers of its key: they must fire once each.
          ctx.timerService.registerEventTimeTimer(1000);
          ctx.timerService.registerEventTimeTimer(e.key === 'a' ? 500 : 2000);
          out.collect(`in ${e.key}@${ctx.timestampMs}`);
        },
        onTimer(ts: number, ctx: OnTimerContext<string>, out: Collector<string>) {
          out.collect(`timer ${ctx.currentKey}@${ts} seen=${seen.value()} ${ctx.timeDomain}`);
        },
      })
      .sinkTo(sink);
    await runToCompletion(env);
    // The watermark passes the timers only after b@5000 was processed (monotonous: 5000 - 1), so that
    // record comes first, and b has then seen two records. Timers sharing 1000 fire in registration order.
    assert.deepEqual(sink.values, [
      'in b@100',
      'in a@150',
      'in a@160',
      'in b@5000',
      'timer a@500 seen=2 eventTime',
      'timer b@1000 seen=2 eventTime',
      'timer a@1000 seen=2 eventTime',
      'timer b@2000 seen=2 eventTime',
    ]);
  });

  it('fires a timer between two records of the same batch when the watermark passes it there', async () => {
    const env = StreamEnvironment.create();
    const sink = collectSink<string>();
    env
      .fromSource(
        new TestSource<Ev>([
          steps.records({ key: 'a', ts: 100 }, { key: 'b', ts: 300 }, { key: 'a', ts: 400 }),
        ]),
      )
      .assignTimestampsAndWatermarks(WatermarkStrategy.monotonousTimestamps<Ev>().withTimestamp((e) => e.ts))
      .keyBy((e) => e.key)
      .process<string>({
        processElement(e, ctx, out) {
          if (e.ts === 100) ctx.timerService.registerEventTimeTimer(200);
          out.collect(`in ${e.key}@${e.ts} (watermark ${ctx.currentWatermarkMs})`);
        },
        onTimer(ts, ctx, out) {
          out.collect(`timer ${ctx.currentKey}@${ts}`);
        },
      })
      .sinkTo(sink);
    await runToCompletion(env);
    assert.deepEqual(sink.values, [
      'in a@100 (watermark -Infinity)',
      'in b@300 (watermark 99)',
      'timer a@200',
      'in a@400 (watermark 299)',
    ]);
  });

  it('does not fire a deleted timer', async () => {
    const env = StreamEnvironment.create();
    const sink = collectSink<string>();
    env
      .fromSource(new TestSource<Ev>([steps.records({ key: 'a', ts: 1 }, { key: 'a', ts: 2 })]))
      .assignTimestampsAndWatermarks(WatermarkStrategy.monotonousTimestamps<Ev>().withTimestamp((e) => e.ts))
      .keyBy((e) => e.key)
      .process<string>({
        processElement(e, ctx) {
          if (e.ts === 1) ctx.timerService.registerEventTimeTimer(100);
          else ctx.timerService.deleteEventTimeTimer(100);
        },
        onTimer(ts, _ctx, out) {
          out.collect(`fired ${ts}`);
        },
      })
      .sinkTo(sink);
    await runToCompletion(env);
    assert.deepEqual(sink.values, []);
  });

  it('fires processing-time timers when the clock passes them', async () => {
    const clock = new ManualClock(1000);
    const env = StreamEnvironment.create({ clock });
    const sink = collectSink<string>();
    env
      .fromSource(
        new TestSource<string>(
          [steps.records('x'), steps.advanceClock(499), steps.records('y'), steps.advanceClock(1)],
          { clock },
        ),
      )
      .keyBy((v) => v)
      .process<string>({
        processElement(v, ctx, out) {
          ctx.timerService.registerProcessingTimeTimer(ctx.currentProcessingTimeMs() + 500);
          out.collect(`${v} at ${ctx.currentProcessingTimeMs()}`);
        },
        onTimer(ts, ctx, out) {
          out.collect(`timer ${ctx.currentKey} at ${ts} (${ctx.timeDomain})`);
        },
      })
      .sinkTo(sink);
    await runToCompletion(env);
    assert.deepEqual(sink.values.slice(0, 3), ['x at 1000', 'y at 1499', 'timer x at 1500 (processingTime)']);
  });

  it('routes values to side outputs with the record timestamp', async () => {
    const env = StreamEnvironment.create();
    const odd = new OutputTag<number>('odd');
    const evens = collectSink<number>();
    const odds = collectSink<number>();
    const main = env
      .fromSource(new TestSource<number>([steps.timestamped([1, 10], [2, 20], [3, 30])]))
      .keyBy((n) => n % 2)
      .process<number>({
        processElement(n, ctx, out) {
          if (n % 2 === 0) out.collect(n);
          else ctx.output(odd, n);
        },
      });
    main.sinkTo(evens);
    main.getSideOutput(odd).sinkTo(odds);
    await runToCompletion(env);
    assert.deepEqual(evens.values, [2]);
    assert.deepEqual(
      odds.records.map((r) => [r.value, r.timestampMs]),
      [
        [1, 10],
        [3, 30],
      ],
    );
  });

  it('keeps a rolling reduce per key', async () => {
    const env = StreamEnvironment.create();
    const sink = collectSink<number>();
    env
      .fromElements(1, 2, 3, 4, 5)
      .keyBy((n) => (n % 2 === 0 ? 'even' : 'odd'))
      .reduce((a, b) => a + b)
      .sinkTo(sink);
    await runToCompletion(env);
    assert.deepEqual(sink.values, [1, 2, 4, 6, 9]);
  });
});
