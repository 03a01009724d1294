import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SearchEngineError } from '../../search-engine-error.js';
import { parseQuery } from './query-parser.js';

function refusal(query: unknown): SearchEngineError {
  try {
    parseQuery(query);
  } catch (e) {
    if (e instanceof SearchEngineError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(query)} to be refused`);
}

test('ES options the embedded engine does not implement are refused by name, never ignored', () => {
  assert.match(
    refusal({ match: { message: { query: 'x', fuzziness: 'AUTO' } } }).reason,
    /\[match\] query does not support \[fuzziness\]/,
  );
  assert.match(
    refusal({ match_phrase: { message: { query: 'a b', slop: 2 } } }).reason,
    /\[match_phrase\] query option \[slop\]/,
  );
  assert.match(
    refusal({ multi_match: { query: 'x', type: 'cross_fields' } }).reason,
    /type \[cross_fields\] is not supported/,
  );
  assert.match(refusal({ terms: { host: { index: 'i', id: '1', path: 'p' } } }).reason, /terms lookup/);
  assert.match(
    refusal({ match: { message: { query: 'x', minimum_should_match: '3<90%' } } }).reason,
    /minimum_should_match \[3<90%\]/,
  );
  assert.match(refusal({ regexp: { host: 'a.*' } }).reason, /unknown query \[regexp\]/);
  assert.equal(refusal({ nested: {} }).type, 'parsing_exception');
});

test('query_string rejects fuzzy, proximity and regular-expression syntax with the position', () => {
  assert.match(refusal({ query_string: { query: 'roam~' } }).reason, /fuzzy and proximity/);
  assert.match(refusal({ query_string: { query: '"a b"~2' } }).reason, /fuzzy and proximity/);
  assert.match(refusal({ query_string: { query: 'name:/jo.*/' } }).reason, /regular expressions/);
  assert.match(refusal({ query_string: { query: '(a OR b' } }).reason, /missing \)/);
});

test('query_string combines AND and OR the way Lucene does', () => {
  const node = parseQuery({ query_string: { query: 'a AND b OR c', fields: ['f'] } });
  assert.equal(node.kind, 'bool');
  if (node.kind !== 'bool') return;
  assert.equal(node.must.length, 2);
  assert.equal(node.should.length, 1);
  const negative = parseQuery({ query_string: { query: '-a', fields: ['f'] } });
  assert.ok(negative.kind === 'bool' && negative.mustNot.length === 1 && negative.should.length === 0);
});

test('short and long forms of a clause parse to the same node', () => {
  assert.deepEqual(parseQuery({ term: { status: 200 } }), parseQuery({ term: { status: { value: 200 } } }));
  assert.deepEqual(
    parseQuery({ match: { message: 'x' } }),
    parseQuery({ match: { message: { query: 'x' } } }),
  );
});
