/**
 * Single- and multi-value metrics over a numeric, date or boolean field: `avg`, `sum`, `min`,
 * `max`, `stats`, `value_count` and `cardinality` (both also on keyword fields), with `missing`
 * (a value for documents without one). Empty inputs answer as ES does: sum 0, avg/min/max null.
 * Date fields add `value_as_string`. Cardinality is exact (ES is exact below its default
 * precision threshold of 3,000 values and approximate above it).
 */
import { illegalArgument } from '../../search-engine-error.js';
import { formatDate } from '../mapping/date-format.js';
import {
  type Aggregation,
  type AggregationSpec,
  allowParams,
  type DocSet,
  requireField,
  withMeta,
} from './aggregation.js';
import { type FieldReader, fieldReader, fieldTypeAcross } from './field-reader.js';

export interface NumericSummary {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/** Calls `fn` for every numeric value of the matching documents (with `missing` filled in). */
export function forEachMetricValue(
  spec: AggregationSpec,
  sets: readonly DocSet[],
  field: string,
  fn: (v: number) => void,
): FieldReader | undefined {
  const readers = sets.map((s) => fieldReader(s.target, field));
  const typed = fieldTypeAcross(readers);
  if (typed?.kind === 'keyword') {
    throw illegalArgument(
      `Field [${field}] of type [${typed.type}] is not supported for aggregation [${spec.type}]`,
    );
  }
  const missing = spec.params.missing === undefined ? undefined : Number(spec.params.missing);
  sets.forEach((set, s) => {
    const reader = readers[s]!;
    const col = reader.kind === 'number' ? reader.column : undefined;
    if (col !== undefined && col.multi.size === 0 && missing === undefined) {
      for (const doc of set.docs) {
        const v = col.valueAt(doc);
        if (!Number.isNaN(v)) fn(v);
      }
      return;
    }
    for (const doc of set.docs) {
      let any = false;
      col?.forEachValue(doc, (v) => {
        any = true;
        fn(v);
      });
      if (!any && missing !== undefined) fn(missing);
    }
  });
  return typed;
}

function summarize(
  spec: AggregationSpec,
  sets: readonly DocSet[],
  field: string,
): [NumericSummary, FieldReader | undefined] {
  const s: NumericSummary = {
    count: 0,
    sum: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
  };
  const typed = forEachMetricValue(spec, sets, field, (v) => {
    s.count++;
    s.sum += v;
    if (v < s.min) s.min = v;
    if (v > s.max) s.max = v;
  });
  return [s, typed];
}

function asString(typed: FieldReader | undefined, value: number | null): Record<string, string> {
  if (value === null || typed?.kind !== 'number' || typed.type !== 'date') return {};
  return { value_as_string: formatDate(value, typed.format) };
}

type Metric = 'avg' | 'sum' | 'min' | 'max';

export class SingleMetric implements Aggregation {
  readonly name: string;
  private readonly field: string;

  constructor(private readonly spec: AggregationSpec) {
    allowParams(spec, ['field', 'missing']);
    this.name = spec.name;
    this.field = requireField(spec);
  }

  run(sets: readonly DocSet[]): Record<string, unknown> {
    const [s, typed] = summarize(this.spec, sets, this.field);
    const metric = this.spec.type as Metric;
    let value: number | null;
    if (metric === 'sum') value = s.sum;
    else if (s.count === 0) value = null;
    else value = metric === 'avg' ? s.sum / s.count : metric === 'min' ? s.min : s.max;
    return withMeta(this.spec, {
      value,
      ...(metric === 'sum' && s.count === 0 ? {} : asString(typed, value)),
    });
  }
}

export class StatsMetric implements Aggregation {
  readonly name: string;
  private readonly field: string;

  constructor(private readonly spec: AggregationSpec) {
    allowParams(spec, ['field', 'missing']);
    this.name = spec.name;
    this.field = requireField(spec);
  }

  run(sets: readonly DocSet[]): Record<string, unknown> {
    const [s, typed] = summarize(this.spec, sets, this.field);
    const empty = s.count === 0;
    const out: Record<string, unknown> = {
      count: s.count,
      min: empty ? null : s.min,
      max: empty ? null : s.max,
      avg: empty ? null : s.sum / s.count,
      sum: s.sum,
    };
    if (!empty && typed?.kind === 'number' && typed.type === 'date') {
      out.min_as_string = formatDate(s.min, typed.format);
      out.max_as_string = formatDate(s.max, typed.format);
      out.avg_as_string = formatDate(s.sum / s.count, typed.format);
      out.sum_as_string = formatDate(s.sum, typed.format);
    }
    return withMeta(this.spec, out);
  }
}

/** value_count and cardinality: also work on keyword fields. */
export class CountingMetric implements Aggregation {
  readonly name: string;
  private readonly field: string;

  constructor(private readonly spec: AggregationSpec) {
    allowParams(
      spec,
      spec.type === 'cardinality' ? ['field', 'missing', 'precision_threshold'] : ['field', 'missing'],
    );
    this.name = spec.name;
    this.field = requireField(spec);
  }

  run(sets: readonly DocSet[]): Record<string, unknown> {
    const distinct = this.spec.type === 'cardinality';
    const seen = new Set<string | number>();
    let count = 0;
    const missing = this.spec.params.missing;
    sets.forEach((set) => {
      const reader = fieldReader(set.target, this.field);
      for (const doc of set.docs) {
        let any = false;
        if (reader.kind === 'keyword' && reader.column !== undefined) {
          const col = reader.column;
          col.forEachOrd(doc, (ord) => {
            any = true;
            count++;
            if (distinct) seen.add(col.terms[ord]!);
          });
        } else if (reader.kind === 'number' && reader.column !== undefined) {
          reader.column.forEachValue(doc, (v) => {
            any = true;
            count++;
            if (distinct) seen.add(v);
          });
        }
        if (!any && missing !== undefined) {
          count++;
          if (distinct) seen.add(typeof missing === 'number' ? missing : String(missing));
        }
      }
    });
    return withMeta(this.spec, { value: distinct ? seen.size : count });
  }
}
