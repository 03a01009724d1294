/**
 * Shared machinery of bucket aggregations: grouping each index's matching documents into buckets
 * (a document may land in several, e.g. multi-valued terms) and rendering a bucket with its
 * sub-aggregations. Grouping is two passes over typed arrays (count, then fill), no per-document
 * allocation.
 */
import { type Aggregation, type DocSet, runAggregations } from './aggregation.js';

/** Emits the bucket numbers `doc` of set `s` falls into. */
export type BucketAssigner = (s: number, doc: number, emit: (bucket: number) => void) => void;

/** Per bucket, per set: the documents in it. */
export function groupDocs(sets: readonly DocSet[], buckets: number, assign: BucketAssigner): DocSet[][] {
  const out: DocSet[][] = Array.from({ length: buckets }, () => []);
  sets.forEach((set, s) => {
    const counts = new Int32Array(buckets);
    for (const doc of set.docs) assign(s, doc, (b) => counts[b]!++);
    const lists = Array.from(counts, (n) => new Int32Array(n));
    const fill = new Int32Array(buckets);
    for (const doc of set.docs) {
      let last = -1;
      assign(s, doc, (b) => {
        // A document counts once per bucket even when several of its values fall in it.
        if (b === last) return;
        last = b;
        lists[b]![fill[b]!++] = doc;
      });
    }
    for (let b = 0; b < buckets; b++)
      out[b]!.push({ target: set.target, docs: lists[b]!.subarray(0, fill[b]!), score: set.score });
  });
  return out;
}

/** Counts documents per bucket (each document once per bucket). */
export function countDocs(sets: readonly DocSet[], buckets: number, assign: BucketAssigner): Float64Array {
  const counts = new Float64Array(buckets);
  sets.forEach((set, s) => {
    for (const doc of set.docs) {
      let last = -1;
      assign(s, doc, (b) => {
        if (b === last) return;
        last = b;
        counts[b]!++;
      });
    }
  });
  return counts;
}

export function emptySets(sets: readonly DocSet[]): DocSet[] {
  return sets.map((s) => ({ target: s.target, docs: new Int32Array(0), score: s.score }));
}

/** A bucket's JSON: its own fields, `doc_count`, then one entry per sub-aggregation. */
export function renderBucket(
  fields: Record<string, unknown>,
  docCount: number,
  subs: readonly Aggregation[],
  docs: readonly DocSet[] | undefined,
): Record<string, unknown> {
  const bucket: Record<string, unknown> = { ...fields, doc_count: docCount };
  if (subs.length > 0 && docs !== undefined) Object.assign(bucket, runAggregations(subs, docs));
  return bucket;
}
