import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SearchEngineError } from '../search-engine-error.js';
import { MAX_WILDCARD_PATTERN_LENGTH, WildcardPattern } from './wildcard.js';

const wildcard = (pattern: string, caseInsensitive = false) =>
  WildcardPattern.compile(pattern, { questionMark: true, escapes: true, caseInsensitive });

/** The old (backtracking) translation, as the reference semantics on small inputs. */
function reference(pattern: string, value: string, caseInsensitive = false): boolean {
  let body = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) body += escapeChar(pattern[++i]!);
    else if (ch === '*') body += '[\\s\\S]*';
    else if (ch === '?') body += '[\\s\\S]';
    else body += escapeChar(ch);
  }
  return new RegExp(`^${body}$`, caseInsensitive ? 'iu' : 'u').test(value);
}
const escapeChar = (ch: string) => ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('WildcardPattern', () => {
  it('matches stars, question marks and escapes as ES wildcard queries do', () => {
    assert.equal(wildcard('err*').matches('error'), true);
    assert.equal(wildcard('*or').matches('error'), true);
    assert.equal(wildcard('e?r*r').matches('error'), true);
    assert.equal(wildcard('e?r').matches('error'), false);
    assert.equal(wildcard('*').matches(''), true);
    assert.equal(wildcard('').matches(''), true);
    assert.equal(wildcard('').matches('a'), false);
    assert.equal(wildcard('a**b').matches('ab'), true);
    assert.equal(wildcard('a\\*b').matches('a*b'), true);
    assert.equal(wildcard('a\\*b').matches('axb'), false);
    assert.equal(wildcard('?').matches('😀'), true, '? is one code point');
    assert.equal(wildcard('ERR*', true).matches('error'), true);
    assert.equal(wildcard('a*b*a').matches('aba'), true);
    assert.equal(wildcard('ab*ba').matches('aba'), false, 'prefix and suffix may not overlap');
  });

  it('agrees with the backtracking RegExp on random small patterns and values', () => {
    const alphabet = fc.constantFrom('a', 'b', '*', '?', '\\', 'é');
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 8 }).map((a) => a.join('')),
        fc.array(fc.constantFrom('a', 'b', '*', 'é', 'É'), { maxLength: 10 }).map((a) => a.join('')),
        fc.boolean(),
        (pattern, value, ci) => wildcard(pattern, ci).matches(value) === reference(pattern, value, ci),
      ),
      { seed: 9, numRuns: 3000 },
    );
  });

  it('matches the reproduced patterns against a 111-character value in a handful of comparisons', () => {
    const value = 'a'.repeat(111);
    for (const pattern of ['*****Q', '******Q', 'a*a*a*a*a*b', '*a*a*a*a*a*']) {
      const compiled = wildcard(pattern);
      compiled.matches(value);
      // The old RegExp explored ~111^5 paths for five stars; here each segment is found once.
      assert.ok(compiled.steps <= 111 * 2, `${pattern}: ${compiled.steps} comparisons`);
    }
  });

  it('grows its work linearly in the value for a fixed pattern', () => {
    const compiled = wildcard('*aab*aab*aab*c');
    const stepsFor = (n: number) => {
      compiled.steps = 0;
      compiled.matches('a'.repeat(n));
      return compiled.steps;
    };
    const small = stepsFor(1 << 12);
    const large = stepsFor(1 << 16);
    // 16x the value: at most 16x the work (plus a constant), never 256x.
    assert.ok(large <= 16 * small + 100, `${small} -> ${large}`);
    assert.ok(large <= (1 << 16) * 3 * 2, `${large} comparisons for 65,536 characters`);
  });

  it('refuses patterns past the length limit with a query_shard_exception', () => {
    assert.doesNotThrow(() => wildcard('*'.repeat(MAX_WILDCARD_PATTERN_LENGTH)));
    assert.throws(
      () => wildcard(`${'a*'.repeat(MAX_WILDCARD_PATTERN_LENGTH)}`),
      (e: unknown) =>
        e instanceof SearchEngineError &&
        e.type === 'query_shard_exception' &&
        e.status === 400 &&
        e.reason.includes('input automaton is too large: 2000'),
    );
  });
});
