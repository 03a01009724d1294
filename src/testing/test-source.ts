import { type RecordBatch, recordBatch } from '../core/record-batch.js';
import type { Source, SourceContext, SourceMessage, SourceReader } from '../core/source.js';
import type { ManualClock } from '../time/manual-clock.js';

/**
 * One scripted step of a test source. `advanceClock` first waits until everything emitted so far
 * went through the whole job, then moves the manual clock: processing-time behaviour becomes
 * deterministic without sleeping.
 */
export type TestStep<T> =
  | {
      readonly kind: 'records';
      readonly values: readonly T[];
      readonly timestampsMs: readonly number[] | undefined;
    }
  | { readonly kind: 'watermark'; readonly timestampMs: number }
  | { readonly kind: 'idle'; readonly idle: boolean }
  | { readonly kind: 'advanceClock'; readonly deltaMs: number };

export const steps = {
  /** Records without timestamps (assign them downstream, or use processing time). */
  records: <T>(...values: T[]): TestStep<T> => ({ kind: 'records', values, timestampsMs: undefined }),
  /** Records with explicit event timestamps: `timestamped([value, tsMs], ...)`. */
  timestamped: <T>(...pairs: Array<readonly [T, number]>): TestStep<T> => ({
    kind: 'records',
    values: pairs.map((p) => p[0]),
    timestampsMs: pairs.map((p) => p[1]),
  }),
  watermark: <T>(timestampMs: number): TestStep<T> => ({ kind: 'watermark', timestampMs }),
  idle: <T>(idle = true): TestStep<T> => ({ kind: 'idle', idle }),
  advanceClock: <T>(deltaMs: number): TestStep<T> => ({ kind: 'advanceClock', deltaMs }),
};

export interface TestSourceOptions {
  readonly name?: string;
  /** Needed by `advanceClock` steps. */
  readonly clock?: ManualClock;
  /** After the last step: `end` (a bounded source, the default) or `hold` (stay open until the job stops). */
  readonly after?: 'end' | 'hold';
}

/**
 * A source that replays a script of records, explicit watermarks, idleness changes and clock
 * advances, for tests of event time and processing time.
 */
export class TestSource<T> implements Source<T> {
  readonly name: string;
  readonly boundedness;
  /** Resolves once the whole script was read and went through the job (for tests of jobs that never end). */
  readonly done: Promise<void>;
  private markDone: () => void = () => {};

  constructor(
    private readonly script: readonly TestStep<T>[],
    private readonly options: TestSourceOptions = {},
  ) {
    this.name = options.name ?? 'test';
    this.boundedness = options.after === 'hold' ? ('unbounded' as const) : ('bounded' as const);
    this.done = new Promise((resolve) => {
      this.markDone = resolve;
    });
  }

  createReader(ctx: SourceContext): SourceReader<T> {
    let index = 0;
    let position = 1;
    const { script, options, name } = this;
    const markDone = () => this.markDone();
    return {
      async read(): Promise<SourceMessage<T>> {
        for (;;) {
          const step = script[index++];
          if (step === undefined) {
            await ctx.drained();
            markDone();
            if (options.after === 'hold' && !ctx.signal.aborted) {
              await new Promise<void>((resolve) =>
                ctx.signal.addEventListener('abort', () => resolve(), { once: true }),
              );
            }
            return { kind: 'end' };
          }
          switch (step.kind) {
            case 'records': {
              const n = step.values.length;
              const positions = Array.from({ length: n }, (_, i) => position + i);
              position += n;
              const ts = step.timestampsMs ?? new Array<number>(n).fill(Number.NaN);
              const batch: RecordBatch<T> = recordBatch(name, step.values, ts, positions);
              return { kind: 'data', batch };
            }
            case 'watermark':
              return { kind: 'watermark', timestampMs: step.timestampMs };
            case 'idle':
              return { kind: 'idle', idle: step.idle };
            case 'advanceClock': {
              if (options.clock === undefined)
                throw new Error('advanceClock steps need TestSource({ clock: manualClock })');
              await ctx.drained();
              options.clock.advance(step.deltaMs);
              // Give the job a turn to fire what became due before the next step is read.
              await new Promise<void>((resolve) => setImmediate(resolve));
              await ctx.drained();
              continue;
            }
          }
        }
      },
    };
  }
}
