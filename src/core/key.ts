import { SluiceError } from './errors.js';

/**
 * Keys partition a stream for keyed state, timers and windows. A key must compare by value, so it
 * is a string, a finite number, a boolean, or a tuple (array) of those, as Flink's tuple keys:
 * `keyBy((h) => [h.path, h.status])` groups records whose path and status are equal.
 *
 * Inside the runtime every key is a `Key` (string or number): a tuple is encoded once, on the
 * record's way in, as `\u0001` followed by its JSON text (`["/a",200]`), and booleans as that same
 * prefix with `true`/`false`. The encoding is stable across processes and versions (it is hashed to
 * key groups and stored in snapshots) and decodes back to the tuple for user code (`currentKey`).
 * Anything else (undefined, null, NaN, objects, functions) is refused with an error: an object
 * compares by identity, and undefined would silently merge every record into one key.
 */
export type Key = string | number;

/** What a key selector may return. */
export type KeyValue = string | number | boolean | readonly (string | number | boolean)[];

export type KeySelector<T, K extends KeyValue = KeyValue> = (value: T) => K;

const TUPLE = '\u0001';

/** The runtime form of a key selector's result; throws InvalidKeyError for keys without value semantics. */
export function toKey(value: unknown): Key {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    throw new InvalidKeyError(`a key must be a finite number, got ${String(value)}`);
  }
  if (typeof value === 'boolean') return `${TUPLE}${value}`;
  if (Array.isArray(value)) {
    for (const part of value) {
      const t = typeof part;
      if (t !== 'string' && t !== 'boolean' && !(t === 'number' && Number.isFinite(part))) {
        throw new InvalidKeyError(
          `a key tuple may hold strings, finite numbers and booleans only, got ${describe(part)} in ${describe(value)}`,
        );
      }
    }
    return `${TUPLE}${JSON.stringify(value)}`;
  }
  throw new InvalidKeyError(
    `a key must be a string, a number, a boolean or an array of those (compared by value), got ${describe(value)}`,
  );
}

/** Back from the runtime form to what the key selector returned (for `currentKey` and results). */
export function fromKey(key: Key): KeyValue {
  if (typeof key === 'string' && key.charCodeAt(0) === 1) return JSON.parse(key.slice(1)) as KeyValue;
  return key;
}

/** A key selector returning runtime keys; plain string/number keys pass through with one type check. */
export function keyOf<T>(selector: KeySelector<T>): (value: T) => Key {
  return (value) => {
    const k = selector(value);
    if (typeof k === 'string') return k;
    return typeof k === 'number' && Number.isFinite(k) ? k : toKey(k);
  };
}

/** A key selector returned a key that cannot be compared by value; fails the job naming the operator and record. */
export class InvalidKeyError extends SluiceError {
  override readonly name = 'InvalidKeyError';
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array [${value.map((v) => describe(v)).join(', ')}]`;
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value)})`;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
