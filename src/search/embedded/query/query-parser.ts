/**
 * Parses Query DSL JSON into QueryNodes with Elasticsearch's error answers: an unknown clause is
 * `parsing_exception: unknown query [foo]`, an option a clause does not take is
 * `parsing_exception: [match] query does not support [foo]` (also for ES options this engine does
 * not implement, so nothing is silently ignored), a wrong JSON shape is `x_content_parse_exception`
 * or `parsing_exception` as ES reports it.
 *
 * Limits, so no query can exhaust the stack or the engine (ES 7.x defaults, fixed here):
 * - compound queries (`bool`, `constant_score`, `dis_max`) nest at most MAX_NESTED_DEPTH (20,
 *   ES's `indices.query.bool.max_nested_depth`) deep: deeper answers 400 `x_content_parse_exception`
 *   caused by ES's `illegal_argument_exception` wording;
 * - a query has at most MAX_CLAUSE_COUNT (1024, ES 7's `indices.query.bool.max_clause_count`)
 *   clauses in all its bool/dis_max queries together (also those query_string builds): more answer
 *   400 `too_many_clauses: maxClauseCount is set to 1024`, as Lucene's TooManyClauses.
 */
import { contentParseError, parsingError, SearchEngineError } from '../../search-engine-error.js';
import { isPlainObject } from '../mapping/index-mapping.js';
import { MAX_CLAUSE_COUNT, MAX_NESTED_DEPTH, NESTED_DEPTH_REASON, tooManyClauses } from './query-limits.js';
import type { FieldBoost, MinimumShouldMatch, QueryNode } from './query-node.js';
import { parseQueryString } from './query-string-parser.js';

type Json = Record<string, unknown>;

export { MAX_CLAUSE_COUNT, MAX_NESTED_DEPTH } from './query-limits.js';

export function parseQuery(json: unknown): QueryNode {
  const node = parseAt(json, 0);
  checkClauseCount(node);
  return node;
}

/** `depth`: compound queries enclosing this one. */
function parseAt(json: unknown, depth: number): QueryNode {
  if (!isPlainObject(json)) throw parsingError('query malformed, must start with start_object');
  const keys = Object.keys(json);
  if (keys.length === 0) return { kind: 'match_all', boost: 1 };
  if (keys.length > 1)
    throw parsingError(`[${keys[0]}] malformed query, expected [END_OBJECT] but found [FIELD_NAME]`);
  const name = keys[0]!;
  const body = json[name];
  const parser = PARSERS[name];
  if (parser === undefined) throw parsingError(`unknown query [${name}]`);
  if (!isPlainObject(body)) throw parsingError(`[${name}] query malformed, no start_object after query name`);
  return parser(body, depth);
}

/** Parses the queries one compound query holds (under `field`), one level deeper. */
function inner(name: string, field: string, json: unknown, depth: number): QueryNode {
  if (depth + 1 > MAX_NESTED_DEPTH) {
    throw new SearchEngineError(
      'x_content_parse_exception',
      `[${name}] failed to parse field [${field}]`,
      400,
      {
        rootCause: [
          {
            type: 'illegal_argument_exception',
            reason:
              'The nested depth of the query exceeds the maximum nested depth for bool queries set in [indices.query.bool.max_nested_depth]',
          },
        ],
        extra: {
          caused_by: {
            type: 'illegal_argument_exception',
            reason:
              'The nested depth of the query exceeds the maximum nested depth for bool queries set in [indices.query.bool.max_nested_depth]',
          },
        },
      },
    );
  }
  return parseAt(json, depth + 1);
}

/** Counts clauses over the whole tree (iteratively) against MAX_CLAUSE_COUNT. */
function checkClauseCount(root: QueryNode): void {
  let clauses = 0;
  const pending: QueryNode[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    let children: readonly QueryNode[] = [];
    if (node.kind === 'bool') children = [...node.must, ...node.should, ...node.mustNot, ...node.filter];
    else if (node.kind === 'dis_max') children = node.queries;
    else if (node.kind === 'constant_score') children = [node.filter];
    else if (node.kind === 'multi_field') clauses += node.fields.length;
    if (node.kind !== 'constant_score') clauses += children.length;
    if (clauses > MAX_CLAUSE_COUNT) throw tooManyClauses();
    for (const child of children) pending.push(child);
  }
}

const PARSERS: Record<string, (body: Json, depth: number) => QueryNode> = {
  match_all: (body) => {
    allowOnly('match_all', body, ['boost']);
    return { kind: 'match_all', boost: boostOf(body) };
  },
  match_none: (body) => {
    allowOnly('match_none', body, ['boost']);
    return { kind: 'match_none' };
  },
  match: (body) => {
    const [field, spec] = singleField('match', body);
    const opts = isPlainObject(spec) ? spec : { query: spec };
    allowOnly('match', opts, [
      'query',
      'operator',
      'minimum_should_match',
      'boost',
      'lenient',
      'zero_terms_query',
      'analyzer',
    ]);
    if (opts.analyzer !== undefined && opts.analyzer !== 'standard') unsupported('match', 'analyzer');
    return {
      kind: 'match',
      field,
      text: requireScalar('match', opts.query, 'query'),
      operator: operatorOf('match', opts.operator),
      minimumShouldMatch: msmOf(opts.minimum_should_match),
      boost: boostOf(opts),
      lenient: opts.lenient === true,
      zeroTermsQuery: zeroTermsOf(opts.zero_terms_query),
    };
  },
  match_phrase: (body) => {
    const [field, spec] = singleField('match_phrase', body);
    const opts = isPlainObject(spec) ? spec : { query: spec };
    allowOnly('match_phrase', opts, ['query', 'boost', 'slop', 'analyzer']);
    if (opts.slop !== undefined && opts.slop !== 0) unsupported('match_phrase', 'slop');
    if (opts.analyzer !== undefined && opts.analyzer !== 'standard') unsupported('match_phrase', 'analyzer');
    return {
      kind: 'match_phrase',
      field,
      text: String(requireScalar('match_phrase', opts.query, 'query')),
      boost: boostOf(opts),
      lenient: false,
    };
  },
  multi_match: (body) => {
    allowOnly('multi_match', body, [
      'query',
      'fields',
      'type',
      'operator',
      'minimum_should_match',
      'tie_breaker',
      'boost',
      'lenient',
    ]);
    const text = requireScalar('multi_match', body.query, 'query');
    const type = body.type ?? 'best_fields';
    if (type !== 'best_fields' && type !== 'most_fields' && type !== 'phrase') {
      throw parsingError(
        `[multi_match] query type [${String(type)}] is not supported by the embedded engine (best_fields, most_fields, phrase)`,
      );
    }
    const operator = operatorOf('multi_match', body.operator);
    const minimumShouldMatch = msmOf(body.minimum_should_match);
    const lenient = body.lenient === true || body.fields === undefined;
    const fields = fieldBoosts('multi_match', body.fields ?? ['*']);
    return {
      kind: 'multi_field',
      fields,
      combine: type === 'most_fields' ? 'sum' : 'dis_max',
      tieBreaker: numberOf('multi_match', body.tie_breaker, 'tie_breaker') ?? 0,
      build: (field, boost): QueryNode =>
        type === 'phrase'
          ? { kind: 'match_phrase', field, text: String(text), boost, lenient }
          : {
              kind: 'match',
              field,
              text,
              operator,
              minimumShouldMatch,
              boost,
              lenient,
              zeroTermsQuery: 'none',
            },
    } satisfies QueryNode;
  },
  query_string: (body) => {
    allowOnly('query_string', body, [
      'query',
      'fields',
      'default_field',
      'default_operator',
      'boost',
      'lenient',
      'analyze_wildcard',
    ]);
    const text = requireScalar('query_string', body.query, 'query');
    const defaultFields =
      body.fields !== undefined
        ? fieldBoosts('query_string', body.fields)
        : [{ field: String(body.default_field ?? '*'), boost: 1 }];
    const node = parseQueryString(String(text), {
      defaultFields,
      defaultOperator: operatorOf('query_string', body.default_operator),
      lenient: body.lenient === true || defaultFields.some((f) => f.field.includes('*')),
    });
    const boost = boostOf(body);
    return boost === 1
      ? node
      : {
          kind: 'bool',
          must: [node],
          should: [],
          mustNot: [],
          filter: [],
          minimumShouldMatch: undefined,
          boost,
        };
  },
  term: (body) => {
    const [field, spec] = singleField('term', body);
    const opts = isPlainObject(spec) ? spec : { value: spec };
    allowOnly('term', opts, ['value', 'boost', 'case_insensitive']);
    const value = requireScalar('term', opts.value, 'value');
    return {
      kind: 'term',
      field,
      value,
      boost: boostOf(opts),
      caseInsensitive: opts.case_insensitive === true,
      lenient: false,
    };
  },
  terms: (body) => {
    const entries = Object.entries(body).filter(([k]) => k !== 'boost');
    if (entries.length !== 1) throw parsingError('[terms] query does not support multiple fields');
    const [field, values] = entries[0]!;
    if (!Array.isArray(values)) {
      if (isPlainObject(values)) unsupported('terms', 'terms lookup');
      throw parsingError(`[terms] query does not support [${field}]`);
    }
    return {
      kind: 'terms',
      field,
      values: values.map((v) => requireScalar('terms', v, field)),
      boost: boostOf(body),
    };
  },
  range: (body) => {
    const [field, spec] = singleField('range', body);
    if (!isPlainObject(spec)) throw parsingError(`[range] query malformed, no start_object after query name`);
    allowOnly('range', spec, [
      'gt',
      'gte',
      'lt',
      'lte',
      'from',
      'to',
      'include_lower',
      'include_upper',
      'format',
      'time_zone',
      'boost',
    ]);
    for (const legacy of ['from', 'to', 'include_lower', 'include_upper']) {
      if (spec[legacy] !== undefined) unsupported('range', legacy);
    }
    if (spec.relation !== undefined) unsupported('range', 'relation');
    return {
      kind: 'range',
      field,
      ...(spec.gt !== undefined && spec.gt !== null ? { gt: spec.gt } : {}),
      ...(spec.gte !== undefined && spec.gte !== null ? { gte: spec.gte } : {}),
      ...(spec.lt !== undefined && spec.lt !== null ? { lt: spec.lt } : {}),
      ...(spec.lte !== undefined && spec.lte !== null ? { lte: spec.lte } : {}),
      format: typeof spec.format === 'string' ? spec.format : undefined,
      timeZone: typeof spec.time_zone === 'string' ? spec.time_zone : undefined,
      boost: boostOf(spec),
      lenient: false,
    };
  },
  exists: (body) => {
    allowOnly('exists', body, ['field', 'boost']);
    if (typeof body.field !== 'string') throw parsingError('[exists] must be provided with a [field]');
    return { kind: 'exists', field: body.field, boost: boostOf(body) };
  },
  prefix: (body) => patternQuery('prefix', body),
  wildcard: (body) => patternQuery('wildcard', body),
  ids: (body) => {
    allowOnly('ids', body, ['values', 'boost']);
    if (!Array.isArray(body.values)) throw parsingError('[ids] query malformed, [values] must be an array');
    return { kind: 'ids', values: body.values.map(String), boost: boostOf(body) };
  },
  bool: (body, depth) => {
    // ES parses bool with an ObjectParser: an unknown key is an x_content_parse_exception (7.10, OpenSearch 2/3).
    for (const key of Object.keys(body)) {
      if (!['must', 'should', 'must_not', 'filter', 'minimum_should_match', 'boost'].includes(key))
        throw contentParseError(`[bool] unknown field [${key}]`);
    }
    return {
      kind: 'bool',
      must: clauses(body.must, 'must', depth),
      should: clauses(body.should, 'should', depth),
      mustNot: clauses(body.must_not, 'must_not', depth),
      filter: clauses(body.filter, 'filter', depth),
      minimumShouldMatch: msmOf(body.minimum_should_match),
      boost: boostOf(body),
    };
  },
  constant_score: (body, depth) => {
    allowOnly('constant_score', body, ['filter', 'boost']);
    if (body.filter === undefined) throw parsingError("[constant_score] requires a 'filter' element");
    return {
      kind: 'constant_score',
      filter: inner('constant_score', 'filter', body.filter, depth),
      boost: boostOf(body),
    };
  },
  dis_max: (body, depth) => {
    allowOnly('dis_max', body, ['queries', 'tie_breaker', 'boost']);
    if (!Array.isArray(body.queries))
      throw parsingError("[dis_max] requires 'queries' field with at least one clause");
    return {
      kind: 'dis_max',
      queries: body.queries.map((q) => inner('dis_max', 'queries', q, depth)),
      tieBreaker: numberOf('dis_max', body.tie_breaker, 'tie_breaker') ?? 0,
      boost: boostOf(body),
    };
  },
};

function patternQuery(name: 'prefix' | 'wildcard', body: Json): QueryNode {
  const [field, spec] = singleField(name, body);
  const opts = isPlainObject(spec) ? spec : { value: spec };
  allowOnly(name, opts, ['value', 'boost', 'case_insensitive', ...(name === 'wildcard' ? ['wildcard'] : [])]);
  const value = String(requireScalar(name, opts.value ?? opts.wildcard, 'value'));
  return { kind: name, field, value, boost: boostOf(opts), caseInsensitive: opts.case_insensitive === true };
}

function clauses(value: unknown, field: string, depth: number): QueryNode[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) {
    if (value.length > MAX_CLAUSE_COUNT) throw tooManyClauses();
    return value.map((q) => inner('bool', field, q, depth));
  }
  return [inner('bool', field, value, depth)];
}

function singleField(name: string, body: Json): [string, unknown] {
  const keys = Object.keys(body);
  if (keys.length === 0) throw parsingError(`[${name}] query doesn't support an empty field name`);
  if (keys.length > 1)
    throw parsingError(
      `[${name}] query doesn't support multiple fields, found [${keys[0]}] and [${keys[1]}]`,
    );
  return [keys[0]!, body[keys[0]!]];
}

function allowOnly(name: string, body: Json, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw parsingError(`[${name}] query does not support [${key}]`);
  }
}

function unsupported(name: string, option: string): never {
  throw parsingError(`[${name}] query option [${option}] is not supported by the embedded engine`);
}

function requireScalar(name: string, value: unknown, what: string): string | number | boolean {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value === undefined || value === null) throw parsingError(`[${name}] requires a [${what}]`);
  throw parsingError(
    `[${name}] unknown token [START_${Array.isArray(value) ? 'ARRAY' : 'OBJECT'}] after [${what}]`,
  );
}

function boostOf(body: Json): number {
  return numberOf('boost', body.boost, 'boost') ?? 1;
}

function numberOf(name: string, value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n))
    throw contentParseError(`[${name}] failed to parse field [${what}]`);
  return n;
}

function operatorOf(name: string, value: unknown): 'or' | 'and' {
  if (value === undefined) return 'or';
  const v = String(value).toLowerCase();
  if (v === 'or' || v === 'and') return v;
  throw parsingError(`[${name}] query does not support operator [${String(value)}]`);
}

function zeroTermsOf(value: unknown): 'none' | 'all' {
  if (value === undefined || value === 'none') return 'none';
  if (value === 'all') return 'all';
  throw parsingError(`Unsupported zero_terms_query value [${String(value)}]`);
}

export function msmOf(value: unknown): MinimumShouldMatch | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return { count: value };
  const text = String(value).trim();
  if (/^-?\d+$/.test(text)) return { count: Number(text) };
  if (/^-?\d+(\.\d+)?%$/.test(text)) return { percent: Number(text.slice(0, -1)) };
  throw parsingError(
    `minimum_should_match [${text}] is not supported by the embedded engine (use an integer or a percentage)`,
  );
}

function fieldBoosts(name: string, value: unknown): FieldBoost[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((f) => {
    if (typeof f !== 'string') throw parsingError(`[${name}] fields must be strings`);
    const at = f.lastIndexOf('^');
    if (at < 0) return { field: f, boost: 1 };
    const boost = Number(f.slice(at + 1));
    if (!Number.isFinite(boost)) throw parsingError(`[${name}] invalid boost in field [${f}]`);
    return { field: f.slice(0, at), boost };
  });
}
