import type { FileHandle } from 'node:fs/promises';
import { open, stat } from 'node:fs/promises';
import { DecodedRecords } from '../text/decoded-records.js';
import type { FormatRecord, TextFormat } from '../text/format-config.js';
import { TextInput, type TextSettings } from '../text/text-input.js';

/** What a poll found out about a file since it was opened. */
export type FileChange = 'unchanged' | 'grown' | 'truncated' | 'replaced' | 'gone';

/**
 * One file a file source reads: an open handle, the byte offset read so far, and the decoding
 * state (line numbers, a partial last line, a CSV header). Reads go through positioned
 * `FileHandle.read` calls of one chunk each, only when the reader wants more records, so a big
 * file is never in memory and an idle job reads nothing.
 *
 * The handle stays bound to the file it opened (its inode), which is what `follow` needs: when
 * the path is renamed away by log rotation, the rest of the old file can still be read.
 */
export class TrackedFile<F extends TextFormat> {
  readonly origin: string;
  readonly records: DecodedRecords<FormatRecord[F]>;
  /** The last read hit the end; a poll that sees the file grow clears it. */
  atEnd = false;
  /** The path now names another file or none: read this one to its end, then close it. */
  retiring = false;
  /** After a restore: records up to this line were processed by the earlier run and are skipped. */
  skipThroughLine = 0;
  private input: TextInput<F>;
  private handle: FileHandle | undefined;
  private inode = -1;
  private device = -1;
  private offset = 0;

  constructor(
    readonly path: string,
    private readonly settings: TextSettings<F>,
    onReject: (position: number, reason: string, raw: string) => void,
  ) {
    this.origin = `file:${path}`;
    this.records = new DecodedRecords(onReject);
    this.input = new TextInput(settings, this.records);
  }

  get isOpen(): boolean {
    return this.handle !== undefined;
  }

  /**
   * Reads the next chunk into `buffer` and decodes it; returns the bytes read, 0 at the end.
   * Opens the file on first use. Throws when it cannot be opened or read.
   */
  async readChunk(buffer: Buffer): Promise<number> {
    if (this.handle === undefined) await this.open();
    const { bytesRead } = await this.handle!.read(buffer, 0, buffer.length, this.offset);
    if (bytesRead === 0) {
      this.atEnd = true;
      return 0;
    }
    this.offset += bytesRead;
    this.input.push(buffer.subarray(0, bytesRead));
    return bytesRead;
  }

  /** Compares the path on disk with the open file; only meaningful once open. */
  async check(): Promise<FileChange> {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(this.path);
    } catch {
      return 'gone';
    }
    if (info.ino !== this.inode || info.dev !== this.device) return 'replaced';
    if (info.size < this.offset) return 'truncated';
    if (info.size > this.offset) return 'grown';
    return 'unchanged';
  }

  /** The file was truncated in place: read it again from the start, numbering lines from 1. */
  restart(): void {
    this.input.abandon('file truncated before this line was complete');
    this.input = new TextInput(this.settings, this.records);
    this.offset = 0;
    this.atEnd = false;
  }

  /** No more bytes will come: a last line without a newline becomes a record too. */
  finish(): void {
    this.input.finish();
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private async open(): Promise<void> {
    const handle = await open(this.path, 'r');
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new Error(`${this.path} is not a regular file`);
      this.inode = info.ino;
      this.device = info.dev;
    } catch (e) {
      await handle.close();
      throw e;
    }
    this.handle = handle;
  }
}
