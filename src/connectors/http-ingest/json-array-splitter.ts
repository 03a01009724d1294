import { errorMessage } from '../../core/errors.js';
import type { DecodeOutput } from '../text/decoded-records.js';

/**
 * Splits a JSON array body (`[{...}, {...}]`) into its elements as the bytes arrive, and parses each
 * element on its own, so one bad element is rejected alone and the elements after it still count:
 * a streaming JSON parser stops at the first syntax error, and JSON.parse of the whole body would
 * reject every record for one typo.
 *
 * Element positions are 0-based indexes in the array. The splitter tracks only what it needs to
 * find the top-level commas: string literals (with escapes) and bracket depth. Whatever lies between
 * two top-level commas is handed to JSON.parse, which decides validity, so the splitter never
 * accepts invalid JSON. Elements are kept as bytes and decoded as UTF-8 whole, so a character split
 * across two chunks decodes correctly. An element past `maxElementBytes` stops being kept (a preview
 * is) and is rejected. The caller has checked that the body starts with `[` (after whitespace).
 */

const OPEN_ARRAY = 0x5b; // [
const CLOSE_ARRAY = 0x5d; // ]
const OPEN_OBJECT = 0x7b; // {
const CLOSE_OBJECT = 0x7d; // }
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const PREVIEW_BYTES = 256;

function isJsonWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

type Phase = 'before-array' | 'in-array' | 'after-array';

export class JsonArraySplitter {
  private phase: Phase = 'before-array';
  /** Index of the element being read. */
  private index = 0;
  private depth = 0;
  private inString = false;
  private escaped = false;
  private parts: Buffer[] = [];
  private partBytes = 0;
  /** Bytes of the current element, including those no longer kept once it grew too long. */
  private elementBytes = 0;
  /** Non-whitespace bytes seen in the current element (an empty slot is `[1,,2]`). */
  private elementHasContent = false;
  private trailingReported = false;

  constructor(
    private readonly output: DecodeOutput<unknown>,
    private readonly maxElementBytes: number,
  ) {}

  push(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0; // first byte of the current element within buf
    for (let i = 0; i < buf.length; i++) {
      const byte = buf[i] as number;
      if (this.phase === 'before-array') {
        if (byte === OPEN_ARRAY) {
          this.phase = 'in-array';
          start = i + 1;
        }
        continue; // whitespace or a byte-order mark (the caller sniffed the `[`)
      }
      if (this.phase === 'after-array') {
        if (!isJsonWhitespace(byte) && !this.trailingReported) {
          this.trailingReported = true;
          this.output.reject(this.index, 'text after the closing ] of the array', preview(buf, i));
        }
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (byte === BACKSLASH) this.escaped = true;
        else if (byte === QUOTE) this.inString = false;
        continue;
      }
      if (byte === QUOTE) {
        this.inString = true;
        this.elementHasContent = true;
      } else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
        this.depth++;
        this.elementHasContent = true;
      } else if ((byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) && this.depth > 0) {
        this.depth--;
      } else if (this.depth === 0 && (byte === COMMA || byte === CLOSE_ARRAY)) {
        this.keep(buf.subarray(start, i));
        const closing = byte === CLOSE_ARRAY;
        // `[]` and `[ ]` have no element; `[1,]` has an empty slot, which is rejected.
        if (!(closing && this.index === 0 && !this.elementHasContent)) this.endElement();
        start = i + 1;
        if (closing) {
          this.phase = 'after-array';
          start = buf.length;
        }
      } else if (!isJsonWhitespace(byte)) {
        this.elementHasContent = true;
      }
    }
    if (this.phase === 'in-array') this.keep(buf.subarray(start));
  }

  /** The body ended. An element cut off by the end (no closing `]`) is rejected, not guessed at. */
  finish(): void {
    if (this.phase === 'before-array') return;
    if (this.phase === 'in-array') {
      this.output.reject(this.index, 'the body ended before the array was closed with ]', this.text());
      this.reset();
      this.phase = 'after-array';
    }
  }

  private keep(segment: Buffer): void {
    if (segment.length === 0) return;
    this.elementBytes += segment.length;
    if (this.partBytes >= this.maxElementBytes) {
      if (this.partBytes < PREVIEW_BYTES) this.store(segment.subarray(0, PREVIEW_BYTES - this.partBytes));
      return;
    }
    this.store(segment);
  }

  private store(segment: Buffer): void {
    this.parts.push(Buffer.from(segment)); // a copy: the caller may reuse its chunk
    this.partBytes += segment.length;
  }

  private endElement(): void {
    const at = this.index++;
    if (this.elementBytes > this.maxElementBytes) {
      const text = this.text().slice(0, PREVIEW_BYTES);
      this.output.reject(at, `element is ${this.elementBytes} bytes, longer than maxRecordBytes`, text);
    } else if (!this.elementHasContent) {
      this.output.reject(at, 'empty array element', this.text());
    } else {
      const text = this.text();
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        this.output.reject(at, `invalid JSON: ${errorMessage(e)}`, text.trim());
        this.reset();
        return;
      }
      this.output.record(value, at);
    }
    this.reset();
  }

  private text(): string {
    return Buffer.concat(this.parts, this.partBytes).toString('utf8');
  }

  private reset(): void {
    this.parts = [];
    this.partBytes = 0;
    this.elementBytes = 0;
    this.elementHasContent = false;
    this.depth = 0;
    this.inString = false;
    this.escaped = false;
  }
}

function preview(buf: Buffer, from: number): string {
  return buf.toString('utf8', from, Math.min(buf.length, from + PREVIEW_BYTES));
}
