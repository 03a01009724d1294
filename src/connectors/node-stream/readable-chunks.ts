import type { Readable } from 'node:stream';

/**
 * Pulls chunks from a Node Readable on demand, for readers over stdin and sockets.
 *
 * The stream stays in paused mode: Node reads from the OS only to refill its own buffer (the
 * stream's highWaterMark), so while nobody pulls, the kernel buffer fills and the producer slows
 * down (a pipe's writer blocks; a TCP peer is held back by flow control). That is how a slow job
 * slows its source without unbounded buffering anywhere.
 */
export class ReadableChunks {
  private done = false;
  private failure: Error | undefined;
  private waiter: (() => void) | undefined;
  private readonly wake = (): void => {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  };
  private readonly onEnd = (): void => {
    this.done = true;
    this.wake();
  };
  private readonly onError = (e: Error): void => {
    this.failure ??= e;
    this.wake();
  };

  constructor(private readonly stream: Readable) {
    this.done = stream.readableEnded || stream.destroyed;
    stream.on('readable', this.wake);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onError);
  }

  /** True once the stream ended or closed and everything buffered was read. */
  get ended(): boolean {
    return this.done && this.stream.readableLength === 0;
  }

  /** A chunk Node has already buffered, or null when none is (or the stream ended). Throws the stream's error. */
  readNow(): Buffer | null {
    if (this.failure) throw this.failure;
    const chunk: unknown = this.stream.read();
    if (chunk === null || chunk === undefined) return null;
    if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
    if (chunk instanceof Uint8Array) return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    throw new TypeError(`expected a byte or text stream, got a chunk of type ${typeof chunk}`);
  }

  /**
   * The next chunk, waiting for one if needed; null at the end of the stream or as soon as `signal`
   * aborts. Rejects with the stream's error (a connection reset, a read error).
   */
  async next(signal: AbortSignal): Promise<Buffer | null> {
    for (;;) {
      const chunk = this.readNow();
      if (chunk !== null) return chunk;
      if (this.done || signal.aborted) return null;
      await new Promise<void>((resolve) => {
        const onAbort = (): void => this.wake();
        this.waiter = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
        signal.addEventListener('abort', onAbort, { once: true });
      });
    }
  }

  /** Stops listening and destroys the stream (closing the socket or file descriptor). */
  destroy(): void {
    this.stream.off('readable', this.wake);
    this.stream.off('end', this.onEnd);
    this.stream.off('close', this.onEnd);
    // Keep an error listener: a late error from a destroyed stream must not crash the process.
    this.stream.off('error', this.onError);
    this.stream.on('error', () => {});
    this.stream.destroy();
    this.done = true;
    this.wake();
  }
}
