/**
 * Step 1 of the Kafka flagship example: writes generated web-access events to a Kafka topic.
 *
 *   npm run kafka -- start                                        # a local broker on 127.0.0.1:9092
 *   npx sluice run examples/kafka-web-events/produce.ts [count]   # default 60,000 events
 *
 * The events come from the seeded web-access generator (same seed, same requests): 100 per second
 * of event time, about 10 minutes ending about now, timestamps up to 2 s out of order. Event
 * times are recent on purpose: Kafka deletes records older than its retention (7 days by
 * default) by their timestamps, so events dated in the past would vanish within minutes. Each becomes one JSON
 * record keyed by client IP, so the 3 partitions interleave in event time (what per-partition
 * watermarks are for); the Kafka record timestamp is the event time. The topic is created when
 * missing. Settings: KAFKA_BOOTSTRAP (127.0.0.1:9092), KAFKA_TOPIC (web-events).
 * Step 2: examples/kafka-web-events/status-per-minute.ts.
 */
import { dataGenSource, kafkaSink, StreamEnvironment } from 'sluice';

/** How far a timestamp may lag its place in the stream; status-per-minute.ts allows as much (2 s). */
const MAX_OUT_OF_ORDER_MS = 2_000;

const count = Number(process.argv[2] ?? 60_000);
if (!Number.isInteger(count) || count <= 0)
  throw new Error(`count must be a positive integer, got ${process.argv[2]}`);

const MEAN_INTERVAL_MS = 10;
// Starts at a whole minute, so that far back that the last event is about now.
const startTimeMs = Math.floor((Date.now() - count * MEAN_INTERVAL_MS) / 60_000) * 60_000;

const env = StreamEnvironment.create();
env
  .fromSource(
    dataGenSource({
      count,
      seed: 1,
      startTimeMs,
      meanIntervalMs: MEAN_INTERVAL_MS,
      maxOutOfOrderMs: MAX_OUT_OF_ORDER_MS,
    }),
  )
  .sinkTo(
    kafkaSink({
      bootstrap: process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092',
      topic: process.env.KAFKA_TOPIC ?? 'web-events',
      keyField: 'ip',
      createTopicPartitions: 3,
    }),
  );

await env.execute('produce-web-events');
