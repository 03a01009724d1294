/**
 * Step 2 of the Kafka flagship example: reads the web events from Kafka, counts requests, errors
 * and bytes per status code and minute of event time, and writes one document per (minute, status)
 * to the search engine.
 *
 *   npx sluice run examples/kafka-web-events/status-per-minute.ts            # embedded engine in ./.data
 *   npx sluice run --url http://127.0.0.1:9201 examples/kafka-web-events/status-per-minute.ts   # OpenSearch
 *   npx sluice search web-status-per-minute 'error:true' --sort requests:desc
 *
 * It reads every partition up to the end it has when the job starts and then ends (the last
 * windows fire at the end); pass `follow` (`... status-per-minute.ts follow`) to keep reading
 * new events until Ctrl-C. Each run reads the topic from the beginning (no consumer group is
 * named) and overwrites the documents by id, so running it again gives the same counts.
 *
 * Event time is the Kafka record timestamp; the watermark is kept per partition (3 partitions,
 * interleaved in event time) and merged as the minimum, bounded out of order by 2 s as the
 * producer's events are, with a quiet partition ignored after 10 s. A record that is not JSON goes
 * to the dead-letter output. Settings: KAFKA_BOOTSTRAP (127.0.0.1:9092), KAFKA_TOPIC (web-events),
 * SEARCH_INDEX (web-status-per-minute).
 */
import {
  kafkaSource,
  minutes,
  StreamEnvironment,
  searchSink,
  seconds,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type WebAccessEvent,
} from 'sluice';
import { statusCounts } from './status-counts.js';

const follow = process.argv[2] === 'follow';
const env = StreamEnvironment.create();
env
  .fromSource(
    kafkaSource<WebAccessEvent>({
      bootstrap: process.env.KAFKA_BOOTSTRAP ?? '127.0.0.1:9092',
      topics: [process.env.KAFKA_TOPIC ?? 'web-events'],
      startFrom: 'earliest',
      valueOnly: true,
      bounded: !follow,
    }),
    {
      watermarks: WatermarkStrategy.boundedOutOfOrderness<WebAccessEvent>(seconds(2)).withIdleness(
        seconds(10),
      ),
    },
  )
  .keyBy((e) => e.status)
  .window(TumblingEventTimeWindows.of(minutes(1)))
  .aggregate(
    statusCounts,
    (status, window, c) => ({
      minute: new Date(window.start).toISOString(),
      status,
      error: status >= 500,
      requests: c.requests,
      bytes: c.bytes,
      max_latency_ms: c.maxLatencyMs,
    }),
    { uid: 'status-per-minute' },
  )
  // One document per (minute, status): a rerun overwrites it instead of adding a copy.
  .sinkTo(
    searchSink({
      index: process.env.SEARCH_INDEX ?? 'web-status-per-minute',
      id: (doc) => `${doc.minute}/${doc.status}`,
    }),
  );

await env.execute('kafka-status-per-minute');
