/**
 * The Kafka client behind our interface: `@platformatic/kafka` 1.x (pure TypeScript, maintained,
 * Node >= 20.19.4; the 2.x line needs Node >= 22.22). See docs/kafka.md for the choice and figures.
 *
 * Two things this adapter adds on top of the library:
 * - A rebalance hook that is awaited before the consumer rejoins its group. The library rejoins at
 *   once when a heartbeat answers "rebalance in progress"; Kafka's own consumer instead calls
 *   `onPartitionsRevoked` first, which is where a stream processor finishes what it read and commits
 *   offsets. The library routes the rejoin through its exported `kPerformWithRetry` operation named
 *   `rejoinGroup`; we wrap that one operation on our consumer instance and run `onRevoke` before it.
 *   The classic group protocol is eager: a rebalance revokes every partition of the member.
 * - Records leave as raw bytes; deserialization happens in the source, so a bad record becomes a
 *   dead letter instead of destroying the library's stream.
 */
import {
  Admin,
  Base,
  Consumer,
  kPerformWithRetry,
  type Message,
  type MessagesStream,
  type MessageToProduce,
  murmur2,
  Producer,
} from '@platformatic/kafka';
import { errorMessage } from '../../../core/errors.js';
import type {
  KafkaAdmin,
  KafkaClientFactory,
  KafkaConnection,
  KafkaConsumer,
  KafkaConsumerHandlers,
  KafkaConsumerOptions,
  KafkaProducer,
  KafkaProducerOptions,
  OutgoingKafkaRecord,
  RawKafkaRecord,
  TopicPartition,
  TopicPartitionOffset,
} from './kafka-client.js';
import { partitionKey } from './kafka-client.js';

const LIST_OFFSETS_LATEST = -1n;
const LIST_OFFSETS_EARLIEST = -2n;

function baseOptions(connection: KafkaConnection) {
  return {
    clientId: connection.clientId,
    bootstrapBrokers: [...connection.bootstrap],
    // Ride out a broker restart (about 25 s here) instead of failing the job.
    retries: 60,
    retryDelay: 1_000,
    ...(connection.requestTimeoutMs === undefined ? {} : { timeout: connection.requestTimeoutMs }),
  };
}

/** Kafka's default partitioner for keyed records (murmur2, positive, modulo the partition count), as the Java client. */
export function keyPartition(key: Buffer, partitionCount: number): number {
  return (murmur2(key) & 0x7fffffff) % partitionCount;
}

class PlatformaticAdmin implements KafkaAdmin {
  private readonly admin: Admin;

  constructor(connection: KafkaConnection) {
    this.admin = new Admin(baseOptions(connection));
  }

  async createTopic(topic: string, partitions: number): Promise<void> {
    await this.admin.createTopics({ topics: [topic], partitions, replicas: 1 });
  }

  async describeTopics(topics: readonly string[]): Promise<Map<string, number>> {
    const existing = new Set(await this.admin.listTopics());
    const wanted = topics.filter((t) => existing.has(t));
    const counts = new Map<string, number>();
    if (wanted.length === 0) return counts;
    const metadata = await this.admin.metadata({ topics: wanted });
    for (const [topic, info] of metadata.topics) counts.set(topic, info.partitionsCount);
    return counts;
  }

  listTopics(): Promise<string[]> {
    return this.admin.listTopics();
  }

  async offsetsForTimestamp(topic: string, timestampMs: number): Promise<Map<number, number>> {
    return this.listOffsets(topic, BigInt(timestampMs));
  }

  async endOffsets(topic: string): Promise<Map<number, number>> {
    return this.listOffsets(topic, LIST_OFFSETS_LATEST);
  }

  async beginningOffsets(topic: string): Promise<Map<number, number>> {
    return this.listOffsets(topic, LIST_OFFSETS_EARLIEST);
  }

  close(): Promise<void> {
    return this.admin.close();
  }

  private async listOffsets(topic: string, timestamp: bigint): Promise<Map<number, number>> {
    const count = (await this.describeTopics([topic])).get(topic);
    if (count === undefined) throw new Error(`topic "${topic}" does not exist`);
    const partitions = Array.from({ length: count }, (_, i) => ({ partitionIndex: i, timestamp }));
    const listed = await this.admin.listOffsets({ topics: [{ name: topic, partitions }] });
    const offsets = new Map<number, number>();
    for (const t of listed) for (const p of t.partitions) offsets.set(p.partitionIndex, Number(p.offset));
    // A timestamp past the last record answers -1: start at the end then.
    if (timestamp >= 0n && [...offsets.values()].some((o) => o < 0)) {
      const ends = await this.listOffsets(topic, LIST_OFFSETS_LATEST);
      for (const [p, o] of offsets) if (o < 0) offsets.set(p, ends.get(p) ?? 0);
    }
    return offsets;
  }
}

class PlatformaticProducer implements KafkaProducer {
  private readonly producer: Producer;

  private readonly partitionCounts = new Map<string, number>();
  private tail: Promise<unknown> = Promise.resolve();
  private roundRobin = 0;

  constructor(private readonly options: KafkaProducerOptions) {
    this.producer = new Producer({
      ...baseOptions(options),
      idempotent: options.idempotent,
      compression: options.compression,
      acks: options.acks,
    });
  }

  /**
   * Sends keep the order of the calls, per partition as Kafka promises: each call takes its place
   * in a chain before its first await. (Found by the flagship test: with the place taken after
   * awaiting partition counts, two concurrent sends could swap and a partition held records
   * 20 s out of event-time order that were produced in order.)
   */
  send(records: readonly OutgoingKafkaRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const messages = this.toMessages(records);
    if (!this.options.idempotent) {
      // Requests may be in flight together, but they are issued in call order.
      const issued = this.tail.then(() => messages);
      this.tail = issued.then(
        () => undefined,
        () => undefined,
      );
      return issued
        .then((m) => this.producer.send({ messages: m, acks: this.options.acks }))
        .then(() => undefined);
    }
    // The library numbers idempotent batches when it sends them; two sends in flight at once can
    // reach the broker out of order (OUT_OF_ORDER_SEQUENCE_NUMBER) or be taken as duplicates and
    // silently dropped. So idempotent sends go one at a time, in call order.
    const sent = this.tail.then(async () => {
      await this.producer.send({ messages: await messages, acks: this.options.acks });
    });
    this.tail = sent.then(
      () => undefined,
      () => undefined,
    );
    return sent;
  }

  private async toMessages(
    records: readonly OutgoingKafkaRecord[],
  ): Promise<MessageToProduce<Buffer, Buffer, Buffer, Buffer>[]> {
    // Partitions are chosen here, not by the library: its partitioner sees no partition count.
    const messages: MessageToProduce<Buffer, Buffer, Buffer, Buffer>[] = [];
    for (const r of records) {
      const partition = r.partition ?? this.partitionOf(r, await this.partitionCount(r.topic));
      messages.push({
        topic: r.topic,
        partition,
        ...(r.key === undefined ? {} : { key: r.key }),
        value: r.value,
        ...(r.headers === undefined
          ? {}
          : { headers: new Map([...r.headers].map(([k, v]) => [Buffer.from(k), v])) }),
        ...(r.timestampMs === undefined ? {} : { timestamp: BigInt(r.timestampMs) }),
      });
    }
    return messages;
  }

  private partitionOf(record: OutgoingKafkaRecord, count: number): number {
    if (this.options.partitioner) return this.options.partitioner(record, count);
    if (record.key) return keyPartition(record.key, count);
    this.roundRobin = (this.roundRobin + 1) % count;
    return this.roundRobin;
  }

  private async partitionCount(topic: string): Promise<number> {
    let count = this.partitionCounts.get(topic);
    if (count === undefined) {
      const metadata = await this.producer.metadata({ topics: [topic], autocreateTopics: false });
      count = metadata.topics.get(topic)?.partitionsCount;
      if (count === undefined) throw new Error(`topic "${topic}" does not exist`);
      this.partitionCounts.set(topic, count);
    }
    return count;
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}

type RetryOperation = (
  operationId: string,
  operation: unknown,
  callback: unknown,
  ...rest: unknown[]
) => unknown;

class PlatformaticConsumer implements KafkaConsumer {
  private readonly consumer: Consumer;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  private owned: TopicPartition[] = [];
  private handlers: KafkaConsumerHandlers | undefined;
  private closed = false;

  constructor(private readonly options: KafkaConsumerOptions) {
    this.consumer = new Consumer({
      ...baseOptions(options),
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: options.heartbeatIntervalMs,
      rebalanceTimeout: options.rebalanceTimeoutMs,
      autocommit: false,
      maxWaitTime: options.maxWaitMs,
      highWaterMark: options.highWaterMarkRecords,
    });
    this.hookRejoin();
  }

  async start(handlers: KafkaConsumerHandlers): Promise<void> {
    this.handlers = handlers;
    this.consumer.on('consumer:group:join', (payload) => {
      this.owned = (payload.assignments ?? []).flatMap((a) =>
        a.partitions.map((partition) => ({ topic: a.topic, partition })),
      );
      handlers.onAssigned(this.owned);
    });
    const stream = await this.consumer.consume({
      topics: [...this.options.topics],
      mode: 'committed',
      fallbackMode: this.options.resetTo,
      autocommit: false,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: this.options.heartbeatIntervalMs,
      rebalanceTimeout: this.options.rebalanceTimeoutMs,
      maxWaitTime: this.options.maxWaitMs,
      highWaterMark: this.options.highWaterMarkRecords,
    });
    this.stream = stream;
    stream.on('data', (message: Message<Buffer, Buffer, Buffer, Buffer>) => {
      handlers.onRecords([toRaw(message)]);
    });
    stream.on('error', (error) => {
      if (!this.closed) handlers.onError(error);
    });
    // The join that consume() performed may have happened before our listener saw it.
    if (this.owned.length === 0 && this.consumer.assignments) {
      this.owned = this.consumer.assignments.flatMap((a) =>
        a.partitions.map((partition) => ({ topic: a.topic, partition })),
      );
      if (this.owned.length > 0) handlers.onAssigned(this.owned);
    }
  }

  pause(): void {
    this.stream?.pause();
  }

  resume(): void {
    this.stream?.resume();
  }

  async commit(offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    await this.consumer.commit({
      offsets: offsets.map((o) => ({
        topic: o.topic,
        partition: o.partition,
        offset: BigInt(o.offset),
        leaderEpoch: -1,
      })),
    });
  }

  async committed(partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
    const byTopic = new Map<string, number[]>();
    for (const p of partitions) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition]);
    const topics = [...byTopic].map(([topic, parts]) => ({ topic, partitions: parts }));
    const answer = await this.consumer.listCommittedOffsets({ topics });
    const result = new Map<string, number>();
    for (const [topic, offsets] of answer) {
      for (const partition of byTopic.get(topic) ?? []) {
        result.set(partitionKey(topic, partition), Number(offsets[partition] ?? -1n));
      }
    }
    return result;
  }

  /**
   * Leaves the group and releases every socket and timer, also when leaving fails: the library's
   * close() gives up before closing its connections when the LeaveGroup request fails (the
   * coordinator moved or is down), so then the connection pool is closed directly (the broker
   * drops the member after the session timeout) and the error is reported after that.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.stream?.close();
      await this.consumer.close(true);
    } catch (error) {
      await Base.prototype.close.call(this.consumer).catch(() => undefined);
      throw new Error(
        `leaving consumer group ${this.options.groupId} failed (connections closed anyway): ${errorMessage(error)}`,
      );
    }
  }

  /** Runs `onRevoke` before every rejoin (see the file comment). */
  private hookRejoin(): void {
    const target = this.consumer as unknown as Record<symbol, RetryOperation>;
    const original = target[kPerformWithRetry]!.bind(this.consumer);
    target[kPerformWithRetry] = (operationId, operation, callback, ...rest) => {
      if (operationId !== 'rejoinGroup') return original(operationId, operation, callback, ...rest);
      // Never rejoin once closed (see `close`): the library's close() leaves the group without
      // clearing its membership flag, so a rejoin after it looks for the coordinator on the closed
      // connection pool and retries that (`retries` times, a 1 s timer each) forever in effect,
      // keeping the process alive. That is what kept a stopped `sluice run` from exiting: a stop
      // that arrived while the reader was handing partitions over in `onRevoke`.
      if (this.closed) return undefined;
      if (!this.handlers || this.owned.length === 0)
        return original(operationId, operation, callback, ...rest);
      const revoked = this.owned;
      this.owned = [];
      this.handlers
        .onRevoke(revoked)
        .catch((error: unknown) => this.handlers?.onError(error))
        .finally(() => {
          if (!this.closed) original(operationId, operation, callback, ...rest);
        });
      return undefined;
    };
  }
}

function toRaw(message: Message<Buffer, Buffer, Buffer, Buffer>): RawKafkaRecord {
  const headers = new Map<string, Buffer>();
  for (const [k, v] of message.headers) headers.set(k.toString('utf8'), v);
  return {
    topic: message.topic,
    partition: message.partition,
    offset: Number(message.offset),
    timestampMs: Number(message.timestamp),
    key: message.key && message.key.length > 0 ? message.key : undefined,
    value: message.value,
    headers,
  };
}

export const platformaticKafka: KafkaClientFactory = {
  admin: (connection) => new PlatformaticAdmin(connection),
  producer: (options) => new PlatformaticProducer(options),
  consumer: (options) => new PlatformaticConsumer(options),
};
