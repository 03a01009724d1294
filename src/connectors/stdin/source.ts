import type { Readable } from 'node:stream';
import type { Source, SourceContext, SourceMessage, SourceReader } from '../../core/source.js';
import { parseConnectorConfig } from '../connector-config.js';
import { ReadableChunks } from '../node-stream/readable-chunks.js';
import { DecodedRecords } from '../text/decoded-records.js';
import type { FormatRecord, TextFormat } from '../text/format-config.js';
import { TextInput } from '../text/text-input.js';
import { type StdinSourceConfig, type StdinSourceSettings, stdinSourceSchema } from './config.js';

export interface StdinSourceOptions extends StdinSourceSettings {
  /** Read this instead of `process.stdin` (tests, a child process's output). The reader destroys it on close. */
  readonly stream?: Readable;
}

const END = { kind: 'end' } as const;
const ORIGIN = 'stdin';

/**
 * Lines, NDJSON or CSV from standard input, numbered from line 1; bounded: it ends when the input
 * does (`cat access.log | sluice run job.ts`), or when the job stops. Standard input is read only
 * while the runtime asks for records, so a slow job makes the writing process wait on the pipe.
 */
export function stdinSource(options?: StdinSourceOptions & { format?: 'lines' }): Source<string>;
export function stdinSource(options: StdinSourceOptions & { format: 'ndjson' }): Source<unknown>;
export function stdinSource(options: StdinSourceOptions & { format: 'csv' }): Source<FormatRecord['csv']>;
export function stdinSource(options?: StdinSourceOptions): Source<unknown>;
export function stdinSource(options: StdinSourceOptions = {}): Source<unknown> {
  const { stream, ...settings } = options;
  return stdinSourceFromConfig(parseConnectorConfig('stdin source', stdinSourceSchema, settings), stream);
}

/** Builds the source from a validated config (the registry's entry point). */
export function stdinSourceFromConfig(config: StdinSourceConfig, stream?: Readable): Source<unknown> {
  return {
    name: ORIGIN,
    boundedness: 'bounded',
    createReader: (ctx) => new StdinReader(config, stream ?? process.stdin, ctx),
  };
}

class StdinReader<F extends TextFormat> implements SourceReader<FormatRecord[F]> {
  private readonly chunks: ReadableChunks;
  private readonly records: DecodedRecords<FormatRecord[F]>;
  private readonly input: TextInput<F>;
  private finished = false;

  constructor(
    config: StdinSourceConfig,
    stream: Readable,
    private readonly ctx: SourceContext,
  ) {
    this.chunks = new ReadableChunks(stream);
    this.records = new DecodedRecords((position, reason, record) =>
      ctx.deadLetter({ position, reason, record }),
    );
    this.input = new TextInput(
      { format: config.format as F, csv: config.csv, maxLineBytes: config.maxLineBytes },
      this.records,
    );
  }

  async read(): Promise<SourceMessage<FormatRecord[F]>> {
    const { signal, batchSize } = this.ctx;
    for (;;) {
      if (signal.aborted) return END;
      if (this.records.length > 0) {
        // Take what is already buffered, but never wait for more while records are ready.
        for (let chunk = this.chunks.readNow(); chunk !== null; chunk = this.chunks.readNow()) {
          this.input.push(chunk);
          if (this.records.length >= batchSize) break;
        }
        return { kind: 'data', batch: this.records.take(ORIGIN, batchSize)! };
      }
      if (this.finished) return END;
      const chunk = await this.chunks.next(signal);
      if (chunk !== null) {
        this.input.push(chunk);
      } else if (!signal.aborted) {
        this.input.finish();
        this.finished = true;
      }
    }
  }

  async close(): Promise<void> {
    this.records.clear();
    this.chunks.destroy();
  }
}
