/**
 * Copies the WAL into the database file on a thread of its own, so neither the writer nor the
 * index replica waits for it. A checkpoint is mostly waiting for the disk (SQLite syncs the file
 * around it): done on the writer's thread, as SQLite does by default every 1,000 pages, it took
 * about a tenth of a bulk load's time. The engine asks for one after each bulk; requests made while
 * one runs are merged into the next. The writer's connection keeps a high `wal_autocheckpoint` as
 * a safety net that bounds the WAL should this thread fall behind.
 */
import type { Worker } from 'node:worker_threads';
import { startWorker } from '../threads/start-worker.js';

export class Checkpointer {
  private readonly worker: Worker;
  private running = false;
  private wanted = false;
  private ended = false;
  private readonly exited: Promise<void>;
  /** The last checkpoint failure (e.g. a full disk), for diagnostics; the writer's own checkpoints still run. */
  lastError: string | undefined;

  constructor(dataDir: string) {
    this.worker = startWorker(import.meta.url, 'checkpoint-worker', { dataDir });
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', () => {
        this.ended = true;
        resolve();
      }),
    );
    this.worker.on('message', (message: 'done' | { error: string }) => {
      if (typeof message === 'object') this.lastError = message.error;
      this.running = false;
      if (this.ended) return; // closing: stay referenced until the thread has ended
      if (this.wanted) this.request();
      else this.worker.unref();
    });
    // A checkpointer that cannot start or dies leaves the writer's safety-net checkpoints in place.
    this.worker.on('error', (e) => {
      this.lastError = e.message;
      this.ended = true;
    });
    // Idle, it must not keep the process alive (after the listeners: adding one refs the worker).
    this.worker.unref();
  }

  /** Asks for a checkpoint soon (merged with one already asked for). */
  request(): void {
    if (this.ended) return;
    if (this.running) {
      this.wanted = true;
      return;
    }
    this.running = true;
    this.wanted = false;
    this.worker.ref();
    this.worker.postMessage('checkpoint');
  }

  /** Closes the thread's connection (after a checkpoint in progress) and waits for the thread to end. */
  close(): Promise<void> {
    if (!this.ended) {
      this.ended = true;
      this.worker.ref();
      this.worker.postMessage('close');
    }
    return this.exited;
  }
}
