import { reject } from '../../core/errors.js';
import { readPath } from './index-name-pattern.js';

/**
 * Document ids, from a field (dot path) or a function. Deterministic ids make replays idempotent:
 * writing the same record twice overwrites one document instead of adding a duplicate. Without an
 * id, `index` and `create` let the engine generate one (so a replay duplicates).
 */
export type DocumentIdFunction<T> = (record: T) => string | number | undefined;

export function compileDocumentId<T>(
  id: string | DocumentIdFunction<T> | undefined,
): DocumentIdFunction<T> | undefined {
  if (id === undefined || typeof id === 'function') return id;
  const path = id.split('.');
  return (record) => {
    const v = readPath(record, path);
    if (v === undefined || v === null || v === '') return reject(`document id field "${id}" is missing`);
    if (typeof v !== 'string' && typeof v !== 'number')
      return reject(`document id field "${id}" must be a string or number`);
    return v;
  };
}
