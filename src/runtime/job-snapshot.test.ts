import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import { StreamEnvironment } from '../api/stream-environment.js';
import { RecordingSink } from '../testing/recording-sink.js';
import { countPerPathPerMinute, interleavedFiles } from './interleaved-windows.fixture.js';
import type { JobSnapshot } from './job-snapshot.js';

describe('snapshot and restore of a running job', () => {
  it('a job snapshotted by hand at a message boundary and restored gives the output of an uninterrupted run', async () => {
    const dir = await interleavedFiles(100);
    const reference = new RecordingSink<string>();
    const envRef = StreamEnvironment.create({ batchSize: 7, log: () => {} });
    countPerPathPerMinute(envRef, dir, reference);
    await envRef.execute('reference');
    assert.ok(reference.values.length > 20, 'the reference run produced windows');

    // First run: snapshot at the third write of results, then kill the job.
    const first = new RecordingSink<string>();
    const env1 = StreamEnvironment.create({ batchSize: 7, queueCapacity: 1, log: () => {} });
    countPerPathPerMinute(env1, dir, first);
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
    countPerPathPerMinute(env2, dir, second);
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
    countPerPathPerMinute(envRef, dir, reference);
    await envRef.execute();

    const first = new RecordingSink<string>();
    const env1 = StreamEnvironment.create({ batchSize: 5, queueCapacity: 1, parallelism: 2, log: () => {} });
    countPerPathPerMinute(env1, dir, first);
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
    countPerPathPerMinute(env2, dir, second);
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
