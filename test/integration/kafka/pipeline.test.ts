/**
 * Kafka through whole jobs on a real broker: per-partition watermarks against one watermark over the
 * interleaved partitions, an idle partition, a malformed record, a consumer-group rebalance between
 * two `sluice run` processes, and a broker restart mid-run. Exact counts; every wait is bounded.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StreamEnvironment } from '../../../src/api/stream-environment.js';
import { kafkaSource } from '../../../src/connectors/kafka/source.js';
import type { DeadLetter } from '../../../src/core/dead-letter.js';
import type { JobClient } from '../../../src/runtime/job-client.js';
import { collectSink } from '../../../src/testing/index.js';
import { WatermarkStrategy } from '../../../src/time/watermark-strategy.js';
import { Aggregates } from '../../../src/window/aggregates.js';
import { TumblingEventTimeWindows } from '../../../src/window/assigners.js';
import { type BrokerName, createTopic, privateBroker, produce, requireBroker } from './broker.js';

const MINUTE = 60_000;
const BASE_MS = Date.UTC(2026, 0, 1);

/** Waits (polling every 20 ms) until `condition` holds; fails after `timeoutMs`. */
async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** 3 partitions x 600 records, one per second over 10 minutes, partition p shifted by p x 300 ms. */
function interleaved() {
  return [0, 1, 2].flatMap((partition) =>
    Array.from({ length: 600 }, (_, i) => ({
      partition,
      value: JSON.stringify({ i }),
      timestampMs: BASE_MS + i * 1_000 + partition * 300,
    })),
  );
}

async function countPerMinute(bootstrap: string, topic: string, perPartition: boolean) {
  const env = StreamEnvironment.create({ log: () => {} });
  const source = kafkaSource<unknown>({ bootstrap, topics: [topic], startFrom: 'earliest' });
  const strategy = WatermarkStrategy.boundedOutOfOrderness<unknown>(0);
  const stream = perPartition
    ? env.fromSource(source, { watermarks: strategy })
    : env
        .fromSource(source)
        .assignTimestampsAndWatermarks(
          strategy.withTimestamp((r) => (r as { timestampMs: number }).timestampMs),
        );
  const out = collectSink<string>();
  stream
    .keyBy(() => 'all')
    .window(TumblingEventTimeWindows.of(MINUTE))
    .aggregate(Aggregates.count<unknown>(), (_k, w, n) => `${(w.start - BASE_MS) / MINUTE}:${n}`, {
      uid: 'minutes',
    })
    .sinkTo(out);
  const client = env.executeAsync();
  await until(() => client.metrics().recordsIn >= 1_800, '1800 records read');
  const result = await client.stop({ drain: true });
  return { out: out.values, late: result.metrics.operators.minutes?.counters.lateRecordsDropped ?? 0 };
}

for (const name of ['kafka4', 'kafka3'] as BrokerName[]) {
  describe(`Kafka jobs on ${name}`, { timeout: 240_000 }, () => {
    it('per-partition watermarks count every record of 3 interleaved partitions; one watermark over them drops records as late', async (t) => {
      const broker = requireBroker(t, name);
      if (!broker) return;
      const topic = await createTopic(broker, 'interleaved', 3);
      await produce(broker, topic, interleaved());
      const perPartition = await countPerMinute(broker.bootstrap, topic, true);
      assert.deepEqual(
        perPartition.out,
        Array.from({ length: 10 }, (_, m) => `${m}:180`),
        'every minute holds 60 records of each partition',
      );
      assert.equal(perPartition.late, 0);
      const single = await countPerMinute(broker.bootstrap, topic, false);
      assert.ok(
        single.late > 0,
        `one watermark over the interleaved partitions drops records (dropped ${single.late})`,
      );
      const counted = single.out.reduce((sum, line) => sum + Number(line.split(':')[1]), 0);
      assert.equal(counted + single.late, 1_800, 'what it did not count it dropped as late');
    });

    it('an idle partition does not stall the windows of the others (withIdleness)', async (t) => {
      const broker = requireBroker(t, name);
      if (!broker) return;
      const topic = await createTopic(broker, 'idle', 3);
      // partitions 0 and 1 get minutes 0..4 and one record at minute 6; partition 2 gets nothing
      const records = [0, 1].flatMap((partition) => [
        ...Array.from({ length: 300 }, (_, i) => ({
          partition,
          value: '{}',
          timestampMs: BASE_MS + i * 1_000,
        })),
        { partition, value: '{}', timestampMs: BASE_MS + 6 * MINUTE },
      ]);
      await produce(broker, topic, records);
      const env = StreamEnvironment.create({ log: () => {} });
      const out = collectSink<string>();
      env
        .fromSource(kafkaSource({ bootstrap: broker.bootstrap, topics: [topic], startFrom: 'earliest' }), {
          watermarks: WatermarkStrategy.boundedOutOfOrderness<unknown>(0).withIdleness(1_000),
        })
        .keyBy(() => 'all')
        .window(TumblingEventTimeWindows.of(MINUTE))
        .aggregate(Aggregates.count<unknown>(), (_k, w, n) => `${(w.start - BASE_MS) / MINUTE}:${n}`)
        .sinkTo(out);
      const client: JobClient = env.executeAsync();
      try {
        // fires while the job runs: nothing but idleness lets the watermark pass partition 2
        await until(() => out.values.length >= 5, 'minutes 0-4 to fire while partition 2 is idle', 60_000);
        assert.deepEqual(out.values.slice(0, 5), ['0:120', '1:120', '2:120', '3:120', '4:120']);
      } finally {
        await client.stop();
      }
    });

    it('a malformed record reaches the dead-letter output with topic, partition and offset; the job counts the rest', async (t) => {
      const broker = requireBroker(t, name);
      if (!broker) return;
      const topic = await createTopic(broker, 'bad', 2);
      await produce(broker, topic, [
        ...Array.from({ length: 50 }, (_, i) => ({ partition: i % 2, value: JSON.stringify({ i }) })),
        { partition: 1, value: 'oops {' },
        ...Array.from({ length: 50 }, (_, i) => ({ partition: i % 2, value: JSON.stringify({ i: 50 + i }) })),
      ]);
      const dead = collectSink<DeadLetter>();
      const env = StreamEnvironment.create({ log: () => {}, deadLetterSink: dead });
      const out = collectSink<number>();
      env
        .fromSource(
          kafkaSource<{ i: number }>({
            bootstrap: broker.bootstrap,
            topics: [topic],
            startFrom: 'earliest',
            valueOnly: true,
          }),
        )
        .map((v) => v.i)
        .sinkTo(out);
      const client = env.executeAsync();
      await until(() => out.values.length >= 100 && dead.values.length >= 1, '100 records and 1 dead letter');
      await client.stop();
      assert.deepEqual(
        [...out.values].sort((a, b) => a - b),
        Array.from({ length: 100 }, (_, i) => i),
      );
      assert.equal(dead.values.length, 1);
      const letter = dead.values[0]!;
      assert.equal(letter.origin, `kafka:${topic}/1`);
      assert.equal(letter.position, 25, 'offset 25: after the 25 good records of partition 1');
      assert.match(letter.reason, new RegExp(`topic ${topic} partition 1 offset 25`));
    });
  });
}

describe('Kafka consumer group across two sluice run processes', { timeout: 240_000 }, () => {
  it('a rebalance hands partitions over: together the two processes wrote every record exactly once', async (t) => {
    const broker = requireBroker(t, 'kafka4');
    if (!broker) return;
    const topic = await createTopic(broker, 'group', 6);
    const dir = await mkdtemp(join(tmpdir(), 'sluice-kafka-group-'));
    const total = 6_000;
    const batch = (from: number) =>
      Array.from({ length: 1_000 }, (_, i) => ({
        partition: (from + i) % 6,
        value: JSON.stringify({ n: from + i }),
      }));
    const member = (id: string): ChildProcess =>
      spawn(
        process.execPath,
        [
          fileURLToPath(new URL('../../../bin/sluice.js', import.meta.url)),
          'run',
          '--no-progress',
          fileURLToPath(new URL('./fixtures/group-member.ts', import.meta.url)),
        ],
        {
          env: {
            ...process.env,
            KAFKA_BOOTSTRAP: broker.bootstrap,
            KAFKA_TOPIC: topic,
            KAFKA_GROUP: `g-${topic}`,
            OUT_FILE: join(dir, `${id}.txt`),
          },
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
    const logs = { a: '', b: '' };
    const a = member('a');
    let b: ChildProcess | undefined;
    a.stderr!.on('data', (d) => (logs.a += d));
    const lines = async (id: string) =>
      (await readFile(join(dir, `${id}.txt`), 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');
    try {
      await produce(broker, topic, batch(0));
      await produce(broker, topic, batch(1_000));
      await until(() => logs.a.includes('assigned'), 'process a to get partitions', 60_000);
      b = member('b');
      b.stderr!.on('data', (d) => (logs.b += d));
      await until(() => logs.b.includes('assigned'), 'process b to join the group', 90_000);
      for (let from = 2_000; from < total; from += 1_000) await produce(broker, topic, batch(from));
      // Wait until the two processes have written every record (bounded: 90 s; a slow machine
      // fetches late), then both stop cleanly (SIGTERM: flush, commit); every record must then be
      // in exactly one file. A fixed pause here raced the consumers on a loaded machine.
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline && (await lines('a')).length + (await lines('b')).length < total) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      for (const [p, id] of [
        [a, 'a'],
        [b as ChildProcess, 'b'],
      ] as const) {
        const exited = new Promise((resolve) => p.once('exit', resolve));
        p.kill('SIGTERM');
        await Promise.race([
          exited,
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error(`${id} did not stop: ${logs[id]}`)), 30_000),
          ),
        ]);
      }
      const all = [...(await lines('a')), ...(await lines('b'))];
      assert.ok(logs.a.includes('handing over'), `process a handed partitions over:\n${logs.a}`);
      assert.equal(new Set(all).size, all.length, 'no record written twice');
      assert.equal(
        all.length,
        total,
        `every record written (a: ${(await lines('a')).length}, b: ${(await lines('b')).length})`,
      );
      assert.ok((await lines('b')).length > 0, 'process b took over partitions');
    } finally {
      // Never leave a member behind: a live child keeps this test file (and CI) from ending.
      a.kill('SIGKILL');
      b?.kill('SIGKILL');
    }
  });
});

describe('Kafka source through a broker restart', { timeout: 300_000 }, () => {
  it('reads every record exactly once when the broker restarts mid-run', async (t) => {
    if (process.env.SLUICE_TEST_KAFKA_RESTART !== '1' && process.env.CI !== 'true') {
      t.skip('starts a private broker (about 40 s): set SLUICE_TEST_KAFKA_RESTART=1');
      return;
    }
    const broker = await privateBroker('kafka4-restart-test', 9492);
    try {
      const topic = await createTopic(broker, 'restart', 3);
      await produce(
        broker,
        topic,
        Array.from({ length: 3_000 }, (_, n) => ({ partition: n % 3, value: JSON.stringify({ n }) })),
      );
      const env = StreamEnvironment.create({ log: () => {} });
      const out = collectSink<number>();
      env
        .fromSource(
          kafkaSource<{ n: number }>({
            bootstrap: broker.bootstrap,
            topics: [topic],
            startFrom: 'earliest',
            valueOnly: true,
          }),
        )
        .map((v) => v.n)
        .sinkTo(out);
      const client = env.executeAsync();
      await until(() => out.values.length >= 3_000, 'the first 3000 records');
      await broker.restart();
      await produce(
        broker,
        topic,
        Array.from({ length: 3_000 }, (_, i) => ({
          partition: i % 3,
          value: JSON.stringify({ n: 3_000 + i }),
        })),
      );
      await until(() => out.values.length >= 6_000, 'the 3000 records produced after the restart', 120_000);
      await client.stop();
      assert.equal(out.values.length, 6_000);
      assert.equal(new Set(out.values).size, 6_000, 'none twice');
    } finally {
      await broker.stop();
    }
  });
});
