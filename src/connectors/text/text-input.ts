import { CsvDecoder } from './csv-decoder.js';
import type { DecodedRecords, DecodeOutput } from './decoded-records.js';
import type { CsvOptions, CsvRow, FormatRecord, TextFormat } from './format-config.js';
import { LinesDecoder, NdjsonDecoder } from './line-decoders.js';
import { LineSplitter } from './line-splitter.js';
import type { RecordDecoder } from './record-decoder.js';

/** How a line-oriented source turns bytes into records; parsed from each connector's config. */
export interface TextSettings<F extends TextFormat = TextFormat> {
  readonly format: F;
  readonly csv: CsvOptions;
  readonly maxLineBytes: number;
}

/**
 * The decoding pipeline of one input (one file, stdin, one socket connection): bytes -> numbered
 * lines -> records in `records`, bad lines to the dead-letter output. Readers feed it chunks as
 * they pull them; everything a chunk completes is in `records` when `push` returns.
 */
export class TextInput<F extends TextFormat> {
  private readonly splitter: LineSplitter;
  private readonly decoder: RecordDecoder;

  constructor(
    settings: TextSettings<F>,
    readonly records: DecodedRecords<FormatRecord[F]>,
    firstLineNumber = 1,
  ) {
    this.decoder = createDecoder(settings.format, records, settings.csv, settings.maxLineBytes);
    this.splitter = new LineSplitter(this.decoder, settings.maxLineBytes, firstLineNumber);
  }

  /** Number of the last line read so far. */
  get lineNumber(): number {
    return this.splitter.lineNumber;
  }

  /** Bytes of a line that has started but not ended yet. */
  get pendingBytes(): number {
    return this.splitter.pendingBytes;
  }

  push(chunk: Uint8Array): void {
    this.splitter.push(chunk);
    this.decoder.flush();
  }

  /** Clean end of input: a last line without a newline still counts. */
  finish(): void {
    this.splitter.finish();
    this.decoder.end();
  }

  /**
   * The input broke off (connection reset, file truncated): an unfinished line is not a line, so it
   * goes to the dead-letter output with `reason` instead of becoming a record.
   */
  abandon(reason: string): void {
    const partial = this.splitter.discardPending();
    if (partial !== undefined) this.records.reject(this.splitter.lineNumber, reason, partial);
    this.decoder.end();
  }
}

/** Builds the decoder for `format`; `csv` options apply to the csv format only. */
function createDecoder<F extends TextFormat>(
  format: F,
  output: DecodeOutput<FormatRecord[F]>,
  csv: CsvOptions,
  maxRecordBytes: number,
): RecordDecoder {
  switch (format) {
    case 'lines':
      return new LinesDecoder(output as DecodeOutput<string>);
    case 'ndjson':
      return new NdjsonDecoder(output);
    case 'csv':
      return new CsvDecoder(output as DecodeOutput<CsvRow>, csv, maxRecordBytes);
  }
  throw new Error(`unknown text format: ${String(format)}`);
}
