/**
 * The `_bulk` wire format: each action is its action line (`{"index":{"_index":"x","_id":"1"}}`)
 * and, except for `delete`, its source line (the document, or the update body), each ending in
 * `\n`. The cluster adapter sends exactly these bytes; a writer that must respect a byte limit
 * serializes with `serializeBulkAction` once, measures with `Buffer.byteLength`, and passes the
 * texts as `BulkOptions.serialized` so nothing is serialized twice.
 */
import { type BulkAction, bulkOpType } from './bulk.js';
import { illegalArgument } from './search-engine-error.js';

export function serializeBulkAction(action: BulkAction): string {
  const op = bulkOpType(action);
  if (op === 'delete') return `${JSON.stringify({ delete: (action as { delete: unknown }).delete })}\n`;
  const target = (action as unknown as Record<string, unknown>)[op];
  const source = 'document' in action ? action.document : (action as { body: unknown }).body;
  return `${JSON.stringify({ [op]: target })}\n${JSON.stringify(source)}\n`;
}

/** The request body for `actions`: the caller's texts when given (one per action), else serialized here. */
export function bulkRequestBody(actions: readonly BulkAction[], serialized?: readonly string[]): string {
  if (serialized !== undefined) {
    if (serialized.length !== actions.length)
      throw illegalArgument(`bulk got ${serialized.length} serialized texts for ${actions.length} actions`);
    return serialized.join('');
  }
  let body = '';
  for (const action of actions) body += serializeBulkAction(action);
  return body;
}
