import { assertNever } from '../../../core/message.js';
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
    case 'stage':
      replica.stage(request.rows);
      return null;
    case 'discard':
      replica.discardStaged();
      return null;
    case 'commit':
      replica.applyStaged();
      return null;
    default:
      return assertNever(request, 'replica request');
  }
}
