import type { Writable } from 'node:stream';
import { inspect } from 'node:util';
import type { RecordBatch } from '../../core/record-batch.js';
import type { Sink, SinkWriter } from '../../core/sink.js';
import { parseConnectorConfig } from '../connector-config.js';
import { WritableText } from '../node-stream/writable-text.js';
import { type PrintSinkConfig, type PrintSinkSettings, printSinkSchema } from './config.js';

export interface PrintSinkOptions extends PrintSinkSettings {
  /** Write here instead of `target` (tests, a log file stream). The sink never closes it. */
  readonly stream?: Writable;
}

/**
 * Prints one line per record, like Flink's `print()`: strings as they are, everything else as
 * JSON (or, for values JSON cannot show, as `util.inspect` renders them). Honors the stream's
 * backpressure: when stdout is a slow pipe, `write` returns a promise that resolves on `drain`.
 */
export function printSink(options: PrintSinkOptions = {}): Sink<unknown> {
  const { stream, ...settings } = options;
  return printSinkFromConfig(parseConnectorConfig('print sink', printSinkSchema, settings), stream);
}

/** Builds the sink from a validated config (the registry's entry point). */
export function printSinkFromConfig(config: PrintSinkConfig, stream?: Writable): Sink<unknown> {
  const linePrefix = config.prefix === undefined ? '' : `${config.prefix}> `;
  return {
    name: config.prefix === undefined ? 'print' : `print:${config.prefix}`,
    createWriter: () =>
      new PrintSinkWriter(
        stream ?? (config.target === 'stderr' ? process.stderr : process.stdout),
        linePrefix,
      ),
  };
}

class PrintSinkWriter implements SinkWriter<unknown> {
  private readonly out: WritableText;

  constructor(
    stream: Writable,
    private readonly linePrefix: string,
  ) {
    this.out = new WritableText(stream);
  }

  write(batch: RecordBatch<unknown>): undefined | Promise<void> {
    if (batch.values.length === 0) return undefined;
    let text = '';
    for (const value of batch.values) text += `${this.linePrefix}${formatForPrint(value)}\n`;
    return this.out.write(text);
  }

  async flush(): Promise<void> {
    await this.out.settled();
  }
}

/** How the print sink shows one value. */
export function formatForPrint(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    const json = JSON.stringify(value);
    if (json !== undefined) return json;
  } catch {
    // Cycles and BigInts: fall through to inspect.
  }
  return inspect(value, { breakLength: Number.POSITIVE_INFINITY, depth: 4 });
}
