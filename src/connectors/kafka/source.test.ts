import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SourceMessage } from '../../core/source.js';
import { fakeSourceContext } from '../../testing/connector-contexts.js';
import type {
  KafkaAdmin,
  KafkaClientFactory,
  KafkaConsumer,
  KafkaConsumerHandlers,
  RawKafkaRecord,
  TopicPartition,
  TopicPartitionOffset,
} from './client/kafka-client.js';
import type { KafkaRecord } from './kafka-record.js';
import { kafkaSource } from './source.js';

/** A consumer the test drives: it assigns, delivers and revokes by hand and records pauses and commits. */
class FakeConsumer implements KafkaConsumer {
  handlers: KafkaConsumerHandlers | undefined;
  readonly commits: TopicPartitionOffset[][] = [];
  pauses = 0;
  resumes = 0;
  closes = 0;
  /** What `committed()` answers, by `topic/partition`. */
  groupOffsets = new Map<string, number>();
  /** When set, `start()` waits for it (a join in progress). */
  joining: Promise<void> | undefined;
  async start(handlers: KafkaConsumerHandlers): Promise<void> {
    this.handlers = handlers;
    await this.joining;
  }
  pause(): void {
    this.pauses++;
  }
  resume(): void {
    this.resumes++;
  }
  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    this.commits.push([...offsets]);
  }
  async committed(): Promise<Map<string, number>> {
    return this.groupOffsets;
  }
  async close(): Promise<void> {
    this.closes++;
  }
  assign(...partitions: TopicPartition[]): void {
    this.handlers!.onAssigned(partitions);
  }
  deliver(topic: string, partition: number, offsets: number[], value = (o: number) => `{"n":${o}}`): void {
    this.handlers!.onRecords(offsets.map((offset) => raw(topic, partition, offset, value(offset))));
  }
}

function raw(topic: string, partition: number, offset: number, text: string): RawKafkaRecord {
  return {
    topic,
    partition,
    offset,
    timestampMs: 1_000 + offset,
    key: Buffer.from(`k${offset}`),
    value: Buffer.from(text),
    headers: new Map([['h', Buffer.from('v')]]),
  };
}

function fakeClient(
  consumer: FakeConsumer,
  ends = new Map<number, number>(),
  beginnings = new Map<number, number>(),
): KafkaClientFactory {
  const admin: KafkaAdmin = {
    createTopic: async () => {},
    describeTopics: async () => new Map(),
    listTopics: async () => ['events', 'other', '__consumer_offsets'],
    offsetsForTimestamp: async () => new Map([[0, 5]]),
    endOffsets: async () => ends,
    beginningOffsets: async () => beginnings,
    close: async () => {},
  };
  return { admin: () => admin, producer: () => assert.fail('no producer'), consumer: () => consumer };
}

async function started(options: Record<string, unknown> = {}, restored = new Map<string, unknown>()) {
  const consumer = new FakeConsumer();
  const ctx = fakeSourceContext({ batchSize: 3, restoredSplits: restored });
  const source = kafkaSource<KafkaRecord>({
    bootstrap: '127.0.0.1:9092',
    topics: ['events'],
    client: fakeClient(consumer),
    ...options,
  });
  const reader = source.createReader(ctx);
  const first = reader.read();
  await new Promise((resolve) => setImmediate(resolve));
  return { consumer, ctx, reader, first };
}

function data<T>(message: SourceMessage<T>) {
  assert.equal(message.kind, 'data');
  return message as Extract<SourceMessage<T>, { kind: 'data' }>;
}

describe('kafkaSource (against a fake client)', () => {
  it('announces assigned partitions as splits, then emits batches per partition with the next offset as state', async () => {
    const { consumer, reader, first } = await started();
    consumer.assign({ topic: 'events', partition: 0 }, { topic: 'events', partition: 1 });
    assert.deepEqual(await first, { kind: 'splits', added: ['kafka:events/0', 'kafka:events/1'] });
    consumer.deliver('events', 0, [0, 1, 2, 3]);
    consumer.deliver('events', 1, [7]);
    const a = data(await reader.read());
    assert.equal(a.batch.origin, 'kafka:events/0');
    assert.deepEqual(a.batch.positions, [0, 1, 2]);
    assert.deepEqual(a.batch.timestampsMs, [1000, 1001, 1002]);
    assert.equal(a.state, 3);
    assert.deepEqual(a.batch.values[0], {
      key: 'k0',
      value: { n: 0 },
      headers: { h: 'v' },
      topic: 'events',
      partition: 0,
      offset: 0,
      timestampMs: 1000,
    });
    const b = data(await reader.read());
    assert.equal(b.batch.origin, 'kafka:events/1');
    assert.equal(b.state, 8);
    const c = data(await reader.read());
    assert.deepEqual([c.batch.origin, c.state], ['kafka:events/0', 4]);
  });

  it('dead-letters a record that is not JSON with its topic, partition and offset, and moves the state past it', async () => {
    const { consumer, ctx, reader, first } = await started({ valueOnly: true });
    consumer.assign({ topic: 'events', partition: 2 });
    await first;
    consumer.deliver('events', 2, [10, 11, 12], (o) => (o === 11 ? 'not json' : `{"n":${o}}`));
    const message = data(await reader.read());
    assert.deepEqual(message.batch.values, [{ n: 10 }, { n: 12 }]);
    assert.deepEqual(message.batch.positions, [10, 12]);
    assert.equal(message.state, 13);
    assert.equal(ctx.deadLetters.length, 1);
    assert.equal(ctx.deadLetters[0]?.origin, 'kafka:events/2');
    assert.equal(ctx.deadLetters[0]?.position, 11);
    assert.match(ctx.deadLetters[0]?.reason ?? '', /topic events partition 2 offset 11/);
    assert.equal(ctx.deadLetters[0]?.record, 'not json');
  });

  it('continues a restored split after its state, skipping records the snapshot already covers', async () => {
    const { consumer, reader, first } = await started({ valueOnly: true }, new Map([['kafka:events/0', 2]]));
    consumer.assign({ topic: 'events', partition: 0 });
    await first;
    consumer.deliver('events', 0, [0, 1, 2, 3]);
    const message = data(await reader.read());
    assert.deepEqual(message.batch.positions, [2, 3]);
  });

  it('starts from a timestamp at the offsets the broker names for it', async () => {
    const { consumer, reader, first } = await started({ valueOnly: true, startFrom: { timestampMs: 5 } });
    consumer.assign({ topic: 'events', partition: 0 });
    await first;
    consumer.deliver('events', 0, [3, 4, 5, 6]);
    assert.deepEqual(data(await reader.read()).batch.positions, [5, 6]);
  });

  it('returns buffered records of one partition when the rest of the round holds only empty partitions', async () => {
    const { consumer, reader, first } = await started({ valueOnly: true });
    consumer.assign({ topic: 'events', partition: 0 }, { topic: 'events', partition: 1 });
    await first;
    consumer.deliver('events', 0, [0, 1, 2, 3, 4, 5]);
    consumer.deliver('events', 1, [10]);
    assert.deepEqual(data(await reader.read()).batch.positions, [0, 1, 2]);
    assert.deepEqual(data(await reader.read()).batch.positions, [10]);
    assert.deepEqual(
      data(await reader.read()).batch.positions,
      [3, 4, 5],
      'a new round: partition 1 is next',
    );
    consumer.deliver('events', 0, [6, 7, 8]); // no read is waiting: nothing to wake
    assert.deepEqual(
      data(await reader.read()).batch.positions,
      [6, 7, 8],
      'partition 1 is empty, partition 0 is not: the read must not wait (it would for good while paused)',
    );
  });

  it('pauses fetching when its buffer is full and resumes once it drained to half', async () => {
    const { consumer, reader, first } = await started({ valueOnly: true, maxBufferedRecords: 6 });
    consumer.assign({ topic: 'events', partition: 0 });
    await first;
    consumer.deliver('events', 0, [0, 1, 2, 3, 4, 5]);
    assert.equal(consumer.pauses, 1);
    await reader.read();
    assert.equal(consumer.resumes, 1, 'resumed at 3 of 6 buffered');
  });

  it('on a rebalance drops unreturned records of the revoked partitions, hands them over and commits the returned offsets', async () => {
    const consumer = new FakeConsumer();
    const ctx = fakeSourceContext({ batchSize: 2 });
    const handedOver: string[][] = [];
    const reader = kafkaSource({
      bootstrap: '127.0.0.1:9092',
      topics: ['events'],
      client: fakeClient(consumer),
    }).createReader({
      ...ctx,
      handOver: async (splits) => {
        handedOver.push([...splits]);
        return new Map([['kafka:events/0', 2]]);
      },
    });
    const first = reader.read();
    await new Promise((resolve) => setImmediate(resolve));
    consumer.assign({ topic: 'events', partition: 0 });
    await first;
    consumer.deliver('events', 0, [0, 1, 2, 3]);
    assert.equal(data(await reader.read()).state, 2);
    await consumer.handlers!.onRevoke([{ topic: 'events', partition: 0 }]);
    assert.deepEqual(handedOver, [['kafka:events/0']]);
    assert.deepEqual(consumer.commits, [[{ topic: 'events', partition: 0, offset: 2 }]]);
    consumer.deliver('events', 0, [4]);
    const pending = reader.read();
    consumer.assign({ topic: 'events', partition: 1 });
    assert.deepEqual(await pending, { kind: 'splits', added: ['kafka:events/1'] });
  });

  it('commits the offsets of owned splits when a checkpoint completes', async () => {
    const { consumer, reader, first } = await started();
    consumer.assign({ topic: 'events', partition: 0 });
    await first;
    await reader.onCheckpointComplete!(
      1,
      new Map<string, unknown>([
        ['kafka:events/0', 42],
        ['file:x', 3],
        ['kafka:events/9', 1],
      ]),
    );
    assert.deepEqual(consumer.commits, [[{ topic: 'events', partition: 0, offset: 42 }]]);
  });

  it('commits the offsets of the checkpoint it is told about, not the positions read after it', async () => {
    const { consumer, reader, first } = await started({ valueOnly: true });
    consumer.assign({ topic: 'events', partition: 0 }, { topic: 'events', partition: 1 });
    await first;
    consumer.deliver('events', 0, [0, 1, 2, 3, 4, 5]);
    assert.equal(data(await reader.read()).state, 3);
    assert.equal(data(await reader.read()).state, 6, 'the reader is past the checkpoint');
    await reader.onCheckpointComplete!(
      7,
      new Map<string, unknown>([
        ['kafka:events/0', 3],
        ['kafka:events/1', 0],
      ]),
    );
    assert.deepEqual(consumer.commits, [
      [
        { topic: 'events', partition: 0, offset: 3 },
        { topic: 'events', partition: 1, offset: 0 },
      ],
    ]);
  });

  it('bounded: reads each partition up to its end offset at start, drops later records, then ends after committing', async () => {
    const consumer = new FakeConsumer();
    const ctx = fakeSourceContext({ batchSize: 10 });
    const reader = kafkaSource<number>({
      bootstrap: '127.0.0.1:9092',
      topics: ['events'],
      bounded: true,
      valueOnly: true,
      deserializer: (b) => Number(b?.toString('utf8')),
      client: fakeClient(
        consumer,
        new Map([
          [0, 3],
          [1, 2],
        ]),
      ),
    }).createReader(ctx);
    const first = reader.read();
    await new Promise((resolve) => setImmediate(resolve));
    consumer.assign({ topic: 'events', partition: 0 }, { topic: 'events', partition: 1 });
    assert.equal((await first).kind, 'splits');
    consumer.deliver('events', 0, [0, 1, 2, 3, 4], (o) => String(o));
    assert.deepEqual(
      data(await reader.read()).batch.values,
      [0, 1, 2],
      'offsets 3 and 4 came after the start',
    );
    const pending = reader.read();
    await new Promise((resolve) => setImmediate(resolve));
    consumer.deliver('events', 1, [0, 1], (o) => String(10 + o));
    assert.deepEqual(data(await pending).batch.values, [10, 11]);
    assert.deepEqual(await reader.read(), { kind: 'end' });
    assert.equal(consumer.commits.length, 1, 'the hand-over commit at the end');
  });

  it('bounded: a partition with nothing left to read (empty, or committed up to its end) does not hold the end back', async () => {
    const consumer = new FakeConsumer();
    consumer.groupOffsets = new Map([['events/1', 4]]);
    const reader = kafkaSource({
      bootstrap: '127.0.0.1:9092',
      topics: ['events'],
      groupId: 'g',
      bounded: true,
      client: fakeClient(
        consumer,
        new Map([
          [0, 0],
          [1, 4],
          [2, 7],
        ]),
        new Map([[2, 7]]),
      ),
    }).createReader(fakeSourceContext());
    assert.deepEqual(
      await reader.read(),
      { kind: 'end' },
      'empty, committed to the end, deleted by retention',
    );
  });

  it('closing while the consumer still joins its group closes it once the join settled', async () => {
    const consumer = new FakeConsumer();
    let joined!: () => void;
    consumer.joining = new Promise((resolve) => (joined = resolve));
    const reader = kafkaSource({
      bootstrap: '127.0.0.1:9092',
      topics: ['events'],
      client: fakeClient(consumer),
    }).createReader(fakeSourceContext());
    const pendingRead = reader.read();
    await new Promise((resolve) => setImmediate(resolve));
    const closing = reader.close!();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(consumer.closes, 0, 'not while joining');
    joined();
    await closing;
    assert.equal(consumer.closes, 1);
    assert.deepEqual(await pendingRead, { kind: 'end' });
  });

  it('ends on stop after committing what the job processed', async () => {
    const { consumer, ctx, reader, first } = await started();
    consumer.assign({ topic: 'events', partition: 0 });
    await first;
    ctx.controller.abort();
    assert.deepEqual(await reader.read(), { kind: 'end' });
    assert.equal(consumer.commits.length, 1, 'one (empty) commit from the hand-over');
  });

  it('resolves a topic pattern against the existing topics, without internal ones', async () => {
    const consumer = new FakeConsumer();
    let topics: readonly string[] = [];
    const client = fakeClient(consumer);
    const reader = kafkaSource({
      bootstrap: '127.0.0.1:9092',
      topicPattern: '^(events|__consumer_offsets)$',
      client: {
        ...client,
        consumer: (options) => {
          topics = options.topics;
          return consumer;
        },
      },
    }).createReader(fakeSourceContext());
    void reader.read();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(topics, ['events']);
  });

  it('refuses options with both topics and a pattern', () => {
    assert.throws(
      () => kafkaSource({ bootstrap: 'a:1', topics: ['x'], topicPattern: 'y' }),
      /exactly one of topics and topicPattern/,
    );
  });

  it('replaces a consumer that failed with a new one and reads on after the records already taken: none lost, none twice', async () => {
    const consumers = [new FakeConsumer(), new FakeConsumer()];
    let made = 0;
    const client: KafkaClientFactory = { ...fakeClient(consumers[0]!), consumer: () => consumers[made++]! };
    const ctx = fakeSourceContext({ batchSize: 3 });
    const reader = kafkaSource<KafkaRecord>({
      bootstrap: 'a:1',
      topics: ['events'],
      valueOnly: true,
      client,
    }).createReader(ctx);
    const first = reader.read();
    await new Promise((resolve) => setImmediate(resolve));
    const [a, b] = consumers as [FakeConsumer, FakeConsumer];
    a.assign({ topic: 'events', partition: 0 });
    await first;
    a.deliver('events', 0, [0, 1, 2, 3]);
    assert.deepEqual(data(await reader.read()).batch.positions, [0, 1, 2]);
    a.handlers!.onError(new Error('fetch failed 61 times'));
    assert.equal(a.closes, 1, 'the failed consumer is closed');
    for (let i = 0; i < 10 && ctx.clock.pendingSleepers === 0; i++) await new Promise((r) => setImmediate(r));
    ctx.clock.advance(1_000);
    for (let i = 0; i < 10 && b.handlers === undefined; i++) await new Promise((r) => setImmediate(r));
    assert.ok(b.handlers !== undefined, 'a second consumer started');
    // The new member starts from the group's offsets (here: the beginning) and re-fetches.
    b.assign({ topic: 'events', partition: 0 });
    b.deliver('events', 0, [0, 1, 2, 3, 4, 5]);
    // 3 was taken from the failed consumer before it failed; 0-3 come again and are skipped.
    assert.deepEqual(data(await reader.read()).batch.positions, [3, 4, 5]);
    assert.match(ctx.logs.join('\n'), /replacing it with a new one \(attempt 1 of 5\)/);
  });

  it('fails the job once consumers keep failing without reading a record', async () => {
    const consumers = Array.from({ length: 7 }, () => new FakeConsumer());
    let made = 0;
    const client: KafkaClientFactory = { ...fakeClient(consumers[0]!), consumer: () => consumers[made++]! };
    const ctx = fakeSourceContext({ batchSize: 3 });
    const reader = kafkaSource<KafkaRecord>({ bootstrap: 'a:1', topics: ['events'], client }).createReader(
      ctx,
    );
    const reading = reader.read();
    for (let attempt = 0; attempt <= 5; attempt++) {
      const consumer = consumers[attempt]!;
      for (let i = 0; i < 20 && consumer.handlers === undefined; i++) {
        ctx.clock.advance(1_000);
        await new Promise((r) => setImmediate(r));
      }
      consumer.handlers!.onError(new Error(`broken ${attempt}`));
    }
    await assert.rejects(reading, /broken 5/);
  });
});
