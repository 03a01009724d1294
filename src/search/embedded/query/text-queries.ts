/**
 * Full-text clauses on a `text` field: terms (OR / AND / minimum_should_match, as `match` builds
 * them) and phrases, scored with BM25 from the field's postings. Query text goes through the same
 * standard analyzer as indexed text.
 */
import { Bitset } from '../index/bitset.js';
import type { Postings, TextField } from '../index/text-field.js';
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
  for (const term of terms) {
    const p = field.postings.get(term);
    if (p === undefined) continue;
    const weight = boost * idf(field.docCount, p.docFreq);
    const d = p.data;
    for (let i = 0; i < p.size; ) {
      const doc = d[i]!;
      const freq = d[i + 1]!;
      i += 2 + freq;
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
    const p = field.postings.get(term);
    if (p === undefined) return { bits, scores, constant: 0 };
    lists.push(p);
  }
  const weight = boost * lists.reduce((sum, p) => sum + idf(field.docCount, p.docFreq), 0);
  const avg = field.averageLength();
  const cursors = lists.map(() => 0);
  const first = lists[0]!;
  const d0 = first.data;
  for (let i = 0; i < first.size; ) {
    const doc = d0[i]!;
    const freq0 = d0[i + 1]!;
    const start0 = i + 2;
    i += 2 + freq0;
    if (!ctx.live.get(doc)) continue;
    const positionSets: Int32Array[] = [];
    let all = true;
    for (let t = 1; t < lists.length; t++) {
      const p = lists[t]!;
      let c = cursors[t]!;
      while (c < p.size && p.data[c]! < doc) c += 2 + p.data[c + 1]!;
      cursors[t] = c;
      if (c >= p.size || p.data[c] !== doc) {
        all = false;
        break;
      }
      positionSets.push(p.data.subarray(c + 2, c + 2 + p.data[c + 1]!));
    }
    if (!all) continue;
    let phraseFreq = 0;
    for (let k = start0; k < start0 + freq0; k++) {
      const pos = d0[k]!;
      if (positionSets.every((set, t) => set.includes(pos + t + 1))) phraseFreq++;
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
  for (const [term, p] of field.postings) {
    if (!accept(term)) continue;
    const d = p.data;
    for (let i = 0; i < p.size; i += 2 + d[i + 1]!) bits.set(d[i]!);
  }
  return bits.and(ctx.live);
}
