/**
 * Dead letters of the search sink: one route. Every action the engine refuses for good is reported
 * once through the job's dead-letter route (`SinkContext.deadLetter`: `--dead-letters` file, a
 * side output, or the log) and written once to the sink's dead-letter index, with the original
 * record, the error and where the record came from.
 *
 * Dead-letter document id (deterministic, so a replay overwrites instead of duplicating):
 *   base64url(SHA-256(origin NUL position NUL ordinal NUL target index))[0..20)
 * where `ordinal` is which action of its record it was (an emitter may write several per record)
 * and `target index` is the index the refused action was meant for.
 */
import { createHash } from 'node:crypto';
import type { BulkAction } from '../../search/bulk.js';
import type { BulkEntry } from './bulk-entry.js';

/** Fixed mapping, so no rejected document can conflict with the dead-letter index itself: the document is kept as a JSON string. */
export const DEAD_LETTER_MAPPING = {
  properties: {
    '@timestamp': { type: 'date' },
    index: { type: 'keyword' },
    id: { type: 'keyword' },
    op: { type: 'keyword' },
    status: { type: 'integer' },
    error: { properties: { type: { type: 'keyword' }, reason: { type: 'text' } } },
    document: { type: 'text' },
    origin: { type: 'keyword' },
    position: { type: 'long' },
  },
} as const;

export function deadLetterId(entry: BulkEntry): string {
  return createHash('sha256')
    .update(`${entry.origin}\u0000${entry.position}\u0000${entry.ordinal}\u0000${entry.target._index}`)
    .digest('base64url')
    .slice(0, 20);
}

/** `400 mapper_parsing_exception: failed to parse ...` -> status, type and reason. */
function splitReason(reason: string): { status: number | undefined; type: string; reason: string } {
  const m = /^(?:gave up after \d+ retries: )?(\d{3}) ([a-z_]+): ([\s\S]*)$/.exec(reason);
  if (m === null) return { status: undefined, type: 'sluice_rejected', reason };
  return { status: Number(m[1]), type: m[2] as string, reason: m[3] as string };
}

/** The action writing `entry`'s dead letter into `index`. */
export function deadLetterAction(entry: BulkEntry, reason: string, index: string, nowMs: number): BulkAction {
  const parsed = splitReason(reason);
  return {
    index: { _index: index, _id: deadLetterId(entry) },
    document: {
      '@timestamp': new Date(nowMs).toISOString(),
      index: entry.target._index,
      ...(entry.target._id === undefined ? {} : { id: entry.target._id }),
      op: entry.op,
      ...(parsed.status === undefined ? {} : { status: parsed.status }),
      error: { type: parsed.type, reason: reason.startsWith('gave up') ? reason : parsed.reason },
      document: JSON.stringify(entry.record),
      origin: entry.origin,
      position: entry.position,
    },
  };
}
