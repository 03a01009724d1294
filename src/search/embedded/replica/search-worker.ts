/**
 * Worker-thread entry of the embedded engine's index replica: builds the replica for the data
 * directory in `workerData`, then answers ReplicaMessages one at a time, in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IndexReplica } from './index-replica.js';
import { handleReplicaRequest } from './replica-handler.js';
import { type ReplicaMessage, type ReplicaReply, serializeError } from './replica-protocol.js';

const port = parentPort;
if (port === null) throw new Error('search-worker.ts must run in a worker thread');
let replica: IndexReplica | undefined;
let startupError: unknown;
/** A notice that failed (it has no answer): reported to the next request. */
let noticeFailure: unknown;
try {
  replica = new IndexReplica((workerData as { dataDir: string }).dataDir);
} catch (e) {
  startupError = e;
}

port.on('message', (message: ReplicaMessage) => {
  if ('close' in message) {
    replica?.close();
    port.postMessage({ id: message.id, ok: true, value: null } satisfies ReplicaReply);
    port.close();
    return;
  }
  if ('notice' in message) {
    try {
      if (replica === undefined) throw startupError;
      handleReplicaRequest(replica, message.notice);
    } catch (e) {
      noticeFailure ??= e;
    }
    return;
  }
  let reply: ReplicaReply;
  try {
    if (replica === undefined) throw startupError;
    if (noticeFailure !== undefined) {
      const failure = noticeFailure;
      noticeFailure = undefined;
      throw failure;
    }
    reply = { id: message.id, ok: true, value: handleReplicaRequest(replica, message.request) };
  } catch (e) {
    reply = { id: message.id, ok: false, error: serializeError(e) };
  }
  port.postMessage(reply);
});
