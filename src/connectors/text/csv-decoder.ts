import { parse } from 'csv-parse/sync';
import { errorMessage } from '../../core/errors.js';
import type { DecodeOutput } from './decoded-records.js';
import type { CsvOptions, CsvRow } from './format-config.js';
import type { RecordDecoder } from './record-decoder.js';
import { overlongReason } from './record-decoder.js';

/**
 * CSV rows from numbered lines, field parsing by csv-parse.
 *
 * Lines are first grouped into records here: a record ends at a line end outside quotes, so a
 * quoted field may span lines and a record's position is the line it starts on. Complete records
 * wait until `flush()` (after each chunk) and are parsed by csv-parse in one call, which is several
 * times cheaper than one call per row; when that call fails (a malformed row), the records are
 * parsed one by one so only the bad ones are rejected. A row whose field count differs from the
 * header's is rejected with both counts. Empty lines between records are skipped.
 */
export class CsvDecoder implements RecordDecoder {
  private names: string[] | undefined;
  private expectHeader: boolean;
  private namesNeedDefine = false;

  /** The record being assembled: its lines, first line number, size, and quote state. */
  private lines: string[] = [];
  private startLine = 0;
  private bytes = 0;
  private inQuotes = false;

  /** Complete records waiting for `flush()`. */
  private texts: string[] = [];
  private starts: number[] = [];

  private readonly parseOptions: {
    delimiter: string;
    quote: string;
    trim: boolean;
    relax_column_count: true;
  };

  constructor(
    private readonly output: DecodeOutput<CsvRow>,
    private readonly options: CsvOptions,
    private readonly maxRecordBytes: number,
  ) {
    this.expectHeader = options.header;
    if (options.columns) this.setNames(options.columns);
    this.parseOptions = {
      delimiter: options.delimiter,
      quote: options.quote,
      trim: options.trim,
      relax_column_count: true,
    };
  }

  line(text: string, lineNumber: number): void {
    if (this.lines.length === 0) {
      if (text === '') return;
      this.startLine = lineNumber;
    }
    this.lines.push(text);
    this.bytes += text.length + 1;
    this.scanQuotes(text);
    if (!this.inQuotes) {
      this.texts.push(this.lines.length === 1 ? text : this.lines.join('\n'));
      this.starts.push(this.startLine);
      this.resetRecord();
    } else if (this.bytes > this.maxRecordBytes) {
      this.rejectOpenRecord(
        `quoted CSV field still open after ${this.bytes} bytes, longer than maxLineBytes`,
      );
    }
  }

  overlong(lineNumber: number, byteLength: number, preview: string): void {
    if (this.lines.length > 0) this.rejectOpenRecord(`CSV record broken by the over-long line ${lineNumber}`);
    this.output.reject(lineNumber, overlongReason(byteLength), preview);
  }

  flush(): void {
    const texts = this.texts;
    const starts = this.starts;
    if (texts.length === 0) return;
    this.texts = [];
    this.starts = [];
    let rows: string[][] | undefined;
    try {
      rows = parse(texts.join('\n'), this.parseOptions) as string[][];
    } catch {
      rows = undefined;
    }
    if (rows === undefined || rows.length !== texts.length) {
      for (let i = 0; i < texts.length; i++) this.parseOne(texts[i]!, starts[i]!);
      return;
    }
    for (let i = 0; i < rows.length; i++) this.emit(rows[i]!, texts[i]!, starts[i]!);
  }

  end(): void {
    if (this.lines.length > 0)
      this.rejectOpenRecord('quoted CSV field not closed before the end of the input');
    this.flush();
  }

  private parseOne(text: string, start: number): void {
    let rows: string[][];
    try {
      rows = parse(text, this.parseOptions) as string[][];
    } catch (e) {
      this.output.reject(start, `invalid CSV: ${errorMessage(e)}`, text);
      return;
    }
    const row = rows[0];
    if (rows.length !== 1 || row === undefined) {
      this.output.reject(start, `invalid CSV: expected one row, found ${rows.length}`, text);
      return;
    }
    this.emit(row, text, start);
  }

  private emit(fields: string[], text: string, start: number): void {
    if (this.expectHeader) {
      this.expectHeader = false;
      if (this.names === undefined) this.setNames(fields);
      return;
    }
    const names = this.names!;
    if (fields.length !== names.length) {
      this.output.reject(
        start,
        `expected ${names.length} CSV fields (as in the header), got ${fields.length}`,
        text,
      );
      return;
    }
    const row: CsvRow = {};
    if (this.namesNeedDefine) {
      for (let i = 0; i < names.length; i++) {
        Object.defineProperty(row, names[i]!, {
          value: fields[i],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    } else {
      for (let i = 0; i < names.length; i++) row[names[i]!] = fields[i]!;
    }
    this.output.record(row, start);
  }

  private setNames(names: string[]): void {
    this.names = names;
    // A column called `__proto__` must become an own property, not the row's prototype.
    this.namesNeedDefine = names.includes('__proto__');
  }

  /**
   * Follows RFC 4180 quoting across the line: a quote opens a field only at the field's start,
   * and inside a quoted field a doubled quote stands for itself.
   */
  private scanQuotes(text: string): void {
    const { quote, delimiter, trim } = this.options;
    if (!this.inQuotes && !text.includes(quote)) return;
    let atFieldStart = !this.inQuotes;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (this.inQuotes) {
        if (c !== quote) continue;
        if (text[i + 1] === quote) {
          i++;
        } else {
          this.inQuotes = false;
          atFieldStart = false;
        }
      } else if (c === quote && atFieldStart) {
        this.inQuotes = true;
      } else {
        atFieldStart = c === delimiter || (trim && atFieldStart && c === ' ');
      }
    }
  }

  private rejectOpenRecord(reason: string): void {
    this.output.reject(this.startLine, reason, this.lines.join('\n'));
    this.resetRecord();
  }

  private resetRecord(): void {
    this.lines = [];
    this.bytes = 0;
    this.inQuotes = false;
  }
}
