import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import { StreamEnvironment } from '../api/stream-environment.js';
import { fileSource } from '../connectors/file/source.js';
import { RecordingSink } from '../testing/recording-sink.js';
import { WatermarkStrategy } from '../time/watermark-strategy.js';
import { Aggregates } from '../window/aggregates.js';
import { TumblingEventTimeWindows } from '../window/assigners.js';
import type { JobSnapshot } from './job-snapshot.js';

interface Hit {
  readonly path: string;
  readonly ts: string;
}

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1, 10);

/** Two files whose event times interleave: a.ndjson at 0 s, 6 s, ...; b.ndjson at 3 s, 9 s, ... */
async function interleavedFiles(linesPerFile = 100): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-snapshot-'));
  for (const [name, offsetMs] of [
    ['a', 0],
    ['b', 3_000],
  ] as const) {
    const lines: string[] = [];
    for (let i = 0; i < linesPerFile; i++) {
      const ts = new Date(T0 + offsetMs + i * 6_000).toISOString();
      lines.push(JSON.stringify({ path: `/p${i % 3}`, ts }));
    }
    await writeFile(join(dir, `${name}.ndjson`), `${lines.join('\n')}\n`);
  }
  return dir;
}

function pipeline(env: StreamEnvironment, dir: string, sink: RecordingSink<string>): void {
  env
    .fromSource(fileSource(join(dir, '*.ndjson'), { format: 'ndjson' }), {
      uid: 'hits',
      watermarks: WatermarkStrategy.boundedOutOfOrderness<unknown>(0).withTimestamp((h) =>
        Date.parse((h as Hit).ts),
      ),
    })
    .map((h) => h as Hit, { uid: 'as-hit' })
    .keyBy((h) => h.path)
    .window(TumblingEventTimeWindows.of(MINUTE))
    .aggregate(Aggregates.count<Hit>(), (path, w, n) => `${path}@${(w.start - T0) / MINUTE}=${n}`, {
      uid: 'per-minute',
    })
    .sinkTo(sink, { uid: 'out' });
}

describe('snapshot and restore of a running job', () => {
  it('a job snapshotted by hand at a message boundary and restored gives the output of an uninterrupted run', async () => {
    const dir = await interleavedFiles();
    const reference = new RecordingSink<string>();
    const envRef = StreamEnvironment.create({ batchSize: 7, log: () => {} });
    pipeline(envRef, dir, reference);
    await envRef.execute('reference');
    assert.ok(reference.values.length > 20, 'the reference run produced windows');

    // First run: snapshot at the third write of results, then kill the job.
    const first = new RecordingSink<string>();
    const env1 = StreamEnvironment.create({ batchSize: 7, queueCapacity: 1, log: () => {} });
    pipeline(env1, dir, first);
    const running = env1.executeAsync('interrupted');
    const snapshot = await first.atWrite(3, () => running.snapshot());
    await running.cancel();
    const committed = first.values.slice(0, first.collectedAt(snapshot.sinks.out));
    assert.ok(committed.length > 0 && committed.length < reference.values.length, 'the cut is mid-job');
    // The cut names, per file, the line the job had processed, and keeps the window state.
    const splits = new Map(snapshot.sources.hits?.splits ?? []);
    assert.ok(splits.size >= 1, 'split states were recorded');
    assert.ok(snapshot.operators['per-minute']?.keyed !== undefined, 'window state was snapshotted');

    // The snapshot is plain data: it survives v8 serialization, as a checkpoint file keeps it.
    const stored = deserialize(serialize(snapshot)) as JobSnapshot;

    const second = new RecordingSink<string>();
    const env2 = StreamEnvironment.create({ batchSize: 7, log: () => {}, restoreFrom: stored });
    pipeline(env2, dir, second);
    await env2.execute('restored');
    assert.deepEqual(second.restoredState, { collected: committed.length });
    // Nothing lost, nothing twice. (Results of different keys firing at one watermark may come in
    // another order after a restore: timers of one timestamp fire in key-group order then.)
    assert.deepEqual([...committed, ...second.values].sort(), [...reference.values].sort());
  });

  it('restoring with another parallelism regroups keyed state by key group and gives the same results', async () => {
    const dir = await interleavedFiles(60);
    const reference = new RecordingSink<string>();
    const envRef = StreamEnvironment.create({ batchSize: 5, log: () => {} });
    pipeline(envRef, dir, reference);
    await envRef.execute();

    const first = new RecordingSink<string>();
    const env1 = StreamEnvironment.create({ batchSize: 5, queueCapacity: 1, parallelism: 2, log: () => {} });
    pipeline(env1, dir, first);
    const running = env1.executeAsync();
    const snapshot = await first.atWrite(2, () => running.snapshot());
    await running.cancel();
    const committed = first.values.slice(0, first.collectedAt(snapshot.sinks.out));

    const second = new RecordingSink<string>();
    const env2 = StreamEnvironment.create({
      batchSize: 5,
      parallelism: 4,
      log: () => {},
      restoreFrom: snapshot,
    });
    pipeline(env2, dir, second);
    await env2.execute();
    assert.deepEqual([...committed, ...second.values].sort(), [...reference.values].sort());
  });

  it('refuses to snapshot a job that is no longer running', async () => {
    const env = StreamEnvironment.create({ log: () => {} });
    env.fromElements(1, 2).sinkTo({ name: 'noop', createWriter: () => ({ write: () => {} }) });
    const client = env.executeAsync();
    await client.result;
    await assert.rejects(client.snapshot(), /no longer running/);
  });
});
