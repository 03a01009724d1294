/**
 * What running a query against one index yields: the matching live documents and, when the caller
 * needs scores, one score per document (dense, indexed by doc number). A null `scores` means every
 * match scores `constant` (filters, ranges, terms); `scoring: false` in the context skips all
 * score work (filter context, counts, aggregation-only searches).
 */
import type { Clock } from '../../../core/clock.js';
import { SearchEngineError } from '../../search-engine-error.js';
import { Bitset } from '../index/bitset.js';
import type { MemoryIndex } from '../index/memory-index.js';
import type { Scratch } from '../index/scratch.js';
import type { IndexMapping } from '../mapping/index-mapping.js';
import type { Deadline } from '../search/deadline.js';

export interface Matches {
  readonly bits: Bitset;
  readonly scores: Float32Array | null;
  readonly constant: number;
}

export interface QueryContext {
  readonly index: MemoryIndex;
  readonly mapping: IndexMapping;
  readonly clock: Clock;
  readonly scoring: boolean;
  /** Live documents; never mutated by queries. */
  readonly live: Bitset;
  /** Where score and count arrays come from (released by the search executor). */
  readonly scratch: Scratch;
  /** Checked in the loops over documents and terms (search/deadline.ts); none in unit tests. */
  readonly deadline?: Deadline | undefined;
}

export function none(ctx: QueryContext): Matches {
  return { bits: new Bitset(ctx.index.maxDoc), scores: null, constant: 0 };
}

export function constant(bits: Bitset, boost: number): Matches {
  return { bits, scores: null, constant: boost };
}

export function scoreOf(m: Matches, doc: number): number {
  return m.scores === null ? m.constant : m.scores[doc]!;
}

/** A failure while building a query for a field (ES: `query_shard_exception`, wrapped by the search phase). */
export function queryShardError(reason: string): SearchEngineError {
  return new SearchEngineError('query_shard_exception', reason, 400);
}

/** BM25 as Lucene 8+ computes it (k1 = 1.2, b = 0.75, no (k1 + 1) factor). */
export const K1 = 1.2;
export const B = 0.75;

export function idf(docCount: number, docFreq: number): number {
  return Math.log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5));
}

export function tfNorm(freq: number, length: number, averageLength: number): number {
  return freq / (freq + K1 * (1 - B + (B * length) / averageLength));
}
