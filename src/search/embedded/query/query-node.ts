/**
 * The parsed form of the Query DSL: one node per supported ES clause, already validated, with
 * defaults filled in. Field names are kept as written (they may be patterns); each index resolves
 * them against its own mapping when the query runs.
 */

/** ES's `minimum_should_match`: an integer, a negative integer, or a (negative) percentage. */
export type MinimumShouldMatch = { readonly count: number } | { readonly percent: number };

export interface FieldBoost {
  readonly field: string;
  readonly boost: number;
}

export type QueryNode =
  | { readonly kind: 'match_all'; readonly boost: number }
  | { readonly kind: 'match_none' }
  | {
      readonly kind: 'match';
      readonly field: string;
      readonly text: unknown;
      readonly operator: 'or' | 'and';
      readonly minimumShouldMatch: MinimumShouldMatch | undefined;
      readonly boost: number;
      /** Skip fields that cannot parse the text (numbers, dates), as ES's `lenient`. */
      readonly lenient: boolean;
      readonly zeroTermsQuery: 'none' | 'all';
    }
  | {
      readonly kind: 'match_phrase';
      readonly field: string;
      readonly text: string;
      readonly boost: number;
      readonly lenient: boolean;
    }
  | {
      readonly kind: 'term';
      readonly field: string;
      readonly value: unknown;
      readonly boost: number;
      readonly caseInsensitive: boolean;
      readonly lenient: boolean;
    }
  | {
      readonly kind: 'terms';
      readonly field: string;
      readonly values: readonly unknown[];
      readonly boost: number;
    }
  | {
      readonly kind: 'range';
      readonly field: string;
      readonly gt?: unknown;
      readonly gte?: unknown;
      readonly lt?: unknown;
      readonly lte?: unknown;
      readonly format: string | undefined;
      readonly timeZone: string | undefined;
      readonly boost: number;
      readonly lenient: boolean;
    }
  | { readonly kind: 'exists'; readonly field: string; readonly boost: number }
  | PatternQuery
  | { readonly kind: 'ids'; readonly values: readonly string[]; readonly boost: number }
  | {
      readonly kind: 'bool';
      readonly must: readonly QueryNode[];
      readonly should: readonly QueryNode[];
      readonly mustNot: readonly QueryNode[];
      readonly filter: readonly QueryNode[];
      readonly minimumShouldMatch: MinimumShouldMatch | undefined;
      readonly boost: number;
    }
  | { readonly kind: 'constant_score'; readonly filter: QueryNode; readonly boost: number }
  | {
      readonly kind: 'dis_max';
      readonly queries: readonly QueryNode[];
      readonly tieBreaker: number;
      readonly boost: number;
    }
  /** One clause over several fields (multi_match, query_string): expanded per index, then dis_max or summed. */
  | {
      readonly kind: 'multi_field';
      readonly fields: readonly FieldBoost[];
      readonly build: (field: string, boost: number) => QueryNode;
      readonly combine: 'dis_max' | 'sum';
      readonly tieBreaker: number;
    };

/**
 * `prefix` and `wildcard`. `normalize` is set by query_string, which lowercases the pattern for text
 * fields (their terms are lowercased); the `prefix`/`wildcard` clauses themselves never do, as in ES.
 */
export interface PatternQuery {
  readonly kind: 'prefix' | 'wildcard';
  readonly field: string;
  readonly value: string;
  readonly boost: number;
  readonly caseInsensitive: boolean;
  readonly normalize?: boolean;
}

/** How many of `optional` clauses must match under `msm` (ES's rules, never below 0 or above the count). */
export function requiredShouldCount(msm: MinimumShouldMatch, optional: number): number {
  let n: number;
  if ('count' in msm) n = msm.count < 0 ? optional + msm.count : msm.count;
  else {
    const raw = Math.trunc((optional * Math.abs(msm.percent)) / 100);
    n = msm.percent < 0 ? optional - raw : raw;
  }
  return Math.max(0, Math.min(optional, n));
}
