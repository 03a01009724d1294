import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StreamEnvironment } from '../api/stream-environment.js';
import type { CheckpointStorage } from '../checkpoint/checkpoint-storage.js';
import { LocalDirectoryStorage } from '../checkpoint/local-directory-storage.js';
import { recordBatch } from '../core/record-batch.js';
import type { Source, SourceMessage } from '../core/source.js';
import { HeapStateBackend } from '../state/heap/heap-keyed-state-backend.js';
import type { KeyedStateBackend, StateBackend } from '../state/state-backend.js';
import { RecordingSink } from '../testing/recording-sink.js';
import { ManualClock } from '../time/manual-clock.js';
import { countPerPathPerMinute, interleavedFiles } from './interleaved-windows.fixture.js';
import { readJobCheckpoint } from './job-checkpointer.js';

const T0 = Date.UTC(2026, 0, 1, 10);

async function storageIn(dir: string, clock = new ManualClock(T0)): Promise<LocalDirectoryStorage> {
  return new LocalDirectoryStorage({ directory: join(dir, 'checkpoints'), jobName: 'test', clock });
}

async function referenceRun(dir: string): Promise<string[]> {
  const reference = new RecordingSink<string>();
  const env = StreamEnvironment.create({ batchSize: 5, log: () => {} });
  countPerPathPerMinute(env, dir, reference);
  await env.execute();
  return reference.values;
}

describe('checkpoints of a running job', () => {
  it('a job checkpointed mid-run into a directory and restored from it, at another parallelism, gives the output of an uninterrupted run', async () => {
    const dir = await interleavedFiles(80);
    const reference = await referenceRun(dir);
    const storage = await storageIn(dir);

    const first = new RecordingSink<string>();
    const env1 = StreamEnvironment.create({
      batchSize: 5,
      queueCapacity: 1,
      parallelism: 2,
      log: () => {},
      checkpoints: { storage },
    });
    countPerPathPerMinute(env1, dir, first);
    const client = env1.executeAsync();
    const manifest = await first.atWrite(3, () => client.checkpoint());
    await client.cancel();
    assert.equal(manifest.checkpointId, 1);
    // The keyed window state of both instances went into parts of their own, beside the job part.
    assert.deepEqual(manifest.parts.map((p) => p.name).sort(), ['job', 'keyed-0-0', 'keyed-0-1']);
    assert.deepEqual(first.checkpointsCompleted, [1], 'the sink heard that checkpoint 1 completed');

    const restored = await readJobCheckpoint(storage);
    assert.ok(restored !== undefined);
    const committed = first.values.slice(0, first.collectedAt(restored.sinks.out));
    assert.ok(committed.length > 0 && committed.length < reference.length, 'the cut is mid-job');

    const second = new RecordingSink<string>();
    const env2 = StreamEnvironment.create({
      batchSize: 5,
      parallelism: 3,
      log: () => {},
      restoreFrom: restored,
    });
    countPerPathPerMinute(env2, dir, second);
    await env2.execute();
    assert.deepEqual([...committed, ...second.values].sort(), [...reference].sort());
  });

  it("with resume: 'latest' a restarted job continues from the latest checkpoint by itself, and refuses another job's", async () => {
    const dir = await interleavedFiles(80);
    const reference = await referenceRun(dir);
    const storage = await storageIn(dir);
    const first = new RecordingSink<string>();
    const options = { batchSize: 5, queueCapacity: 1, log: () => {} };
    const env1 = StreamEnvironment.create({ ...options, checkpoints: { storage, resume: 'latest' } });
    countPerPathPerMinute(env1, dir, first);
    const client = env1.executeAsync('windows');
    await first.atWrite(4, () => client.checkpoint());
    await client.cancel();
    const cut = await readJobCheckpoint(storage);
    const committed = first.values.slice(0, first.collectedAt(cut?.sinks.out));

    const logged: string[] = [];
    const second = new RecordingSink<string>();
    const env2 = StreamEnvironment.create({
      ...options,
      log: (line) => logged.push(line),
      checkpoints: { storage: () => storage, resume: 'latest' },
    });
    countPerPathPerMinute(env2, dir, second);
    await env2.execute('windows');
    assert.ok(
      logged.some((l) => /resuming from checkpoint 1 /.test(l)),
      logged.join('\n'),
    );
    assert.deepEqual([...committed, ...second.values].sort(), [...reference].sort());

    const other = StreamEnvironment.create({ ...options, checkpoints: { storage, resume: 'latest' } });
    countPerPathPerMinute(other, dir, new RecordingSink<string>());
    await assert.rejects(other.execute('another-job'), /belongs to job "windows", not "another-job"/);
  });

  it('numbers checkpoints on from the latest one in the storage, so a restarted job never reuses an id', async () => {
    const dir = await interleavedFiles(40);
    const storage = await storageIn(dir);
    for (const expected of [1, 2]) {
      const out = new RecordingSink<string>();
      const env = StreamEnvironment.create({
        batchSize: 5,
        queueCapacity: 1,
        log: () => {},
        checkpoints: { storage },
      });
      countPerPathPerMinute(env, dir, out);
      const client = env.executeAsync();
      const manifest = await out.atWrite(1, () => client.checkpoint());
      await client.cancel();
      assert.equal(manifest.checkpointId, expected);
    }
    assert.deepEqual(
      (await storage.list()).map((m) => m.checkpointId),
      [1, 2],
    );
  });

  it('tells each source reader its split states once the checkpoint is durable, and never for a checkpoint that failed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-checkpoint-'));
    const inner = await storageIn(dir);
    let failNext = true;
    const flaky: CheckpointStorage = {
      ...bind<CheckpointStorage>(inner),
      begin: async (id) => {
        const writer = await inner.begin(id);
        return {
          ...bind(writer),
          checkpointId: writer.checkpointId,
          writePart: async (name, bytes) => {
            if (failNext) {
              failNext = false;
              throw new Error('disk full');
            }
            return writer.writePart(name, bytes);
          },
        };
      },
    };
    const told: Array<[number, Map<string, unknown>]> = [];
    const source = countingSource(told);
    const out = new RecordingSink<number>();
    const env = StreamEnvironment.create({
      batchSize: 4,
      queueCapacity: 1,
      log: () => {},
      checkpoints: { storage: flaky },
    });
    env.fromSource(source, { uid: 'numbers' }).sinkTo(out, { uid: 'out' });
    const client = env.executeAsync();
    await assert.rejects(
      out.atWrite(2, () => client.checkpoint()),
      /disk full/,
    );
    assert.equal(told.length, 0, 'a failed checkpoint is not announced');
    assert.deepEqual(await inner.list(), [], 'a failed checkpoint never becomes visible');
    const manifest = await out.atWrite(4, () => client.checkpoint());
    await client.stop();
    assert.equal(manifest.checkpointId, 1, 'the id of the failed attempt is used again');
    assert.equal(told.length, 1);
    const [id, splits] = told[0] as [number, Map<string, unknown>];
    assert.equal(id, 1);
    const restored = await readJobCheckpoint(inner);
    const state = new Map(restored?.sources.numbers?.splits ?? []).get('numbers');
    assert.deepEqual(splits.get('numbers'), state, 'the reader hears the split state the checkpoint holds');
    assert.ok(typeof state === 'object' && (state as { next: number }).next >= 16);
    assert.deepEqual(out.checkpointsCompleted, [1]);
  });

  it('takes checkpoints by itself every intervalMs of the job clock', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-checkpoint-'));
    const clock = new ManualClock(T0);
    const storage = await storageIn(dir, clock);
    const out = new RecordingSink<number>();
    const env = StreamEnvironment.create({
      clock,
      batchSize: 4,
      queueCapacity: 1,
      log: () => {},
      checkpoints: { storage, intervalMs: 10_000 },
    });
    env.fromSource(countingSource([]), { uid: 'numbers' }).sinkTo(out, { uid: 'out' });
    const client = env.executeAsync();
    await out.atWrite(1, async () => {});
    for (let i = 1; i <= 3; i++) {
      clock.advance(10_000);
      for (let turns = 0; client.metrics().checkpoints.completed < i && turns < 10_000; turns++)
        await new Promise((resolve) => setImmediate(resolve));
    }
    await client.stop();
    assert.deepEqual(
      (await storage.list()).map((m) => m.checkpointId),
      [1, 2, 3],
    );
    assert.equal(client.metrics().checkpoints.lastId, 3);
  });

  it('refuses a checkpoint when the job has no checkpoint storage', async () => {
    const env = StreamEnvironment.create({ log: () => {} });
    env.fromSource(countingSource([]), { uid: 'numbers' }).sinkTo(new RecordingSink<number>());
    const client = env.executeAsync();
    await assert.rejects(client.checkpoint(), /no checkpoint storage configured/);
    await client.stop();
  });
});

describe('keyed state backends hear the job lifecycle', () => {
  /** A heap backend that records the lifecycle calls the runtime makes. */
  function recordingBackend(calls: string[]): StateBackend {
    const heap = new HeapStateBackend();
    return {
      name: 'recording',
      createKeyedStateBackend(options): KeyedStateBackend {
        const backend = heap.createKeyedStateBackend(options);
        return Object.assign(Object.create(backend) as KeyedStateBackend, {
          open: async (info: { restoredFromSnapshot: boolean }) => {
            calls.push(`open restored=${info.restoredFromSnapshot}`);
          },
          close: async () => {
            calls.push('close');
          },
          dispose: () => {
            calls.push('dispose');
            backend.dispose();
          },
        });
      },
    };
  }

  it('opens before the first record, closes after a graceful end, and only disposes after a failure', async () => {
    const calls: string[] = [];
    const env = StreamEnvironment.create({ stateBackend: recordingBackend(calls), log: () => {} });
    env
      .fromElements(1, 2, 3)
      .map((n) => {
        calls.push(`record ${n}`);
        return n;
      })
      .keyBy((n) => n % 2)
      .reduce((a, b) => a + b)
      .sinkTo(new RecordingSink<number>());
    await env.execute();
    assert.deepEqual(calls, ['open restored=false', 'record 1', 'record 2', 'record 3', 'close', 'dispose']);

    const failing: string[] = [];
    const env2 = StreamEnvironment.create({ stateBackend: recordingBackend(failing), log: () => {} });
    env2
      .fromElements(1, 2)
      .keyBy((n) => n)
      .reduce((a, b) => a + b)
      .map((n) => {
        if (n === 2) throw new Error('boom');
        return n;
      })
      .sinkTo(new RecordingSink<number>());
    await assert.rejects(env2.execute(), /boom/);
    assert.deepEqual(failing, ['open restored=false', 'dispose']);
  });
});

/** Binds an object's methods so its spread copy keeps working. */
function bind<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  let proto: object | null = o;
  while (proto !== null && proto !== Object.prototype) {
    for (const k of Object.getOwnPropertyNames(proto)) {
      const v = (o as Record<string, unknown>)[k];
      if (k !== 'constructor' && !(k in out)) out[k] = typeof v === 'function' ? v.bind(o) : v;
    }
    proto = Object.getPrototypeOf(proto) as object | null;
  }
  return out as T;
}

/**
 * An unbounded source of 0, 1, 2, ... in batches of 4, one split `numbers` whose resume state is
 * `{ next }`; it records each `onCheckpointComplete` it hears.
 */
function countingSource(told: Array<[number, Map<string, unknown>]>): Source<number> {
  return {
    name: 'numbers',
    boundedness: 'unbounded',
    createReader: (ctx) => {
      let next = 0;
      return {
        async read(): Promise<SourceMessage<number>> {
          if (ctx.signal.aborted) return { kind: 'end' };
          await new Promise((resolve) => setImmediate(resolve));
          const values = [next, next + 1, next + 2, next + 3];
          const batch = recordBatch(
            'numbers',
            values,
            values.map(() => Number.NaN),
            values.map((v) => v + 1),
          );
          next += 4;
          return { kind: 'data', batch, state: { next } };
        },
        onCheckpointComplete: (id, splits) => {
          told.push([id, new Map(splits)]);
        },
      };
    },
  };
}
