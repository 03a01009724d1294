/**
 * `range` and `date_range`: one bucket per `{ from, to, key }` (from inclusive, to exclusive),
 * sorted by from then to as ES sorts them, `keyed` for an object response. Keys default to
 * `from-to` with `*` for open ends, numbers printed as doubles (`*-100.0`), dates formatted; date
 * bounds accept date math (`now-1d/d`).
 */
import { illegalArgument, parsingError } from '../../search-engine-error.js';
import { DEFAULT_DATE_FORMAT, formatDate } from '../mapping/date-format.js';
import { isPlainObject } from '../mapping/index-mapping.js';
import { resolveDateMath } from '../query/date-math.js';
import {
  type Aggregation,
  type AggregationSpec,
  allowParams,
  type DocSet,
  requireField,
  subAggregationsNeedScores,
  withMeta,
} from './aggregation.js';
import { countDocs, groupDocs, renderBucket } from './buckets.js';
import { fieldReader, fieldTypeAcross } from './field-reader.js';
import { formatDouble } from './histogram-aggregations.js';

interface RangeSpec {
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly key: string | undefined;
}

export class RangeAggregation implements Aggregation {
  readonly name: string;
  private readonly field: string;
  private readonly ranges: RangeSpec[];
  private readonly isDate: boolean;
  private readonly keyed: boolean;

  readonly needsScores: boolean;

  constructor(private readonly spec: AggregationSpec) {
    this.needsScores = subAggregationsNeedScores(spec);
    allowParams(
      spec,
      spec.type === 'date_range' ? ['field', 'ranges', 'keyed', 'format'] : ['field', 'ranges', 'keyed'],
    );
    this.name = spec.name;
    this.field = requireField(spec);
    this.isDate = spec.type === 'date_range';
    this.keyed = spec.params.keyed === true;
    const ranges = spec.params.ranges;
    if (!Array.isArray(ranges) || ranges.length === 0)
      throw illegalArgument(`No [ranges] specified for the [${spec.name}] aggregation`);
    const bound = (v: unknown, roundUp: boolean): number | undefined => {
      if (v === undefined || v === null) return undefined;
      if (this.isDate) return resolveDateMath(v, { clock: spec.clock, roundUp, format: this.format() });
      const n = Number(v);
      if (!Number.isFinite(n)) throw parsingError(`[range] cannot parse bound [${String(v)}]`);
      return n;
    };
    this.ranges = ranges
      .map((r): RangeSpec => {
        if (!isPlainObject(r)) throw parsingError('[ranges] must contain objects');
        for (const k of Object.keys(r))
          if (k !== 'from' && k !== 'to' && k !== 'key') throw parsingError(`[ranges] unknown field [${k}]`);
        return {
          from: bound(r.from, false),
          to: bound(r.to, false),
          key: r.key === undefined ? undefined : String(r.key),
        };
      })
      .sort(
        (a, b) =>
          (a.from ?? Number.NEGATIVE_INFINITY) - (b.from ?? Number.NEGATIVE_INFINITY) ||
          (a.to ?? Number.POSITIVE_INFINITY) - (b.to ?? Number.POSITIVE_INFINITY),
      );
  }

  private format(): string {
    return typeof this.spec.params.format === 'string' ? this.spec.params.format : DEFAULT_DATE_FORMAT;
  }

  run(sets: readonly DocSet[]): Record<string, unknown> {
    const readers = sets.map((s) => fieldReader(s.target, this.field));
    const typed = fieldTypeAcross(readers);
    if (typed?.kind === 'keyword')
      throw illegalArgument(
        `Field [${this.field}] of type [${typed.type}] is not supported for aggregation [${this.spec.type}]`,
      );
    const format =
      typed?.kind === 'number' && this.spec.params.format === undefined ? typed.format : this.format();
    const ranges = this.ranges;
    const assign = (s: number, doc: number, emit: (b: number) => void): void => {
      const reader = readers[s]!;
      if (reader.kind !== 'number' || reader.column === undefined) return;
      // A range that several values of the document fall in is emitted once each time;
      // forEachBucketOnce (buckets.ts) counts the document once per range.
      reader.column.forEachValue(doc, (v) => {
        for (let r = 0; r < ranges.length; r++) {
          const range = ranges[r]!;
          if ((range.from === undefined || v >= range.from) && (range.to === undefined || v < range.to))
            emit(r);
        }
      });
    };
    const subs = this.spec.subAggregations;
    const how = { aligned: [], assign };
    const counts = countDocs(sets, ranges.length, how);
    const grouped = subs.length > 0 ? groupDocs(sets, ranges.length, how) : undefined;
    const show = (v: number) => (this.isDate ? formatDate(v, format) : formatDouble(v));
    const buckets = ranges.map((r, i) => {
      const key =
        r.key ?? `${r.from === undefined ? '*' : show(r.from)}-${r.to === undefined ? '*' : show(r.to)}`;
      const fields: Record<string, unknown> = { key };
      if (r.from !== undefined) {
        fields.from = r.from;
        if (this.isDate) fields.from_as_string = formatDate(r.from, format);
      }
      if (r.to !== undefined) {
        fields.to = r.to;
        if (this.isDate) fields.to_as_string = formatDate(r.to, format);
      }
      return renderBucket(fields, counts[i]!, subs, grouped?.[i]);
    });
    if (!this.keyed) return withMeta(this.spec, { buckets });
    const keyed: Record<string, unknown> = {};
    for (const b of buckets) {
      const { key, ...rest } = b;
      keyed[String(key)] = rest;
    }
    return withMeta(this.spec, { buckets: keyed });
  }
}
