/**
 * The Kafka source and sink against a real broker, driven through the connector contexts (no job
 * runtime): sink to topic, topic to source, dead letters, restore, and a rebalance between two
 * readers of one group whose hand-over plays the runtime's part. Exact counts; every wait bounded.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KafkaRecord } from '../../../src/connectors/kafka/kafka-record.js';
import { kafkaSink } from '../../../src/connectors/kafka/sink.js';
import { kafkaSource } from '../../../src/connectors/kafka/source.js';
import { recordBatch } from '../../../src/core/record-batch.js';
import type { SourceReader } from '../../../src/core/source.js';
import { fakeSinkContext, fakeSourceContext } from '../../../src/testing/connector-contexts.js';
import { type BrokerName, createTopic, produce, requireBroker } from './broker.js';

const WALL_TIMEOUT_MS = 60_000;

/** Reads data until `count` records arrived, or fails after `timeoutMs`. */
async function readRecords<T>(reader: SourceReader<T>, count: number, timeoutMs = WALL_TIMEOUT_MS) {
  const values: T[] = [];
  const states = new Map<string, unknown>();
  const deadline = Date.now() + timeoutMs;
  while (values.length < count) {
    const message = await withDeadline(reader.read(), deadline, `${count} records (got ${values.length})`);
    if (message.kind === 'end') break;
    if (message.kind === 'data') {
      values.push(...message.batch.values);
      states.set(message.batch.origin, message.state);
    }
  }
  return { values, states };
}

function withDeadline<T>(promise: Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`timed out waiting for ${what}`)),
      Math.max(0, deadline - Date.now()),
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

for (const name of ['kafka4', 'kafka3'] as BrokerName[]) {
  describe(`Kafka connectors on ${name}`, { timeout: 180_000 }, () => {
    it('writes 3000 records through the sink (flush = acknowledged) and reads exactly those back per partition', async (t) => {
      const broker = requireBroker(t, name);
      if (!broker) return;
      const topic = await createTopic(broker, 'sink-source', 3);
      const sinkCtx = fakeSinkContext();
      const writer = await kafkaSink<{ id: number; user: string }>({
        bootstrap: broker.bootstrap,
        topic,
        key: (r) => r.user,
        headers: (r) => ({ source: `test-${r.id % 2}` }),
        compression: 'gzip',
      }).createWriter(sinkCtx);
      const values = Array.from({ length: 3000 }, (_, id) => ({ id, user: `u${id % 17}` }));
      for (let i = 0; i < values.length; i += 250) {
        const slice = values.slice(i, i + 250);
        await writer.write(
          recordBatch(
            'test',
            slice,
            slice.map((v) => 1_700_000_000_000 + v.id),
            slice.map((v) => v.id),
          ),
        );
      }
      await writer.flush!();
      await writer.close!();
      assert.equal(sinkCtx.counters.get('recordsProduced'), 3000);

      const ctx = fakeSourceContext({ batchSize: 500 });
      const reader = kafkaSource<KafkaRecord<{ id: number; user: string }>>({
        bootstrap: broker.bootstrap,
        topics: [topic],
        startFrom: 'earliest',
      }).createReader(ctx);
      try {
        const { values: read } = await readRecords(reader, 3000);
        assert.equal(read.length, 3000);
        assert.equal(new Set(read.map((r) => r.value.id)).size, 3000);
        const userPartition = new Map<string, number>();
        for (const r of read) {
          // partitioning by key: every record of a user lands in one partition
          const seen = userPartition.get(r.key as string);
          if (seen !== undefined) assert.equal(r.partition, seen);
          userPartition.set(r.key as string, r.partition);
          assert.equal(r.timestampMs, 1_700_000_000_000 + r.value.id);
          assert.equal(r.headers.source, `test-${r.value.id % 2}`);
        }
        assert.equal(new Set(userPartition.values()).size > 1, true, 'keys spread over partitions');
      } finally {
        ctx.controller.abort();
        await reader.close!();
      }
    });

    it('dead-letters a malformed record with topic, partition and offset, and reads the rest', async (t) => {
      const broker = requireBroker(t, name);
      if (!broker) return;
      const topic = await createTopic(broker, 'malformed', 2);
      await produce(broker, topic, [
        { partition: 0, value: '{"n":1}' },
        { partition: 1, value: '{"n":2}' },
        { partition: 1, value: '{"n":3' },
        { partition: 1, value: '{"n":4}' },
      ]);
      const ctx = fakeSourceContext();
      const reader = kafkaSource<{ n: number }>({
        bootstrap: broker.bootstrap,
        topics: [topic],
        startFrom: 'earliest',
        valueOnly: true,
      }).createReader(ctx);
      try {
        const { values } = await readRecords(reader, 3);
        assert.deepEqual(values.map((v) => v.n).sort(), [1, 2, 4]);
        assert.equal(ctx.deadLetters.length, 1);
        assert.deepEqual(
          {
            origin: ctx.deadLetters[0]!.origin,
            position: ctx.deadLetters[0]!.position,
            record: ctx.deadLetters[0]!.record,
          },
          { origin: `kafka:${topic}/1`, position: 1, record: '{"n":3' },
        );
        assert.match(ctx.deadLetters[0]!.reason, new RegExp(`topic ${topic} partition 1 offset 1`));
      } finally {
        ctx.controller.abort();
        await reader.close!();
      }
    });

    it('commits offsets on checkpoint completion, and a new reader of the group continues from them', async (t) => {
      const broker = requireBroker(t, name);
      if (!broker) return;
      const topic = await createTopic(broker, 'commit', 2);
      const groupId = `g-${topic}`;
      await produce(
        broker,
        topic,
        Array.from({ length: 100 }, (_, i) => ({ partition: i % 2, value: `{"i":${i}}` })),
      );
      const ctx1 = fakeSourceContext({ batchSize: 10 });
      const first = kafkaSource<{ i: number }>({
        bootstrap: broker.bootstrap,
        topics: [topic],
        groupId,
        startFrom: 'earliest',
        valueOnly: true,
      }).createReader(ctx1);
      const { values: a, states } = await readRecords(first, 40);
      await first.onCheckpointComplete!(1, states);
      ctx1.controller.abort();
      await first.close!();
      const ctx2 = fakeSourceContext({ batchSize: 50 });
      const second = kafkaSource<{ i: number }>({
        bootstrap: broker.bootstrap,
        topics: [topic],
        groupId,
        valueOnly: true,
      }).createReader(ctx2);
      try {
        const { values: b } = await readRecords(second, 100 - a.length);
        const all = [...a, ...b].map((v) => v.i).sort((x, y) => x - y);
        assert.deepEqual(
          all,
          Array.from({ length: 100 }, (_, i) => i),
          'each record exactly once',
        );
      } finally {
        ctx2.controller.abort();
        await second.close!();
      }
    });
  });
}
