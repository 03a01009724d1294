/**
 * Field-by-field comparison of one request's answers from two engines. Hits: total, ids and order,
 * where hits that tie (equal sort values, or scores equal within the tolerance) are compared as
 * sets, and the last tie group of a truncated page only by its sort keys (which of several tied
 * documents makes the cut is the engine's choice); then per hit index, score, sort values and
 * _source. Aggregations: the same keys, bucket keys and counts exactly, numbers within a relative
 * tolerance. Errors: the same type, status and root-cause type.
 */
import { SearchEngineError } from '../../../../src/search/search-engine-error.js';

export type Outcome =
  | { readonly ok: unknown }
  | {
      readonly error: {
        readonly type: string;
        readonly status: number;
        readonly rootType: string | undefined;
        readonly message: string;
      };
    };

export async function outcome(run: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await run() };
  } catch (e) {
    if (!(e instanceof SearchEngineError)) throw e;
    return { error: { type: e.type, status: e.status, rootType: e.rootCause[0]?.type, message: e.message } };
  }
}

export interface Tolerances {
  /**
   * `exact`: scores must be equal (OpenSearch 3: Lucene's BM25, as the embedded engine).
   * `legacy-bm25`: ES 7 and OpenSearch 2 multiply every BM25 clause by (k1 + 1) = 2.2 but not
   * constant-score clauses, so a hit's cluster score lies between 1 and 2.2 times ours; the ranking
   * (order and ties) must still be the same.
   */
  readonly scores: 'exact' | 'legacy-bm25';
  /** Relative tolerance of scores (float32 in Lucene against float64 here). */
  readonly scoreRelative: number;
  /** Relative tolerance of aggregation numbers. */
  readonly numberRelative: number;
  /** The `from` of the page: when > 0, the first tie group may have started on an earlier page. */
  readonly from: number;
}

type Json = Record<string, unknown>;

function close(a: number, b: number, relative: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= relative * Math.max(Math.abs(a), Math.abs(b)) + 1e-9;
}

/** Every difference between `embedded` and `cluster`, as readable lines; empty when they agree. */
export function compareOutcomes(embedded: Outcome, cluster: Outcome, t: Tolerances): string[] {
  if ('error' in embedded || 'error' in cluster) {
    if (!('error' in embedded))
      return [
        `the cluster refused (${(cluster as { error: { message: string } }).error.message}), the embedded engine answered`,
      ];
    if (!('error' in cluster))
      return [`the embedded engine refused (${embedded.error.message}), the cluster answered`];
    const out: string[] = [];
    const e = embedded.error;
    const c = cluster.error;
    if (e.type !== c.type) out.push(`error type: embedded ${e.type}, cluster ${c.type} (${c.message})`);
    if (e.status !== c.status) out.push(`error status: embedded ${e.status}, cluster ${c.status}`);
    if (e.rootType !== c.rootType) out.push(`root cause type: embedded ${e.rootType}, cluster ${c.rootType}`);
    return out;
  }
  const e = embedded.ok as Json;
  const c = cluster.ok as Json;
  if ('count' in e || 'count' in c)
    return e.count === c.count ? [] : [`count: embedded ${e.count}, cluster ${c.count}`];
  const out: string[] = [];
  compareHits(e.hits as Json, c.hits as Json, t, out);
  compareValues('aggregations', e.aggregations, c.aggregations, t, out);
  return out;
}

interface Hit {
  readonly _index: string;
  readonly _id: string;
  readonly _score: number | null;
  readonly sort?: unknown[];
  readonly _source?: unknown;
}

function compareHits(e: Json, c: Json, t: Tolerances, out: string[]): void {
  compareValues('hits.total', e.total, c.total, t, out);
  if (!scoreMatches(e.max_score, c.max_score, t))
    out.push(`max_score: embedded ${e.max_score}, cluster ${c.max_score} (${t.scores})`);
  const eh = e.hits as Hit[];
  const ch = c.hits as Hit[];
  if (eh.length !== ch.length) {
    out.push(`hit count: embedded ${eh.length}, cluster ${ch.length}`);
    return;
  }
  const sortKey = (h: Hit) => (h.sort !== undefined ? JSON.stringify(h.sort) : undefined);
  // Ties within one engine: equal sort values, or (no sort values) equal scores.
  const tied = (a: Hit, b: Hit) =>
    a.sort !== undefined || b.sort !== undefined
      ? sortKey(a) === sortKey(b)
      : sameNumber(a._score, b._score, t.scoreRelative);
  const label = (h: Hit) => `${h._id}(${sortKey(h) ?? h._score})`;
  const totalValue = (e.total as Json | undefined)?.value;
  const truncated = typeof totalValue === 'number' ? totalValue > t.from + ch.length : true;
  let start = 0;
  while (start < ch.length) {
    let end = start + 1;
    while (end < ch.length && tied(ch[start]!, ch[end]!)) end++;
    const cGroup = ch.slice(start, end);
    const eGroup = eh.slice(start, end);
    // Which of several tied documents fill a page's edge is the engine's choice.
    const cut = (end === ch.length && truncated) || (start === 0 && t.from > 0);
    const eTied =
      eGroup.every((h) => tied(h, eGroup[0]!)) && (end === eh.length || !tied(eh[end - 1]!, eh[end]!));
    const keysAgree = eGroup.every((h, i) =>
      h.sort !== undefined
        ? sortKey(h) === sortKey(cGroup[i]!)
        : scoreMatches(h._score, cGroup[i]!._score, t),
    );
    if (!keysAgree || (!cut && !eTied)) {
      out.push(
        `hits ${start}..${end - 1}: cluster ${cGroup.map(label).join(',')}; embedded ${eGroup.map(label).join(',')}`,
      );
      return;
    }
    if (!cut) {
      const eIds = eGroup.map((h) => h._id);
      const cIds = cGroup.map((h) => h._id);
      if ([...eIds].sort().join() !== [...cIds].sort().join()) {
        out.push(
          `hits ${start}..${end - 1} (tied): cluster {${cIds.join(',')}}, embedded {${eIds.join(',')}}`,
        );
        return;
      }
      for (const ce of cGroup) compareHit(eGroup.find((h) => h._id === ce._id)!, ce, t, out);
    }
    start = end;
  }
}

function sameNumber(a: unknown, b: unknown, relative: number): boolean {
  if (typeof a === 'number' && typeof b === 'number') return close(a, b, relative);
  return a === b;
}

/** Whether a cluster score is what the embedded score predicts (see Tolerances.scores). */
function scoreMatches(embedded: unknown, cluster: unknown, t: Tolerances): boolean {
  if (typeof embedded !== 'number' || typeof cluster !== 'number') return embedded === cluster;
  if (t.scores === 'exact') return close(embedded, cluster, t.scoreRelative);
  const slack = 1 + t.scoreRelative;
  return cluster >= embedded / slack && cluster <= embedded * 2.2 * slack;
}

function compareHit(e: Hit, c: Hit, t: Tolerances, out: string[]): void {
  const where = `hit ${c._id}`;
  if (e._index !== c._index) out.push(`${where} _index: embedded ${e._index}, cluster ${c._index}`);
  if (!scoreMatches(e._score, c._score, t))
    out.push(`${where} _score: embedded ${e._score}, cluster ${c._score} (${t.scores})`);
  compareValues(`${where} sort`, e.sort, c.sort, { ...t, numberRelative: 0 }, out);
  compareValues(`${where} _source`, e._source, c._source, { ...t, numberRelative: 0 }, out);
}

function compareValues(path: string, e: unknown, c: unknown, t: Tolerances, out: string[]): void {
  if (out.length > 20) return;
  if (typeof e === 'number' && typeof c === 'number') {
    if (!close(e, c, t.numberRelative)) out.push(`${path}: embedded ${e}, cluster ${c}`);
    return;
  }
  if (Array.isArray(e) && Array.isArray(c)) {
    if (e.length !== c.length) {
      out.push(`${path}: embedded has ${e.length} entries, cluster ${c.length}`);
      return;
    }
    for (let i = 0; i < e.length; i++) compareValues(`${path}[${i}]`, e[i], c[i], t, out);
    return;
  }
  if (
    e !== null &&
    c !== null &&
    typeof e === 'object' &&
    typeof c === 'object' &&
    !Array.isArray(e) &&
    !Array.isArray(c)
  ) {
    const eo = e as Json;
    const co = c as Json;
    if (Array.isArray(co.hits) && Array.isArray(eo.hits)) {
      // top_hits: compared like search hits (ties, scores, sources).
      compareHits(eo, co, { ...t, from: 0 }, out);
      return;
    }
    const keys = new Set([...Object.keys(eo), ...Object.keys(co)]);
    for (const k of keys) {
      if (!(k in eo))
        out.push(`${path}.${k}: only the cluster has it (${JSON.stringify(co[k])?.slice(0, 80)})`);
      else if (!(k in co))
        out.push(`${path}.${k}: only the embedded engine has it (${JSON.stringify(eo[k])?.slice(0, 80)})`);
      else compareValues(`${path}.${k}`, eo[k], co[k], t, out);
    }
    return;
  }
  if (e !== c) out.push(`${path}: embedded ${JSON.stringify(e)}, cluster ${JSON.stringify(c)}`);
}
