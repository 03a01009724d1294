import type { Clock } from '../core/clock.js';
import { DEAD_LETTERS, type DeadLetter } from '../core/dead-letter.js';
import { errorMessage, formatPosition, JobCancelledError, OperatorError } from '../core/errors.js';
import { assertNever, MAX_WATERMARK } from '../core/message.js';
import { batchOfValues } from '../core/record-batch.js';
import type { Sink, SinkContext, SinkWriter } from '../core/sink.js';
import type { SourceContext, SourceMessage, SourceReader } from '../core/source.js';
import type { StateBackend } from '../state/state-backend.js';
import { BoundedQueue } from './bounded-queue.js';
import type { JobClient, JobResult } from './job-client.js';
import { type JobGraph, type JobNode, type SinkNode, topologicalOrder } from './job-graph.js';
import { addToCounter, JobMetrics } from './job-metrics.js';
import {
  type InstanceOutput,
  type NodeRuntime,
  OperatorNodeRuntime,
  type RuntimeServices,
  SinkNodeRuntime,
  SourceNodeRuntime,
} from './node-runtime.js';
import { ProcessingTimeScheduler } from './processing-time-scheduler.js';

export interface ExecutionOptions {
  readonly clock: Clock;
  readonly stateBackend: StateBackend;
  readonly maxParallelism: number;
  /** Preferred records per source batch. */
  readonly batchSize: number;
  /** Source messages buffered between readers and the task loop; bounds memory (backpressure). */
  readonly queueCapacity: number;
  /** Where dead letters go when no stream consumes them as a side output; undefined: logged and sampled. */
  readonly deadLetterSink: Sink<DeadLetter> | undefined;
  readonly log: (line: string) => void;
}

const MAX_DEAD_LETTER_SAMPLES = 100;
const LOGGED_DEAD_LETTERS = 10;

interface SourcePump {
  readonly node: SourceNodeRuntime;
  reader: SourceReader<unknown> | undefined;
  produced: number;
  processed: number;
  ended: boolean;
  readonly drainWaiters: Array<{ upTo: number; resolve: () => void }>;
}

interface QueueItem {
  readonly pump: SourcePump;
  readonly message: SourceMessage<unknown>;
}

/**
 * Runs one job in this thread: source readers feed a bounded queue; a single task loop takes one
 * message at a time, pushes it synchronously through the chained operators, fires due
 * processing-time callbacks, and awaits sink writes before taking more (backpressure).
 */
export class JobRunner implements JobClient {
  readonly result: Promise<JobResult>;
  private readonly metricsLive: JobMetrics;
  private readonly scheduler = new ProcessingTimeScheduler();
  private readonly pendingWrites: Promise<void>[] = [];
  private readonly queue: BoundedQueue<QueueItem>;
  private readonly sourceAbort = new AbortController();
  private readonly cancelAbort = new AbortController();
  private readonly pumps: SourcePump[] = [];
  private readonly operators: OperatorNodeRuntime[] = [];
  private readonly sinks: SinkNodeRuntime[] = [];
  private readonly deadLetterBuffer: DeadLetter[] = [];
  private readonly deadLetterSamples: DeadLetter[] = [];
  private deadLetterWriter: SinkWriter<DeadLetter> | undefined;
  private stopRequested = false;
  private drainOnStop = false;
  private cancelled = false;
  private failure: unknown;
  private wake: (() => void) | undefined;
  private readonly startedAtMs: number;
  /** Validated at construction, so a bad plan fails `executeAsync` itself instead of the result. */
  private readonly order: JobNode[];

  constructor(
    private readonly graph: JobGraph,
    private readonly options: ExecutionOptions,
  ) {
    this.order = topologicalOrder(graph);
    this.startedAtMs = options.clock.nowMs();
    this.metricsLive = new JobMetrics(graph.name, this.startedAtMs);
    this.queue = new BoundedQueue(options.queueCapacity);
    this.result = this.run();
  }

  get jobName(): string {
    return this.graph.name;
  }

  metrics() {
    return this.metricsLive.snapshot();
  }

  async stop(options: { drain?: boolean } = {}): Promise<JobResult> {
    this.stopRequested = true;
    this.drainOnStop = options.drain === true;
    this.sourceAbort.abort();
    this.wake?.();
    return this.result;
  }

  async cancel(): Promise<void> {
    this.cancelled = true;
    this.stopRequested = true;
    this.sourceAbort.abort();
    this.cancelAbort.abort();
    this.wake?.();
    await this.result.catch(() => {});
  }

  private fail(e: unknown): void {
    this.failure ??= e;
    this.sourceAbort.abort();
    this.wake?.();
  }

  private services(): RuntimeServices {
    return {
      clock: this.options.clock,
      stateBackend: this.options.stateBackend,
      maxParallelism: this.options.maxParallelism,
      scheduler: this.scheduler,
      metrics: this.metricsLive,
      pendingWrites: this.pendingWrites,
      deadLetter: (nodeId, output, origin, position, reason, record) =>
        this.routeDeadLetter(nodeId, output, {
          origin,
          position,
          operatorId: nodeId,
          reason,
          record,
          rejectedAtMs: this.options.clock.nowMs(),
        }),
    };
  }

  private build(): void {
    const services = this.services();
    const runtimes = new Map<string, NodeRuntime>();
    for (const node of this.order) {
      const instancesPerInput = node.inputs.map((e) => (runtimes.get(e.from) as NodeRuntime).outputs.length);
      let rt: NodeRuntime;
      switch (node.kind) {
        case 'source': {
          const src = new SourceNodeRuntime(node, services);
          this.pumps.push({
            node: src,
            reader: undefined,
            produced: 0,
            processed: 0,
            ended: false,
            drainWaiters: [],
          });
          rt = src;
          break;
        }
        case 'operator':
        case 'keyed': {
          const op = new OperatorNodeRuntime(node, instancesPerInput, services);
          this.operators.push(op);
          rt = op;
          break;
        }
        case 'sink': {
          const sink = new SinkNodeRuntime(node, instancesPerInput, services);
          this.metricsLive.sinkWatermarks.set(node.id, Number.NEGATIVE_INFINITY);
          this.sinks.push(sink);
          rt = sink;
          break;
        }
        default:
          assertNever(node, 'job node');
      }
      node.inputs.forEach((edge, inputIndex) => {
        const upstream = runtimes.get(edge.from) as NodeRuntime;
        upstream.outputs.forEach((out, u) => {
          out.connect({ node: rt, channel: rt.channelFor(inputIndex, u) }, edge.sideOutput);
        });
      });
      runtimes.set(node.id, rt);
    }
  }

  private sinkContext(operatorId: string): SinkContext {
    return {
      clock: this.options.clock,
      signal: this.cancelAbort.signal,
      operatorId,
      deadLetter: (l) =>
        this.routeDeadLetter(operatorId, undefined, {
          ...l,
          operatorId,
          rejectedAtMs: this.options.clock.nowMs(),
        }),
      log: (m) => this.options.log(`[${operatorId}] ${m}`),
      reportFailure: (e) => this.fail(OperatorError.wrap(operatorId, e)),
      count: (counter, delta = 1) => addToCounter(this.metricsLive.operator(operatorId), counter, delta),
      setStatus: () => {},
      restoredState: undefined,
    };
  }

  private sourceContext(pump: SourcePump): SourceContext {
    const id = pump.node.id;
    return {
      clock: this.options.clock,
      signal: this.sourceAbort.signal,
      batchSize: this.options.batchSize,
      operatorId: id,
      deadLetter: (l) =>
        this.routeDeadLetter(id, pump.node.output, {
          origin: l.origin ?? (pump.node.node.kind === 'source' ? pump.node.node.source.name : id),
          position: l.position,
          operatorId: id,
          reason: l.reason,
          record: l.record,
          rejectedAtMs: this.options.clock.nowMs(),
        }),
      log: (m) => this.options.log(`[${id}] ${m}`),
      restoredSplits: new Map(),
      drained: () =>
        new Promise<void>((resolve) => {
          if (pump.processed >= pump.produced) resolve();
          else pump.drainWaiters.push({ upTo: pump.produced, resolve });
        }),
      handOver: async () => new Map(),
    };
  }

  private routeDeadLetter(nodeId: string, output: InstanceOutput | undefined, letter: DeadLetter): void {
    this.metricsLive.deadLetters++;
    addToCounter(this.metricsLive.operator(nodeId), 'deadLetters');
    if (output?.hasSide(DEAD_LETTERS.id)) {
      output.emitSide(DEAD_LETTERS, batchOfValues(letter.origin, [letter], letter.position));
      return;
    }
    this.deadLetterBuffer.push(letter);
  }

  private async flushDeadLetters(): Promise<void> {
    if (this.deadLetterBuffer.length === 0) return;
    const letters = this.deadLetterBuffer.splice(0);
    if (this.deadLetterWriter !== undefined) {
      await this.deadLetterWriter.write(batchOfValues('dead-letters', letters, 0));
      return;
    }
    for (const l of letters) {
      if (this.deadLetterSamples.length < MAX_DEAD_LETTER_SAMPLES) this.deadLetterSamples.push(l);
      const n = this.deadLetterSamples.length;
      if (n <= LOGGED_DEAD_LETTERS) {
        this.options.log(`dead letter from ${l.operatorId} (${formatPosition(l)}): ${l.reason}`);
      }
    }
    const total = this.metricsLive.deadLetters;
    if (total > LOGGED_DEAD_LETTERS && total - letters.length < LOGGED_DEAD_LETTERS + 1) {
      this.options.log(
        `more dead letters follow; counting them (configure a dead-letter sink to keep them all)`,
      );
    }
  }

  private async run(): Promise<JobResult> {
    await Promise.resolve(); // let the constructor return first
    try {
      this.build();
      for (const sink of this.sinks) {
        const node = sink.node as SinkNode;
        sink.writer = await node.sink.createWriter(this.sinkContext(node.id));
      }
      if (this.options.deadLetterSink !== undefined) {
        this.deadLetterWriter = await this.options.deadLetterSink.createWriter(
          this.sinkContext('dead-letters'),
        );
      }
      for (const op of [...this.operators].reverse()) await op.open();
      for (const pump of this.pumps) {
        const node = pump.node.node;
        if (node.kind !== 'source') continue;
        pump.reader = node.source.createReader(this.sourceContext(pump));
        void this.pumpSource(pump);
      }
      await this.loop();
      if (this.failure !== undefined) throw this.failure;
      if (this.cancelled) throw new JobCancelledError(`job "${this.graph.name}" was cancelled`);
      await this.finish();
      return {
        jobName: this.graph.name,
        status: this.stopRequested ? 'stopped' : 'finished',
        durationMs: this.options.clock.nowMs() - this.startedAtMs,
        metrics: this.metricsLive.snapshot(),
        deadLetterSamples: this.deadLetterSamples,
      };
    } catch (e) {
      this.sourceAbort.abort();
      await this.closeQuietly();
      throw e;
    }
  }

  private async pumpSource(pump: SourcePump): Promise<void> {
    const reader = pump.reader as SourceReader<unknown>;
    try {
      while (!this.sourceAbort.signal.aborted) {
        const message = await reader.read();
        pump.produced++;
        await this.queue.put({ pump, message });
        if (message.kind === 'end') return;
      }
      pump.produced++;
      await this.queue.put({ pump, message: { kind: 'end' } });
    } catch (e) {
      this.fail(new OperatorError(pump.node.id, undefined, e));
    }
  }

  private async loop(): Promise<void> {
    const clock = this.options.clock;
    let active = this.pumps.length;
    while (active > 0 && this.failure === undefined && !this.cancelled) {
      if (this.scheduler.nextMs() !== undefined) this.scheduler.fireDue(clock.nowMs());
      await this.awaitWrites();
      const item = this.queue.tryTake();
      if (item === undefined) {
        await this.waitForWork();
        continue;
      }
      if (this.deliver(item)) active--;
      await this.awaitWrites();
      await this.flushDeadLetters();
      const pump = item.pump;
      pump.processed++;
      if (pump.drainWaiters.length > 0) {
        const ready = pump.drainWaiters.filter((w) => w.upTo <= pump.processed);
        pump.drainWaiters.splice(
          0,
          pump.drainWaiters.length,
          ...pump.drainWaiters.filter((w) => w.upTo > pump.processed),
        );
        for (const w of ready) w.resolve();
      }
    }
  }

  /** Parks the loop until a message arrives, a processing-time callback is due, or the job is stopped. */
  private async waitForWork(): Promise<void> {
    const sleepAbort = new AbortController();
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      if (this.failure !== undefined || this.cancelled) return resolve();
      this.queue.onNonEmpty(resolve);
      const next = this.scheduler.nextMs();
      if (next !== undefined) void this.options.clock.sleepUntil(next, sleepAbort.signal).then(resolve);
    });
    this.wake = undefined;
    sleepAbort.abort();
  }

  /** Pushes one source message through the job; true when it ended that source. */
  private deliver(item: QueueItem): boolean {
    const { pump, message } = item;
    const out = pump.node.output;
    switch (message.kind) {
      case 'data':
        this.metricsLive.recordsIn += message.batch.values.length;
        this.metricsLive.operator(pump.node.id).recordsIn += message.batch.values.length;
        out.emit(message.batch);
        return false;
      case 'watermark':
        out.emitWatermark(message.timestampMs);
        return false;
      case 'idle':
        out.emitIdle(message.idle);
        return false;
      case 'splits':
        return false;
      case 'end':
        pump.ended = true;
        // A stop without drain leaves windows unfired: their input did not really end.
        if (!this.stopRequested || this.drainOnStop) {
          out.emitWatermark(MAX_WATERMARK);
          out.end();
        }
        return true;
      default:
        return assertNever(message, 'source message');
    }
  }

  /**
   * Waits for the sinks to accept what they were given (backpressure). Cancelling wakes it through
   * the same single wake-up slot as `waitForWork`, so no reactions pile up on long-lived promises.
   */
  private async awaitWrites(): Promise<void> {
    while (this.pendingWrites.length > 0 && !this.cancelled) {
      const writes = Promise.all(this.pendingWrites.splice(0));
      await new Promise<void>((resolve, reject) => {
        this.wake = resolve;
        writes.then(() => resolve(), reject);
      });
      this.wake = undefined;
    }
  }

  private async finish(): Promise<void> {
    if (this.scheduler.nextMs() !== undefined) this.scheduler.fireDue(this.options.clock.nowMs());
    await this.awaitWrites();
    await this.flushDeadLetters();
    for (const sink of this.sinks) {
      try {
        await sink.writer?.flush?.();
      } catch (e) {
        throw new OperatorError(sink.id, undefined, e);
      }
    }
    await this.deadLetterWriter?.flush?.();
    await this.closeAll();
  }

  private async closeAll(): Promise<void> {
    for (const op of this.operators) await op.close();
    for (const sink of this.sinks) await sink.writer?.close?.();
    await this.deadLetterWriter?.close?.();
    for (const pump of this.pumps) await pump.reader?.close?.();
  }

  private async closeQuietly(): Promise<void> {
    try {
      await this.closeAll();
    } catch (e) {
      this.options.log(`while closing after a failure: ${errorMessage(e)}`);
    }
  }
}
