/**
 * How the engine talks to its index replica. `worker` (the default) runs the replica in a worker
 * thread: building columns for new documents then overlaps with the writer's SQLite work, and a
 * large index loads in the background while writes are already accepted. `inline` runs it on the
 * caller's thread (no thread, deterministic profiles). Both answer the same requests in order.
 */
import type { Worker } from 'node:worker_threads';
import type { Clock } from '../../../core/clock.js';
import { startWorker } from '../threads/start-worker.js';
import { transferablesOf } from './committed-rows.js';
import { IndexReplica } from './index-replica.js';
import { handleReplicaRequest } from './replica-handler.js';
import {
  deserializeError,
  type ReplicaMessage,
  type ReplicaReply,
  type ReplicaRequest,
} from './replica-protocol.js';

export type ReplicaMode = 'worker' | 'inline';

export interface ReplicaClient {
  request(request: ReplicaRequest): Promise<unknown>;
  /** Sends without waiting for an answer (in order with requests); a failure fails the next request. */
  notify(request: ReplicaRequest): void;
  close(): Promise<void>;
}

/** `deadlineClock` measures search timeouts inline; a worker thread uses its own monotonic clock. */
export function openReplica(dataDir: string, mode: ReplicaMode, deadlineClock?: Clock): ReplicaClient {
  return mode === 'inline' ? new InlineReplica(dataDir, deadlineClock) : new WorkerReplica(dataDir);
}

class InlineReplica implements ReplicaClient {
  private readonly replica: IndexReplica;

  constructor(dataDir: string, deadlineClock?: Clock) {
    this.replica = new IndexReplica(dataDir, deadlineClock === undefined ? {} : { deadlineClock });
  }

  private noticeFailure: unknown;

  async request(request: ReplicaRequest): Promise<unknown> {
    if (this.noticeFailure !== undefined) {
      const failure = this.noticeFailure;
      this.noticeFailure = undefined;
      throw failure;
    }
    return handleReplicaRequest(this.replica, request);
  }

  notify(request: ReplicaRequest): void {
    try {
      handleReplicaRequest(this.replica, request);
    } catch (e) {
      this.noticeFailure ??= e;
    }
  }

  async close(): Promise<void> {
    this.replica.close();
  }
}

class WorkerReplica implements ReplicaClient {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private failure: Error | undefined;

  constructor(dataDir: string) {
    this.worker = startWorker(import.meta.url, 'search-worker', { dataDir });
    this.worker.on('message', (reply: ReplicaReply) => {
      const waiter = this.pending.get(reply.id);
      if (waiter === undefined) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) this.worker.unref();
      if (reply.ok) waiter.resolve(reply.value);
      else waiter.reject(deserializeError(reply.error));
    });
    const fail = (error: Error) => {
      this.failure = error;
      for (const waiter of this.pending.values()) waiter.reject(error);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => {
      if (this.pending.size > 0) fail(new Error(`search replica worker exited with code ${code}`));
    });
    // An idle replica thread must not keep the process alive; one with requests in flight must.
    this.worker.unref();
  }

  request(request: ReplicaRequest): Promise<unknown> {
    return this.send({ id: this.nextId++, request });
  }

  notify(request: ReplicaRequest): void {
    if (this.failure !== undefined) return; // the next request reports it
    const transfer = request.op === 'stage' ? transferablesOf(request.rows) : [];
    this.worker.postMessage({ notice: request } satisfies ReplicaMessage, transfer);
  }

  async close(): Promise<void> {
    if (this.failure === undefined)
      await this.send({ id: this.nextId++, close: true }).catch(() => undefined);
    await this.worker.terminate();
  }

  private send(message: ReplicaMessage & { readonly id: number }): Promise<unknown> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(message.id, { resolve, reject });
      this.worker.postMessage(message);
    });
  }
}
