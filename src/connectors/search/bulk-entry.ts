import { type BulkAction, type BulkOpType, type BulkTarget, bulkOpType } from '../../search/bulk.js';

/**
 * One action on its way to the engine, with what the sink needs to account for it: its NDJSON text
 * (serialized once, when the action is added: its exact UTF-8 size decides when a request is full,
 * and HTTP engines send this text as it is), the key that orders it against other actions for the
 * same document, and where its record came from (for dead letters and deterministic ids).
 *
 * NDJSON of an action, as `_bulk` takes it: the action line `{"<op>":{<target>}}\n`, then for
 * index/create the document and for update the update body, each on one line ending in `\n`;
 * delete has no second line.
 */
export interface BulkEntry {
  readonly action: BulkAction;
  readonly op: BulkOpType;
  readonly target: BulkTarget;
  readonly ndjson: string;
  readonly bytes: number;
  readonly record: unknown;
  readonly origin: string;
  readonly position: number;
  /** The record's event time (epoch ms), NaN without one: `@timestamp` of a data stream document. */
  readonly timestampMs: number;
  /** Which action of its record this is (an emitter may write several per record). */
  readonly ordinal: number;
  /** For a dead-letter document: the entry it reports (a dead letter of a dead letter fails the job). */
  readonly deadLetterOf: BulkEntry | undefined;
  /** `retry` verdicts this entry has had so far (its budget is the sink's `retryBudget`). */
  retries: number;
}

export function serializeAction(action: BulkAction, op: BulkOpType, target: BulkTarget): string {
  const line = `{"${op}":${JSON.stringify(target)}}\n`;
  if ('document' in action) return `${line}${JSON.stringify(action.document)}\n`;
  if ('body' in action) return `${line}${JSON.stringify(action.body)}\n`;
  return line;
}

export function bulkEntry(
  action: BulkAction,
  source: { record: unknown; origin: string; position: number; ordinal: number; timestampMs: number },
  deadLetterOf?: BulkEntry,
): BulkEntry {
  const op = bulkOpType(action);
  const target = (action as unknown as Record<BulkOpType, BulkTarget>)[op];
  const ndjson = serializeAction(action, op, target);
  return {
    action,
    op,
    target,
    ndjson,
    bytes: Buffer.byteLength(ndjson),
    record: source.record,
    origin: source.origin,
    position: source.position,
    timestampMs: source.timestampMs,
    ordinal: source.ordinal,
    deadLetterOf,
    retries: 0,
  };
}

/**
 * `_index` + NUL + `_id`: two entries with the same key are never in different requests in flight
 * at once, and never reordered. Undefined for actions without an id (the engine makes one).
 * Computed only when another request is in flight (the common embedded case never needs it).
 */
export function documentKey(entry: BulkEntry): string | undefined {
  const id = entry.target._id;
  return id === undefined ? undefined : `${entry.target._index}\u0000${id}`;
}
