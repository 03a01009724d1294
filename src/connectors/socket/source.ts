import { createConnection, type Socket } from 'node:net';
import { errorMessage } from '../../core/errors.js';
import type { Source, SourceContext, SourceMessage, SourceReader } from '../../core/source.js';
import { backoffDelayMs } from '../backoff.js';
import { parseConnectorConfig } from '../connector-config.js';
import { ReadableChunks } from '../node-stream/readable-chunks.js';
import { DecodedRecords } from '../text/decoded-records.js';
import { csvOptionsSchema, type FormatRecord } from '../text/format-config.js';
import { TextInput } from '../text/text-input.js';
import {
  type SocketTextSourceConfig,
  type SocketTextSourceOptions,
  socketTextSourceSchema,
} from './config.js';

type SocketFormat = 'lines' | 'ndjson';
const END = { kind: 'end' } as const;
const NO_CSV = csvOptionsSchema.parse({});

/** One live connection and the decoding state of its bytes. */
interface Connection {
  readonly socket: Socket;
  readonly chunks: ReadableChunks;
  readonly input: TextInput<SocketFormat>;
}

/**
 * Lines from a TCP server, like Spark's `socketTextStream(host, port)`: connects as a client and
 * yields each line (UTF-8, `\n` or `\r\n`). Unbounded: when the connection fails or the server
 * closes it, the reader logs it and reconnects after `reconnectDelayMs`, doubling the wait after
 * each failed attempt up to `maxReconnectDelayMs`; it ends only when the job stops.
 *
 * Positions are line numbers counted over the source's whole life (they continue across
 * reconnects); the origin is `socket:<host>:<port>`. A line longer than `maxLineBytes`, or one cut
 * off by a connection reset, goes to the dead-letter output. The socket is read only while a
 * `read()` is pending, so TCP flow control holds back a server that sends faster than the job runs.
 */
export function socketTextSource(options: SocketTextSourceOptions & { format?: 'lines' }): Source<string>;
export function socketTextSource(options: SocketTextSourceOptions & { format: 'ndjson' }): Source<unknown>;
export function socketTextSource(options: SocketTextSourceOptions): Source<unknown>;
export function socketTextSource(options: SocketTextSourceOptions): Source<unknown> {
  return socketTextSourceFromConfig(parseConnectorConfig('socket source', socketTextSourceSchema, options));
}

/** Builds the source from a validated config (the registry's entry point). */
export function socketTextSourceFromConfig(config: SocketTextSourceConfig): Source<unknown> {
  const name = `socket:${config.host}:${config.port}`;
  return {
    name,
    boundedness: 'unbounded',
    createReader: (ctx) => new SocketTextReader(config, name, ctx),
  };
}

class SocketTextReader implements SourceReader<FormatRecord[SocketFormat]> {
  private readonly records: DecodedRecords<FormatRecord[SocketFormat]>;
  private connection: Connection | undefined;
  private lastLineNumber = 0;
  private failedAttempts = 0;
  private reconnectAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly config: SocketTextSourceConfig,
    private readonly name: string,
    private readonly ctx: SourceContext,
  ) {
    this.records = new DecodedRecords((position, reason, record) =>
      ctx.deadLetter({ position, reason, record }),
    );
  }

  async read(): Promise<SourceMessage<FormatRecord[SocketFormat]>> {
    const { signal, clock, batchSize } = this.ctx;
    for (;;) {
      if (signal.aborted) {
        this.disconnect();
        return END;
      }
      const connection = this.connection;
      if (this.records.length > 0) {
        if (connection) this.takeBuffered(connection);
        return { kind: 'data', batch: this.records.take(this.name, batchSize)! };
      }
      if (connection === undefined) {
        if (clock.nowMs() < this.reconnectAtMs) await clock.sleepUntil(this.reconnectAtMs, signal);
        else await this.connect();
        continue;
      }
      let chunk: Buffer | null;
      try {
        chunk = await connection.chunks.next(signal);
      } catch (e) {
        connection.input.abandon('connection lost before the line was complete');
        this.lost(`connection to ${this.address()} failed: ${errorMessage(e)}`);
        continue;
      }
      if (chunk !== null) {
        connection.input.push(chunk);
      } else if (!signal.aborted) {
        connection.input.finish();
        this.lost(`${this.address()} closed the connection`);
      }
    }
  }

  async close(): Promise<void> {
    this.disconnect();
    this.records.clear();
  }

  /** Decodes chunks that already arrived, up to a batch, without waiting for more. */
  private takeBuffered(connection: Connection): void {
    try {
      for (let chunk = connection.chunks.readNow(); chunk !== null; chunk = connection.chunks.readNow()) {
        connection.input.push(chunk);
        if (this.records.length >= this.ctx.batchSize) return;
      }
    } catch {
      // The error resurfaces from the next `next()` and is handled there.
    }
  }

  private async connect(): Promise<void> {
    let socket: Socket;
    try {
      socket = await this.open();
    } catch (e) {
      if (this.ctx.signal.aborted) return;
      this.failedAttempts++;
      this.scheduleReconnect(`cannot connect to ${this.address()}: ${errorMessage(e)}`);
      return;
    }
    this.failedAttempts = 0;
    this.ctx.log(`connected to ${this.address()}`);
    socket.setKeepAlive(true, 30_000);
    const settings = { format: this.config.format, csv: NO_CSV, maxLineBytes: this.config.maxLineBytes };
    this.connection = {
      socket,
      chunks: new ReadableChunks(socket),
      input: new TextInput<SocketFormat>(settings, this.records, this.lastLineNumber + 1),
    };
  }

  /** Connects, or rejects on error, timeout (on the job clock) or job stop. */
  private open(): Promise<Socket> {
    const { clock, signal } = this.ctx;
    const socket = createConnection({ host: this.config.host, port: this.config.port });
    const timer = new AbortController();
    return new Promise<Socket>((resolve, reject) => {
      const fail = (e: Error): void => {
        cleanup();
        socket.destroy();
        reject(e);
      };
      const onConnect = (): void => {
        cleanup();
        resolve(socket);
      };
      const onAbort = (): void => fail(new Error('the job stopped'));
      const cleanup = (): void => {
        socket.off('connect', onConnect);
        socket.off('error', fail);
        signal.removeEventListener('abort', onAbort);
        timer.abort();
      };
      socket.once('connect', onConnect);
      socket.once('error', fail);
      signal.addEventListener('abort', onAbort, { once: true });
      void clock.sleepUntil(clock.nowMs() + this.config.connectTimeoutMs, timer.signal).then(() => {
        if (!timer.signal.aborted) fail(new Error(`timed out after ${this.config.connectTimeoutMs} ms`));
      });
    });
  }

  /** The connection ended (error or close by the server): drop it and plan the next attempt. */
  private lost(what: string): void {
    this.disconnect();
    this.failedAttempts = 0;
    this.scheduleReconnect(what);
  }

  private scheduleReconnect(what: string): void {
    const { reconnectDelayMs, maxReconnectDelayMs } = this.config;
    // Doubling without jitter: one client reconnecting, predictable waits in the log.
    const delayMs = backoffDelayMs(
      { initialMs: reconnectDelayMs, maxMs: maxReconnectDelayMs },
      this.failedAttempts,
      () => 1,
    );
    this.reconnectAtMs = this.ctx.clock.nowMs() + delayMs;
    this.ctx.log(`${what}; reconnecting in ${delayMs} ms`);
  }

  private disconnect(): void {
    const connection = this.connection;
    if (connection === undefined) return;
    this.connection = undefined;
    this.lastLineNumber = connection.input.lineNumber;
    connection.chunks.destroy();
  }

  private address(): string {
    return `${this.config.host}:${this.config.port}`;
  }
}
