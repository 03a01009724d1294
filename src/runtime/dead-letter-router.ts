import type { Clock } from '../core/clock.js';
import { DEAD_LETTERS, type DeadLetter } from '../core/dead-letter.js';
import { formatPosition } from '../core/errors.js';
import { redactText } from '../core/redact.js';
import { batchOfValues } from '../core/record-batch.js';
import type { SinkWriter } from '../core/sink.js';
import type { InstanceOutput } from './instance-output.js';
import { addToCounter, type JobMetrics } from './job-metrics.js';

const MAX_DEAD_LETTER_SAMPLES = 100;
const LOGGED_DEAD_LETTERS = 10;

/** A dead letter as an operator, source or sink reports it; the router adds who and when. */
export interface ReportedDeadLetter {
  readonly origin: string;
  readonly position: number;
  readonly reason: string;
  readonly record: unknown;
}

/**
 * The job's one dead-letter route. Every bad record, whoever found it (a source's decoder, an
 * operator's user code, a sink's target), comes through `route`: it is counted once, then goes to
 * a stream reading that operator's DEAD_LETTERS side output if there is one, else to the job's
 * dead-letter sink (the CLI's `--dead-letters file`), else to the log (first 10) and the samples in
 * the job result (first 100). Buffered letters are written by `flush`, which the task loop calls
 * after every message and the lifecycle calls again after the sinks' final flush, so letters a
 * sink reports while flushing reach the destination too.
 */
export class DeadLetterRouter {
  private buffer: DeadLetter[] = [];
  readonly samples: DeadLetter[] = [];
  writer: SinkWriter<DeadLetter> | undefined;

  constructor(
    private readonly metrics: JobMetrics,
    private readonly clock: Clock,
    private readonly log: (line: string) => void,
  ) {}

  get pending(): number {
    return this.buffer.length;
  }

  route(nodeId: string, output: InstanceOutput | undefined, reported: ReportedDeadLetter): void {
    // A reason can quote a URL or a header from an error message: never let a credential through.
    const letter: DeadLetter = {
      ...reported,
      reason: redactText(reported.reason),
      operatorId: nodeId,
      rejectedAtMs: this.clock.nowMs(),
    };
    this.metrics.deadLetters++;
    addToCounter(this.metrics.operator(nodeId), 'deadLetters');
    if (output?.hasSide(DEAD_LETTERS.id)) {
      output.emitSide(DEAD_LETTERS, batchOfValues(letter.origin, [letter], letter.position));
      return;
    }
    this.buffer.push(letter);
  }

  /** Writes what was buffered to the dead-letter sink, or logs and samples it. */
  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const letters = this.buffer;
    this.buffer = [];
    if (this.writer !== undefined) {
      await this.writer.write(batchOfValues('dead-letters', letters, 0));
      return;
    }
    for (const l of letters) {
      if (this.samples.length < MAX_DEAD_LETTER_SAMPLES) this.samples.push(l);
      if (this.samples.length <= LOGGED_DEAD_LETTERS && this.samples[this.samples.length - 1] === l) {
        this.log(`dead letter from ${l.operatorId} (${formatPosition(l)}): ${l.reason}`);
      }
    }
    const total = this.metrics.deadLetters;
    if (total > LOGGED_DEAD_LETTERS && total - letters.length < LOGGED_DEAD_LETTERS + 1) {
      this.log('more dead letters follow; counting them (configure a dead-letter sink to keep them all)');
    }
  }

  /** Flushes the buffer and the dead-letter sink itself (end of job, before snapshots). */
  async flushAll(): Promise<void> {
    await this.flush();
    await this.writer?.flush?.();
  }
}
