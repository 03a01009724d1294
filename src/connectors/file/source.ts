import { ConfigError, errorMessage, SluiceError } from '../../core/errors.js';
import { type RecordBatch, withoutRows } from '../../core/record-batch.js';
import type { Source, SourceContext, SourceMessage, SourceReader } from '../../core/source.js';
import { parseConnectorConfig } from '../connector-config.js';
import type { FormatRecord, TextFormat } from '../text/format-config.js';
import type { TextSettings } from '../text/text-input.js';
import { type FileSourceConfig, type FileSourceOptions, fileSourceSchema } from './config.js';
import { FileList } from './file-list.js';
import { TrackedFile } from './tracked-file.js';

/** Bytes per positioned read: large enough for few syscalls, small enough to bound what one read decodes. */
const CHUNK_BYTES = 64 * 1024;

/** A file split's resume state: the position (line) of the last record the job processed. */
export interface FileSplitState {
  readonly line: number;
}
const END = { kind: 'end' } as const;

/**
 * Reads a file, a directory or a glob of files, line by line, as `lines`, `ndjson` or `csv`.
 *
 * `once` reads the matching files one after another in sorted order and ends. `follow` reads them
 * and then keeps polling on the job clock every `pollIntervalMs`: growth is read, a file truncated
 * in place is read again from its start, a file rotated away (renamed or deleted) is read to its
 * end before the new file at its path is read from the start, and new files matching the glob are
 * picked up. A partial last line waits for its newline in `follow` mode.
 *
 * Records carry their 1-based line number as position (for CSV, the line the row starts on) and
 * `file:<absolute path>` as origin; a batch never mixes files. Bad lines go to the dead-letter
 * output with their line number and a reason, their origin naming the file.
 *
 * Sources v2: each file is a split (named by its origin). A data message's resume state is
 * `{ line }`, the position of its last record; a restored reader decodes the file again from its
 * start and skips the records up to that line. Re-decoding rather than seeking to a byte offset is
 * deliberate: what a line means depends on what came before it (a CSV header, a quoted field that
 * spans lines, a partial last line), and skipping keeps that exact. The reader announces files as
 * `splits` (added when first tracked, finished when read to the end for good), so per-file
 * watermarks (`fromSource(fileSource(...), { watermarks })`) know which files are active.
 */
export function fileSource(path: string, options?: FileSourceOptions & { format?: 'lines' }): Source<string>;
export function fileSource(path: string, options: FileSourceOptions & { format: 'ndjson' }): Source<unknown>;
export function fileSource(
  path: string,
  options: FileSourceOptions & { format: 'csv' },
): Source<FormatRecord['csv']>;
export function fileSource(path: string, options?: FileSourceOptions): Source<unknown>;
export function fileSource(path: string, options: FileSourceOptions = {}): Source<unknown> {
  return fileSourceFromConfig(parseConnectorConfig('file source', fileSourceSchema, { ...options, path }));
}

/** Builds the source from a validated config (the registry's entry point). */
export function fileSourceFromConfig(config: FileSourceConfig): Source<unknown> {
  const files = new FileList(config.path);
  return {
    name: `file:${files.pattern}`,
    boundedness: config.mode === 'once' ? 'bounded' : 'unbounded',
    createReader: (ctx) => new FileSourceReader(config, files, ctx),
  };
}

class FileSourceReader<F extends TextFormat> implements SourceReader<FormatRecord[F]> {
  private readonly settings: TextSettings<F>;
  /** Files in reading order; a retiring file comes before the new file at its path. */
  private files: TrackedFile<F>[] = [];
  private started = false;
  private nextPollMs = 0;
  private readonly buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  /** Split changes not yet announced to the runtime (files found, files done). */
  private added: string[] = [];
  private finished: string[] = [];

  constructor(
    private readonly config: FileSourceConfig,
    private readonly list: FileList,
    private readonly ctx: SourceContext,
  ) {
    this.settings = { format: config.format as F, csv: config.csv, maxLineBytes: config.maxLineBytes };
  }

  async read(): Promise<SourceMessage<FormatRecord[F]>> {
    const { signal, clock } = this.ctx;
    if (!this.started) await this.start();
    for (;;) {
      if (signal.aborted) return END;
      const batch = await this.nextBatch();
      const splits = this.takeSplitChanges();
      if (splits !== undefined) {
        // Announce before the data; the batch is handed out by the next read.
        if (batch) this.pending = batch;
        return splits;
      }
      if (batch) return dataMessage(batch);
      if (this.config.mode === 'once') return END;
      if (clock.nowMs() < this.nextPollMs) {
        await clock.sleepUntil(this.nextPollMs, signal);
        if (signal.aborted) return END;
      }
      await this.poll();
      this.nextPollMs = clock.nowMs() + this.config.pollIntervalMs;
    }
  }

  async close(): Promise<void> {
    const files = this.files;
    this.files = [];
    await Promise.all(files.map((f) => f.close()));
  }

  private async start(): Promise<void> {
    this.started = true;
    const paths = await this.list.expand();
    if (paths.length === 0) {
      if (this.config.mode === 'once')
        throw new ConfigError(`file source: nothing matches ${this.list.pattern}`);
      this.ctx.log(`no file matches ${this.list.pattern} yet; waiting for one`);
    }
    this.files = paths.map((p) => this.track(p));
    this.nextPollMs = this.ctx.clock.nowMs() + this.config.pollIntervalMs;
  }

  private pending: RecordBatch<FormatRecord[F]> | undefined;

  private takeSplitChanges(): SourceMessage<FormatRecord[F]> | undefined {
    if (this.added.length === 0 && this.finished.length === 0) return undefined;
    const message = {
      kind: 'splits' as const,
      ...(this.added.length > 0 ? { added: this.added } : {}),
      ...(this.finished.length > 0 ? { finished: this.finished } : {}),
    };
    this.added = [];
    this.finished = [];
    return message;
  }

  /** The next batch of the first file, in order, that has records or unread bytes. */
  private async nextBatch(): Promise<RecordBatch<FormatRecord[F]> | undefined> {
    if (this.pending !== undefined) {
      const batch = this.pending;
      this.pending = undefined;
      return batch;
    }
    const { batchSize } = this.ctx;
    let i = 0;
    while (i < this.files.length) {
      const file = this.files[i]!;
      while (file.records.length < batchSize && !file.atEnd) await this.readChunk(file);
      let batch = skipRestored(file, file.records.take(file.origin, batchSize));
      if (batch) return batch;
      if (file.records.length > 0) continue; // everything taken was skipped; read on
      if (this.config.mode === 'follow' && !file.retiring) {
        i++;
        continue;
      }
      // This file is done for good: its last line (without newline) may still make a record.
      file.finish();
      batch = skipRestored(file, file.records.take(file.origin, batchSize));
      if (file.records.length > 0) {
        if (batch) return batch;
        continue;
      }
      this.files.splice(i, 1);
      await file.close();
      if (!file.retiring) this.finished.push(file.origin);
      if (batch) return batch;
    }
    return undefined;
  }

  private async readChunk(file: TrackedFile<F>): Promise<void> {
    try {
      await file.readChunk(this.buffer);
    } catch (e) {
      if (this.config.mode === 'once')
        throw new SluiceError(`file source: cannot read ${file.path}: ${errorMessage(e)}`);
      // In follow mode a file can vanish between a poll and a read; the next poll sorts it out.
      this.ctx.log(`cannot read ${file.path}: ${errorMessage(e)}; retrying at the next poll`);
      file.atEnd = true;
    }
  }

  /** Follow mode: notices growth, truncation, rotation and new files. */
  private async poll(): Promise<void> {
    const matching = new Set(await this.list.expand());
    const followed = new Set<string>();
    for (const file of [...this.files]) {
      if (file.retiring) continue;
      if (!file.isOpen) {
        // Never opened (a read failed): retry while the path still matches, else forget it.
        if (matching.has(file.path)) {
          followed.add(file.path);
          file.atEnd = false;
        } else {
          this.files.splice(this.files.indexOf(file), 1);
        }
        continue;
      }
      const change = await file.check();
      switch (change) {
        case 'unchanged':
          break;
        case 'grown':
          file.atEnd = false;
          break;
        case 'truncated':
          this.ctx.log(`${file.path} was truncated; reading it again from line 1`);
          file.restart();
          break;
        case 'replaced':
        case 'gone':
          this.ctx.log(
            `${file.path} was ${change === 'gone' ? 'removed' : 'rotated'}; reading the rest of the old file`,
          );
          file.retiring = true;
          file.atEnd = false;
          continue;
      }
      followed.add(file.path);
    }
    for (const path of matching) {
      if (followed.has(path)) continue;
      this.ctx.log(`following ${path}`);
      this.insert(this.track(path));
    }
  }

  /** Keeps `files` in path order, a new file after any retiring file of the same path. */
  private insert(file: TrackedFile<F>): void {
    let i = this.files.length;
    while (i > 0 && this.files[i - 1]!.path > file.path) i--;
    this.files.splice(i, 0, file);
  }

  private track(path: string): TrackedFile<F> {
    const origin = `file:${path}`;
    const file = new TrackedFile(path, this.settings, (position, reason, raw) => {
      // Lines the job already processed before a restore were dead-lettered then, not again.
      if (position > file.skipThroughLine) this.ctx.deadLetter({ origin, position, reason, record: raw });
    });
    const restored = this.ctx.restoredSplits.get(origin) as FileSplitState | undefined;
    if (restored !== undefined) file.skipThroughLine = restored.line;
    this.added.push(origin);
    return file;
  }
}

/** A data message with the file's resume state after the batch: the line of its last record. */
function dataMessage<T>(batch: RecordBatch<T>): SourceMessage<T> {
  const state: FileSplitState = { line: batch.positions[batch.positions.length - 1] as number };
  return { kind: 'data', batch, state };
}

/** Leaves out the records a restored job already processed (at or before the restored line). */
function skipRestored<T>(
  file: { skipThroughLine: number },
  batch: RecordBatch<T> | undefined,
): RecordBatch<T> | undefined {
  const skip = file.skipThroughLine;
  if (batch === undefined || skip <= 0) return batch;
  const first = batch.positions[0] as number;
  if (first > skip) {
    file.skipThroughLine = 0;
    return batch;
  }
  const keep = new Set<number>();
  batch.positions.forEach((p, i) => {
    if (p <= skip) keep.add(i);
  });
  const rest = withoutRows(batch, keep);
  return rest.values.length > 0 ? rest : undefined;
}
