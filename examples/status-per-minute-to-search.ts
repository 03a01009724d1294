// status-per-minute-to-search.ts — the README example. Run: npx sluice run examples/status-per-minute-to-search.ts ../shared/data/apache_logs
import {
  type AccessLogEntry,
  Aggregates,
  fileSource,
  minutes,
  parseAccessLogLine,
  StreamEnvironment,
  searchSink,
  seconds,
  TumblingEventTimeWindows,
  WatermarkStrategy,
} from 'sluice';

const env = StreamEnvironment.create();
env
  .fromSource(fileSource(process.argv[2] ?? 'access.log', { format: 'lines' }))
  .map(parseAccessLogLine) // bad lines go to the dead-letter output, the job goes on
  .assignTimestampsAndWatermarks(
    WatermarkStrategy.boundedOutOfOrderness<AccessLogEntry>(seconds(60)).withTimestamp((h) => h.timestampMs),
  )
  .keyBy((h) => h.status)
  .window(TumblingEventTimeWindows.of(minutes(1)))
  .aggregate(Aggregates.count<AccessLogEntry>(), (status, window, count) => ({
    id: `${window.start}-${status}`,
    minute: new Date(window.start).toISOString(),
    status,
    count,
  }))
  .sinkTo(searchSink({ index: 'status-per-minute', id: 'id' })); // embedded engine in ./.data

await env.execute('status-per-minute');
