/**
 * Samples a continuous distribution in constant time by looking up its inverse CDF on a grid of
 * `size` equal-probability cells (the cell midpoints). The data generator uses it for log-normal
 * sizes and latencies and exponential gaps: a lookup instead of `Math.log`/`Math.exp`/Box-Muller
 * per event makes `next()` several times faster, and 4096 cells are far finer than values that
 * are rounded to whole bytes and milliseconds anyway. Tails are cut at the outermost midpoints
 * (about 3.5 standard deviations for a normal).
 */
export class QuantileTable {
  private readonly values: Float64Array;

  constructor(inverseCdf: (p: number) => number, size = 4096) {
    this.values = new Float64Array(size);
    for (let i = 0; i < size; i++) this.values[i] = inverseCdf((i + 0.5) / size);
  }

  /** Log-normal with the given median and sigma (the standard deviation of its logarithm). */
  static logNormal(median: number, sigma: number): QuantileTable {
    return new QuantileTable((p) => median * Math.exp(sigma * standardNormalQuantile(p)));
  }

  /** Exponential with the given mean: the gaps between events of a Poisson process. */
  static exponential(mean: number): QuantileTable {
    return new QuantileTable((p) => -Math.log(1 - p) * mean);
  }

  /** A value for `u`, uniform in [0, 1). */
  sample(u: number): number {
    return this.values[(u * this.values.length) | 0]!;
  }
}

// Coefficients of Acklam's rational approximation (relative error below 1.15e-9).
const A = [
  -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
  2.506628277459239,
];
const B = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
const C = [
  -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
const P_LOW = 0.02425;

/** The standard normal's inverse CDF: the z with P(Z <= z) = p, for 0 < p < 1. */
export function standardNormalQuantile(p: number): number {
  const [a0, a1, a2, a3, a4, a5] = A as [number, number, number, number, number, number];
  const [b0, b1, b2, b3, b4] = B as [number, number, number, number, number];
  const [c0, c1, c2, c3, c4, c5] = C as [number, number, number, number, number, number];
  const [d0, d1, d2, d3] = D as [number, number, number, number];
  if (p < P_LOW) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  if (p > 1 - P_LOW) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return (
      -(((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    );
  }
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  );
}
