import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StreamEnvironment } from '../api/stream-environment.js';
import { fileSource } from '../connectors/file/source.js';
import { recordBatch } from '../core/record-batch.js';
import type { Source, SourceContext, SourceMessage } from '../core/source.js';
import { collectSink } from '../testing/index.js';
import { ManualClock } from '../time/manual-clock.js';
import { WatermarkStrategy } from '../time/watermark-strategy.js';
import { Aggregates } from '../window/aggregates.js';
import { TumblingEventTimeWindows } from '../window/assigners.js';

const MINUTE = 60_000;

/** Two files read one after the other whose event times interleave over the same 10 minutes. */
async function twoInterleavedFiles(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-splits-'));
  for (const [name, offsetMs] of [
    ['a', 0],
    ['b', 3_000],
  ] as const) {
    const lines = Array.from({ length: 100 }, (_, i) => JSON.stringify({ tsMs: offsetMs + i * 6_000 }));
    await writeFile(join(dir, `${name}.ndjson`), `${lines.join('\n')}\n`);
  }
  return dir;
}

type Row = { tsMs: number };

async function countPerMinute(dir: string, perSplit: boolean) {
  const env = StreamEnvironment.create({ log: () => {} });
  const strategy = WatermarkStrategy.boundedOutOfOrderness<unknown>(0).withTimestamp((r) => (r as Row).tsMs);
  const source = fileSource(join(dir, '*.ndjson'), { format: 'ndjson' });
  const stream = perSplit
    ? env.fromSource(source, { watermarks: strategy })
    : env.fromSource(source).assignTimestampsAndWatermarks(strategy);
  const out = collectSink<string>();
  stream
    .keyBy(() => 'all')
    .window(TumblingEventTimeWindows.of(MINUTE))
    .aggregate(Aggregates.count<unknown>(), (_k, w, n) => `${w.start / MINUTE}:${n}`, { uid: 'minutes' })
    .sinkTo(out);
  const result = await env.execute();
  return { out: out.values, late: result.metrics.operators.minutes?.counters.lateRecordsDropped ?? 0 };
}

describe('per-split watermarks (sources v2)', () => {
  it('two interleaved files: per-file watermarks count every record; one watermark over both drops the second file as late', async () => {
    const dir = await twoInterleavedFiles();
    const perSplit = await countPerMinute(dir, true);
    assert.deepEqual(
      perSplit.out,
      Array.from({ length: 10 }, (_, m) => `${m}:20`),
      'every minute holds its 10 + 10 records',
    );
    assert.equal(perSplit.late, 0);
    // The same data through one downstream watermark: file a moves it to minute 10 before b is read.
    const single = await countPerMinute(dir, false);
    assert.equal(single.late, 90, 'b is late but for its 10 records in the last minute, still open');
  });

  it('an idle split stops holding the watermark back after the idle timeout; a removed split leaves the merge', async () => {
    const clock = new ManualClock(0);
    const env = StreamEnvironment.create({ clock, log: () => {} });
    const out = collectSink<string>();
    const script: Array<SourceMessage<Row> | 'advance'> = [
      { kind: 'splits', added: ['p0', 'p1'] },
      { kind: 'data', batch: recordBatch('p0', [{ tsMs: 10_000 }], [Number.NaN], [1]), state: 1 },
      { kind: 'data', batch: recordBatch('p0', [{ tsMs: 70_000 }], [Number.NaN], [2]), state: 2 },
      'advance', // p1 never had data: after 5 s of processing time it is idle and minute 0 fires
      { kind: 'data', batch: recordBatch('p0', [{ tsMs: 130_000 }], [Number.NaN], [3]), state: 3 },
    ];
    const source: Source<Row> = {
      name: 'scripted',
      boundedness: 'unbounded',
      createReader: (ctx: SourceContext) => ({
        read: async () => {
          for (;;) {
            const step = script.shift();
            if (step === undefined) {
              await ctx.drained();
              await new Promise<void>((r) => ctx.signal.addEventListener('abort', () => r(), { once: true }));
              return { kind: 'end' };
            }
            if (step !== 'advance') return step;
            await ctx.drained();
            clock.advance(5_000);
          }
        },
      }),
    };
    env
      .fromSource(source, {
        watermarks: WatermarkStrategy.boundedOutOfOrderness<Row>(0)
          .withTimestamp((r) => r.tsMs)
          .withIdleness(5_000),
      })
      .keyBy(() => 'k')
      .window(TumblingEventTimeWindows.of(MINUTE))
      .aggregate(Aggregates.count<Row>(), (_k, w, n) => `${w.start / MINUTE}:${n}`)
      .sinkTo(out);
    const client = env.executeAsync();
    for (let i = 0; i < 200 && out.values.length < 2; i++) await new Promise((r) => setImmediate(r));
    await client.stop();
    // Without idleness p1 (no data) would hold the watermark at -inf and nothing would fire.
    assert.deepEqual(out.values, ['0:1', '1:1']);
  });

  it('handOver waits until what was read went through and the sinks flushed, then returns the splits last states', async () => {
    const env = StreamEnvironment.create({ log: () => {} });
    const flushed: number[] = [];
    const written: number[] = [];
    let handedOver: ReadonlyMap<string, unknown> | undefined;
    const source: Source<number> = {
      name: 'rebalancing',
      boundedness: 'bounded',
      createReader: (ctx) => {
        let step = 0;
        return {
          read: async (): Promise<SourceMessage<number>> => {
            step++;
            if (step === 1)
              return { kind: 'data', batch: recordBatch('t/0', [1, 2], [0, 0], [1, 2]), state: 3 };
            if (step === 2) return { kind: 'data', batch: recordBatch('t/1', [10], [0], [1]), state: 2 };
            if (step === 3) {
              handedOver = await ctx.handOver(['t/0']);
              return { kind: 'splits', removed: ['t/0'] };
            }
            if (step === 4) return { kind: 'data', batch: recordBatch('t/1', [11], [0], [2]), state: 3 };
            return { kind: 'end' };
          },
        };
      },
    };
    env.fromSource(source).sinkTo({
      name: 'tracking',
      createWriter: () => ({
        write: (b) => {
          written.push(...b.values);
        },
        flush: async () => {
          flushed.push(written.length);
        },
      }),
    });
    await env.execute();
    assert.deepEqual([...(handedOver ?? [])], [['t/0', 3]]);
    assert.equal(flushed[0], 3, 'the sink flushed the three records read before the hand-over');
    assert.deepEqual(written, [1, 2, 10, 11]);
  });
});
