/**
 * Doc values of a numeric, date (epoch ms) or boolean (0/1) field: `values[doc]`, NaN when the
 * document has none; documents with several values keep them all in `multi` (and their minimum in
 * `values`, so single-valued loops stay branch-light). Range and term queries, sorting, histograms
 * and metric aggregations all read this column.
 */
import { growFloat64 } from './growable.js';

export class NumericColumn {
  readonly kind = 'number';
  values = new Float64Array(0);
  readonly multi = new Map<number, Float64Array>();
  /**
   * The sorted values of the last multi-valued document, in a buffer that doubles: `multi` holds a
   * view of its used part. Copying every value for each new one made a document with n values
   * cost n^2 (a 10,000-element array: 10^8 copies).
   */
  private openDoc = -1;
  private open = new Float64Array(0);
  private openLength = 0;

  /** Adds one value of `doc` (documents arrive in ascending order; a doc's values consecutively). */
  addValue(doc: number, value: number): void {
    if (doc >= this.values.length) this.values = growFloat64(this.values, doc + 1);
    const current = this.values[doc]!;
    if (Number.isNaN(current)) {
      this.values[doc] = value;
      return;
    }
    if (doc !== this.openDoc) {
      // (`multi` already has the doc only if its values did not arrive consecutively.)
      const known = this.multi.get(doc) ?? Float64Array.of(current);
      this.openDoc = doc;
      this.open = new Float64Array(Math.max(4, known.length * 2));
      this.open.set(known);
      this.openLength = known.length;
    } else if (this.openLength === this.open.length) {
      const bigger = new Float64Array(this.open.length * 2);
      bigger.set(this.open);
      this.open = bigger;
    }
    // Insertion into the sorted values (a shift, not a copy of the array).
    const open = this.open;
    let at = this.openLength;
    while (at > 0 && open[at - 1]! > value) at--;
    open.copyWithin(at + 1, at, this.openLength);
    open[at] = value;
    this.openLength++;
    this.values[doc] = open[0]!;
    this.multi.set(doc, open.subarray(0, this.openLength));
  }

  /**
   * The document's (minimum) value, NaN when it has none. `values` only grows as far as the last
   * document that had a value, so later documents lie past its end: read through this, not `values[doc]`.
   */
  valueAt(doc: number): number {
    return doc < this.values.length ? this.values[doc]! : Number.NaN;
  }

  has(doc: number): boolean {
    return !Number.isNaN(this.valueAt(doc));
  }

  /** Calls `fn` for each value of `doc`. */
  forEachValue(doc: number, fn: (value: number) => void): void {
    if (doc >= this.values.length) return;
    const v = this.values[doc]!;
    if (Number.isNaN(v)) return;
    const many = this.multi.get(doc);
    if (many === undefined) fn(v);
    else for (const m of many) fn(m);
  }

  /** The value a sort uses: the minimum for ascending, the maximum for descending (ES's default mode). */
  sortValue(doc: number, descending: boolean): number {
    if (doc >= this.values.length) return Number.NaN;
    const many = descending ? this.multi.get(doc) : undefined;
    return many === undefined ? this.values[doc]! : many[many.length - 1]!;
  }
}
