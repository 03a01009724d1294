import { randomUUID } from 'node:crypto';
import { errorMessage } from '../../core/errors.js';
import { recordBatch } from '../../core/record-batch.js';
import type { Source, SourceContext, SourceMessage, SourceReader } from '../../core/source.js';
import { parseConnectorConfig } from '../connector-config.js';
import {
  type KafkaClientFactory,
  type KafkaConnection,
  type KafkaConsumer,
  type KafkaConsumerOptions,
  partitionKey,
  type RawKafkaRecord,
  type TopicPartition,
  type TopicPartitionOffset,
} from './client/kafka-client.js';
import { platformaticKafka } from './client/platformatic-client.js';
import { type KafkaSourceConfig, kafkaSourceSchema } from './config.js';
import { type KafkaRecord, kafkaSplit, parseKafkaSplit } from './kafka-record.js';
import { type Deserializer, deserializer } from './serde.js';

export type KafkaSourceOptions = Omit<Partial<KafkaSourceConfig>, 'bootstrap'> & {
  readonly bootstrap: string | readonly string[];
  /** Value bytes to a value (instead of `format`); a throw dead-letters the record. */
  readonly deserializer?: (bytes: Buffer | undefined) => unknown;
  /** The Kafka client (tests substitute fakes); default: `@platformatic/kafka`. */
  readonly client?: KafkaClientFactory;
};

const END = { kind: 'end' } as const;
/** How long a clean stop waits for the runtime to hand the splits over before it skips the final commit. */
const STOP_HANDOVER_TIMEOUT_MS = 10_000;
/** Failed consumers replaced in a row (no record read in between) before the job fails. */
const MAX_CONSUMER_RESTARTS = 5;
/** Wait before a replacement consumer starts (a restarting broker needs a moment). */
const CONSUMER_RESTART_DELAY_MS = 1_000;

/**
 * Reads Kafka topics as a consumer-group member. Each partition is a split named
 * `kafka:<topic>/<partition>` (the batches' origin); positions are offsets and a split's resume
 * state is its next offset. The reader:
 * - emits `splits` messages (`added`) when the group assigns partitions, so the runtime holds the
 *   watermark for them (per-partition watermarks: `fromSource(kafkaSource(...), { watermarks })`);
 * - continues restored splits after their state (records below it are skipped);
 * - commits offsets to the group in `onCheckpointComplete`, on a clean stop, and on a rebalance,
 *   where it first hands the revoked partitions over (`ctx.handOver`: what was read is processed
 *   and flushed) and commits their last processed offsets before the consumer rejoins, so the next
 *   owner continues exactly there;
 * - holds at most `maxBufferedRecords` and pauses fetching while full (backpressure);
 * - dead-letters a record whose key or value does not deserialize (topic, partition, offset,
 *   reason) and carries on.
 * Values are `KafkaRecord`s (`{ key, value, headers, topic, partition, offset, timestampMs }`), or
 * only the value with `valueOnly`. Event time is the Kafka record timestamp.
 */
export function kafkaSource<T = KafkaRecord>(options: KafkaSourceOptions): Source<T> {
  const { deserializer: custom, client, ...plain } = options;
  const config = parseConnectorConfig('kafka source', kafkaSourceSchema, plain);
  return kafkaSourceFromConfig<T>(config, { deserializer: custom, client });
}

/** Builds the source from a validated config (the registry's entry point). */
export function kafkaSourceFromConfig<T = KafkaRecord>(
  config: KafkaSourceConfig,
  extra: { deserializer?: Deserializer | undefined; client?: KafkaClientFactory | undefined } = {},
): Source<T> {
  const name = `kafka:${config.topics?.join(',') ?? `/${config.topicPattern}/`}`;
  return {
    name,
    boundedness: config.bounded ? 'bounded' : 'unbounded',
    createReader: (ctx) =>
      new KafkaSourceReader<T>(config, extra.client ?? platformaticKafka, extra.deserializer, ctx),
  };
}

interface PartitionQueue {
  readonly topic: string;
  readonly partition: number;
  records: RawKafkaRecord[];
}

class KafkaSourceReader<T> implements SourceReader<T> {
  private readonly queues = new Map<string, PartitionQueue>();
  private readonly assigned = new Set<string>();
  /** Records of a split below this offset are skipped (restored state, a start timestamp, already read). */
  private readonly floors = new Map<string, number>();
  private readonly control: SourceMessage<T>[] = [];
  private readonly valueOf: Deserializer;
  private readonly keyOf: Deserializer;
  private consumer: KafkaConsumer | undefined;
  private consumerOptions: KafkaConsumerOptions | undefined;
  /** Consumers replaced in a row without a record read since (see onConsumerError). */
  private failedConsumers = 0;
  private starting: Promise<void> | undefined;
  private buffered = 0;
  private paused = false;
  private failure: unknown;
  private wake: (() => void) | undefined;
  private roundRobin: string[] = [];
  private startOffsets = new Map<string, number>();
  private closed = false;
  /** Bounded reading: the end offset of every partition at start; a split is done once its floor reaches it. */
  private readonly stopOffsets = new Map<string, number>();

  constructor(
    private readonly config: KafkaSourceConfig,
    private readonly client: KafkaClientFactory,
    custom: Deserializer | undefined,
    private readonly ctx: SourceContext,
  ) {
    this.valueOf = custom ?? deserializer(config.format);
    this.keyOf = deserializer(config.keyFormat);
    for (const [split, state] of ctx.restoredSplits) {
      if (parseKafkaSplit(split) && typeof state === 'number') this.floors.set(split, state);
    }
    ctx.signal.addEventListener('abort', () => this.notify(), { once: true });
  }

  async read(): Promise<SourceMessage<T>> {
    this.starting ??= this.start();
    await this.starting;
    for (;;) {
      if (this.failure !== undefined) throw this.failure;
      if (this.closed) return END;
      if (this.ctx.signal.aborted) {
        await this.stopCleanly();
        return END;
      }
      const control = this.control.shift();
      if (control) return control;
      const message = this.nextBatch();
      if (message) return message;
      if (this.config.bounded && this.readToStopOffsets()) {
        await this.stopCleanly();
        return END;
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  async onCheckpointComplete(
    _checkpointId: number,
    splitStates: ReadonlyMap<string, unknown>,
  ): Promise<void> {
    const offsets = this.ownedOffsets(splitStates);
    try {
      await this.consumer?.commit(offsets);
    } catch (e) {
      // Committing is for monitoring and group restarts; the snapshot already holds the offsets.
      this.ctx.log(`committing Kafka offsets failed (will retry at the next checkpoint): ${errorMessage(e)}`);
    }
  }

  /**
   * Called by the runtime once the job ended, also after a failure while `read()` may still be
   * waiting for the start. A consumer still joining its group is closed only after the join
   * settled: closed earlier, the library retries the join on its closed connection pool (a 1 s
   * timer, `retries` times) and the process stays alive.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.queues.clear();
    this.notify();
    await this.starting?.catch(() => undefined);
    try {
      await this.consumer?.close();
    } catch (e) {
      this.ctx.log(errorMessage(e));
    }
  }

  private async start(): Promise<void> {
    const { config, ctx } = this;
    const connection = {
      bootstrap: config.bootstrap,
      clientId: config.clientId,
      requestTimeoutMs: config.requestTimeoutMs,
    };
    const topics = await this.resolveTopics();
    const startFrom = config.startFrom;
    if (typeof startFrom === 'object') {
      const admin = this.client.admin(connection);
      try {
        for (const topic of topics) {
          for (const [partition, offset] of await admin.offsetsForTimestamp(topic, startFrom.timestampMs)) {
            this.startOffsets.set(kafkaSplit(topic, partition), offset);
          }
        }
      } finally {
        await admin.close();
      }
    }
    const groupId = config.groupId ?? `sluice-${randomUUID()}`;
    this.consumerOptions = {
      ...connection,
      groupId,
      topics,
      resetTo: startFrom === 'latest' ? 'latest' : 'earliest',
      sessionTimeoutMs: config.sessionTimeoutMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      rebalanceTimeoutMs: config.rebalanceTimeoutMs,
      highWaterMarkRecords: Math.max(ctx.batchSize, Math.ceil(config.maxBufferedRecords / 4)),
      maxWaitMs: config.maxWaitMs,
    };
    ctx.log(`consuming ${topics.join(', ')} as group ${groupId}`);
    await this.startConsumer();
    if (config.bounded) await this.planStopOffsets(connection, topics);
  }

  private async startConsumer(): Promise<void> {
    const consumer = this.client.consumer(this.consumerOptions as KafkaConsumerOptions);
    this.consumer = consumer;
    await consumer.start({
      onRecords: (records) => {
        this.failedConsumers = 0;
        this.accept(records);
      },
      onAssigned: (partitions) => this.assign(partitions),
      onRevoke: (partitions) => this.revoke(partitions),
      onError: (error) => this.onConsumerError(consumer, error),
    });
    if (this.paused) consumer.pause();
  }

  /**
   * A consumer that failed (fetches failing after the client's own retries, e.g. through a broker
   * restart) is replaced by a new one with new connections, up to MAX_CONSUMER_RESTARTS times in a
   * row without a record in between; then the job fails with the error. Nothing is lost or read
   * twice: the new member starts from the group's committed offsets (else per `startFrom`), and the
   * per-partition floors skip whatever this reader had already taken. Seen in CI: after a broker
   * restart, every fetch answer on the old connections failed to parse ("Out of bounds") for 60
   * retries, while a new consumer read on at once.
   */
  private onConsumerError(consumer: KafkaConsumer, error: unknown): void {
    if (consumer !== this.consumer || this.closed || this.ctx.signal.aborted) return;
    if (++this.failedConsumers > MAX_CONSUMER_RESTARTS) {
      this.failure ??= error;
      this.notify();
      return;
    }
    this.ctx.log(
      `the Kafka consumer failed (${errorMessage(error)}); replacing it with a new one (attempt ${this.failedConsumers} of ${MAX_CONSUMER_RESTARTS}), reading on after the records already taken`,
    );
    this.consumer = undefined;
    this.starting = (async () => {
      await consumer.close().catch((e: unknown) => this.ctx.log(errorMessage(e)));
      await this.ctx.clock.sleepUntil(this.ctx.clock.nowMs() + CONSUMER_RESTART_DELAY_MS, this.ctx.signal);
      if (this.closed || this.ctx.signal.aborted) return;
      await this.startConsumer();
    })().catch((e: unknown) => {
      if (this.closed || this.ctx.signal.aborted) return; // stopping: the wait was cut short
      this.failure ??= e;
      this.notify();
    });
  }

  /**
   * Bounded reading: notes each partition's end offset and where reading it starts (restored
   * state, else the group's committed offset, else the start timestamp's offset, else the
   * beginning or, for `latest`, the end), so a partition with nothing left to read counts as done
   * without waiting for a record that never comes.
   */
  private async planStopOffsets(connection: KafkaConnection, topics: readonly string[]): Promise<void> {
    const admin = this.client.admin(connection);
    const beginnings = new Map<string, number>();
    try {
      for (const topic of topics) {
        for (const [partition, offset] of await admin.endOffsets(topic)) {
          this.stopOffsets.set(kafkaSplit(topic, partition), offset);
        }
        for (const [partition, offset] of await admin.beginningOffsets(topic)) {
          beginnings.set(kafkaSplit(topic, partition), offset);
        }
      }
    } finally {
      await admin.close();
    }
    const partitions = [...this.stopOffsets.keys()].map((split) => parseKafkaSplit(split)!);
    const committed = await this.consumer!.committed(partitions);
    for (const [split, end] of this.stopOffsets) {
      const tp = parseKafkaSplit(split)!;
      const groupOffset = committed.get(partitionKey(tp.topic, tp.partition)) ?? -1;
      const start =
        this.floors.get(split) ??
        (groupOffset >= 0 ? groupOffset : undefined) ??
        this.startOffsets.get(split) ??
        (this.config.startFrom === 'latest' ? end : (beginnings.get(split) ?? 0));
      this.floors.set(split, Math.max(start, this.floors.get(split) ?? 0));
    }
    this.notify();
  }

  /** Bounded reading: every partition reached its end offset and everything read was returned. */
  private readToStopOffsets(): boolean {
    if (this.stopOffsets.size === 0 || this.buffered > 0 || this.control.length > 0) return false;
    for (const [split, end] of this.stopOffsets) if ((this.floors.get(split) ?? 0) < end) return false;
    return true;
  }

  private async resolveTopics(): Promise<string[]> {
    if (this.config.topics) return [...this.config.topics];
    const pattern = new RegExp(this.config.topicPattern!);
    const admin = this.client.admin({ bootstrap: this.config.bootstrap, clientId: this.config.clientId });
    try {
      const topics = (await admin.listTopics()).filter((t) => !t.startsWith('__') && pattern.test(t)).sort();
      if (topics.length === 0) throw new Error(`no topic matches /${this.config.topicPattern}/`);
      return topics;
    } finally {
      await admin.close();
    }
  }

  private accept(records: readonly RawKafkaRecord[]): void {
    for (const record of records) {
      const split = kafkaSplit(record.topic, record.partition);
      if (!this.assigned.has(split)) continue; // fetched before a revocation: the next owner reads it
      const floor = this.floors.get(split);
      if (floor !== undefined && record.offset < floor) continue;
      const stop = this.stopOffsets.get(split);
      if (stop !== undefined && record.offset >= stop) continue; // bounded: written after the start
      this.floors.set(split, record.offset + 1);
      let queue = this.queues.get(split);
      if (!queue) {
        queue = { topic: record.topic, partition: record.partition, records: [] };
        this.queues.set(split, queue);
      }
      queue.records.push(record);
      this.buffered++;
    }
    if (this.buffered >= this.config.maxBufferedRecords && !this.paused) {
      this.paused = true;
      this.consumer?.pause();
    }
    this.notify();
  }

  private assign(partitions: readonly TopicPartition[]): void {
    const added: string[] = [];
    for (const { topic, partition } of partitions) {
      const split = kafkaSplit(topic, partition);
      if (this.assigned.has(split)) continue;
      this.assigned.add(split);
      added.push(split);
      if (!this.floors.has(split)) {
        const start = this.startOffsets.get(split);
        if (start !== undefined) this.floors.set(split, start);
      }
    }
    if (added.length > 0) {
      this.ctx.log(`assigned ${added.join(', ')}`);
      this.control.push({ kind: 'splits', added });
      this.notify();
    }
  }

  /** Hands revoked partitions over: drop what was not returned, let the job finish the rest, commit, release. */
  private async revoke(partitions: readonly TopicPartition[]): Promise<void> {
    const splits = partitions.map((p) => kafkaSplit(p.topic, p.partition));
    for (const split of splits) {
      this.assigned.delete(split);
      this.floors.delete(split);
      const queue = this.queues.get(split);
      if (queue) this.buffered -= queue.records.length;
      this.queues.delete(split);
    }
    this.maybeResume();
    this.ctx.log(`handing over ${splits.join(', ')}`);
    const states = await this.ctx.handOver(splits);
    await this.consumer?.commit(this.offsetsOf(states, new Set(splits)));
  }

  /**
   * The next batch, taking partitions in turn. When the rest of the current round holds only empty
   * queues, a second round over every queue follows: returning nothing while records are buffered
   * would stall the job for good once the consumer is paused (no new records, no wake-up); found
   * by the window bench at 200,000 records.
   */
  private nextBatch(): SourceMessage<T> | undefined {
    if (this.buffered === 0) return undefined;
    for (let round = 0; round < 2; round++) {
      if (this.roundRobin.length === 0) this.roundRobin = [...this.queues.keys()];
      while (this.roundRobin.length > 0) {
        const split = this.roundRobin.shift()!;
        const queue = this.queues.get(split);
        if (!queue || queue.records.length === 0) continue;
        const taken = queue.records.splice(0, this.ctx.batchSize);
        this.buffered -= taken.length;
        this.maybeResume();
        return this.toMessage(split, taken);
      }
    }
    return undefined;
  }

  private toMessage(split: string, raws: readonly RawKafkaRecord[]): SourceMessage<T> {
    const values: T[] = [];
    const timestampsMs: number[] = [];
    const positions: number[] = [];
    for (const raw of raws) {
      let value: unknown;
      let key: unknown;
      try {
        value = this.valueOf(raw.value);
        key = this.keyOf(raw.key);
      } catch (e) {
        this.ctx.deadLetter({
          origin: split,
          position: raw.offset,
          reason: `cannot deserialize record at topic ${raw.topic} partition ${raw.partition} offset ${raw.offset}: ${errorMessage(e)}`,
          record: raw.value?.toString('utf8') ?? null,
        });
        continue;
      }
      values.push((this.config.valueOnly ? value : this.withMetadata(raw, key, value)) as T);
      timestampsMs.push(raw.timestampMs);
      positions.push(raw.offset);
    }
    const state = raws[raws.length - 1]!.offset + 1;
    return { kind: 'data', batch: recordBatch(split, values, timestampsMs, positions), state };
  }

  private withMetadata(raw: RawKafkaRecord, key: unknown, value: unknown): KafkaRecord {
    const headers: Record<string, string> = {};
    for (const [k, v] of raw.headers) headers[k] = v.toString('utf8');
    return {
      key,
      value,
      headers,
      topic: raw.topic,
      partition: raw.partition,
      offset: raw.offset,
      timestampMs: raw.timestampMs,
    };
  }

  private maybeResume(): void {
    if (this.paused && this.buffered <= this.config.maxBufferedRecords / 2) {
      this.paused = false;
      this.consumer?.resume();
    }
  }

  /** On a clean stop: wait until the job processed what was returned, then commit it. */
  private async stopCleanly(): Promise<void> {
    if (!this.consumer || this.assigned.size === 0) return;
    const splits = [...this.assigned];
    const timeout = new AbortController();
    const deadline = this.ctx.clock.nowMs() + STOP_HANDOVER_TIMEOUT_MS;
    try {
      const states = await Promise.race([
        this.ctx.handOver(splits),
        this.ctx.clock.sleepUntil(deadline, timeout.signal).then(() => undefined),
      ]);
      if (states) await this.consumer.commit(this.offsetsOf(states, new Set(splits)));
      else
        this.ctx.log(
          'stopping without committing Kafka offsets: the job did not hand the partitions over in time',
        );
    } catch (e) {
      this.ctx.log(`stopping without committing Kafka offsets: ${errorMessage(e)}`);
    } finally {
      timeout.abort();
    }
  }

  private ownedOffsets(states: ReadonlyMap<string, unknown>): TopicPartitionOffset[] {
    return this.offsetsOf(states, this.assigned);
  }

  private offsetsOf(states: ReadonlyMap<string, unknown>, only: ReadonlySet<string>): TopicPartitionOffset[] {
    const offsets: TopicPartitionOffset[] = [];
    for (const [split, state] of states) {
      const tp = parseKafkaSplit(split);
      if (tp && only.has(split) && typeof state === 'number') offsets.push({ ...tp, offset: state });
    }
    return offsets;
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
