/**
 * `date_histogram` (`fixed_interval`, `calendar_interval`, `time_zone` as UTC or a fixed offset,
 * `offset`, `format`, `min_doc_count` (default 0: empty buckets between the first and last are
 * filled, as in ES), `extended_bounds`, `order`, `keyed`) and `histogram` (`interval`, `offset`,
 * the same bucket options). Keys are bucket starts; dates also get `key_as_string`. Like ES, more
 * than 65,535 buckets is `too_many_buckets_exception`. The deprecated `interval` of date_histogram
 * and `hard_bounds` are refused.
 */
import {
  illegalArgument,
  parsingError,
  SearchEngineError,
  searchPhaseError,
} from '../../search-engine-error.js';
import { DEFAULT_DATE_FORMAT, formatDate, parseDate, zoneOffsetMs } from '../mapping/date-format.js';
import { isPlainObject } from '../mapping/index-mapping.js';
import {
  type Aggregation,
  type AggregationSpec,
  allowParams,
  type DocSet,
  requireField,
  subAggregationsNeedScores,
  withMeta,
} from './aggregation.js';
import { type Assignment, countDocs, emptySets, groupDocs, renderBucket } from './buckets.js';
import { type FieldReader, fieldReader, fieldTypeAcross } from './field-reader.js';
import { calendarRounding, fixedRounding, parseFixedInterval, type Rounding } from './interval-rounding.js';
import { nonNegative, parseOrder } from './terms-aggregation.js';

const MAX_BUCKETS = 65_535;
const SHARED = ['field', 'offset', 'min_doc_count', 'extended_bounds', 'order', 'keyed', 'format', 'missing'];

export class HistogramAggregation implements Aggregation {
  readonly name: string;
  private readonly field: string;
  private readonly rounding: Rounding;
  private readonly zoneMs: number;
  private readonly minDocCount: number;
  private readonly isDate: boolean;
  private readonly bounds: [number, number] | undefined;
  private readonly order;
  private readonly keyed: boolean;
  private readonly format: string | undefined;

  readonly needsScores: boolean;

  constructor(private readonly spec: AggregationSpec) {
    this.needsScores = subAggregationsNeedScores(spec);
    this.name = spec.name;
    this.isDate = spec.type === 'date_histogram';
    const p = spec.params;
    allowParams(
      spec,
      this.isDate
        ? [...SHARED, 'fixed_interval', 'calendar_interval', 'interval', 'time_zone']
        : [...SHARED, 'interval'],
    );
    this.field = requireField(spec);
    if (p.missing !== undefined)
      throw parsingError(`[${spec.type}] option [missing] is not supported by the embedded engine`);
    this.minDocCount = nonNegative(p.min_doc_count, 0, 'min_doc_count');
    this.keyed = p.keyed === true;
    this.format = typeof p.format === 'string' ? p.format : undefined;
    this.order = parseOrder(p.order, [{ by: '_key', desc: false }]);
    for (const o of this.order)
      if (o.by !== '_key' && o.by !== '_count')
        throw parsingError(`[${spec.type}] order [${o.by}] is not supported by the embedded engine`);
    if (this.isDate) {
      this.zoneMs = p.time_zone === undefined ? 0 : zoneOffsetMs(String(p.time_zone));
      const offset = p.offset === undefined ? 0 : parseSignedDuration(p.offset);
      if (p.interval !== undefined) {
        throw illegalArgument(
          '[interval] on [date_histogram] is deprecated and not supported by the embedded engine; use [fixed_interval] or [calendar_interval]',
        );
      }
      if (p.fixed_interval !== undefined && p.calendar_interval !== undefined) {
        throw illegalArgument('Cannot use [fixed_interval] with [calendar_interval] configuration option.');
      }
      if (p.fixed_interval !== undefined)
        this.rounding = fixedRounding(parseFixedInterval(p.fixed_interval), offset);
      else if (p.calendar_interval !== undefined)
        this.rounding = calendarRounding(p.calendar_interval, offset);
      // ES finds this on the shards: a search-phase failure, not a parse error.
      else
        throw searchPhaseError(illegalArgument('Invalid interval specified, must be non-null and non-empty'));
    } else {
      this.zoneMs = 0;
      const interval = Number(p.interval);
      if (!(interval > 0))
        throw illegalArgument(`[interval] must be >0 for histogram aggregation [${spec.name}]`);
      this.rounding = fixedRounding(interval, p.offset === undefined ? 0 : Number(p.offset));
    }
    this.bounds = this.parseBounds(p.extended_bounds);
  }

  private parseBounds(json: unknown): [number, number] | undefined {
    if (json === undefined) return undefined;
    if (!isPlainObject(json)) throw parsingError('[extended_bounds] must be an object');
    const read = (v: unknown): number => {
      const n = this.isDate ? parseDate(v, `${DEFAULT_DATE_FORMAT}`) : Number(v);
      if (n === undefined || !Number.isFinite(n))
        throw parsingError(`[extended_bounds] cannot parse [${String(v)}]`);
      return n;
    };
    return [read(json.min), read(json.max)];
  }

  run(sets: readonly DocSet[]): Record<string, unknown> {
    const readers = sets.map((s) => fieldReader(s.target, this.field));
    const typed = fieldTypeAcross(readers);
    if (typed !== undefined && typed.kind === 'keyword') {
      throw illegalArgument(
        `Field [${this.field}] of type [${typed.type}] is not supported for aggregation [${this.spec.type}]`,
      );
    }
    const zone = this.zoneMs;
    const rounding = this.rounding;
    // Pass 1: the range of bucket ordinals; pass 2 (single-valued columns): each document's bucket.
    let minOrd = Number.POSITIVE_INFINITY;
    let maxOrd = Number.NEGATIVE_INFINITY;
    sets.forEach((set, s) => {
      const reader = readers[s]!;
      if (reader.kind !== 'number' || reader.column === undefined) return;
      const col = reader.column;
      if (col.multi.size === 0) {
        let lo = Number.POSITIVE_INFINITY;
        let hi = Number.NEGATIVE_INFINITY;
        for (const doc of set.docs) {
          const v = col.valueAt(doc);
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        if (lo <= hi) {
          minOrd = Math.min(minOrd, rounding.ordinal(lo + zone));
          maxOrd = Math.max(maxOrd, rounding.ordinal(hi + zone));
        }
        return;
      }
      for (const doc of set.docs) {
        col.forEachValue(doc, (v) => {
          const o = rounding.ordinal(v + zone);
          if (o < minOrd) minOrd = o;
          if (o > maxOrd) maxOrd = o;
        });
      }
    });
    if (this.bounds !== undefined && this.minDocCount === 0) {
      minOrd = Math.min(minOrd, rounding.ordinal(this.bounds[0] + zone));
      maxOrd = Math.max(maxOrd, rounding.ordinal(this.bounds[1] + zone));
    }
    if (!Number.isFinite(minOrd)) return withMeta(this.spec, { buckets: this.keyed ? {} : [] });
    const span = maxOrd - minOrd + 1;
    if (span > MAX_BUCKETS && this.minDocCount === 0) throw tooManyBuckets(span);
    const aligned = sets.map((set, s) => {
      const reader = readers[s]!;
      if (reader.kind !== 'number' || reader.column === undefined || reader.column.multi.size > 0)
        return undefined;
      const column = reader.column;
      const docs = set.docs;
      const a = set.scratch.ints(docs.length);
      for (let i = 0; i < docs.length; i++) {
        const v = column.valueAt(docs[i]!);
        a[i] = Number.isNaN(v) ? -1 : rounding.ordinal(v + zone) - minOrd;
      }
      return a;
    });
    const how: Assignment = {
      aligned,
      assign: (s, doc, emit) => {
        const reader = readers[s]!;
        if (reader.kind === 'number' && reader.column !== undefined) {
          reader.column.forEachValue(doc, (v) => emit(rounding.ordinal(v + zone) - minOrd));
        }
      },
    };
    const subs = this.spec.subAggregations;
    const counts = countDocs(sets, span, how);
    let ords: number[] = [];
    for (let i = 0; i < span; i++)
      if (counts[i]! >= this.minDocCount && (counts[i]! > 0 || this.minDocCount === 0)) ords.push(i);
    if (ords.length > MAX_BUCKETS) throw tooManyBuckets(ords.length);
    const grouped = subs.length > 0 ? groupDocs(sets, span, how) : undefined;
    const empty = subs.length > 0 ? emptySets(sets) : undefined;
    ords = ords.sort((a, b) => {
      for (const o of this.order) {
        const cmp = o.by === '_count' ? counts[a]! - counts[b]! : a - b;
        if (cmp !== 0) return o.desc ? -cmp : cmp;
      }
      return a - b;
    });
    const rendered = ords.map((i) => {
      const key = rounding.start(i + minOrd) - zone;
      const fields: Record<string, unknown> = this.isDate
        ? { key_as_string: this.formatKey(key, typed), key }
        : { key };
      return renderBucket(fields, counts[i]!, subs, grouped?.[i] ?? empty);
    });
    if (!this.keyed) return withMeta(this.spec, { buckets: rendered });
    const keyed: Record<string, unknown> = {};
    for (const b of rendered) keyed[String(b.key_as_string ?? formatDouble(b.key as number))] = b;
    return withMeta(this.spec, { buckets: keyed });
  }

  private formatKey(key: number, typed: FieldReader | undefined): string {
    const format = this.format ?? (typed?.kind === 'number' ? typed.format : DEFAULT_DATE_FORMAT);
    return formatDate(key, format, this.zoneMs);
  }
}

function tooManyBuckets(n: number): SearchEngineError {
  return new SearchEngineError(
    'too_many_buckets_exception',
    `Trying to create too many buckets. Must be less than or equal to: [${MAX_BUCKETS}] but was [${n}]. This limit can be set by changing the [search.max_buckets] cluster level setting.`,
    400,
    { extra: { max_buckets: MAX_BUCKETS } },
  );
}

function parseSignedDuration(value: unknown): number {
  if (typeof value === 'number') return value;
  const m = /^([+-]?)(\d+)(ms|s|m|h|d)$/.exec(String(value));
  if (!m) throw illegalArgument(`failed to parse [offset] value [${String(value)}]`);
  const ms = parseFixedInterval(`${m[2]}${m[3]}`);
  return m[1] === '-' ? -ms : ms;
}

export function formatDouble(n: number): string {
  return Number.isInteger(n) ? n.toFixed(1) : String(n);
}
