import { once } from 'node:events';
import type { WriteStream } from 'node:fs';
import { type FileHandle, mkdir, open } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { errorMessage } from '../../core/errors.js';
import type { RecordBatch } from '../../core/record-batch.js';
import type { Sink, SinkContext, SinkWriter } from '../../core/sink.js';
import { parseConnectorConfig } from '../connector-config.js';
import { WritableText } from '../node-stream/writable-text.js';
import { type FileSinkConfig, type FileSinkOptions, fileSinkSchema } from './config.js';

/**
 * Appends records to a file as NDJSON, one JSON document per line, creating missing directories.
 * Writes go through a Node write stream: `write` returns a promise only when the stream's buffer
 * is full (resolved on `drain`), so a slow disk slows the job instead of filling memory. `flush`
 * waits until everything written reached the file and fsyncs it, so what was flushed survives a
 * crash; the runtime calls it at the end of input, on stop and at checkpoints. A value JSON cannot
 * represent (undefined, a function, a BigInt, a cycle) goes to the dead-letter output.
 */
export function fileSink(path: string, options: FileSinkOptions = {}): Sink<unknown> {
  return fileSinkFromConfig(parseConnectorConfig('file sink', fileSinkSchema, { ...options, path }));
}

/** Builds the sink from a validated config (the registry's entry point). */
export function fileSinkFromConfig(config: FileSinkConfig): Sink<unknown> {
  const path = resolve(config.path);
  return {
    name: `file:${path}`,
    createWriter: (ctx) => FileSinkWriter.open(path, ctx),
  };
}

class FileSinkWriter implements SinkWriter<unknown> {
  private readonly out: WritableText;

  private readonly stream: WriteStream;

  private constructor(
    private readonly handle: FileHandle,
    private readonly ctx: SinkContext,
  ) {
    this.stream = handle.createWriteStream();
    this.out = new WritableText(this.stream);
  }

  static async open(path: string, ctx: SinkContext): Promise<FileSinkWriter> {
    await mkdir(dirname(path), { recursive: true });
    return new FileSinkWriter(await open(path, 'a'), ctx);
  }

  write(batch: RecordBatch<unknown>): undefined | Promise<void> {
    let text = '';
    const { values, positions } = batch;
    for (let i = 0; i < values.length; i++) {
      const line = this.toJson(values[i], batch.origin, positions[i]!);
      if (line !== undefined) text += `${line}\n`;
    }
    return text === '' ? undefined : this.out.write(text);
  }

  async flush(): Promise<void> {
    await this.out.settled();
    await this.handle.sync();
  }

  async close(): Promise<void> {
    if (this.stream.destroyed) return;
    const closed = once(this.stream, 'close').catch(() => {});
    this.stream.end();
    await closed;
  }

  private toJson(value: unknown, origin: string, position: number): string | undefined {
    let json: string | undefined;
    let why = 'it has no JSON form';
    try {
      json = JSON.stringify(value);
    } catch (e) {
      why = errorMessage(e);
    }
    if (json === undefined) {
      this.ctx.deadLetter({
        origin,
        position,
        reason: `cannot write the record as JSON: ${why}`,
        record: value,
      });
    }
    return json;
  }
}
