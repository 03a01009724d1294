import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SearchEngineError } from '../../search-engine-error.js';
import { EmbeddedSearchEngine } from '../embedded-engine.js';
import { MAX_CLAUSE_COUNT, MAX_NESTED_DEPTH, parseQuery } from './query-parser.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function nestedBool(depth: number): Record<string, unknown> {
  let q: Record<string, unknown> = { match_all: {} };
  for (let i = 0; i < depth; i++) q = { bool: { must: [q] } };
  return q;
}

function refusal(fn: () => unknown): SearchEngineError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SearchEngineError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

describe('query limits', () => {
  it('accepts bool queries nested up to the limit and refuses deeper ones with ES error', () => {
    assert.doesNotThrow(() => parseQuery(nestedBool(MAX_NESTED_DEPTH)));
    const e = refusal(() => parseQuery(nestedBool(MAX_NESTED_DEPTH + 1)));
    assert.equal(e.status, 400);
    assert.equal(e.type, 'x_content_parse_exception');
    assert.equal(e.reason, '[bool] failed to parse field [must]');
    assert.equal(e.rootCause[0]?.type, 'illegal_argument_exception');
    assert.match(e.rootCause[0]?.reason ?? '', /indices\.query\.bool\.max_nested_depth/);
  });

  it('caps the clauses of a query, also across nested bools and query_string', () => {
    const terms = (n: number) => Array.from({ length: n }, (_, i) => ({ term: { f: `v${i}` } }));
    assert.doesNotThrow(() => parseQuery({ bool: { should: terms(MAX_CLAUSE_COUNT) } }));
    const flat = refusal(() => parseQuery({ bool: { should: terms(MAX_CLAUSE_COUNT + 1) } }));
    assert.equal(flat.type, 'too_many_clauses');
    assert.equal(flat.reason, `maxClauseCount is set to ${MAX_CLAUSE_COUNT}`);
    const spread = refusal(() =>
      parseQuery({ bool: { should: [{ bool: { should: terms(600) } }, { bool: { should: terms(600) } }] } }),
    );
    assert.equal(spread.type, 'too_many_clauses');
    const words = Array.from({ length: 5000 }, (_, i) => `w${i}`).join(' ');
    assert.equal(refusal(() => parseQuery({ query_string: { query: words } })).type, 'too_many_clauses');
  });

  it('answers a bool query nested 5,000 deep with a 400 and serves the next search (worker replica)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-qlimits-'));
    dirs.push(dir);
    const engine = await EmbeddedSearchEngine.open({ dataDir: dir });
    await engine.bulk([{ index: { _index: 'logs', _id: '1' }, document: { v: 'x' } }], { refresh: true });
    for (const depth of [25, 5000]) {
      const e = await engine.search('logs', { query: nestedBool(depth) }).then(
        () => assert.fail('expected a refusal'),
        (err: unknown) => err,
      );
      assert.ok(e instanceof SearchEngineError, String(e));
      assert.equal(e.status, 400);
      assert.equal(e.type, 'x_content_parse_exception');
    }
    assert.equal((await engine.search('logs', {})).hits.hits.length, 1);
    assert.equal((await engine.count('logs')).count, 1);
    await engine.close();
  });
});
