/**
 * Requests per status code per minute of event time, from an Apache access log.
 *
 *   npx sluice run examples/status-per-minute.ts [path/to/access.log]
 *
 * Defaults to the real sample log in ../shared/data/apache_logs. Lines that do not parse go to the
 * dead-letter output (see --dead-letters); the job carries on.
 */
import {
  type AccessLogEntry,
  Aggregates,
  fileSource,
  minutes,
  parseAccessLogLine,
  printSink,
  StreamEnvironment,
  seconds,
  TumblingEventTimeWindows,
  WatermarkStrategy,
} from 'sluice';

const log = process.argv[2] ?? new URL('../../shared/data/apache_logs', import.meta.url).pathname;

const env = StreamEnvironment.create();
env
  .fromSource(fileSource(log, { format: 'lines' }))
  .map(parseAccessLogLine)
  .assignTimestampsAndWatermarks(
    WatermarkStrategy.boundedOutOfOrderness<AccessLogEntry>(seconds(60)).withTimestamp((h) => h.timestampMs),
  )
  .keyBy((h) => h.status)
  .window(TumblingEventTimeWindows.of(minutes(1)))
  .aggregate(Aggregates.count<AccessLogEntry>(), (status, window, count) => ({
    minute: new Date(window.start).toISOString(),
    status,
    count,
  }))
  .sinkTo(printSink());

await env.execute('status-per-minute');
