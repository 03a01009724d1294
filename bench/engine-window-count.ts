/**
 * Issue 2 benchmark: a keyed tumbling-window count over N generated web-access events (default
 * 10 million) through the engine, against a hand-written loop computing the same counts over the
 * same events in the same run, plus memory per key with 1 million keys in value state.
 *
 *   node --expose-gc --max-old-space-size=8192 --import tsx bench/engine-window-count.ts [--events 10000000] [--rounds 3]
 *
 * Both sides read the same pre-generated array of events (generation is not timed) and produce the
 * same (path, window start, count) rows; the run fails if they differ. Each side runs `rounds` times
 * alternately and the best time counts (this machine is noisy; ratios hold better than absolutes).
 */
import { StreamEnvironment } from '../src/api/stream-environment.js';
import { createWebAccessGenerator } from '../src/connectors/datagen/web-access-generator.js';
import type { Sink, SinkWriter } from '../src/core/sink.js';
import { HeapKeyedStateBackend } from '../src/state/heap/heap-keyed-state-backend.js';
import { DEFAULT_MAX_PARALLELISM, fullKeyGroupRange } from '../src/state/key-groups.js';
import { valueState } from '../src/state/state-descriptors.js';
import { minutes } from '../src/time/duration.js';
import { systemClock } from '../src/time/system-clock.js';
import { WatermarkStrategy } from '../src/time/watermark-strategy.js';
import { TumblingEventTimeWindows } from '../src/window/assigners.js';

interface Hit {
  readonly timestampMs: number;
  readonly path: string;
}
interface Row {
  readonly path: string;
  readonly start: number;
  readonly count: number;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const EVENTS = arg('events', 10_000_000);
const ROUNDS = arg('rounds', 3);
const KEYS = arg('keys', 1_000_000);
const WINDOW_MS = minutes(1);

function generate(n: number): Hit[] {
  const gen = createWebAccessGenerator(42);
  const out = new Array<Hit>(n);
  for (let i = 0; i < n; i++) {
    const e = gen.next();
    out[i] = { timestampMs: e.timestampMs, path: e.path };
  }
  return out;
}

/** The baseline: what someone would write by hand for in-order events. */
function handWritten(events: readonly Hit[]): Row[] {
  const windows = new Map<number, Map<string, number>>();
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as Hit;
    const start = e.timestampMs - (e.timestampMs % WINDOW_MS);
    let counts = windows.get(start);
    if (counts === undefined) {
      counts = new Map();
      windows.set(start, counts);
    }
    counts.set(e.path, (counts.get(e.path) ?? 0) + 1);
  }
  const rows: Row[] = [];
  for (const [start, counts] of windows)
    for (const [path, count] of counts) rows.push({ path, start, count });
  return rows;
}

class RowsSink implements Sink<Row> {
  readonly name = 'rows';
  rows: Row[] = [];
  createWriter(): SinkWriter<Row> {
    return { write: (b) => void this.rows.push(...b.values) };
  }
}

async function engine(events: readonly Hit[]): Promise<Row[]> {
  const env = StreamEnvironment.create({ batchSize: 4096 });
  const sink = new RowsSink();
  env
    .fromCollection(events, 'generated')
    .assignTimestampsAndWatermarks(
      WatermarkStrategy.monotonousTimestamps<Hit>().withTimestamp((h) => h.timestampMs),
    )
    .keyBy((h) => h.path)
    .window(TumblingEventTimeWindows.of(WINDOW_MS))
    .aggregate(
      { createAccumulator: () => 0, add: (_h: Hit, n: number) => n + 1, getResult: (n: number) => n },
      (path, window, count): Row => ({ path, start: window.start, count }),
    )
    .sinkTo(sink);
  await env.execute('window-count-bench');
  return sink.rows;
}

function canonical(rows: Row[]): string {
  return rows
    .map((r) => `${r.start}|${r.path}|${r.count}`)
    .sort()
    .join('\n');
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g === undefined) throw new Error('run with node --expose-gc');
  g();
  g();
}

function memoryPerKey(keys: number): { bytesPerKey: number; bytesPerKeyWithTtl: number } {
  const measure = (ttl: boolean): number => {
    gc();
    const before = process.memoryUsage().heapUsed;
    const backend = new HeapKeyedStateBackend(
      fullKeyGroupRange(DEFAULT_MAX_PARALLELISM),
      DEFAULT_MAX_PARALLELISM,
      systemClock,
    );
    const state = backend.getValueState(
      valueState<number>('count', ttl ? { ttl: { ttlMs: 3_600_000 } } : {}),
    );
    for (let i = 0; i < keys; i++) {
      backend.setCurrentKey(`user-${i}`);
      state.update(i);
    }
    gc();
    const after = process.memoryUsage().heapUsed;
    if (backend.keyCount('count') !== keys) throw new Error('key count mismatch');
    return (after - before) / keys;
  };
  return { bytesPerKey: measure(false), bytesPerKeyWithTtl: measure(true) };
}

async function main(): Promise<void> {
  console.log(
    `node ${process.version}; ${EVENTS.toLocaleString()} events, 1-minute tumbling windows keyed by path, ${ROUNDS} rounds`,
  );
  const t0 = performance.now();
  const events = generate(EVENTS);
  console.log(`generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  let bestHand = Number.POSITIVE_INFINITY;
  let bestEngine = Number.POSITIVE_INFINITY;
  let handRows: Row[] = [];
  let engineRows: Row[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    gc();
    let t = performance.now();
    handRows = handWritten(events);
    const hand = performance.now() - t;
    gc();
    t = performance.now();
    engineRows = await engine(events);
    const eng = performance.now() - t;
    bestHand = Math.min(bestHand, hand);
    bestEngine = Math.min(bestEngine, eng);
    console.log(`round ${round}: hand-written ${hand.toFixed(0)} ms, engine ${eng.toFixed(0)} ms`);
  }
  if (canonical(handRows) !== canonical(engineRows)) throw new Error('engine and hand-written loop disagree');
  console.log(`results agree: ${engineRows.length.toLocaleString()} (path, window) counts`);

  const handRate = EVENTS / (bestHand / 1000);
  const engineRate = EVENTS / (bestEngine / 1000);
  console.log(`hand-written loop: ${Math.round(handRate).toLocaleString()} events/s`);
  console.log(`engine:            ${Math.round(engineRate).toLocaleString()} events/s`);
  console.log(`ratio engine/hand-written: ${(engineRate / handRate).toFixed(2)} (target >= 0.50)`);

  const mem = memoryPerKey(KEYS);
  console.log(
    `value state, ${KEYS.toLocaleString()} keys: ${mem.bytesPerKey.toFixed(0)} bytes/key (${mem.bytesPerKeyWithTtl.toFixed(0)} bytes/key with TTL)`,
  );
}

await main();
