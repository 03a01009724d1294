/**
 * `percentiles` (`percents`, default 1 5 25 50 75 95 99; `keyed`, default true; `missing`).
 * Computed exactly from the sorted values with the interpolation a t-digest uses while every
 * centroid holds one value: value i sits at rank i + 0.5, ranks in between interpolate linearly,
 * ranks outside clamp to the min/max. ES's t-digest gives the same numbers on small inputs and
 * approximations of them on large ones. Not supported: `hdr`, `tdigest.compression` tuning.
 */
import { parsingError } from '../../search-engine-error.js';
import { formatDate } from '../mapping/date-format.js';
import { type Aggregation, type AggregationSpec, allowParams, type DocSet, withMeta } from './aggregation.js';
import { formatDouble } from './histogram-aggregations.js';
import { forEachMetricValue } from './metric-aggregations.js';

const DEFAULT_PERCENTS = [1, 5, 25, 50, 75, 95, 99];

export function percentile(sorted: Float64Array, percent: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const rank = (percent / 100) * n - 0.5;
  if (rank <= 0) return sorted[0]!;
  if (rank >= n - 1) return sorted[n - 1]!;
  const lo = Math.floor(rank);
  const frac = rank - lo;
  return sorted[lo]! + frac * (sorted[lo + 1]! - sorted[lo]!);
}

export class PercentilesAggregation implements Aggregation {
  readonly name: string;
  private readonly field: string;
  private readonly percents: number[];
  private readonly keyed: boolean;

  constructor(private readonly spec: AggregationSpec) {
    allowParams(spec, ['field', 'percents', 'keyed', 'missing', 'tdigest']);
    this.name = spec.name;
    if (typeof spec.params.field !== 'string') throw parsingError(`[percentiles] requires a [field]`);
    this.field = spec.params.field;
    const percents = spec.params.percents ?? DEFAULT_PERCENTS;
    if (!Array.isArray(percents) || percents.some((p) => typeof p !== 'number' || p < 0 || p > 100)) {
      throw parsingError('[percents] must be an array of numbers between 0 and 100');
    }
    this.percents = percents as number[];
    this.keyed = spec.params.keyed !== false;
  }

  run(sets: readonly DocSet[]): Record<string, unknown> {
    let values = new Float64Array(1024);
    let n = 0;
    const typed = forEachMetricValue(this.spec, sets, this.field, (v) => {
      if (n === values.length) {
        const next = new Float64Array(n * 2);
        next.set(values);
        values = next;
      }
      values[n++] = v;
    });
    const sorted = values.subarray(0, n).sort();
    const isDate = typed?.kind === 'number' && typed.type === 'date';
    const rows = this.percents.map((p) => {
      const value = percentile(sorted, p);
      const key = formatDouble(p);
      const asString =
        isDate && value !== null && typed?.kind === 'number' ? formatDate(value, typed.format) : undefined;
      return { p, key, value, asString };
    });
    if (!this.keyed) {
      return withMeta(this.spec, {
        values: rows.map((r) => ({
          key: r.p,
          value: r.value,
          ...(r.asString === undefined ? {} : { value_as_string: r.asString }),
        })),
      });
    }
    const out: Record<string, unknown> = {};
    for (const r of rows) {
      out[r.key] = r.value;
      if (r.asString !== undefined) out[`${r.key}_as_string`] = r.asString;
    }
    return withMeta(this.spec, { values: out });
  }
}
