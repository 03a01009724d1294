import type { Clock } from '../core/clock.js';
import type { DeadLetter } from '../core/dead-letter.js';
import { ConfigError } from '../core/errors.js';
import type { Sink } from '../core/sink.js';
import type { Source } from '../core/source.js';
import { DEFAULT_AUTO_WATERMARK_INTERVAL_MS } from '../operators/timestamps-and-watermarks-operator.js';
import { explainPlan } from '../plan/explain.js';
import type { JobPlan } from '../plan/job-plan.js';
import type { CheckpointOptions } from '../runtime/job-checkpointer.js';
import type { JobClient, JobResult } from '../runtime/job-client.js';
import type { ExecutionOptions } from '../runtime/job-runner.js';
import type { JobSnapshot } from '../runtime/job-snapshot.js';
import { type JobExecutor, LocalExecutor } from '../runtime/local-executor.js';
import { HeapStateBackend } from '../state/heap/heap-keyed-state-backend.js';
import { DEFAULT_MAX_PARALLELISM } from '../state/key-groups.js';
import type { StateBackend } from '../state/state-backend.js';
import { systemClock } from '../time/system-clock.js';
import type { WatermarkStrategy } from '../time/watermark-strategy.js';
import { DataStream } from './data-stream.js';
import { ElementsSource } from './elements-source.js';
import { currentEnvironmentHooks } from './environment-hooks.js';
import { PlanBuilder } from './plan-builder.js';

export interface EnvironmentOptions {
  /** Source of processing time; pass a ManualClock in tests. */
  readonly clock?: Clock;
  /** Where keyed state lives (default: the JS heap). */
  readonly stateBackend?: StateBackend;
  /** Instances per keyed operator (default 1); keys are spread over them by key group. */
  readonly parallelism?: number;
  /** Number of key groups, the upper bound for parallelism (default 128). Fixed for the life of a job's state. */
  readonly maxParallelism?: number;
  /** Preferred records per source batch (default 1024). */
  readonly batchSize?: number;
  /** Source messages buffered ahead of processing (default 16); bounds memory. */
  readonly queueCapacity?: number;
  /** How often custom watermark generators get `onPeriodicEmit` without new records (default 200 ms). */
  readonly autoWatermarkIntervalMs?: number;
  /** Where dead letters go unless a stream consumes them; default: logged (first 10) and counted. */
  readonly deadLetterSink?: Sink<DeadLetter>;
  /** Log lines from the runtime and connectors; default: stderr. */
  readonly log?: (line: string) => void;
  readonly executor?: JobExecutor;
  /** Connector defaults handed to every source and sink (`settings` in their contexts), e.g. `{ 'search.url': 'http://localhost:9200' }`. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Start the job from this snapshot (`JobClient.snapshot()` of an earlier run of the same pipeline). */
  readonly restoreFrom?: JobSnapshot;
  /**
   * Where `JobClient.checkpoint()` stores checkpoints, and with `intervalMs` how often the job
   * takes one by itself. Restore a later run with `restoreFrom: await readJobCheckpoint(storage)`.
   */
  readonly checkpoints?: CheckpointOptions;
}

function checkCheckpointOptions(options: CheckpointOptions): CheckpointOptions {
  const intervalMs = options.intervalMs;
  if (intervalMs !== undefined && !(Number.isFinite(intervalMs) && intervalMs > 0))
    throw new ConfigError(
      `checkpoints.intervalMs must be a positive number of milliseconds, got ${intervalMs}`,
    );
  return options;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new ConfigError(`${name} must be an integer >= 1, got ${value}`);
  return value;
}

/**
 * Where a job is defined and started, like Flink's StreamExecutionEnvironment. Build streams from
 * sources, chain transformations, add sinks, then `execute` (or `executeAsync` for a handle that can
 * stop the job and read live metrics).
 */
export class StreamEnvironment {
  private readonly plan: PlanBuilder;
  private readonly execution: ExecutionOptions;
  private readonly executor: JobExecutor;

  private constructor(explicit: EnvironmentOptions) {
    const hooks = currentEnvironmentHooks();
    const options: EnvironmentOptions = { ...hooks?.defaults, ...explicit };
    const maxParallelism = positiveInteger(
      'maxParallelism',
      options.maxParallelism ?? DEFAULT_MAX_PARALLELISM,
    );
    const parallelism = positiveInteger('parallelism', options.parallelism ?? 1);
    if (parallelism > maxParallelism)
      throw new ConfigError(`parallelism (${parallelism}) cannot exceed maxParallelism (${maxParallelism})`);
    const interval = options.autoWatermarkIntervalMs ?? DEFAULT_AUTO_WATERMARK_INTERVAL_MS;
    if (!(interval > 0)) throw new ConfigError(`autoWatermarkIntervalMs must be > 0, got ${interval}`);
    this.plan = new PlanBuilder(parallelism, interval);
    this.execution = {
      clock: options.clock ?? systemClock,
      stateBackend: options.stateBackend ?? new HeapStateBackend(),
      maxParallelism,
      batchSize: positiveInteger('batchSize', options.batchSize ?? 1024),
      queueCapacity: positiveInteger('queueCapacity', options.queueCapacity ?? 16),
      autoWatermarkIntervalMs: interval,
      ...(options.restoreFrom === undefined ? {} : { restoreFrom: options.restoreFrom }),
      ...(options.checkpoints === undefined
        ? {}
        : { checkpoints: checkCheckpointOptions(options.checkpoints) }),
      ...(options.settings === undefined ? {} : { settings: options.settings }),
      deadLetterSink: options.deadLetterSink,
      log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    };
    this.executor = options.executor ?? new LocalExecutor();
  }

  static create(options: EnvironmentOptions = {}): StreamEnvironment {
    return new StreamEnvironment(options);
  }

  get clock(): Clock {
    return this.execution.clock;
  }

  /**
   * A stream read from a source (file, socket, datagen, Kafka, a search index...). With
   * `watermarks`, event time is defined in the source itself, per split (each file, each Kafka
   * partition) and merged as the minimum over active splits, with idleness, as Flink's
   * `fromSource(source, strategy)`; `assignTimestampsAndWatermarks` downstream stays available for
   * sources without splits.
   */
  fromSource<T>(
    source: Source<T>,
    options: { uid?: string; name?: string; watermarks?: WatermarkStrategy<T> } = {},
  ): DataStream<T> {
    const id = options.uid ?? this.plan.nextId('source');
    this.plan.add({
      kind: 'source',
      id,
      name: options.name ?? source.name,
      type: 'source',
      config: {
        source: source.name,
        boundedness: source.boundedness,
        ...(options.watermarks === undefined ? {} : { watermarks: options.watermarks.describe() }),
      },
      inputs: [],
      parallelism: 1,
      source: source as Source<unknown>,
      watermarks: options.watermarks as WatermarkStrategy<unknown> | undefined,
    });
    return new DataStream<T>(this.plan, id);
  }

  /** A bounded stream of the given values (tests, examples). */
  fromElements<T>(...values: T[]): DataStream<T> {
    return this.fromSource(new ElementsSource(values));
  }

  /** A bounded stream of an array's values. */
  fromCollection<T>(values: readonly T[], name = 'collection'): DataStream<T> {
    return this.fromSource(new ElementsSource(values, name));
  }

  /** The plan as it stands (for inspection and tests). */
  getPlan(jobName = 'job'): JobPlan {
    return this.plan.plan(jobName);
  }

  /** The plan as text: one line per node with its type, config, parallelism and input edges. */
  explain(jobName = 'job'): string {
    return explainPlan(this.plan.plan(jobName));
  }

  /** Starts the job and returns a handle at once. */
  executeAsync(jobName = 'sluice job'): JobClient {
    const client = this.executor.execute(this.plan.plan(jobName), this.execution);
    currentEnvironmentHooks()?.onJobStarted?.(client);
    return client;
  }

  /** Runs the job until its sources end (or it is stopped), and returns its result; rejects if it fails. */
  execute(jobName = 'sluice job'): Promise<JobResult> {
    return this.executeAsync(jobName).result;
  }
}
