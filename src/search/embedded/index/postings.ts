/**
 * The postings of one term in one `text` field: for each document containing the term (ascending,
 * documents are only ever appended), its term frequency and the positions, as Lucene keeps them,
 * delta-coded variable-length integers in one growable byte array:
 *
 *   entry := vInt(doc - previous doc) vInt(freq) vInt(position delta) * freq
 *
 * Why bytes and not an Int32Array of `[doc, freq, pos...]`: a typical entry (doc gap < 128, freq 1,
 * position < 128) takes 3 bytes instead of 12. Postings are most of an index's memory (a million
 * web-access documents carry about 24 million entries), and on the machines sluice targets every
 * fresh page costs a fault that dwarfs the decoding: indexing a million documents took about
 * 95,000 fewer page faults (595,000 before, 500,000 after). Readers go through `PostingsCursor`.
 */
const VINT_MAX_BYTES = 5;

export class Postings {
  bytes = new Uint8Array(16);
  size = 0;
  docFreq = 0;
  private lastDoc = -1;
  /** The last document's freq: where it is written, its value, the last position added. */
  private freqAt = 0;
  private freq = 0;
  private lastPosition = 0;

  /** Records one occurrence of the term at `position` in `doc` (docs ascending, positions ascending within a doc). */
  add(doc: number, position: number): void {
    if (this.size + 3 * VINT_MAX_BYTES > this.bytes.length) this.grow(this.size + 3 * VINT_MAX_BYTES);
    if (doc === this.lastDoc) {
      const freq = ++this.freq;
      // The freq's vInt grows one byte at 128, 16384, ...: shift the positions after it (rare).
      if (freq === 128 || freq === 16_384 || freq === 2_097_152) {
        const from = this.freqAt + vIntLength(freq - 1);
        this.bytes.copyWithin(from + 1, from, this.size);
        this.size++;
      }
      writeVInt(this.bytes, this.freqAt, freq);
      this.size = writeVInt(this.bytes, this.size, position - this.lastPosition);
      this.lastPosition = position;
      return;
    }
    // The first entry's gap is from -1 (doc + 1), so every gap is >= 1.
    let at = writeVInt(this.bytes, this.size, doc - this.lastDoc);
    this.lastDoc = doc;
    this.freqAt = at;
    this.freq = 1;
    at = writeVInt(this.bytes, at, 1);
    this.size = writeVInt(this.bytes, at, position);
    this.lastPosition = position;
    this.docFreq++;
  }

  private grow(minLength: number): void {
    const next = new Uint8Array(Math.max(minLength, this.bytes.length * 2));
    next.set(this.bytes.subarray(0, this.size));
    this.bytes = next;
  }
}

/**
 * Walks a term's postings: `next()` moves to the next document (false at the end), then `doc` and
 * `freq` describe it and `readPositions` decodes its positions (at most once per document, before
 * the next `next()`; skipped positions are stepped over by `next()`).
 */
export class PostingsCursor {
  doc = -1;
  freq = 0;
  /** Set once `next()` has returned false. */
  exhausted = false;
  private at = 0;
  /** Position bytes of the current document not read yet (`positionsLeft` vInts from `at`). */
  private positionsLeft = 0;

  constructor(private readonly postings: Postings) {}

  next(): boolean {
    const bytes = this.postings.bytes;
    for (; this.positionsLeft > 0; this.positionsLeft--) while (bytes[this.at++]! >= 128);
    if (this.at >= this.postings.size) {
      this.exhausted = true;
      return false;
    }
    this.doc += this.readVInt();
    this.freq = this.readVInt();
    this.positionsLeft = this.freq;
    return true;
  }

  /** Advances to the first document >= `target`; false when there is none. */
  advance(target: number): boolean {
    if (this.doc >= target) return true;
    if (this.exhausted) return false;
    while (this.next()) if (this.doc >= target) return true;
    return false;
  }

  /** Decodes the current document's `freq` positions into `out` (which must hold them). */
  readPositions(out: Int32Array): void {
    let position = 0;
    for (let k = 0; k < this.positionsLeft; k++) {
      position += this.readVInt();
      out[k] = position;
    }
    this.positionsLeft = 0;
  }

  private readVInt(): number {
    const bytes = this.postings.bytes;
    let v = 0;
    let shift = 0;
    let b: number;
    do {
      b = bytes[this.at++]!;
      v |= (b & 127) << shift;
      shift += 7;
    } while (b >= 128);
    return v;
  }
}

function vIntLength(value: number): number {
  let n = 1;
  while (value >= 128) {
    value >>>= 7;
    n++;
  }
  return n;
}

/** Writes `value` (>= 0) as a vInt at `at`; returns the offset after it. */
function writeVInt(bytes: Uint8Array, at: number, value: number): number {
  while (value >= 128) {
    bytes[at++] = (value & 127) | 128;
    value >>>= 7;
  }
  bytes[at++] = value;
  return at;
}
