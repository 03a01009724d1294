/**
 * Picks items with given weights in constant time (Vose's alias method), from one uniform number.
 * The data generator draws several of these per event, 10 million times in a benchmark, so a pick
 * is two array reads and a comparison: no search, no allocation.
 */
export class WeightedChoice<T> {
  private readonly items: readonly T[];
  private readonly threshold: Float64Array;
  private readonly alias: Int32Array;

  constructor(entries: ReadonlyArray<readonly [T, number]>) {
    const n = entries.length;
    if (n === 0) throw new RangeError('WeightedChoice needs at least one item');
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    if (!(total > 0) || entries.some(([, w]) => !(w >= 0))) {
      throw new RangeError('WeightedChoice needs weights >= 0 with a positive sum');
    }
    this.items = entries.map(([item]) => item);
    this.threshold = new Float64Array(n);
    this.alias = new Int32Array(n);
    const scaled = entries.map(([, w]) => (w * n) / total);
    const small: number[] = [];
    const large: number[] = [];
    for (let i = 0; i < n; i++) (scaled[i]! < 1 ? small : large).push(i);
    while (small.length > 0 && large.length > 0) {
      const s = small.pop()!;
      const l = large.pop()!;
      this.threshold[s] = scaled[s]!;
      this.alias[s] = l;
      scaled[l] = scaled[l]! + scaled[s]! - 1;
      (scaled[l]! < 1 ? small : large).push(l);
    }
    // Leftovers are 1 up to rounding error.
    for (const i of [...small, ...large]) {
      this.threshold[i] = 1;
      this.alias[i] = i;
    }
  }

  get size(): number {
    return this.items.length;
  }

  /** The item for `u`, a uniform number in [0, 1): its integer part picks a slot, the fraction a side. */
  pick(u: number): T {
    const x = u * this.items.length;
    const slot = x | 0;
    return this.items[x - slot < this.threshold[slot]! ? slot : this.alias[slot]!]!;
  }
}

/** Weights of a Zipf distribution over ranks 1..n (rank 1 most frequent): weight(k) = 1 / k^exponent. */
export function zipfWeights(n: number, exponent: number): number[] {
  const weights = new Array<number>(n);
  for (let k = 1; k <= n; k++) weights[k - 1] = 1 / k ** exponent;
  return weights;
}
