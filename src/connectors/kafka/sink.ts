import { ConfigError, errorMessage } from '../../core/errors.js';
import type { RecordBatch } from '../../core/record-batch.js';
import type { Sink, SinkContext, SinkWriter } from '../../core/sink.js';
import { parseConnectorConfig } from '../connector-config.js';
import type { KafkaClientFactory, KafkaProducer, OutgoingKafkaRecord } from './client/kafka-client.js';
import { platformaticKafka } from './client/platformatic-client.js';
import { type KafkaSinkConfig, kafkaSinkSchema } from './config.js';
import { keyBytes, type Serializer, serializer } from './serde.js';

/** The TypeScript-only options: functions of the record. */
export interface KafkaSinkFunctions<T> {
  /** The topic per record (instead of `topic`). */
  readonly topicFrom?: (record: T) => string;
  /** The key per record (instead of `keyField`); strings and numbers are written as UTF-8. */
  readonly key?: (record: T) => unknown;
  readonly headers?: (record: T) => Readonly<Record<string, string | Buffer>>;
  /** `key` (murmur2 of the key, Kafka's default) or a function of the record's key bytes and the partition count. */
  readonly partitioner?: 'key' | ((key: Buffer | undefined, partitionCount: number) => number);
  /** Value bytes (instead of `format`). */
  readonly serializer?: (record: T) => Buffer | undefined;
  /** The Kafka client (tests substitute fakes); default: `@platformatic/kafka`. */
  readonly client?: KafkaClientFactory;
}

export type KafkaSinkOptions<T> = Omit<Partial<KafkaSinkConfig>, 'bootstrap'> & {
  readonly bootstrap: string | readonly string[];
} & KafkaSinkFunctions<T>;

/**
 * Writes records to Kafka. At-least-once: `write` batches records into produce requests of
 * `batchRecords` (at most `maxInFlight` in flight, further writes wait), and `flush` resolves only
 * when the broker acknowledged every record sent so far (acks=-1 by default), so records flushed
 * before a checkpoint are durable in Kafka. With the idempotent producer (the default) the client's
 * own retries cannot duplicate a record; a job restored from a checkpoint can still write records
 * again that were written after that checkpoint (exactly-once through Kafka transactions is not
 * implemented). A record that cannot be serialized goes to the dead-letter output.
 *
 * The Kafka record timestamp is the record's event time when it has one.
 */
export function kafkaSink<T = unknown>(options: KafkaSinkOptions<T>): Sink<T> {
  const { topicFrom, key, headers, partitioner, serializer: serialize, client, ...plain } = options;
  const config = parseConnectorConfig('kafka sink', kafkaSinkSchema, plain);
  if (config.topic === undefined && topicFrom === undefined) {
    throw new ConfigError('invalid kafka sink options: give topic or topicFrom');
  }
  return kafkaSinkFromConfig(config, { topicFrom, key, headers, partitioner, serializer: serialize, client });
}

/** Builds the sink from a validated config (the registry's entry point). */
export function kafkaSinkFromConfig<T>(config: KafkaSinkConfig, fns: KafkaSinkFunctions<T> = {}): Sink<T> {
  const name = `kafka:${config.topic ?? '<topicFrom>'}`;
  return {
    name,
    createWriter: async (ctx) => {
      if (config.createTopicPartitions !== undefined && config.topic !== undefined) {
        await ensureTopic(
          fns.client ?? platformaticKafka,
          config,
          config.topic,
          config.createTopicPartitions,
        );
      }
      return new KafkaSinkWriter<T>(config, fns, ctx);
    },
  };
}

/** Creates the topic unless it exists (`createTopicPartitions`). */
async function ensureTopic(
  client: KafkaClientFactory,
  config: KafkaSinkConfig,
  topic: string,
  partitions: number,
): Promise<void> {
  const admin = client.admin({ bootstrap: config.bootstrap, clientId: config.clientId });
  try {
    if (!(await admin.describeTopics([topic])).has(topic)) await admin.createTopic(topic, partitions);
  } finally {
    await admin.close();
  }
}

class KafkaSinkWriter<T> implements SinkWriter<T> {
  private readonly producer: KafkaProducer;
  private readonly toValue: (record: T) => Buffer | undefined;
  private readonly toKey: ((record: T) => unknown) | undefined;
  private buffered: OutgoingKafkaRecord[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown;

  constructor(
    private readonly config: KafkaSinkConfig,
    private readonly fns: KafkaSinkFunctions<T>,
    private readonly ctx: SinkContext,
  ) {
    const custom = typeof fns.partitioner === 'function' ? fns.partitioner : undefined;
    this.producer = (fns.client ?? platformaticKafka).producer({
      bootstrap: config.bootstrap,
      clientId: config.clientId,
      requestTimeoutMs: config.requestTimeoutMs,
      idempotent: config.idempotent,
      compression: config.compression,
      acks: config.acks,
      ...(custom ? { partitioner: (record, count) => custom(record.key, count) } : {}),
    });
    const valueSerializer: Serializer = serializer(config.format);
    this.toValue = fns.serializer ?? ((record) => valueSerializer(record));
    const field = config.keyField;
    this.toKey =
      fns.key ?? (field === undefined ? undefined : (record) => (record as Record<string, unknown>)?.[field]);
  }

  write(batch: RecordBatch<T>): undefined | Promise<void> {
    this.throwIfFailed();
    const { values, timestampsMs, positions } = batch;
    for (let i = 0; i < values.length; i++) {
      const record = values[i] as T;
      try {
        this.buffered.push(this.outgoing(record, timestampsMs[i]!));
      } catch (e) {
        this.ctx.deadLetter({
          origin: batch.origin,
          position: positions[i]!,
          reason: `cannot write to Kafka: ${errorMessage(e)}`,
          record,
        });
      }
    }
    if (this.buffered.length < this.config.batchRecords) return undefined;
    return this.sendBuffered();
  }

  async flush(): Promise<void> {
    await this.sendBuffered();
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    this.throwIfFailed();
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.inFlight);
    await this.producer.close();
  }

  private outgoing(record: T, timestampMs: number): OutgoingKafkaRecord {
    const topic = this.fns.topicFrom ? this.fns.topicFrom(record) : this.config.topic!;
    const key = this.toKey ? keyBytes(this.toKey(record)) : undefined;
    const headerValues = this.fns.headers?.(record);
    const headers = headerValues
      ? new Map(
          Object.entries(headerValues).map(([k, v]) => [k, Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8')]),
        )
      : undefined;
    return {
      topic,
      value: this.toValue(record),
      ...(key === undefined ? {} : { key }),
      ...(headers === undefined ? {} : { headers }),
      ...(Number.isFinite(timestampMs) ? { timestampMs } : {}),
    };
  }

  /** Sends what is buffered, waiting first while `maxInFlight` requests are pending. */
  private async sendBuffered(): Promise<void> {
    while (this.buffered.length > 0) {
      while (this.inFlight.size >= this.config.maxInFlight) await Promise.race(this.inFlight);
      this.throwIfFailed();
      const records = this.buffered.splice(0, this.config.batchRecords);
      const sending: Promise<void> = this.producer.send(records).then(
        () => {
          this.inFlight.delete(sending);
          this.ctx.count('recordsProduced', records.length);
        },
        (e: unknown) => {
          this.inFlight.delete(sending);
          this.failure ??= e;
        },
      );
      this.inFlight.add(sending);
    }
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) {
      throw new Error(`Kafka produce failed: ${errorMessage(this.failure)}`, { cause: this.failure });
    }
  }
}
