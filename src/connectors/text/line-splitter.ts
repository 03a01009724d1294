/**
 * Splits a byte stream into numbered text lines, for every line-oriented reader (files, stdin,
 * sockets). Lines end at `\n`; a `\r` before it is dropped, so `\r\n` files read the same. Bytes
 * are decoded as UTF-8 one whole line at a time, so a character split across two chunks decodes
 * correctly. A byte-order mark at the start of line 1 is dropped (spreadsheet exports have one).
 *
 * Memory is bounded by `maxLineBytes`: once a line grows past it, the splitter stops keeping its
 * bytes, counts the rest until the next `\n`, and reports the line as over-long (with a short
 * preview) instead of as text. Over-long lines keep their line number, so positions stay true.
 */

/** Default cap on one line (1 MiB): far above any sane log line, far below an accidental binary file. */
export const DEFAULT_MAX_LINE_BYTES = 1_048_576;

/** How many leading bytes of an over-long line are kept for the dead letter. */
export const OVERLONG_PREVIEW_BYTES = 256;

/** Receives the lines, in order. Implemented by the record decoders. */
export interface LineHandler {
  line(text: string, lineNumber: number): void;
  overlong(lineNumber: number, byteLength: number, preview: string): void;
}

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const BYTE_ORDER_MARK = '\uFEFF';

export class LineSplitter {
  /** Number of the last line handed out; the next one is `lineNumber + 1`. */
  lineNumber: number;
  /** Bytes of the current, unfinished line (copies: callers may reuse their chunk buffers). */
  private parts: Buffer[] = [];
  private partBytes = 0;
  /** -1 while the current line is within bounds; otherwise how long it has grown so far. */
  private overlongBytes = -1;
  private overlongPreview = '';

  constructor(
    private readonly handler: LineHandler,
    private readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
    firstLineNumber = 1,
  ) {
    this.lineNumber = firstLineNumber - 1;
  }

  /** Bytes held for a line that has not ended yet. */
  get pendingBytes(): number {
    return this.overlongBytes >= 0 ? this.overlongBytes : this.partBytes;
  }

  /** Feeds the next chunk; every line it completes goes to the handler before this returns. */
  push(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    const n = buf.length;
    while (start < n) {
      const nl = buf.indexOf(NEWLINE, start);
      if (nl === -1) {
        if (this.overlongBytes >= 0) this.overlongBytes += n - start;
        else this.keep(buf.subarray(start, n));
        return;
      }
      if (this.overlongBytes >= 0) {
        this.overlongBytes += nl - start;
      } else if (this.partBytes === 0) {
        // Fast path: the whole line is inside this chunk, decode it in place.
        const contentEnd = nl > start && buf[nl - 1] === CARRIAGE_RETURN ? nl - 1 : nl;
        if (contentEnd - start <= this.maxLineBytes) {
          this.emit(buf.toString('utf8', start, contentEnd));
          start = nl + 1;
          continue;
        }
        this.startOverlong(buf.subarray(start, contentEnd), contentEnd - start);
      } else {
        this.keep(buf.subarray(start, nl));
      }
      this.endLine();
      start = nl + 1;
    }
  }

  /** The input ended: a last line without a trailing newline is handed out too. */
  finish(): void {
    if (this.partBytes > 0 || this.overlongBytes >= 0) this.endLine();
  }

  /**
   * Gives up on the unfinished line (the file under it was truncated or the connection dropped):
   * returns what it held as text, or undefined when nothing was pending. A discarded line still
   * uses up its line number, so no later line takes its position.
   */
  discardPending(): string | undefined {
    let text: string | undefined;
    if (this.overlongBytes >= 0) text = this.overlongPreview;
    else if (this.partBytes > 0) text = Buffer.concat(this.parts, this.partBytes).toString('utf8');
    if (text !== undefined) this.lineNumber++;
    this.parts = [];
    this.partBytes = 0;
    this.overlongBytes = -1;
    this.overlongPreview = '';
    return text;
  }

  /** Keeps part of an unfinished line, switching to over-long mode once it cannot fit any more. */
  private keep(segment: Buffer): void {
    // One extra byte allowed: it may be the `\r` of a `\r\n` that arrives in the next chunk.
    if (this.partBytes + segment.length > this.maxLineBytes + 1) {
      const total = this.partBytes + segment.length;
      this.startOverlong(Buffer.concat([...this.parts, segment]), total);
      this.parts = [];
      this.partBytes = 0;
      return;
    }
    if (segment.length > 0) {
      this.parts.push(Buffer.from(segment));
      this.partBytes += segment.length;
    }
  }

  private startOverlong(head: Buffer, byteLength: number): void {
    this.overlongPreview = head.toString('utf8', 0, Math.min(head.length, OVERLONG_PREVIEW_BYTES));
    this.overlongBytes = byteLength;
  }

  /** The `\n` (or end of input) closing the current line was reached. */
  private endLine(): void {
    if (this.overlongBytes >= 0) {
      const bytes = this.overlongBytes;
      const preview = this.overlongPreview;
      this.overlongBytes = -1;
      this.overlongPreview = '';
      this.handler.overlong(++this.lineNumber, bytes, preview);
      return;
    }
    let line = Buffer.concat(this.parts, this.partBytes);
    this.parts = [];
    this.partBytes = 0;
    if (line.length > 0 && line[line.length - 1] === CARRIAGE_RETURN)
      line = line.subarray(0, line.length - 1);
    if (line.length > this.maxLineBytes) {
      this.startOverlong(line, line.length);
      this.endLine();
      return;
    }
    this.emit(line.toString('utf8'));
  }

  private emit(text: string): void {
    const lineNumber = ++this.lineNumber;
    if (lineNumber === 1 && text.startsWith(BYTE_ORDER_MARK)) text = text.slice(1);
    this.handler.line(text, lineNumber);
  }
}
