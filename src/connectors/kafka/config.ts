import { z } from 'zod';

/**
 * Kafka connector options, zod-validated. Connection settings (where the brokers are) are apart
 * from stream settings (which topic, which format), as for the other connectors. Function-valued
 * options (a custom deserializer, key extractor, partitioner) exist only in the TypeScript API;
 * the registry (flags, SQL) takes the plain ones.
 */

/** `host:port[,host:port...]`, or a list. */
const bootstrapSchema = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v))
  .pipe(z.array(z.string().regex(/^[^:\s]+:\d{1,5}$/, 'expected host:port')));

export const kafkaConnectionSchema = z
  .object({
    bootstrap: bootstrapSchema,
    clientId: z.string().min(1).default('sluice'),
    requestTimeoutMs: z.number().int().positive().default(30_000),
  })
  .strict();

/** How the bytes of a key or value become a record field. */
export const kafkaFormatSchema = z.enum(['json', 'string', 'bytes']);
export type KafkaFormat = z.infer<typeof kafkaFormatSchema>;

const startFromSchema = z.union([
  z.enum(['earliest', 'latest', 'committed']),
  z.object({ timestampMs: z.number().int().nonnegative() }).strict(),
]);

export const kafkaSourceStreamSchema = z
  .object({
    /** Topics to read; or `topicPattern`, a regular expression matched against the topics that exist at start. */
    topics: z.array(z.string().min(1)).min(1).optional(),
    topicPattern: z.string().min(1).optional(),
    /**
     * The consumer group. Processes with the same group share the partitions (scale-out); offsets
     * are committed to it after every completed checkpoint. Default: a fresh group per run
     * (`sluice-<random>`), so every run reads per `startFrom` and shares nothing.
     */
    groupId: z.string().min(1).optional(),
    /**
     * Where partitions start that have no resume state in the snapshot: `earliest`/`latest` (for
     * a named group: only partitions without committed offsets, like Kafka's auto.offset.reset),
     * `committed` (the group's offsets, else earliest), or `{ timestampMs }` (the first record at or
     * after it).
     */
    startFrom: startFromSchema.default('committed'),
    format: kafkaFormatSchema.default('json'),
    keyFormat: kafkaFormatSchema.default('string'),
    /**
     * Read up to the end offsets each partition has when the job starts, then end (Flink's
     * `setBounded(OffsetsInitializer.latest())`): event-time windows then fire at the end and
     * `sluice run` exits. For a job that is the only member of its group (another member's
     * partitions are never read here, so the job would not end).
     */
    bounded: z.boolean().default(false),
    /** Emit only the value, not `{ key, value, headers, topic, partition, offset, timestampMs }`. */
    valueOnly: z.boolean().default(false),
    /** Records held by the source (across partitions) before it pauses fetching. */
    maxBufferedRecords: z.number().int().positive().default(10_000),
    sessionTimeoutMs: z.number().int().positive().default(10_000),
    heartbeatIntervalMs: z.number().int().positive().default(1_000),
    rebalanceTimeoutMs: z.number().int().positive().default(60_000),
    /** How long a fetch waits on the broker for new records. */
    maxWaitMs: z.number().int().positive().default(500),
  })
  .strict();

export const kafkaSourceSchema = kafkaConnectionSchema
  .extend(kafkaSourceStreamSchema.shape)
  .refine((c) => (c.topics === undefined) !== (c.topicPattern === undefined), {
    message: 'give exactly one of topics and topicPattern',
  });
export type KafkaSourceConfig = z.output<typeof kafkaSourceSchema>;

export const kafkaSinkStreamSchema = z
  .object({
    /** Target topic (or a `topicFrom(record)` function in the TypeScript API). */
    topic: z.string().min(1).optional(),
    /**
     * When `topic` does not exist as the writer opens, create it with this many partitions
     * (replication factor 1: for local brokers and examples; production topics are made by
     * their owners). Without it a missing topic fails the first send.
     */
    createTopicPartitions: z.number().int().positive().optional(),
    format: kafkaFormatSchema.default('json'),
    /** Name of the record field whose value becomes the key (or a `key(record)` function). */
    keyField: z.string().min(1).optional(),
    compression: z.enum(['none', 'gzip', 'snappy', 'lz4', 'zstd']).default('none'),
    /** Idempotent producer: retries cannot write a record twice within a partition. */
    idempotent: z.boolean().default(true),
    acks: z.union([z.literal(-1), z.literal(0), z.literal(1)]).default(-1),
    /** Records sent in one produce request (the sink sends earlier when flushed). */
    batchRecords: z.number().int().positive().default(1_000),
    /** Produce requests in flight at once. */
    maxInFlight: z.number().int().positive().max(5).default(5),
  })
  .strict();

export const kafkaSinkSchema = kafkaConnectionSchema.extend(kafkaSinkStreamSchema.shape);
export type KafkaSinkConfig = z.output<typeof kafkaSinkSchema>;
