import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { SearchEngineError } from '../search-engine-error.js';
import { EmbeddedSearchEngine } from './embedded-engine.js';

/**
 * Seeded fuzzing of `_search` and `_count` on the embedded engine: random and mutated request
 * bodies and query strings. Every answer must be a well-formed ES response or an ES error with a
 * 4xx status: never another exception, a 5xx, or a hang. Bounded: fixed seeds and run counts.
 */
const FIELDS = [
  'message',
  'message.keyword',
  'status',
  'bytes',
  'ts',
  'host',
  'tags',
  'nested.a',
  '*',
  'mess*',
  '_id',
];
const CLAUSES = [
  'match',
  'match_phrase',
  'multi_match',
  'query_string',
  'term',
  'terms',
  'range',
  'exists',
  'prefix',
  'wildcard',
  'ids',
  'bool',
  'constant_score',
  'dis_max',
  'match_all',
  'match_none',
  'regexp',
  'nested',
];

const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom(
    '*',
    '?',
    'err*',
    'a*a*a*b',
    'now-1d/d',
    '2024-01-01',
    '',
    ' ',
    '\\',
    '"',
    '(',
    'AND',
    'TO',
  ),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const json = fc.jsonValue({ maxDepth: 3, noUnicodeString: false });

const { query } = fc.letrec<{ query: unknown; clauses: unknown }>((tie) => ({
  clauses: fc.oneof(tie('query'), fc.array(tie('query'), { maxLength: 3 }), json),
  query: fc.oneof(
    { depthSize: 'small' },
    // A leaf clause on a known or random field with a scalar, an options object or junk.
    fc
      .tuple(
        fc.constantFrom(...CLAUSES),
        fc.constantFrom(...FIELDS),
        fc.oneof(
          scalar,
          fc.dictionary(
            fc.constantFrom(
              'query',
              'value',
              'gte',
              'lt',
              'boost',
              'operator',
              'fields',
              'format',
              'case_insensitive',
              'minimum_should_match',
            ),
            fc.oneof(scalar, json),
            { maxKeys: 3, noNullPrototype: true },
          ),
          json,
        ),
      )
      .map(([name, field, value]) => ({ [name]: name === 'exists' ? { field: value } : { [field]: value } })),
    fc.record({
      bool: fc.dictionary(
        fc.constantFrom('must', 'should', 'must_not', 'filter', 'minimum_should_match', 'boost'),
        tie('clauses'),
        { maxKeys: 3, noNullPrototype: true },
      ),
    }),
    fc.record({
      constant_score: fc.record({ filter: tie('query') }, { requiredKeys: [], noNullPrototype: true }),
    }),
    fc.record({
      dis_max: fc.record(
        { queries: fc.array(tie('query'), { maxLength: 3 }), tie_breaker: scalar },
        { requiredKeys: [], noNullPrototype: true },
      ),
    }),
    fc.record({
      query_string: fc.record(
        { query: fc.oneof(fc.string({ maxLength: 30 }), scalar), default_field: fc.constantFrom(...FIELDS) },
        { requiredKeys: [], noNullPrototype: true },
      ),
    }),
    json,
  ),
}));

const aggs = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 5 }),
  fc.oneof(
    fc
      .tuple(
        fc.constantFrom(
          'terms',
          'date_histogram',
          'histogram',
          'avg',
          'sum',
          'min',
          'max',
          'cardinality',
          'percentiles',
          'range',
          'top_hits',
          'value_count',
          'stats',
          'filters',
        ),
        fc.dictionary(
          fc.constantFrom(
            'field',
            'size',
            'interval',
            'fixed_interval',
            'calendar_interval',
            'ranges',
            'order',
            'percents',
            'min_doc_count',
          ),
          fc.oneof(scalar, fc.constantFrom(...FIELDS), json),
          { maxKeys: 3, noNullPrototype: true },
        ),
      )
      .map(([kind, body]) => ({ [kind]: body })),
    json,
  ),
  { maxKeys: 2, noNullPrototype: true },
);

const body = fc.record(
  {
    query,
    size: fc.oneof(fc.integer({ min: -2, max: 20 }), scalar),
    from: fc.oneof(fc.integer({ min: -2, max: 20 }), scalar),
    sort: fc.oneof(
      fc.constantFrom(...FIELDS),
      fc.array(fc.oneof(fc.constantFrom(...FIELDS), json), { maxLength: 2 }),
      json,
    ),
    aggs,
    _source: fc.oneof(fc.boolean(), fc.constantFrom(...FIELDS), json),
    track_total_hits: fc.oneof(fc.boolean(), fc.integer({ min: -2, max: 5 }), scalar),
    timeout: fc.oneof(fc.constantFrom('1s', '10ms', '-1', 'x'), scalar),
    search_after: fc.oneof(fc.array(scalar, { maxLength: 2 }), json),
    unknown_key: json,
  },
  { requiredKeys: [], noNullPrototype: true },
);

describe('search API fuzz', () => {
  let dir: string;
  let engine: EmbeddedSearchEngine;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-fuzz-'));
    engine = await EmbeddedSearchEngine.open({ dataDir: dir, replica: 'inline' });
    const docs = Array.from({ length: 30 }, (_, i) => ({
      index: { _index: `logs-${i % 2}`, _id: `${i}` },
      document: {
        message: `GET /api/${i % 5} ${i % 3 === 0 ? 'timeout error' : 'ok'}`,
        status: [200, 404, 500][i % 3],
        bytes: i * 100.5,
        ts: new Date(Date.UTC(2024, 0, 1 + (i % 7))).toISOString(),
        host: `h${i % 4}`,
        tags: ['a', `t${i % 3}`],
        nested: { a: i },
      },
    }));
    await engine.bulk(docs, { refresh: true });
  });

  after(async () => {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const wellFormed = async (run: () => Promise<unknown>, kind: 'search' | 'count'): Promise<boolean> => {
    try {
      const r = (await run()) as Record<string, any>;
      if (kind === 'count') return typeof r.count === 'number' && r._shards !== undefined;
      return typeof r.took === 'number' && typeof r.timed_out === 'boolean' && Array.isArray(r.hits?.hits);
    } catch (e) {
      if (e instanceof SearchEngineError && e.status >= 400 && e.status < 500) return true;
      throw e; // fast-check reports the body that produced it
    }
  };

  it('answers random and mutated search bodies with a response or a 4xx ES error', async () => {
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.constantFrom('logs-*', 'logs-0', '_all', 'missing', 'logs-0,logs-1'),
        (b, index) => wellFormed(() => engine.search(index, b as never), 'search'),
      ),
      { seed: 2026, numRuns: 400 },
    );
  });

  it('answers random count bodies and query strings the same way', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ query }, { requiredKeys: [], noNullPrototype: true }),
        fc.string({ maxLength: 40 }),
        async (b, q) =>
          (await wellFormed(() => engine.count('logs-*', b as never), 'count')) &&
          (await wellFormed(
            () => engine.search('logs-*', { query: { query_string: { query: q } } }),
            'search',
          )),
      ),
      { seed: 9, numRuns: 400 },
    );
  });

  it('answers query strings made of the syntax characters', async () => {
    const syntax = fc
      .array(
        fc.constantFrom(
          'a',
          'message:',
          '"',
          '(',
          ')',
          '[',
          ']',
          '{',
          '}',
          ' TO ',
          '*',
          '?',
          '\\',
          '^2',
          '~',
          ' AND ',
          ' OR ',
          'NOT ',
          '+',
          '-',
          '!',
          '>=',
          '/',
          ':',
          ' ',
        ),
        { maxLength: 25 },
      )
      .map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(syntax, (q) =>
        wellFormed(() => engine.search('logs-*', { query: { query_string: { query: q } } }), 'search'),
      ),
      { seed: 77, numRuns: 600 },
    );
  });
});
