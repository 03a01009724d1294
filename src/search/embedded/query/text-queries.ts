/**
 * Full-text clauses on a `text` field: terms (OR / AND / minimum_should_match, as `match` builds
 * them) and phrases, scored with BM25 from the field's postings. Query text goes through the same
 * standard analyzer as indexed text.
 */
import { Bitset } from '../index/bitset.js';
import { type Postings, PostingsCursor } from '../index/postings.js';
import type { TextField } from '../index/text-field.js';
import { idf, type Matches, type QueryContext, tfNorm } from './matches.js';

/** Documents containing at least `required` of `terms` (each occurrence in the query counts once). */
export function matchTerms(
  ctx: QueryContext,
  field: TextField,
  terms: readonly string[],
  required: number,
  boost: number,
): Matches {
  const { maxDoc } = ctx.index;
  const bits = new Bitset(maxDoc);
  const scores = ctx.scoring ? ctx.scratch.floats(maxDoc) : null;
  const counts = required > 1 ? new Uint16Array(maxDoc) : null;
  const avg = field.averageLength();
  const live = ctx.live;
  const deadline = ctx.deadline;
  let steps = 0;
  for (const term of terms) {
    const p = field.postingsOf(term);
    if (p === undefined) continue;
    const weight = boost * idf(field.docCount, p.docFreq);
    const cursor = new PostingsCursor(p);
    while (cursor.next()) {
      deadline?.every(++steps);
      const doc = cursor.doc;
      const freq = cursor.freq;
      if (!live.get(doc)) continue;
      if (counts !== null) counts[doc]!++;
      else bits.set(doc);
      if (scores !== null) scores[doc]! += weight * tfNorm(freq, field.lengths[doc]!, avg);
    }
  }
  if (counts !== null) for (let doc = 0; doc < maxDoc; doc++) if (counts[doc]! >= required) bits.set(doc);
  return { bits, scores, constant: 0 };
}

/** Documents where `terms` occur at consecutive positions (slop 0). */
export function matchPhrase(
  ctx: QueryContext,
  field: TextField,
  terms: readonly string[],
  boost: number,
): Matches {
  const { maxDoc } = ctx.index;
  const bits = new Bitset(maxDoc);
  const scores = ctx.scoring ? ctx.scratch.floats(maxDoc) : null;
  const lists: Postings[] = [];
  for (const term of terms) {
    const p = field.postingsOf(term);
    if (p === undefined) return { bits, scores, constant: 0 };
    lists.push(p);
  }
  const weight = boost * lists.reduce((sum, p) => sum + idf(field.docCount, p.docFreq), 0);
  const avg = field.averageLength();
  const first = new PostingsCursor(lists[0]!);
  const others = lists.slice(1).map((p) => new PostingsCursor(p));
  let firstPositions = new Int32Array(16);
  const otherPositions = others.map(() => new Int32Array(16));
  let steps = 0;
  while (first.next()) {
    ctx.deadline?.every(++steps);
    const doc = first.doc;
    if (!ctx.live.get(doc)) continue;
    if (!others.every((c) => c.advance(doc) && c.doc === doc)) {
      if (others.some((c) => c.exhausted)) break; // a term's postings ended: no later match
      continue;
    }
    if (first.freq > firstPositions.length) firstPositions = new Int32Array(first.freq * 2);
    first.readPositions(firstPositions);
    others.forEach((c, t) => {
      if (c.freq > otherPositions[t]!.length) otherPositions[t] = new Int32Array(c.freq * 2);
      c.readPositions(otherPositions[t]!);
    });
    let phraseFreq = 0;
    for (let k = 0; k < first.freq; k++) {
      const pos = firstPositions[k]!;
      if (others.every((c, t) => otherPositions[t]!.subarray(0, c.freq).includes(pos + t + 1))) phraseFreq++;
    }
    if (phraseFreq === 0) continue;
    bits.set(doc);
    if (scores !== null) scores[doc] = weight * tfNorm(phraseFreq, field.lengths[doc]!, avg);
  }
  return { bits, scores, constant: 0 };
}

/** Documents containing any term accepted by `accept` (prefix, wildcard); constant score. */
export function matchTermsWhere(
  ctx: QueryContext,
  field: TextField,
  accept: (term: string) => boolean,
): Bitset {
  const bits = new Bitset(ctx.index.maxDoc);
  const deadline = ctx.deadline;
  let steps = 0;
  field.forEachTerm((term, p) => {
    deadline?.every(++steps);
    if (!accept(term)) return;
    const cursor = new PostingsCursor(p);
    while (cursor.next()) {
      deadline?.every(++steps);
      bits.set(cursor.doc);
    }
  });
  return bits.and(ctx.live);
}
