import { createHash } from 'node:crypto';
import { reject } from '../../core/errors.js';
import { readPath } from './index-name-pattern.js';

/**
 * Document ids, from a field (dot path), a function, or the record's identity. Deterministic ids
 * make replays idempotent: writing the same record twice overwrites one document instead of adding
 * a duplicate. Without an id, `index` and `create` let the engine generate one (so a replay
 * duplicates).
 *
 * `id: 'record'` is the record's identity: where it came from and its position there, which every
 * source gives and keeps across restarts (a file's path and byte offset, a Kafka partition and
 * offset). Encoding, 20 characters like the ids Elasticsearch generates:
 *   base64url(SHA-256(origin + "\n" + position))[0..20)
 * A field that is literally named `record` needs a function: `id: (r) => r.record`.
 */
export type DocumentIdFunction<T> = (
  record: T,
  identity: { readonly origin: string; readonly position: number },
) => string | number | undefined;

export type DocumentIdOption<T> = 'record' | string | DocumentIdFunction<T>;

export const RECORD_IDENTITY = 'record';

export function recordIdentityId(origin: string, position: number): string {
  return createHash('sha256').update(`${origin}\n${position}`).digest('base64url').slice(0, 20);
}

export function compileDocumentId<T>(id: DocumentIdOption<T> | undefined): DocumentIdFunction<T> | undefined {
  if (id === undefined || typeof id === 'function') return id;
  if (id === RECORD_IDENTITY) return (_, identity) => recordIdentityId(identity.origin, identity.position);
  const path = id.split('.');
  return (record) => {
    const v = readPath(record, path);
    if (v === undefined || v === null || v === '') return reject(`document id field "${id}" is missing`);
    if (typeof v !== 'string' && typeof v !== 'number')
      return reject(`document id field "${id}" must be a string or number`);
    return v;
  };
}
