import type { DecodeOutput } from '../text/decoded-records.js';
import { NdjsonDecoder } from '../text/line-decoders.js';
import { LineSplitter } from '../text/line-splitter.js';
import { JsonArraySplitter } from './json-array-splitter.js';

/**
 * Turns one ingest request body into records as its chunks arrive, without holding more than the
 * records themselves and one unfinished line or element.
 *
 * Which format, from the Content-Type and then the body:
 * - `application/x-ndjson`, `application/ndjson`, `application/jsonl`, `application/x-jsonlines`:
 *   NDJSON, one JSON value per line (a line that is an array is one record).
 * - anything else (`application/json`, none, or curl's default form type): by the first byte that
 *   is not whitespace: `[` makes a JSON array of records, anything else NDJSON (so one JSON object
 *   is one record, and NDJSON sent as application/json works too).
 *
 * Positions: NDJSON lines are numbered from 1 (blank lines are skipped but keep their number), array
 * elements are indexed from 0. Bad items go to `output.reject` with their position; nothing throws.
 */
export type IngestBodyFormat = 'ndjson' | 'json-array';

const NDJSON_TYPES = new Set([
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/x-jsonlines',
  'application/jsonlines',
]);

/** The format a Content-Type fixes, or undefined when the body decides. */
export function formatOfContentType(contentType: string | undefined): IngestBodyFormat | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type !== undefined && NDJSON_TYPES.has(type) ? 'ndjson' : undefined;
}

interface FormatParser {
  push(chunk: Uint8Array): void;
  finish(): void;
}

export class IngestBodyParser {
  private parser: FormatParser | undefined;
  /** Leading whitespace (and a byte-order mark) held until the first byte that decides the format. */
  private held: Buffer[] = [];

  constructor(
    private readonly output: DecodeOutput<unknown>,
    private readonly maxRecordBytes: number,
    contentType?: string,
  ) {
    const fixed = formatOfContentType(contentType);
    if (fixed !== undefined) this.parser = this.create(fixed);
  }

  /** The format in use; undefined while the body has been whitespace only. */
  get format(): IngestBodyFormat | undefined {
    return this.parser instanceof JsonArraySplitter ? 'json-array' : this.parser && 'ndjson';
  }

  push(chunk: Uint8Array): void {
    if (this.parser !== undefined) {
      this.parser.push(chunk);
      return;
    }
    const first = firstSignificantByte(chunk, this.held.length === 0);
    if (first === -1) {
      this.held.push(Buffer.from(chunk));
      return;
    }
    this.parser = this.create(chunk[first] === 0x5b ? 'json-array' : 'ndjson');
    for (const part of this.held) this.parser.push(part);
    this.held = [];
    this.parser.push(chunk);
  }

  /** The body ended: a last line without a newline still counts; an unclosed array is rejected. */
  finish(): void {
    this.parser?.finish();
  }

  private create(format: IngestBodyFormat): FormatParser {
    if (format === 'json-array') return new JsonArraySplitter(this.output, this.maxRecordBytes);
    const decoder = new NdjsonDecoder(this.output);
    const splitter = new LineSplitter(decoder, this.maxRecordBytes);
    return {
      push: (chunk) => splitter.push(chunk),
      finish: () => {
        splitter.finish();
        decoder.end();
      },
    };
  }
}

/** Index of the first byte that is not JSON whitespace (or, at the body's start, a UTF-8 BOM); -1 if none. */
function firstSignificantByte(chunk: Uint8Array, atBodyStart: boolean): number {
  let i = 0;
  if (atBodyStart && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
  for (; i < chunk.length; i++) {
    const b = chunk[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return i;
  }
  return -1;
}
