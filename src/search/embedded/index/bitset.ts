/**
 * A fixed-size set of internal document numbers, one bit each. Queries produce bitsets and bool
 * clauses combine them word by word, so a filter over a million documents costs ~30k word ops.
 */
export class Bitset {
  readonly words: Uint32Array;

  constructor(readonly size: number) {
    this.words = new Uint32Array((size + 31) >>> 5);
  }

  get(doc: number): boolean {
    return ((this.words[doc >>> 5]! >>> (doc & 31)) & 1) === 1;
  }

  set(doc: number): void {
    this.words[doc >>> 5]! |= 1 << (doc & 31);
  }

  and(other: Bitset): this {
    const w = this.words;
    const o = other.words;
    for (let i = 0; i < w.length; i++) w[i]! &= o[i]!;
    return this;
  }

  or(other: Bitset): this {
    const w = this.words;
    const o = other.words;
    for (let i = 0; i < w.length; i++) w[i]! |= o[i]!;
    return this;
  }

  andNot(other: Bitset): this {
    const w = this.words;
    const o = other.words;
    for (let i = 0; i < w.length; i++) w[i]! &= ~o[i]!;
    return this;
  }

  count(): number {
    let total = 0;
    for (const word of this.words) {
      let v = word - ((word >>> 1) & 0x55555555);
      v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
      total += (((v + (v >>> 4)) & 0xf0f0f0f) * 0x1010101) >>> 24;
    }
    return total;
  }

  /** Calls `fn` for each set document in ascending order, without allocating. */
  forEach(fn: (doc: number) => void): void {
    const w = this.words;
    for (let i = 0; i < w.length; i++) {
      let word = w[i]!;
      while (word !== 0) {
        const bit = 31 - Math.clz32(word & -word);
        fn((i << 5) | bit);
        word &= word - 1;
      }
    }
  }

  /** The set documents in ascending order (written into `into` when given, sized to the count). */
  toArray(into?: Int32Array): Int32Array {
    const out = into ?? new Int32Array(this.count());
    let n = 0;
    const w = this.words;
    for (let i = 0; i < w.length; i++) {
      let word = w[i]!;
      while (word !== 0) {
        const bit = 31 - Math.clz32(word & -word);
        out[n++] = (i << 5) | bit;
        word &= word - 1;
      }
    }
    return out;
  }
}
