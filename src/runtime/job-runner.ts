import type { CheckpointManifest } from '../checkpoint/checkpoint-storage.js';
import type { Clock } from '../core/clock.js';
import type { DeadLetter } from '../core/dead-letter.js';
import { ConfigError, errorMessage, JobCancelledError, OperatorError } from '../core/errors.js';
import { assertNever } from '../core/message.js';
import type { Sink, SinkContext } from '../core/sink.js';
import type { SourceContext } from '../core/source.js';
import type { JobPlan, PlanNode } from '../plan/job-plan.js';
import { topologicalOrder } from '../plan/topological-order.js';
import type { KeyedStateSnapshotWriter } from '../state/keyed-state-snapshot.js';
import type { StateBackend } from '../state/state-backend.js';
import { BoundedQueue } from './bounded-queue.js';
import { DeadLetterRouter } from './dead-letter-router.js';
import { type CheckpointOptions, JobCheckpointer, readJobCheckpoint } from './job-checkpointer.js';
import type { JobClient, JobResult } from './job-client.js';
import { addToCounter, JobMetrics } from './job-metrics.js';
import type { JobSnapshot, OperatorSnapshot } from './job-snapshot.js';
import type { NodeRuntime } from './node-runtime.js';
import { OperatorNodeRuntime } from './operator-node-runtime.js';
import { PendingWrites } from './pending-writes.js';
import { ProcessingTimeScheduler } from './processing-time-scheduler.js';
import type { RuntimeServices } from './runtime-services.js';
import { SinkNodeRuntime } from './sink-node-runtime.js';
import { SourceNodeRuntime } from './source-node-runtime.js';
import { type QueueItem, SourcePump } from './source-pump.js';
import { TaskLoop } from './task-loop.js';

export interface ExecutionOptions {
  readonly clock: Clock;
  readonly stateBackend: StateBackend;
  readonly maxParallelism: number;
  /** Preferred records per source batch. */
  readonly batchSize: number;
  /** Source messages (each up to batchSize records) buffered between readers and the task loop; bounds memory. */
  readonly queueCapacity: number;
  /** How often periodic watermark generators and idleness checks run in sources with a strategy. */
  readonly autoWatermarkIntervalMs: number;
  /** Where dead letters go when no stream consumes them as a side output; undefined: logged and sampled. */
  readonly deadLetterSink: Sink<DeadLetter> | undefined;
  /** Connector defaults for sources and sinks (`SinkContext.settings`), e.g. `search.url`. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Start from this snapshot (`JobClient.snapshot()` of an earlier run of the same plan). */
  readonly restoreFrom?: JobSnapshot;
  /** Where `JobClient.checkpoint()` (and periodic checkpoints, with `intervalMs`) store snapshots. */
  readonly checkpoints?: CheckpointOptions;
  readonly log: (line: string) => void;
}

/**
 * The lifecycle of one job run in this thread: builds the node runtimes from the plan (wiring each
 * upstream instance to each downstream node through its edge), opens sinks then operators (last
 * first), starts one pump per source, runs the task loop, and on the way out flushes sinks and the
 * dead-letter route and closes everything (quietly after a failure). It is the job's `JobClient`:
 * stop, cancel, live metrics, and snapshots taken at a message boundary.
 */
export class JobRunner implements JobClient {
  readonly result: Promise<JobResult>;
  private readonly metricsLive: JobMetrics;
  private readonly scheduler = new ProcessingTimeScheduler();
  private readonly writes = new PendingWrites();
  private readonly queue: BoundedQueue<QueueItem>;
  private readonly sourceAbort = new AbortController();
  private readonly cancelAbort = new AbortController();
  private readonly deadLetters: DeadLetterRouter;
  private readonly pumps: SourcePump[] = [];
  private readonly operators: OperatorNodeRuntime[] = [];
  private readonly sinks: SinkNodeRuntime[] = [];
  private readonly loop: TaskLoop;
  private readonly checkpointer: JobCheckpointer | undefined;
  /** The snapshot this run starts from: `restoreFrom`, or the latest checkpoint with `resume: 'latest'`. */
  private restored: JobSnapshot | undefined;
  /** Snapshots still streaming keyed state and checkpoints not yet complete (the job may read on meanwhile). */
  private readonly inFlight = new Set<Promise<void>>();
  private stopRequested = false;
  private drainOnStop = false;
  private cancelled = false;
  private failure: unknown;
  private readonly startedAtMs: number;
  /** Validated at construction, so a bad plan fails `executeAsync` itself instead of the result. */
  private readonly order: PlanNode[];

  constructor(
    private readonly plan: JobPlan,
    private readonly options: ExecutionOptions,
  ) {
    this.order = topologicalOrder(plan);
    this.startedAtMs = options.clock.nowMs();
    this.metricsLive = new JobMetrics(plan.name, this.startedAtMs);
    this.queue = new BoundedQueue(options.queueCapacity);
    this.restored = options.restoreFrom;
    const storage = options.checkpoints?.storage;
    this.checkpointer =
      storage === undefined
        ? undefined
        : new JobCheckpointer(typeof storage === 'function' ? storage(plan.name) : storage);
    this.deadLetters = new DeadLetterRouter(this.metricsLive, options.clock, options.log);
    const host = {
      deliver: (item: QueueItem) =>
        item.pump.node.deliver(item.message, !this.stopRequested || this.drainOnStop),
      get halted() {
        return runner.failure !== undefined || runner.cancelled;
      },
    };
    const runner = this;
    this.loop = new TaskLoop(
      host,
      this.queue,
      this.scheduler,
      this.writes,
      this.deadLetters,
      options.clock,
      this.order.filter((n) => n.kind === 'source').length,
    );
    this.result = this.run();
  }

  get jobName(): string {
    return this.plan.name;
  }

  metrics() {
    const snapshot = this.metricsLive.snapshot();
    const statuses: Record<string, string> = {};
    for (const sink of this.sinks) if (sink.status !== undefined) statuses[sink.id] = sink.status;
    return { ...snapshot, statuses };
  }

  async stop(options: { drain?: boolean } = {}): Promise<JobResult> {
    this.stopRequested = true;
    this.drainOnStop = options.drain === true;
    this.sourceAbort.abort();
    this.loop.wake();
    return this.result;
  }

  async cancel(): Promise<void> {
    this.cancelled = true;
    this.stopRequested = true;
    this.sourceAbort.abort();
    this.cancelAbort.abort();
    this.loop.wake();
    await this.result.catch(() => {});
  }

  /**
   * The whole job's state at the next message boundary: sinks and the dead-letter route are flushed
   * first, then sources' split states, operators' and keyed state, and sinks' own state are taken.
   */
  snapshot(): Promise<JobSnapshot> {
    // The cut is taken at the boundary; keyed state is streamed after it while the job goes on
    // (wrapped in an object so the boundary action does not wait for the streaming).
    return this.loop.atBoundary(() => this.beginSnapshot()).then((s) => s.done);
  }

  /**
   * A snapshot stored as the next checkpoint of `checkpoints.storage`; once the checkpoint is
   * complete, source readers hear `onCheckpointComplete` with their split states (Kafka commits
   * its offsets) and so do sink writers (two-phase sinks commit). Checkpoints run one at a time.
   */
  checkpoint(): Promise<CheckpointManifest> {
    const checkpointer = this.checkpointer;
    if (checkpointer === undefined)
      return Promise.reject(new ConfigError(`job "${this.plan.name}" has no checkpoint storage configured`));
    const taking = checkpointer
      .take({
        atBoundary: (action) => this.loop.atBoundary(action),
        beginCut: (writerFor) => this.beginSnapshot(writerFor),
        notify: (id, snapshot) => this.notifyCheckpointComplete(id, snapshot),
      })
      .then((manifest) => {
        this.metricsLive.checkpointCompleted(manifest.checkpointId, this.options.clock.nowMs());
        return manifest;
      });
    this.track(taking);
    return taking;
  }

  /** At a message boundary: flushes sinks, takes the cut, returns the snapshot once keyed state is written. */
  private async beginSnapshot(
    keyedWriterFor?: (operatorId: string, instance: number) => KeyedStateSnapshotWriter,
  ): Promise<{ readonly done: Promise<JobSnapshot> }> {
    await this.flushSinks();
    const sources: Record<string, ReturnType<SourceNodeRuntime['snapshot']>> = {};
    for (const pump of this.pumps) sources[pump.node.id] = structuredClone(pump.node.snapshot());
    const sinks: Record<string, unknown> = {};
    for (const sink of this.sinks) sinks[sink.id] = structuredClone(sink.writer?.snapshot?.());
    const takenAtMs = this.options.clock.nowMs();
    // Each op.snapshot() takes its operator state and freezes its keyed state now, synchronously.
    const operatorParts = this.operators.map((op) =>
      op
        .snapshot(keyedWriterFor === undefined ? undefined : (i) => keyedWriterFor(op.id, i))
        .then((part) => [op.id, part] as const),
    );
    const done = Promise.all(operatorParts).then((parts) => {
      const operators: Record<string, OperatorSnapshot> = {};
      for (const [id, part] of parts) operators[id] = part;
      return { formatVersion: 1 as const, jobName: this.plan.name, takenAtMs, sources, operators, sinks };
    });
    this.track(done);
    return { done };
  }

  /**
   * Tells readers and writers that checkpoint `checkpointId` is durable, at a message boundary.
   * A sink writer that fails here fails the job (a two-phase commit it cannot make must not be
   * forgotten; the restart commits again); a reader that fails is logged: its commit is for
   * monitoring and group restarts, and the next checkpoint commits newer offsets.
   */
  private notifyCheckpointComplete(checkpointId: number, snapshot: JobSnapshot): Promise<void> {
    const notify = async () => {
      for (const sink of this.sinks) await sink.writer?.onCheckpointComplete?.(checkpointId);
      for (const pump of this.pumps) {
        const splits = new Map(snapshot.sources[pump.node.id]?.splits ?? []);
        try {
          await pump.reader?.onCheckpointComplete?.(checkpointId, splits);
        } catch (e) {
          this.options.log(
            `[${pump.node.id}] after checkpoint ${checkpointId} completed: ${errorMessage(e)}`,
          );
        }
      }
    };
    // After the loop ended (the job is finishing and waits for this checkpoint) no message moves,
    // so there is no boundary to wait for.
    if (this.loop.finished) return notify();
    return this.loop.atBoundary(notify).catch((e: unknown) => {
      if (this.loop.finished && this.failure === undefined && !this.cancelled) return notify();
      throw e;
    });
  }

  private track(work: Promise<unknown>): void {
    const settled = work.then(
      () => {},
      () => {},
    );
    this.inFlight.add(settled);
    void settled.then(() => this.inFlight.delete(settled));
  }

  /** Takes a checkpoint every `intervalMs` (by the job's clock) until the job ends. */
  private async checkpointPeriodically(intervalMs: number): Promise<void> {
    const signal = this.sourceAbort.signal;
    const clock = this.options.clock;
    for (let next = clock.nowMs() + intervalMs; !signal.aborted; next = clock.nowMs() + intervalMs) {
      await clock.sleepUntil(next, signal);
      if (signal.aborted || this.loop.finished) return;
      try {
        await this.checkpoint();
      } catch (e) {
        if (this.loop.finished) return;
        this.options.log(
          `checkpoint failed (the job goes on; the next one is in ${intervalMs} ms): ${errorMessage(e)}`,
        );
      }
    }
  }

  private fail(e: unknown): void {
    this.failure ??= e;
    this.sourceAbort.abort();
    this.loop.wake();
  }

  private services(): RuntimeServices {
    return {
      clock: this.options.clock,
      stateBackend: this.options.stateBackend,
      maxParallelism: this.options.maxParallelism,
      autoWatermarkIntervalMs: this.options.autoWatermarkIntervalMs,
      scheduler: this.scheduler,
      metrics: this.metricsLive,
      writes: this.writes,
      deadLetters: this.deadLetters,
    };
  }

  private build(): void {
    const services = this.services();
    const restored = this.restored;
    if (restored !== undefined && restored.formatVersion !== 1)
      throw new OperatorError(
        'job',
        undefined,
        new Error(`unsupported snapshot format ${String(restored.formatVersion)}`),
      );
    const runtimes = new Map<string, NodeRuntime>();
    for (const node of this.order) {
      const instancesPerInput = node.inputs.map((e) => (runtimes.get(e.from) as NodeRuntime).outputs.length);
      let rt: NodeRuntime;
      switch (node.kind) {
        case 'source': {
          const src = new SourceNodeRuntime(node, services, restored?.sources[node.id]);
          this.pumps.push(new SourcePump(src, this.queue, this.sourceAbort.signal, (e) => this.fail(e)));
          rt = src;
          break;
        }
        case 'operator': {
          const op = new OperatorNodeRuntime(node, instancesPerInput, services, restored?.operators[node.id]);
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
          assertNever(node, 'plan node');
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

  private sinkContext(operatorId: string, sink: SinkNodeRuntime | undefined): SinkContext {
    return {
      clock: this.options.clock,
      signal: this.cancelAbort.signal,
      operatorId,
      restoredState: this.restored?.sinks[operatorId],
      settings: this.options.settings ?? {},
      deadLetter: (l) => this.deadLetters.route(operatorId, undefined, l),
      log: (m) => this.options.log(`[${operatorId}] ${m}`),
      reportFailure: (e) => this.fail(OperatorError.wrap(operatorId, e)),
      count: (counter, delta = 1) => addToCounter(this.metricsLive.operator(operatorId), counter, delta),
      setStatus: (status) => {
        if (sink !== undefined) sink.status = status;
      },
    };
  }

  private sourceContext(pump: SourcePump): SourceContext {
    const node = pump.node;
    const id = node.id;
    return {
      clock: this.options.clock,
      signal: this.sourceAbort.signal,
      batchSize: this.options.batchSize,
      operatorId: id,
      restoredSplits: node.restoredSplits(),
      settings: this.options.settings ?? {},
      deadLetter: (l) =>
        this.deadLetters.route(id, node.output, {
          origin: l.origin ?? node.node.source.name,
          position: l.position,
          reason: l.reason,
          record: l.record,
        }),
      log: (m) => this.options.log(`[${id}] ${m}`),
      drained: () => pump.drained(),
      handOver: async (splits) => {
        await pump.drainedUpTo(pump.produced);
        return this.loop.atBoundary(async () => {
          await this.flushSinks();
          return node.removeSplits(splits);
        });
      },
    };
  }

  private async run(): Promise<JobResult> {
    await Promise.resolve(); // let the constructor return first
    try {
      await this.resumeFromLatestCheckpoint();
      this.build();
      for (const sink of this.sinks) {
        sink.writer = await sink.node.sink.createWriter(this.sinkContext(sink.id, sink));
      }
      if (this.options.deadLetterSink !== undefined) {
        this.deadLetters.writer = await this.options.deadLetterSink.createWriter(
          this.sinkContext('dead-letters', undefined),
        );
      }
      for (const op of [...this.operators].reverse()) await op.open();
      for (const pump of this.pumps) pump.start(pump.node.node.source.createReader(this.sourceContext(pump)));
      const intervalMs = this.options.checkpoints?.intervalMs;
      if (intervalMs !== undefined) void this.checkpointPeriodically(intervalMs);
      await this.loop.run();
      if (this.failure !== undefined) throw this.failure;
      if (this.cancelled) throw new JobCancelledError(`job "${this.plan.name}" was cancelled`);
      await this.finish();
      return {
        jobName: this.plan.name,
        status: this.stopRequested ? 'stopped' : 'finished',
        durationMs: this.options.clock.nowMs() - this.startedAtMs,
        metrics: this.metricsLive.snapshot(),
        deadLetterSamples: this.deadLetters.samples,
      };
    } catch (e) {
      this.sourceAbort.abort();
      await this.closeQuietly();
      throw e;
    }
  }

  /** With `checkpoints.resume: 'latest'` and no `restoreFrom`: starts from the latest checkpoint, if any. */
  private async resumeFromLatestCheckpoint(): Promise<void> {
    if (this.restored !== undefined || this.options.checkpoints?.resume !== 'latest') return;
    const storage = (this.checkpointer as JobCheckpointer).storage;
    const latest = await readJobCheckpoint(storage);
    if (latest === undefined) return;
    if (latest.jobName !== this.plan.name)
      throw new ConfigError(
        `the latest checkpoint in this job's checkpoint storage belongs to job "${latest.jobName}", not "${this.plan.name}"; give each job its own storage`,
      );
    this.restored = latest;
    const manifest = await storage.latest();
    this.options.log(
      `resuming from checkpoint ${manifest?.checkpointId ?? '?'} (taken at ${new Date(latest.takenAtMs).toISOString()})`,
    );
  }

  /** Sinks accept and make durable everything so far; then the dead letters they reported go out too. */
  private async flushSinks(): Promise<void> {
    await this.loop.awaitWrites();
    await this.deadLetters.flush();
    for (const sink of this.sinks) await sink.flush();
    await this.deadLetters.flushAll();
  }

  private async finish(): Promise<void> {
    if (this.scheduler.nextMs() !== undefined) this.scheduler.fireDue(this.options.clock.nowMs());
    await this.flushSinks();
    // A job that ends while a snapshot streams or a checkpoint completes waits for it before it
    // closes readers and writers (they hear `onCheckpointComplete`) and disposes keyed state.
    await Promise.all(this.inFlight);
    await this.closeAll(true);
  }

  /** `graceful`: the job ended with everything flushed (not a failure or cancel). */
  private async closeAll(graceful: boolean): Promise<void> {
    for (const op of this.operators) await op.close(graceful);
    for (const sink of this.sinks) await sink.writer?.close?.();
    await this.deadLetters.writer?.close?.();
    for (const pump of this.pumps) await pump.reader?.close?.();
  }

  private async closeQuietly(): Promise<void> {
    try {
      await this.closeAll(false);
    } catch (e) {
      this.options.log(`while closing after a failure: ${errorMessage(e)}`);
    }
  }
}
