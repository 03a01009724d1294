import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyze } from './standard-analyzer.js';

test('splits on spaces and punctuation and lowercases, like ES standard', () => {
  assert.deepEqual(analyze('GET /api/v1/users HTTP/1.1'), ['get', 'api', 'v1', 'users', 'http', '1.1']);
  assert.deepEqual(analyze('The QUICK brown-fox!'), ['the', 'quick', 'brown', 'fox']);
});

test('keeps word-internal apostrophes, dots between letters and digit separators', () => {
  assert.deepEqual(analyze("don't stop U.S.A. 10,000 1.5 end."), [
    "don't",
    'stop',
    'u.s.a',
    '10,000',
    '1.5',
    'end',
  ]);
  assert.deepEqual(analyze('foo_bar user@example.com 192.168.0.1'), [
    'foo_bar',
    'user',
    'example.com',
    '192.168.0.1',
  ]);
});

test('emits one token per CJK ideograph and keeps accented letters', () => {
  assert.deepEqual(analyze('東京 Café'), ['東', '京', 'café']);
});

test('returns no tokens for empty or punctuation-only text', () => {
  assert.deepEqual(analyze(''), []);
  assert.deepEqual(analyze(' -- / '), []);
});

test('text that turns non-ASCII part-way gives each token once, with the same joins as all-Unicode text', () => {
  assert.deepEqual(analyze('say hello wörld'), ['say', 'hello', 'wörld']);
  assert.deepEqual(analyze('Ab Cd ÉF x'), ['ab', 'cd', 'éf', 'x']);
  assert.deepEqual(analyze('naïve café'), ['naïve', 'café']);
  // A dot between letters joins them whether the next letter is ASCII or not.
  assert.deepEqual(analyze('go u.ü now'), ['go', 'u.ü', 'now']);
  assert.deepEqual(analyze('x 1.5 ü'), ['x', '1.5', 'ü']);
  // The same token sequence as when the text starts non-ASCII (the all-Unicode path).
  assert.deepEqual(analyze('é say hello wörld').slice(1), analyze('say hello wörld'));
});
