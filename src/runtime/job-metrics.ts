/** Counters of one operator; `recordsIn`/`recordsOut` count records, `counters` anything the operator reports. */
export interface OperatorMetrics {
  recordsIn: number;
  recordsOut: number;
  readonly counters: Record<string, number>;
}

/** Adds `delta` to an operator's named counter (created at 0). */
export function addToCounter(metrics: OperatorMetrics, counter: string, delta = 1): void {
  metrics.counters[counter] = (metrics.counters[counter] ?? 0) + delta;
}

/** A point-in-time copy of a job's metrics (progress line, job result). */
export interface JobMetricsSnapshot {
  readonly jobName: string;
  readonly startedAtMs: number;
  /** Records read by all sources. */
  readonly recordsIn: number;
  /** Records written by all sinks. */
  readonly recordsOut: number;
  readonly deadLetters: number;
  /** The lowest watermark among sinks' inputs: how far event time has progressed through the whole job. */
  readonly watermarkMs: number;
  readonly operators: Readonly<Record<string, Readonly<OperatorMetrics>>>;
  /** Why sinks hold the job back right now, by sink id (`SinkContext.setStatus`); live metrics only. */
  readonly statuses?: Readonly<Record<string, string>>;
  /** Checkpoints completed in this run, and the last one's id and completion time (clock ms). */
  readonly checkpoints: { readonly completed: number; readonly lastId?: number; readonly lastAtMs?: number };
}

/**
 * Live counters, updated by the runtime once per batch (never per record) so they cost nothing on
 * the hot path.
 */
export class JobMetrics {
  private readonly byOperator = new Map<string, OperatorMetrics>();
  recordsIn = 0;
  recordsOut = 0;
  deadLetters = 0;
  private checkpoints: JobMetricsSnapshot['checkpoints'] = { completed: 0 };
  readonly sinkWatermarks = new Map<string, number>();

  constructor(
    readonly jobName: string,
    readonly startedAtMs: number,
  ) {}

  checkpointCompleted(checkpointId: number, atMs: number): void {
    this.checkpoints = { completed: this.checkpoints.completed + 1, lastId: checkpointId, lastAtMs: atMs };
  }

  operator(id: string): OperatorMetrics {
    let m = this.byOperator.get(id);
    if (m === undefined) {
      m = { recordsIn: 0, recordsOut: 0, counters: {} };
      this.byOperator.set(id, m);
    }
    return m;
  }

  snapshot(): JobMetricsSnapshot {
    let watermarkMs = Number.POSITIVE_INFINITY;
    for (const w of this.sinkWatermarks.values()) watermarkMs = Math.min(watermarkMs, w);
    if (this.sinkWatermarks.size === 0) watermarkMs = Number.NEGATIVE_INFINITY;
    const operators: Record<string, OperatorMetrics> = {};
    for (const [id, m] of this.byOperator)
      operators[id] = { recordsIn: m.recordsIn, recordsOut: m.recordsOut, counters: { ...m.counters } };
    return {
      jobName: this.jobName,
      startedAtMs: this.startedAtMs,
      recordsIn: this.recordsIn,
      recordsOut: this.recordsOut,
      deadLetters: this.deadLetters,
      watermarkMs,
      operators,
      checkpoints: this.checkpoints,
    };
  }
}
