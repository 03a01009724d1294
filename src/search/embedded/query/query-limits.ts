/**
 * How large and deep one query may be (ES 7.x defaults, fixed in the embedded engine), shared by
 * the Query DSL parser and the query_string parser:
 * - compound queries nest at most MAX_NESTED_DEPTH deep (ES's `indices.query.bool.max_nested_depth`);
 * - a query holds at most MAX_CLAUSE_COUNT clauses in all its bool/dis_max queries together
 *   (ES 7's `indices.query.bool.max_clause_count`; Lucene's TooManyClauses past it).
 * Both keep parsing and executing a query bounded by the query's own size, never the stack.
 */
import { SearchEngineError } from '../../search-engine-error.js';

export const MAX_NESTED_DEPTH = 20;
export const MAX_CLAUSE_COUNT = 1024;

export const NESTED_DEPTH_REASON =
  'The nested depth of the query exceeds the maximum nested depth for bool queries set in [indices.query.bool.max_nested_depth]';

export function tooManyClauses(): SearchEngineError {
  return new SearchEngineError('too_many_clauses', `maxClauseCount is set to ${MAX_CLAUSE_COUNT}`, 400);
}
