import { setImmediate as nextTurn } from 'node:timers/promises';
import { recordBatch } from '../../core/record-batch.js';
import type { Source, SourceContext, SourceMessage, SourceReader } from '../../core/source.js';
import { parseConnectorConfig } from '../connector-config.js';
import {
  type DataGenSourceConfig,
  type DataGenSourceOptions,
  dataGenSourceSchema,
  meanIntervalMsOf,
} from './config.js';
import { RateLimiter } from './rate-limiter.js';
import {
  createWebAccessGenerator,
  type WebAccessEvent,
  type WebAccessGenerator,
} from './web-access-generator.js';

const END = { kind: 'end' } as const;

/** The split's resume state: how many events it had emitted. */
interface DataGenSplitState {
  readonly emitted: number;
}

const SPLIT = 'datagen';

/**
 * Web-access events from the seeded generator. Records carry their event timestamps and their
 * 1-based sequence number as position. One split, `datagen`, whose resume state is the number of
 * events emitted: a restored reader regenerates and skips that many (the sequence is a function of
 * the seed), so it continues with exactly the next event. With `ratePerSecond`, a token bucket on the job's clock
 * paces the reader (bursting at most one second's worth after a stall); without it, every read
 * returns a full batch and backpressure alone sets the pace.
 */
export function dataGenSource(options: DataGenSourceOptions = {}): Source<WebAccessEvent> {
  return dataGenSourceFromConfig(parseConnectorConfig('datagen', dataGenSourceSchema, options));
}

/** Builds the source from a validated config (the registry's entry point). */
export function dataGenSourceFromConfig(config: DataGenSourceConfig): Source<WebAccessEvent> {
  return {
    name: 'datagen',
    boundedness: config.count === undefined ? 'unbounded' : 'bounded',
    createReader: (ctx) => new DataGenReader(config, ctx),
  };
}

class DataGenReader implements SourceReader<WebAccessEvent> {
  private readonly generator: WebAccessGenerator;
  private readonly limiter: RateLimiter | undefined;
  private emitted = 0;

  constructor(
    private readonly config: DataGenSourceConfig,
    private readonly ctx: SourceContext,
  ) {
    this.generator = createWebAccessGenerator(config.seed, {
      startTimeMs: config.startTimeMs,
      meanIntervalMs: meanIntervalMsOf(config),
      maxOutOfOrderMs: config.maxOutOfOrderMs,
      clientCount: config.clientCount,
    });
    if (config.ratePerSecond !== undefined) this.limiter = new RateLimiter(ctx.clock, config.ratePerSecond);
    const restored = ctx.restoredSplits.get(SPLIT) as DataGenSplitState | undefined;
    if (restored !== undefined) {
      for (let i = 0; i < restored.emitted; i++) this.generator.next();
      this.emitted = restored.emitted;
    }
  }

  async read(): Promise<SourceMessage<WebAccessEvent>> {
    const { signal } = this.ctx;
    const remaining =
      this.config.count === undefined ? Number.POSITIVE_INFINITY : this.config.count - this.emitted;
    if (signal.aborted || remaining <= 0) return END;
    let n = Math.max(1, Math.min(this.ctx.batchSize, remaining));
    if (this.limiter) {
      n = await this.limiter.acquire(n, signal);
      if (n === 0) return END;
    } else {
      // Unthrottled reads resolve at once; yielding a turn lets I/O (a Ctrl-C, the progress line) run.
      await nextTurn();
      if (signal.aborted) return END;
    }
    const values = new Array<WebAccessEvent>(n);
    const timestampsMs = new Array<number>(n);
    const positions = new Array<number>(n);
    for (let i = 0; i < n; i++) {
      const event = this.generator.next();
      values[i] = event;
      timestampsMs[i] = event.timestampMs;
      positions[i] = this.emitted + i + 1;
    }
    this.emitted += n;
    const state: DataGenSplitState = { emitted: this.emitted };
    return { kind: 'data', batch: recordBatch(SPLIT, values, timestampsMs, positions), state };
  }
}
