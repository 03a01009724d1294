/**
 * Doc values of a keyword-like field (`keyword`, `ip`): each distinct string gets an ordinal in
 * insertion order; `ords[doc]` is the document's ordinal, MISSING when it has none, MULTI when it
 * has several (then `multi.get(doc)` holds them). Term, terms, prefix and wildcard queries resolve
 * strings to ordinals once and scan `ords`; terms aggregations count by ordinal; sorting uses
 * `rank()`, the ordinals' position in sorted term order, rebuilt only after new terms arrived.
 */
import { growInt32 } from './growable.js';
import { StringIntMap } from './string-int-map.js';

export const MISSING = -1;
export const MULTI = -2;

export class KeywordColumn {
  readonly kind = 'keyword';
  readonly terms: string[] = [];
  private readonly dict = new StringIntMap((ord) => this.terms[ord] as string);
  ords = new Int32Array(0);
  readonly multi = new Map<number, Int32Array>();
  private ranks: Int32Array | undefined;
  /**
   * The distinct ordinals of the last multi-valued document, in insertion order, in a buffer that
   * doubles (`multi` holds a view of its used part), so a document with n values costs no n^2 copies.
   */
  private openDoc = -1;
  private open = new Int32Array(0);
  private openLength = 0;

  ordOf(term: string): number | undefined {
    const ord = this.dict.get(term);
    return ord < 0 ? undefined : ord;
  }

  /** Adds one value of `doc` (documents arrive in ascending order; a doc's values consecutively). */
  addValue(doc: number, value: string | number): void {
    if (doc >= this.ords.length) this.ords = growInt32(this.ords, doc + 1, MISSING);
    const ord = this.intern(typeof value === 'string' ? value : String(value));
    const current = this.ords[doc]!;
    if (current === MISSING) this.ords[doc] = ord;
    else if (current !== ord) this.addAnother(doc, current, ord);
  }

  /** A further value of `doc` (which has `current`): its distinct ordinals go into the open buffer. */
  private addAnother(doc: number, current: number, ord: number): void {
    if (doc !== this.openDoc) {
      // The doc's second value (or, were its values not consecutive, a later one).
      const known = current === MULTI ? this.multi.get(doc)! : Int32Array.of(current);
      this.openDoc = doc;
      this.open = new Int32Array(Math.max(4, known.length * 2));
      this.open.set(known);
      this.openLength = known.length;
      this.ords[doc] = MULTI;
    }
    if (this.open.subarray(0, this.openLength).includes(ord)) return;
    if (this.openLength === this.open.length) {
      const bigger = new Int32Array(this.open.length * 2);
      bigger.set(this.open);
      this.open = bigger;
    }
    this.open[this.openLength++] = ord;
    this.multi.set(doc, this.open.subarray(0, this.openLength));
  }

  private intern(term: string): number {
    const ord = this.terms.length;
    const found = this.dict.getOrAdd(term, ord);
    if (found >= 0) return found;
    this.terms.push(term);
    this.ranks = undefined;
    return ord;
  }

  /** Calls `fn` for each ordinal of `doc` (none when missing). */
  forEachOrd(doc: number, fn: (ord: number) => void): void {
    const ord = doc < this.ords.length ? this.ords[doc]! : MISSING;
    if (ord >= 0) fn(ord);
    else if (ord === MULTI) for (const o of this.multi.get(doc)!) fn(o);
  }

  has(doc: number): boolean {
    return doc < this.ords.length && this.ords[doc] !== MISSING;
  }

  /** `rank()[ord]` is the ordinal's position in sorted (UTF-16 code unit) term order. */
  rank(): Int32Array {
    if (this.ranks === undefined) {
      const order = this.terms
        .map((_, i) => i)
        .sort((a, b) => compareStrings(this.terms[a]!, this.terms[b]!));
      const ranks = new Int32Array(this.terms.length);
      order.forEach((ord, position) => {
        ranks[ord] = position;
      });
      this.ranks = ranks;
    }
    return this.ranks;
  }
}

/** Lucene compares terms as UTF-8 bytes; for BMP text that is code point order. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
