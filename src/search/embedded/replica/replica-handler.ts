import { assertNever } from '../../../core/message.js';
import { unpackRows } from './committed-rows.js';
import type { IndexReplica } from './index-replica.js';
import type { ReplicaRequest } from './replica-protocol.js';

/** Runs one request against a replica; shared by the worker and the inline mode. */
export function handleReplicaRequest(replica: IndexReplica, request: ReplicaRequest): unknown {
  switch (request.op) {
    case 'search':
      return replica.search(request.pattern, request.body, request.nowMs);
    case 'count':
      return replica.count(request.pattern, request.body, request.nowMs);
    case 'stats':
      return replica.stats(request.pattern);
    case 'sync':
      replica.sync();
      return null;
    case 'apply':
      replica.applyCommitted(request.rows.count, unpackRows(request.rows));
      return null;
    default:
      return assertNever(request, 'replica request');
  }
}
