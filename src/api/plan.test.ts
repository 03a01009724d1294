import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Collector } from '../core/collector.js';
import { OperatorError } from '../core/errors.js';
import type {
  KeyedProcessContext,
  KeyedRuntimeContext,
  ProcessContext,
} from '../operators/process-function.js';
import { planToJson } from '../plan/explain.js';
import type { ValueState } from '../state/keyed-state.js';
import { valueState } from '../state/state-descriptors.js';
import { collectSink } from '../testing/index.js';
import { runToCompletion } from '../testing/run-to-completion.js';
import { WatermarkStrategy } from '../time/watermark-strategy.js';
import { Aggregates } from '../window/aggregates.js';
import { TumblingEventTimeWindows } from '../window/assigners.js';
import { StreamEnvironment } from './stream-environment.js';

describe('the plan as data', () => {
  it('records a type and a JSON config per node, edges with their partitioning, and explains it', () => {
    const env = StreamEnvironment.create({ parallelism: 2 });
    env
      .fromElements({ path: '/a', ts: 1 })
      .assignTimestampsAndWatermarks(
        WatermarkStrategy.boundedOutOfOrderness<{ path: string; ts: number }>(5_000).withTimestamp(
          (e) => e.ts,
        ),
      )
      .keyBy((e) => e.path)
      .window(TumblingEventTimeWindows.of(60_000))
      .allowedLateness(1_000)
      .aggregate(Aggregates.count())
      .sinkTo(collectSink());
    const plan = env.getPlan('explained');
    const json = planToJson(plan);
    assert.deepEqual(JSON.parse(JSON.stringify(json)), json, 'the plan survives JSON unchanged');
    assert.equal(
      env.explain('explained'),
      [
        'job "explained"',
        '  source-1: source "elements" {source: "elements", boundedness: "bounded"}',
        '  watermarks-2: watermarks {strategy: {"type":"boundedOutOfOrderness","maxOutOfOrdernessMs":5000,"timestampAssigner":true}} <- source-1 (forward)',
        '  window-3: window "TumblingEventTimeWindows(60000ms)" x2 {assigner: "TumblingEventTimeWindows(60000ms)", eventTime: true, trigger: "default", allowedLatenessMs: 1000, evictor: false, contents: "aggregate"} <- watermarks-2 (hash)',
        '  sink-4: sink "collect" {sink: "collect"} <- window-3 (forward)',
      ].join('\n'),
    );
  });
});

describe('two-input operators', () => {
  it('connect hands each record to the method of its input and merges the watermark of both', async () => {
    const env = StreamEnvironment.create();
    const out = collectSink<string>();
    const numbers = env.fromElements(1, 2, 3);
    const words = env.fromElements('a', 'b');
    numbers
      .connect(words)
      .process({
        processElement1: (n: number, _ctx: ProcessContext, c: Collector<string>) => c.collect(`n${n}`),
        processElement2: (w: string, _ctx: ProcessContext, c: Collector<string>) => c.collect(`w${w}`),
      })
      .sinkTo(out);
    await runToCompletion(env);
    assert.deepEqual([...out.values].sort(), ['n1', 'n2', 'n3', 'wa', 'wb']);
  });

  it('keyed connect shares the key state between both inputs (enrich events with the latest rule per key)', async () => {
    const env = StreamEnvironment.create({ parallelism: 3 });
    const out = collectSink<string>();
    const rules = env.fromElements({ user: 'u1', limit: 2 }, { user: 'u2', limit: 5 });
    const events = env.fromElements(
      { user: 'u1', n: 1 },
      { user: 'u1', n: 3 },
      { user: 'u2', n: 4 },
      { user: 'u3', n: 9 },
    );
    rules
      .keyBy((r) => r.user)
      .connect(events.keyBy((e) => e.user))
      .process(() => {
        let limit: ValueState<number>;
        return {
          open(ctx: KeyedRuntimeContext) {
            limit = ctx.getState(valueState<number>('limit'));
          },
          processElement1(r: { limit: number }) {
            limit.update(r.limit);
          },
          processElement2(e: { n: number }, ctx: KeyedProcessContext<string>, c: Collector<string>) {
            const l = limit.value();
            c.collect(`${ctx.currentKey}:${e.n}:${l === undefined ? 'no rule' : e.n > l ? 'over' : 'ok'}`);
          },
        };
      })
      .sinkTo(out);
    await runToCompletion(env);
    // Elements sources run one after another in this runtime: the rules (input 0) come first.
    assert.deepEqual([...out.values].sort(), ['u1:1:ok', 'u1:3:over', 'u2:4:ok', 'u3:9:no rule']);
  });
});

describe('keys compare by value', () => {
  it('tuple keys combine records whose parts are equal, and user code sees the tuple', async () => {
    const env = StreamEnvironment.create({ parallelism: 2 });
    const out = collectSink<string>();
    env
      .fromElements({ a: 'x', b: 1 }, { a: 'x', b: 1 }, { a: 'x', b: 2 })
      .keyBy((e) => [e.a, e.b])
      .reduce((l) => l)
      .sinkTo(collectSink());
    env
      .fromElements({ a: 'x', b: 1 }, { a: 'x', b: 1 }, { a: 'x', b: 2 })
      .keyBy((e) => [e.a, e.b])
      .process({
        processElement: (
          _e,
          ctx: KeyedProcessContext<readonly (string | number | boolean)[]>,
          c: Collector<string>,
        ) => c.collect(JSON.stringify(ctx.currentKey)),
      })
      .sinkTo(out);
    await runToCompletion(env);
    assert.deepEqual([...out.values].sort(), ['["x",1]', '["x",1]', '["x",2]']);
  });

  for (const [what, key] of [
    ['undefined', undefined],
    ['an object', { id: 1 }],
    ['NaN', Number.NaN],
  ] as const) {
    it(`refuses ${what} as a key, naming the operator and the record`, async () => {
      const env = StreamEnvironment.create();
      env
        .fromElements({ k: 'a' }, { k: 'b' })
        .keyBy((e) => (e.k === 'b' ? (key as never) : e.k))
        .process({ processElement: () => {} }, { uid: 'per-key' })
        .sinkTo(collectSink());
      await assert.rejects(runToCompletion(env), (e: unknown) => {
        assert.ok(e instanceof OperatorError);
        assert.equal(e.operatorId, 'per-key');
        assert.match(e.message, /on record elements#2: a key must be/);
        return true;
      });
    });
  }
});
