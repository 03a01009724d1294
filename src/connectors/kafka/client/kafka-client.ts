/**
 * The small Kafka client sluice needs, as our own interface: the connectors talk only to this, so
 * the library behind it (today `@platformatic/kafka`, see `platformatic-client.ts`) can change
 * without touching the source or the sink.
 *
 * Encodings: keys, values and header values are raw bytes (`Buffer`); header keys are UTF-8
 * strings. Offsets and timestamps are plain numbers (Kafka's int64 offsets fit in 2^53 for any
 * real topic; timestamps are epoch ms).
 */

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export interface TopicPartitionOffset extends TopicPartition {
  /** The next offset to read (Kafka's committed-offset convention: last processed + 1). */
  readonly offset: number;
}

/** One record as read from a partition, before deserialization. */
export interface RawKafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestampMs: number;
  readonly key: Buffer | undefined;
  readonly value: Buffer | undefined;
  readonly headers: ReadonlyMap<string, Buffer>;
}

/** One record to produce. `partition` undefined: the producer's partitioner picks one. */
export interface OutgoingKafkaRecord {
  readonly topic: string;
  readonly partition?: number;
  readonly key?: Buffer;
  readonly value: Buffer | undefined;
  readonly headers?: ReadonlyMap<string, Buffer>;
  readonly timestampMs?: number;
}

export type KafkaCompression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface KafkaConnection {
  /** `host:port` of one or more brokers. */
  readonly bootstrap: readonly string[];
  readonly clientId: string;
  /** Per-request timeout. */
  readonly requestTimeoutMs?: number;
}

export interface KafkaAdmin {
  createTopic(topic: string, partitions: number): Promise<void>;
  /** Partition count by topic, for the topics that exist. */
  describeTopics(topics: readonly string[]): Promise<Map<string, number>>;
  listTopics(): Promise<string[]>;
  /** The first offset whose timestamp is >= timestampMs, per partition (the end offset when none is). */
  offsetsForTimestamp(topic: string, timestampMs: number): Promise<Map<number, number>>;
  /** The next offset that will be written, per partition (the high watermark). */
  endOffsets(topic: string): Promise<Map<number, number>>;
  /** The first offset still in the log, per partition (0 until retention deletes records). */
  beginningOffsets(topic: string): Promise<Map<number, number>>;
  close(): Promise<void>;
}

export interface KafkaProducerOptions extends KafkaConnection {
  readonly idempotent: boolean;
  readonly compression: KafkaCompression;
  /** -1 (all in-sync replicas), 0 or 1. */
  readonly acks: -1 | 0 | 1;
  /** Picks a partition for records without one; default: murmur2 of the key, as the Java client. */
  readonly partitioner?: (record: OutgoingKafkaRecord, partitionCount: number) => number;
}

export interface KafkaProducer {
  /** Resolves when the broker acknowledged every record (per `acks`). */
  send(records: readonly OutgoingKafkaRecord[]): Promise<void>;
  close(): Promise<void>;
}

/** What a group consumer tells its owner; every callback is optional. */
export interface KafkaConsumerHandlers {
  /** Records fetched, in offset order per partition. */
  onRecords(records: readonly RawKafkaRecord[]): void;
  /** The group gave this member these partitions (the whole new assignment). */
  onAssigned(partitions: readonly TopicPartition[]): void;
  /**
   * A rebalance takes these partitions away. The consumer does not rejoin the group until the
   * promise settles, so the owner can finish what it read and commit offsets first.
   */
  onRevoke(partitions: readonly TopicPartition[]): Promise<void>;
  /** A failure the consumer cannot retry past (the stream died). */
  onError(error: unknown): void;
}

export interface KafkaConsumerOptions extends KafkaConnection {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a partition without a committed offset starts. */
  readonly resetTo: 'earliest' | 'latest';
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly rebalanceTimeoutMs: number;
  /** Records the client itself may hold while paused (on top of one fetch response). */
  readonly highWaterMarkRecords: number;
  readonly maxWaitMs: number;
}

export interface KafkaConsumer {
  /** Joins the group and starts fetching from the committed offsets (or `resetTo`). */
  start(handlers: KafkaConsumerHandlers): Promise<void>;
  /** Stops fetching until `resume()`; records already fetched may still arrive. */
  pause(): void;
  resume(): void;
  /** Commits next-offsets for partitions this member owns. */
  commit(offsets: readonly TopicPartitionOffset[]): Promise<void>;
  /** The committed next-offsets of these partitions (-1 when none). */
  committed(partitions: readonly TopicPartition[]): Promise<Map<string, number>>;
  /** Leaves the group and closes connections. */
  close(): Promise<void>;
}

/** Builds the clients; tests may substitute fakes. */
export interface KafkaClientFactory {
  admin(connection: KafkaConnection): KafkaAdmin;
  producer(options: KafkaProducerOptions): KafkaProducer;
  consumer(options: KafkaConsumerOptions): KafkaConsumer;
}

/** `topic/partition`: the key of a partition in maps. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}
