import type { Writable } from 'node:stream';

/**
 * Writes text to a Node Writable, passing its backpressure on to the runtime: `write` returns
 * nothing while the stream's buffer has room and a promise that resolves on `drain` once it is
 * full, so a sink writer can return that promise and the job stops taking input until the target
 * caught up. Used by the print and file sinks.
 */
export class WritableText {
  private failure: Error | undefined;
  private lastWrite: Promise<void> = Promise.resolve();

  constructor(readonly stream: Writable) {
    stream.on('error', (e: Error) => {
      this.failure ??= e;
    });
  }

  write(text: string): undefined | Promise<void> {
    if (this.failure) throw this.failure;
    let hasRoom = true;
    this.lastWrite = new Promise<void>((resolve, reject) => {
      hasRoom = this.stream.write(text, (e) => (e ? reject(e) : resolve()));
    });
    // Errors surface through settled() and the next write; never as an unhandled rejection.
    this.lastWrite.catch(() => {});
    return hasRoom ? undefined : this.drained();
  }

  /** Resolves once everything written so far has been handed to the operating system. */
  async settled(): Promise<void> {
    await this.lastWrite;
    if (this.failure) throw this.failure;
  }

  private drained(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const cleanup = (): void => {
        this.stream.off('drain', onDrain);
        this.stream.off('error', onError);
        this.stream.off('close', onClose);
      };
      const onDrain = (): void => {
        cleanup();
        resolve();
      };
      const onError = (e: Error): void => {
        cleanup();
        reject(e);
      };
      const onClose = (): void => {
        cleanup();
        reject(this.failure ?? new Error('the output stream closed before it drained'));
      };
      this.stream.on('drain', onDrain);
      this.stream.on('error', onError);
      this.stream.on('close', onClose);
    });
  }
}
