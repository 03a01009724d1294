import { errorMessage } from '../../core/errors.js';
import { CsvDecoder } from './csv-decoder.js';
import type { DecodeOutput } from './decoded-records.js';
import type { CsvOptions, CsvRow, FormatRecord, TextFormat } from './format-config.js';
import type { LineHandler } from './line-splitter.js';

/**
 * Turns numbered lines into records. One decoder per input (per file, per stdin, per socket
 * connection), because formats keep state: a CSV header, a quoted field spanning lines. Bad input
 * never throws: it goes to `output.reject` with the line number and a reason, and decoding goes on.
 */
export interface RecordDecoder extends LineHandler {
  /** Called after each chunk of input; decoders that batch work (CSV) do it here. */
  flush(): void;
  /** The input ended: anything still open (an unclosed CSV quote) is rejected, the rest flushed. */
  end(): void;
}

export function overlongReason(byteLength: number): string {
  return `line is ${byteLength} bytes, longer than maxLineBytes`;
}

/** `lines`: every line, empty ones included, is a string record. */
export class LinesDecoder implements RecordDecoder {
  constructor(private readonly output: DecodeOutput<string>) {}

  line(text: string, lineNumber: number): void {
    this.output.record(text, lineNumber);
  }

  overlong(lineNumber: number, byteLength: number, preview: string): void {
    this.output.reject(lineNumber, overlongReason(byteLength), preview);
  }

  flush(): void {}
  end(): void {}
}

/** `ndjson`: one JSON value per line; blank lines are skipped, unparseable ones rejected. */
export class NdjsonDecoder implements RecordDecoder {
  constructor(private readonly output: DecodeOutput<unknown>) {}

  line(text: string, lineNumber: number): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      if (text.trim() === '') return;
      this.output.reject(lineNumber, `invalid JSON: ${errorMessage(e)}`, text);
      return;
    }
    this.output.record(value, lineNumber);
  }

  overlong(lineNumber: number, byteLength: number, preview: string): void {
    this.output.reject(lineNumber, overlongReason(byteLength), preview);
  }

  flush(): void {}
  end(): void {}
}

/** Builds the decoder for `format`; `csv` options apply to the csv format only. */
export function createDecoder<F extends TextFormat>(
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
