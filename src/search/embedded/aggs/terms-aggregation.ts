/**
 * `terms`: one bucket per distinct value (keyword, numeric, date, boolean fields), the `size`
 * largest by `order` (default `_count` desc, then `_key` asc), with `min_doc_count`, `missing`,
 * `sum_other_doc_count`, and ordering by a single-value metric sub-aggregation (`{"avg_ms": "desc"}`).
 * Counts are exact (one shard), so `doc_count_error_upper_bound` is always 0. Not supported:
 * `include`/`exclude`, scripts, `terms` on text fields (ES's fielddata error).
 */

import { illegalArgument, parsingError } from '../../search-engine-error.js';
import { MISSING, MULTI } from '../index/keyword-column.js';
import type { NumericColumn } from '../index/numeric-column.js';
import { formatDate } from '../mapping/date-format.js';
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
import { type Assignment, groupDocs, renderBucket } from './buckets.js';
import { type FieldReader, fieldReader, fieldTypeAcross } from './field-reader.js';

interface OrderKey {
  readonly by: string;
  readonly desc: boolean;
}

export function parseOrder(json: unknown, defaults: readonly OrderKey[]): OrderKey[] {
  if (json === undefined) return [...defaults];
  const list = Array.isArray(json) ? json : [json];
  return list.map((item) => {
    if (!isPlainObject(item) || Object.keys(item).length !== 1)
      throw parsingError('[order] must be an object with one key');
    const [by, dir] = Object.entries(item)[0]!;
    if (dir !== 'asc' && dir !== 'desc') throw parsingError(`Unknown order direction [${String(dir)}]`);
    return { by: by === '_term' ? '_key' : by, desc: dir === 'desc' };
  });
}

interface Bucket {
  readonly key: string | number;
  count: number;
  readonly missing: boolean;
}

export class TermsAggregation implements Aggregation {
  readonly name: string;
  private readonly field: string;
  private readonly size: number;
  private readonly minDocCount: number;
  private readonly shardSize: number | undefined;
  private readonly order: OrderKey[];

  readonly needsScores: boolean;

  constructor(private readonly spec: AggregationSpec) {
    this.needsScores = subAggregationsNeedScores(spec);
    allowParams(spec, [
      'field',
      'size',
      'order',
      'min_doc_count',
      'missing',
      'shard_size',
      'execution_hint',
      'collect_mode',
    ]);
    this.name = spec.name;
    this.field = requireField(spec);
    this.size = nonNegative(spec.params.size, 10, 'size');
    this.shardSize =
      spec.params.shard_size === undefined ? undefined : nonNegative(spec.params.shard_size, 0, 'shard_size');
    this.minDocCount = nonNegative(spec.params.min_doc_count, 1, 'min_doc_count');
    this.order = parseOrder(spec.params.order, [{ by: '_count', desc: true }]);
    for (const o of this.order) {
      if (
        o.by !== '_count' &&
        o.by !== '_key' &&
        !spec.subAggregations.some((a) => a.name === o.by.split('.')[0])
      ) {
        throw illegalArgument(`Invalid aggregator order path [${o.by}]. Unknown aggregation [${o.by}]`);
      }
    }
  }

  run(sets: readonly DocSet[]): Record<string, unknown> {
    const readers = sets.map((s) => fieldReader(s.target, this.field));
    const typed = fieldTypeAcross(readers);
    const buckets: Bucket[] = [];
    const byKey = new Map<string | number, number>();
    const bucketOf = (key: string | number, missing = false): number => {
      let b = byKey.get(key);
      if (b === undefined) {
        b = buckets.length;
        buckets.push({ key, count: 0, missing });
        byKey.set(key, b);
      }
      return b;
    };
    const missingParam = this.spec.params.missing;
    const missingKey =
      missingParam === undefined
        ? undefined
        : typed?.kind === 'number'
          ? Number(missingParam)
          : String(missingParam);
    const needDocs = this.spec.subAggregations.length > 0;
    const aligned: (Int32Array | undefined)[] = [];
    // Per set: ordinal -> bucket (keywords) so the grouping pass never touches strings.
    const ordBuckets: (Int32Array | undefined)[] = [];
    sets.forEach((set, s) => {
      const reader = readers[s]!;
      if (reader.kind === 'keyword' && reader.column !== undefined) {
        const col = reader.column;
        const counts = new Int32Array(col.terms.length);
        let missingCount = 0;
        const ords = col.ords;
        for (const doc of set.docs) {
          const ord = doc < ords.length ? ords[doc]! : MISSING;
          if (ord >= 0) counts[ord]!++;
          else if (ord === MULTI) for (const o of col.multi.get(doc)!) counts[o]!++;
          else missingCount++;
        }
        const map = new Int32Array(col.terms.length).fill(-1);
        counts.forEach((n, ord) => {
          if (n > 0 || this.minDocCount === 0) {
            const b = bucketOf(col.terms[ord]!);
            map[ord] = b;
            buckets[b]!.count += n;
          }
        });
        ordBuckets[s] = map;
        const missingBucket = missingKey !== undefined && missingCount > 0 ? bucketOf(missingKey, true) : -1;
        if (missingBucket >= 0) buckets[missingBucket]!.count += missingCount;
        if (needDocs && col.multi.size === 0) {
          const a = set.scratch.ints(set.docs.length);
          set.docs.forEach((doc, i) => {
            const ord = doc < ords.length ? ords[doc]! : MISSING;
            a[i] = ord >= 0 ? map[ord]! : missingBucket;
          });
          aligned[s] = a;
        }
      } else if (reader.kind === 'number' && reader.column !== undefined && reader.column.multi.size === 0) {
        aligned[s] = this.countSingleNumbers(
          set,
          reader.column,
          bucketOf,
          buckets,
          missingKey as number | undefined,
          needDocs,
        );
      } else {
        this.countNumbers(set, reader, bucketOf, buckets, missingKey);
      }
    });
    const assign = (s: number, doc: number, emit: (b: number) => void): void => {
      const reader = readers[s]!;
      let any = false;
      if (reader.kind === 'keyword' && reader.column !== undefined) {
        const map = ordBuckets[s]!;
        reader.column.forEachOrd(doc, (ord) => {
          any = true;
          emit(map[ord]!);
        });
      } else if (reader.kind === 'number' && reader.column !== undefined) {
        reader.column.forEachValue(doc, (v) => {
          any = true;
          emit(byKey.get(v)!);
        });
      }
      if (!any && missingKey !== undefined) emit(byKey.get(missingKey)!);
    };
    return withMeta(this.spec, this.render(sets, buckets, { aligned, assign }, typed));
  }

  /**
   * Single-valued numbers: small integer ranges (status codes, years, flags) count in an array
   * indexed by value; anything else through a Map. Returns per-document buckets when asked.
   */
  private countSingleNumbers(
    set: DocSet,
    column: NumericColumn,
    bucketOf: (key: number, missing?: boolean) => number,
    buckets: Bucket[],
    missingKey: number | undefined,
    needDocs: boolean,
  ): Int32Array | undefined {
    const docs = set.docs;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let integers = true;
    let missingCount = 0;
    for (const doc of docs) {
      const v = column.valueAt(doc);
      if (Number.isNaN(v)) {
        missingCount++;
        continue;
      }
      if (v < min) min = v;
      if (v > max) max = v;
      if (integers && !Number.isInteger(v)) integers = false;
    }
    const missingBucket = missingKey !== undefined && missingCount > 0 ? bucketOf(missingKey, true) : -1;
    if (missingBucket >= 0) buckets[missingBucket]!.count += missingCount;
    let bucketOfValue: (v: number) => number;
    if (integers && max - min < 65_536) {
      const counts = new Int32Array(max - min + 1);
      for (const doc of docs) {
        const v = column.valueAt(doc);
        if (!Number.isNaN(v)) counts[v - min]!++;
      }
      const valueBucket = new Int32Array(counts.length).fill(-1);
      counts.forEach((n, i) => {
        if (n === 0) return;
        const b = bucketOf(i + min);
        valueBucket[i] = b;
        buckets[b]!.count += n;
      });
      bucketOfValue = (v) => valueBucket[v - min]!;
    } else {
      const local = new Map<number, number>();
      for (const doc of docs) {
        const v = column.valueAt(doc);
        if (!Number.isNaN(v)) local.set(v, (local.get(v) ?? 0) + 1);
      }
      const map = new Map<number, number>();
      for (const [v, n] of local) {
        const b = bucketOf(v);
        map.set(v, b);
        buckets[b]!.count += n;
      }
      bucketOfValue = (v) => map.get(v)!;
    }
    if (!needDocs) return undefined;
    const aligned = set.scratch.ints(docs.length);
    for (let i = 0; i < docs.length; i++) {
      const doc = docs[i]!;
      const v = column.valueAt(doc);
      aligned[i] = Number.isNaN(v) ? missingBucket : bucketOfValue(v);
    }
    return aligned;
  }

  /** Multi-valued (or unmapped) fields: counted through a Map, grouped through the assign callback. */
  private countNumbers(
    set: DocSet,
    reader: FieldReader,
    bucketOf: (key: number, missing?: boolean) => number,
    buckets: Bucket[],
    missingKey: string | number | undefined,
  ): void {
    const col = reader.kind === 'number' ? reader.column : undefined;
    const local = new Map<number, number>();
    let missingCount = 0;
    for (const doc of set.docs) {
      let any = false;
      col?.forEachValue(doc, (v) => {
        any = true;
        local.set(v, (local.get(v) ?? 0) + 1);
      });
      if (!any) missingCount++;
    }
    for (const [v, n] of local) buckets[bucketOf(v)]!.count += n;
    if (missingKey !== undefined && missingCount > 0)
      buckets[bucketOf(missingKey as number, true)]!.count += missingCount;
  }

  private render(
    sets: readonly DocSet[],
    buckets: Bucket[],
    how: Assignment,
    typed: FieldReader | undefined,
  ): Record<string, unknown> {
    const subs = this.spec.subAggregations;
    const needsAllDocs = this.order.some((o) => o.by !== '_count' && o.by !== '_key');
    const candidates = buckets.map((_b, i) => i);
    let grouped: DocSet[][] | undefined;
    let subResults: Record<string, unknown>[] | undefined;
    if (needsAllDocs) {
      grouped = groupDocs(sets, buckets.length, how);
      subResults = buckets.map((_, i) => Object.fromEntries(subs.map((a) => [a.name, a.run(grouped![i]!)])));
    }
    const compare = (a: number, b: number): number => {
      for (const o of this.order) {
        let cmp: number;
        if (o.by === '_count') cmp = buckets[a]!.count - buckets[b]!.count;
        else if (o.by === '_key') cmp = compareKeys(buckets[a]!.key, buckets[b]!.key);
        else cmp = metricOf(subResults![a]!, o.by) - metricOf(subResults![b]!, o.by);
        if (cmp !== 0) return o.desc ? -cmp : cmp;
      }
      return compareKeys(buckets[a]!.key, buckets[b]!.key);
    };
    candidates.sort(compare);
    // As ES does on each shard: the top shard_size buckets (default size * 1.5 + 10, also for one
    // shard) are picked before min_doc_count drops some of them; sum_other_doc_count counts the
    // buckets outside that top plus those that passed but did not fit in `size` (checked against
    // ES 7.10 and OpenSearch 2/3 by the differential test).
    const shardSize = Math.max(this.shardSize ?? Math.floor(this.size * 1.5 + 10), this.size);
    const passing = candidates.slice(0, shardSize).filter((i) => buckets[i]!.count >= this.minDocCount);
    const shown = passing.slice(0, this.size);
    let other = 0;
    for (const i of candidates.slice(shardSize)) other += buckets[i]!.count;
    for (const i of passing.slice(this.size)) other += buckets[i]!.count;
    if (grouped === undefined && subs.length > 0) {
      const slot = new Int32Array(buckets.length).fill(-1);
      shown.forEach((b, i) => {
        slot[b] = i;
      });
      const compact = groupDocs(sets, shown.length, {
        // Rewritten in place: the aligned arrays are this search's scratch and not read again.
        aligned: how.aligned.map((a) => {
          if (a !== undefined) for (let i = 0; i < a.length; i++) a[i] = a[i]! >= 0 ? slot[a[i]!]! : -1;
          return a;
        }),
        assign: (s, doc, emit) =>
          how.assign(s, doc, (b) => {
            if (slot[b]! >= 0) emit(slot[b]!);
          }),
      });
      grouped = [];
      shown.forEach((b, i) => {
        grouped![b] = compact[i]!;
      });
    }
    return {
      doc_count_error_upper_bound: 0,
      sum_other_doc_count: other,
      buckets: shown.map((i) => {
        const b = buckets[i]!;
        const fields = renderKey(b.key, typed, b.missing);
        if (subResults !== undefined) return { ...fields, doc_count: b.count, ...subResults[i] };
        return renderBucket(fields, b.count, subs, grouped?.[i]);
      }),
    };
  }
}

function renderKey(
  key: string | number,
  typed: FieldReader | undefined,
  missing: boolean,
): Record<string, unknown> {
  if (typeof key === 'string' || typed === undefined || typed.kind !== 'number' || missing) return { key };
  if (typed.type === 'date') return { key, key_as_string: formatDate(key, typed.format) };
  if (typed.type === 'boolean') return { key, key_as_string: key === 1 ? 'true' : 'false' };
  return { key };
}

function compareKeys(a: string | number, b: string | number): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** A sub-aggregation's single value for ordering: `name` (value) or `name.metric` (stats). */
function metricOf(results: Record<string, unknown>, path: string): number {
  const [name, metric] = path.split('.');
  const result = results[name!] as Record<string, unknown> | undefined;
  const value = metric === undefined ? (result?.value ?? result?.doc_count) : result?.[metric];
  return typeof value === 'number' ? value : Number.NEGATIVE_INFINITY;
}

export function nonNegative(value: unknown, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw parsingError(`[${name}] must be a non-negative integer, got [${String(value)}]`);
  return n;
}
