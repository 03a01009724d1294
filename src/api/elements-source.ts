import { batchOfValues } from '../core/record-batch.js';
import type { Source, SourceContext, SourceMessage, SourceReader } from '../core/source.js';

/** A bounded source over values held in memory (`env.fromElements`), emitted in batches, positions from 1. */
export class ElementsSource<T> implements Source<T> {
  readonly boundedness = 'bounded';

  constructor(
    private readonly values: readonly T[],
    readonly name = 'elements',
  ) {}

  createReader(ctx: SourceContext): SourceReader<T> {
    let next = 0;
    const values = this.values;
    const name = this.name;
    return {
      read: async (): Promise<SourceMessage<T>> => {
        if (next >= values.length) return { kind: 'end' };
        const chunk = values.slice(next, next + ctx.batchSize);
        const batch = batchOfValues(name, chunk, next + 1);
        next += chunk.length;
        return { kind: 'data', batch };
      },
    };
  }
}
