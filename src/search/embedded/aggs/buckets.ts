/**
 * Shared machinery of bucket aggregations: grouping each index's matching documents into buckets
 * (a document may land in several, e.g. multi-valued terms) and rendering a bucket with its
 * sub-aggregations. Grouping is two passes over typed arrays (count, then fill), no per-document
 * allocation.
 */
import { type Aggregation, type DocSet, runAggregations } from './aggregation.js';

/** Emits the bucket numbers `doc` of set `s` falls into. */
export type BucketAssigner = (s: number, doc: number, emit: (bucket: number) => void) => void;

/**
 * Where each document goes: per set either `aligned[s]` (one bucket per entry of `docs`, -1 for
 * none: the fast path for single-valued fields) or the `assign` callback (multi-valued fields).
 */
export interface Assignment {
  readonly aligned: readonly (Int32Array | undefined)[];
  readonly assign: BucketAssigner;
}

/** Per bucket, per set: the documents in it (views into one scratch array per set). */
export function groupDocs(sets: readonly DocSet[], buckets: number, how: Assignment): DocSet[][] {
  const out: DocSet[][] = Array.from({ length: buckets }, () => []);
  sets.forEach((set, s) => {
    const counts = new Int32Array(buckets);
    const aligned = how.aligned[s];
    const docs = set.docs;
    let total = 0;
    if (aligned !== undefined) {
      for (let i = 0; i < aligned.length; i++) {
        const b = aligned[i]!;
        if (b >= 0) counts[b]!++;
      }
    } else {
      for (const doc of docs) forEachBucketOnce(how.assign, s, doc, (b) => counts[b]!++);
    }
    const starts = new Int32Array(buckets);
    for (let b = 0; b < buckets; b++) {
      starts[b] = total;
      total += counts[b]!;
    }
    const all = set.scratch.ints(total);
    const fill = starts.slice();
    if (aligned !== undefined) {
      for (let i = 0; i < aligned.length; i++) {
        const b = aligned[i]!;
        if (b >= 0) all[fill[b]!++] = docs[i]!;
      }
    } else {
      for (const doc of docs) forEachBucketOnce(how.assign, s, doc, (b) => (all[fill[b]!++] = doc));
    }
    for (let b = 0; b < buckets; b++) {
      out[b]!.push({
        target: set.target,
        docs: all.subarray(starts[b]!, starts[b]! + counts[b]!),
        score: set.score,
        scratch: set.scratch,
      });
    }
  });
  return out;
}

/** Counts documents per bucket (each document once per bucket). */
export function countDocs(sets: readonly DocSet[], buckets: number, how: Assignment): Float64Array {
  const counts = new Float64Array(buckets);
  sets.forEach((set, s) => {
    const aligned = how.aligned[s];
    if (aligned !== undefined) {
      for (let i = 0; i < aligned.length; i++) {
        const b = aligned[i]!;
        if (b >= 0) counts[b]!++;
      }
      return;
    }
    for (const doc of set.docs) forEachBucketOnce(how.assign, s, doc, (b) => counts[b]!++);
  });
  return counts;
}

/** A document counts once per bucket even when several of its values fall in it. */
function forEachBucketOnce(assign: BucketAssigner, s: number, doc: number, fn: (b: number) => void): void {
  let seen: number[] | undefined;
  let first = -1;
  assign(s, doc, (b) => {
    if (b === first || seen?.includes(b)) return;
    if (first < 0) first = b;
    else (seen ??= []).push(b);
    fn(b);
  });
}

export function emptySets(sets: readonly DocSet[]): DocSet[] {
  return sets.map((s) => ({ target: s.target, docs: new Int32Array(0), score: s.score, scratch: s.scratch }));
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
