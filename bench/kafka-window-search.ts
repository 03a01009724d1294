/**
 * Kafka -> windowed aggregate -> search engine, end to end: records/s from the start of the job
 * until its last window is searchable, and the ratio against a baseline measured in the same run
 * on the same topic.
 *
 * Usage: node --import tsx bench/kafka-window-search.ts [--records 200000] [--rounds 2]
 *          [--bootstrap 127.0.0.1:9092] [--url http://127.0.0.1:9201]
 *
 * The topic (3 partitions, created here under a unique `flagship-bench-...` name and left on the
 * broker) gets `--records` web-access events from the seeded generator as JSON keyed by client IP, with
 * recent event times (Kafka's retention would delete old ones). The measured job is the flagship
 * pipeline (examples/kafka-web-events/status-per-minute.ts): a bounded Kafka source with
 * per-partition watermarks, keyBy status, 1-minute tumbling windows counting requests, bytes and
 * max latency, and a search sink into the embedded engine (a fresh directory) or, with `--url`,
 * a cluster (a fresh index, deleted afterwards). Bounded, it ends when every partition is read to
 * its end offset, the windows fired and the sink flushed: that is the end of the measurement.
 *
 * Baseline: the same sluice Kafka source into a discarding sink (the pipeline of
 * bench/kafka-source.ts, here bounded), not the bare client. bench/kafka-source.ts already sets
 * sluice's Kafka reading against the bare client; this ratio isolates what windowing and the
 * search engine cost on top of reading Kafka through sluice, which is the question for this
 * pipeline. Baseline and measured job alternate, `--rounds` times each; best of each is compared.
 * Every phase is bounded in time (PHASE_TIMEOUT_MS): a phase that overruns stops the job and fails.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { statusCounts } from '../examples/kafka-web-events/status-counts.js';
import { StreamEnvironment } from '../src/api/stream-environment.js';
import {
  createWebAccessGenerator,
  type WebAccessEvent,
} from '../src/connectors/datagen/web-access-generator.js';
import { kafkaSource } from '../src/connectors/kafka/source.js';
import { searchSink } from '../src/connectors/search/sink.js';
import type { JobClient } from '../src/runtime/job-client.js';
import { WatermarkStrategy } from '../src/time/watermark-strategy.js';
import { TumblingEventTimeWindows } from '../src/window/assigners.js';
import { produceTopic } from './support/kafka-topic.js';

const PHASE_TIMEOUT_MS = 300_000;
const MAX_RECORDS = 5_000_000;
const MEAN_INTERVAL_MS = 10;

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '2' },
    bootstrap: { type: 'string', default: '127.0.0.1:9092' },
    url: { type: 'string' },
  },
});
const total = Number(args.records);
const rounds = Number(args.rounds);
if (!Number.isInteger(total) || total <= 0 || total > MAX_RECORDS) {
  throw new Error(`--records must be an integer in 1..${MAX_RECORDS}`);
}
if (!Number.isInteger(rounds) || rounds <= 0 || rounds > 5) throw new Error('--rounds must be 1..5');
const bootstrap = args.bootstrap;
const topic = `flagship-bench-${process.pid}-${Date.now()}`;

/** Rejects (and runs `onTimeout`) when `promise` takes longer than PHASE_TIMEOUT_MS. */
async function bounded<T>(
  what: string,
  promise: Promise<T>,
  onTimeout: () => unknown = () => {},
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void onTimeout();
      reject(new Error(`${what} took longer than ${PHASE_TIMEOUT_MS} ms`));
    }, PHASE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function produce(): Promise<void> {
  const startTimeMs = Math.floor((Date.now() - total * MEAN_INTERVAL_MS) / 60_000) * 60_000;
  const generator = createWebAccessGenerator(1, { startTimeMs, meanIntervalMs: MEAN_INTERVAL_MS });
  await produceTopic(bootstrap, topic, 3, total, () => {
    const e = generator.next();
    return { key: Buffer.from(e.ip), value: Buffer.from(JSON.stringify(e)), timestampMs: e.timestampMs };
  });
}

function source() {
  return kafkaSource<WebAccessEvent>({
    bootstrap,
    topics: [topic],
    startFrom: 'earliest',
    valueOnly: true,
    bounded: true,
  });
}

/** Runs a bounded job to its end; records/s over the whole run. */
async function timed(name: string, client: () => JobClient, expectIn: number): Promise<number> {
  const started = performance.now();
  const job = client();
  const result = await bounded(name, job.result, () => job.stop());
  const seconds = (performance.now() - started) / 1000;
  if (result.metrics.recordsIn !== expectIn) {
    throw new Error(`${name} read ${result.metrics.recordsIn} records, expected ${expectIn}`);
  }
  return expectIn / seconds;
}

function discard(): Promise<number> {
  return timed(
    'kafka -> discard',
    () => {
      const env = StreamEnvironment.create({ log: () => {} });
      env
        .fromSource(source())
        .filter((e) => e.status !== 0)
        .sinkTo({ name: 'discard', createWriter: () => ({ write: () => undefined }) });
      return env.executeAsync();
    },
    total,
  );
}

async function windowToSearch(round: number): Promise<{ rate: number; documents: number }> {
  const dir = args.url === undefined ? await mkdtemp(join(tmpdir(), 'sluice-bench-kws-')) : undefined;
  const url = args.url ?? `embedded:${dir}`;
  const index = `${topic}-${round}`;
  let documents = 0;
  try {
    const rate = await timed(
      'kafka -> window -> search',
      () => {
        const env = StreamEnvironment.create({ log: () => {} });
        env
          .fromSource(source(), {
            watermarks: WatermarkStrategy.boundedOutOfOrderness<WebAccessEvent>(2_000).withIdleness(10_000),
          })
          .keyBy((e) => e.status)
          .window(TumblingEventTimeWindows.of(60_000))
          .aggregate(statusCounts, (status, window, c) => {
            documents++;
            return {
              minute: new Date(window.start).toISOString(),
              status,
              requests: c.requests,
              bytes: c.bytes,
              max_latency_ms: c.maxLatencyMs,
            };
          })
          .sinkTo(searchSink({ url, index, id: (d) => `${d.minute}/${d.status}` }));
        return env.executeAsync();
      },
      total,
    );
    return { rate, documents };
  } finally {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    if (args.url !== undefined)
      await fetch(`${args.url}/${index}`, { method: 'DELETE' }).catch(() => undefined);
  }
}

await bounded('producing', produce());
const baseline: number[] = [];
const measured: number[] = [];
let documents = 0;
for (let round = 0; round < rounds; round++) {
  baseline.push(await discard());
  const r = await windowToSearch(round);
  measured.push(r.rate);
  documents = r.documents;
}
const best = (xs: number[]) => Math.max(...xs);
const fmt = (xs: number[]) => xs.map((x) => Math.round(x).toLocaleString('en-US')).join(' / ');
console.log(
  `node ${process.version}, ${total.toLocaleString('en-US')} records, 3 partitions, engine ${args.url ?? 'embedded'}`,
);
console.log(`baseline  kafka -> discard (sluice source, bounded): ${fmt(baseline)} rec/s`);
console.log(
  `measured  kafka -> window per status/minute -> search (${documents} documents): ${fmt(measured)} rec/s`,
);
console.log(`ratio measured/baseline (best of each): ${(best(measured) / best(baseline)).toFixed(2)}`);
