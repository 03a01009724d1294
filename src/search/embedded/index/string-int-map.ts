/**
 * A map from strings to non-negative int32 values, for the maps that grow with every document: an
 * index's id -> doc number, a keyword column's term -> ordinal (one entry per document for an
 * id-like field), and the writer's id -> version entry. The caller already keeps each value's key
 * (`ids[doc]`, `terms[ord]`), so
 * the map stores no strings: `keyOf(value)` must return the key stored with `value`. Open
 * addressing with linear probing over two typed arrays (values and 32-bit key hashes), so a probe
 * compares numbers and reads a key string only when the hashes match, and the garbage collector
 * has nothing in it to trace.
 *
 * Why not `Map`: with a million string keys, V8's Map costs several cache misses per lookup (its
 * buckets chain through entries whose key strings must each be read), an insert of a new key
 * looks it up twice (`get`, then `set`), and growing it copies the whole table into fresh memory.
 * Indexing spent a fifth of its time there; this map does a new key in about one cache miss.
 * Deletion shifts later entries back (no tombstones), so lookups stay short after deletes.
 */

const EMPTY = -1;
const MIN_CAPACITY = 16;

function hashOf(key: string): number {
  return hashOfRange(key, 0, key.length, false);
}

/**
 * FNV-1a over the UTF-16 code units of `text.slice(start, end)` (ASCII-lowercased first when
 * `lower`), with a final avalanche so nearby ids spread over the table.
 */
function hashOfRange(text: string, start: number, end: number, lower: boolean): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    let c = text.charCodeAt(i);
    if (lower && c >= 65 && c <= 90) c += 32;
    h ^= c;
    h = Math.imul(h, 0x01000193);
  }
  return avalanche(h);
}

function rangeEquals(key: string, text: string, start: number, end: number, lower: boolean): boolean {
  if (key.length !== end - start) return false;
  for (let i = start; i < end; i++) {
    let c = text.charCodeAt(i);
    if (lower && c >= 65 && c <= 90) c += 32;
    if (c !== key.charCodeAt(i - start)) return false;
  }
  return true;
}

function avalanche(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h | 0;
}

export class StringIntMap {
  private hashes: Int32Array;
  private values: Int32Array;
  private mask: number;
  size = 0;

  constructor(private readonly keyOf: (value: number) => string) {
    const capacity = MIN_CAPACITY;
    this.hashes = new Int32Array(capacity);
    this.values = new Int32Array(capacity).fill(EMPTY);
    this.mask = capacity - 1;
  }

  /** The value of `key`, or -1 when absent. */
  get(key: string): number {
    return this.getRange(key, 0, key.length, false);
  }

  /**
   * The value of the key `text.slice(start, end)` (ASCII-lowercased when `lower`), or -1 when
   * absent: a lookup by characters, for callers that would otherwise make a string per lookup
   * (the tokens of indexed text).
   */
  getRange(text: string, start: number, end: number, lower: boolean): number {
    const h = hashOfRange(text, start, end, lower);
    const values = this.values;
    const hashes = this.hashes;
    const mask = this.mask;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const value = values[i]!;
      if (value === EMPTY) return EMPTY;
      if (hashes[i] === h && rangeEquals(this.keyOf(value), text, start, end, lower)) return value;
    }
  }

  /**
   * The value of `key`; when absent, stores `valueIfAbsent` (>= 0) and returns -1 - that is one
   * probe for "intern": `const found = map.getOrAdd(term, next); if (found < 0) { new term }`.
   */
  getOrAdd(key: string, valueIfAbsent: number): number {
    const h = hashOf(key);
    const mask = this.mask;
    let i = h & mask;
    for (; ; i = (i + 1) & mask) {
      const value = this.values[i]!;
      if (value === EMPTY) break;
      if (this.hashes[i] === h && this.keyOf(value) === key) return value;
    }
    this.hashes[i] = h;
    this.values[i] = valueIfAbsent;
    if (++this.size * 2 > this.values.length) this.grow();
    return EMPTY;
  }

  /** Sets `key` to `value` (>= 0). */
  set(key: string, value: number): void {
    const h = hashOf(key);
    const mask = this.mask;
    let i = h & mask;
    for (; ; i = (i + 1) & mask) {
      const current = this.values[i]!;
      if (current === EMPTY) break;
      if (this.hashes[i] === h && this.keyOf(current) === key) {
        this.values[i] = value;
        return;
      }
    }
    this.hashes[i] = h;
    this.values[i] = value;
    if (++this.size * 2 > this.values.length) this.grow();
  }

  /** Removes `key`; returns whether it was present. */
  delete(key: string): boolean {
    const h = hashOf(key);
    const mask = this.mask;
    let i = h & mask;
    for (; ; i = (i + 1) & mask) {
      const current = this.values[i]!;
      if (current === EMPTY) return false;
      if (this.hashes[i] === h && this.keyOf(current) === key) break;
    }
    // Backward-shift deletion: move later entries of the probe run into the hole when their home
    // slot does not lie (cyclically) between the hole and their current slot.
    let hole = i;
    for (let j = (i + 1) & mask; this.values[j] !== EMPTY; j = (j + 1) & mask) {
      const home = this.hashes[j]! & mask;
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      this.hashes[hole] = this.hashes[j]!;
      this.values[hole] = this.values[j]!;
      hole = j;
    }
    this.values[hole] = EMPTY;
    this.size--;
    return true;
  }

  private grow(): void {
    const oldHashes = this.hashes;
    const oldValues = this.values;
    const capacity = oldValues.length * 2;
    this.hashes = new Int32Array(capacity);
    this.values = new Int32Array(capacity).fill(EMPTY);
    const mask = capacity - 1;
    this.mask = mask;
    for (let k = 0; k < oldValues.length; k++) {
      const value = oldValues[k]!;
      if (value === EMPTY) continue;
      const h = oldHashes[k]!;
      let i = h & mask;
      while (this.values[i] !== EMPTY) i = (i + 1) & mask;
      this.hashes[i] = h;
      this.values[i] = value;
    }
  }
}
