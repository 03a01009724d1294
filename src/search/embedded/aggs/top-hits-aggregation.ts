/**
 * `top_hits`: the best `size` documents of each bucket (default 3, by score), with `from`, `sort`
 * and `_source` filtering exactly like a search's hits; `hits.total` counts the bucket.
 */
import type { SearchHit } from '../../search-request.js';
import { compareSortValues, parseSort, sortAccessor } from '../search/sort.js';
import { filterSource, parseSourceFilter, type SourceFilter } from '../search/source-filter.js';
import { TopK } from '../search/top-k.js';
import { type Aggregation, type AggregationSpec, allowParams, type DocSet, withMeta } from './aggregation.js';
import { nonNegative } from './terms-aggregation.js';

export class TopHitsAggregation implements Aggregation {
  readonly name: string;
  private readonly size: number;
  private readonly from: number;
  private readonly sort;
  private readonly source: SourceFilter;
  readonly needsScores: boolean;

  constructor(private readonly spec: AggregationSpec) {
    allowParams(spec, ['size', 'from', 'sort', '_source']);
    this.name = spec.name;
    this.size = nonNegative(spec.params.size, 3, 'size');
    this.from = nonNegative(spec.params.from, 0, 'from');
    this.sort = parseSort(spec.params.sort);
    this.needsScores = this.sort.some((c) => c.kind === 'score');
    this.source = parseSourceFilter(spec.params._source);
  }

  run(sets: readonly DocSet[]): Record<string, unknown> {
    const byScore = this.needsScores;
    const accessors = sets.map((set, t) =>
      this.sort.map((c) => sortAccessor(c, set.target, set.score, t * 2 ** 32)),
    );
    const compare = (a: { t: number; doc: number }, b: { t: number; doc: number }): number => {
      for (let i = 0; i < this.sort.length; i++) {
        const cmp = compareSortValues(accessors[a.t]![i]!(a.doc), accessors[b.t]![i]!(b.doc), this.sort[i]!);
        if (cmp !== 0) return cmp;
      }
      return a.t - b.t || a.doc - b.doc;
    };
    const top = new TopK(this.from + this.size, compare);
    let total = 0;
    let maxScore = Number.NEGATIVE_INFINITY;
    sets.forEach((set, t) => {
      total += set.docs.length;
      for (const doc of set.docs) {
        top.push({ t, doc });
        if (byScore) maxScore = Math.max(maxScore, set.score(doc));
      }
    });
    const hits = top
      .sorted()
      .slice(this.from)
      .map(({ t, doc }) => {
        const set = sets[t]!;
        const hit: Record<string, unknown> = {
          _index: set.target.name,
          _id: set.target.memory.ids[doc]!,
          _score: byScore ? set.score(doc) : null,
        };
        if (this.source.enabled) hit._source = filterSource(set.target.source(doc), this.source);
        if (this.spec.params.sort !== undefined) hit.sort = accessors[t]!.map((read) => read(doc));
        return hit as unknown as SearchHit;
      });
    return withMeta(this.spec, {
      hits: {
        total: { value: total, relation: 'eq' },
        max_score: byScore && total > 0 ? maxScore : null,
        hits,
      },
    });
  }
}
