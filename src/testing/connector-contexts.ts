/**
 * Helpers for testing connectors (shipped in `sluice/testing`, for users' own connectors too): source and sink contexts whose
 * clock is a ManualClock and whose dead letters and log lines land in arrays, plus bounded loops
 * for driving readers. Real I/O (sockets, files) is awaited with `eventually`, which polls with a
 * hard deadline instead of sleeping a guessed amount.
 */
import type { RecordBatch } from '../core/record-batch.js';
import type { SinkContext, SinkDeadLetter } from '../core/sink.js';
import type { SourceContext, SourceDeadLetter, SourceMessage, SourceReader } from '../core/source.js';
import { ManualClock } from '../time/manual-clock.js';

export interface FakeSourceContext extends SourceContext {
  readonly clock: ManualClock;
  readonly controller: AbortController;
  readonly deadLetters: SourceDeadLetter[];
  readonly logs: string[];
}

export function fakeSourceContext(
  options: { batchSize?: number; nowMs?: number; restoredSplits?: ReadonlyMap<string, unknown> } = {},
): FakeSourceContext {
  const controller = new AbortController();
  const deadLetters: SourceDeadLetter[] = [];
  const logs: string[] = [];
  return {
    clock: new ManualClock(options.nowMs ?? 0),
    controller,
    signal: controller.signal,
    batchSize: options.batchSize ?? 100,
    operatorId: 'source-under-test',
    deadLetters,
    logs,
    deadLetter: (letter) => deadLetters.push(letter),
    log: (message) => logs.push(message),
    restoredSplits: options.restoredSplits ?? new Map(),
    settings: {},
    drained: () => Promise.resolve(),
    handOver: async () => new Map(),
  };
}

export interface FakeSinkContext extends SinkContext {
  readonly clock: ManualClock;
  readonly deadLetters: SinkDeadLetter[];
  readonly logs: string[];
  readonly failures: unknown[];
  readonly counters: Map<string, number>;
  /** Every status the writer set, in order (undefined when it cleared it). */
  readonly statuses: Array<string | undefined>;
  reportFailure(error: unknown): void;
  count(counter: string, delta?: number): void;
}

export function fakeSinkContext(options: { restoredState?: unknown } = {}): FakeSinkContext {
  const deadLetters: SinkDeadLetter[] = [];
  const statuses: Array<string | undefined> = [];
  const logs: string[] = [];
  const failures: unknown[] = [];
  const counters = new Map<string, number>();
  return {
    clock: new ManualClock(0),
    signal: new AbortController().signal,
    operatorId: 'sink-under-test',
    deadLetters,
    logs,
    failures,
    counters,
    statuses,
    restoredState: options.restoredState,
    settings: {},
    setStatus: (status) => statuses.push(status),
    deadLetter: (letter) => deadLetters.push(letter),
    log: (message) => logs.push(message),
    reportFailure: (error) => failures.push(error),
    count: (counter, delta = 1) => counters.set(counter, (counters.get(counter) ?? 0) + delta),
  };
}

/** Reads until `end`, failing after `maxReads` reads (a reader that never ends is a bug, not a hang). */
export async function readAll<T>(reader: SourceReader<T>, maxReads = 10_000): Promise<RecordBatch<T>[]> {
  const batches: RecordBatch<T>[] = [];
  for (let i = 0; i < maxReads; i++) {
    const message = await reader.read();
    if (message.kind === 'end') return batches;
    if (message.kind === 'data') batches.push(message.batch);
  }
  throw new Error(`reader did not end within ${maxReads} reads`);
}

/** Expects the next message, past split announcements, to be a data batch and returns it. */
export async function readBatch<T>(reader: SourceReader<T>): Promise<RecordBatch<T>> {
  let message: SourceMessage<T> = await reader.read();
  while (message.kind === 'splits') message = await reader.read();
  if (message.kind !== 'data') throw new Error(`expected a data batch, got ${message.kind}`);
  return message.batch;
}

/** All values of several batches, in order. */
export function valuesOf<T>(batches: readonly RecordBatch<T>[]): T[] {
  return batches.flatMap((b) => [...b.values]);
}

/** All positions of several batches, in order. */
export function positionsOf<T>(batches: readonly RecordBatch<T>[]): number[] {
  return batches.flatMap((b) => [...b.positions]);
}

/**
 * Waits until `condition()` holds, checking after every I/O turn of the event loop; throws after
 * `timeoutMs` of wall time. Only for waiting on real I/O (sockets, files), never to pass time.
 */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
}

/**
 * The next message other than a split announcement, from a reader that may wait on the manual clock (polling, backoff, rate limits):
 * whenever it parks on the clock, time moves on by `stepMs`, at most `maxSteps` times.
 */
export async function readAdvancing<T>(
  reader: SourceReader<T>,
  ctx: FakeSourceContext,
  stepMs: number,
  maxSteps = 5,
): Promise<SourceMessage<T>> {
  for (;;) {
    const message = await readOnceAdvancing(reader, ctx, stepMs, maxSteps);
    if (message.kind !== 'splits') return message;
  }
}

async function readOnceAdvancing<T>(
  reader: SourceReader<T>,
  ctx: FakeSourceContext,
  stepMs: number,
  maxSteps: number,
): Promise<SourceMessage<T>> {
  let settled = false;
  const pending = reader.read().finally(() => {
    settled = true;
  });
  for (let steps = 0; ; steps++) {
    await eventually(
      () => settled || ctx.clock.pendingSleepers > 0,
      'the reader to return or wait on the clock',
    );
    if (settled) return pending;
    if (steps === maxSteps) throw new Error(`read() still waiting after ${maxSteps} steps of ${stepMs} ms`);
    ctx.clock.advance(stepMs);
  }
}

/** Like `readAdvancing`, but expects data and returns the batch's values. */
export async function readValuesAdvancing<T>(
  reader: SourceReader<T>,
  ctx: FakeSourceContext,
  stepMs: number,
  maxSteps = 5,
): Promise<T[]> {
  const message = await readAdvancing(reader, ctx, stepMs, maxSteps);
  if (message.kind !== 'data') throw new Error(`expected a data batch, got ${message.kind}`);
  return [...message.batch.values];
}
