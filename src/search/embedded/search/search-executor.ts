/**
 * Executes `_search` and `_count` bodies over the indices a pattern resolved to: validates the
 * body (unknown keys are ES's parsing_exception), runs the query per index, counts hits (honouring
 * `track_total_hits`), picks the `from`/`size` page in sort order (with `search_after`), loads and
 * filters `_source`, and computes aggregations over all matches. Failures that ES raises while
 * executing on shards come back wrapped in `search_phase_execution_exception`, as ES reports them.
 */
import type { Clock } from '../../../core/clock.js';
import {
  illegalArgument,
  parsingError,
  SearchEngineError,
  searchPhaseError,
} from '../../search-engine-error.js';
import type {
  CountRequest,
  CountResponse,
  SearchHit,
  SearchRequest,
  SearchResponse,
} from '../../search-request.js';
import { type DocSet, runAggregations } from '../aggs/aggregation.js';
import { parseAggregations } from '../aggs/aggregation-parser.js';
import { Bitset } from '../index/bitset.js';
import { Scratch } from '../index/scratch.js';
import { isPlainObject } from '../mapping/index-mapping.js';
import { type Matches, scoreOf } from '../query/matches.js';
import { execute } from '../query/query-executor.js';
import type { QueryNode } from '../query/query-node.js';
import { parseQuery } from '../query/query-parser.js';
import {
  countTimedOut,
  DEFAULT_SEARCH_TIMEOUT_MS,
  Deadline,
  DeadlinePassed,
  monotonicClock,
  parseSearchTimeoutMs,
} from './deadline.js';
import type { SearchTarget } from './search-target.js';
import {
  compareSortValues,
  parseSort,
  type SortAccessor,
  type SortClause,
  type SortValue,
  sortAccessor,
} from './sort.js';
import { filterSource, parseSourceFilter } from './source-filter.js';
import { TopK } from './top-k.js';

const BODY_KEYS = new Set([
  'query',
  'aggs',
  'aggregations',
  'sort',
  'from',
  'size',
  'search_after',
  '_source',
  'track_total_hits',
  'track_scores',
  'timeout',
]);

const DEFAULT_TRACK_TOTAL_HITS = 10_000;
/** Doc numbers of one index never reach this, so `_doc` sort values stay unique across indices. */
const DOC_BASE_STRIDE = 2 ** 32;

interface Candidate {
  readonly t: number;
  readonly doc: number;
}

/**
 * `clock` gives date math its "now"; `deadlineClock` measures the request's `timeout`
 * (search/deadline.ts): past it, the index being searched contributes no hits, the top hits
 * collected so far are kept, and the answer says `timed_out: true`.
 */
export function executeSearch(
  targets: readonly SearchTarget[],
  body: SearchRequest | undefined,
  clock: Clock,
  scratch: Scratch = new Scratch(),
  deadlineClock: Clock = monotonicClock,
): SearchResponse {
  const started = performance.now();
  const request = body ?? {};
  if (!isPlainObject(request as unknown)) throw parsingError('request body must be an object');
  for (const [key, value] of Object.entries(request)) {
    if (!BODY_KEYS.has(key)) throw parsingError(`Unknown key for a ${tokenName(value)} in [${key}].`);
  }
  const query: QueryNode =
    request.query === undefined ? { kind: 'match_all', boost: 1 } : parseQuery(request.query);
  const aggs = parseAggregations(request.aggs ?? request.aggregations, clock);
  const sort = parseSort(request.sort);
  const source = parseSourceFilter(request._source);
  const from = integerParam(request.from, 'from', 0);
  const size = integerParam(request.size, 'size', 10);
  const track = trackTotalHits(request.track_total_hits);
  const searchAfter = request.search_after;
  if (searchAfter !== undefined) {
    if (!Array.isArray(searchAfter)) throw parsingError('[search_after] must be an array');
    // ES validates the request first (from), then each shard checks the values against the sort.
    if (from > 0) {
      throw new SearchEngineError(
        'action_request_validation_exception',
        'Validation Failed: 1: [from] parameter must be set to 0 when [search_after] is used;',
        400,
      );
    }
    if (searchAfter.length !== sort.length) {
      throw searchPhaseError(
        illegalArgument(`search_after has ${searchAfter.length} value(s) but sort has ${sort.length}.`),
      );
    }
  }
  const sortsByScore = sort.some((c) => c.kind === 'score');
  const relevanceOnly = sort.length === 1 && sort[0]!.kind === 'score' && sort[0]!.desc;
  const trackScores = request.track_scores === true || sortsByScore;

  const aggsNeedScores = aggs.some((a) => a.needsScores === true);
  const deadline = Deadline.after(deadlineClock, parseSearchTimeoutMs(request.timeout));
  let timedOut = false;
  return shardPhase(() => {
    for (const target of targets) {
      if (from + size > target.maxResultWindow) {
        throw illegalArgument(
          `Result window is too large, from + size must be less than or equal to: [${target.maxResultWindow}] but was [${from + size}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.`,
        );
      }
    }
    const matches = targets.map((target): Matches => {
      const nothing = { bits: new Bitset(target.memory.maxDoc), scores: null, constant: 0 };
      if (timedOut) return nothing;
      try {
        return execute(query, {
          index: target.memory,
          mapping: target.mapping,
          clock,
          scoring: (trackScores && size > 0) || aggsNeedScores,
          live: target.memory.liveDocs(),
          scratch,
          deadline,
        });
      } catch (e) {
        if (!(e instanceof DeadlinePassed)) throw e;
        timedOut = true;
        return nothing;
      }
    });
    let total = 0;
    for (const m of matches) total += m.bits.count();

    const accessors = targets.map((target, t) =>
      sort.map((clause) =>
        sortAccessor(clause, target, (doc) => scoreOf(matches[t]!, doc), t * DOC_BASE_STRIDE),
      ),
    );
    const hits: SearchHit[] = [];
    let maxScore: number | null = null;
    if (size > 0) {
      const onTimeout = () => {
        timedOut = true;
      };
      const picked = pickTop(matches, accessors, sort, from + size, searchAfter, deadline, onTimeout);
      for (const c of picked.slice(from)) {
        const target = targets[c.t]!;
        const score = trackScores ? scoreOf(matches[c.t]!, c.doc) : null;
        const hit: Record<string, unknown> = {
          _index: target.name,
          _id: target.memory.ids[c.doc]!,
          _score: score,
        };
        if (source.enabled) hit._source = filterSource(target.source(c.doc), source);
        // A sort of `_score` descending alone is ES's default relevance order: no sort values.
        if ((request.sort !== undefined && !relevanceOnly) || searchAfter !== undefined)
          hit.sort = accessors[c.t]!.map((read) => read(c.doc));
        hits.push(hit as unknown as SearchHit);
      }
      if (trackScores && total > 0) maxScore = maxOverMatches(matches);
    }
    const response: Record<string, unknown> = {
      took: 0,
      timed_out: timedOut,
      _shards: { total: targets.length, successful: targets.length, skipped: 0, failed: 0 },
      hits: {
        ...(track === false
          ? {}
          : { total: total > track ? { value: track, relation: 'gte' } : { value: total, relation: 'eq' } }),
        max_score: maxScore,
        hits,
      },
    };
    if (aggs.length > 0) {
      const sets: DocSet[] = targets.map((target, t) => ({
        target,
        docs: matches[t]!.bits.toArray(scratch.ints(matches[t]!.bits.count())),
        score: (doc) => scoreOf(matches[t]!, doc),
        scratch,
      }));
      response.aggregations = runAggregations(aggs, sets);
    }
    response.took = Math.round(performance.now() - started);
    return response as unknown as SearchResponse;
  }, scratch);
}

export function executeCount(
  targets: readonly SearchTarget[],
  body: CountRequest | undefined,
  clock: Clock,
  deadlineClock: Clock = monotonicClock,
): CountResponse {
  const request = body ?? {};
  for (const [key, _value] of Object.entries(request)) {
    if (key !== 'query') throw parsingError(`request does not support [${key}]`);
  }
  const query: QueryNode =
    request.query === undefined ? { kind: 'match_all', boost: 1 } : parseQuery(request.query);
  const deadline = Deadline.after(deadlineClock, DEFAULT_SEARCH_TIMEOUT_MS);
  try {
    return shardPhase(() => {
      let count = 0;
      for (const target of targets) {
        count += execute(query, {
          index: target.memory,
          mapping: target.mapping,
          clock,
          scoring: false,
          live: target.memory.liveDocs(),
          scratch: new Scratch(),
          deadline,
        }).bits.count();
      }
      return { count, _shards: { total: targets.length, successful: targets.length, skipped: 0, failed: 0 } };
    });
  } catch (e) {
    if (e instanceof DeadlinePassed) throw countTimedOut(DEFAULT_SEARCH_TIMEOUT_MS);
    throw e;
  }
}

/** Runs the per-index part; engine errors raised there are reported the way ES reports shard failures. */
function shardPhase<T>(fn: () => T, scratch?: Scratch): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SearchEngineError && e.type !== 'search_phase_execution_exception')
      throw searchPhaseError(e);
    throw e;
  } finally {
    scratch?.release();
  }
}

function pickTop(
  matches: readonly Matches[],
  accessors: readonly SortAccessor[][],
  sort: readonly SortClause[],
  k: number,
  searchAfter: readonly unknown[] | undefined,
  deadline: Deadline,
  onTimeout: () => void,
): Candidate[] {
  const compare = (a: Candidate, b: Candidate): number => {
    const ra = accessors[a.t]!;
    const rb = accessors[b.t]!;
    for (let i = 0; i < sort.length; i++) {
      const cmp = compareSortValues(ra[i]!(a.doc), rb[i]!(b.doc), sort[i]!);
      if (cmp !== 0) return cmp;
    }
    return a.t - b.t || a.doc - b.doc;
  };
  const after = searchAfter?.map((v) => (v === null || v === undefined ? null : (v as SortValue)));
  const isAfter = (t: number, doc: number): boolean => {
    if (after === undefined) return true;
    const read = accessors[t]!;
    for (let i = 0; i < sort.length; i++) {
      const cmp = compareSortValues(read[i]!(doc), coerceAfter(after[i]!, read[i]!(doc)), sort[i]!);
      if (cmp !== 0) return cmp > 0;
    }
    return false;
  };
  if (after === undefined && sort.length === 1 && sort[0]!.kind === 'score')
    return topByScore(matches, k, deadline, onTimeout);
  const top = new TopK<Candidate>(k, compare);
  let steps = 0;
  try {
    matches.forEach((m, t) => {
      m.bits.forEach((doc) => {
        deadline.every(++steps);
        if (!isAfter(t, doc)) return;
        top.push({ t, doc });
      });
    });
  } catch (e) {
    if (!(e instanceof DeadlinePassed)) throw e;
    onTimeout(); // keep the hits collected so far, as ES does
  }
  return top.sorted();
}

/** The common case (relevance order, no cursor): one pass over the scores, ties by index then doc. */
function topByScore(
  matches: readonly Matches[],
  k: number,
  deadline: Deadline,
  onTimeout: () => void,
): Candidate[] {
  const better = (a: Candidate & { s: number }, b: Candidate & { s: number }) =>
    b.s - a.s || a.t - b.t || a.doc - b.doc;
  const top = new TopK<Candidate & { s: number }>(k, better);
  let threshold = Number.NEGATIVE_INFINITY;
  let kept = 0;
  let steps = 0;
  try {
    matches.forEach((m, t) => {
      const scores = m.scores;
      m.bits.forEach((doc) => {
        deadline.every(++steps);
        const s = scores === null ? m.constant : scores[doc]!;
        // Later docs never beat an equal score (ties go to the earlier doc), so skip them cheaply.
        if (kept >= k && s <= threshold) return;
        top.push({ t, doc, s });
        kept++;
        if (kept >= k) threshold = top.worst()!.s;
      });
    });
  } catch (e) {
    if (!(e instanceof DeadlinePassed)) throw e;
    onTimeout();
  }
  return top.sorted();
}

/** search_after values arrive as JSON: numbers stay numbers, strings compare as strings. */
function coerceAfter(value: SortValue, sample: SortValue): SortValue {
  if (value === null) return null;
  if (
    typeof sample === 'number' &&
    typeof value === 'string' &&
    value.trim() !== '' &&
    Number.isFinite(Number(value))
  )
    return Number(value);
  return value;
}

function maxOverMatches(matches: readonly Matches[]): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const m of matches) {
    if (m.scores === null) {
      if (m.bits.count() > 0) max = Math.max(max, m.constant);
      continue;
    }
    const scores = m.scores;
    m.bits.forEach((doc) => {
      if (scores[doc]! > max) max = scores[doc]!;
    });
  }
  return Number.isFinite(max) ? max : 0;
}

function integerParam(value: unknown, name: string, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw parsingError(`[${name}] must be an integer`);
  if (n < 0) throw illegalArgument(`[${name}] parameter cannot be negative, found [${n}]`);
  return n;
}

function trackTotalHits(value: unknown): number | false {
  if (value === undefined) return DEFAULT_TRACK_TOTAL_HITS;
  if (value === true) return Number.POSITIVE_INFINITY;
  if (value === false) return false;
  if (typeof value === 'number' && Number.isInteger(value)) {
    if (value < -1)
      throw illegalArgument(`[track_total_hits] parameter must be positive or equals to -1, got ${value}`);
    return value === -1 ? Number.POSITIVE_INFINITY : value;
  }
  throw parsingError('[track_total_hits] must be a boolean or an integer');
}

function tokenName(value: unknown): string {
  if (Array.isArray(value)) return 'START_ARRAY';
  if (isPlainObject(value)) return 'START_OBJECT';
  if (typeof value === 'number') return 'VALUE_NUMBER';
  if (typeof value === 'boolean') return 'VALUE_BOOLEAN';
  if (value === null) return 'VALUE_NULL';
  return 'VALUE_STRING';
}
