import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StreamEnvironment } from '../api/stream-environment.js';
import { DEAD_LETTERS, type DeadLetter } from '../core/dead-letter.js';
import { JobCancelledError, OperatorError, reject } from '../core/errors.js';
import { batchOfValues, type RecordBatch } from '../core/record-batch.js';
import type { Sink, SinkWriter } from '../core/sink.js';
import type { Source, SourceMessage } from '../core/source.js';
import { collectSink } from '../testing/index.js';
import { runToCompletion } from '../testing/run-to-completion.js';
import { steps, TestSource } from '../testing/test-source.js';
import { WatermarkStrategy } from '../time/watermark-strategy.js';
import { Aggregates } from '../window/aggregates.js';
import { TumblingEventTimeWindows } from '../window/assigners.js';

/** An unbounded source counting how many batches it handed out; ends when the job stops. */
class CountingSource implements Source<number> {
  readonly name = 'counting';
  readonly boundedness = 'unbounded';
  batchesRead = 0;
  constructor(private readonly limit = Number.POSITIVE_INFINITY) {}
  createReader(ctx: { signal: AbortSignal }) {
    return {
      read: async (): Promise<SourceMessage<number>> => {
        if (ctx.signal.aborted || this.batchesRead >= this.limit) return { kind: 'end' };
        this.batchesRead++;
        return { kind: 'data', batch: batchOfValues('counting', [this.batchesRead], this.batchesRead) };
      },
    };
  }
}

/** A sink whose writes complete only when the test releases them. */
class GatedSink implements Sink<number> {
  readonly name = 'gated';
  readonly received: number[] = [];
  private release: Array<() => void> = [];
  private gated = true;
  flushed = false;
  createWriter(): SinkWriter<number> {
    return {
      write: (batch: RecordBatch<number>) => {
        this.received.push(...batch.values);
        if (!this.gated) return;
        return new Promise<void>((resolve) => this.release.push(resolve));
      },
      flush: async () => {
        this.flushed = true;
      },
    };
  }
  releaseAll(): void {
    for (const r of this.release.splice(0)) r();
  }
  /** From now on writes complete at once. */
  ungate(): void {
    this.gated = false;
    this.releaseAll();
  }
  get pending(): number {
    return this.release.length;
  }
}

const tick = () => new Promise((r) => setImmediate(r));

describe('failures name the operator and the record', () => {
  it('fails the job with the operator id and the record position when user code throws', async () => {
    const env = StreamEnvironment.create();
    env
      .fromSource(new TestSource([steps.records('1', '2', 'oops', '4')], { name: 'file:numbers.txt' }))
      .map((s) => {
        if (s === 'oops') throw new TypeError('cannot parse');
        return Number(s);
      })
      .uid('parse')
      .sinkTo(collectSink());
    await assert.rejects(runToCompletion(env), (e: unknown) => {
      assert.ok(e instanceof OperatorError);
      assert.equal(e.operatorId, 'parse');
      assert.deepEqual(e.record, { origin: 'file:numbers.txt', position: 3 });
      assert.equal(e.message, 'operator "parse" failed on record file:numbers.txt#3: cannot parse');
      return true;
    });
  });

  it('names a keyed operator when its key selector throws', async () => {
    const env = StreamEnvironment.create();
    env
      .fromElements<{ k?: string }>({ k: 'a' }, {})
      .keyBy((v) => {
        if (v.k === undefined) throw new Error('no key');
        return v.k;
      })
      .process({ processElement: () => {} }, { uid: 'per-key' })
      .sinkTo(collectSink());
    await assert.rejects(runToCompletion(env), /operator "per-key" failed on record elements#2: no key/);
  });

  it('refuses a plan without a sink, with a hint', () => {
    const env = StreamEnvironment.create();
    env.fromElements(1).map((x) => x);
    assert.throws(() => env.executeAsync(), /has no sink: add \.sinkTo/);
  });

  it('refuses two operators with the same uid', () => {
    const env = StreamEnvironment.create();
    env.fromElements(1).map((x) => x, { uid: 'same' });
    assert.throws(() => env.fromElements(2).map((x) => x, { uid: 'same' }), /already exists/);
  });
});

describe('dead letters', () => {
  it('sends bad records to the dead-letter sink with origin, position and reason; the job continues and counts them', async () => {
    const letters = collectSink<DeadLetter>();
    const env = StreamEnvironment.create({ deadLetterSink: letters });
    const out = collectSink<number>();
    env
      .fromSource(new TestSource([steps.records('1', 'x', '3', '')], { name: 'input' }))
      .map((s) => (s !== '' && Number.isFinite(Number(s)) ? Number(s) : reject(`not a number: "${s}"`)))
      .uid('parse')
      .sinkTo(out);
    const result = await runToCompletion(env);
    assert.deepEqual(out.values, [1, 3]);
    assert.equal(result.metrics.deadLetters, 2);
    assert.equal(result.metrics.operators.parse?.counters.deadLetters, 2);
    assert.deepEqual(
      letters.values.map((l) => [l.origin, l.position, l.operatorId, l.reason, l.record]),
      [
        ['input', 2, 'parse', 'not a number: "x"', 'x'],
        ['input', 4, 'parse', 'not a number: ""', ''],
      ],
    );
  });

  it('delivers dead letters to a stream that reads the DEAD_LETTERS side output', async () => {
    const env = StreamEnvironment.create({ log: () => {} });
    const parsed = env.fromElements('{"a":1}', '{broken').map((s) => {
      try {
        return JSON.parse(s) as unknown;
      } catch (e) {
        return reject(`invalid JSON: ${(e as Error).message}`);
      }
    });
    const good = collectSink<unknown>();
    const bad = collectSink<DeadLetter>();
    parsed.sinkTo(good);
    parsed.getSideOutput(DEAD_LETTERS).sinkTo(bad);
    const result = await runToCompletion(env);
    assert.deepEqual(good.values, [{ a: 1 }]);
    assert.equal(bad.values.length, 1);
    assert.match(bad.values[0]?.reason ?? '', /^invalid JSON/);
    assert.equal(result.deadLetterSamples.length, 0, 'consumed by the side output, not sampled');
  });

  it('logs and samples dead letters when no dead-letter sink is configured', async () => {
    const lines: string[] = [];
    const env = StreamEnvironment.create({ log: (l) => lines.push(l) });
    env
      .fromElements(1, 2, 3)
      .filter((n) => (n === 2 ? reject('two is bad') : true))
      .sinkTo(collectSink());
    const result = await runToCompletion(env);
    assert.equal(result.deadLetterSamples.length, 1);
    assert.match(lines.join('\n'), /dead letter from filter-2 \(elements#2\): two is bad/);
  });
});

describe('backpressure, stop and cancel', () => {
  it('a slow sink slows the source: reads stay within the queue capacity of what the sink accepted', async () => {
    const source = new CountingSource();
    const sink = new GatedSink();
    const env = StreamEnvironment.create({ queueCapacity: 4 });
    env.fromSource(source).sinkTo(sink);
    const job = env.executeAsync('backpressure');
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 10; i++) await tick();
      // one batch in the sink, up to 4 queued, one being read
      assert.ok(
        source.batchesRead <= sink.received.length + 4 + 1,
        `read ${source.batchesRead} with ${sink.received.length} accepted`,
      );
      assert.equal(sink.pending, 1, 'the job waits for the sink before taking more input');
      sink.releaseAll();
    }
    const stopping = job.stop();
    sink.ungate();
    const result = await stopping;
    assert.equal(result.status, 'stopped');
    assert.ok(sink.flushed, 'stop flushes sinks');
    assert.ok(sink.received.length >= 20);
  });

  it('stop without drain keeps open windows unfired; stop with drain fires them', async () => {
    const runAndStop = async (drain: boolean) => {
      const env = StreamEnvironment.create();
      const source = new TestSource<number>([steps.timestamped([1, 100], [2, 200])], { after: 'hold' });
      const sink = collectSink<number>();
      env
        .fromSource(source)
        .assignTimestampsAndWatermarks(WatermarkStrategy.monotonousTimestamps<number>())
        .windowAll(TumblingEventTimeWindows.of(1000))
        .aggregate(Aggregates.count<number>())
        .sinkTo(sink);
      const job = env.executeAsync();
      await source.done;
      const result = await job.stop({ drain });
      return { result, values: sink.values };
    };
    const plain = await runAndStop(false);
    assert.equal(plain.result.status, 'stopped');
    assert.deepEqual(plain.values, []);
    assert.deepEqual((await runAndStop(true)).values, [2]);
  });

  it('cancel rejects the result with JobCancelledError', async () => {
    const env = StreamEnvironment.create();
    env.fromSource(new CountingSource()).sinkTo(new GatedSink());
    const job = env.executeAsync('cancel-me');
    await tick();
    await job.cancel();
    await assert.rejects(job.result, JobCancelledError);
  });

  it('reports live metrics while running', async () => {
    const env = StreamEnvironment.create();
    const sink = new GatedSink();
    env.fromSource(new CountingSource(3)).sinkTo(sink);
    const job = env.executeAsync('metrics');
    for (let i = 0; i < 10; i++) await tick();
    assert.equal(job.metrics().recordsIn, 1);
    for (let i = 0; i < 10; i++) {
      sink.releaseAll();
      await tick();
    }
    const result = await job.result;
    assert.equal(result.metrics.recordsIn, 3);
    assert.equal(result.metrics.recordsOut, 3);
    assert.equal(result.status, 'finished');
  });
});
