/**
 * Kafka offsets and checkpoints on a real broker: a job checkpoints mid-run, then dies (cancel,
 * nothing flushed or committed after the checkpoint). The offsets the checkpoint holds were
 * committed to the consumer group once it completed, so a new run of the same group started from
 * its committed offsets reads every record after the cut exactly once; and a run restored from the
 * checkpoint itself (another group) does too. Exact counts; every wait is bounded.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { StreamEnvironment } from '../../../src/api/stream-environment.js';
import { LocalDirectoryStorage } from '../../../src/checkpoint/local-directory-storage.js';
import type { KafkaRecord } from '../../../src/connectors/kafka/kafka-record.js';
import { kafkaSource } from '../../../src/connectors/kafka/source.js';
import { readJobCheckpoint } from '../../../src/runtime/job-checkpointer.js';
import type { JobSnapshot } from '../../../src/runtime/job-snapshot.js';
import { RecordingSink } from '../../../src/testing/recording-sink.js';
import { systemClock } from '../../../src/time/system-clock.js';
import { type Broker, type BrokerName, createTopic, produce, requireBroker } from './broker.js';

const PARTITIONS = 3;
const PER_PARTITION = 1_000;
const TOTAL = PARTITIONS * PER_PARTITION;

/** Waits (polling every 20 ms) until `condition` holds; fails after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Reads `topic` as `group` into `out` (each record as "partition:i"), with checkpoints into `dir`. */
function job(
  broker: Broker,
  topic: string,
  group: string,
  out: RecordingSink<string>,
  dir: string,
  restoreFrom?: JobSnapshot,
) {
  const storage = new LocalDirectoryStorage({
    directory: dir,
    jobName: 'kafka-checkpoint',
    clock: systemClock,
  });
  const env = StreamEnvironment.create({
    batchSize: 100,
    queueCapacity: 2,
    log: () => {},
    checkpoints: { storage },
    ...(restoreFrom === undefined ? {} : { restoreFrom }),
  });
  env
    .fromSource(
      kafkaSource<KafkaRecord<{ i: number }>>({
        bootstrap: broker.bootstrap,
        topics: [topic],
        groupId: group,
        startFrom: 'committed',
        maxBufferedRecords: 500,
      }),
      { uid: 'kafka' },
    )
    .map((r) => `${r.partition}:${r.value.i}`, { uid: 'label' })
    .sinkTo(out, { uid: 'out' });
  return { client: env.executeAsync(), storage };
}

function expected(): string[] {
  return Array.from({ length: PARTITIONS }, (_, p) =>
    Array.from({ length: PER_PARTITION }, (_, i) => `${p}:${i}`),
  ).flat();
}

async function produced(broker: Broker): Promise<string> {
  const topic = await createTopic(broker, 'checkpoint', PARTITIONS);
  await produce(
    broker,
    topic,
    Array.from({ length: PARTITIONS }, (_, partition) =>
      Array.from({ length: PER_PARTITION }, (_, i) => ({ partition, value: JSON.stringify({ i }) })),
    ).flat(),
  );
  return topic;
}

/** Runs a first job until its checkpoint after the 5th write completed, then kills it. */
async function checkpointThenDie(broker: Broker, topic: string, group: string, dir: string) {
  const first = new RecordingSink<string>();
  const { client, storage } = job(broker, topic, group, first, dir);
  const manifest = await first.atWrite(5, () => client.checkpoint());
  await client.cancel();
  const snapshot = await readJobCheckpoint(storage);
  assert.ok(snapshot !== undefined);
  assert.equal(manifest.checkpointId, 1);
  const committed = first.values.slice(0, first.collectedAt(snapshot.sinks.out));
  assert.ok(committed.length > 0 && committed.length < TOTAL, `the cut is mid-topic (${committed.length})`);
  return { committed, snapshot };
}

for (const name of ['kafka4', 'kafka3'] as const satisfies readonly BrokerName[]) {
  describe(`Kafka offsets and checkpoints (${name})`, () => {
    it('commits the checkpoint offsets to the group once it completes, so the group resumes at the cut: every record once', async (t) => {
      const broker = requireBroker(t, name);
      if (!broker) return;
      const topic = await produced(broker);
      const group = `checkpoint-${randomUUID().slice(0, 8)}`;
      const dir = await mkdtemp(join(tmpdir(), 'sluice-kafka-checkpoint-'));
      const { committed, snapshot } = await checkpointThenDie(broker, topic, group, dir);
      // The checkpoint names an offset for each partition the job had read from by then.
      const offsets = new Map(snapshot.sources.kafka?.splits ?? []);
      assert.ok(offsets.size >= 1 && [...offsets.values()].every((o) => typeof o === 'number'));

      // A new run of the same group, no snapshot: it starts from what the group committed.
      const second = new RecordingSink<string>();
      const { client } = job(broker, topic, group, second, join(dir, 'second'));
      await until(() => committed.length + second.values.length >= TOTAL, 'the rest of the topic');
      await client.stop();
      assert.deepEqual([...committed, ...second.values].sort(), expected().sort());
    });

    it('a run restored from the checkpoint (a new group) reads each record after the cut exactly once', async (t) => {
      const broker = requireBroker(t, name);
      if (!broker) return;
      const topic = await produced(broker);
      const dir = await mkdtemp(join(tmpdir(), 'sluice-kafka-checkpoint-'));
      const { committed, snapshot } = await checkpointThenDie(
        broker,
        topic,
        `checkpoint-${randomUUID().slice(0, 8)}`,
        dir,
      );
      const second = new RecordingSink<string>();
      const { client } = job(
        broker,
        topic,
        `checkpoint-${randomUUID().slice(0, 8)}`,
        second,
        join(dir, 'second'),
        snapshot,
      );
      await until(() => committed.length + second.values.length >= TOTAL, 'the rest of the topic');
      await client.stop();
      assert.deepEqual([...committed, ...second.values].sort(), expected().sort());
    });
  });
}
