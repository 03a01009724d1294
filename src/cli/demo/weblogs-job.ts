import { basename } from 'node:path';
import type { DataStream } from '../../api/data-stream.js';
import type { StreamEnvironment } from '../../api/stream-environment.js';
import { dataGenSource } from '../../connectors/datagen/source.js';
import type { WebAccessEvent } from '../../connectors/datagen/web-access-generator.js';
import { fileSource } from '../../connectors/file/source.js';
import { searchSink } from '../../connectors/search/sink.js';
import { type AccessLogEntry, parseAccessLogLine } from '../../formats/access-log.js';
import { minutes, seconds } from '../../time/duration.js';
import { WatermarkStrategy } from '../../time/watermark-strategy.js';
import { TumblingEventTimeWindows } from '../../window/assigners.js';
import { EventTimeTrigger } from '../../window/triggers.js';
import type { AggregateFunction } from '../../window/window-functions.js';

/** One request, whatever its source (generated or a replayed access log). */
export interface Hit {
  readonly timestampMs: number;
  readonly eventId: string;
  readonly clientIp: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly bytes: number;
  /** Unknown (undefined) for access logs, which do not record it. */
  readonly latencyMs: number | undefined;
  readonly userAgent: string;
  readonly referrer: string;
}

export interface WeblogsJobOptions {
  /** Engine the sinks write to (the search API serves the same one). */
  readonly url: string;
  /** Replay this access log instead of generating traffic. */
  readonly replay?: string;
  readonly ratePerSecond: number;
  readonly seed: number;
  /** Event time of the first generated event (now, so event time follows the wall clock). */
  readonly startTimeMs: number;
}

export const RAW_INDEX = 'weblogs-{yyyy.MM.dd}';
export const STATS_INDEX = 'weblogs-stats';

function fromGenerated(e: WebAccessEvent, eventId: string): Hit {
  return {
    timestampMs: e.timestampMs,
    eventId,
    clientIp: e.ip,
    method: e.method,
    path: e.path,
    status: e.status,
    bytes: e.bytes,
    latencyMs: e.latencyMs,
    userAgent: e.userAgent,
    referrer: e.referrer,
  };
}

function fromAccessLog(e: AccessLogEntry, eventId: string): Hit {
  return { ...e, eventId, clientIp: e.ip, latencyMs: undefined };
}

/** The raw event as a search document (what `weblogs-*` holds). */
export function hitDocument(h: Hit): Record<string, unknown> {
  return {
    '@timestamp': new Date(h.timestampMs).toISOString(),
    event_id: h.eventId,
    client_ip: h.clientIp,
    method: h.method,
    path: h.path,
    status: h.status,
    bytes: h.bytes,
    ...(h.latencyMs === undefined ? {} : { latency_ms: h.latencyMs }),
    user_agent: h.userAgent,
    referrer: h.referrer,
    message: `${h.method} ${h.path} ${h.status}`,
  };
}

interface PathStats {
  requests: number;
  errors: number;
  clientErrors: number;
  bytes: number;
  latenciesMs: number[];
  statusCounts: Record<string, number>;
}

/** Requests, errors (5xx), client errors (4xx), bytes, latencies (for p95) and counts per status, per window. */
export const pathStats: AggregateFunction<Hit, PathStats, PathStats> = {
  createAccumulator: () => ({
    requests: 0,
    errors: 0,
    clientErrors: 0,
    bytes: 0,
    latenciesMs: [],
    statusCounts: {},
  }),
  add: (h, acc) => {
    acc.requests++;
    if (h.status >= 500) acc.errors++;
    else if (h.status >= 400) acc.clientErrors++;
    acc.bytes += h.bytes;
    if (h.latencyMs !== undefined) acc.latenciesMs.push(h.latencyMs);
    const s = String(h.status);
    acc.statusCounts[s] = (acc.statusCounts[s] ?? 0) + 1;
    return acc;
  },
  getResult: (acc) => acc,
  merge: (a, b) => ({
    requests: a.requests + b.requests,
    errors: a.errors + b.errors,
    clientErrors: a.clientErrors + b.clientErrors,
    bytes: a.bytes + b.bytes,
    latenciesMs: a.latenciesMs.concat(b.latenciesMs),
    statusCounts: Object.fromEntries(
      [...new Set([...Object.keys(a.statusCounts), ...Object.keys(b.statusCounts)])].map((k) => [
        k,
        (a.statusCounts[k] ?? 0) + (b.statusCounts[k] ?? 0),
      ]),
    ),
  }),
};

/** Nearest-rank percentile of unsorted values; undefined for none. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * The demo job: generated web traffic (or a replayed access log) flows through the engine; raw
 * events are indexed into `weblogs-{yyyy.MM.dd}`; per-minute event-time statistics per path go
 * into `weblogs-stats`, updated every 5 s while the minute is open (deterministic ids: an update
 * overwrites, never duplicates).
 */
export function buildWeblogsJob(env: StreamEnvironment, options: WeblogsJobOptions): void {
  let hits: DataStream<Hit>;
  let boundMs: number;
  if (options.replay !== undefined) {
    const name = basename(options.replay);
    let line = 0;
    hits = env.fromSource(fileSource(options.replay, { format: 'lines' }), { uid: 'access-log' }).map(
      (raw) => {
        line++; // the first operator sees every line in order, so this is the line number: replays reuse ids
        return fromAccessLog(parseAccessLogLine(raw), `${name}:${line}`);
      },
      { uid: 'parse' },
    );
    boundMs = seconds(60); // real logs are up to a minute out of order
  } else {
    const runId = options.startTimeMs.toString(36);
    let n = 0;
    hits = env
      .fromSource(
        dataGenSource({
          ratePerSecond: options.ratePerSecond,
          seed: options.seed,
          startTimeMs: options.startTimeMs,
          maxOutOfOrderMs: 2000,
        }),
        { uid: 'traffic' },
      )
      .map((e) => fromGenerated(e, `${runId}-${n++}`), { uid: 'normalize' });
    boundMs = seconds(5);
  }

  // Event time first, so both sinks see it: the raw index's {yyyy.MM.dd} is the day the request
  // happened (a 2015 log lands in weblogs-2015.05.17), and every sink's input has a watermark (the
  // job's watermark, shown on the progress line, is the lowest among sinks' inputs).
  const timed = hits.assignTimestampsAndWatermarks(
    WatermarkStrategy.boundedOutOfOrderness<Hit>(boundMs).withTimestamp((h) => h.timestampMs),
    { uid: 'event-time' },
  );

  timed
    .map(hitDocument, { uid: 'to-document' })
    .sinkTo(searchSink({ url: options.url, index: RAW_INDEX, id: 'event_id' }), { uid: 'raw-events' });

  timed
    .keyBy((h) => h.path)
    .window(TumblingEventTimeWindows.of(minutes(1)))
    .trigger(EventTimeTrigger.withEarlyFirings(seconds(5)))
    .aggregate(
      pathStats,
      (path, window, s, ctx) => {
        const minute = new Date(window.start).toISOString();
        return {
          id: `${minute}|${path}`,
          '@timestamp': minute,
          window_end: new Date(window.end).toISOString(),
          path,
          requests: s.requests,
          errors: s.errors,
          client_errors: s.clientErrors,
          error_rate: s.requests === 0 ? 0 : s.errors / s.requests,
          bytes: s.bytes,
          ...(s.latenciesMs.length === 0
            ? {}
            : {
                p95_latency_ms: percentile(s.latenciesMs, 95),
                avg_latency_ms: Math.round(s.latenciesMs.reduce((a, b) => a + b, 0) / s.latenciesMs.length),
              }),
          status_counts: s.statusCounts,
          // false for the early (partial) updates, true once the watermark passed the minute
          final: ctx.currentWatermarkMs >= window.end - 1,
        };
      },
      { uid: 'minute-stats', name: 'per-minute stats per path' },
    )
    .sinkTo(searchSink({ url: options.url, index: STATS_INDEX, id: 'id' }), { uid: 'stats' });
}
