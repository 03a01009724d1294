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
