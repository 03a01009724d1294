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

  add(doc: number, values: readonly (string | number)[]): void {
    this.values = growFloat64(this.values, doc + 1);
    if (values.length === 1) {
      this.values[doc] = Number(values[0]);
      return;
    }
    const nums = Float64Array.from(values, Number).sort();
    this.values[doc] = nums[0]!;
    this.multi.set(doc, nums);
  }

  has(doc: number): boolean {
    return doc < this.values.length && !Number.isNaN(this.values[doc]!);
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
