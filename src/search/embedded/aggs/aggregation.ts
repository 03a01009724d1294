/**
 * Aggregations over the documents a search matched. Each aggregation is parsed once into an
 * Aggregation whose `run` receives the matching documents of every searched index (a DocSet per
 * index) and returns the ES response JSON. Bucket aggregations group the documents and run their
 * sub-aggregations on each bucket's documents, to any depth; when a bucket aggregation has no
 * sub-aggregations it only counts and never materializes per-bucket document lists.
 */
import type { Clock } from '../../../core/clock.js';
import { parsingError, SearchEngineError } from '../../search-engine-error.js';
import type { Scratch } from '../index/scratch.js';
import type { SearchTarget } from '../search/search-target.js';

export interface DocSet {
  readonly target: SearchTarget;
  /** Matching live documents, ascending. */
  readonly docs: Int32Array;
  readonly score: (doc: number) => number;
  /** Reusable arrays for this search (see index/scratch.ts). */
  readonly scratch: Scratch;
}

export interface Aggregation {
  readonly name: string;
  /** Whether it, or an aggregation under it, reads the query's scores (`top_hits` by score). */
  readonly needsScores?: boolean;
  run(sets: readonly DocSet[]): Record<string, unknown>;
}

/** For bucket aggregations: scores are needed when any sub-aggregation needs them. */
export function subAggregationsNeedScores(spec: AggregationSpec): boolean {
  return spec.subAggregations.some((a) => a.needsScores === true);
}

export interface AggregationSpec {
  readonly name: string;
  readonly type: string;
  readonly params: Record<string, unknown>;
  readonly subAggregations: readonly Aggregation[];
  readonly meta: unknown;
  readonly clock: Clock;
}

export function runAggregations(
  aggs: readonly Aggregation[],
  sets: readonly DocSet[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const agg of aggs) out[agg.name] = agg.run(sets);
  return out;
}

/** Rejects parameters an aggregation does not know (ES: `[terms] unknown field [x]`). */
export function allowParams(spec: AggregationSpec, allowed: readonly string[]): void {
  for (const key of Object.keys(spec.params)) {
    if (!allowed.includes(key))
      throw new SearchEngineError('x_content_parse_exception', `[${spec.type}] unknown field [${key}]`, 400);
  }
}

export function requireField(spec: AggregationSpec): string {
  const field = spec.params.field;
  if (typeof field !== 'string') {
    if (spec.params.script !== undefined)
      throw parsingError(`[${spec.type}] scripts are not supported by the embedded engine`);
    throw new SearchEngineError(
      'illegal_argument_exception',
      'Required one of fields [field, script], but none were specified. ',
      400,
    );
  }
  return field;
}

/** Adds `meta` to an aggregation's result when the request gave one, as ES echoes it. */
export function withMeta(spec: AggregationSpec, result: Record<string, unknown>): Record<string, unknown> {
  return spec.meta === undefined ? result : { meta: spec.meta, ...result };
}
