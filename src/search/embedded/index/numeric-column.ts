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

  /** Adds one value of `doc` (documents arrive in ascending order; a doc's values consecutively). */
  addValue(doc: number, value: number): void {
    if (doc >= this.values.length) this.values = growFloat64(this.values, doc + 1);
    const current = this.values[doc]!;
    if (Number.isNaN(current)) {
      this.values[doc] = value;
      return;
    }
    const many = this.multi.get(doc);
    const all = many === undefined ? Float64Array.of(current, value) : Float64Array.of(...many, value);
    all.sort();
    this.values[doc] = all[0]!;
    this.multi.set(doc, all);
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
